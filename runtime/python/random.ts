// CPython's `random` module, bit for bit: the Mersenne Twister MT19937, seeded from an
// integer as CPython seeds it (init_by_array over the integer's 32-bit words), `random()` with
// 53 bits from two outputs, and `uniform`/`gauss` by CPython's formulas. With it,
// `random.seed(1337); new MLP(2, [16, 16, 1])` holds exactly the weights of micrograd's demo.

import { crCos, crLog, crSin } from "./correctly-rounded.js";
import { entropyWords, MT19937 } from "./mt19937.js";
import { sha512 } from "./sha512.js";

/**
 * What `random.seed` takes, as CPython's: None (`null`, or nothing), an int (a number or a
 * bigint, or a boolean), a float, a str, bytes (a Uint8Array).
 */
export type Seed = number | bigint | boolean | string | Uint8Array | null;

const P61 = (1n << 61n) - 1n;

/** CPython's hash of a float (sys.hash_info: modulus 2**61 - 1, inf 314159), as a signed 64-bit integer. */
function floatHash(x: number): bigint {
  if (x === Infinity) return 314159n;
  if (x === -Infinity) return -314159n;
  // x = mantissa * 2**exponent exactly, the mantissa an integer below 2**53
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const bits = view.getBigUint64(0);
  const biased = Number(bits >> 52n);
  const fraction = bits & ((1n << 52n) - 1n);
  const mantissa = biased === 0 ? fraction : fraction | (1n << 52n);
  const exponent = (biased === 0 ? 1 : biased) - 1075;
  // 2**61 = 1 modulo 2**61 - 1, so 2**e is 2**(e mod 61) there, negative e included
  let h = (mantissa * (1n << BigInt(((exponent % 61) + 61) % 61))) % P61;
  if (x < 0) h = -h;
  return h === -1n ? -2n : h;
}

/** The non-negative integer CPython's random_seed makes of a seed. */
function seedInteger(a: Seed): bigint {
  if (typeof a === "boolean") return a ? 1n : 0n;
  if (typeof a === "bigint") return a < 0n ? -a : a;
  if (typeof a === "number") {
    if (Number.isInteger(a)) return BigInt(Math.abs(a));
    if (Number.isNaN(a)) throw new TypeError("random.seed(a): a is NaN, whose Python hash is its object's address: no seed reproduces it");
    // a float: the seed is its hash as an unsigned 64-bit integer
    const h = floatHash(a);
    return h < 0n ? h + (1n << 64n) : h;
  }
  let bytes: Uint8Array;
  if (typeof a === "string") {
    if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(a))
      throw new TypeError("random.seed(a): the string has a lone surrogate, which Python cannot encode as UTF-8");
    bytes = new TextEncoder().encode(a);
  } else if (a instanceof Uint8Array) bytes = a;
  else {
    const got = typeof a === "object" ? (Array.isArray(a) ? "an array" : `an object (${Object.prototype.toString.call(a).slice(8, -1)})`) : typeof a;
    throw new TypeError(`random.seed(a): a must be an integer (a number or a bigint), a float, a string or bytes (a Uint8Array), as in Python; got ${got}`);
  }
  // version 2: int.from_bytes(a + sha512(a).digest(), "big")
  let n = 0n;
  for (const byte of [...bytes, ...sha512(bytes)]) n = (n << 8n) | BigInt(byte);
  return n;
}

/** One Mersenne Twister stream, as CPython's `random.Random`. */
export class Random {
  private readonly mt = new MT19937();
  private gaussNext: number | null = null;

  /** With no seed, seeded from the platform's randomness, as Python is. */
  constructor(seed?: Seed) {
    this.seed(seed);
  }

  /**
   * Python's `random.seed(a)`, for every seed type CPython 3.11 takes: an integer (a number or
   * a bigint; the sign is ignored, as in CPython; `true` is 1), a number that is not an integer
   * (seeded from its Python hash, as CPython seeds a float; JavaScript has one number type, so
   * an integral number such as `1e20` seeds as Python's int of that value, `10**20`), a string or bytes (a Uint8Array:
   * seeded from the bytes followed by their SHA-512, CPython's version 2). With no argument (or
   * null, Python's None), seeds from `crypto.getRandomValues`.
   */
  seed(a?: Seed): void {
    this.gaussNext = null;
    if (a === undefined || a === null) {
      this.mt.initByArray(entropyWords(624));
      return;
    }
    let big = seedInteger(a);
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
  seed: (a?: Seed): void => defaultRandom.seed(a),
  random: (): number => defaultRandom.random(),
  uniform: (a: number, b: number): number => defaultRandom.uniform(a, b),
  gauss: (mu?: number, sigma?: number): number => defaultRandom.gauss(mu, sigma),
  Random,
};
