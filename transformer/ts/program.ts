// The fixpoint driver: rewrites every file that can reach the runtime, rebuilds the program with
// the rewritten files, and repeats until no rewrite changes. Each round the checker sees the
// types the previous rewrite produced (`const e = a * b` is a Value once `a * b` is `mul(a, b)`),
// so inference through variables, function returns and other modules comes out right.
// Unchanged files are reused as they are (same SourceFile objects), so a round costs a re-check
// of what the candidates need, not a re-parse.

import type * as TS from "typescript";
import type { TypeScriptModule } from "./rewrite.js";
import { RUNTIME_MODULE } from "../operators.js";
import { toOriginal, toRewritten } from "./positions.js";
import type { TextEdit } from "./positions.js";
import { declaresValueBrand, isNamedDeclaration, rewriteSourceFile } from "./rewrite.js";
import { remapSourceMap } from "./sourcemap.js";
import type { MgDiagnostic, RewriteResult } from "./rewrite.js";

export interface RewriteProgramOptions {
  /** Stop after this many type checks even if the rewrite still changes (default 20). */
  maxRounds?: number;
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
  /** Every candidate file (those that can reach the runtime), by file name. */
  files: Map<string, RewrittenFile>;
  /** How many times the candidates were type-checked (1 = the given program only). */
  rounds: number;
  /** The diagnostics for unsupported operators, on the original files. */
  diagnostics: TS.Diagnostic[];
  /** Whether the rewrite stopped changing before maxRounds. */
  converged: boolean;
  /** Expressions whose rewritten counterpart could not be found (0 unless something is wrong). */
  unmapped: number;
}

/** The diagnostic source of micrograd-ts's own diagnostics. */
export const DIAGNOSTIC_SOURCE = "micrograd-ts";

/** TypeScript's errors for an operator on operands it does not accept: replaced by ours where we report one. */
const OPERATOR_ERRORS = new Set([2362, 2363, 2365, 2356, 2357, 2469, 2588]);

/** Files of the program whose imports lead (directly or not) to the runtime's engine file. */
export function filesReachingRuntime(ts: TypeScriptModule, program: TS.Program): TS.SourceFile[] {
  const files = program.getSourceFiles();
  if (!files.some((f) => declaresValueBrand(ts, f))) return [];
  const memo = new Map<TS.SourceFile, boolean>();
  const checker = { current: undefined as TS.TypeChecker | undefined };
  const reaches = (f: TS.SourceFile): boolean => {
    const known = memo.get(f);
    if (known !== undefined) return known;
    if (declaresValueBrand(ts, f)) {
      memo.set(f, true);
      return true;
    }
    memo.set(f, false); // while visiting: cycles do not reach by themselves
    for (const g of importedFiles(ts, program, f, checker)) {
      if (reaches(g)) {
        memo.set(f, true);
        return true;
      }
    }
    return false;
  };
  return files.filter((f) => !f.isDeclarationFile && !program.isSourceFileFromExternalLibrary(f) && !f.fileName.endsWith(".json") && reaches(f));
}

function importedFiles(ts: TypeScriptModule, program: TS.Program, sf: TS.SourceFile, checker: { current: TS.TypeChecker | undefined }): TS.SourceFile[] {
  const internal = sf as unknown as { imports?: readonly TS.StringLiteralLike[] };
  const specifiers: TS.StringLiteralLike[] = internal.imports
    ? [...internal.imports]
    : sf.statements.flatMap((s) =>
        (ts.isImportDeclaration(s) || ts.isExportDeclaration(s)) && s.moduleSpecifier && ts.isStringLiteral(s.moduleSpecifier) ? [s.moduleSpecifier] : [],
      );
  const out: TS.SourceFile[] = [];
  const getResolvedModule = (program as unknown as { getResolvedModule?: (f: TS.SourceFile, name: string, mode: TS.ResolutionMode) => { resolvedModule?: { resolvedFileName: string } } | undefined }).getResolvedModule;
  for (const spec of specifiers) {
    let target: TS.SourceFile | undefined;
    if (getResolvedModule) {
      const resolved = getResolvedModule.call(program, sf, spec.text, program.getModeForUsageLocation(sf, spec));
      const name = resolved?.resolvedModule?.resolvedFileName;
      if (name) target = program.getSourceFile(name);
    } else {
      checker.current ??= program.getTypeChecker();
      const decl = checker.current.getSymbolAtLocation(spec)?.declarations?.[0];
      target = decl?.getSourceFile();
    }
    if (target) out.push(target);
  }
  return out;
}

/**
 * Finds, in the rewritten file, the node that an original node became: the smallest node of the
 * same kind that covers the original text [innerStart, innerEnd) and no more than the edits at
 * its two edges add (outerStart, outerEnd).
 */
function findNode(ts: TypeScriptModule, sf: TS.SourceFile, inner: [number, number], outer: [number, number], kind: TS.SyntaxKind): TS.Node | undefined {
  let found: TS.Node | undefined;
  const visit = (node: TS.Node): void => {
    if (node.kind === kind) {
      const start = node.getStart(sf);
      if (start >= outer[0] && start <= inner[0] && node.end >= inner[1] && node.end <= outer[1]) found = node;
    }
    ts.forEachChild(node, (child) => {
      if (child.pos <= inner[0] && child.end >= inner[1]) visit(child);
    });
  };
  visit(sf);
  return found;
}

function relativeSpecifier(fromFile: string, toFile: string): string {
  const from = fromFile.split("/").slice(0, -1);
  const to = toFile.split("/");
  let i = 0;
  while (i < from.length && i < to.length - 1 && from[i] === to[i]) i++;
  const up = from.length - i;
  const rel = [...Array(up).fill(".."), ...to.slice(i)].join("/");
  return (up === 0 ? "./" : "") + rel.replace(/\.(c|m)?tsx?$/, (_m, c: string | undefined) => `.${c ?? ""}js`);
}

/**
 * Where a file imports the helpers from: "micrograd-ts", except inside the package that defines
 * the runtime from source (this repository's runtime), which imports the runtime's index by path.
 */
function importSpecifier(ts: TypeScriptModule, program: TS.Program, sf: TS.SourceFile, fileExists: (name: string) => boolean): string {
  const brand = program.getSourceFiles().find((f) => declaresValueBrand(ts, f));
  if (!brand || brand.isDeclarationFile) return RUNTIME_MODULE;
  if (sf.statements.some((s) => ts.isImportDeclaration(s) && ts.isStringLiteral(s.moduleSpecifier) && s.moduleSpecifier.text === RUNTIME_MODULE)) {
    return RUNTIME_MODULE;
  }
  const dir = brand.fileName.slice(0, brand.fileName.lastIndexOf("/") + 1);
  const index = [dir + "index.ts", dir + "index.mts"].find((f) => program.getSourceFile(f) !== undefined || fileExists(f));
  if (!index) return RUNTIME_MODULE;
  if (!sf.fileName.startsWith(dir)) return RUNTIME_MODULE;
  return relativeSpecifier(sf.fileName, index);
}

function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16);
}

type Versioned = TS.SourceFile & { version?: string };

/**
 * Rewrites the program's Value arithmetic until the rewrite stops changing, and returns the
 * program over the rewritten files, with diagnostics mapped back to the files as written.
 */
export function rewriteProgram(ts: TypeScriptModule, program: TS.Program, host?: TS.CompilerHost, options: RewriteProgramOptions = {}): RewriteProgramResult {
  const maxRounds = options.maxRounds ?? 20;
  const candidates = filesReachingRuntime(ts, program).filter((f) => program.getSyntacticDiagnostics(f).length === 0);
  const files = new Map<string, RewrittenFile>();
  if (candidates.length === 0) return { program, files, rounds: 0, diagnostics: [], converged: true, unmapped: 0 };

  const baseHost = host ?? ts.createCompilerHost(program.getCompilerOptions());
  const originals = new Map<string, TS.SourceFile>();
  for (const f of program.getSourceFiles()) originals.set(f.fileName, f);
  const fileExists = (name: string): boolean => baseHost.fileExists(name);
  const importFrom = new Map(candidates.map((f) => [f.fileName, importSpecifier(ts, program, f, fileExists)]));
  const parsed = new Map<string, { text: string; sf: TS.SourceFile }>();

  // Who imports whom among the candidates: after a round, only the files that changed and the
  // files that import them (directly or not) can rewrite differently.
  const importers = new Map<string, string[]>();
  const candidateNames = new Set(candidates.map((f) => f.fileName));
  const lookup = { current: undefined as TS.TypeChecker | undefined };
  for (const f of candidates) {
    for (const g of importedFiles(ts, program, f, lookup)) {
      if (!candidateNames.has(g.fileName) || g.fileName === f.fileName) continue;
      const list = importers.get(g.fileName) ?? [];
      list.push(f.fileName);
      importers.set(g.fileName, list);
    }
  }
  let affected = candidateNames;

  let current = program;
  let rounds = 0;
  let unmapped = 0;
  let converged = false;
  for (;;) {
    rounds++;
    const checker = current.getTypeChecker();
    let changed = false;
    const changedNow = new Set<string>();
    for (const orig of candidates) {
      if (!affected.has(orig.fileName)) continue;
      const cur = current.getSourceFile(orig.fileName) ?? orig;
      const before = files.get(orig.fileName)?.result;
      const edits = before?.edits ?? [];
      const there = (node: TS.Node): TS.Node | undefined => {
        const start = node.getStart(orig);
        const inner: [number, number] = [toRewritten(edits, start, "right"), toRewritten(edits, node.end, "left")];
        const outer: [number, number] = [toRewritten(edits, start, "left"), toRewritten(edits, node.end, "right")];
        const found = findNode(ts, cur, inner, outer, node.kind);
        if (found === undefined) {
          unmapped++;
          if (typeof process !== "undefined" && process.env?.MG_DEBUG_UNMAPPED) console.error("unmapped", orig.fileName, node.getStart(orig), node.getText(orig), ts.SyntaxKind[node.kind]);
        }
        return found;
      };
      const typeOf =
        cur === orig
          ? undefined
          : (node: TS.Expression): TS.Type | undefined => {
              const n = there(node);
              return n ? checker.getTypeAtLocation(n) : undefined;
            };
      const declarationOf =
        cur === orig
          ? undefined
          : (id: TS.Identifier): number | undefined => {
              const n = there(id);
              const d = n && checker.getSymbolAtLocation(n)?.valueDeclaration;
              if (!d || d.getSourceFile() !== cur || !isNamedDeclaration(ts, d)) return undefined;
              return toOriginal(edits, d.name.getStart(cur), "left");
            };
      const result = rewriteSourceFile(ts, orig, checker, { typeOf, declarationOf, typeChecker: checker, importFrom: importFrom.get(orig.fileName) });
      if (result.text !== (before?.text ?? orig.text)) {
        changed = true;
        changedNow.add(orig.fileName);
      }
      files.set(orig.fileName, { original: orig, result });
    }
    affected = new Set(changedNow);
    for (const name of affected) for (const importer of importers.get(name) ?? []) affected.add(importer);
    if (!changed) {
      converged = true;
      break;
    }
    if (rounds >= maxRounds) break;
    current = rebuild(ts, current, baseHost, files, originals, parsed);
  }
  if (!converged) {
    // the last rewrite was not checked again; build the program it describes
    current = rebuild(ts, current, baseHost, files, originals, parsed);
  }

  const diagnostics: TS.Diagnostic[] = [];
  for (const { original, result } of files.values()) {
    for (const d of result.diagnostics) diagnostics.push(toDiagnostic(ts, original, d));
  }
  decorate(ts, current, files, diagnostics);
  if (current !== program) mapEmittedSourceMaps(current, files, baseHost);
  return { program: current, files, rounds, diagnostics, converged, unmapped };
}

/** Our diagnostic as TypeScript's, remembering the expression it explains. */
type OurDiagnostic = TS.Diagnostic & { expression?: { start: number; end: number } };

function toDiagnostic(ts: TypeScriptModule, file: TS.SourceFile, d: MgDiagnostic): TS.Diagnostic {
  const out: OurDiagnostic = { file, start: d.start, length: d.length, code: d.code, category: ts.DiagnosticCategory.Error, messageText: d.message, source: DIAGNOSTIC_SOURCE };
  Object.defineProperty(out, "expression", { value: d.expression ?? { start: d.start, end: d.start + d.length }, enumerable: false });
  return out;
}

function rebuild(
  ts: TypeScriptModule,
  base: TS.Program,
  baseHost: TS.CompilerHost,
  files: Map<string, RewrittenFile>,
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
function decorate(ts: TypeScriptModule, program: TS.Program, files: Map<string, RewrittenFile>, ours: TS.Diagnostic[]): void {
  if (decorated.has(program)) return;
  decorated.add(program);
  const byFile = new Map<string, TS.Diagnostic[]>();
  for (const d of ours) {
    const list = byFile.get(d.file!.fileName) ?? [];
    list.push(d);
    byFile.set(d.file!.fileName, list);
  }
  const mapOne = <D extends TS.Diagnostic | TS.DiagnosticRelatedInformation>(d: D): D => {
    if (!d.file || d.start === undefined) return d;
    const f = files.get(d.file.fileName);
    if (f === undefined || d.file === f.original || !f.result.changed) return d;
    const edits: TextEdit[] = f.result.edits;
    const start = toOriginal(edits, d.start, "left");
    const end = toOriginal(edits, d.start + (d.length ?? 0), "right");
    const mapped = { ...d, file: f.original, start, length: Math.max(0, end - start) };
    if ("relatedInformation" in d && d.relatedInformation) (mapped as TS.Diagnostic).relatedInformation = d.relatedInformation.map(mapOne);
    return mapped;
  };
  const withOurs = (list: readonly TS.Diagnostic[], extra: readonly TS.Diagnostic[]): TS.Diagnostic[] => {
    const mapped = list.map(mapOne);
    if (extra.length === 0) return mapped;
    // TypeScript's own "operator cannot be applied" error at a place we explain is dropped
    const kept = mapped.filter(
      (d) =>
        !(
          OPERATOR_ERRORS.has(d.code) &&
          d.file &&
          extra.some((o) => o.file === d.file && d.start !== undefined && within(d, o as OurDiagnostic))
        ),
    );
    return [...kept, ...extra];
  };
  const p = program as TS.Program & Record<string, unknown>;
  type DiagFn = (sf?: TS.SourceFile, token?: TS.CancellationToken) => readonly TS.Diagnostic[];
  const wrap = (name: string, addOurs: boolean): void => {
    const original = p[name] as DiagFn | undefined;
    if (typeof original !== "function") return;
    p[name] = function (this: unknown, sf?: TS.SourceFile, token?: TS.CancellationToken) {
      const list = original.call(program, sf, token);
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

/** Whether TypeScript's diagnostic d lies inside the expression that ours (o) explains. */
function within(d: TS.Diagnostic, o: OurDiagnostic): boolean {
  const e = o.expression!;
  return d.start! >= e.start && d.start! + (d.length ?? 0) <= e.end;
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
function mapEmittedSourceMaps(program: TS.Program, files: Map<string, RewrittenFile>, baseHost: TS.CompilerHost): void {
  const previous = program.emit;
  const fix = (name: string, text: string, sources: readonly TS.SourceFile[] | undefined): string => {
    const rewritten = (sources ?? []).map((sf) => files.get(sf.fileName)).filter((f) => f !== undefined && f.result.changed);
    if (rewritten.length !== 1 || sources!.length !== 1) return text; // one file per output (not outFile bundles)
    const f = rewritten[0]!;
    const mapped = [{ index: 0, original: f.original.text, rewritten: f.result.text, edits: f.result.edits }];
    if (name.endsWith(".map")) return remapSourceMap(text, mapped);
    const inline = INLINE_MAP.exec(text);
    if (inline === null) return text;
    return text.replace(INLINE_MAP, (_m, head: string, b64: string) => head + toBase64(remapSourceMap(fromBase64(b64), mapped)));
  };
  program.emit = function (target, writeFile, token, onlyDts, transformers, ...rest: unknown[]) {
    const write: TS.WriteFileCallback = writeFile ?? ((name, text, bom, onError, sources, data) => baseHost.writeFile(name, text, bom, onError, sources, data));
    const wrapped: TS.WriteFileCallback = (name, text, bom, onError, sources, data) => write(name, fix(name, text, sources), bom, onError, sources, data);
    return (previous as (...args: unknown[]) => TS.EmitResult).call(program, target, wrapped, token, onlyDts, transformers, ...rest);
  };
}
