import { createHash } from "node:crypto";
import { Random, random } from "micrograd-ts";
import { describe, expect, it } from "vitest";
import { sha512 } from "../runtime/python/sha512.ts";

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
  it("seeds of every type CPython takes: floats by their hash, strings and bytes by SHA-512 (values printed by python3 -c 'random.seed(a); print(repr(random.random()))')", () => {
    const cases: [Parameters<typeof random.seed>[0], number][] = [
      [1.5, 0.551763726942059],
      [-1.5, 0.7101153317194698],
      [0.1, 0.8062579873336703],
      [-0.1, 0.9101117294798381],
      [1e-300, 0.43684087591810306],
      [5e-324, 0.4787190331584651],
      [-2.5, 0.4779490710306722],
      [Infinity, 0.19236379321481523],
      [-Infinity, 0.820833204760975],
      ["", 0.9602256525641875],
      ["abc", 0.7720246314157545],
      ["micrograd", 0.6865589425203299],
      ["héllo ✓", 0.5592754137226804],
      ["x".repeat(300), 0.22742392778346976],
      [new Uint8Array([0, 255]), 0.09579186693672392],
      [true, 0.13436424411240122],
      [false, 0.8444218515250481],
      [2.0, 0.9560342718892494],
    ];
    for (const [seed, first] of cases) {
      random.seed(seed);
      expect(random.random(), `seed(${typeof seed === "string" ? JSON.stringify(seed) : String(seed)})`).toBe(first);
    }
    // a string is not its number: Python's seed("1337") is another stream than seed(1337)
    random.seed("1337");
    expect(random.random()).not.toBe(0.6177528569514706);
  });
  it("rejects seeds that Python rejects or cannot reproduce, saying why", () => {
    expect(() => random.seed(NaN)).toThrow(/random.seed\(a\): a is NaN, whose Python hash is its object's address/);
    expect(() => random.seed([1, 2] as unknown as number)).toThrow(
      /a must be an integer \(a number or a bigint\), a float, a string or bytes \(a Uint8Array\), as in Python; got an array/,
    );
    expect(() => random.seed({} as unknown as number)).toThrow(/got an object \(Object\)/);
    expect(() => random.seed("\uD800")).toThrow(/lone surrogate/);
    expect(() => random.uniform("a" as unknown as number, 1)).toThrow(/random.uniform\(a, b\): a and b must be numbers/);
  });
});

describe("CPython's integer and sequence functions (values printed by python3 3.11 after random.seed(1337))", () => {
  it("shuffle, randint, randrange, choice, sample, getrandbits and choices draw as CPython", () => {
    random.seed(1337);
    const xs = Array.from({ length: 20 }, (_, i) => i);
    random.shuffle(xs);
    expect(xs).toEqual([13, 1, 2, 9, 7, 8, 0, 18, 3, 14, 4, 16, 12, 15, 6, 10, 5, 11, 17, 19]);
    expect(random.randint(1, 6)).toBe(4);
    expect(random.randrange(10)).toBe(6);
    expect(random.randrange(3, 100, 7)).toBe(87);
    expect(random.randrange(50, -50, -3)).toBe(-7);
    expect(random.choice("abcdefg")).toBe("f");
    // a set of picks (100 > the pool's threshold), then the pool (10 <= it)
    expect(
      random.sample(
        Array.from({ length: 100 }, (_, i) => i),
        10,
      ),
    ).toEqual([2, 45, 76, 15, 58, 31, 21, 40, 86, 88]);
    expect(
      random.sample(
        Array.from({ length: 10 }, (_, i) => i),
        10,
      ),
    ).toEqual([9, 7, 4, 6, 1, 8, 0, 2, 3, 5]);
    expect([random.getrandbits(1), random.getrandbits(32), random.getrandbits(33), random.getrandbits(53)]).toEqual([0, 4133930511, 7099249212, 484878699701499]);
    expect(random.randrange(2 ** 53 - 1)).toBe(154389796097093);
    expect(random.choices("xyz", { k: 5 })).toEqual(["y", "x", "x", "y", "z"]);
    expect(random.choices("xyz", { weights: [1, 2, 7], k: 5 })).toEqual(["z", "z", "z", "z", "z"]);
    expect(random.randint(-(10 ** 12), 10 ** 12)).toBe(-494093965658);
  });
  it("says what is wrong with an empty range, a non-integer or too many bits", () => {
    expect(() => random.randrange(0)).toThrow(/random.randrange\(0\): empty range/);
    expect(() => random.randint(5, 1)).toThrow(/random.randrange\(5, 2\): empty range/);
    expect(() => random.randrange(1, 10, 0)).toThrow(/zero step/);
    expect(() => random.randint(1.5, 3)).toThrow(/random.randrange\(\): start must be an integer, got 1.5/);
    expect(() => random.choice([])).toThrow(/cannot choose from an empty sequence/);
    expect(() => random.sample([1, 2], 3)).toThrow(/k must be an integer from 0 to 2/);
    expect(() => random.getrandbits(54)).toThrow(/at most 53 here/);
    expect(() => random.choices([1, 2], { weights: [0, 0] })).toThrow(/total of the weights must be finite and above zero, got 0/);
    expect(() => random.choices([1, 2], { weights: [1] })).toThrow(/number of weights \(1\) does not match the population \(2\)/);
  });
});

describe("SHA-512 (what a string seed goes through)", () => {
  it("equals node:crypto's, across block boundaries", () => {
    for (const length of [0, 1, 3, 111, 112, 127, 128, 129, 1000]) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 31 + 7) & 255);
      expect(Buffer.from(sha512(bytes)).toString("hex"), `${length} bytes`).toBe(createHash("sha512").update(bytes).digest("hex"));
    }
  });
});
