// Build cost of the TypeScript transformer: `tspc` with the transformer against plain `tsc` on
// this repository's examples and the transform fixtures (target: at most 1.5 times), and how many
// times the fixpoint type-checks the files that reach the runtime before the rewrite stops
// changing. Plain tsc cannot type-check the operators (it reports errors) but does the same
// parsing, checking and emitting, which is what the ratio compares.
//
//   node bench/build-cost.mjs            (or through npm run bench)

import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const TSC = require.resolve("typescript/bin/tsc");
const TSPC = join(ROOT, "node_modules/ts-patch/bin/tspc.js");

/** The .ts files of examples/ and of the fixtures that compile without diagnostics. */
function sources(smoke) {
  const files = [];
  const examples = join(ROOT, "examples");
  const exportsMap = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).exports;
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith(".ts") && !p.endsWith(".d.ts")) files.push(p);
    }
  };
  walk(examples);
  // examples whose runtime imports are not built yet would only measure error reporting
  const usable = files.filter((f) =>
    [...readFileSync(f, "utf8").matchAll(/import \{([^}]*)\} from "micrograd-ts(\/[\w-]+)?"/g)].every((m) => {
      const types = exportsMap["." + (m[2] ?? "")]?.types;
      const declared = types && existsSync(join(ROOT, types)) ? readFileSync(join(ROOT, types), "utf8") : "";
      return m[1].split(",").every((n) => new RegExp(`\\b${n.trim().replace(/^type /, "")}\\b`).test(declared));
    }),
  );
  const fixtures = join(ROOT, "test/fixtures/transform");
  for (const c of existsSync(fixtures) ? readdirSync(fixtures).sort() : []) {
    const input = join(fixtures, c, "input.ts");
    if (existsSync(input) && !existsSync(join(fixtures, c, "diagnostics.json"))) usable.push(input);
  }
  return smoke ? usable.slice(0, 3) : usable;
}

function project(files, withTransformer) {
  const dir = mkdtempSync(join(tmpdir(), "mg-build-cost-"));
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(ROOT, join(dir, "node_modules", "micrograd-ts"), "dir");
  writeFileSync(join(dir, "package.json"), '{ "type": "module" }\n');
  const compilerOptions = {
    target: "es2022",
    module: "nodenext",
    strict: true,
    skipLibCheck: true,
    rootDir: ROOT,
    outDir: join(dir, "out"),
    typeRoots: [join(ROOT, "node_modules/@types")],
    types: ["node"],
  };
  if (withTransformer) compilerOptions.plugins = [{ transform: "micrograd-ts/transformer", transformProgram: true }];
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions, files }, null, 2));
  return dir;
}

function timeBuild(cli, dir) {
  const t = process.hrtime.bigint();
  const res = spawnSync(process.execPath, [cli, "-p", join(dir, "tsconfig.json")], { cwd: dir, encoding: "utf8" });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  return { ms, status: res.status, output: res.stdout + res.stderr };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function run({ smoke = false } = {}) {
  if (!existsSync(join(ROOT, "dist/cjs/transformer/ts/index.js")) || !existsSync(join(ROOT, "dist/transformer/ts/index.js"))) {
    execFileSync("npm", ["run", "build"], { cwd: ROOT, stdio: "inherit" });
  }
  const files = sources(smoke);
  const plainDir = project(files, false);
  const tspcDir = project(files, true);
  const rows = [];
  try {
    if (!smoke) rows.push(...buildTimes(files, plainDir, tspcDir));
    rows.push(...(await fixpoint(tspcDir)));
  } finally {
    rmSync(plainDir, { recursive: true, force: true });
    rmSync(tspcDir, { recursive: true, force: true });
  }
  return rows;
}

/** Whole builds in child processes: plain tsc, then tspc with the transformer. */
function buildTimes(files, plainDir, tspcDir) {
  const rows = [];
  {
    // ts-patch patches the compiler on its first run and caches it: a warm-up for each
    const first = timeBuild(TSPC, tspcDir);
    if (first.status !== 0) throw new Error(`tspc failed on the benchmark project:\n${first.output}`);
    timeBuild(TSC, plainDir);
    const reps = 5;
    const plain = [];
    const patched = [];
    for (let i = 0; i < reps; i++) {
      plain.push(timeBuild(TSC, plainDir).ms);
      patched.push(timeBuild(TSPC, tspcDir).ms);
    }
    const tsc = median(plain);
    const tspc = median(patched);
    const ratio = tspc / tsc;
    rows.push(
      { bench: "build-cost", metric: `plain tsc, ${files.length} files (median of ${reps})`, value: Math.round(tsc), unit: "ms" },
      { bench: "build-cost", metric: `tspc with the transformer, same files (median of ${reps})`, value: Math.round(tspc), unit: "ms" },
      {
        bench: "build-cost",
        metric: "tspc with the transformer / plain tsc",
        value: Number(ratio.toFixed(2)),
        unit: "x",
        target: "<= 1.5",
        ok: ratio <= 1.5,
        note: "whole process, node start-up included",
      },
    );
  }
  return rows;
}

/** In-process: the fixpoint's rounds, and the rewrite's own time against a plain check. */
async function fixpoint(tspcDir) {
  const rows = [];
  {
    // In-process: the fixpoint's rounds, and the rewrite's own share of the build.
    const ts = require("typescript");
    const { rewriteProgram } = await import(pathToFileURL(join(ROOT, "dist/transformer/ts/index.js")).href);
    const parsed = ts.getParsedCommandLineOfConfigFile(join(tspcDir, "tsconfig.json"), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
    const host = ts.createCompilerHost(parsed.options);
    // a warm-up (JIT, file cache), then the plain build, then the transformed one
    ts.getPreEmitDiagnostics(ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options, host }));
    let t = performance.now();
    const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options, host });
    ts.getPreEmitDiagnostics(program);
    const checkMs = performance.now() - t;
    t = performance.now();
    const fresh = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options, host });
    const created = performance.now();
    const result = rewriteProgram(ts, fresh, host);
    const rewriteMs = performance.now() - created;
    ts.getPreEmitDiagnostics(result.program);
    const transformedMs = performance.now() - t;
    const rewritten = [...result.files.values()].filter((f) => f.result.changed).length;
    rows.push(
      {
        bench: "build-cost",
        metric: "re-check rounds (type checks of the files that reach the runtime)",
        value: result.rounds,
        unit: "rounds",
        note: `${rewritten} of ${result.files.size} candidate files rewritten; converged: ${result.converged}`,
      },
      {
        bench: "build-cost",
        metric: "fixpoint rewrite, in-process",
        value: Math.round(rewriteMs),
        unit: "ms",
        note: `plain program + full check in-process: ${Math.round(checkMs)} ms`,
      },
      {
        bench: "build-cost",
        metric: "in-process program + rewrite + check / program + check",
        value: Number((transformedMs / checkMs).toFixed(2)),
        unit: "x",
        note: "without process start-up and ts-patch's own loading; one run each, after a warm-up",
      },
    );
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const rows = await run({ smoke: process.argv.includes("--smoke") });
  for (const r of rows)
    console.log(
      `${r.metric}: ${r.value} ${r.unit}${r.target ? ` (target ${r.target}${r.ok === undefined ? "" : r.ok ? ", ok" : ", NOT MET"})` : ""}${r.note ? ` — ${r.note}` : ""}`,
    );
}
