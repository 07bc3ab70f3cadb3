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

  /**
   * CPython's `random.getrandbits(k)`: an integer of k random bits, 0 <= k <= 53 here (a
   * number holds 53 bits exactly). Bits come 32 at a time, least significant word first, the
   * last word's low bits dropped, as CPython fills them.
   */
  getrandbits(k: number): number {
    if (!Number.isInteger(k) || k < 0) throw new RangeError(`random.getrandbits(k): k must be a non-negative integer, got ${k}`);
    if (k > 53) throw new RangeError(`random.getrandbits(k): k is at most 53 here (a JavaScript number holds 53 bits exactly), got ${k}`);
    if (k === 0) return 0;
    if (k <= 32) return this.mt.nextUint32() >>> (32 - k);
    const low = this.mt.nextUint32();
    return low + (this.mt.nextUint32() >>> (64 - k)) * 2 ** 32;
  }

  /** CPython's `_randbelow(n)`: an integer in [0, n) from getrandbits(n.bit_length()), redrawn while too large. */
  private randbelow(n: number): number {
    const bits = n === 0 ? 0 : n.toString(2).length; // n.bit_length(), exact (Math.log2 rounds)
    let r = this.getrandbits(bits);
    while (r >= n) r = this.getrandbits(bits);
    return r;
  }

  /** CPython's `random.randrange(stop)` / `randrange(start, stop, step = 1)`: an integer in the range, as CPython draws it. */
  randrange(start: number, stop?: number, step = 1): number {
    for (const [name, v] of [
      ["start", start],
      ["stop", stop],
      ["step", step],
    ] as const) {
      if (v !== undefined && !Number.isSafeInteger(v)) throw new TypeError(`random.randrange(): ${name} must be an integer, got ${typeof v === "number" ? v : typeof v}`);
    }
    if (stop === undefined) {
      if (start > 0) return this.randbelow(start);
      throw new RangeError(`random.randrange(${start}): empty range`);
    }
    const width = stop - start;
    if (step === 1) {
      if (width > 0) return start + this.randbelow(width);
      throw new RangeError(`random.randrange(${start}, ${stop}): empty range`);
    }
    if (step === 0) throw new RangeError("random.randrange(): zero step");
    const n = step > 0 ? Math.floor((width + step - 1) / step) : Math.floor((width + step + 1) / step);
    if (n <= 0) throw new RangeError(`random.randrange(${start}, ${stop}, ${step}): empty range`);
    return start + step * this.randbelow(n);
  }

  /** CPython's `random.randint(a, b)`: an integer with a <= n <= b (randrange(a, b + 1)). */
  randint(a: number, b: number): number {
    return this.randrange(a, b + 1);
  }

  /** CPython's `random.choice(seq)`: `seq[_randbelow(len(seq))]`. */
  choice<T>(seq: ArrayLike<T>): T {
    if (seq.length === 0) throw new RangeError("random.choice(seq): cannot choose from an empty sequence");
    return seq[this.randbelow(seq.length)]!;
  }

  /** CPython's `random.shuffle(x)`, in place: for i from the end, swap x[i] with x[_randbelow(i + 1)]. */
  shuffle<T>(x: T[]): void {
    for (let i = x.length - 1; i > 0; i--) {
      const j = this.randbelow(i + 1);
      [x[i], x[j]] = [x[j]!, x[i]!];
    }
  }

  /**
   * CPython's `random.sample(population, k)`: k distinct elements, in selection order, by
   * CPython's two methods (a shrinking pool for small populations, a set of picks otherwise).
   */
  sample<T>(population: ArrayLike<T>, k: number): T[] {
    const n = population.length;
    if (!Number.isInteger(k) || k < 0 || k > n) throw new RangeError(`random.sample(population, k): k must be an integer from 0 to ${n} (the population's size), got ${k}`);
    const result: T[] = [];
    let setsize = 21;
    if (k > 5) setsize += 4 ** Math.ceil(Math.log(k * 3) / Math.log(4));
    if (n <= setsize) {
      const pool = Array.from(population);
      for (let i = 0; i < k; i++) {
        const j = this.randbelow(n - i);
        result.push(pool[j]!);
        pool[j] = pool[n - i - 1]!;
      }
    } else {
      const selected = new Set<number>();
      for (let i = 0; i < k; i++) {
        let j = this.randbelow(n);
        while (selected.has(j)) j = this.randbelow(n);
        selected.add(j);
        result.push(population[j]!);
      }
    }
    return result;
  }

  /**
   * CPython's `random.choices(population, { weights, cumWeights, k })`: k picks with
   * replacement; without weights `population[floor(random() * n)]`, with them a bisection of
   * the cumulative weights at `random() * total`, as CPython.
   */
  choices<T>(population: ArrayLike<T>, options: { weights?: readonly number[]; cumWeights?: readonly number[]; k?: number } = {}): T[] {
    const n = population.length;
    const k = options.k ?? 1;
    if (!Number.isInteger(k) || k < 0) throw new RangeError(`random.choices(): k must be a non-negative integer, got ${k}`);
    let cum = options.cumWeights;
    if (options.weights !== undefined) {
      if (cum !== undefined) throw new TypeError("random.choices(): cannot specify both weights and cumulative weights");
      let acc = 0;
      cum = options.weights.map((w) => (acc += w));
    }
    if (cum === undefined) {
      if (n === 0) throw new RangeError("random.choices(): cannot choose from an empty population");
      return Array.from({ length: k }, () => population[Math.floor(this.random() * n)]!);
    }
    if (cum.length !== n) throw new RangeError(`random.choices(): the number of weights (${cum.length}) does not match the population (${n})`);
    const total = cum[n - 1] ?? 0;
    if (!(total > 0) || !Number.isFinite(total)) throw new RangeError(`random.choices(): the total of the weights must be finite and above zero, got ${total}`);
    return Array.from({ length: k }, () => {
      // bisect_right(cum, random() * total, 0, n - 1)
      const x = this.random() * total;
      let lo = 0;
      let hi = n - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (x < cum[mid]!) hi = mid;
        else lo = mid + 1;
      }
      return population[lo]!;
    });
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
 * `random.gauss()`, `random.randint(a, b)`, `random.randrange(...)`, `random.choice(seq)`,
 * `random.choices(seq, { k })`, `random.shuffle(x)`, `random.sample(seq, k)`,
 * `random.getrandbits(k)`. All share one generator, as in Python.
 */
export const random = {
  seed: (a?: Seed): void => defaultRandom.seed(a),
  random: (): number => defaultRandom.random(),
  uniform: (a: number, b: number): number => defaultRandom.uniform(a, b),
  gauss: (mu?: number, sigma?: number): number => defaultRandom.gauss(mu, sigma),
  getrandbits: (k: number): number => defaultRandom.getrandbits(k),
  randrange: (start: number, stop?: number, step?: number): number => defaultRandom.randrange(start, stop, step),
  randint: (a: number, b: number): number => defaultRandom.randint(a, b),
  choice: <T>(seq: ArrayLike<T>): T => defaultRandom.choice(seq),
  choices: <T>(population: ArrayLike<T>, options?: { weights?: readonly number[]; cumWeights?: readonly number[]; k?: number }): T[] => defaultRandom.choices(population, options),
  shuffle: <T>(x: T[]): void => defaultRandom.shuffle(x),
  sample: <T>(population: ArrayLike<T>, k: number): T[] => defaultRandom.sample(population, k),
  Random,
};
