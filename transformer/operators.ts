// The one table of operators that every front end reads: the TypeScript transformer, the Babel
// plugin and the editor plugin. Each supported operator maps to the engine function the typed
// path calls (`add`) and to the dispatching helper the untyped path calls (`opAdd`), both
// exported by "micrograd-ts". Each unsupported one carries its diagnostic.

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
  /** What is wrong and what to do instead. */
  message: string;
  /** The runtime helper that throws (with the position) when a Value reaches it untyped. */
  dispatch: "opMod" | "opLt" | "opGt" | "opLe" | "opGe" | "opBitwise" | "opBitNot" | "opPlus" | null;
}

const COMPARE = "Values cannot be compared with {op}: compare their numbers, a.data {op} b.data.";
const BITWISE = "Bitwise operator {op} is not defined on a Value: bitwise operators work on 32-bit integers; use a.data.";

function entry(token: string, code: number, message: string, dispatch: UnsupportedOp["dispatch"]): UnsupportedOp {
  return { token, code, message: message.replaceAll("{op}", token), dispatch };
}

/** Binary operators that a Value does not support, with their diagnostics. */
export const UNSUPPORTED_BINARY: Readonly<Record<string, UnsupportedOp>> = {
  "%": entry("%", 9001, "Operator % is not defined on a Value (micrograd has no remainder): use a.data % b for a number.", "opMod"),
  "<": entry("<", 9002, COMPARE, "opLt"),
  ">": entry(">", 9002, COMPARE, "opGt"),
  "<=": entry("<=", 9002, COMPARE, "opLe"),
  ">=": entry(">=", 9002, COMPARE, "opGe"),
  "&": entry("&", 9003, BITWISE, "opBitwise"),
  "|": entry("|", 9003, BITWISE, "opBitwise"),
  "^": entry("^", 9003, BITWISE, "opBitwise"),
  "<<": entry("<<", 9003, BITWISE, "opBitwise"),
  ">>": entry(">>", 9003, BITWISE, "opBitwise"),
  ">>>": entry(">>>", 9003, BITWISE, "opBitwise"),
  "%=": entry("%=", 9001, "Operator %= is not defined on a Value (micrograd has no remainder): use a.data % b for a number.", null),
  "&=": entry("&=", 9003, BITWISE, null),
  "|=": entry("|=", 9003, BITWISE, null),
  "^=": entry("^=", 9003, BITWISE, null),
  "<<=": entry("<<=", 9003, BITWISE, null),
  ">>=": entry(">>=", 9003, BITWISE, null),
  ">>>=": entry(">>>=", 9003, BITWISE, null),
};

/** A Value added to a string: almost always a mistake that would print "[object Object]". */
export const STRING_CONCAT: UnsupportedOp = entry(
  "+",
  9004,
  "A Value cannot be added to a string: use a template literal (`${a}` prints Value(data=…, grad=…)) or a.data.",
  null,
);

/** Unary operators that a Value does not support. */
export const UNSUPPORTED_UNARY: Readonly<Record<string, UnsupportedOp>> = {
  "++": entry("++", 9005, "Operator ++ would change a Value in place: write a = a + 1 (a new node) or a.data += 1.", null),
  "--": entry("--", 9005, "Operator -- would change a Value in place: write a = a - 1 (a new node) or a.data -= 1.", null),
  "~": entry("~", 9003, BITWISE, "opBitNot"),
  "+": entry("+", 9006, "Unary + would turn a Value into a number: use a.data, or a itself.", "opPlus"),
};

/** Every runtime name the transforms may import. */
export const RUNTIME_NAMES: readonly string[] = [
  ...new Set([
    ...Object.values(BINARY).flatMap((o) => [o.fn, o.dispatch]),
    ...Object.values(UNARY).flatMap((o) => [o.fn, o.dispatch]),
    ...Object.values(UNSUPPORTED_BINARY).flatMap((o) => (o.dispatch ? [o.dispatch] : [])),
    ...Object.values(UNSUPPORTED_UNARY).flatMap((o) => (o.dispatch ? [o.dispatch] : [])),
  ]),
];
