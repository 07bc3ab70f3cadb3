// The editor's checked text (the helpers called through a local ambient namespace over a helpers
// module next to the file, transformer/language-service/helpers.ts) must give the build's
// diagnostics under every compiler option that judges imports, namespaces, declarations or
// module formats: verbatimModuleSyntax, erasableSyntaxOnly, isolatedDeclarations, noUnused*,
// CommonJS, nodenext in .ts, .mts and .cts files, and more. One file with exports, a class, an
// unused import and parameter, compound assignment and a default export, per option set. Under
// composite with a rootDir, the runtime (through "paths", as in a monorepo) lies outside it: the
// messages say why it is in the program, "imported via … from file …", and must name the user's
// file where the build's import of the helpers is, never the editor's helpers module.

import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { createMicrogradService, rewriteOf } from "../transformer/language-service/service.ts";
import { rewriteProgram } from "../transformer/ts/program.ts";

const typescript = ts as unknown as Parameters<typeof createMicrogradService>[0];
const repo = join(import.meta.dirname, "..");
const BASE: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.Preserve,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ["lib.es2023.d.ts"],
  types: [],
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  paths: { "micrograd-ts": [join(repo, "runtime", "index.ts")] },
};

const TEXT = `import { Value, MLP } from "micrograd-ts";
import { relu } from "micrograd-ts";
export const a = new Value(2);
export const b = a * 3 + 1;
export function f(x: Value, unused: number) { return x * x - b; }
export class C { w = new Value(1); get y() { return this.w * 2; } }
const n = new MLP(2, [3, 1]);
let z = n.parameters()[0]! * 2;
z += a;
export default z ** 2;
`;

const nodenext = { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext };
const CASES: [name: string, options: ts.CompilerOptions, ext: string, expected: number[]][] = [
  ["verbatimModuleSyntax, isolatedModules", { verbatimModuleSyntax: true, isolatedModules: true }, ".ts", []],
  ["erasableSyntaxOnly", { erasableSyntaxOnly: true }, ".ts", []],
  ["declaration", { declaration: true, noEmit: false, outDir: join(repo, "out-never-written") }, ".ts", []],
  ["isolatedDeclarations", { declaration: true, isolatedDeclarations: true, noEmit: false, outDir: join(repo, "out-never-written") }, ".ts", [9007, 9009, 9010, 9010, 9012, 9037]],
  ["noUnusedLocals, noUnusedParameters", { noUnusedLocals: true, noUnusedParameters: true }, ".ts", [6133, 6133]],
  ["CommonJS, node10 resolution", { module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10 }, ".ts", []],
  ["nodenext, .ts", nodenext, ".ts", []],
  ["nodenext, .mts", nodenext, ".mts", []],
  ["nodenext, .cts", nodenext, ".cts", []],
  ["jsx, .tsx", { jsx: ts.JsxEmit.Preserve }, ".tsx", []],
  ["not strict", { strict: false, noImplicitAny: false }, ".ts", []],
  [
    "exactOptionalPropertyTypes, noUncheckedIndexedAccess",
    { exactOptionalPropertyTypes: true, noUncheckedIndexedAccess: true, noPropertyAccessFromIndexSignature: true },
    ".ts",
    [],
  ],
  ["composite, rootDir", { composite: true, declaration: true, noEmit: false, rootDir: join(repo, "test"), outDir: join(repo, "out-never-written") }, ".ts", [6059, 6307]],
  ["moduleDetection force", { moduleDetection: ts.ModuleDetectionKind.Force }, ".ts", []],
  ["ES2015", { target: ts.ScriptTarget.ES2015, lib: ["lib.es2015.d.ts"] }, ".ts", []],
];

const show = (d: ts.Diagnostic) => `${d.start}:${d.length} TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`;

let files = 0;
describe("the editor's diagnostics are the build's under every option set", () => {
  it.each(CASES)("%s", (_, extra, ext, expected) => {
    const options = { ...BASE, ...extra };
    const fileName = join(repo, "test", "fixtures", "editor", `__configs_${++files}__${ext}`);
    const host: ts.LanguageServiceHost = {
      getCompilationSettings: () => options,
      getScriptFileNames: () => [fileName],
      getScriptVersion: () => "1",
      getScriptSnapshot: (f) => {
        const t = f === fileName ? TEXT : ts.sys.readFile(f);
        return t === undefined ? undefined : ts.ScriptSnapshot.fromString(t);
      },
      getCurrentDirectory: () => repo,
      getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
      fileExists: (f) => f === fileName || ts.sys.fileExists(f),
      readFile: (f) => (f === fileName ? TEXT : ts.sys.readFile(f)),
      directoryExists: ts.sys.directoryExists,
      getDirectories: ts.sys.getDirectories,
      useCaseSensitiveFileNames: () => true,
    };
    const service = createMicrogradService(typescript, { base: ts.createLanguageService(host), host });
    const editor = [...service.getSyntacticDiagnostics(fileName), ...service.getSemanticDiagnostics(fileName)];
    // the editor's form is the one under test
    expect(rewriteOf(service, fileName)?.checked).toMatch(/declare namespace __mg \{/);

    const compilerHost = ts.createCompilerHost(options);
    const read = compilerHost.getSourceFile;
    compilerHost.getSourceFile = (f, v, ...rest) => (f === fileName ? ts.createSourceFile(f, TEXT, v, true) : read.call(compilerHost, f, v, ...rest));
    const exists = compilerHost.fileExists;
    compilerHost.fileExists = (f) => f === fileName || exists.call(compilerHost, f);
    const result = rewriteProgram(ts as unknown as Parameters<typeof rewriteProgram>[0], ts.createProgram({ rootNames: [fileName], options, host: compilerHost }), compilerHost);
    const sf = result.program.getSourceFile(fileName)!;
    const build = [
      ...result.program.getSyntacticDiagnostics(sf),
      ...result.program.getSemanticDiagnostics(sf),
      ...(options.declaration ? result.program.getDeclarationDiagnostics(sf) : []),
    ];

    expect(editor.map(show).sort()).toEqual(build.map(show).sort());
    expect(editor.map((d) => d.code).sort()).toEqual(expected);
  });
});
