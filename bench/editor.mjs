// Benchmark: the editor plugin (micrograd-ts/language-service) while the user types. A file of
// 1,000 lines of Value arithmetic is open; each round changes one number in its middle (a new
// version of the file, as an editor sends it) and times what the editor asks for next: the
// semantic diagnostics (rewrite fixpoint + check of the rewritten program), then a quick info
// and a completion list. The plugin is created as tsserver creates it (module factory, then
// create() with the project's service and host), over TypeScript's LanguageService API.

import { existsSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import ts from "typescript";
import { installPlugin, repo } from "../test/fixtures/editor/install-plugin.mjs";

/** A file of `blocks` five-line blocks of Value arithmetic. */
export function valueFile(blocks) {
  const lines = ['import { Value } from "micrograd-ts";'];
  for (let i = 0; i < blocks; i++) {
    lines.push(
      `const a${i} = new Value(${(i % 7) / 10 + 0.5}, { label: "a${i}" });`,
      `const b${i} = a${i} * 2 + ${i % 5};`,
      `const c${i} = b${i} * b${i} - a${i} / 3;`,
      `const d${i} = (c${i} + b${i}) ** 2 + -a${i};`,
      `d${i}.backward();`,
    );
  }
  return lines.join("\n") + "\n";
}

/** The runtime's declarations from `npm run build`, when they are newer than the sources. */
function builtDeclarations() {
  const dts = join(repo, "dist", "runtime", "index.d.ts");
  const fresh = ["index", "engine", "nn"].every((f) => {
    const d = join(repo, "dist", "runtime", `${f}.d.ts`);
    return existsSync(d) && statSync(d).mtimeMs >= statSync(join(repo, "runtime", `${f}.ts`)).mtimeMs;
  });
  return fresh ? dts : undefined;
}

function createProject(text, withPlugin, plugin, runtime = join(repo, "runtime", "index.ts")) {
  const fileName = join(repo, "bench", "__editor_bench__.ts");
  let version = 0;
  let content = text;
  const options = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.Preserve,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ["lib.es2023.d.ts", "lib.dom.d.ts"],
    types: [],
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    paths: { "micrograd-ts": [runtime] },
  };
  const host = {
    getCompilationSettings: () => options,
    getScriptFileNames: () => [fileName],
    getScriptVersion: (f) => (f === fileName ? String(version) : "0"),
    getScriptSnapshot: (f) => {
      if (f === fileName) return ts.ScriptSnapshot.fromString(content);
      const t = ts.sys.readFile(f);
      return t === undefined ? undefined : ts.ScriptSnapshot.fromString(t);
    },
    getCurrentDirectory: () => repo,
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    fileExists: ts.sys.fileExists,
    readFile: ts.sys.readFile,
    directoryExists: ts.sys.directoryExists,
    getDirectories: ts.sys.getDirectories,
    useCaseSensitiveFileNames: () => true,
  };
  const languageService = ts.createLanguageService(host, ts.createDocumentRegistry());
  const service = withPlugin
    ? plugin({ typescript: ts }).create({ languageService, languageServiceHost: host, project: undefined, config: { name: "micrograd-ts/language-service" } })
    : languageService;
  return {
    fileName,
    service,
    get text() {
      return content;
    },
    edit(newText) {
      content = newText;
      version++;
    },
  };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function time(fn) {
  const t = performance.now();
  const result = fn();
  return { ms: performance.now() - t, result };
}

/** Times `rounds` edits of the file; returns medians and the first check's time. */
function measure({ blocks, rounds, withPlugin, plugin, runtime }) {
  const text = valueFile(blocks);
  const p = createProject(text, withPlugin, plugin, runtime);
  const first = time(() => p.service.getSemanticDiagnostics(p.fileName));
  const middle = Math.floor(blocks / 2);
  const needle = `const b${middle} = a${middle} * 2 + `;
  const diag = [];
  const hover = [];
  const complete = [];
  let errors = first.result.length;
  for (let r = 0; r < rounds; r++) {
    const edited = p.text.replace(new RegExp(`(${needle})\\d+`), `$1${r + 10}`);
    p.edit(edited);
    const d = time(() => p.service.getSemanticDiagnostics(p.fileName));
    diag.push(d.ms);
    errors = d.result.length;
    const at = p.text.indexOf(needle) + needle.indexOf("*");
    hover.push(time(() => p.service.getQuickInfoAtPosition(p.fileName, at)).ms);
    p.edit(p.text); // a new version with the same text: the completion request after a keystroke
    const dot = p.text.indexOf(`d${middle}.backward`) + `d${middle}.`.length;
    const c = time(() => p.service.getCompletionsAtPosition(p.fileName, dot, { triggerCharacter: "." }));
    complete.push(c.ms);
    if (withPlugin && !c.result?.entries.some((e) => e.name === "backward")) throw new Error("the completion list after `d.` lacks backward");
  }
  return { lines: text.split("\n").length - 1, first: first.ms, diag: median(diag), hover: median(hover), complete: median(complete), errors };
}

export async function run({ smoke = false } = {}) {
  const { main } = installPlugin();
  const plugin = createRequire(import.meta.url)(main);
  const blocks = smoke ? 10 : 200;
  const rounds = smoke ? 1 : 10;
  const on = measure({ blocks, rounds, withPlugin: true, plugin });
  if (on.errors !== 0) throw new Error(`the plugin reports ${on.errors} diagnostic(s) on supported Value arithmetic`);
  const off = measure({ blocks, rounds, withPlugin: false, plugin });
  const file = `${on.lines}-line file, ${blocks * 4} Value expressions; median of ${rounds} edits`;
  const targetMs = 300;
  const rows = [
    {
      bench: "editor",
      metric: "re-check after an edit (semantic diagnostics)",
      value: on.diag,
      unit: "ms",
      target: `<= ${targetMs}`,
      ok: smoke ? undefined : on.diag <= targetMs,
      note: `${file}; runtime from its sources (as in this repo); plain TypeScript ${off.diag.toFixed(0)} ms (reporting ${off.errors} false errors)`,
    },
    { bench: "editor", metric: "quick info on an operator after an edit", value: on.hover, unit: "ms", note: file },
    { bench: "editor", metric: "completions after `d.` after an edit", value: on.complete, unit: "ms", note: `${file}; plain TypeScript ${off.complete.toFixed(0)} ms` },
    { bench: "editor", metric: "first check of the file (project open)", value: on.first, unit: "ms", note: `plain TypeScript ${off.first.toFixed(0)} ms` },
  ];
  const dts = builtDeclarations();
  if (dts && !smoke) {
    const installed = measure({ blocks, rounds, withPlugin: true, plugin, runtime: dts });
    rows.push({
      bench: "editor",
      metric: "re-check after an edit, runtime as installed (.d.ts)",
      value: installed.diag,
      unit: "ms",
      target: `<= ${targetMs}`,
      ok: installed.diag <= targetMs,
      note: `${file}; types from dist/runtime/*.d.ts as a user's project has them; first check ${installed.first.toFixed(0)} ms`,
    });
  }
  return rows;
}
