// Numerical checking of gradients, as the lecture checks dL/da by nudging a by h: here with
// central differences, (f(x + h) - f(x - h)) / 2h, for every input of a function at once.

import { Value } from "./engine.js";

export interface GradcheckOptions {
  /** The step h of the central difference (default 1e-6). */
  h?: number;
  /** The largest error that counts as a pass (default 1e-6). */
  tolerance?: number;
}

export interface GradcheckEntry {
  /** Position of the input in the array given. */
  index: number;
  /** The input's label, if the function gave it one ('' otherwise). */
  label: string;
  /** The input's value. */
  at: number;
  /** What backward() computed. */
  analytic: number;
  /** What central differences give. */
  numeric: number;
  /** |analytic - numeric| / max(1, |analytic|, |numeric|): relative, or absolute below 1. */
  error: number;
}

export interface GradcheckResult {
  ok: boolean;
  /** The largest error over all inputs. */
  maxError: number;
  /** The input where it is (null for a function of no inputs). */
  worst: GradcheckEntry | null;
  entries: GradcheckEntry[];
  /** A one-line account: where the worst error is and how big. */
  summary: string;
}

/**
 * Compares the gradients of `backward()` with central finite differences, for every input of
 * `f`. `f` takes one Value per number in `at` (its leaves) and returns the output Value:
 *
 *     gradcheck((a, b) => a.mul(b).add(a.tanh()), [2, -3])
 *
 * Returns the worst error and where it is; `ok` says whether it is within `tolerance`.
 */
export function gradcheck(f: (...inputs: Value[]) => Value, at: readonly number[], options: GradcheckOptions = {}): GradcheckResult {
  if (typeof f !== "function") throw new TypeError(`gradcheck(f, at): f must be a function, got ${typeof f}`);
  if (!Array.isArray(at) || at.some((x) => typeof x !== "number")) {
    throw new TypeError("gradcheck(f, at): at must be an array of numbers, one per input of f");
  }
  const h = options.h ?? 1e-6;
  const tolerance = options.tolerance ?? 1e-6;
  const evaluate = (xs: readonly number[]): number => {
    const out = f(...xs.map((x) => new Value(x)));
    if (!(out instanceof Value)) throw new TypeError(`gradcheck: f must return a Value, got ${typeof out}`);
    return out.data;
  };

  const leaves = at.map((x) => new Value(x));
  const out = f(...leaves);
  if (!(out instanceof Value)) throw new TypeError(`gradcheck: f must return a Value, got ${typeof out}`);
  out.backward();

  const entries: GradcheckEntry[] = leaves.map((leaf, i) => {
    const plus = at.slice();
    const minus = at.slice();
    plus[i] += h;
    minus[i] -= h;
    const numeric = (evaluate(plus) - evaluate(minus)) / (2 * h);
    const analytic = leaf.grad;
    const error = Math.abs(analytic - numeric) / Math.max(1, Math.abs(analytic), Math.abs(numeric));
    return { index: i, label: leaf.label, at: at[i], analytic, numeric, error: Number.isNaN(error) ? Infinity : error };
  });
  let worst: GradcheckEntry | null = null;
  for (const e of entries) if (worst === null || e.error > worst.error) worst = e;
  const maxError = worst?.error ?? 0;
  const ok = maxError <= tolerance;
  const where = worst ? `input ${worst.index}${worst.label ? ` ("${worst.label}")` : ""} at ${worst.at}: backward ${worst.analytic}, numeric ${worst.numeric}` : "no inputs";
  return {
    ok,
    maxError,
    worst,
    entries,
    summary: `gradcheck ${ok ? "passed" : "FAILED"}: worst error ${maxError.toExponential(2)} (tolerance ${tolerance}) at ${where}`,
  };
}
