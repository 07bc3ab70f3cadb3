// Benchmark 3: bytes per node of a 1,000,000-node graph (a neuron's long dot product, built in
// a fresh process: heap and Float64Array pages before and after, with GC forced), and what
// backward adds on top while it runs.

import { runWorker } from "./lib/spawn.mjs";
import { runtimeEntry } from "./lib/runtime.mjs";

const MB = 1024 * 1024;

export async function run({ smoke = false } = {}) {
  const { url } = await runtimeEntry();
  const nodes = smoke ? 20_000 : 1_000_000;
  const r = await runWorker("graph-worker.mjs", [url, "dot", String(nodes)], ["--expose-gc"]);
  const graph = `${r.nodes.toLocaleString("en-US")}-node graph: act = act + w[i]*x[j]`;
  return [
    { bench: "memory", metric: "bytes per node", value: r.bytesPerNode, unit: "B", target: "<= 100", ok: smoke ? undefined : r.bytesPerNode <= 100, note: `${graph}; heapUsed + arrayBuffers, GC forced` },
    { bench: "memory", metric: "added while backward runs", value: r.backwardExtraBytes / MB, unit: "MB", note: `${(r.backwardExtraBytes / r.nodes).toFixed(1)} B per node: the order and DFS buffers (kept for reuse)` },
    { bench: "memory", metric: "peak RSS of the process", value: r.peakRss / MB, unit: "MB", note: `RSS before backward ${(r.rssBefore / MB).toFixed(0)} MB` },
  ];
}
