// CPython's `random` module, bit for bit: the Mersenne Twister MT19937, seeded from an
// integer as CPython seeds it (init_by_array over the integer's 32-bit words), `random()` with
// 53 bits from two outputs, and `uniform`/`gauss` by CPython's formulas. With it,
// `random.seed(1337); new MLP(2, [16, 16, 1])` holds exactly the weights of micrograd's demo.

import { crCos, crLog, crSin } from "./correctly-rounded.js";
import { entropyWords, MT19937 } from "./mt19937.js";

/** One Mersenne Twister stream, as CPython's `random.Random`. */
export class Random {
  private readonly mt = new MT19937();
  private gaussNext: number | null = null;

  /** With no seed, seeded from the platform's randomness, as Python is. */
  constructor(seed?: number | bigint) {
    this.seed(seed);
  }

  /**
   * Python's `random.seed(n)` for an integer n (a number or a bigint; the sign is ignored, as
   * in CPython). With no argument, seeds from `crypto.getRandomValues`.
   */
  seed(n?: number | bigint | null): void {
    this.gaussNext = null;
    if (n === undefined || n === null) {
      this.mt.initByArray(entropyWords(624));
      return;
    }
    let big: bigint;
    if (typeof n === "bigint") big = n;
    else if (typeof n === "number" && Number.isInteger(n)) big = BigInt(n);
    else throw new TypeError(`random.seed(n): n must be an integer (a number or a bigint), got ${typeof n === "number" ? n : typeof n}`);
    if (big < 0n) big = -big;
    const key: number[] = [];
    while (big > 0n) {
      key.push(Number(big & 0xffffffffn));
      big >>= 32n;
    }
    if (key.length === 0) key.push(0);
    this.mt.initByArray(key);
  }

  /** A float in [0, 1) with 53 random bits: CPython's `random.random()`. */
  random(): number {
    return this.mt.nextDouble();
  }

  /** `a + (b - a) * random()`, as CPython's `random.uniform(a, b)`. */
  uniform(a: number, b: number): number {
    if (typeof a !== "number" || typeof b !== "number") {
      throw new TypeError(`random.uniform(a, b): a and b must be numbers, got ${typeof a} and ${typeof b}`);
    }
    return a + (b - a) * this.random();
  }

  /**
   * CPython's `random.gauss(mu, sigma)`: the same draws from `random()` and the same formula,
   * with correctly rounded cos, sin and log as the C library nearly always gives (JavaScript's
   * Math functions differ from C's in the last digit more often; see docs/moons.md).
   */
  gauss(mu = 0, sigma = 1): number {
    let z = this.gaussNext;
    this.gaussNext = null;
    if (z === null) {
      const x2pi = this.random() * 2 * Math.PI;
      const g2rad = Math.sqrt(-2 * crLog(1 - this.random()));
      z = crCos(x2pi) * g2rad;
      this.gaussNext = crSin(x2pi) * g2rad;
    }
    return mu + z * sigma;
  }

  /** The next raw 32-bit output (genrand_uint32). */
  nextUint32(): number {
    return this.mt.nextUint32();
  }
}

/** The module-level generator behind `random.seed()`, `random.random()`, … and the nn weights. */
export const defaultRandom = new Random();

/**
 * Python's `random` module: `random.seed(1337)`, `random.random()`, `random.uniform(-1, 1)`,
 * `random.gauss()`. All share one generator, as in Python.
 */
export const random = {
  seed: (n?: number | bigint | null): void => defaultRandom.seed(n),
  random: (): number => defaultRandom.random(),
  uniform: (a: number, b: number): number => defaultRandom.uniform(a, b),
  gauss: (mu?: number, sigma?: number): number => defaultRandom.gauss(mu, sigma),
  Random,
};
