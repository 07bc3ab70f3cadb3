// Benchmark 4: forward and backward of a 1,000,000-op chain and of a 1,000,000-node wide
// graph (a balanced sum of 500,000 leaves), each in a fresh process: time and peak memory.

import { runWorker } from "./lib/spawn.mjs";
import { runtimeEntry } from "./lib/runtime.mjs";

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
      { bench: "scale", metric: `${label}: forward`, value: r.forwardMs, unit: "ms" },
      {
        bench: "scale",
        metric: `${label}: backward`,
        value: r.backwardMs,
        unit: "ms",
        ...(chain ? { target: "< 500, no stack overflow", ok: smoke ? undefined : r.backwardMs < 500 } : {}),
      },
      { bench: "scale", metric: `${label}: peak RSS`, value: r.peakRss / MB, unit: "MB", note: `graph ${(r.bytesPerNode).toFixed(0)} B/node; backward adds ${(r.backwardExtraBytes / MB).toFixed(0)} MB` },
    );
  }
  return rows;
}
