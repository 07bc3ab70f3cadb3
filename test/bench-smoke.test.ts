// The benchmarks' smoke mode, in the test suite: every bench module runs with { smoke: true }
// and reports rows with finite numbers. It checks that they run and report, never their speed
// (speed is judged by `npm run bench`, see BENCHMARKS.md).

import { describe, expect, it } from "vitest";
// @ts-expect-error bench/run.mjs is plain JavaScript without type declarations
import { benchModules, formatValue, runBenches } from "../bench/run.mjs";

type Row = { module: string; bench: string; metric: string; value: number; unit: string; target?: string; ok?: boolean; note?: string };

const names: string[] = benchModules();

type Run = { rows: Row[]; failed: number };
const runs = new Map<string, Promise<Run>>();
/** One smoke run per module, shared by the tests that read its rows. */
const smoke = (name: string): Promise<Run> => {
  if (!runs.has(name)) runs.set(name, runBenches({ smoke: true, only: [name] }) as Promise<Run>);
  return runs.get(name)!;
};

describe("bench smoke mode", () => {
  it("finds the engine's benchmarks", () => {
    expect(names.slice(0, 3)).toEqual(["training", "memory", "scale"]);
  });

  for (const name of names) {
    it(`bench/${name}.mjs runs and reports finite numbers`, { timeout: 120_000 }, async () => {
      const { rows, failed } = await smoke(name);
      const failures = rows.filter((r) => r.metric === "FAILED").map((r) => r.note);
      expect(failures).toEqual([]);
      expect(failed).toBe(0);
      expect(rows.length).toBeGreaterThan(0);
      for (const r of rows) {
        expect(typeof r.bench, `${name}: ${JSON.stringify(r)}`).toBe("string");
        expect(typeof r.metric, `${name}: ${JSON.stringify(r)}`).toBe("string");
        expect(typeof r.unit, `${name}: ${JSON.stringify(r)}`).toBe("string");
        expect(Number.isFinite(r.value), `${name}: ${r.bench} / ${r.metric} = ${r.value}`).toBe(true);
        if (r.ok !== undefined) expect(typeof r.ok).toBe("boolean");
      }
    });
  }

  it("the training bench counts the demo's graph and checks the floor against the engine", async () => {
    const { rows } = await smoke("training");
    const get = (metric: string) => rows.find((r) => r.bench === "MLP(2, [16, 16, 1]) x 100" && r.metric.startsWith(metric));
    // 100 points x (2 inputs + 16 dot and 16 ReLU nodes, twice, + 1 dot + 5 nodes of the margin
    // loss) + 337 parameters + the sum of the losses (101) and its mean (2) + the L2 term (337
    // products, a sum of 338 nodes, 2) + the total: micrograd's demo graph with a dot node per neuron
    expect(get("engine: nodes per step")?.value).toBe(8318);
    // the lecture's chain is micrograd's graph node for node: 100 x (2 + 80 + 528 + 32 + 5) + ...
    expect(get("lecture's chain")?.note).toMatch(/65,818 nodes, .* losses equal to the engine's: true/);
    // the hand-written floor computes the same losses as the engine, step after step
    expect(get("engine vs floor: largest relative loss difference")?.value).toBeLessThan(1e-12);
  });

  it("the memory bench measures what a node costs", async () => {
    const { rows } = await smoke("memory");
    const perNode = rows.find((r) => r.metric === "bytes per node")!.value;
    // a node is 28 bytes in its chunk (data, grad, op word, two children), plus the chunks' own
    // objects; a wrong measurement (no GC, a missed ArrayBuffer) gives a figure far outside this
    expect(perNode).toBeGreaterThan(24);
    expect(perNode).toBeLessThan(40);
  });

  it("formats values for the table", () => {
    expect(formatValue(65818)).toBe("65,818");
    expect(formatValue(4.256)).toBe("4.26");
    expect(formatValue(123.4)).toBe("123");
    expect(formatValue(0.1234)).toBe("0.123");
    expect(formatValue(3.4e-16)).toBe("3.4e-16");
    expect(formatValue(NaN)).toBe("-");
  });
});
