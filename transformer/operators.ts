// The one table of operators that every front end reads: the TypeScript transformer, the Babel
// plugin and the editor plugin. Each supported operator maps to the engine function the typed
// path calls (`add`) and to the dispatching helper the untyped path calls (`opAdd`), both
// exported by "micrograd-ts". Each unsupported one carries its diagnostic.

import { bitwise, compare, looseEquality, REMAINDER, STRING_CONCAT as STRING_CONCAT_MESSAGE, UNARY_PLUS, update } from "../runtime/messages.js";

/** The module the emitted code imports its helpers from. */
export const RUNTIME_MODULE = "micrograd-ts";

export interface SupportedOp {
  /** The operator as written. */
  token: string;
  /** The engine function for Value operands (typed path). */
  fn: "add" | "sub" | "mul" | "div" | "pow" | "neg";
  /** The dispatching helper for operands of unknown type (untyped path, or `any`). */
  dispatch: "opAdd" | "opSub" | "opMul" | "opDiv" | "opPow" | "opNeg";
}

/** Binary operators on Values. */
export const BINARY: Readonly<Record<string, SupportedOp>> = {
  "+": { token: "+", fn: "add", dispatch: "opAdd" },
  "-": { token: "-", fn: "sub", dispatch: "opSub" },
  "*": { token: "*", fn: "mul", dispatch: "opMul" },
  "/": { token: "/", fn: "div", dispatch: "opDiv" },
  "**": { token: "**", fn: "pow", dispatch: "opPow" },
};

/** Compound assignments: `a op= b` is `a = a op b`, with the target evaluated once. */
export const COMPOUND: Readonly<Record<string, string>> = {
  "+=": "+",
  "-=": "-",
  "*=": "*",
  "/=": "/",
  "**=": "**",
};

/** Unary operators on Values. */
export const UNARY: Readonly<Record<string, SupportedOp>> = {
  "-": { token: "-", fn: "neg", dispatch: "opNeg" },
};

export interface UnsupportedOp {
  token: string;
  /** Stable code of the diagnostic, shown as MG<code>. */
  code: number;
  /** What is wrong and what to do instead (runtime/messages.ts: the same words on every path). */
  message: string;
  /** The runtime helper that throws (with the position) when a Value reaches it untyped. */
  dispatch: "opMod" | "opLt" | "opGt" | "opLe" | "opGe" | "opBitwise" | "opBitNot" | "opPlus" | "opEq" | "opNe" | null;
}

function entry(token: string, code: number, message: string, dispatch: UnsupportedOp["dispatch"]): UnsupportedOp {
  return { token, code, message, dispatch };
}

/** Binary operators that a Value does not support, with their diagnostics. */
export const UNSUPPORTED_BINARY: Readonly<Record<string, UnsupportedOp>> = {
  "%": entry("%", 9001, REMAINDER, "opMod"),
  "<": entry("<", 9002, compare("<"), "opLt"),
  ">": entry(">", 9002, compare(">"), "opGt"),
  "<=": entry("<=", 9002, compare("<="), "opLe"),
  ">=": entry(">=", 9002, compare(">="), "opGe"),
  "&": entry("&", 9003, bitwise("&"), "opBitwise"),
  "|": entry("|", 9003, bitwise("|"), "opBitwise"),
  "^": entry("^", 9003, bitwise("^"), "opBitwise"),
  "<<": entry("<<", 9003, bitwise("<<"), "opBitwise"),
  ">>": entry(">>", 9003, bitwise(">>"), "opBitwise"),
  ">>>": entry(">>>", 9003, bitwise(">>>"), "opBitwise"),
  "%=": entry("%=", 9001, REMAINDER.replace("Operator %", "Operator %="), null),
  "&=": entry("&=", 9003, bitwise("&="), null),
  "|=": entry("|=", 9003, bitwise("|="), null),
  "^=": entry("^=", 9003, bitwise("^="), null),
  "<<=": entry("<<=", 9003, bitwise("<<="), null),
  ">>=": entry(">>=", 9003, bitwise(">>="), null),
  ">>>=": entry(">>>=", 9003, bitwise(">>>="), null),
};

/**
 * Loose equality between a Value and a number or string converts the Value. The checker already
 * rejects it on the typed path (TS2367, no overlap); the untyped path wraps it (code 9007 is not
 * reported by the TypeScript transformer).
 */
export const LOOSE_EQUALITY: Readonly<Record<string, UnsupportedOp>> = {
  "==": entry("==", 9007, looseEquality("=="), "opEq"),
  "!=": entry("!=", 9007, looseEquality("!="), "opNe"),
};

/** A Value added to a string: almost always a mistake that would print "[object Object]". */
export const STRING_CONCAT: UnsupportedOp = entry("+", 9004, STRING_CONCAT_MESSAGE, null);

/** Unary operators that a Value does not support. */
export const UNSUPPORTED_UNARY: Readonly<Record<string, UnsupportedOp>> = {
  "++": entry("++", 9005, update("++"), null),
  "--": entry("--", 9005, update("--"), null),
  "~": entry("~", 9003, bitwise("~"), "opBitNot"),
  "+": entry("+", 9006, UNARY_PLUS, "opPlus"),
};

/**
 * Functions of the language that take numbers: a Value passed to one would be converted
 * (`Math.max(a, 1)` throws without a position, `parseFloat(a)` is NaN). The untyped path checks
 * their arguments (opArg); the checker rejects a Value there on the typed path.
 */
export const NUMBER_FUNCTIONS: Readonly<Record<string, readonly string[] | "all">> = {
  Math: "all",
  Number: ["isFinite", "isInteger", "isNaN", "isSafeInteger", "parseFloat", "parseInt"],
};
/** Global functions that take numbers (called by name). */
export const NUMBER_GLOBAL_FUNCTIONS: ReadonlySet<string> = new Set(["Number", "parseFloat", "parseInt", "isNaN", "isFinite"]);

/** The untyped path's helpers beyond the operator table: update expressions, keys, number functions. */
export const CHECK_HELPERS = { update: "opUpdate", updateMember: "opUpdateMember", key: "opKey", arg: "opArg", args: "opArgs" } as const;

/** Every runtime name the transforms may import. */
export const RUNTIME_NAMES: readonly string[] = [
  ...new Set([
    ...Object.values(BINARY).flatMap((o) => [o.fn, o.dispatch]),
    ...Object.values(UNARY).flatMap((o) => [o.fn, o.dispatch]),
    ...Object.values(UNSUPPORTED_BINARY).flatMap((o) => (o.dispatch ? [o.dispatch] : [])),
    ...Object.values(UNSUPPORTED_UNARY).flatMap((o) => (o.dispatch ? [o.dispatch] : [])),
    ...Object.values(LOOSE_EQUALITY).flatMap((o) => (o.dispatch ? [o.dispatch] : [])),
    ...Object.values(CHECK_HELPERS),
  ]),
];
