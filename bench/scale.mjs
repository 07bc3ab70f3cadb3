// Benchmark 4: forward and backward of a 1,000,000-op chain and of a 1,000,000-node wide
// graph (a balanced sum of 500,000 leaves), each in a fresh process: time and peak memory. In
// full runs also the largest graph of the training sizes built node by node (the lecture's chain
// at MLP(2, [256, 256, 1]) x 1000 points, 133 million nodes, 3.7 GB; MICROGRAD_BENCH_LARGE=0
// skips it): the object engine aborted the process there.

import { runtimeEntry } from "./lib/runtime.mjs";
import { runWorker } from "./lib/spawn.mjs";

const MB = 1024 * 1024;

export async function run({ smoke = false } = {}) {
  const { url } = await runtimeEntry();
  const nodes = smoke ? 20_000 : 1_000_000;
  const rows = [];
  for (const [kind, label] of [
    ["chain", `${(nodes - 2).toLocaleString("en-US")}-op chain`],
    ["wide", `${nodes.toLocaleString("en-US")}-node wide graph`],
  ]) {
    const r = await runWorker("graph-worker.mjs", [url, kind, String(nodes)], ["--expose-gc"]);
    const chain = kind === "chain";
    rows.push(
      { bench: "scale", metric: `${label}: forward (CPU)`, value: r.forwardMs, unit: "ms" },
      {
        bench: "scale",
        metric: `${label}: backward (CPU)`,
        value: r.backwardMs,
        unit: "ms",
        ...(chain ? { target: "< 500, no stack overflow", ok: smoke ? undefined : r.backwardMs < 500 } : {}),
      },
      {
        bench: "scale",
        metric: `${label}: peak RSS`,
        value: r.peakRss / MB,
        unit: "MB",
        note: `graph ${(r.bytesPerNode).toFixed(0)} B/node; backward adds ${(r.backwardExtraBytes / MB).toFixed(0)} MB`,
      },
    );
  }
  if (!smoke && process.env.MICROGRAD_BENCH_LARGE !== "0") {
    const r = await runWorker("large-worker.mjs", [url, "1000"]);
    const name = "MLP(2, [256, 256, 1]) x 1000, lecture's chain";
    rows.push(
      { bench: "scale", metric: `${name}: nodes`, value: r.nodes, unit: "nodes", target: "no abort", ok: true },
      { bench: "scale", metric: `${name}: forward (CPU)`, value: r.forwardMs, unit: "ms", note: `${((r.forwardMs * 1e6) / r.nodes).toFixed(0)} ns per node` },
      { bench: "scale", metric: `${name}: backward (CPU)`, value: r.backwardMs, unit: "ms", note: `${((r.backwardMs * 1e6) / r.nodes).toFixed(1)} ns per node` },
      { bench: "scale", metric: `${name}: peak RSS`, value: r.peakRss / MB, unit: "MB", note: `${(r.peakRss / r.nodes).toFixed(1)} B per node` },
    );
  }
  return rows;
}
