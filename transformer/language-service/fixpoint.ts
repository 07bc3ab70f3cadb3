// The rewrite fixpoint, incrementally, for an editor.
//
// The build (transformer/ts/program.ts) starts from the files as written and re-checks the
// rewritten program until the rewrite stops changing: two or three full checks. At every
// keystroke that is too slow, and the result hardly changes. So here each round starts from a
// guess, the last rewrite carried over to the new text (minus the edits of the statement that
// was typed in), and the guess is checked by the very program the editor's features then use:
// when the rewrite of the files under those types is the guess, nothing more is checked. Most
// keystrokes take one round, and its type checking is shared with the diagnostics that follow.
// The rule of what is rewritten stays the build's (rewriteSourceFile); only the driver differs.

import type * as TS from "typescript";
import { RUNTIME_MODULE, RUNTIME_NAMES } from "../operators.js";
import { applyEdits, type TextEdit } from "../ts/positions.js";
import { filesReachingRuntime } from "../ts/program.js";
import { rewriteSourceFile, type RewriteResult } from "../ts/rewrite.js";
import { PositionMap } from "./mapping.js";

export interface FileState {
  /** The file as written, that `rewrite` was computed for. */
  original: TS.SourceFile;
  rewrite: RewriteResult;
  map: PositionMap;
  /** Where the file imports the helpers from (the build's choice, kept between rounds). */
  importFrom: string;
  /** The version the rewritten service sees (when the file is rewritten). */
  version?: string;
  snapshot?: TS.IScriptSnapshot;
  /** Names that only generated text declares (the added import, temporaries). */
  generatedNames?: Set<string>;
}

export interface FixpointHost {
  ts: typeof TS;
  /** The rewritten service's program, brought up to date with `files`. */
  rewrittenProgram(): TS.Program | undefined;
  log(message: string): void;
  /** Rounds before giving up on a file set that keeps changing (the build's default is 20). */
  maxRounds?: number;
}

export interface FixpointStats {
  rounds: number;
  rewritten: number;
  ms: number;
}

let versions = 0;

/**
 * Brings `files` up to date with `program` (the files as written): afterwards every candidate
 * file's rewritten text is the rewrite of its original under the types of the rewritten program.
 */
export function updateRewrites(host: FixpointHost, program: TS.Program, files: Map<string, FileState>): FixpointStats {
  const { ts } = host;
  const started = performance.now();
  const candidates = filesReachingRuntime(ts, program);
  const names = new Set(candidates.map((f) => f.fileName));
  for (const fileName of [...files.keys()]) if (!names.has(fileName)) files.delete(fileName);

  const imports = importGraph(ts, program, candidates);
  let visit = new Set<string>();
  for (const sf of candidates) {
    const previous = files.get(sf.fileName);
    if (previous?.original === sf) continue;
    const edits = previous ? carryEdits(ts, previous.original.text, previous.rewrite.edits, sf) : [];
    const importFrom = previous?.importFrom ?? importSpecifier(ts, program, sf);
    setRewrite(ts, files, sf, guess(sf, edits), importFrom);
    visit.add(sf.fileName);
  }
  visit = withImporters(visit, imports);

  const maxRounds = host.maxRounds ?? 20;
  let rounds = 0;
  while (visit.size > 0 && rounds < maxRounds) {
    rounds++;
    const rewritten = host.rewrittenProgram();
    if (!rewritten) break;
    const checker = rewritten.getTypeChecker();
    const changed = new Set<string>();
    for (const fileName of visit) {
      const state = files.get(fileName);
      const target = rewritten.getSourceFile(fileName);
      if (!state || !target) continue;
      let result: RewriteResult;
      try {
        result = rewriteSourceFile(ts, state.original, checker, {
          typeOf: typeIn(ts, state, target, checker),
          typeChecker: checker,
          importFrom: state.importFrom,
        });
      } catch (error) {
        // Half-typed code can defeat the rewrite (overlapping edits): leave the file as written.
        host.log(`micrograd-ts: ${fileName} left as written: ${(error as Error).message}`);
        result = guess(state.original, []);
      }
      if (result.text !== state.rewrite.text) changed.add(fileName);
      setRewrite(ts, files, state.original, result, state.importFrom);
    }
    visit = withImporters(changed, imports);
  }
  if (visit.size > 0) host.log(`micrograd-ts: the rewrite still changed after ${rounds} rounds`);
  const stats = { rounds, rewritten: [...files.values()].filter((f) => f.rewrite.changed).length, ms: performance.now() - started };
  host.log(`micrograd-ts: ${stats.rewritten} file(s) rewritten, ${rounds} round(s), ${stats.ms.toFixed(0)} ms`);
  return stats;
}

/** A rewrite result that consists of the given edits (a guess, to be checked). */
function guess(sf: TS.SourceFile, edits: TextEdit[]): RewriteResult {
  return { text: applyEdits(sf.text, edits), edits, diagnostics: [], changed: edits.length > 0, needsImport: [] };
}

function setRewrite(ts: typeof TS, files: Map<string, FileState>, original: TS.SourceFile, rewrite: RewriteResult, importFrom: string): void {
  const previous = files.get(original.fileName);
  const state: FileState = { original, rewrite, importFrom, map: new PositionMap(rewrite.changed ? rewrite.edits : [], original.text) };
  if (rewrite.changed) {
    if (previous?.snapshot && previous.rewrite.text === rewrite.text) {
      state.version = previous.version;
      state.snapshot = previous.snapshot;
    } else {
      state.version = `micrograd-ts.${++versions}`;
      state.snapshot = ts.ScriptSnapshot.fromString(rewrite.text);
    }
  }
  files.set(original.fileName, state);
}

/**
 * The previous rewrite's edits carried over to the new text: shifted past the change, and those
 * that overlap it dropped, together with the rest of the innermost statement around the change
 * (every edit of an expression lies in its statement, so the guess stays balanced). Only a
 * guess: the rounds that follow check it, so a wrong guess costs a round, not a wrong result.
 */
export function carryEdits(ts: typeof TS, oldText: string, edits: readonly TextEdit[], sf: TS.SourceFile): TextEdit[] {
  const newText = sf.text;
  let prefix = 0;
  const max = Math.min(oldText.length, newText.length);
  while (prefix < max && oldText.charCodeAt(prefix) === newText.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (suffix < max - prefix && oldText.charCodeAt(oldText.length - 1 - suffix) === newText.charCodeAt(newText.length - 1 - suffix)) suffix++;
  const oldEnd = oldText.length - suffix;
  const newEnd = newText.length - suffix;
  const delta = newEnd - oldEnd;

  const kept: TextEdit[] = [];
  let overlapped = false;
  for (const e of edits) {
    if (e.end < prefix || (e.end === prefix && (e.start < e.end || prefix === oldEnd))) kept.push(e);
    else if (e.start > oldEnd || (e.start === oldEnd && prefix < oldEnd)) kept.push({ start: e.start + delta, end: e.end + delta, text: e.text });
    else if (e.start === e.end && prefix === oldEnd && e.start === prefix) kept.push(e);
    else overlapped = true;
  }
  if (!overlapped) return kept;

  // The innermost statement (or class member) of the new text around the changed range.
  let dirty: TS.Node = sf;
  const descend = (node: TS.Node): void => {
    ts.forEachChild(node, (child) => {
      if (child.getStart(sf) <= prefix && newEnd <= child.end) {
        if (ts.isStatement(child) || ts.isClassElement(child)) dirty = child;
        descend(child);
      }
    });
  };
  descend(sf);
  if (dirty === sf) return [];
  const from = dirty.getStart(sf);
  const to = dirty.end;
  return kept.filter((e) => e.end <= from || e.start >= to);
}

/** Answers rewriteSourceFile's type questions about the original file from the rewritten one. */
function typeIn(ts: typeof TS, state: FileState, target: TS.SourceFile, checker: TS.TypeChecker): (node: TS.Expression) => TS.Type | undefined {
  let index: Map<string, TS.Node> | undefined;
  const { map, original } = state;
  return (node) => {
    if (!index) {
      index = new Map();
      const add = (n: TS.Node): void => {
        index!.set(`${n.getStart(target)}:${n.end}:${n.kind}`, n);
        ts.forEachChild(n, add);
      };
      add(target);
    }
    // The same node in the rewritten text, without the generated text around it (as the build's driver).
    const there = index.get(`${map.toRewritten(node.getStart(original), "right")}:${map.toRewritten(node.end, "left")}:${node.kind}`);
    return there ? checker.getTypeAtLocation(there) : undefined;
  };
}

/** For each file, the candidate files that import it. */
function importGraph(ts: typeof TS, program: TS.Program, candidates: readonly TS.SourceFile[]): Map<string, Set<string>> {
  const importers = new Map<string, Set<string>>();
  const names = new Set(candidates.map((f) => f.fileName));
  const resolve = (program as unknown as { getResolvedModule?: (f: TS.SourceFile, name: string, mode: TS.ResolutionMode) => { resolvedModule?: { resolvedFileName: string } } | undefined })
    .getResolvedModule;
  let checker: TS.TypeChecker | undefined;
  for (const sf of candidates) {
    for (const statement of sf.statements) {
      const spec = (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) && statement.moduleSpecifier;
      if (!spec || !ts.isStringLiteral(spec)) continue;
      let target: string | undefined;
      if (resolve) target = resolve.call(program, sf, spec.text, program.getModeForUsageLocation(sf, spec))?.resolvedModule?.resolvedFileName;
      else target = (checker ??= program.getTypeChecker()).getSymbolAtLocation(spec)?.declarations?.[0]?.getSourceFile().fileName;
      if (!target || !names.has(target)) continue;
      const set = importers.get(target) ?? new Set();
      set.add(sf.fileName);
      importers.set(target, set);
    }
  }
  return importers;
}

function withImporters(files: Set<string>, importers: Map<string, Set<string>>): Set<string> {
  const out = new Set(files);
  for (const f of files) for (const g of importers.get(f) ?? []) out.add(g);
  return out;
}

/**
 * Where a file imports the helpers from: an import of the file whose module exports them all
 * (so a project that imports the runtime by a path keeps doing so), else "micrograd-ts".
 */
function importSpecifier(ts: typeof TS, program: TS.Program, sf: TS.SourceFile): string {
  let checker: TS.TypeChecker | undefined;
  for (const s of sf.statements) {
    if (!ts.isImportDeclaration(s) || !ts.isStringLiteral(s.moduleSpecifier)) continue;
    if (s.moduleSpecifier.text === RUNTIME_MODULE) return RUNTIME_MODULE;
    checker ??= program.getTypeChecker();
    const mod = checker.getSymbolAtLocation(s.moduleSpecifier);
    if (!mod) continue;
    const exported = new Set(checker.getExportsOfModule(mod).map((e) => e.name));
    if (RUNTIME_NAMES.every((n) => exported.has(n))) return s.moduleSpecifier.text;
  }
  return RUNTIME_MODULE;
}
