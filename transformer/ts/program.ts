// The build's adapter of the rewrite (transformer/core/): the files that reach the runtime are
// rewritten until the rewrite settles (core/fixpoint.ts), each round checking a program rebuilt
// over the rewritten files. Unchanged files are reused as they are (same SourceFile objects), so a
// round costs a re-check of what the candidates need, not a re-parse. The program handed back
// reports diagnostics on the files as written and writes source maps that point into them.

import type * as TS from "typescript";
import { DIAGNOSTIC_SOURCE, type OurDiagnostic, toDiagnostic, toOriginalDiagnostic, withOurs } from "../core/diagnostics.js";
import { asWritten, type FileRewrite, fnv1a, settle } from "../core/fixpoint.js";
import { filesReachingRuntime, importGraph } from "../core/graph.js";
import { importSpecifier } from "../core/import-path.js";
import type { RewriteResult, TypeScriptModule } from "../core/rewrite.js";
import { remapSourceMap } from "./sourcemap.js";

export { DIAGNOSTIC_SOURCE, filesReachingRuntime };

export interface RewriteProgramOptions {
  /**
   * Stop after this many type checks even if the rewrite still changes; the files still changing
   * then get an error (TS9100). By default the rounds go on until nothing changes.
   */
  maxRounds?: number;
  /**
   * Rewrite arithmetic on operands typed `any` into the dispatching helpers (`opMul(x, 2)`), so a
   * Value hidden in `any` computes. By default (false) such arithmetic is emitted as tsc emits it,
   * with tsc's types and diagnostics.
   */
  dispatchAny?: boolean;
}

export interface RewrittenFile {
  /** The file as written. */
  original: TS.SourceFile;
  /** The rewrite of the last round (its edits are in the original's coordinates). */
  result: RewriteResult;
}

export interface RewriteProgramResult {
  /** The program over the rewritten files (the given program when nothing was rewritten). */
  program: TS.Program;
  /** Every candidate file (those that can reach the runtime and parse), by file name. */
  files: Map<string, RewrittenFile>;
  /** How many times the candidates were type-checked (1 = the given program only). */
  rounds: number;
  /** Our diagnostics (unsupported operators, a rewrite that did not settle), on the original files. */
  diagnostics: TS.Diagnostic[];
  /** Whether the rewrite stopped changing (otherwise `diagnostics` names the files that did not settle). */
  converged: boolean;
  /** Expressions whose rewritten counterpart could not be found (0 unless something is wrong). */
  unmapped: number;
}

type Versioned = TS.SourceFile & { version?: string };

/**
 * Rewrites the program's Value arithmetic until the rewrite stops changing, and returns the
 * program over the rewritten files, with diagnostics mapped back to the files as written.
 */
export function rewriteProgram(ts: TypeScriptModule, program: TS.Program, host?: TS.CompilerHost, options: RewriteProgramOptions = {}): RewriteProgramResult {
  // The build stops at syntax errors: a file that does not parse is left as written.
  const candidates = filesReachingRuntime(ts, program).filter((f) => program.getSyntacticDiagnostics(f).length === 0);
  if (candidates.length === 0) return { program, files: new Map(), rounds: 0, diagnostics: [], converged: true, unmapped: 0 };

  const baseHost = host ?? ts.createCompilerHost(program.getCompilerOptions());
  const fileExists = (name: string): boolean => baseHost.fileExists(name);
  const states = new Map<string, FileRewrite>(candidates.map((f) => [f.fileName, asWritten(f, importSpecifier(ts, program, f, fileExists))]));
  const graph = importGraph(ts, program, candidates);

  const originals = new Map<string, TS.SourceFile>();
  for (const f of program.getSourceFiles()) originals.set(f.fileName, f);
  const parsed = new Map<string, { text: string; sf: TS.SourceFile }>();
  let current = program;
  let checked = true; // whether `current` holds the rewrites in `states`
  const outcome = settle(
    {
      ts,
      maxRounds: options.maxRounds,
      dispatchAny: options.dispatchAny,
      program: () => {
        if (!checked) current = rebuild(ts, current, baseHost, states, originals, parsed);
        checked = false; // the round about to run changes `states`
        return current;
      },
    },
    graph,
    states,
    graph.order,
  );
  // The last round changed nothing, unless the rounds stopped: then build the program its rewrite describes.
  if (!outcome.converged) current = rebuild(ts, current, baseHost, states, originals, parsed);

  const files = new Map<string, RewrittenFile>();
  const diagnostics: OurDiagnostic[] = [];
  for (const [name, { original, result }] of states) {
    files.set(name, { original, result });
    for (const d of result.diagnostics) diagnostics.push(toDiagnostic(ts, original, d));
  }
  decorate(current, states, diagnostics);
  if (current !== program) mapEmittedSourceMaps(current, states, baseHost);
  return { program: current, files, rounds: outcome.rounds, diagnostics, converged: outcome.converged, unmapped: outcome.unmapped };
}

function rebuild(
  ts: TypeScriptModule,
  base: TS.Program,
  baseHost: TS.CompilerHost,
  files: ReadonlyMap<string, FileRewrite>,
  originals: Map<string, TS.SourceFile>,
  parsed: Map<string, { text: string; sf: TS.SourceFile }>,
): TS.Program {
  const pick = (fileName: string, languageVersion: TS.ScriptTarget | TS.CreateSourceFileOptions): TS.SourceFile | undefined => {
    const f = files.get(fileName);
    if (f === undefined || !f.result.changed) return originals.get(fileName);
    const text = f.result.text;
    let entry = parsed.get(fileName);
    if (entry === undefined || entry.text !== text) {
      const sf = ts.createSourceFile(fileName, text, languageVersion, true) as Versioned;
      // Builders (watch, incremental, -b) compare versions to find changed files: the version
      // follows the original's and the rewrite's text.
      const hash = baseHost.createHash ? baseHost.createHash(text) : fnv1a(text);
      sf.version = `${(f.original as Versioned).version ?? ""}+mg${hash}`;
      entry = { text, sf };
      parsed.set(fileName, entry);
    }
    return entry.sf;
  };
  // Both lookups must answer: the program asks getSourceFileByPath when the host has it
  // (watch and builder hosts do), getSourceFile otherwise.
  const host: TS.CompilerHost = Object.create(baseHost);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) =>
    pick(fileName, languageVersion) ?? baseHost.getSourceFile(fileName, languageVersion, onError, shouldCreate);
  if (baseHost.getSourceFileByPath) {
    host.getSourceFileByPath = (fileName, path, languageVersion, onError, shouldCreate) =>
      pick(fileName, languageVersion) ?? baseHost.getSourceFileByPath!(fileName, path, languageVersion, onError, shouldCreate);
  }
  return ts.createProgram({
    rootNames: base.getRootFileNames(),
    options: base.getCompilerOptions(),
    host,
    oldProgram: base,
    projectReferences: base.getProjectReferences(),
    configFileParsingDiagnostics: base.getConfigFileParsingDiagnostics(),
  });
}

const decorated = new WeakSet<TS.Program>();

/**
 * Makes the program report diagnostics on the files as written: TypeScript's diagnostics in
 * rewritten files are mapped back to the original text, and ours are added to the semantic ones
 * (so tsc prints them with file, line and column and exits with an error).
 */
function decorate(program: TS.Program, files: ReadonlyMap<string, FileRewrite>, ours: readonly OurDiagnostic[]): void {
  if (decorated.has(program)) return;
  decorated.add(program);
  const byFile = new Map<string, OurDiagnostic[]>();
  for (const d of ours) {
    const list = byFile.get(d.file!.fileName) ?? [];
    list.push(d);
    byFile.set(d.file!.fileName, list);
  }
  const rewrittenOf = (fileName: string) => {
    const f = files.get(fileName);
    return f?.result.changed ? f : undefined;
  };
  const p = program as TS.Program & Record<string, unknown>;
  type DiagFn = (sf?: TS.SourceFile, token?: TS.CancellationToken) => readonly TS.Diagnostic[];
  const wrap = (name: string, addOurs: boolean): void => {
    const original = p[name] as DiagFn | undefined;
    if (typeof original !== "function") return;
    p[name] = function (this: unknown, sf?: TS.SourceFile, token?: TS.CancellationToken) {
      const list = original.call(program, sf, token).map((d) => toOriginalDiagnostic(d, rewrittenOf));
      const extra = addOurs ? (sf ? (byFile.get(sf.fileName) ?? []) : ours) : [];
      return withOurs(list, extra);
    };
  };
  wrap("getSemanticDiagnostics", true);
  wrap("getBindAndCheckDiagnostics", true);
  wrap("getSyntacticDiagnostics", false);
  wrap("getDeclarationDiagnostics", false);
  wrap("getSuggestionDiagnostics", false);
}

const INLINE_MAP = /(\/\/# sourceMappingURL=data:application\/json;base64,)([A-Za-z0-9+/=]+)/;

function fromBase64(b64: string): string {
  const B = (globalThis as { Buffer?: { from(s: string, enc: string): { toString(enc: string): string } } }).Buffer;
  return B ? B.from(b64, "base64").toString("utf8") : decodeURIComponent(escape(atob(b64)));
}
function toBase64(text: string): string {
  const B = (globalThis as { Buffer?: { from(s: string, enc: string): { toString(enc: string): string } } }).Buffer;
  return B ? B.from(text, "utf8").toString("base64") : btoa(unescape(encodeURIComponent(text)));
}

/** Makes the source maps the program writes for rewritten files point into the files as written. */
function mapEmittedSourceMaps(program: TS.Program, files: ReadonlyMap<string, FileRewrite>, baseHost: TS.CompilerHost): void {
  const previous = program.emit;
  const fix = (name: string, text: string, sources: readonly TS.SourceFile[] | undefined): string => {
    const rewritten = (sources ?? []).map((sf) => files.get(sf.fileName)).filter((f) => f?.result.changed);
    if (rewritten.length !== 1 || sources!.length !== 1) return text; // one file per output (not outFile bundles)
    const f = rewritten[0]!;
    const mapped = [{ index: 0, original: f.original.text, rewritten: f.result.text, edits: f.result.edits }];
    if (name.endsWith(".map")) return remapSourceMap(text, mapped);
    const inline = INLINE_MAP.exec(text);
    if (inline === null) return text;
    return text.replace(INLINE_MAP, (_m, head: string, b64: string) => head + toBase64(remapSourceMap(fromBase64(b64), mapped)));
  };
  program.emit = (target, writeFile, token, onlyDts, transformers, ...rest: unknown[]) => {
    const write: TS.WriteFileCallback = writeFile ?? ((name, text, bom, onError, sources, data) => baseHost.writeFile(name, text, bom, onError, sources, data));
    const wrapped: TS.WriteFileCallback = (name, text, bom, onError, sources, data) => write(name, fix(name, text, sources), bom, onError, sources, data);
    return (previous as (...args: unknown[]) => TS.EmitResult).call(program, target, wrapped, token, onlyDts, transformers, ...rest);
  };
}
