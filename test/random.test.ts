import { Random, random } from "micrograd-ts";
import { describe, expect, it } from "vitest";

describe("CPython's random (docs/reference-figures.md)", () => {
  it("seed(1337), uniform(-1, 1) x4", () => {
    random.seed(1337);
    expect([1, 2, 3, 4].map(() => random.uniform(-1, 1))).toEqual([0.23550571390294128, 0.06653114721000164, -0.26830328150124894, 0.1715747078045431]);
  });
  it("seed(1337), random() x3", () => {
    random.seed(1337);
    expect([random.random(), random.random(), random.random()]).toEqual([0.6177528569514706, 0.5332655736050008, 0.36584835924937553]);
  });
  it("seed(42), seed(0), seed(2**40 + 5), negative seeds and bigints", () => {
    const r = new Random(42);
    expect([r.random(), r.random()]).toEqual([0.6394267984578837, 0.025010755222666936]);
    r.seed(0);
    expect([r.random(), r.random()]).toEqual([0.8444218515250481, 0.7579544029403025]);
    r.seed(2 ** 40 + 5);
    expect(r.random()).toBe(0.5043802970418443);
    r.seed(2n ** 40n + 5n);
    expect(r.random()).toBe(0.5043802970418443);
    r.seed(-42); // CPython uses abs(n)
    expect(r.random()).toBe(0.6394267984578837);
  });
  it("uniform is a + (b - a) * random()", () => {
    const r1 = new Random(7),
      r2 = new Random(7);
    expect(r1.uniform(3, 5)).toBe(3 + 2 * r2.random());
  });
  it("separate generators do not share state; the module one is shared", () => {
    random.seed(1337);
    const own = new Random(99);
    own.random();
    expect(random.random()).toBe(0.6177528569514706);
  });
  it("unseeded generators differ", () => {
    expect(new Random().random()).not.toBe(new Random().random());
  });
  it("gauss is reproducible from a seed and caches its second draw", () => {
    const r1 = new Random(5),
      r2 = new Random(5);
    const a = [r1.gauss(), r1.gauss(), r1.gauss(2, 3)];
    const b = [r2.gauss(), r2.gauss(), r2.gauss(2, 3)];
    expect(a).toEqual(b);
    expect(new Set(a).size).toBe(3);
  });
  it("gauss equals CPython's (values printed by python3 -c 'random.seed(n); random.gauss()…')", () => {
    const r = new Random(1337);
    expect(Array.from({ length: 6 }, () => r.gauss())).toEqual([
      -0.9117532932976627, -0.8322834003509737, -0.8833109857747158, 0.9912180893337817, 0.9424983732594854, 1.6095002404943455,
    ]);
    r.seed(5);
    expect([r.gauss(), r.gauss(), r.gauss(2, 3)]).toEqual([-1.1788417512306717, -1.1481606807908016, 4.0084067431579085]);
  });
  it("rejects seeds that are not integers", () => {
    expect(() => random.seed(1.5)).toThrow(/random.seed\(n\): n must be an integer/);
    expect(() => random.seed("1337" as unknown as number)).toThrow(/must be an integer/);
    expect(() => random.uniform("a" as unknown as number, 1)).toThrow(/random.uniform\(a, b\): a and b must be numbers/);
  });
});
