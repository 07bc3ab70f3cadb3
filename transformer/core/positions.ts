// Mapping positions between a source file and its rewrite. The rewrite is a list of text edits
// over the original text (sorted, non-overlapping); text outside the edits is copied unchanged,
// so every position outside an edit maps exactly and lines never move (edits keep line breaks).

export interface TextEdit {
  /** Start of the replaced range in the original text. */
  start: number;
  /** End (exclusive) of the replaced range in the original text; equal to start for an insertion. */
  end: number;
  /** The replacement. */
  text: string;
}

/**
 * Which side of an insertion a position at its edge maps to: "left" keeps it before inserted text
 * (the end of an operand), "right" moves it after (the start of an operand).
 */
export type Bias = "left" | "right";

/** Applies the edits to the original text. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  let out = "";
  let at = 0;
  for (const e of edits) {
    out += text.slice(at, e.start) + e.text;
    at = e.end;
  }
  return out + text.slice(at);
}

/**
 * The position in the rewritten text of an original position. At an insertion, bias "left" stays
 * before the inserted text and "right" goes after it; a position inside a replaced range maps to
 * the start ("left") or the end ("right") of its replacement.
 */
export function toRewritten(edits: readonly TextEdit[], pos: number, bias: Bias = "right"): number {
  let delta = 0; // rewritten - original, for edits before pos
  for (const e of edits) {
    if (e.start > pos) break;
    if (e.start === e.end) {
      if (e.start === pos && bias === "left") break;
      delta += e.text.length;
      continue;
    }
    if (pos === e.start) return pos + delta;
    if (pos < e.end) return e.start + delta + (bias === "left" ? 0 : e.text.length);
    delta += e.text.length - (e.end - e.start);
  }
  return pos + delta;
}

/**
 * The position in the original text of a rewritten position. A position inside inserted or
 * replacing text maps to the start of the replaced range (bias "left") or to its end ("right").
 */
export function toOriginal(edits: readonly TextEdit[], pos: number, bias: Bias = "left"): number {
  let delta = 0; // rewritten - original, for edits before pos
  for (const e of edits) {
    const rStart = e.start + delta;
    const rEnd = rStart + e.text.length;
    if (rStart > pos) break;
    if (pos === rStart) return e.start;
    if (pos < rEnd) return bias === "left" ? e.start : e.end;
    if (pos === rEnd) return e.end;
    delta += e.text.length - (e.end - e.start);
  }
  return pos - delta;
}

/** Sorts edits by position; edits at the same position keep the order they were made in. */
export function sortEdits(edits: readonly TextEdit[]): TextEdit[] {
  return edits
    .map((e, i) => ({ e, i }))
    .sort((x, y) => x.e.start - y.e.start || x.e.end - y.e.end || x.i - y.i)
    .map((x) => x.e);
}

/** Sorts the edits and merges insertions at the same position into one; throws on overlaps. */
export function normalizeEdits(edits: readonly TextEdit[]): TextEdit[] {
  const out: TextEdit[] = [];
  for (const e of sortEdits(edits)) {
    const last = out[out.length - 1];
    if (last && e.start < last.end) {
      throw new Error(`overlapping edits at ${last.start}-${last.end} and ${e.start}-${e.end}`);
    }
    if (last && last.start === last.end && e.start === e.end && e.start === last.start) {
      out[out.length - 1] = { start: last.start, end: last.end, text: last.text + e.text };
    } else {
      out.push({ ...e });
    }
  }
  return out;
}
