// Real code nobody here wrote, through the typed path (issue 11, item 7): the TypeScript sources
// that zod ships (src/**/*.ts: 332 files, the library, its locales, its tests and benchmarks;
// pinned as a devDependency, MIT, so this runs offline after `npm ci`), each with an import of the
// runtime added, compile through tspc's transformer exactly as through plain tsc: the same
// JavaScript byte for byte, the same declarations, the same diagnostics. Every file reaches the
// runtime, so every one is looked at.
//
// The files are compiled as shipped, on their own: the tests' imports of the package itself
// ("zod/v4", …) do not resolve, so much of their code is typed any, as in a project whose types
// are partly missing. Arithmetic on any is not proven to involve a Value and must stay as tsc
// emits it; under the former default (dispatchAny) 9 of these files compiled differently.
//
// One program, checked once: tsc's output is taken from it first, then the transformer runs over
// it. A transformer that rewrites nothing hands the same program back; one that rewrites
// something builds and checks a new program, whose output then has to match.

import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";
import { afterAll, describe, expect, test } from "vitest";
import { rewriteProgram, rewriteSourceFile } from "../transformer/ts/index.ts";
import { ensureDist, ROOT, scratchDir, virtualHost } from "./transformer-ts.helpers.ts";

const PACKAGE = join(ROOT, "node_modules/zod");
const IMPORT = '\nimport { Value as __mgValue } from "micrograd-ts";\n';

const OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ["lib.esnext.d.ts", "lib.dom.d.ts"],
  strict: true,
  declaration: true,
  skipLibCheck: true,
  types: [],
};

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? sources(join(dir, d.name)) : d.name.endsWith(".ts") ? [join(dir, d.name)] : []));
}

interface Output {
  files: Map<string, string>;
  diagnostics: string[];
}

function output(program: ts.Program, root: string): Output {
  const files = new Map<string, string>();
  program.emit(undefined, (name, text) => files.set(relative(root, name), text));
  const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => {
    const at = d.file ? `${relative(root, d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}` : "";
    return `${at} TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`;
  });
  return { files, diagnostics };
}

const dir = scratchDir("mg-real-tspc-");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("zod's TypeScript sources with an import of the runtime in every file", () => {
  test("tspc's transformer emits exactly what tsc emits: JavaScript, declarations, diagnostics", () => {
    ensureDist();
    expect(JSON.parse(readFileSync(join(PACKAGE, "package.json"), "utf8")).version).toBe("4.6.7");
    const files = new Map(sources(join(PACKAGE, "src")).map((f) => [join(dir, "src", relative(join(PACKAGE, "src"), f)), readFileSync(f, "utf8") + IMPORT]));
    expect(files.size).toBe(332);
    const options = { ...OPTIONS, outDir: join(dir, "out"), rootDir: join(dir, "src") };
    const host = virtualHost(files, options);
    const program = ts.createProgram([...files.keys()], options, host);
    const tsc = output(program, dir);
    const js = [...tsc.files.keys()].filter((f) => f.endsWith(".js"));
    expect(js.length).toBe(files.size);
    expect([...tsc.files.keys()].filter((f) => f.endsWith(".d.ts")).length).toBe(files.size);

    // what the option dispatchAny (the former default) would rewrite: arithmetic on any, in tests
    const checker = program.getTypeChecker();
    const dispatched = [...files.keys()].filter((f) => rewriteSourceFile(ts, program.getSourceFile(f)!, checker, { dispatchAny: true }).changed);
    expect(dispatched.map((f) => relative(dir, f))).toContain("src/v4/classic/tests/number.test.ts");
    expect(dispatched.length).toBeGreaterThanOrEqual(5);

    const result = rewriteProgram(ts, program, host);
    // every file was a candidate, none had anything to rewrite
    expect(result.files.size).toBe(files.size);
    expect([...result.files].filter(([, f]) => f.result.changed).map(([name]) => relative(dir, name))).toEqual([]);
    expect(result.diagnostics).toEqual([]);
    const tspc = output(result.program, dir);

    expect(tspc.diagnostics).toEqual(tsc.diagnostics);
    expect([...tspc.files.keys()].sort()).toEqual([...tsc.files.keys()].sort());
    for (const name of tsc.files.keys()) expect(tspc.files.get(name), name).toBe(tsc.files.get(name));
  }, 600_000);
});
