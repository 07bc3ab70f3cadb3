// npm run bench: runs every benchmark module in bench/ and prints one table.
//
//   node bench/run.mjs                 all benchmarks, full size
//   node bench/run.mjs --smoke         every module in its few-second smoke mode (sizes reduced, targets not judged)
//   node bench/run.mjs training scale  only these modules (file names without .mjs)
//   node bench/run.mjs --markdown      the table as Markdown (for BENCHMARKS.md); --json for the raw rows
//
// A module is bench/<name>.mjs exporting `run({ smoke })`, which resolves to rows
// { bench, metric, value, unit, target?, ok?, note? } (formatted by formatValue below). The
// engine's own benchmarks come first, then the others' (build-cost, dispatch, editor, ...)
// in name order; a module that is not there yet is simply not run.

import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { machine, runtimeEntry } from "./lib/runtime.mjs";

const benchDir = dirname(fileURLToPath(import.meta.url));
const FIRST = ["training", "memory", "scale"];

/** The bench modules present, engine first. */
export function benchModules() {
  const names = readdirSync(benchDir)
    .filter((f) => f.endsWith(".mjs") && f !== "run.mjs")
    .map((f) => f.slice(0, -4));
  const rank = (n) => (FIRST.includes(n) ? FIRST.indexOf(n) : FIRST.length);
  return names.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** Runs the modules one after the other (they time things: never in parallel). */
export async function runBenches({ smoke = false, only = [], log = () => {} } = {}) {
  const rows = [];
  let failed = 0;
  for (const name of benchModules()) {
    if (only.length > 0 && !only.includes(name)) continue;
    log(`running ${name}${smoke ? " (smoke)" : ""} ...`);
    const started = performance.now();
    try {
      const mod = await import(pathToFileURL(join(benchDir, `${name}.mjs`)).href);
      if (typeof mod.run !== "function") throw new Error(`bench/${name}.mjs exports no run({ smoke })`);
      const out = await mod.run({ smoke });
      if (!Array.isArray(out)) throw new Error(`bench/${name}.mjs: run() must resolve to an array of rows`);
      rows.push(...out.map((r) => ({ module: name, ...r })));
    } catch (err) {
      failed++;
      rows.push({ module: name, bench: name, metric: "FAILED", value: NaN, unit: "", note: String(err?.message ?? err).split("\n")[0] });
    }
    log(`  ${name}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  return { rows, failed };
}

export function formatValue(v) {
  if (typeof v !== "number" || Number.isNaN(v)) return "-";
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a === 0) return "0";
  if (Number.isInteger(v)) return v.toLocaleString("en-US");
  if (a >= 1000) return Math.round(v).toLocaleString("en-US");
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  if (a >= 0.01) return v.toFixed(a >= 1 ? 2 : 3);
  return v.toExponential(1);
}

function okText(r) {
  if (r.ok === true) return "yes";
  if (r.ok === false) return "NO";
  return "";
}

function table(rows, markdown) {
  const head = ["bench", "metric", "value", "unit", "target", "holds", "note"];
  const body = rows.map((r) => [r.bench, r.metric, formatValue(r.value), r.unit ?? "", r.target ?? "", okText(r), r.note ?? ""]);
  if (markdown) {
    const esc = (s) => String(s).replace(/\|/g, "\\|");
    return [`| ${head.join(" | ")} |`, `|${head.map((_, i) => (i === 2 ? "---:" : "---")).join("|")}|`, ...body.map((c) => `| ${c.map(esc).join(" | ")} |`)].join("\n");
  }
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((c) => (i === 6 ? 0 : String(c[i]).length))));
  const line = (c) =>
    c
      .map((x, i) => (i === 6 ? x : i === 2 ? String(x).padStart(widths[i]) : String(x).padEnd(widths[i])))
      .join("  ")
      .trimEnd();
  return [line(head), line(widths.map((w, i) => (i === 6 ? "----" : "-".repeat(w)))), ...body.map(line)].join("\n");
}

async function main() {
  const args = process.argv.slice(2);
  const smoke = args.includes("--smoke");
  const markdown = args.includes("--markdown");
  const json = args.includes("--json");
  const only = args.filter((a) => !a.startsWith("--"));
  const m = machine();
  const { source } = await runtimeEntry();
  const { rows, failed } = await runBenches({ smoke, only, log: (s) => process.stderr.write(s + "\n") });
  if (json) {
    process.stdout.write(JSON.stringify({ machine: m, runtime: source, smoke, rows }, null, 2) + "\n");
  } else {
    console.log(`micrograd-ts benchmarks${smoke ? " (smoke mode: sizes reduced, targets not judged)" : ""}`);
    console.log(`machine: ${m.nproc} CPUs, ${m.cpu}, Node ${m.node}, load average ${m.load} (at the start)`);
    console.log(`runtime: ${source}`);
    console.log("");
    console.log(table(rows, markdown));
  }
  if (failed > 0) process.exitCode = 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
