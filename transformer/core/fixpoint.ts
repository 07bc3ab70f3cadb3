// The fixpoint: rewrite, check the program over the rewritten files, rewrite again under the new
// types, until nothing changes. `const e = a * b` is a number to the checker until `a * b` is
// `mul(a, b)`; after that round e is a Value and its uses are rewritten in the next.
//
// The build (transformer/ts/program.ts) starts from the files as written and a program it
// rebuilds each round; the editor (transformer/language-service/fixpoint.ts) starts from a guess
// and the program of its rewritten language service. The rounds are the same:
// - files are rewritten dependencies first (graph.ts), sharing what each pass learned
//   (inference.ts), so a chain of modules without annotations settles in one round, not one
//   round per module;
// - after a round, the files that changed and every file that imports them, directly or not,
//   are rewritten again (a type can travel through a module whose own text does not change);
// - the rounds go on until nothing changes. If the files come back to a state they were in
//   before (the rewrite alternates), or a given maximum of rounds is reached, each file still
//   changing gets an error (diagnostics.ts's notSettled): never unrewritten code in silence.

import type * as TS from "typescript";
import { brokenExpressions } from "./broken.js";
import { notSettled } from "./diagnostics.js";
import { importPosition } from "./edits.js";
import { type ImportGraph, withDependents } from "./graph.js";
import { Knowledge } from "./inference.js";
import { checkerQueries } from "./lookup.js";
import { PositionMap } from "./position-map.js";
import type { TextEdit } from "./positions.js";
import { type RewriteResult, rewriteSourceFile, unchanged } from "./rewrite.js";
import type { TypeScriptModule } from "./values.js";

/** A candidate file and its current rewrite. */
export interface FileRewrite {
  /** The file as written. */
  readonly original: TS.SourceFile;
  readonly result: RewriteResult;
  /** The result's edits, for positions both ways (the identity when nothing changed). */
  readonly map: PositionMap;
  /** Where the file imports the helpers from (import-path.ts's importSpecifier). */
  readonly importFrom: string;
}

export function fileRewrite(original: TS.SourceFile, result: RewriteResult, importFrom: string): FileRewrite {
  return { original, result, importFrom, map: new PositionMap(result.changed ? result.edits : [], original.text) };
}

/** A file left as written (the start of the build's fixpoint). */
export function asWritten(original: TS.SourceFile, importFrom: string): FileRewrite {
  return fileRewrite(original, unchanged(original), importFrom);
}

export interface FixpointHost {
  ts: TypeScriptModule;
  /** The program whose copy of each file of `files` is its current result's text. */
  program(): TS.Program | undefined;
  /** Stop after this many checks (default: none; the rounds end when nothing changes or the state repeats). */
  maxRounds?: number;
  /** Dispatch arithmetic on operands typed `any` (rewrite.ts's RewriteOptions.dispatchAny; default false). */
  dispatchAny?: boolean;
  /** The editor's form of the rewritten text: the module its helpers are called through, by file (rewrite.ts's RewriteOptions.helpersModule). */
  helpersModule?(fileName: string): string;
  /**
   * The editor's first round after an edit: in these files only the given statements are
   * rewritten, the rest of the current rewrite (a guess) is kept (rewrite.ts's
   * RewriteOptions.only). A whole round always follows, so the answer is the build's: the first
   * round only makes the guess better without checking the whole file under types that the
   * statements' rewrite may change.
   */
  firstRoundOnly?: ReadonlyMap<string, readonly TS.Node[]>;
  /** Leave a file as written when its rewrite throws (the editor, on half-typed code); by default the error propagates. */
  tolerant?: boolean;
  log?(message: string): void;
}

export interface FixpointOutcome {
  /** How many programs were checked. */
  rounds: number;
  /** Whether a round changed nothing. */
  converged: boolean;
  /** The files whose rewrite was not confirmed when the rounds stopped (each has a notSettled error). */
  unsettled: string[];
  /** Expressions whose rewritten counterpart could not be found (0 unless something is wrong). */
  unmapped: number;
}

/**
 * Brings `files` (every candidate of `graph`, by file name) to the fixpoint, starting with the
 * files `start` names and what imports them. `files` is updated in place.
 */
export function settle(host: FixpointHost, graph: ImportGraph, files: Map<string, FileRewrite>, start: Iterable<string>): FixpointOutcome {
  const { ts } = host;
  const maxRounds = host.maxRounds ?? Infinity;
  const debug =
    typeof process !== "undefined" && process.env?.MG_DEBUG_UNMAPPED
      ? (n: TS.Node) => console.error("unmapped", n.getSourceFile().fileName, n.getStart(), ts.SyntaxKind[n.kind])
      : undefined;
  const outcome: FixpointOutcome = { rounds: 0, converged: false, unsettled: [], unmapped: 0 };
  let states = new StateHistory(graph.order, files);
  let visit = withDependents(graph, start);
  let before = new Map<string, FileRewrite>();
  let changed: string[] = [];

  while (visit.size > 0) {
    if (outcome.rounds >= maxRounds) {
      host.log?.(`micrograd-ts: the rewrite still changed after ${outcome.rounds} rounds in ${changed.join(", ")}`);
      markUnsettled(ts, graph, files, before, changed, outcome, false);
      return outcome;
    }
    const program = host.program();
    if (!program) return outcome;
    outcome.rounds++;
    const checker = program.getTypeChecker();
    // The program holds the results as they were when the round began.
    before = new Map(files);
    const mapOf = (fileName: string) => before.get(fileName)?.map;
    const knowledge = new Knowledge();
    const only = outcome.rounds === 1 ? host.firstRoundOnly : undefined;
    changed = [];
    for (const fileName of graph.order) {
      if (!visit.has(fileName)) continue;
      const state = files.get(fileName);
      const checked = program.getSourceFile(fileName);
      if (!state || !checked) continue;
      const queries = checkerQueries(ts, checker, state.original, checked, mapOf, debug);
      let result: RewriteResult;
      try {
        result = rewriteSourceFile(ts, state.original, checker, {
          typeOf: queries.typeOf,
          declarationOf: queries.declarationOf,
          typeChecker: checker,
          importFrom: state.importFrom,
          knowledge,
          dispatchAny: host.dispatchAny,
          helpersModule: host.helpersModule?.(fileName),
          // The editor's half-typed code: no operator is rewritten where the text does not parse (broken.ts).
          skip: host.tolerant ? brokenExpressions(ts, state.original) : undefined,
          only: only?.has(fileName) ? { nodes: only.get(fileName)!, keep: state.result.edits } : undefined,
        });
      } catch (error) {
        if (!host.tolerant) throw error;
        // Half-typed code can defeat the rewrite (overlapping edits): leave the file as written.
        host.log?.(`micrograd-ts: ${fileName} left as written: ${(error as Error).message}`);
        result = unchanged(state.original);
      }
      outcome.unmapped += queries.unmapped;
      if (result.text !== state.result.text) changed.push(fileName);
      files.set(fileName, fileRewrite(state.original, result, state.importFrom));
    }
    if (only !== undefined && only.size > 0) {
      // Only a part of those files was checked: a whole round follows; the states before it were guesses.
      states = new StateHistory(graph.order, files);
      visit = withDependents(graph, [...changed, ...[...only.keys()].filter((f) => visit.has(f))]);
      continue;
    }
    if (changed.length > 0 && states.repeats()) {
      host.log?.(`micrograd-ts: the rewrite alternates after ${outcome.rounds} rounds in ${changed.join(", ")}`);
      markUnsettled(ts, graph, files, before, changed, outcome, true);
      return outcome;
    }
    visit = withDependents(graph, changed);
  }
  outcome.converged = true;
  return outcome;
}

/**
 * Gives each file whose rewrite is not confirmed by a check (those that changed in the last round
 * and those that import them) its error: where its last two rewrites first differ, or at its
 * start if only its types changed.
 */
function markUnsettled(
  ts: TypeScriptModule,
  graph: ImportGraph,
  files: Map<string, FileRewrite>,
  before: ReadonlyMap<string, FileRewrite>,
  changed: readonly string[],
  outcome: FixpointOutcome,
  cycle: boolean,
): void {
  const unconfirmed = withDependents(graph, changed);
  for (const fileName of graph.order) {
    if (!unconfirmed.has(fileName) || !files.has(fileName)) continue;
    const now = files.get(fileName)!;
    const at = firstDifference(ts, now.original, before.get(fileName)?.result.edits ?? [], now.result.edits);
    const result = { ...now.result, diagnostics: [...now.result.diagnostics, notSettled(at, outcome.rounds, cycle)] };
    files.set(fileName, fileRewrite(now.original, result, now.importFrom));
    outcome.unsettled.push(fileName);
  }
}

/** The original offset of the first edit in which two rewrites of a file differ, the import of the helpers aside (0 if none). */
function firstDifference(ts: TypeScriptModule, sf: TS.SourceFile, a: readonly TextEdit[], b: readonly TextEdit[]): number {
  const { at: importAt } = importPosition(ts, sf);
  const key = (e: TextEdit) => `${e.start}:${e.end}:${e.text}`;
  const inA = new Set(a.filter((e) => e.start !== importAt).map(key));
  const inB = new Set(b.filter((e) => e.start !== importAt).map(key));
  const differ = [...a.filter((e) => e.start !== importAt && !inB.has(key(e))), ...b.filter((e) => e.start !== importAt && !inA.has(key(e)))];
  return differ.length === 0 ? 0 : Math.min(...differ.map((e) => e.start));
}

/** The states (every file's text) the rounds went through, to tell when the rewrite comes back to one. */
class StateHistory {
  /** The texts of each state seen, by a hash of them all. */
  private readonly seen = new Map<string, string[][]>();
  private readonly hashes = new Map<string, { text: string; hash: string }>();

  constructor(
    private readonly order: readonly string[],
    private readonly files: ReadonlyMap<string, FileRewrite>,
  ) {
    this.repeats();
  }

  /** Records the current state; whether it was seen before. */
  repeats(): boolean {
    const texts = this.order.map((f) => this.files.get(f)?.result.text ?? "");
    const key = this.order.map((f, i) => this.hashOf(f, texts[i]!)).join(",");
    const same = this.seen.get(key);
    if (same?.some((s) => s.every((t, i) => t === texts[i]))) return true;
    if (same) same.push(texts);
    else this.seen.set(key, [texts]);
    return false;
  }

  private hashOf(fileName: string, text: string): string {
    const known = this.hashes.get(fileName);
    if (known?.text === text) return known.hash;
    const hash = fnv1a(text);
    this.hashes.set(fileName, { text, hash });
    return hash;
  }
}

/** A 32-bit FNV-1a hash of the text, in hex. */
export function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16);
}
