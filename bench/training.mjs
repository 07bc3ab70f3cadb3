// Benchmarks 1 and 2: micrograd's demo training step (max-margin loss + L2, forward, zeroGrad,
// backward, update) at several sizes, each way in fresh processes that alternate: the engine,
// the same step hand-written over Float64Arrays (the floor), the lecture's chain of + and * (nn
// with { fused: false }), the object engine of an earlier commit, and the Python original when
// MICROGRAD_PYTHON names its sources. Times are CPU time per step (all threads of the process),
// which waiting for a core on a shared machine does not inflate.

import { execFileSync } from "node:child_process";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { baselineEntry } from "./lib/baseline.mjs";
import { demoData } from "./lib/moons.mjs";
import { median, runtimeEntry } from "./lib/runtime.mjs";
import { runWorker } from "./lib/spawn.mjs";

/** demo.ipynb's printed losses at steps 0, 1, 2 and 10 (docs/reference-figures.md). */
const DEMO_LOSS = { 0: 0.8958441028683222, 1: 1.7235905336972022, 2: 0.7429006313851131, 10: 0.24507023853658053 };

/** The sizes: [h1, h2, points, rounds, warm-up steps, timed steps, other modes]. */
function sizes(smoke) {
  if (smoke)
    return [
      [16, 16, 100, 1, 2, 3, ["chain", "baseline"]],
      [64, 64, 50, 1, 1, 1, []],
    ];
  return [
    [16, 16, 100, 7, 20, 60, ["chain", "baseline"]],
    [16, 16, 1000, 3, 3, 10, []],
    [64, 64, 1000, 3, 1, 4, ["chain", "baseline"]],
    [256, 256, 1000, 3, 1, 3, []],
  ];
}

const relDiff = (a, b) => Math.abs(a - b) / Math.abs(b);
const fmt = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toPrecision(3));
const spread = (xs) => (xs.length > 1 ? `; ${fmt(Math.min(...xs))} to ${fmt(Math.max(...xs))} over ${xs.length} processes` : "");

export async function run({ smoke = false } = {}) {
  const { url, source } = await runtimeEntry();
  const baseline = await baselineEntry();
  const python = process.env.MICROGRAD_PYTHON;
  const loadBefore = loadavg()[0];
  const rows = [];
  for (const [h1, h2, points, rounds, warm, steps, others] of sizes(smoke)) {
    const name = `MLP(2, [${h1}, ${h2}, 1]) x ${points}`;
    const demo = h1 === 16 && h2 === 16 && points === 100;
    const modes = ["engine", "floor", ...others.filter((m) => m !== "baseline" || !("missing" in baseline))];
    const runs = Object.fromEntries(modes.map((m) => [m, []]));
    for (let r = 0; r < rounds; r++) {
      for (const mode of modes) {
        const from = mode === "baseline" ? baseline.url : url;
        // the slower ways take fewer timed steps, after as many warm-up steps
        const [w, s] = mode === "engine" || mode === "floor" ? [warm, steps] : [warm, Math.min(steps, 20)];
        runs[mode].push(await runWorker("train-worker.mjs", [mode, from, h1, h2, points, w, s].map(String)));
      }
    }
    const cpu = (mode) => median(runs[mode].map((x) => x.cpuMs));
    const engineCpu = cpu("engine");
    const floorCpu = cpu("floor");
    const ratio = engineCpu / floorCpu;
    const nodes = runs.engine[0].nodes;
    const lossDiff = Math.max(...runs.engine.flatMap((e) => e.losses.map((l, k) => relDiff(l, runs.floor[0].losses[k]))));
    const where = `${rounds} x (${modes.join(", ")}) fresh processes, ${steps} steps each after ${warm} warm-up`;
    rows.push(
      {
        bench: name,
        metric: "engine: CPU time per step (median)",
        value: engineCpu,
        unit: "ms",
        note: `${where}${spread(runs.engine.map((x) => x.cpuMs))}; wall ${fmt(median(runs.engine.map((x) => x.ms)))} ms`,
      },
      {
        bench: name,
        metric: "floor: CPU time per step (median)",
        value: floorCpu,
        unit: "ms",
        note: `the same step hand-written over Float64Arrays${spread(runs.floor.map((x) => x.cpuMs))}`,
      },
      {
        bench: name,
        metric: "engine / floor (CPU time)",
        value: ratio,
        unit: "x",
        target: demo ? "<= 5" : "<= 10",
        ok: smoke ? undefined : ratio <= (demo ? 5 : 10),
        note: `per process: ${runs.engine.map((e, i) => fmt(e.cpuMs / runs.floor[i].cpuMs)).join(", ")}`,
      },
      { bench: name, metric: "engine: nodes per step", value: nodes, unit: "nodes", note: `CPU ${fmt((engineCpu * 1e6) / nodes)} ns per node` },
      {
        bench: name,
        metric: "engine: garbage collection",
        value: 100 * median(runs.engine.map((x) => x.gcShare)),
        unit: "% of wall",
        note: "V8's GC pauses during the timed steps (PerformanceObserver)",
      },
      {
        bench: name,
        metric: "engine vs floor: largest relative loss difference",
        value: lossDiff,
        unit: "",
        note: "both train from the same weights: they compute the same steps",
      },
    );
    if (demo) rows.push(...demoCheck(runs.engine[0], smoke));
    if (runs.chain) {
      const c = cpu("chain");
      rows.push({
        bench: name,
        metric: "lecture's chain ({ fused: false }): CPU time per step",
        value: c,
        unit: "ms",
        note: `${fmt(c / floorCpu)} x the floor; ${runs.chain[0].nodes.toLocaleString("en-US")} nodes, ${fmt((c * 1e6) / runs.chain[0].nodes)} ns per node; losses equal to the engine's: ${runs.chain[0].losses.every((l, k) => l === runs.engine[0].losses[k])}`,
      });
    }
    if (runs.baseline) {
      const b = cpu("baseline");
      rows.push({
        bench: name,
        metric: `${baseline.name} (commit ${baseline.rev}): CPU time per step`,
        value: b,
        unit: "ms",
        note: `${fmt(b / floorCpu)} x the floor; ${fmt(b / engineCpu)} x the engine's time; losses equal to the engine's: ${runs.baseline[0].losses.every((l, k) => l === runs.engine[0].losses[k])}`,
      });
    }
    if (demo && !smoke) rows.push(...(await pythonRows(python, url, engineCpu)));
    if (demo && "missing" in baseline) rows.push({ bench: name, metric: "object engine: not measured", value: NaN, unit: "", note: baseline.missing });
  }
  const load = `load average ${loadBefore.toFixed(1)} -> ${loadavg()[0].toFixed(1)}; runtime from ${source}`;
  rows[0].note += `; ${load}`;
  return rows;
}

/** With the real moons, the engine's steps are micrograd's demo: its losses, to the last digits. */
function demoCheck(r, smoke) {
  if (!r.source.startsWith("moons")) return [];
  const steps = Object.keys(DEMO_LOSS)
    .map(Number)
    .filter((k) => k < r.losses.length);
  const worst = Math.max(...steps.map((k) => relDiff(r.losses[k], DEMO_LOSS[k])));
  return [
    {
      bench: "MLP(2, [16, 16, 1]) x 100",
      metric: `largest relative difference from demo.ipynb's loss (steps ${steps.join(", ")})`,
      value: worst,
      unit: "",
      target: "< 5e-15",
      ok: smoke ? undefined : worst < 5e-15,
      note: "the Python original's own runs differ by up to 5e-15 (it sums gradients in set order)",
    },
  ];
}

/** The Python original on the same data and weights, when MICROGRAD_PYTHON names its sources. */
async function pythonRows(python, url, engineCpu) {
  const bench = "MLP(2, [16, 16, 1]) x 100";
  if (!python) {
    return [
      {
        bench,
        metric: "Python original: not measured",
        value: NaN,
        unit: "",
        note: "set MICROGRAD_PYTHON to micrograd's sources (the folder with engine.py and nn.py) to run it side by side",
      },
    ];
  }
  const { X, y } = demoData(await import(url), 100);
  const script = fileURLToPath(new URL("./lib/micrograd_step.py", import.meta.url));
  const runs = [];
  for (let r = 0; r < 2; r++) {
    const out = execFileSync(process.env.PYTHON ?? "python3", [script, python], {
      input: JSON.stringify({ X, y, sizes: [16, 16, 1], steps: 4 }),
      encoding: "utf8",
      timeout: 10 * 60 * 1000,
    });
    runs.push(JSON.parse(out.trim().split("\n").pop()));
  }
  const ms = median(runs.flatMap((r) => r.cpuMs));
  const speedup = ms / engineCpu;
  const lossDiff = Math.max(
    ...Object.entries(DEMO_LOSS)
      .filter(([k]) => k < runs[0].losses.length)
      .map(([k, l]) => relDiff(runs[0].losses[k], l)),
  );
  return [
    {
      bench,
      metric: "Python original: CPU time per step (median)",
      value: ms,
      unit: "ms",
      note: `CPython ${runs[0].python}, ${python}; 2 processes x 4 steps; losses equal to demo.ipynb's within ${lossDiff.toExponential(1)}`,
    },
    { bench, metric: "speed-up over the Python original (CPU time)", value: speedup, unit: "x", target: ">= 1000", ok: speedup >= 1000 },
  ];
}
