// Positions between the text the user edits (original) and the text the checker sees (rewritten).
//
// The rewrite engine changes a file by text edits that leave the operands' own text in place:
// `a * b` becomes `mul(a, b)` by inserting `mul(`, replacing ` * ` by `, ` and inserting `)`.
// Everything outside an edit maps one to one (shifted); a position inside generated text has
// no original position of its own and is pinned to the start or the end of its edit.

import type { TextEdit } from "./positions.js";

export type { TextEdit };

export interface Span {
  start: number;
  length: number;
}

export class PositionMap {
  /** Where each edit's replacement starts in the rewritten text. */
  private readonly rewrittenStarts: number[];

  constructor(
    readonly edits: readonly TextEdit[],
    /** The original text: it decides which side of an insertion a position stands on. */
    private readonly original: string,
  ) {
    this.rewrittenStarts = [];
    let shift = 0;
    for (const edit of edits) {
      this.rewrittenStarts.push(edit.start + shift);
      shift += edit.text.length - (edit.end - edit.start);
    }
  }

  get isIdentity(): boolean {
    return this.edits.length === 0;
  }

  /**
   * The rewritten position of an original position. Where text is inserted at the position,
   * "right" stands after it and "left" before it; by default the position stands after inserted
   * text when an operand starts there (`mul(` before `a`) and before it when one ends there
   * (`)` after `b`), so the token under the cursor is the same token in both texts.
   */
  toRewritten(pos: number, bias?: "left" | "right"): number {
    const { edits, rewrittenStarts } = this;
    const found = this.lastOriginalStartAtOrBefore(pos);
    if (found < 0) return pos;
    const last = edits[found]!;
    if (last.start < pos && pos < last.end) return rewrittenStarts[found]! + (bias === "right" ? last.text.length : 0); // inside replaced text
    if (last.start < pos) return rewrittenStarts[found]! + last.text.length + (pos - last.end);
    let first = found;
    while (first > 0 && edits[first - 1]!.start === pos) first--;
    if ((bias ?? (startsOperand(this.original, pos) ? "right" : "left")) === "left") return rewrittenStarts[first]!;
    let k = first;
    while (k < found && edits[k]!.end === pos) k++;
    const edit = edits[k]!;
    return edit.end === pos ? rewrittenStarts[k]! + edit.text.length : rewrittenStarts[k]!;
  }

  /**
   * The original position of a rewritten position. A position inside generated text goes to its
   * edit's start (bias "start", for the start of a span) or end (bias "end").
   */
  toOriginal(pos: number, bias: "start" | "end" = "start"): number {
    const { edits, rewrittenStarts } = this;
    const found = this.lastRewrittenStartAtOrBefore(pos);
    if (found < 0) return pos;
    const edit = edits[found]!;
    const rStart = rewrittenStarts[found]!;
    const rEnd = rStart + edit.text.length;
    if (pos === rStart) return edit.start;
    if (pos < rEnd) return bias === "start" ? edit.start : edit.end;
    return edit.end + (pos - rEnd);
  }

  /** Whether the rewritten span [start, end) holds no original character (generated text only). */
  isGenerated(start: number, end: number = start): boolean {
    const k = this.lastRewrittenStartAtOrBefore(start);
    if (k < 0) return false;
    const rStart = this.rewrittenStarts[k]!;
    const rEnd = rStart + this.edits[k]!.text.length;
    // A position on the boundary of generated text is also the boundary of original text.
    return start === end ? rStart < start && start < rEnd : end <= rEnd;
  }

  /** Whether generated text ends at the rewritten position (as `mul(` ends where an operand starts). */
  endsGenerated(pos: number): boolean {
    const k = this.lastRewrittenStartAtOrBefore(pos - 1);
    return k >= 0 && this.edits[k]!.text.length > 0 && this.rewrittenStarts[k]! + this.edits[k]!.text.length === pos;
  }

  private lastOriginalStartAtOrBefore(pos: number): number {
    return lastAtOrBefore(this.edits.length, (k) => this.edits[k]!.start, pos);
  }

  private lastRewrittenStartAtOrBefore(pos: number): number {
    return lastAtOrBefore(this.edits.length, (k) => this.rewrittenStarts[k]!, pos);
  }

  /**
   * The rewritten position of the start ("start") or the end ("end") of an original expression,
   * taking in the generated text that wraps it: `a * b` spans all of `mul(a , b)`.
   */
  toRewrittenOuter(pos: number, side: "start" | "end"): number {
    const { edits, rewrittenStarts } = this;
    let first = -1;
    let last = -1;
    for (let k = this.lastOriginalStartAtOrBefore(pos); k >= 0 && edits[k]!.start === pos; k--) {
      if (edits[k]!.end !== pos) continue;
      if (last < 0) last = k;
      first = k;
    }
    if (first < 0) return this.toRewritten(pos);
    return side === "start" ? rewrittenStarts[first]! : rewrittenStarts[last]! + edits[last]!.text.length;
  }

  /** Whether a rewritten range overlaps generated text (an empty range: lies strictly inside it). */
  touchesGenerated(start: number, end: number): boolean {
    for (let k = Math.max(0, this.lastRewrittenStartAtOrBefore(start)); k < this.edits.length; k++) {
      const rStart = this.rewrittenStarts[k]!;
      const rEnd = rStart + this.edits[k]!.text.length;
      if (rStart > end || (rStart === end && start < end)) break;
      if (rEnd === rStart) continue;
      if (start === end ? rStart < start && start < rEnd : rStart < end && start < rEnd) return true;
    }
    return false;
  }

  spanToRewritten(span: Span): Span {
    const start = this.toRewritten(span.start);
    const end = span.length === 0 ? start : Math.max(start, this.toRewritten(span.start + span.length));
    return { start, length: end - start };
  }

  spanToOriginal(span: Span): Span {
    const start = this.toOriginal(span.start, "start");
    const end = span.length === 0 ? start : Math.max(start, this.toOriginal(span.start + span.length, "end"));
    return { start, length: end - start };
  }
}

/** The last index k < count with key(k) <= pos (keys ascending), or -1. */
function lastAtOrBefore(count: number, key: (k: number) => number, pos: number): number {
  let lo = 0;
  let hi = count - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (key(mid) <= pos) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

function startsOperand(text: string, pos: number): boolean {
  const ch = text.charCodeAt(pos);
  return (
    (ch >= 48 && ch <= 57) || // 0-9
    (ch >= 65 && ch <= 90) || // A-Z
    (ch >= 97 && ch <= 122) || // a-z
    ch === 36 || // $
    ch === 95 || // _
    ch === 40 || // (
    ch === 91 || // [
    ch === 123 || // {
    ch === 34 || // "
    ch === 39 || // '
    ch === 96 || // `
    ch === 33 || // !
    ch === 45 || // -
    ch === 46 || // . (.5)
    ch > 127
  );
}
