// Diagnostics in one place, for the build and the editor alike: ours (operators a Value does not
// support, a rewrite that does not settle) as TypeScript's, TypeScript's from a rewritten file
// moved back to the file as written, and TypeScript's "operator cannot be applied" errors left
// out where one of ours explains the same expression.

import type * as TS from "typescript";
import type { PositionMap } from "./position-map.js";
import type { MgDiagnostic } from "./rewrite.js";
import type { TypeScriptModule } from "./values.js";

/** The diagnostic source of micrograd-ts's own diagnostics. */
export const DIAGNOSTIC_SOURCE = "micrograd-ts";

/** TypeScript's errors for an operator on operands it does not accept: replaced by ours where we report one. */
export const OPERATOR_ERRORS: ReadonlySet<number> = new Set([2362, 2363, 2365, 2356, 2357, 2469, 2588]);

/** The code of the error for a rewrite that did not settle (see notSettled). */
export const NOT_SETTLED = 9100; // outside the operator table's codes (MESSAGE_CODES, 9001-9099)

/** Our diagnostic as TypeScript's, remembering the expression it explains. */
export type OurDiagnostic = TS.Diagnostic & { readonly expression?: { start: number; end: number } };

export function toDiagnostic(ts: TypeScriptModule, file: TS.SourceFile, d: MgDiagnostic): OurDiagnostic {
  const out: TS.Diagnostic = { file, start: d.start, length: d.length, code: d.code, category: ts.DiagnosticCategory.Error, messageText: d.message, source: DIAGNOSTIC_SOURCE };
  // Not enumerable: the diagnostic serialises (tsserver, --build's cache) as TypeScript's own.
  Object.defineProperty(out, "expression", { value: d.expression ?? { start: d.start, end: d.start + d.length }, enumerable: false });
  return out;
}

/**
 * The error for a file whose rewrite still changed when the fixpoint stopped (it alternated, or
 * reached the given maximum of rounds), at the first place where its last two rewrites differ.
 * Its code would otherwise be emitted unrewritten, or rewritten under stale types, silently.
 */
export function notSettled(start: number, rounds: number, cycle: boolean): MgDiagnostic {
  const why = cycle ? `alternates between versions after ${rounds} rounds` : `still changed after ${rounds} rounds (the maxRounds option)`;
  return {
    start,
    length: 0,
    code: NOT_SETTLED,
    category: "error",
    message: `The operator rewrite of this file did not settle: it ${why}, so its code may not be rewritten as its types say. Give the variable, parameter or return type at this place an explicit type (Value or number).`,
  };
}

/** Where a rewritten file's copy lives in the checked program, and how to get back to the file as written. */
export interface Rewritten {
  original: TS.SourceFile;
  map: PositionMap;
}

/**
 * TypeScript's diagnostic on a rewritten file, at its place in the file as written (related
 * information too). `rewrittenOf(fileName)` is undefined for files as written.
 */
export function toOriginalDiagnostic<D extends TS.Diagnostic | TS.DiagnosticRelatedInformation>(d: D, rewrittenOf: (fileName: string) => Rewritten | undefined): D {
  if (!d.file || d.start === undefined) return d;
  const r = rewrittenOf(d.file.fileName);
  if (r === undefined) return d;
  const mapped = { ...d, file: r.original };
  if (d.file !== r.original && !r.map.isIdentity) {
    const span = r.map.spanToOriginal({ start: d.start, length: d.length ?? 0 });
    mapped.start = span.start;
    mapped.length = span.length;
  }
  if ("relatedInformation" in d && d.relatedInformation) {
    (mapped as TS.Diagnostic).relatedInformation = d.relatedInformation.map((x) => toOriginalDiagnostic(x, rewrittenOf));
  }
  return d.file !== r.original ? asOperandDiagnostic(mapped, r.original.text) : mapped;
}

const NULLISH_OPERAND = /^Argument of type '(.*)' is not assignable to parameter of type 'Operand'\.$/;
/** An entity name (`x`, `this.w`, `layer.neurons`): TypeScript names it in "possibly undefined" errors. */
const ENTITY_NAME = /^[A-Za-z_$][\w$]*(\s*\.\s*[A-Za-z_$#][\w$]*)*$/;

/**
 * A helper's "Argument of type 'Value | undefined' is not assignable to parameter of type
 * 'Operand'" on an operand that may be null or undefined (an array element under
 * noUncheckedIndexedAccess, an optional field) said as TypeScript says it of number arithmetic:
 * "'w' is possibly 'undefined'." (TS18048) for a name, "Object is possibly 'undefined'."
 * (TS2532) for another expression; the user wrote an operator, not a call.
 */
function asOperandDiagnostic<D extends TS.Diagnostic | TS.DiagnosticRelatedInformation>(d: D, text: string): D {
  if (d.code !== 2345 || d.start === undefined) return d;
  const head = typeof d.messageText === "string" ? d.messageText : d.messageText.messageText;
  const type = NULLISH_OPERAND.exec(head)?.[1];
  if (type === undefined) return d;
  const members = type.split(" | ");
  const isNull = members.includes("null");
  const isUndefined = members.includes("undefined");
  const operandTypes = members.filter((m) => m !== "null" && m !== "undefined");
  if (!(isNull || isUndefined) || !operandTypes.every((m) => m === "Value" || m === "number" || m === "Operand" || /^-?\d/.test(m))) return d;
  const operand = text.slice(d.start, d.start + (d.length ?? 0)).trim();
  const what = isNull && isUndefined ? "'null' or 'undefined'" : isNull ? "'null'" : "'undefined'";
  const named = ENTITY_NAME.test(operand);
  // TypeScript's codes: 18047-18049 for a name, 2531-2533 for an object (null, undefined, both)
  const code = (named ? 18047 : 2531) + (isNull && isUndefined ? 2 : isNull ? 0 : 1);
  return { ...d, code, messageText: named ? `'${operand.replace(/\s+/g, "")}' is possibly ${what}.` : `Object is possibly ${what}.` };
}

/**
 * TypeScript's diagnostics (already on the files as written) with ours added, and without
 * TypeScript's "operator cannot be applied" errors inside an expression that one of ours explains.
 */
export function withOurs(theirs: readonly TS.Diagnostic[], ours: readonly OurDiagnostic[]): TS.Diagnostic[] {
  if (ours.length === 0) return [...theirs];
  const explained = (d: TS.Diagnostic): boolean =>
    OPERATOR_ERRORS.has(d.code) &&
    d.file !== undefined &&
    d.start !== undefined &&
    ours.some((o) => {
      if (o.file?.fileName !== d.file!.fileName) return false;
      const e = o.expression ?? { start: o.start!, end: o.start! + (o.length ?? 0) };
      return d.start! >= e.start && d.start! + (d.length ?? 0) <= e.end;
    });
  return [...theirs.filter((d) => !explained(d)), ...ours];
}
