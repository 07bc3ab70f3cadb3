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
import { RUNTIME_MODULE } from "../operators.js";
import { applyEdits, type TextEdit } from "../ts/positions.js";
import { filesReachingRuntime } from "../ts/program.js";
import { declaresValueBrand, rewriteSourceFile, type RewriteResult } from "../ts/rewrite.js";
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
        const there = lookup(ts, state, target);
        result = rewriteSourceFile(ts, state.original, checker, {
          typeOf: (node) => {
            const n = there(node);
            return n ? checker.getTypeAtLocation(n) : undefined;
          },
          declarationOf: (id) => {
            const d = there(id) && checker.getSymbolAtLocation(there(id)!)?.valueDeclaration;
            if (!d || d.getSourceFile() !== target || !ts.isVariableDeclaration(d) || !ts.isIdentifier(d.name)) return undefined;
            return state.map.toOriginal(d.name.getStart(target), "start");
          },
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

/**
 * The node of the rewritten file that stands for a node of the original: same kind, starting
 * between before and after the text generated at its start, ending likewise at its end (as the
 * build's driver finds it), the innermost if several. Indexed once per file and round.
 */
function lookup(ts: typeof TS, state: FileState, target: TS.SourceFile): (node: TS.Node) => TS.Node | undefined {
  let byStart: Map<number, TS.Node[]> | undefined;
  const { map, original } = state;
  return (node) => {
    if (!byStart) {
      byStart = new Map();
      const add = (n: TS.Node): void => {
        const start = n.getStart(target);
        const list = byStart!.get(start);
        if (list) list.push(n);
        else byStart!.set(start, [n]);
        ts.forEachChild(n, add);
      };
      ts.forEachChild(target, add);
    }
    const start = node.getStart(original);
    const innerStart = map.toRewritten(start, "right");
    const outerStart = map.toRewritten(start, "left");
    const innerEnd = map.toRewritten(node.end, "left");
    const outerEnd = map.toRewritten(node.end, "right");
    for (let s = innerStart; s >= outerStart; s--) {
      let best: TS.Node | undefined;
      for (const n of byStart.get(s) ?? []) {
        if (n.kind === node.kind && n.end >= innerEnd && n.end <= outerEnd && (!best || n.end < best.end)) best = n;
      }
      if (best) return best;
    }
    return undefined;
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
 * Where a file imports the helpers from: the build's rule (transformer/ts/program.ts, where it is
 * not exported): "micrograd-ts", except inside the package that defines the runtime from source,
 * which imports the runtime's index by a relative path.
 */
function importSpecifier(ts: typeof TS, program: TS.Program, sf: TS.SourceFile): string {
  const brand = program.getSourceFiles().find((f) => declaresValueBrand(ts, f));
  if (!brand || brand.isDeclarationFile) return RUNTIME_MODULE;
  if (sf.statements.some((s) => ts.isImportDeclaration(s) && ts.isStringLiteral(s.moduleSpecifier) && s.moduleSpecifier.text === RUNTIME_MODULE)) {
    return RUNTIME_MODULE;
  }
  const dir = brand.fileName.slice(0, brand.fileName.lastIndexOf("/") + 1);
  const index = program.getSourceFile(dir + "index.ts") ?? program.getSourceFile(dir + "index.mts");
  if (!index || !sf.fileName.startsWith(dir)) return RUNTIME_MODULE;
  const from = sf.fileName.split("/").slice(0, -1);
  const to = index.fileName.split("/");
  let i = 0;
  while (i < from.length && i < to.length - 1 && from[i] === to[i]) i++;
  const up = from.length - i;
  const rel = [...Array(up).fill(".."), ...to.slice(i)].join("/");
  return (up === 0 ? "./" : "") + rel.replace(/\.(c|m)?tsx?$/, (_m, c: string | undefined) => `.${c ?? ""}js`);
}
