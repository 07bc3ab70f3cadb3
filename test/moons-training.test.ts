import { describe, expect, it } from "vitest";
import { formatStep, moonsData, moonsLoss, moonsModel, trainMoons, type MoonsStep, type Scorer } from "../examples/lib/moons-training.js";

// micrograd's demo.ipynb (REFERENCE): step, loss, printed accuracy.
const NOTEBOOK: [number, number, string][] = [
  [0, 0.8958441028683222, "50.0"],
  [1, 1.7235905336972022, "81.0"],
  [2, 0.7429006313851131, "77.0"],
  [10, 0.24507023853658053, "91.0"],
  [40, 0.06016009895234464, "100.0"],
  [99, 0.010978370135492717, "100.0"],
];

describe("micrograd's demo training (demo.ipynb)", () => {
  let history: MoonsStep[] = [];
  it("100 steps reproduce the notebook's losses (1e-12 relative) and accuracies", () => {
    const lines: string[] = [];
    history = trainMoons({ onStep: (r) => lines.push(r.line) }).history;
    expect(history).toHaveLength(100);
    expect(lines[0]).toBe("step 0 loss 0.8958441028683222, accuracy 50.0%");
    for (const [step, loss, acc] of NOTEBOOK) {
      const r = history[step];
      expect(Math.abs(r.loss - loss) / loss).toBeLessThan(1e-12);
      expect(r.line.endsWith(`, accuracy ${acc}%`)).toBe(true);
      expect(r.line.startsWith(`step ${step} loss `)).toBe(true);
    }
  });
  it("the loss falls to a fiftieth and the last steps classify every point", () => {
    expect(history[99].loss).toBeLessThan(history[0].loss / 50);
    expect(history.slice(90).every((r) => r.accuracy === 1)).toBe(true);
  });
  it("step 0's loss is data loss + 1e-4 * sum(p*p), as the notebook builds it", () => {
    const { X, y } = moonsData();
    const model: Scorer = moonsModel();
    expect(model.parameters()).toHaveLength(337);
    const { totalLoss, accuracy } = moonsLoss(model, X, y);
    expect(totalLoss.data).toBe(0.8958441028683222);
    expect(accuracy).toBe(0.5);
    expect(y.filter((v) => v === 1)).toHaveLength(50);
  });
  it("prints accuracy * 100 as Python does (0.57 * 100 is 56.99999999999999)", () => {
    expect(formatStep(3, 0.25, 0.57)).toBe("step 3 loss 0.25, accuracy 56.99999999999999%");
    expect(formatStep(0, 1, 0.5)).toBe("step 0 loss 1.0, accuracy 50.0%");
  });
  it("rejects mismatched data", () => {
    expect(() => moonsLoss(moonsModel(), [[0, 0]], [])).toThrow(/X and y must be non-empty and of the same length, got 1 and 0/);
  });
});
