// The editor's rewrite (transformer/language-service/fixpoint.ts: incremental, one round per
// keystroke when types do not change) must be the build's (transformer/ts/program.ts: from
// scratch, until nothing changes), on every transform fixture and after every edit of a
// sequence of random edits, so that the editor shows what tspc compiles.

import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Random } from "micrograd-ts";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { createMicrogradService, rewriteOf } from "../transformer/language-service/service.ts";
import { rewriteProgram } from "../transformer/ts/program.ts";

// The sources type `ts` as `import type * as TS` (with a `default`), the default import has none.
const typescript = ts as unknown as Parameters<typeof createMicrogradService>[0];
const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, "..");
const transformCases = join(here, "fixtures", "transform");
let files = 0;

const options: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.Preserve,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ["lib.es2023.d.ts", "lib.dom.d.ts"],
  types: ["node"],
  typeRoots: [join(repo, "node_modules", "@types")],
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  paths: { "micrograd-ts": [join(repo, "runtime", "index.ts")] },
};

const registry = ts.createDocumentRegistry();

/** A language service over one in-memory file, with the plugin's service on top. */
function editorFor(initial: string, extraOptions: ts.CompilerOptions = {}) {
  // A name of its own: the registry shares parsed files by name and version.
  const fileName = join(repo, "test", "fixtures", "editor", `__in_memory_${++files}__.ts`);
  let text = initial;
  let version = 0;
  const host: ts.LanguageServiceHost = {
    getCompilationSettings: () => ({ ...options, ...extraOptions }),
    getScriptFileNames: () => [fileName],
    getScriptVersion: (f) => (f === fileName ? String(version) : "0"),
    getScriptSnapshot: (f) => {
      const t = f === fileName ? text : ts.sys.readFile(f);
      return t === undefined ? undefined : ts.ScriptSnapshot.fromString(t);
    },
    getCurrentDirectory: () => repo,
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    fileExists: (f) => f === fileName || ts.sys.fileExists(f),
    readFile: (f) => (f === fileName ? text : ts.sys.readFile(f)),
    directoryExists: ts.sys.directoryExists,
    getDirectories: ts.sys.getDirectories,
    useCaseSensitiveFileNames: () => true,
  };
  const base = ts.createLanguageService(host, registry);
  // the project's registry shared as tsserver's plugin shares it (declaration files parsed once)
  const service = createMicrogradService(typescript, { base, host, sharedRegistry: registry });
  return {
    service,
    fileName,
    set(newText: string) {
      text = newText;
      version++;
    },
    rewrite: () => rewriteOf(service, fileName),
    build: (newText: string, rewriteOptions?: { dispatchAny?: boolean }) => buildRewrite(fileName, newText, rewriteOptions),
  };
}

const parsed = new Map<string, ts.SourceFile | undefined>();

/** What the build makes of the text: the fixpoint from scratch. */
function buildRewrite(fileName: string, text: string, rewriteOptions: { dispatchAny?: boolean } = {}) {
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile;
  // Library files parsed once for all the programs of this test.
  host.getSourceFile = (f, v, ...rest) => {
    if (f === fileName) return ts.createSourceFile(f, text, v, true);
    if (!parsed.has(f)) parsed.set(f, getSourceFile.call(host, f, v, ...rest));
    return parsed.get(f);
  };
  const program = ts.createProgram({ rootNames: [fileName], options, host });
  const file = rewriteProgram(ts as unknown as Parameters<typeof rewriteProgram>[0], program, host, rewriteOptions).files.get(fileName);
  return file && { text: file.result.text, diagnostics: file.result.diagnostics };
}

const hasSyntaxErrors = (text: string) =>
  (ts.createSourceFile("check.ts", text, ts.ScriptTarget.ES2022, true) as unknown as { parseDiagnostics: unknown[] }).parseDiagnostics.length > 0;

const cases = readdirSync(transformCases).filter((c) => !c.startsWith("."));

describe("the editor's rewrite is the build's", () => {
  // One editor for all the cases, each case's text typed over the last one's: the libraries
  // and the runtime are checked once, and the rewrite starts from another file's as its guess.
  let shared: ReturnType<typeof editorFor> | undefined;
  it.each(cases)("%s", (name) => {
    const text = readFileSync(join(transformCases, name, "input.ts"), "utf8");
    const editor = (shared ??= editorFor(text));
    editor.set(text);
    const build = editor.build(text);
    expect(editor.rewrite()?.text ?? text).toBe(build?.text ?? text);
    expect(editor.rewrite()?.diagnostics ?? []).toEqual(build?.diagnostics ?? []);
  });

  it("after each of a sequence of random edits", () => {
    const random = new Random(8);
    const int = (lo: number, hi: number) => lo + Math.floor(random.random() * (hi - lo));
    const pick = <T>(xs: readonly T[]): T => xs[int(0, xs.length)]!;
    const operators = [" * ", " + ", " - ", " / ", " ** ", " % ", " < "];
    /** Edits as typing makes them: mostly well-formed, sometimes not (then only the editor carries on). */
    const edit = (text: string): string => {
      const lines = text.split("\n");
      const body = lines.findIndex((l) => l.includes("micrograd-ts")) + 1;
      const at = int(body, lines.length);
      switch (int(0, 5)) {
        case 0: {
          const found = [...text.matchAll(/ (\*\*|\*|\+|-|\/) /g)];
          if (found.length === 0) return text;
          const m = pick(found);
          return text.slice(0, m.index) + pick(operators) + text.slice(m.index + m[0].length);
        }
        case 1:
          lines.splice(at, 0, pick(["const q = a * b;", "let r = a; r *= 2 + a;", "const s = -a / (b - 1) ** 2;", "const t = [a, b].map((v) => v * v);"]));
          return lines.join("\n");
        case 2:
          if (/^(const|let|assert)[^{}()]*;$/.test(lines[at] ?? "")) lines.splice(at, 1);
          return lines.join("\n");
        case 3: {
          const found = [...text.matchAll(/\b[a-z]\b(?![:(])/g)].filter((m) => m.index! > text.indexOf("micrograd-ts"));
          if (found.length === 0) return text;
          const m = pick(found);
          return text.slice(0, m.index) + "2 * " + text.slice(m.index);
        }
        default: {
          const pos = int(text.indexOf("\n", text.indexOf("micrograd-ts")) + 1, text.length);
          return text.slice(0, pos) + pick(["(", ")", "x", ";", " * "]) + text.slice(pos + int(0, 3));
        }
      }
    };
    let checked = 0;
    for (const name of ["walkthrough", "inference-const-let", "compound-members", "arrays-reduce"]) {
      let text = readFileSync(join(transformCases, name, "input.ts"), "utf8");
      const editor = editorFor(text);
      editor.rewrite();
      let broken = text;
      for (let step = 0; step < 8; step++) {
        // A broken state is typed over: the next edit starts again from the last good text.
        text = edit(hasSyntaxErrors(text) ? broken : text);
        editor.set(text);
        const rewrite = editor.rewrite();
        if (hasSyntaxErrors(text)) continue; // the build leaves such a file alone; the editor carries on
        broken = text;
        const build = editor.build(text);
        expect({ step, name, text: rewrite?.text ?? text }).toEqual({ step, name, text: build?.text ?? text });
        expect(rewrite?.diagnostics ?? []).toEqual(build?.diagnostics ?? []);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(16);
  }, 300_000);
});

describe("region diagnostics (tsserver asks for the visible lines of a big file)", () => {
  it("maps the region and reports the build's diagnostics in it", () => {
    const lines = ['import { Value } from "micrograd-ts";', "const a = new Value(2);", "const b = new Value(3);"];
    for (let i = 0; i < 600; i++) lines.push(`const v${i} = a * b + ${i};`);
    lines.push("const bad = a % b;", "const ok = (a * b).grad;");
    const text = lines.join("\n") + "\n";
    const editor = editorFor(text);
    type Region = { diagnostics: ts.Diagnostic[]; spans: ts.TextSpan[] } | undefined;
    const region = (editor.service as unknown as { getRegionSemanticDiagnostics(f: string, r: ts.TextRange[]): Region }).getRegionSemanticDiagnostics;
    const pos = text.indexOf("const v590");
    const end = text.length;
    const result = region.call(editor.service, editor.fileName, [{ pos, end }]);
    expect(result).toBeDefined();
    expect(result!.diagnostics.map((d) => [d.code, text.slice(d.start!, d.start! + d.length!)])).toEqual([[9001, "%"]]);
    for (const s of result!.spans) {
      expect(s.start).toBeLessThanOrEqual(pos);
      expect(s.start + s.length).toBeGreaterThanOrEqual(text.lastIndexOf("const bad"));
    }
    // and the whole file, as the full check reports it
    expect(editor.service.getSemanticDiagnostics(editor.fileName).map((d) => d.code)).toEqual([9001]);
  });
});

/** A snapshot of `text` whose change range from an older one is the span between their common start and end. */
function editedSnapshot(text: string): ts.IScriptSnapshot {
  return {
    getText: (start, end) => text.slice(start, end),
    getLength: () => text.length,
    getChangeRange(old) {
      const before = old.getText(0, old.getLength());
      const max = Math.min(before.length, text.length);
      let prefix = 0;
      while (prefix < max && before.charCodeAt(prefix) === text.charCodeAt(prefix)) prefix++;
      let suffix = 0;
      while (suffix < max - prefix && before.charCodeAt(before.length - 1 - suffix) === text.charCodeAt(text.length - 1 - suffix)) suffix++;
      return ts.createTextChangeRange(ts.createTextSpan(prefix, before.length - prefix - suffix), text.length - prefix - suffix);
    },
  };
}

/** A language service over in-memory files (several modules), with the plugin's service on top and its log kept. */
function projectFor(initial: Map<string, string>) {
  const texts = new Map(initial);
  const versions = new Map<string, number>();
  const logged: string[] = [];
  const snapshots = new Map<string, { version: number | undefined; snapshot: ts.IScriptSnapshot }>();
  const host: ts.LanguageServiceHost = {
    getCompilationSettings: () => options,
    getScriptFileNames: () => [...texts.keys()],
    getScriptVersion: (f) => String(versions.get(f) ?? 0),
    getScriptSnapshot: (f) => {
      const t = texts.get(f);
      if (t === undefined) {
        const disk = ts.sys.readFile(f);
        return disk === undefined ? undefined : ts.ScriptSnapshot.fromString(disk);
      }
      // as tsserver's: a snapshot that knows what changed, so the service parses incrementally
      // (TypeScript's incremental parser moves the old tree's nodes into the new one)
      let known = snapshots.get(f);
      if (!known || known.version !== versions.get(f)) snapshots.set(f, (known = { version: versions.get(f), snapshot: editedSnapshot(t) }));
      return known.snapshot;
    },
    getCurrentDirectory: () => repo,
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    fileExists: (f) => texts.has(f) || ts.sys.fileExists(f),
    readFile: (f) => texts.get(f) ?? ts.sys.readFile(f),
    directoryExists: (d) => [...texts.keys()].some((f) => f.startsWith(d + "/")) || ts.sys.directoryExists(d),
    getDirectories: ts.sys.getDirectories,
    useCaseSensitiveFileNames: () => true,
  };
  const base = ts.createLanguageService(host, registry);
  const service = createMicrogradService(typescript, { base, host, sharedRegistry: registry, log: (m) => logged.push(m) });
  return {
    service,
    set(fileName: string, text: string) {
      texts.set(fileName, text);
      versions.set(fileName, (versions.get(fileName) ?? 0) + 1);
    },
    rewrite: (fileName: string) => rewriteOf(service, fileName),
    diagnostics: (fileName: string) => service.getSemanticDiagnostics(fileName).map((d) => d.code),
    /** The rounds of the last rewrite, from the plugin's log. */
    rounds() {
      const line = logged.findLast((m) => / round\(s\)/.test(m));
      return Number(/(\d+) round\(s\)/.exec(line ?? "")?.[1]);
    },
    /** What the build makes of the same files. */
    build() {
      const compilerHost = ts.createCompilerHost(options);
      compilerHost.fileExists = host.fileExists!;
      compilerHost.directoryExists = host.directoryExists;
      const getSourceFile = compilerHost.getSourceFile;
      compilerHost.getSourceFile = (f, v, ...rest) => {
        const t = texts.get(f);
        if (t !== undefined) return ts.createSourceFile(f, t, v, true);
        if (!parsed.has(f)) parsed.set(f, getSourceFile.call(compilerHost, f, v, ...rest));
        return parsed.get(f);
      };
      const program = ts.createProgram({ rootNames: [...texts.keys()], options, host: compilerHost });
      return rewriteProgram(ts as unknown as Parameters<typeof rewriteProgram>[0], program, compilerHost).files;
    },
  };
}

describe("the editor shares the build's fixpoint (transformer/core/)", () => {
  const dir = join(repo, "test", "fixtures", "editor", "__in_memory_project__");
  const at = (name: string) => join(dir, name);

  it("a chain of 50 modules without annotations: every module rewritten as the build does, no error, in a few rounds", () => {
    const files = new Map<string, string>([[at("m0.ts"), 'import { Value } from "micrograd-ts";\nexport const v0 = new Value(1);\n']]);
    for (let i = 1; i < 50; i++) files.set(at(`m${i}.ts`), `import { v${i - 1} } from "./m${i - 1}.js";\nexport const v${i} = v${i - 1} * 2;\n`);
    const project = projectFor(files);
    expect(project.diagnostics(at("m49.ts"))).toEqual([]);
    expect(project.rounds()).toBeLessThanOrEqual(3);
    const build = project.build();
    for (const name of files.keys()) expect({ name, text: project.rewrite(name)?.text }).toEqual({ name, text: build.get(name)?.result.text });
    expect(project.rewrite(at("m49.ts"))?.text).toContain("export const v49 = mul(v48, 2);");
    // a keystroke that changes only a number: the previous rewrite, shifted, without a round
    project.set(at("m20.ts"), files.get(at("m20.ts"))!.replace("* 2", "* 3"));
    expect(project.diagnostics(at("m49.ts"))).toEqual([]);
    expect(project.rewrite(at("m20.ts"))?.text).toContain("mul(v19, 3)");
    expect(project.rounds()).toBe(0);
    // one that changes a name: a round over the statement typed in, then one over the files
    project.set(at("m20.ts"), files.get(at("m20.ts"))!.replace("v20 = v19 * 2", "v20 = v19 * v19"));
    expect(project.diagnostics(at("m49.ts"))).toEqual([]);
    expect(project.rewrite(at("m20.ts"))?.text).toContain("mul(v19, v19)");
    expect(project.rounds()).toBe(2);
  }, 120_000);

  it("a keystroke in front of a declaration (`cconst a = …`) un-rewrites what computes with it in the first round: two rounds, the build's rewrite", () => {
    const file = at("front.ts");
    const text =
      'import { Value } from "micrograd-ts";\nconst a = new Value(1);\nconst b = a * 2 + 1;\nconst c = b * b - a / 3;\nexport const d = (c + b) ** 2 + -a;\nd.backward();\n';
    const project = projectFor(new Map([[file, text]]));
    expect(project.diagnostics(file)).toEqual([]);
    expect(project.rewrite(file)?.text).toContain("export const d = add(pow((add(c, b)), 2), neg(a));");
    // `a` is no longer declared (an error, typed any): b, c and d are numbers, in one round over
    // the statement typed in and those that compute with what it declared, then the whole round
    const typed = text.replace("const a =", "cconst a =");
    project.set(file, typed);
    project.diagnostics(file);
    expect(project.rewrite(file)?.text).toBe(project.build().get(file)?.result.text ?? typed);
    expect(project.rewrite(file)?.text).toContain("export const d = (c + b) ** 2 + -a;");
    expect(project.rounds()).toBe(2);
  }, 120_000);

  it("a digit typed where a literal type can reach an operand (a const index, `as const`) is checked, not shifted", () => {
    const file = at("digits.ts");
    const text = (i: string, k: string) =>
      'import { Value } from "micrograd-ts";\n' +
      "const pair: [Value, number] = [new Value(1), 2];\n" +
      `const i = ${i};\n` +
      `const ks = [${k}] as const;\n` +
      "export const y = pair[i] * 2;\n" +
      "export const z = pair[ks[0]] * 3;\n" +
      "let lr = 0.05;\n" +
      "export const w = pair[0] * lr;\n";
    const project = projectFor(new Map([[file, text("0", "0")]]));
    expect(project.diagnostics(file)).toEqual([]);
    expect(project.rewrite(file)?.text).toContain("export const y = mul(pair[i], 2);");
    // const i = 0 -> 1: pair[i] is now the number
    project.set(file, text("1", "0"));
    expect(project.diagnostics(file)).toEqual([]);
    expect(project.rewrite(file)?.text).toContain("export const y = pair[i] * 2;");
    expect(project.rewrite(file)?.text).toBe(project.build().get(file)?.result.text);
    // [0] as const -> [1] as const: pair[ks[0]] is now the number
    project.set(file, text("1", "1"));
    expect(project.diagnostics(file)).toEqual([]);
    expect(project.rewrite(file)?.text).toContain("export const z = pair[ks[0]] * 3;");
    expect(project.rewrite(file)?.text).toBe(project.build().get(file)?.result.text);
    // a learning rate in a let: no literal type reaches anything, the rewrite is shifted
    project.set(file, text("1", "1").replace("0.05", "0.07"));
    expect(project.rewrite(file)?.text).toContain("export const w = mul(pair[0], lr);");
    expect(project.rounds()).toBe(0);
    // a digit inserted (the text grows): parsed incrementally, the old tree's nodes moved and
    // shifted into the new one; still the shifted rewrite, still the build's
    project.set(file, text("1", "1").replace("0.05", "0.075"));
    expect(project.rewrite(file)?.text).toContain("export const w = mul(pair[0], lr);");
    expect(project.rewrite(file)?.text).toBe(project.build().get(file)?.result.text);
    expect(project.rounds()).toBe(0);
    // and an integer's digit inserted in a const that indexes the tuple: checked, not shifted
    project.set(file, text("1", "1").replace("0.05", "0.075").replace("const i = 1;", "const i = 10;"));
    expect(project.diagnostics(file).length).toBeGreaterThan(0); // pair[10]: out of the tuple's range
    expect(project.rewrite(file)?.text).toBe(project.build().get(file)?.result.text);
  }, 120_000);

  it("an import cycle: the file that computes with the other's Value is rewritten whatever the order of the import lines", () => {
    for (const imports of [
      ['import { p } from "./p.js";', 'import { Value } from "micrograd-ts";'],
      ['import { Value } from "micrograd-ts";', 'import { p } from "./p.js";'],
    ]) {
      const cycle = join(dir, `cycle-${imports[0]!.includes("Value") ? "runtime-first" : "p-first"}`);
      const p = join(cycle, "p.ts");
      const project = projectFor(
        new Map([
          [p, 'import { w } from "./q.js";\nexport const p = 1;\nexport const r = w * 2;\n'],
          [join(cycle, "q.ts"), `${imports.join("\n")}\nexport const w = new Value(3);\nexport function useP() { return p; }\n`],
        ]),
      );
      expect(project.diagnostics(p)).toEqual([]);
      expect(project.rewrite(p)?.text).toContain("export const r = mul(w, 2);");
    }
  });

  it("a type change two modules away re-checks the module that uses it (not only the direct importers)", () => {
    const a = at("two-away/a.ts");
    const c = at("two-away/c.ts");
    const project = projectFor(
      new Map([
        [a, 'import { Value } from "micrograd-ts";\nexport function f(): number { return 1; }\nexport const unused = new Value(0);\n'],
        [at("two-away/b.ts"), 'import { f } from "./a.js";\nexport const g = () => f();\n'],
        [c, 'import { g } from "./b.js";\nconst s = g() * 2;\ns.backward();\n'],
      ]),
    );
    expect(project.diagnostics(c)).toEqual([2339]); // 'backward' does not exist on type 'number', as tspc says
    project.set(a, 'import { Value } from "micrograd-ts";\nexport function f(): Value { return new Value(1); }\nexport const unused = new Value(0);\n');
    expect(project.diagnostics(a)).toEqual([]);
    expect(project.diagnostics(c)).toEqual([]);
    expect(project.rewrite(c)?.text).toContain("const s = mul(g(), 2);");
  });
});

describe("the build's dispatchAny option, read from the same tsconfig", () => {
  const source = 'import { Value } from "micrograd-ts";\ndeclare const x: any;\nexport const y = x * 2;\nexport const v = new Value(1) * 2;\n';
  it("by default arithmetic on any stays as written, as tspc emits it", () => {
    const editor = editorFor(source);
    editor.service.getSemanticDiagnostics(editor.fileName);
    const text = editor.rewrite()!.text;
    expect(text).toContain("export const y = x * 2;");
    expect(text).toContain("mul(new Value(1), 2)");
  });
  it('with { "transform": "micrograd-ts/transformer", "dispatchAny": true } the editor dispatches it, as tspc then does', () => {
    const editor = editorFor(source, { plugins: [{ transform: "micrograd-ts/transformer", transformProgram: true, dispatchAny: true }] as never });
    editor.service.getSemanticDiagnostics(editor.fileName);
    expect(editor.rewrite()!.text).toMatch(/export const y = opMul\(x, 2\);/);
    expect(editor.rewrite()!.text).toBe(editor.build(source, { dispatchAny: true })!.text);
  });
});

describe("the checker's form and the build's form of a rewrite", () => {
  it("the checker calls the helpers through a namespace; emitting gives the build's form, the helpers imported", () => {
    const source = 'import { Value } from "micrograd-ts";\nexport const a = new Value(2);\nexport const b = a * a + 1;\n';
    const editor = editorFor(source, { noEmit: false });
    expect(editor.service.getSemanticDiagnostics(editor.fileName)).toEqual([]);
    expect(editor.rewrite()!.checked).toContain("export const b = __mg.add(__mg.mul(a, a), 1);");
    expect(editor.rewrite()!.text).toBe(editor.build(source)!.text);
    const out = editor.service.getEmitOutput(editor.fileName).outputFiles.find((f) => f.name.endsWith(".js"))!.text;
    expect(out).toContain('import { add, mul } from "micrograd-ts";');
    expect(out).toContain("export const b = add(mul(a, a), 1);");
    expect(out).not.toContain("__mg");
    // and the checker's form answers again afterwards
    expect(editor.service.getSemanticDiagnostics(editor.fileName)).toEqual([]);
    expect(
      editor.service
        .getQuickInfoAtPosition(editor.fileName, source.indexOf("b ="))
        ?.displayParts?.map((p) => p.text)
        .join(""),
    ).toBe("const b: Value");
  }, 60_000);
});

describe("the helpers' module's errors are the build's import's", () => {
  it("a runtime that lacks a helper: the error of the build's import, where the build inserts it", () => {
    const dir = join(repo, "test", "fixtures", "editor", "__in_memory_stub__");
    const stub =
      "export declare const VALUE_BRAND: unique symbol;\n" +
      "export class Value {\n  declare readonly [VALUE_BRAND]: true;\n  constructor(public data: number) {}\n}\n" +
      "export function add(a: Value | number, b: Value | number): Value {\n  return new Value(Number(a) + Number(b));\n}\n";
    const user = 'import { Value } from "./stub.js";\nconst a = new Value(1);\nexport const b = a + 2;\nexport const c = a * 2;\n';
    const project = projectFor(
      new Map([
        [join(dir, "stub.ts"), stub],
        [join(dir, "index.ts"), 'export * from "./stub.js";\n'],
        [join(dir, "user.ts"), user],
      ]),
    );
    const file = join(dir, "user.ts");
    // the build imports { add, mul } from "./index.js": the stub has no mul
    expect(project.rewrite(file)?.text).toContain('import { add, mul } from "./index.js";');
    const list = project.service.getSemanticDiagnostics(file).map((d) => ({ code: d.code, start: d.start, message: ts.flattenDiagnosticMessageText(d.messageText, "\n") }));
    expect(list).toEqual([{ code: 2305, start: user.indexOf("\n"), message: "Module '\"./index.js\"' has no exported member 'mul'." }]);
  }, 60_000);
});
