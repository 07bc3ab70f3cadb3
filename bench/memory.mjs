// Benchmark 3: memory. Bytes per node of a 1,000,000-node graph (a neuron's long dot product,
// built in a fresh process: heap and ArrayBuffers before and after, GC forced) and what backward
// adds while it runs; then what stays held by what a user keeps while training micrograd's demo
// (keep nothing, the last loss, every loss, a Value chained across the steps), on this engine
// and on the object engine of an earlier commit, side by side.

import { baselineEntry } from "./lib/baseline.mjs";
import { runtimeEntry } from "./lib/runtime.mjs";
import { runWorker } from "./lib/spawn.mjs";

const MB = 1024 * 1024;
const KB = 1024;

export async function run({ smoke = false } = {}) {
  const { url } = await runtimeEntry();
  const nodes = smoke ? 200_000 : 1_000_000; // fixed costs of the process would blur a smaller graph's figure
  const r = await runWorker("graph-worker.mjs", [url, "dot", String(nodes)], ["--expose-gc"]);
  const graph = `${r.nodes.toLocaleString("en-US")}-node graph: act = act + w[i]*x[j]`;
  const rows = [
    {
      bench: "memory",
      metric: "bytes per node",
      value: r.bytesPerNode,
      unit: "B",
      target: "<= 32",
      ok: smoke ? undefined : r.bytesPerNode <= 32,
      note: `${graph}; heapUsed + arrayBuffers, GC forced`,
    },
    { bench: "memory", metric: "added while backward runs", value: r.backwardExtraBytes / MB, unit: "MB", note: `${(r.backwardExtraBytes / r.nodes).toFixed(1)} B per node` },
    { bench: "memory", metric: "peak RSS of the process", value: r.peakRss / MB, unit: "MB", note: `RSS before backward ${(r.rssBefore / MB).toFixed(0)} MB` },
  ];

  // What stays held: [scenario, steps, what it shows]
  const scenarios = [
    ["none", smoke ? 3 : 100, "keep nothing"],
    ["last", smoke ? 3 : 100, "keep the last step's loss"],
    ["every", smoke ? 3 : 100, "keep every step's loss"],
    ["chain", smoke ? 3 : 300, "keep a learning rate chained as a Value (lr = lr * 0.99 each step)"],
  ];
  const baseline = await baselineEntry();
  const engines = [["engine", url], ...("missing" in baseline ? [] : [[`${baseline.name} (${baseline.rev})`, baseline.url]])];
  const held = {};
  for (const [scenario, steps] of scenarios) {
    for (const [name, from] of engines) {
      held[`${name}/${scenario}`] = (await runWorker("retain-worker.mjs", [from, scenario, String(steps)], ["--expose-gc"])).heldBytes;
    }
  }
  for (const [scenario, steps, what] of scenarios) {
    const mine = held[`engine/${scenario}`];
    const theirs = engines.length > 1 ? held[`${engines[1][0]}/${scenario}`] : undefined;
    const compare = theirs === undefined ? `object engine not measured: ${baseline.missing}` : `${engines[1][0]}: ${(theirs / KB).toFixed(0)} KB`;
    const bounded = scenario !== "none";
    rows.push({
      bench: "memory held",
      metric: `${what}, ${steps} demo steps`,
      value: mine / KB,
      unit: "KB",
      ...(bounded && theirs !== undefined ? { target: "<= object engine's", ok: smoke ? undefined : mine <= Math.max(theirs, 0) + 64 * KB } : {}),
      note: `${compare}; heapUsed + arrayBuffers after the loop minus before it, GC forced${bounded ? " (the target allows 64 KB of measurement noise)" : ""}`,
    });
  }
  if ("missing" in baseline) rows.push({ bench: "memory held", metric: "object engine: not measured", value: NaN, unit: "", note: baseline.missing });
  return rows;
}
