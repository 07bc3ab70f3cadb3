// CPython's `random` module, bit for bit: the Mersenne Twister MT19937, seeded from an
// integer as CPython seeds it (init_by_array over the integer's 32-bit words), `random()` with
// 53 bits from two outputs, and `uniform`/`gauss` by CPython's formulas. With it,
// `random.seed(1337); new MLP(2, [16, 16, 1])` holds exactly the weights of micrograd's demo.

const N = 624;
const M = 397;

/** One Mersenne Twister stream, as CPython's `random.Random`. */
export class Random {
  private readonly mt = new Uint32Array(N);
  private mti = N + 1;
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
      this.initByArray(entropy());
      return;
    }
    let big: bigint;
    if (typeof n === "bigint") big = n;
    else if (typeof n === "number" && Number.isSafeInteger(n)) big = BigInt(n);
    else if (typeof n === "number" && Number.isInteger(n)) big = BigInt(n);
    else throw new TypeError(`random.seed(n): n must be an integer (a number or a bigint), got ${typeof n === "number" ? n : typeof n}`);
    if (big < 0n) big = -big;
    const key: number[] = [];
    while (big > 0n) {
      key.push(Number(big & 0xffffffffn));
      big >>= 32n;
    }
    if (key.length === 0) key.push(0);
    this.initByArray(key);
  }

  /** A float in [0, 1) with 53 random bits: CPython's `random.random()`. */
  random(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) * (1 / 9007199254740992);
  }

  /** `a + (b - a) * random()`, as CPython's `random.uniform(a, b)`. */
  uniform(a: number, b: number): number {
    if (typeof a !== "number" || typeof b !== "number") {
      throw new TypeError(`random.uniform(a, b): a and b must be numbers, got ${typeof a} and ${typeof b}`);
    }
    return a + (b - a) * this.random();
  }

  /**
   * CPython's `random.gauss(mu, sigma)` (the same draws from `random()`; the cos and sin are
   * JavaScript's, which can differ from C's in the last digit).
   */
  gauss(mu = 0, sigma = 1): number {
    let z = this.gaussNext;
    this.gaussNext = null;
    if (z === null) {
      const x2pi = this.random() * 2 * Math.PI;
      const g2rad = Math.sqrt(-2 * Math.log(1 - this.random()));
      z = Math.cos(x2pi) * g2rad;
      this.gaussNext = Math.sin(x2pi) * g2rad;
    }
    return mu + z * sigma;
  }

  /** The next raw 32-bit output (genrand_uint32). */
  nextUint32(): number {
    const mt = this.mt;
    if (this.mti >= N) {
      let kk = 0;
      for (; kk < N - M; kk++) {
        const y = (mt[kk] & 0x80000000) | (mt[kk + 1] & 0x7fffffff);
        mt[kk] = mt[kk + M] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      for (; kk < N - 1; kk++) {
        const y = (mt[kk] & 0x80000000) | (mt[kk + 1] & 0x7fffffff);
        mt[kk] = mt[kk + (M - N)] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      const y = (mt[N - 1] & 0x80000000) | (mt[0] & 0x7fffffff);
      mt[N - 1] = mt[M - 1] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      this.mti = 0;
    }
    let y = mt[this.mti++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  private initGenrand(s: number): void {
    const mt = this.mt;
    mt[0] = s >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
    this.mti = N;
  }

  private initByArray(key: readonly number[]): void {
    const mt = this.mt;
    this.initGenrand(19650218);
    let i = 1;
    let j = 0;
    for (let k = Math.max(N, key.length); k > 0; k--) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = ((mt[i] ^ Math.imul(prev, 1664525)) + key[j] + j) >>> 0;
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = ((mt[i] ^ Math.imul(prev, 1566083941)) - i) >>> 0;
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
    }
    mt[0] = 0x80000000;
    this.mti = N;
  }
}

function entropy(): number[] {
  const words = new Uint32Array(N);
  const c = (globalThis as { crypto?: { getRandomValues?(a: Uint32Array): Uint32Array } }).crypto;
  if (c?.getRandomValues) c.getRandomValues(words);
  else for (let i = 0; i < N; i++) words[i] = Math.floor(Math.random() * 0x100000000);
  return Array.from(words);
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
