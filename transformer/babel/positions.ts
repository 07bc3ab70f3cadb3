// Source positions for the messages the emitted code throws: "file:line:column", 1-based as in
// stack traces and editors.

import type { types as BabelTypes } from "@babel/core";

export class Positions {
  private lineStarts: number[] | null = null;
  constructor(readonly code: string) {}

  /** "line:column" (both 1-based) of an offset into the code. */
  lineColumn(offset: number): string {
    const starts = (this.lineStarts ??= lineStarts(this.code));
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return `${lo + 1}:${offset - starts[lo]! + 1}`;
  }
}

function lineStarts(code: string): number[] {
  const starts = [0];
  for (let i = 0; i < code.length; i++) {
    const c = code.charCodeAt(i);
    if (c === 10) starts.push(i + 1);
    else if (c === 13) {
      if (code.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    } else if (c === 0x2028 || c === 0x2029) starts.push(i + 1);
  }
  return starts;
}

/** The file name as messages show it: relative to the working directory when inside it, with "/". */
export function relativeName(filename: string, cwd: string): string {
  const file = filename.replace(/\\/g, "/");
  const root = cwd.replace(/\\/g, "/").replace(/\/?$/, "/");
  if (cwd && file.startsWith(root)) return file.slice(root.length);
  return file;
}

/** What where() and operatorOffset() read of the file's state (state.ts's FileState has it). */
interface Located {
  t: typeof BabelTypes;
  file: string;
  positions: Positions;
}

/** The position argument of a helper that throws: "file:line:column" of `offset`. */
export function where(fs: Located, offset: number | null | undefined): BabelTypes.StringLiteral {
  return fs.t.stringLiteral(offset == null ? fs.file : `${fs.file}:${fs.positions.lineColumn(offset)}`);
}

/** Where the operator token starts, after the left operand (skipping `)`, blanks and comments). */
export function operatorOffset(fs: Located, leftEnd: number | null | undefined, op: string): number | null {
  if (leftEnd == null) return null;
  const code = fs.positions.code;
  let i = leftEnd;
  while (i < code.length) {
    const c = code[i]!;
    if (c === ")" || c === " " || c === "\t" || c === "\n" || c === "\r") i++;
    else if (code.startsWith("//", i)) i = code.indexOf("\n", i) < 0 ? code.length : code.indexOf("\n", i);
    else if (code.startsWith("/*", i)) i = code.indexOf("*/", i) < 0 ? code.length : code.indexOf("*/", i) + 2;
    else break;
  }
  return code.startsWith(op, i) ? i : leftEnd;
}
