// numpy's legacy `RandomState` (what `np.random.seed(n)` and `np.random.normal(...)` use), bit
// for bit: MT19937 seeded by init_genrand (not CPython's init_by_array), 53-bit doubles, the
// polar Box-Muller Gaussian that caches its second value, and the shuffle that draws each
// index by masked rejection. sklearn's make_moons (datasets.ts) runs on it.

import { crLog } from "./correctly-rounded.js";
import { entropyWords, MT19937 } from "./mt19937.js";

/** A shape for the array-returning draws: a length, or [rows, cols, …] (nested arrays, row-major). */
export type Size = number | readonly number[];

/** Nested arrays of numbers, as numpy's `tolist()` would give for a given shape. */
export type NDArray = number | NDArray[];

function checkSeed(seed: unknown): number {
  const n = typeof seed === "bigint" ? Number(seed) : seed;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 0 || n > 0xffffffff) {
    const shown = typeof seed === "bigint" ? `${seed}n` : typeof seed === "number" ? String(seed) : typeof seed;
    throw new RangeError(`RandomState.seed(seed): seed must be an integer between 0 and 2**32 - 1, as in numpy; got ${shown}`);
  }
  return n;
}

function checkSize(where: string, size: Size): number[] {
  const shape = typeof size === "number" ? [size] : Array.isArray(size) ? [...size] : null;
  if (!shape || shape.some((d) => typeof d !== "number" || !Number.isInteger(d) || d < 0)) {
    throw new TypeError(`${where}: size must be a non-negative integer or an array of them, got ${JSON.stringify(size) ?? String(size)}`);
  }
  return shape;
}

function fill(shape: readonly number[], draw: () => number, depth = 0): NDArray[] {
  const out: NDArray[] = [];
  for (let i = 0; i < shape[depth]!; i++) out.push(depth === shape.length - 1 ? draw() : fill(shape, draw, depth + 1));
  return out;
}

/**
 * numpy's legacy `np.random.RandomState`: `new RandomState(1337)` draws what
 * `np.random.RandomState(1337)` (or `np.random.seed(1337)` then `np.random.…`) draws.
 *
 * The Gaussian's log is correctly rounded (crLog) rather than JavaScript's Math.log, because
 * numpy calls the C library's log: see docs/moons.md for how close that is to glibc.
 */
export class RandomState {
  private readonly mt = new MT19937();
  private hasGauss = false;
  private gauss = 0;

  /** With no seed, seeded from the platform's randomness, as numpy does. */
  constructor(seed?: number | bigint | null) {
    this.seed(seed);
  }

  /** numpy's `seed(n)` for an integer 0 <= n < 2**32 (init_genrand); with none, fresh entropy. */
  seed(seed?: number | bigint | null): void {
    this.mt.initGenrand(seed === undefined || seed === null ? entropyWords(1)[0]! : checkSeed(seed));
    this.hasGauss = false;
    this.gauss = 0;
  }

  /** The next raw 32-bit output of MT19937. */
  nextUint32(): number {
    return this.mt.nextUint32();
  }

  /** One float in [0, 1) from 53 random bits (two outputs), as numpy's `random_sample()`. */
  private nextDouble(): number {
    return this.mt.nextDouble();
  }

  /** One standard normal draw: the polar method, whose second value is kept for the next call. */
  private nextGauss(): number {
    if (this.hasGauss) {
      this.hasGauss = false;
      const g = this.gauss;
      this.gauss = 0;
      return g;
    }
    let x1: number;
    let x2: number;
    let r2: number;
    do {
      x1 = 2 * this.nextDouble() - 1;
      x2 = 2 * this.nextDouble() - 1;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1 || r2 === 0);
    const f = Math.sqrt((-2 * crLog(r2)) / r2);
    this.gauss = f * x1;
    this.hasGauss = true;
    return f * x2;
  }

  /** numpy's `random_sample()` / `random_sample(size)`: floats in [0, 1). */
  randomSample(): number;
  randomSample(size: Size): NDArray[];
  randomSample(size?: Size): number | NDArray[] {
    if (size === undefined) return this.nextDouble();
    return fill(checkSize("RandomState.randomSample(size)", size), () => this.nextDouble());
  }

  /** numpy's name for randomSample. */
  random_sample(): number;
  random_sample(size: Size): NDArray[];
  random_sample(size?: Size): number | NDArray[] {
    return size === undefined ? this.randomSample() : this.randomSample(size);
  }

  /** numpy's `uniform(low, high)`: `low + (high - low) * random_sample()`. */
  uniform(low?: number, high?: number): number;
  uniform(low: number, high: number, size: Size): NDArray[];
  uniform(low = 0, high = 1, size?: Size): number | NDArray[] {
    if (typeof low !== "number" || typeof high !== "number") {
      throw new TypeError(`RandomState.uniform(low, high): low and high must be numbers, got ${typeof low} and ${typeof high}`);
    }
    const range = high - low;
    const draw = () => low + range * this.nextDouble();
    return size === undefined ? draw() : fill(checkSize("RandomState.uniform(low, high, size)", size), draw);
  }

  /** numpy's `standard_normal()`: the legacy Gaussian. */
  standardNormal(): number;
  standardNormal(size: Size): NDArray[];
  standardNormal(size?: Size): number | NDArray[] {
    return size === undefined ? this.nextGauss() : fill(checkSize("RandomState.standardNormal(size)", size), () => this.nextGauss());
  }

  /** numpy's `normal(loc, scale, size)`: `loc + scale * gauss`, drawn in row-major order. */
  normal(loc?: number, scale?: number): number;
  normal(loc: number, scale: number, size: Size): NDArray[];
  normal(loc = 0, scale = 1, size?: Size): number | NDArray[] {
    if (typeof loc !== "number" || typeof scale !== "number") {
      throw new TypeError(`RandomState.normal(loc, scale): loc and scale must be numbers, got ${typeof loc} and ${typeof scale}`);
    }
    if (!(scale >= 0)) throw new RangeError(`RandomState.normal(loc, scale): scale must be non-negative, got ${scale}`);
    const draw = () => loc + scale * this.nextGauss();
    return size === undefined ? draw() : fill(checkSize("RandomState.normal(loc, scale, size)", size), draw);
  }

  /**
   * A uniform integer in [0, max]: the smallest all-ones mask covering max, then 32-bit draws
   * under the mask until one is <= max (numpy's random_interval).
   */
  interval(max: number): number {
    if (!Number.isInteger(max) || max < 0 || max > 0xffffffff) {
      throw new RangeError(`RandomState.interval(max): max must be an integer between 0 and 2**32 - 1, got ${max}`);
    }
    if (max === 0) return 0;
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    let value: number;
    while ((value = (this.nextUint32() & mask) >>> 0) > max);
    return value;
  }

  /**
   * numpy's legacy `shuffle(x)`, in place: for i from the end down to 1, swap x[i] with
   * x[interval(i)]. Shuffles the first axis (rows) of an array of arrays, as numpy does.
   */
  shuffle<T>(x: T[]): void {
    if (!Array.isArray(x)) throw new TypeError(`RandomState.shuffle(x): x must be an array, got ${typeof x}`);
    for (let i = x.length - 1; i > 0; i--) {
      const j = this.interval(i);
      const t = x[j]!;
      x[j] = x[i]!;
      x[i] = t;
    }
  }

  /** numpy's `permutation(n)`: arange(n) shuffled; with an array, a shuffled copy. */
  permutation(n: number): number[];
  permutation<T>(x: readonly T[]): T[];
  permutation<T>(x: number | readonly T[]): (number | T)[] {
    let out: (number | T)[];
    if (typeof x === "number") {
      if (!Number.isInteger(x) || x < 0) throw new RangeError(`RandomState.permutation(n): n must be a non-negative integer, got ${x}`);
      out = Array.from({ length: x }, (_, i) => i);
    } else {
      out = [...x];
    }
    this.shuffle(out);
    return out;
  }
}

/** The global generator behind `numpyRandom.seed(…)`, and makeMoons when given no seed (sklearn's random_state=None). */
export const globalRandomState = new RandomState();

/**
 * numpy's module-level `np.random` functions on one shared legacy RandomState:
 * `numpyRandom.seed(1337); makeMoons(100, { noise: 0.1 })` is micrograd's demo.
 */
export const numpyRandom = {
  seed: (seed?: number | bigint | null): void => globalRandomState.seed(seed),
  random_sample: ((size?: Size) => (size === undefined ? globalRandomState.randomSample() : globalRandomState.randomSample(size))) as RandomState["randomSample"],
  normal: ((loc?: number, scale?: number, size?: Size) =>
    size === undefined ? globalRandomState.normal(loc, scale) : globalRandomState.normal(loc ?? 0, scale ?? 1, size)) as RandomState["normal"],
  uniform: ((low?: number, high?: number, size?: Size) =>
    size === undefined ? globalRandomState.uniform(low, high) : globalRandomState.uniform(low ?? 0, high ?? 1, size)) as RandomState["uniform"],
  standard_normal: ((size?: Size) => (size === undefined ? globalRandomState.standardNormal() : globalRandomState.standardNormal(size))) as RandomState["standardNormal"],
  shuffle: <T>(x: T[]): void => globalRandomState.shuffle(x),
  permutation: ((x: number | readonly unknown[]) => globalRandomState.permutation(x as number)) as RandomState["permutation"],
  RandomState,
};
