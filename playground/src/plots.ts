// The "playground" module a program may import: where the notebook plots with matplotlib, the
// playground draws live, while the worker trains. `plotStep(k, loss, accuracy)` adds a point to
// the loss and accuracy chart; `plotBoundary(model, X, y)` evaluates the model on the notebook's
// grid (spacing 0.25, 1 beyond the data) and redraws the decision boundary.
//
// Evaluating the grid costs about as much as a training step of the moons demo, so the boundary
// is evaluated at most every BOUNDARY_EVERY_MS; a call in between is kept, and the last one is
// evaluated when the program ends (flush), so the final picture is always the trained model's.

import type { Boundary } from "./protocol.js";

/** A model as the notebook calls it: on a point [x0, x1], a score (a Value or a number); > 0 is class 1. */
type ScoreModel = (x: number[]) => { data: number } | number;

/** Bounds on what one run may send: a chart of a million points would only stall the page. */
const MAX_STEPS = 100_000;
const MAX_GRID = 40_000;
const BOUNDARY_EVERY_MS = 250;

export const PLOT_EXPORTS = ["plotStep", "plotBoundary"] as const;

export function plotsModule(send: { step(step: number, loss: number, accuracy: number | null): void; boundary(b: Boundary): void }, now = () => performance.now()) {
  let steps = 0;
  let lastEvaluated = -Infinity;
  let pending: (() => void) | null = null;

  function plotStep(step: number, loss: number, accuracy?: number): void {
    if (typeof step !== "number" || typeof loss !== "number") {
      throw new TypeError(`plotStep(step, loss, accuracy): step and loss must be numbers (loss.data for a Value), got ${typeof step} and ${typeof loss}`);
    }
    if (accuracy !== undefined && typeof accuracy !== "number") {
      throw new TypeError(`plotStep(step, loss, accuracy): accuracy must be a number from 0 to 1, got ${typeof accuracy}`);
    }
    if (++steps > MAX_STEPS) throw new RangeError(`plotStep: more than ${MAX_STEPS.toLocaleString("en-US")} points in one run; plot every 10th step`);
    send.step(step, loss, accuracy ?? null);
  }

  function plotBoundary(model: ScoreModel, X: readonly (readonly number[])[], y: readonly number[], options: { step?: number; margin?: number } = {}): void {
    if (typeof model !== "function") throw new TypeError(`plotBoundary(model, X, y): model must be callable, as model([x0, x1]), got ${typeof model}`);
    if (!Array.isArray(X) || !Array.isArray(y) || X.length !== y.length || X.length === 0) {
      throw new RangeError(
        `plotBoundary(model, X, y): X and y must be non-empty arrays of the same length, got ${Array.isArray(X) ? X.length : typeof X} and ${Array.isArray(y) ? y.length : typeof y}`,
      );
    }
    X.forEach((row, i) => {
      if (!Array.isArray(row) || row.length !== 2 || !row.every(Number.isFinite)) {
        throw new TypeError(`plotBoundary(model, X, y): X[${i}] must be two finite numbers, got ${JSON.stringify(row)}`);
      }
    });
    const { step = 0.25, margin = 1 } = options;
    if (!(step > 0) || !Number.isFinite(step)) throw new RangeError(`plotBoundary: step must be a positive number, got ${step}`);
    const xs = arange(Math.min(...X.map((r) => r[0]!)) - margin, Math.max(...X.map((r) => r[0]!)) + margin, step);
    const ys = arange(Math.min(...X.map((r) => r[1]!)) - margin, Math.max(...X.map((r) => r[1]!)) + margin, step);
    if (xs.length * ys.length > MAX_GRID) {
      throw new RangeError(`plotBoundary: the grid would have ${xs.length * ys.length} points, more than ${MAX_GRID}; use a larger step`);
    }
    const points = X.map((r): [number, number] => [r[0]!, r[1]!]);
    const labels = [...y];
    pending = () => {
      const predictions: number[] = [];
      for (const gy of ys) for (const gx of xs) predictions.push(score(model, [gx, gy]) > 0 ? 1 : 0);
      send.boundary({ xs, ys, predictions, points, labels });
    };
    if (now() - lastEvaluated >= BOUNDARY_EVERY_MS) flush();
  }

  /** Evaluates the boundary of the last call, if it has not been drawn. */
  function flush(): void {
    const evaluate = pending;
    pending = null;
    if (!evaluate) return;
    evaluate();
    lastEvaluated = now();
  }

  return { exports: { plotStep, plotBoundary }, flush };
}

/** numpy's arange(start, stop, step), as the notebook's meshgrid uses it. */
function arange(start: number, stop: number, step: number): number[] {
  const n = Math.max(0, Math.ceil((stop - start) / step));
  return Array.from({ length: n }, (_, i) => start + i * step);
}

function score(model: ScoreModel, point: number[]): number {
  const out = model(point);
  const s = typeof out === "number" ? out : out?.data;
  if (typeof s !== "number") throw new TypeError(`plotBoundary: the model must return a Value or a number for [${point.join(", ")}], got ${out === null ? "null" : typeof out}`);
  return s;
}
