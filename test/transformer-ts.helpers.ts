// Compiling with the TypeScript transformer in-process (the same rewriteProgram that ts-patch
// calls), and running the emitted JavaScript in a plain Node process, where nothing else
// (no Vite plugin, no alias) can rewrite it: "micrograd-ts" resolves to this package's dist/.

import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { type RewriteProgramOptions, rewriteProgram } from "../transformer/ts/index.ts";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

export const COMPILER_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  strict: true,
  skipLibCheck: true,
  types: ["node"],
  lib: ["lib.es2023.d.ts"],
  noEmitOnError: false,
};

/** Builds dist/ (the runtime the emitted code imports, and the transformer tspc loads) if it is missing. */
export function ensureDist(): void {
  if (!existsSync(join(ROOT, "dist/runtime/index.js")) || !existsSync(join(ROOT, "dist/cjs/transformer/ts/index.js"))) {
    execFileSync("npm", ["run", "build"], { cwd: ROOT, stdio: "inherit" });
  }
}

export interface Compiled {
  program: ts.Program;
  rounds: number;
  /** Expressions the fixpoint could not find again in a rewritten file (must be 0). */
  unmapped: number;
  /** Emitted JavaScript by source file name. */
  js: Map<string, string>;
  /** Emitted declarations by source file name (when options.declaration). */
  dts: Map<string, string>;
  diagnostics: readonly ts.Diagnostic[];
}

/**
 * The declaration files of TypeScript's lib folder and of node_modules, parsed once per test
 * process for all its programs (as a language service's document registry shares them): they do
 * not change while the tests run. Keyed by what parsing depends on.
 */
const declarations = new Map<string, ts.SourceFile | undefined>();
const LIBRARY_DECLARATION = /\/node_modules\/.*\.d\.[cm]?ts$/;

function cachedGetSourceFile(host: ts.CompilerHost, options: ts.CompilerOptions): ts.CompilerHost["getSourceFile"] {
  const read = host.getSourceFile.bind(host);
  return (name, lang, onError, create) => {
    if (!LIBRARY_DECLARATION.test(name)) return read(name, lang, onError, create);
    const o = typeof lang === "object" ? lang : { languageVersion: lang };
    const key = `${name}|${o.languageVersion}|${o.impliedNodeFormat}|${o.jsDocParsingMode}|${options.moduleDetection}|${options.target}`;
    if (!declarations.has(key)) declarations.set(key, read(name, lang, onError, create));
    return declarations.get(key);
  };
}

/** A compiler host that serves `virtual` (text by absolute file name) before the disk. */
export function virtualHost(virtual: Map<string, string>, options: ts.CompilerOptions = COMPILER_OPTIONS): ts.CompilerHost {
  const host = ts.createCompilerHost(options);
  const getSourceFile = cachedGetSourceFile(host, options);
  host.getSourceFile = getSourceFile;
  if (virtual.size === 0) return host;
  host.getSourceFile = (name, lang, onError, create) => {
    const text = virtual.get(name);
    return text !== undefined ? ts.createSourceFile(name, text, lang, true) : getSourceFile(name, lang, onError, create);
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => virtual.has(name) || fileExists(name);
  // every folder above a virtual file, once (module resolution asks for each folder it probes)
  const folders = new Set<string>();
  for (const name of virtual.keys()) for (let d = dirname(name); !folders.has(d) && d !== dirname(d); d = dirname(d)) folders.add(d);
  const directoryExists = host.directoryExists?.bind(host);
  host.directoryExists = (d) => folders.has(d) || (directoryExists ? directoryExists(d) : true);
  const readFile = host.readFile.bind(host);
  host.readFile = (name) => virtual.get(name) ?? readFile(name);
  return host;
}

/**
 * Compiles files (on disk, or given as text by absolute file name) into memory, with the
 * transformer (and its options `rewrite`) or without it (plain tsc).
 */
export function compile(files: string[] | Map<string, string>, transform: boolean, extra: ts.CompilerOptions = {}, rewrite: RewriteProgramOptions = {}): Compiled {
  const options = { ...COMPILER_OPTIONS, ...extra };
  const host = virtualHost(files instanceof Map ? files : new Map<string, string>(), options);
  const roots = files instanceof Map ? [...files.keys()] : files;
  let program = ts.createProgram(roots, options, host);
  let rounds = 0;
  let unmapped = 0;
  if (transform) {
    const result = rewriteProgram(ts, program, host, rewrite);
    program = result.program;
    rounds = result.rounds;
    unmapped = result.unmapped;
  }
  const js = new Map<string, string>();
  const dts = new Map<string, string>();
  for (const name of roots) {
    const sf = program.getSourceFile(name);
    if (!sf) throw new Error(`not in the program: ${name}`);
    program.emit(sf, (out, text) => {
      if (out.endsWith(".d.ts")) dts.set(name, text);
      else if (/\.[cm]?js$/.test(out)) js.set(name, text);
    });
  }
  return { program, rounds, unmapped, js, dts, diagnostics: ts.getPreEmitDiagnostics(program) };
}

export interface PlainDiagnostic {
  code: number;
  line: number;
  column: number;
  message: string;
}

/** Diagnostics as the fixtures spell them: 1-based line and column. */
export function plain(diagnostics: readonly ts.Diagnostic[], fileName?: string): PlainDiagnostic[] {
  return diagnostics
    .filter((d) => fileName === undefined || d.file?.fileName === fileName)
    .map((d) => {
      const { line, character } = d.file ? d.file.getLineAndCharacterOfPosition(d.start ?? 0) : { line: -1, character: -1 };
      return { code: d.code, line: line + 1, column: character + 1, message: ts.flattenDiagnosticMessageText(d.messageText, "\n") };
    })
    .sort((a, b) => a.line - b.line || a.column - b.column || a.code - b.code);
}

/** A scratch directory where "micrograd-ts" resolves to this package (as for an installed dependency). */
export function scratchDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(ROOT, join(dir, "node_modules", "micrograd-ts"), "dir");
  writeFileSync(join(dir, "package.json"), '{ "type": "module" }\n');
  return dir;
}

export interface RunResult {
  ok: boolean;
  stdout: string;
  error?: string;
}

/**
 * Runs ES modules (name -> code) in one Node process, one after the other, and returns what
 * each printed and whether it threw.
 */
export function runModules(dir: string, modules: Map<string, string>): Map<string, RunResult> {
  const names = [...modules.keys()];
  for (const [name, code] of modules) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), code);
  }
  const runner = `
const names = ${JSON.stringify(names)};
const results = {};
const write = process.stdout.write.bind(process.stdout);
for (const name of names) {
  let out = "";
  process.stdout.write = (chunk) => { out += chunk; return true; };
  try {
    await import("./" + name);
    results[name] = { ok: true, stdout: out };
  } catch (e) {
    results[name] = { ok: false, stdout: out, error: String(e && e.stack || e) };
  } finally {
    process.stdout.write = write;
  }
}
write(JSON.stringify(results));
`;
  writeFileSync(join(dir, "__run.mjs"), runner);
  const res = spawnSync(process.execPath, ["__run.mjs"], { cwd: dir, encoding: "utf8", maxBuffer: 1 << 28 });
  if (res.status !== 0) throw new Error(`runner failed: ${res.stderr}`);
  return new Map(Object.entries(JSON.parse(res.stdout) as Record<string, RunResult>));
}
