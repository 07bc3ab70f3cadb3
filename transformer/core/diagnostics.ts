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

const HELPER_ARGUMENT = /^Argument of type '(.*)' is not assignable to parameter of type 'Operand'\.$/;
/** An entity name (`x`, `this.w`, `layer.neurons`): TypeScript names it in "possibly undefined" errors. */
const ENTITY_NAME = /^[A-Za-z_$][\w$]*(\s*\.\s*[A-Za-z_$#][\w$]*)*$/;

/**
 * Which side of an operator the operand at [start, end) of the text as written is on: "left"
 * when an arithmetic operator follows it, "right" when one (or a compound assignment's `=`)
 * comes before it, undefined when neither (a call of the user's own with an Operand parameter).
 */
function operatorSide(text: string, start: number, end: number): "left" | "right" | undefined {
  let i = end;
  while (i < text.length && /[\s)]/.test(text[i]!)) i++;
  if (/[-+*/]/.test(text[i] ?? "")) return "left";
  let j = start - 1;
  while (j >= 0 && /[\s(]/.test(text[j]!)) j--;
  if (/[-+*/=]/.test(text[j] ?? "")) return "right";
  return undefined;
}

/**
 * A helper's "Argument of type 'X' is not assignable to parameter of type 'Operand'" on an
 * operand as written, said as TypeScript says it of number arithmetic (the user wrote an
 * operator, not a call):
 * - may be undefined or null (an array element under noUncheckedIndexedAccess, an optional
 *   field): "'w' is possibly 'undefined'." (TS18048) for a name, "Object is possibly
 *   'undefined'." (TS2532) for another expression, and their null forms;
 * - unknown: "'u' is of type 'unknown'." (TS18046), "Object is of type 'unknown'." (TS2571);
 * - anything else: TS2362 or TS2363 (the left- or right-hand side), saying what a Value takes.
 */
function asOperandDiagnostic<D extends TS.Diagnostic | TS.DiagnosticRelatedInformation>(d: D, text: string): D {
  if (d.code !== 2345 || d.start === undefined) return d;
  const head = typeof d.messageText === "string" ? d.messageText : d.messageText.messageText;
  const type = HELPER_ARGUMENT.exec(head)?.[1];
  if (type === undefined) return d;
  const end = d.start + (d.length ?? 0);
  const side = operatorSide(text, d.start, end);
  if (side === undefined) return d;
  const operand = text.slice(d.start, end).trim();
  const named = ENTITY_NAME.test(operand);
  const name = operand.replace(/\s+/g, "");
  if (type === "unknown") return { ...d, code: named ? 18046 : 2571, messageText: named ? `'${name}' is of type 'unknown'.` : "Object is of type 'unknown'." };
  const members = type.split(" | ");
  const isNull = members.includes("null");
  const isUndefined = members.includes("undefined");
  const operandTypes = members.filter((m) => m !== "null" && m !== "undefined");
  if ((isNull || isUndefined) && operandTypes.every((m) => m === "Value" || m === "number" || m === "Operand" || /^-?\d/.test(m))) {
    const what = isNull && isUndefined ? "'null' or 'undefined'" : isNull ? "'null'" : "'undefined'";
    // TypeScript's codes: 18047-18049 for a name, 2531-2533 for an object (null, undefined, both)
    const code = (named ? 18047 : 2531) + (isNull && isUndefined ? 2 : isNull ? 0 : 1);
    return { ...d, code, messageText: named ? `'${name}' is possibly ${what}.` : `Object is possibly ${what}.` };
  }
  const hand = side === "left" ? "left-hand" : "right-hand";
  return {
    ...d,
    code: side === "left" ? 2362 : 2363,
    messageText: `The ${hand} side of an arithmetic operation with a Value must be a number or a Value; this one is of type '${type}'.`,
  };
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
