// The rewrite fixpoint, incrementally, for an editor: the editor's adapter of transformer/core/.
//
// The build (transformer/ts/program.ts) starts from the files as written and re-checks the
// rewritten program until the rewrite stops changing: two or three full checks. At every
// keystroke that is too slow, and the result hardly changes. So here the rounds start from a
// guess, the last rewrite carried over to the new text (minus the edits of the statement that
// was typed in), and the guess is checked by the very program the editor's features then use:
// when the rewrite of the files under those types is the guess, nothing more is checked. Most
// keystrokes take one round, and its type checking is shared with the diagnostics that follow.
// The rounds themselves, and the rule of what is rewritten, are the build's (core/fixpoint.ts).

import type * as TS from "typescript";
import { NOT_SETTLED } from "../core/diagnostics.js";
import { type FileRewrite, fileRewrite, settle } from "../core/fixpoint.js";
import { filesReachingRuntime, importGraph } from "../core/graph.js";
import { importSpecifier } from "../core/import-path.js";
import { applyEdits, type TextEdit } from "../core/positions.js";
import type { RewriteResult } from "../core/rewrite.js";

/** A candidate file and its rewrite, as the editor keeps it between keystrokes. */
export type FileState = FileRewrite;

export interface FixpointHost {
  ts: typeof TS;
  /** The rewritten service's program, brought up to date with `files`. */
  rewrittenProgram(): TS.Program | undefined;
  log(message: string): void;
  /** Whether a file exists that the program does not hold (where the helpers are imported from). */
  fileExists?(fileName: string): boolean;
  /** Stop after this many rounds (default: none, as the build). */
  maxRounds?: number;
  /** Dispatch arithmetic on operands typed `any`, as the build does with its dispatchAny option. */
  dispatchAny?: boolean;
  /** Check the whole of every file from the first round (default: the first round after an edit rewrites only the statement typed in). */
  firstRoundWhole?: boolean;
  /** The module a file calls the helpers through (core/rewrite.ts's RewriteOptions.helpersModule; default: imports them as the build does). */
  helpersModule?(fileName: string): string;
}

export interface FixpointStats {
  rounds: number;
  rewritten: number;
  ms: number;
  converged: boolean;
}

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

  const edited: string[] = [];
  const firstRoundOnly = new Map<string, TS.Node[]>();
  for (const sf of candidates) {
    const previous = files.get(sf.fileName);
    if (previous?.original === sf) continue;
    if (previous && sameKinds(ts, previous.original, sf)) {
      // A digit typed into a number: the rewrite is the previous one, shifted; nothing to check.
      files.set(sf.fileName, fileRewrite(sf, shifted(previous, sf), previous.importFrom));
      continue;
    }
    const carried = previous ? carryOver(ts, previous.original.text, previous.result.edits, sf) : { edits: [], dirty: undefined };
    const importFrom = previous?.importFrom ?? importSpecifier(ts, program, sf, host.fileExists);
    files.set(sf.fileName, fileRewrite(sf, guess(sf, carried.edits), importFrom));
    edited.push(sf.fileName);
    if (carried.dirty) {
      const part = firstRoundPart(ts, sf, carried.dirty, previous!.original.text).filter((n) => alone(sf, n, carried.edits));
      if (part[0] === carried.dirty) firstRoundOnly.set(sf.fileName, part);
    }
  }

  const graph = importGraph(ts, program, candidates);
  const outcome = settle(
    {
      ts,
      program: host.rewrittenProgram,
      tolerant: true,
      log: host.log,
      maxRounds: host.maxRounds,
      dispatchAny: host.dispatchAny,
      helpersModule: host.helpersModule,
      // The first round rewrites only the statement that was typed in (the rest is the carried
      // guess), so that a keystroke that changes its rewrite costs one check of the whole file, not two.
      firstRoundOnly: host.firstRoundWhole ? undefined : firstRoundOnly,
    },
    graph,
    files,
    edited,
  );
  // Half-typed code: its syntax error is what to show, not that the rewrite did not settle.
  for (const fileName of outcome.unsettled) {
    const state = files.get(fileName)!;
    if (program.getSyntacticDiagnostics(state.original).length === 0) continue;
    const diagnostics = state.result.diagnostics.filter((d) => d.code !== NOT_SETTLED);
    files.set(fileName, fileRewrite(state.original, { ...state.result, diagnostics }, state.importFrom));
  }
  const stats = { rounds: outcome.rounds, rewritten: [...files.values()].filter((f) => f.result.changed).length, ms: performance.now() - started, converged: outcome.converged };
  host.log(`micrograd-ts: ${stats.rewritten} file(s) rewritten, ${stats.rounds} round(s), ${stats.ms.toFixed(0)} ms`);
  return stats;
}

/** A rewrite result that consists of the given edits (a guess, to be checked). */
function guess(sf: TS.SourceFile, edits: TextEdit[]): RewriteResult {
  return { text: applyEdits(sf.text, edits), edits, diagnostics: [], changed: edits.length > 0, needsImport: [] };
}

/**
 * The previous rewrite's edits carried over to the new text: shifted past the change, and those
 * that overlap it dropped, together with the rest of the innermost statement around the change
 * (every edit of an expression lies in its statement, so the guess stays balanced). Only a
 * guess: the rounds that follow check it, so a wrong guess costs a round, not a wrong result.
 */
export function carryEdits(ts: typeof TS, oldText: string, edits: readonly TextEdit[], sf: TS.SourceFile): TextEdit[] {
  return carryOver(ts, oldText, edits, sf).edits;
}

/**
 * Whether the edits carried over leave `dirty` alone: none of them at its start or its end,
 * where the pass over `dirty` alone could not tell its own insertions from theirs (the import of
 * the helpers aside, which the pass makes again).
 */
function alone(sf: TS.SourceFile, dirty: TS.Node, edits: readonly TextEdit[]): boolean {
  const from = dirty.getStart(sf);
  const to = dirty.end;
  return !edits.some((e) => (e.start === from || e.end === from || e.start === to || e.end === to) && !/^ ?import /.test(e.text));
}

/** At most this many statements below the one typed in join the first round (firstRoundPart). */
const FIRST_ROUND_FOLLOWERS = 64;

/**
 * The statements the first round after an edit rewrites: the one typed in (`dirty`), and those
 * after it in the same list that name what it declares or declared (`const a = new Value(1)`
 * becoming `cconst a = …` while a line is typed in front of it un-declares `a`: the statements
 * that compute with `a` change too), and what those declare, in turn. Only a better guess: a
 * whole round follows.
 */
function firstRoundPart(ts: typeof TS, sf: TS.SourceFile, dirty: TS.Node, oldText: string): TS.Node[] {
  const list = (dirty.parent as { statements?: readonly TS.Statement[] }).statements;
  if (!list || !ts.isStatement(dirty)) return [dirty];
  const declared = new Set<string>();
  const declare = (node: TS.Node): void => {
    const visit = (n: TS.Node): void => {
      if ((ts.isVariableDeclaration(n) || ts.isFunctionDeclaration(n) || ts.isClassDeclaration(n) || ts.isBindingElement(n)) && n.name && ts.isIdentifier(n.name))
        declared.add(n.name.text);
      if (!ts.isFunctionLike(n) || n === node) ts.forEachChild(n, visit);
    };
    visit(node);
  };
  declare(dirty);
  // the statement as it was: the first of the old text from the same place (the text before it is the same)
  const old = ts.createSourceFile("old.ts", oldText.slice(dirty.getStart(sf), dirty.getStart(sf) + Math.max(2000, dirty.end - dirty.getStart(sf))), ts.ScriptTarget.Latest, true);
  if (old.statements[0]) declare(old.statements[0]);
  const part = [dirty];
  const names = (node: TS.Node): boolean => {
    let found = false;
    const visit = (n: TS.Node): void => {
      if (found) return;
      if (ts.isIdentifier(n) && declared.has(n.text)) found = true;
      else ts.forEachChild(n, visit);
    };
    visit(node);
    return found;
  };
  for (let i = list.indexOf(dirty as TS.Statement) + 1; i < list.length && part.length <= FIRST_ROUND_FOLLOWERS && declared.size > 0; i++) {
    const s = list[i]!;
    if (!names(s)) continue;
    part.push(s);
    declare(s);
  }
  return part;
}

/** carryEdits, and the innermost statement (or class member) around the change (undefined if none). */
function carryOver(ts: typeof TS, oldText: string, edits: readonly TextEdit[], sf: TS.SourceFile): { edits: TextEdit[]; dirty: TS.Node | undefined } {
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
  const around = dirty === sf ? undefined : dirty;
  if (!overlapped) return { edits: kept, dirty: around };
  if (around === undefined) return { edits: [], dirty: undefined };
  const from = around.getStart(sf);
  const to = around.end;
  return { edits: kept.filter((e) => e.end <= from || e.start >= to), dirty: around };
}

/** The range that changed between two texts: [start, oldEnd) of the old, [start, newEnd) of the new. */
function changedRange(oldText: string, newText: string): { start: number; oldEnd: number; newEnd: number } {
  let start = 0;
  const max = Math.min(oldText.length, newText.length);
  while (start < max && oldText.charCodeAt(start) === newText.charCodeAt(start)) start++;
  let suffix = 0;
  while (suffix < max - start && oldText.charCodeAt(oldText.length - 1 - suffix) === newText.charCodeAt(newText.length - 1 - suffix)) suffix++;
  return { start, oldEnd: oldText.length - suffix, newEnd: newText.length - suffix };
}

/**
 * Whether the edit from `before` to `after` changed only the digits of one number that is an
 * operand of arithmetic, an argument, an initializer or an array element: what is a Value, a
 * number or anything else is then the same in both (short of overloads on literal types), so the
 * previous rewrite, shifted, is the rewrite of the new text. Not where the number's literal type
 * can reach an operand as an index (`t[0]` and `t[1]` of a tuple differ): inside an element
 * access or a type, under `as const`, or an integer that a `const` or a call's argument keeps as
 * a literal type (`const i = 0; t[i]`). Both texts must parse.
 */
export function sameKinds(ts: typeof TS, before: TS.SourceFile, after: TS.SourceFile): boolean {
  const parseErrors = (sf: TS.SourceFile) => (sf as unknown as { parseDiagnostics?: readonly unknown[] }).parseDiagnostics?.length ?? 1;
  if (parseErrors(before) > 0 || parseErrors(after) > 0) return false;
  const { start, oldEnd, newEnd } = changedRange(before.text, after.text);
  let found: TS.Node | undefined;
  const descend = (node: TS.Node): void => {
    ts.forEachChild(node, (child) => {
      if (child.getStart(after) <= start && newEnd <= child.end) {
        found = child;
        descend(child);
      }
    });
  };
  descend(after);
  if (!found || !ts.isNumericLiteral(found)) return false;
  const b: TS.NumericLiteral = found;
  // The old text's token at the same place, scanned: the old tree is not walked, since
  // TypeScript's incremental parser moves its nodes into the new tree and shifts their positions.
  const literalStart = b.getStart(after);
  const scanner = ts.createScanner(after.languageVersion, true, ts.LanguageVariant.Standard, before.text, undefined, literalStart);
  if (scanner.scan() !== ts.SyntaxKind.NumericLiteral || scanner.getTokenStart() !== literalStart || scanner.getTokenEnd() < oldEnd) return false;
  const a = { text: before.text.slice(literalStart, scanner.getTokenEnd()) };
  // `-2`, `+2`: the sign goes with the number
  let n: TS.Expression = b;
  while (ts.isPrefixUnaryExpression(n.parent) && (n.parent.operator === ts.SyntaxKind.MinusToken || n.parent.operator === ts.SyntaxKind.PlusToken)) n = n.parent;
  for (let up: TS.Node = n.parent; !ts.isSourceFile(up) && !ts.isStatement(up); up = up.parent) {
    if ((ts.isAsExpression(up) || ts.isTypeAssertionExpression(up)) && ts.isConstTypeReference(up.type)) return false;
  }
  // A literal type that an integer keeps (a `const`, a generic or overloaded call) may index a tuple.
  const integer = Number.isInteger(Number(a.text.replace(/_/g, ""))) || Number.isInteger(Number(b.text.replace(/_/g, "")));
  const p = n.parent;
  // arithmetic and order comparisons give a number or a boolean, never the literal (`??`, `||`,
  // `=` and `===` can pass it on or narrow by it)
  if (ts.isBinaryExpression(p)) return arithmeticOperator(ts, p.operatorToken.kind);
  return (
    ts.isArrayLiteralExpression(p) ||
    ((ts.isCallExpression(p) || ts.isNewExpression(p)) && p.arguments?.includes(n) === true && !integer) ||
    (ts.isVariableDeclaration(p) && p.initializer === n && !(integer && ts.getCombinedNodeFlags(p) & ts.NodeFlags.Const)) ||
    (ts.isPropertyAssignment(p) && p.initializer === n)
  );
}

/** Binary operators whose result is a number or a boolean whatever literal type an operand has. */
const ARITHMETIC_OPERATORS = [
  "PlusToken",
  "MinusToken",
  "AsteriskToken",
  "AsteriskAsteriskToken",
  "SlashToken",
  "PercentToken",
  "LessThanToken",
  "GreaterThanToken",
  "LessThanEqualsToken",
  "GreaterThanEqualsToken",
  "AmpersandToken",
  "BarToken",
  "CaretToken",
  "LessThanLessThanToken",
  "GreaterThanGreaterThanToken",
  "GreaterThanGreaterThanGreaterThanToken",
  "PlusEqualsToken",
  "MinusEqualsToken",
  "AsteriskEqualsToken",
  "AsteriskAsteriskEqualsToken",
  "SlashEqualsToken",
  "PercentEqualsToken",
] as const;

function arithmeticOperator(ts: typeof TS, kind: TS.SyntaxKind): boolean {
  return ARITHMETIC_OPERATORS.some((name) => ts.SyntaxKind[name] === kind);
}

/** The previous rewrite moved over an edit that changes no edit of it (sameKinds). */
function shifted(previous: FileState, sf: TS.SourceFile): RewriteResult {
  const { start, oldEnd, newEnd } = changedRange(previous.original.text, sf.text);
  const delta = newEnd - oldEnd;
  const move = (pos: number) => (pos >= oldEnd ? pos + delta : pos);
  const edits = previous.result.edits.map((e) => ({
    start: e.start >= oldEnd && !(e.start === start && e.end === start) ? e.start + delta : e.start,
    end: e.end >= oldEnd && !(e.start === start && e.end === start) ? e.end + delta : e.end,
    text: e.text,
  }));
  const diagnostics = previous.result.diagnostics.map((d) => ({
    ...d,
    start: move(d.start),
    expression: d.expression && { start: move(d.expression.start), end: move(d.expression.end) },
  }));
  return { ...previous.result, text: applyEdits(sf.text, edits), edits, diagnostics };
}
