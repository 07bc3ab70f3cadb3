// The cost of dispatch on the Babel path (issue 4). Without types the Babel plugin turns every
// operator of a file that opts in into a helper call (`a * b` -> opMul(a, b)) that takes a fast
// path for two numbers. Measured, each variant in its own fresh processes:
//   1. a number-only kernel of 10 million multiply-adds, written in plain JavaScript (no
//      annotations: every operator, the loop tests too, goes through a helper), transformed
//      against the same file untransformed (target: at most 1.05 times, since the loader and the
//      bundler plugins rewrite every file of a project);
//      The same kernel in a file that also imports another module: such a file may sit in an
//      import cycle, so its hoisted functions cannot use the helper constants (dead zone); each
//      operator there checks for two numbers itself and calls the imported helper otherwise
//      (same target);
//   2. the same kernel in TypeScript with `number` annotations, which the plugin trusts and
//      leaves as written (what a typed file pays);
//   3. Value-heavy code (a neuron's forward and backward) written with operators and
//      transformed, against the same code written with method calls (target: equal within noise),
//      also in a file that imports another module.

import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { root, runtimeEntry } from "./lib/runtime.mjs";

// No import of the runtime: rewritten because every file is (the loader's default, { all: true }).
const NUMBER_KERNEL = `export function kernel(xs, ys, reps) {
  let s = 0;
  for (let r = 0; r < reps; r++) {
    for (let j = 0; j < xs.length; j++) {
      s += xs[j] * ys[j];
    }
    s = s / 2;
  }
  return s;
}
`;

// The same work through small functions called for every element (a multiply-add, a comparison):
// each call pays the helpers' checks that plain code does not make.
const CALLS_KERNEL = `function madd(a, b, c) {
  return a * b + c;
}
function lt(a, b) {
  return a < b;
}
export function kernel(xs, ys, reps) {
  let s = 0;
  for (let r = 0; lt(r, reps); r++) {
    for (let j = 0; lt(j, xs.length); j++) s = madd(xs[j], ys[j], s);
    s = s / 2;
  }
  return s;
}
`;

const TYPED_KERNEL = NUMBER_KERNEL.replace("kernel(xs, ys, reps) {", "kernel(xs: number[], ys: number[], reps: number): number {");

const VALUE_OPERATORS = `import { Value } from "micrograd-ts";
export function kernel(ws, xs, reps) {
  let s = 0;
  for (let r = 0; r < reps; r++) {
    let act = ws[0] * xs[0];
    for (let i = 1; i < ws.length; i++) act = act + ws[i] * xs[i];
    const out = (act / ws.length).tanh();
    out.backward();
    s += out.data;
  }
  return s;
}
`;

const VALUE_METHODS = `import { Value } from "micrograd-ts";
export function kernel(ws, xs, reps) {
  let s = 0;
  for (let r = 0; r < reps; r++) {
    let act = ws[0].mul(xs[0]);
    for (let i = 1; i < ws.length; i++) act = act.add(ws[i].mul(xs[i]));
    const out = act.div(ws.length).tanh();
    out.backward();
    s += out.data;
  }
  return s;
}
`;

/** Runs in each fresh process: warm up, then the best of several timed runs. */
const WORKER = `
const [, , moduleUrl, runtimeUrl, kind, n, reps, runs] = process.argv;
const { kernel } = await import(moduleUrl);
const { Value } = await import(runtimeUrl);
const N = Number(n), R = Number(reps);
let a, b;
if (kind === "value") {
  a = Array.from({ length: N }, (_, i) => new Value(Math.sin(i)));
  b = Array.from({ length: N }, (_, i) => Math.cos(i));
} else {
  a = Array.from({ length: N }, (_, i) => Math.sin(i));
  b = Array.from({ length: N }, (_, i) => Math.cos(i));
}
let result = 0;
for (let w = 0; w < 3; w++) result = kernel(a, b, Math.max(1, R >> 3));
// CPU time of this thread, not wall time: on a shared machine a wall clock also counts the
// moments another process held the core.
let best = Infinity;
for (let k = 0; k < Number(runs); k++) {
  const c0 = process.cpuUsage();
  result = kernel(a, b, R);
  const c = process.cpuUsage(c0);
  best = Math.min(best, (c.user + c.system) / 1000);
}
console.log(JSON.stringify({ ms: best, result }));
`;

/** The Babel plugin as built (dist/), or compiled from its sources when dist/ is older. */
async function loadPlugin() {
  // another build of the plugin, to compare (for example the main branch's: MG_BENCH_PLUGIN=/work/main/dist/transformer/babel/index.js)
  const other = process.env.MG_BENCH_PLUGIN;
  if (other) return { plugin: (await import(pathToFileURL(other).href)).default, source: other, other: true };
  const babelDir = join(root, "transformer/babel");
  const sources = [
    ...readdirSync(babelDir)
      .filter((f) => f.endsWith(".ts"))
      .map((f) => join(babelDir, f)),
    join(root, "transformer/operators.ts"),
    join(root, "runtime/messages.ts"),
  ];
  const built = join(root, "dist/transformer/babel/index.js");
  const newest = Math.max(...sources.map((f) => statSync(f).mtimeMs));
  if (existsSync(built) && statSync(built).mtimeMs >= newest) return { plugin: (await import(pathToFileURL(built).href)).default, source: "dist/transformer/babel" };
  const ts = (await import("typescript")).default;
  const out = join(root, "node_modules/.cache/micrograd-ts-bench");
  for (const f of sources) {
    const target = join(out, f.slice(root.length + 1).replace(/\.ts$/, ".js"));
    mkdirSync(join(target, ".."), { recursive: true });
    const js = ts.transpileModule(readFileSync(f, "utf8"), {
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, verbatimModuleSyntax: true },
      fileName: f,
    }).outputText;
    writeFileSync(target, js);
  }
  writeFileSync(join(out, "package.json"), '{ "type": "module" }\n');
  const url = pathToFileURL(join(out, "transformer/babel/index.js")).href + `?t=${newest}`;
  return { plugin: (await import(url)).default, source: "transformer/babel/*.ts (dist/ is older; compiled for the bench)" };
}

function spawnWorker(args) {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { timeout: 10 * 60 * 1000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${err.message}\n${stderr}`));
      else resolve(JSON.parse(stdout.trim().split("\n").pop()));
    });
  });
}

const secondOverFirst = (xs) => {
  const s = [...xs].sort((x, y) => x - y);
  return s.length > 1 ? s[1] / s[0] : 1;
};

export async function run({ smoke = false } = {}) {
  const { url: runtimeUrl, source: runtimeSource } = await runtimeEntry();
  const { plugin, source: pluginSource, other: otherPlugin } = await loadPlugin();
  const { transformSync } = await import("@babel/core");
  const dir = mkdtempSync(join(tmpdir(), "mg-bench-dispatch-"));
  try {
    // every file imports the runtime by its URL: the plugin opts in on that name and imports its helpers from it
    const options = { importSource: runtimeUrl, all: true };
    const write = (name, text, transform) => {
      const source = text.replaceAll('"micrograd-ts"', JSON.stringify(runtimeUrl));
      const typescript = name.endsWith("-ts.mjs");
      const code =
        transform || typescript
          ? transformSync(source, {
              filename: join(dir, name.replace(/\.mjs$/, typescript ? ".ts" : ".js")),
              babelrc: false,
              configFile: false,
              presets: typescript ? ["@babel/preset-typescript"] : [],
              plugins: transform ? [[plugin, options]] : [],
            }).code
          : source;
      writeFileSync(join(dir, name), code);
      return pathToFileURL(join(dir, name)).href;
    };
    writeFileSync(join(dir, "empty.mjs"), "export {};\n");
    const worker = join(dir, "worker.mjs");
    writeFileSync(worker, WORKER);
    const files = {
      numberPlain: write("number-plain.mjs", NUMBER_KERNEL, false),
      numberTransformed: write("number-transformed.mjs", NUMBER_KERNEL, true),
      // a file that imports another module may sit in an import cycle: its hoisted functions hold the helpers in constants of their own
      numberImporting: write("number-importing.mjs", `import "./empty.mjs";\n${NUMBER_KERNEL}`, true),
      callsPlain: write("calls-plain.mjs", CALLS_KERNEL, false),
      callsTransformed: write("calls-transformed.mjs", CALLS_KERNEL, true),
      callsImporting: write("calls-importing.mjs", `import "./empty.mjs";\n${CALLS_KERNEL}`, true),
      typedPlain: write("typed-plain-ts.mjs", TYPED_KERNEL, false),
      typedTransformed: write("typed-transformed-ts.mjs", TYPED_KERNEL, true),
      valueMethods: write("value-methods.mjs", VALUE_METHODS, false),
      valueOperators: write("value-operators.mjs", VALUE_OPERATORS, true),
      valueImporting: write("value-importing.mjs", `import "./empty.mjs";\n${VALUE_OPERATORS}`, true),
    };
    const transformedText = readFileSync(join(dir, "number-transformed.mjs"), "utf8");
    if (!transformedText.includes("_opMul(") || !transformedText.includes("_opLt(")) throw new Error("the number kernel was not rewritten:\n" + transformedText);
    const importingText = readFileSync(join(dir, "number-importing.mjs"), "utf8");
    if (!otherPlugin && !/typeof \w+ === "number" \? \w+ \+ \w+ \* \w+ : _opAdd2\(\w+, _opMul2\(/.test(importingText))
      throw new Error("the importing kernel has no fast path at its operators:\n" + importingText);
    const typedText = readFileSync(join(dir, "typed-transformed-ts.mjs"), "utf8");
    const typedRewritten = /_op[A-Z]\w*\(/.test(typedText);

    const processes = smoke ? 1 : 5;
    const runs = smoke ? 2 : 9;
    const [n, reps] = smoke ? ["1000", "100"] : ["1000", "10000"]; // 10 million multiply-adds
    const [vn, vreps] = smoke ? ["50", "20"] : ["50", "10000"]; // 500,000 multiply-adds on Values, with backward
    const times = Object.fromEntries(Object.keys(files).map((k) => [k, []]));
    const results = {};
    for (let p = 0; p < processes; p++) {
      // interleaved, so that a busy moment of the machine hits every variant alike
      for (const [key, url] of Object.entries(files)) {
        const value = key.startsWith("value");
        const r = await spawnWorker([worker, url, runtimeUrl, value ? "value" : "number", value ? vn : n, value ? vreps : reps, String(runs)]);
        times[key].push(r.ms);
        results[key] ??= r.result;
      }
    }
    const same = (a, b) => Object.is(results[a], results[b]);
    if (
      !same("numberPlain", "callsPlain") ||
      !same("callsPlain", "callsTransformed") ||
      !same("callsPlain", "callsImporting") ||
      !same("numberPlain", "numberImporting") ||
      !same("numberPlain", "numberTransformed") ||
      !same("typedPlain", "typedTransformed") ||
      !same("valueMethods", "valueOperators") ||
      !same("valueMethods", "valueImporting")
    ) {
      throw new Error(`variants computed different results: ${JSON.stringify(results)}`);
    }
    // Each figure is the fastest run over all processes: on a shared machine other work only ever
    // adds time, so the minimum is the estimate least disturbed by it.
    const ms = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, Math.min(...v)]));
    const ratio = (a, b) => ms[a] / ms[b];
    const numberRatio = ratio("numberTransformed", "numberPlain");
    const typedRatio = ratio("typedTransformed", "typedPlain");
    const valueRatio = ratio("valueOperators", "valueMethods");
    const importingRatio = ratio("numberImporting", "numberPlain");
    const valueImportingRatio = ratio("valueImporting", "valueMethods");
    const where = `CPU time, fastest of ${runs} runs after warm-up in each of ${processes} fresh processes; plugin from ${pluginSource}; runtime from ${runtimeSource}`;
    const mAdds = (Number(n) * Number(reps)) / 1e6;
    return [
      { bench: "dispatch: number kernel, plain JS", metric: `${mAdds}M multiply-adds untransformed`, value: ms.numberPlain, unit: "ms", note: where },
      {
        bench: "dispatch: number kernel, plain JS",
        metric: "same file through the Babel plugin",
        value: ms.numberTransformed,
        unit: "ms",
        note: "every + * / < in the loop is a helper call (opAdd, opMul, opDiv, opLt)",
      },
      {
        bench: "dispatch: number kernel, plain JS",
        metric: "transformed / untransformed",
        value: numberRatio,
        unit: "x",
        target: "<= 1.05",
        ok: smoke ? undefined : numberRatio <= 1.05,
      },
      {
        bench: "dispatch: number kernel, plain JS",
        metric: "the same in a file that imports another module, / untransformed",
        value: importingRatio,
        unit: "x",
        target: "<= 1.05",
        ok: smoke ? undefined : importingRatio <= 1.05,
        note: "hoisted functions check for two numbers at each operator, then call the imported helper (a module constant could be in its dead zone in an import cycle)",
      },
      {
        bench: "dispatch: number kernel of small functions",
        metric: "untransformed",
        value: ms.callsPlain,
        unit: "ms",
        note: "a * b + c and a < b in functions called for every element",
      },
      {
        bench: "dispatch: number kernel of small functions",
        metric: "transformed / untransformed",
        value: ratio("callsTransformed", "callsPlain"),
        unit: "x",
        target: "<= 1.05",
        ok: smoke ? undefined : ratio("callsTransformed", "callsPlain") <= 1.05,
        note: "helpers through module constants",
      },
      {
        bench: "dispatch: number kernel of small functions",
        metric: "in a file that imports another module, / untransformed",
        value: ratio("callsImporting", "callsPlain"),
        unit: "x",
        target: "<= 1.05",
        ok: smoke ? undefined : ratio("callsImporting", "callsPlain") <= 1.05,
        note: "the fast path at each operator",
      },
      {
        bench: "dispatch: number kernel, typed TS",
        metric: "transformed / untransformed",
        value: typedRatio,
        unit: "x",
        note: typedRewritten ? "some operators were rewritten" : "number annotations: the plugin leaves every operator as written",
      },
      {
        bench: "dispatch: Value code",
        metric: "operators, transformed (neuron of 50 inputs, forward + backward)",
        value: ms.valueOperators,
        unit: "ms",
        note: `${vreps} repetitions`,
      },
      { bench: "dispatch: Value code", metric: "the same with method calls", value: ms.valueMethods, unit: "ms" },
      {
        bench: "dispatch: Value code",
        metric: "operators / method calls",
        value: valueRatio,
        unit: "x",
        target: "0.95 .. 1.05",
        ok: smoke ? undefined : valueRatio >= 0.95 && valueRatio <= 1.05,
      },
      {
        bench: "dispatch: Value code",
        metric: "operators in a file that imports another module / method calls",
        value: valueImportingRatio,
        unit: "x",
        target: "0.95 .. 1.05",
        ok: smoke ? undefined : valueImportingRatio >= 0.95 && valueImportingRatio <= 1.05,
      },
      {
        bench: "dispatch: Value code",
        metric: "noise: method calls against themselves (second-fastest / fastest process)",
        value: secondOverFirst(times.valueMethods),
        unit: "x",
        note: "how far two measurements of the same code lie apart here",
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const rows = await run({ smoke: process.argv.includes("--smoke") });
  for (const r of rows)
    console.log(
      `${r.bench} | ${r.metric} | ${typeof r.value === "number" ? r.value.toFixed(3) : r.value} ${r.unit}${r.target ? ` (target ${r.target}: ${r.ok ? "ok" : r.ok === false ? "MISSED" : "-"})` : ""}`,
    );
}
