// Which build of the runtime the benchmarks measure, and machine facts for the table.
//
// The benchmarks measure the runtime as users run it: the JavaScript that `npm run build`
// writes to dist/runtime (run by `npm install` through "prepare"). When dist/ is missing or
// older than a runtime/*.ts source, they measure the current sources instead, compiled the same
// way (TypeScript's transpileModule with the build's target) into
// node_modules/.cache/micrograd-ts-bench/, so that a benchmark never reports a stale engine.
// MICROGRAD_BENCH_RUNTIME=dist or =src forces one of the two.

import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const root = fileURLToPath(new URL("../../", import.meta.url));
const srcDir = join(root, "runtime");
const distDir = join(root, "dist", "runtime");
const cacheDir = join(root, "node_modules", ".cache", "micrograd-ts-bench", "runtime");

let cached;

/** @returns {Promise<{ url: string, source: string }>} the URL of the runtime's index.js to import */
export async function runtimeEntry() {
  if (cached) return cached;
  const force = process.env.MICROGRAD_BENCH_RUNTIME;
  const sources = readdirSync(srcDir).filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"));
  const fresh = (dir) =>
    sources.every((f) => {
      const js = join(dir, f.replace(/\.ts$/, ".js"));
      return existsSync(js) && statSync(js).mtimeMs >= statSync(join(srcDir, f)).mtimeMs;
    });
  if (force === "dist" || (force !== "src" && fresh(distDir))) {
    cached = { url: pathToFileURL(join(distDir, "index.js")).href, source: "dist/runtime" };
    return cached;
  }
  if (!fresh(cacheDir)) await transpile(sources);
  cached = { url: pathToFileURL(join(cacheDir, "index.js")).href, source: "runtime/*.ts (dist/ is missing or older; compiled for the bench)" };
  return cached;
}

async function transpile(sources) {
  const ts = (await import("typescript")).default;
  const options = { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, verbatimModuleSyntax: true };
  mkdirSync(cacheDir, { recursive: true });
  if (!existsSync(join(cacheDir, "..", "package.json"))) writeFileSync(join(cacheDir, "..", "package.json"), '{ "type": "module" }\n');
  for (const f of sources) {
    const out = ts.transpileModule(readFileSync(join(srcDir, f), "utf8"), { compilerOptions: options, fileName: f }).outputText;
    const target = join(cacheDir, f.replace(/\.ts$/, ".js"));
    // write then rename: another process (the smoke test, a second bench) may read meanwhile
    const tmp = `${target}.${process.pid}.tmp`;
    writeFileSync(tmp, out);
    renameSync(tmp, target);
  }
}

/** The machine, as BENCHMARKS.md records it. */
export function machine() {
  let model = cpus()[0]?.model ?? "unknown";
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"));
    if (m) model = m[1];
  } catch {
    // not Linux
  }
  return {
    nproc: availableParallelism(),
    cpu: model,
    node: process.version,
    load: loadavg()
      .map((x) => x.toFixed(2))
      .join(" "),
  };
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export const here = dirname(fileURLToPath(import.meta.url));
