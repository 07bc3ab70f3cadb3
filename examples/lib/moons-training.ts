// micrograd's demo.ipynb as functions: the moons data, the max-margin loss with L2
// regularisation, and the 100 steps of SGD with the decaying learning rate. Each operation is
// the notebook's, in the notebook's order, so every printed line matches it.
import { MLP, Value, makeMoons, pyRepr, random, sum, type Module } from "micrograd-ts";

/** The demo's data: `np.random.seed(1337); make_moons(n_samples=100, noise=0.1)`, y mapped to -1 / 1. */
export function moonsData(): { X: number[][]; y: number[] } {
  return makeMoons(100, { noise: 0.1, seed: 1337, labels: "signed" });
}

/** The demo's model: `random.seed(1337); MLP(2, [16, 16, 1])`. */
export function moonsModel(): MLP<readonly [16, 16, 1]> {
  random.seed(1337);
  return new MLP(2, [16, 16, 1] as const);
}

/** A model scoring a 2-d point with one Value, as the demo's MLP does. */
export type Scorer = Module & ((x: readonly (number | Value)[]) => Value);

/**
 * The notebook's `loss()`: mean of relu(1 - y_i * score_i) over all points, plus
 * 1e-4 * sum(p * p); and the share of points on the right side of 0.
 */
export function moonsLoss(model: Scorer, X: readonly (readonly number[])[], y: readonly number[]): { totalLoss: Value; accuracy: number } {
  if (X.length !== y.length || X.length === 0) {
    throw new RangeError(`moonsLoss(model, X, y): X and y must be non-empty and of the same length, got ${X.length} and ${y.length}`);
  }
  // Python: inputs = [list(map(Value, xrow)) for xrow in X]
  const scores = X.map((row) => model(row.map((v) => new Value(v))));
  // (1 + -yi*scorei).relu(): Value.__rmul__ and __radd__ put the Value on the left.
  const losses = scores.map((score, i) => score.mul(-y[i]).add(1).relu());
  const dataLoss = sum(losses).mul(1.0 / losses.length);
  const alpha = 1e-4;
  const regLoss = sum(model.parameters().map((p) => p.mul(p))).mul(alpha);
  const totalLoss = dataLoss.add(regLoss);
  let correct = 0;
  scores.forEach((score, i) => {
    if (y[i] > 0 === score.data > 0) correct++;
  });
  return { totalLoss, accuracy: correct / scores.length };
}

export interface MoonsStep {
  step: number;
  loss: number;
  /** A share in [0, 1]; the printed percentage is `accuracy * 100` as Python computes it. */
  accuracy: number;
  /** The notebook's line: `step 0 loss 0.8958441028683222, accuracy 50.0%`. */
  line: string;
}

/** The notebook's print: Python's repr of the loss and of acc*100. */
export function formatStep(step: number, loss: number, accuracy: number): string {
  return `step ${step} loss ${pyRepr(loss)}, accuracy ${pyRepr(accuracy * 100)}%`;
}

export interface TrainOptions {
  /** How many steps (100 in the notebook). */
  steps?: number;
  /** Called after every step (the demo prints `report.line` or moves a progress bar). */
  onStep?: (report: MoonsStep) => void;
  model?: Scorer;
  data?: { X: number[][]; y: number[] };
}

/**
 * The notebook's training loop: forward, zero_grad, backward, then
 * `p.data -= (1.0 - 0.9*k/100) * p.grad`. Returns the trained model, the data and every step.
 */
export function trainMoons(options: TrainOptions = {}): { model: Scorer; X: number[][]; y: number[]; history: MoonsStep[] } {
  const steps = options.steps ?? 100;
  if (!Number.isInteger(steps) || steps < 0) throw new RangeError(`trainMoons({ steps }): steps must be a non-negative integer, got ${steps}`);
  const { X, y } = options.data ?? moonsData();
  const model: Scorer = options.model ?? moonsModel();
  const history: MoonsStep[] = [];
  for (let k = 0; k < steps; k++) {
    const { totalLoss, accuracy } = moonsLoss(model, X, y);
    model.zeroGrad();
    totalLoss.backward();
    const learningRate = 1.0 - (0.9 * k) / 100;
    for (const p of model.parameters()) p.data -= learningRate * p.grad;
    const report = { step: k, loss: totalLoss.data, accuracy, line: formatStep(k, totalLoss.data, accuracy) };
    history.push(report);
    options.onStep?.(report);
  }
  return { model, X, y, history };
}
