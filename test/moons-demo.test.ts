import { pyRepr } from "micrograd-ts";
import { describe, expect, it } from "vitest";
import { moonsDemo } from "../examples/moons.ts";

// micrograd's demo.ipynb (docs/reference-figures.md): step, loss, printed accuracy.
const NOTEBOOK: [number, number, string][] = [
  [0, 0.8958441028683222, "50.0"],
  [1, 1.7235905336972022, "81.0"],
  [2, 0.7429006313851131, "77.0"],
  [10, 0.24507023853658053, "91.0"],
  [40, 0.06016009895234464, "100.0"],
  [99, 0.010978370135492717, "100.0"],
];

describe("micrograd's demo training (examples/moons.ts, written with operators)", () => {
  const demo = moonsDemo();
  const history = Array.from({ length: 100 }, (_, k) => demo.step(k));

  it("100 steps reproduce the notebook's losses (1e-12 relative) and accuracies", () => {
    expect(history[0]!.line).toBe("step 0 loss 0.8958441028683222, accuracy 50.0%");
    expect(history[99]!.line).toBe("step 99 loss 0.010978370135492717, accuracy 100.0%");
    for (const [step, loss, acc] of NOTEBOOK) {
      const r = history[step]!;
      expect(Math.abs(r.loss - loss) / loss).toBeLessThan(1e-12);
      expect(r.line).toBe(`step ${step} loss ${pyRepr(r.loss)}, accuracy ${acc}%`);
    }
  });

  it("the loss falls to a fiftieth and the last steps classify every point", () => {
    expect(history[99]!.loss).toBeLessThan(history[0]!.loss / 50);
    expect(history.slice(90).every((r) => r.accuracy === 1)).toBe(true);
  });

  it("the model is micrograd's: 337 parameters, labels -1 / 1, 50 of each", () => {
    const fresh = moonsDemo();
    expect(fresh.model.parameters()).toHaveLength(337);
    expect(fresh.y.filter((v) => v === 1)).toHaveLength(50);
    expect(fresh.y.filter((v) => v === -1)).toHaveLength(50);
    const [total, accuracy] = fresh.loss();
    expect(total.data).toBe(0.8958441028683222);
    expect(accuracy).toBe(0.5);
  });

  it("prints accuracy * 100 as Python does (0.57 * 100 is 56.99999999999999)", () => {
    expect(pyRepr(0.57 * 100)).toBe("56.99999999999999");
    expect(pyRepr(0.81 * 100)).toBe("81.0");
  });
});
