// sklearn's make_moons on numpy's legacy RandomState, bit for bit: the data of micrograd's
// demo (`np.random.seed(1337); X, y = make_moons(n_samples=100, noise=0.1)`).

import { crCos, crSin } from "./python/correctly-rounded.js";
import { globalRandomState, RandomState } from "./python/numpy-random.js";

export interface MoonsOptions {
  /** Standard deviation of the Gaussian noise added to every coordinate; none by default, as sklearn. */
  noise?: number | null;
  /** numpy seed (0 <= seed < 2**32) or a RandomState to draw from; by default the global one (numpyRandom). */
  seed?: number | bigint | RandomState | null;
  /** Shuffle the rows (default true, as sklearn). */
  shuffle?: boolean;
  /** Labels as sklearn gives them (0 | 1, the default) or as micrograd's demo uses them (-1 | 1: `y*2 - 1`). */
  labels?: "01" | "signed";
}

export interface Moons {
  /** n rows of [x0, x1]. */
  X: number[][];
  /** The class of each row: 0 = outer moon, 1 = inner moon (or -1 / 1 with `labels: "signed"`). */
  y: number[];
}

/**
 * numpy's `linspace(start, stop, num)`: `i * ((stop - start) / (num - 1)) + start`, the last
 * point set to `stop` exactly.
 */
export function linspace(start: number, stop: number, num: number): number[] {
  if (!Number.isInteger(num) || num < 0) throw new RangeError(`linspace(start, stop, num): num must be a non-negative integer, got ${num}`);
  const div = num - 1;
  const step = (stop - start) / div;
  const out: number[] = [];
  for (let i = 0; i < num; i++) out.push(div > 0 ? i * step + start : start);
  if (num > 1) out[num - 1] = stop;
  return out;
}

function stateOf(seed: MoonsOptions["seed"]): RandomState {
  if (seed instanceof RandomState) return seed;
  if (seed === undefined || seed === null) return globalRandomState;
  return new RandomState(seed);
}

/**
 * sklearn's `make_moons(n_samples, noise=…, random_state=seed)`: two interleaving half circles,
 * n/2 points (rounded down) on the outer one (cos t, sin t) with label 0 and the rest on the inner
 * one (1 - cos t, 1 - sin t - 0.5) with label 1, t evenly spaced over [0, pi]; the rows shuffled,
 * then Gaussian noise added. With the same seed the points equal sklearn's to the last bit
 * (`n` may also be `[nOuter, nInner]`, as sklearn's tuple form).
 *
 * @example makeMoons(100, { noise: 0.1, seed: 1337 }) // micrograd's demo data
 */
export function makeMoons(n: number | readonly [number, number] = 100, options: MoonsOptions = {}): Moons {
  let nOut: number;
  let nIn: number;
  if (typeof n === "number") {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`makeMoons(n): n must be a non-negative integer, got ${n}`);
    nOut = Math.floor(n / 2);
    nIn = n - nOut;
  } else if (Array.isArray(n) && n.length === 2 && n.every((k) => Number.isInteger(k) && k >= 0)) {
    [nOut, nIn] = n;
  } else {
    throw new TypeError(`makeMoons(n): n must be a non-negative integer or [nOuter, nInner], got ${JSON.stringify(n)}`);
  }
  if (options === null || typeof options !== "object") throw new TypeError(`makeMoons(n, options): options must be an object like { noise: 0.1, seed: 1337 }`);
  const { noise = null, shuffle = true, labels = "01" } = options;
  if (noise !== null && (typeof noise !== "number" || !(noise >= 0))) {
    throw new RangeError(`makeMoons(n, { noise }): noise must be a non-negative number (or null for none), got ${JSON.stringify(noise)}`);
  }
  if (labels !== "01" && labels !== "signed") throw new TypeError(`makeMoons(n, { labels }): labels must be "01" or "signed", got ${JSON.stringify(labels)}`);
  const rng = stateOf(options.seed);

  // numpy's cos and sin are the C library's; crCos/crSin round as it does where Math's do not.
  const X: number[][] = [];
  for (const t of linspace(0, Math.PI, nOut)) X.push([crCos(t), crSin(t)]);
  for (const t of linspace(0, Math.PI, nIn)) X.push([1 - crCos(t), 1 - crSin(t) - 0.5]);
  const y = [...new Array<number>(nOut).fill(0), ...new Array<number>(nIn).fill(1)];

  let rows = X;
  let classes = y;
  if (shuffle) {
    // sklearn.utils.shuffle: shuffle arange(n) in place, then index both arrays with it.
    const order = X.map((_, i) => i);
    rng.shuffle(order);
    rows = order.map((i) => X[i]!);
    classes = order.map((i) => y[i]!);
  }
  if (noise !== null) {
    // X += normal(scale=noise, size=X.shape): row-major, each draw 0.0 + noise * gauss.
    for (const row of rows) {
      for (let k = 0; k < row.length; k++) row[k]! += rng.normal(0, noise);
    }
  }
  return { X: rows, y: labels === "signed" ? classes.map((c) => c * 2 - 1) : classes };
}

export { numpyRandom, RandomState } from "./python/numpy-random.js";
