import { describe, expect, it } from "vitest";
import { crCos, crLog, crSin } from "../runtime/python/correctly-rounded.js";
import { numpyRandom, RandomState } from "../runtime/python/numpy-random.js";

describe("numpy's legacy RandomState (docs/reference-figures.md, seed 1337)", () => {
  it("random_sample x3", () => {
    const r = new RandomState(1337);
    expect([r.randomSample(), r.random_sample(), r.randomSample()]).toEqual([0.2620246750155817, 0.1586839721544656, 0.27812651949435974]);
    r.seed(1337);
    expect(r.randomSample(3)).toEqual([0.2620246750155817, 0.1586839721544656, 0.27812651949435974]);
  });
  it("normal x3: the polar Gaussian, second value cached", () => {
    const r = new RandomState(1337);
    expect([r.normal(), r.normal(), r.normal()]).toEqual([-0.7031873098624105, -0.49028236278771464, -0.3218143296501526]);
    r.seed(1337);
    expect(r.standardNormal(3)).toEqual([-0.7031873098624105, -0.49028236278771464, -0.3218143296501526]);
    // loc + scale * gauss, row-major over the shape
    r.seed(1337);
    expect(r.normal(1, 0.1, [1, 3])).toEqual([[1 + 0.1 * -0.7031873098624105, 1 + 0.1 * -0.49028236278771464, 1 + 0.1 * -0.3218143296501526]]);
  });
  it("shuffle(arange(10)) and permutation(10)", () => {
    const r = new RandomState(1337);
    const a = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    r.shuffle(a);
    expect(a).toEqual([6, 3, 0, 4, 5, 2, 1, 9, 8, 7]);
    r.seed(1337);
    expect(r.permutation(10)).toEqual([6, 3, 0, 4, 5, 2, 1, 9, 8, 7]);
    r.seed(1337);
    expect(r.permutation(["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"]).join("")).toBe("gdaefcbjih");
  });
  it("the module-level functions share one generator, as np.random's", () => {
    numpyRandom.seed(1337);
    expect(numpyRandom.random_sample()).toBe(0.2620246750155817);
    expect(numpyRandom.random_sample()).toBe(0.1586839721544656);
    numpyRandom.seed(1337);
    expect(numpyRandom.normal(0, 1, 2)).toEqual([-0.7031873098624105, -0.49028236278771464]);
    expect(numpyRandom.standard_normal()).toBe(-0.3218143296501526);
    numpyRandom.seed(1337);
    expect(numpyRandom.uniform(-1, 1)).toBe(-1 + 2 * 0.2620246750155817);
    numpyRandom.seed(1337);
    expect(numpyRandom.permutation(10)).toEqual([6, 3, 0, 4, 5, 2, 1, 9, 8, 7]);
  });
  it("interval draws under a mask and never exceeds max", () => {
    const r = new RandomState(7);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const v = r.interval(5);
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(5);
      seen.add(v);
    }
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(r.interval(0)).toBe(0);
    expect(r.interval(0xffffffff)).toBeLessThanOrEqual(0xffffffff);
  });
  it("rejects seeds numpy rejects, and bad sizes", () => {
    expect(() => new RandomState(-1)).toThrow(/between 0 and 2\*\*32 - 1/);
    expect(() => new RandomState(2 ** 32)).toThrow(/between 0 and 2\*\*32 - 1/);
    expect(() => new RandomState(1.5)).toThrow(/got 1.5/);
    expect(() => new RandomState(1337).normal(0, 1, -1)).toThrow(/size must be a non-negative integer/);
    expect(() => new RandomState(1337).normal(0, -1)).toThrow(/scale must be non-negative/);
  });
});

describe("correctly rounded log, sin, cos (what the C library returns, unlike Math's)", () => {
  it("the two moons angles where JavaScript's Math differs from C (docs/reference-figures.md)", () => {
    expect(crCos(1.1540544441758422)).toBe(0.404783343122394);
    expect(crSin(2.179880616776591)).toBe(0.8201722545969561);
    expect(Math.cos(1.1540544441758422)).toBe(0.40478334312239395);
    expect(Math.sin(2.179880616776591)).toBe(0.820172254596956);
  });
  // Exact values checked with 80-digit decimal arithmetic: each lies within 0.003 ulp of a
  // halfway point, so a faithful-only implementation picks the wrong neighbour.
  it("near-halfway cases round to the nearest double", () => {
    expect(crSin(2.2067011963019456)).toBe(0.8045346187098706);
    expect(crCos(1.8329236494531833)).toBe(-0.25913579192975994);
    expect(crLog(0.8086295805305823)).toBe(-0.21241434004218426);
    expect(crLog(0.9717011004341004)).toBe(-0.028707031654004945);
    expect(crSin(1.4105109873260295)).toBe(0.9871817834144502);
  });
  it("large arguments, symmetry, tiny arguments and special values", () => {
    expect(crSin(1e22)).toBe(-0.8522008497671888);
    expect(crCos(1e22)).toBe(0.523214785395139);
    expect(crSin(-2.179880616776591)).toBe(-0.8201722545969561);
    expect(crCos(-1.1540544441758422)).toBe(0.404783343122394);
    expect(crSin(1e-300)).toBe(1e-300);
    expect(crCos(1e-300)).toBe(1);
    expect(Object.is(crSin(-0), -0)).toBe(true);
    expect(crSin(Math.PI)).toBe(1.2246467991473532e-16);
    expect(crCos(Math.PI / 2)).toBe(6.123233995736766e-17);
    expect(crLog(1)).toBe(0);
    expect(crLog(2)).toBe(Math.LN2);
    expect(crLog(0)).toBe(-Infinity);
    expect(crLog(5e-324)).toBe(-744.4400719213812);
    expect(crLog(Number.MAX_VALUE)).toBe(709.782712893384);
    expect(crLog(1 - 2 ** -53)).toBe(-(2 ** -53));
    expect([crLog(-1), crLog(NaN), crSin(Infinity), crCos(NaN)].every(Number.isNaN)).toBe(true);
  });
  it("agrees with Math within one ulp everywhere", () => {
    const r = new RandomState(3);
    for (let i = 0; i < 2000; i++) {
      const x = (r.randomSample() - 0.5) * 20;
      for (const [cr, js] of [
        [crSin(x), Math.sin(x)],
        [crCos(x), Math.cos(x)],
        [crLog(Math.abs(x)), Math.log(Math.abs(x))],
      ] as const) {
        expect(Math.abs(cr - js)).toBeLessThanOrEqual(Math.abs(js) * 2 ** -52);
      }
    }
  });
});
