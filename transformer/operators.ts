// The one table of operators that every front end reads: the TypeScript transformer, the Babel
// plugin and the editor plugin. Each operator says its kind, the engine function the typed path
// calls for Values (`add`), the dispatching helper the untyped path calls (`opAdd`), both typed
// against what "micrograd-ts" exports (a misspelt name fails the type check), and which message a
// Value meeting it gets (the words are runtime/messages.ts's, the same on every path).

import type * as Runtime from "../runtime/index.js";
import { MESSAGES, type MessageId } from "../runtime/messages.js";

/** The module the emitted code imports its helpers from. */
export const RUNTIME_MODULE = "micrograd-ts";

/** A name "micrograd-ts" exports. */
export type RuntimeName = keyof typeof Runtime;

/**
 * - arithmetic: `a op b`, a Value on either side makes a Value where the engine has the operation
 *   (`fn`), and is an error where it has none (`%`, the bitwise operators);
 * - comparison: a boolean; a Value there is an error (it would be converted to a number);
 * - assignment: `a op= b`, which is `a = a op b` with the target evaluated once (`applies`);
 * - unary: `-a` (a Value), `+a` and `~a` (errors);
 * - update: `a++`, `--a`: an error on a Value (it would change it in place);
 * - never-a-value: what a Value may meet and that never makes one (`===`, `in`, `typeof`, `!`…).
 */
export type OperatorKind = "arithmetic" | "comparison" | "assignment" | "unary" | "update" | "never-a-value";

export interface Operator {
  token: string;
  kind: OperatorKind;
  /** The engine function for Value operands (the typed path): only where a Value has the operation. */
  fn?: RuntimeName;
  /** The dispatching helper for operands of unknown type (the untyped path, or `any`). */
  dispatch?: RuntimeName;
  /** The helper takes the operator's token first (`opBitwise("&", a, b, where)`). */
  passToken?: boolean;
  /** An assignment: the operator it applies (`*=` applies `*`). */
  applies?: string;
  /** What a Value here gets: the message (runtime/messages.ts) and its diagnostic code, MG<code>. */
  message?: MessageId;
  /** The checker already rejects a Value here (`==` with a number: TS2367), so the typed path reports nothing of its own. */
  checkerRejects?: boolean;
}

type Spec = Omit<Operator, "token">;
const table = <K extends string>(specs: Record<K, Spec>): Readonly<Record<K, Operator>> =>
  Object.fromEntries(Object.entries<Spec>(specs).map(([token, spec]) => [token, { token, ...spec }])) as Record<K, Operator>;

/** The diagnostic code of each message, shown as MG<code>. */
export const MESSAGE_CODES: Readonly<Record<MessageId, number>> = {
  remainder: 9001,
  comparison: 9002,
  bitwise: 9003,
  stringConcat: 9004,
  update: 9005,
  unaryPlus: 9006,
  looseEquality: 9007,
};

/** Binary operators, and the assignments that apply them. */
export const BINARY_OPERATORS = table({
  "+": { kind: "arithmetic", fn: "add", dispatch: "opAdd" },
  "-": { kind: "arithmetic", fn: "sub", dispatch: "opSub" },
  "*": { kind: "arithmetic", fn: "mul", dispatch: "opMul" },
  "/": { kind: "arithmetic", fn: "div", dispatch: "opDiv" },
  "**": { kind: "arithmetic", fn: "pow", dispatch: "opPow" },
  "%": { kind: "arithmetic", dispatch: "opMod", message: "remainder" },
  "&": { kind: "arithmetic", dispatch: "opBitwise", passToken: true, message: "bitwise" },
  "|": { kind: "arithmetic", dispatch: "opBitwise", passToken: true, message: "bitwise" },
  "^": { kind: "arithmetic", dispatch: "opBitwise", passToken: true, message: "bitwise" },
  "<<": { kind: "arithmetic", dispatch: "opBitwise", passToken: true, message: "bitwise" },
  ">>": { kind: "arithmetic", dispatch: "opBitwise", passToken: true, message: "bitwise" },
  ">>>": { kind: "arithmetic", dispatch: "opBitwise", passToken: true, message: "bitwise" },
  "<": { kind: "comparison", dispatch: "opLt", message: "comparison" },
  ">": { kind: "comparison", dispatch: "opGt", message: "comparison" },
  "<=": { kind: "comparison", dispatch: "opLe", message: "comparison" },
  ">=": { kind: "comparison", dispatch: "opGe", message: "comparison" },
  "==": { kind: "comparison", dispatch: "opEq", message: "looseEquality", checkerRejects: true },
  "!=": { kind: "comparison", dispatch: "opNe", message: "looseEquality", checkerRejects: true },
  "===": { kind: "never-a-value" },
  "!==": { kind: "never-a-value" },
  in: { kind: "never-a-value" },
  instanceof: { kind: "never-a-value" },
  "+=": { kind: "assignment", applies: "+" },
  "-=": { kind: "assignment", applies: "-" },
  "*=": { kind: "assignment", applies: "*" },
  "/=": { kind: "assignment", applies: "/" },
  "**=": { kind: "assignment", applies: "**" },
  "%=": { kind: "assignment", applies: "%", message: "remainder" },
  "&=": { kind: "assignment", applies: "&", message: "bitwise" },
  "|=": { kind: "assignment", applies: "|", message: "bitwise" },
  "^=": { kind: "assignment", applies: "^", message: "bitwise" },
  "<<=": { kind: "assignment", applies: "<<", message: "bitwise" },
  ">>=": { kind: "assignment", applies: ">>", message: "bitwise" },
  ">>>=": { kind: "assignment", applies: ">>>", message: "bitwise" },
});

/** Prefix and postfix operators. */
export const UNARY_OPERATORS = table({
  "-": { kind: "unary", fn: "neg", dispatch: "opNeg" },
  "+": { kind: "unary", dispatch: "opPlus", message: "unaryPlus" },
  "~": { kind: "unary", dispatch: "opBitNot", message: "bitwise" },
  "++": { kind: "update", message: "update" },
  "--": { kind: "update", message: "update" },
  "!": { kind: "never-a-value" },
  typeof: { kind: "never-a-value" },
  void: { kind: "never-a-value" },
  delete: { kind: "never-a-value" },
});

/** Whether the operator's result can be a Value: only where the engine has the operation. */
export function makesValue(op: Operator | undefined): boolean {
  return op !== undefined && (op.fn !== undefined || (op.kind === "assignment" && BINARY_OPERATORS[op.applies as keyof typeof BINARY_OPERATORS]?.fn !== undefined));
}

/** The operator an assignment applies (`*=` -> `*`), or the operator itself. */
export function applied(op: Operator): Operator {
  return op.kind === "assignment" ? BINARY_OPERATORS[op.applies as keyof typeof BINARY_OPERATORS] : op;
}

// ---- The views the front ends read ------------------------------------------------------------

/** An operator on Values: its engine function and its dispatching helper. */
export interface SupportedOp extends Operator {
  fn: RuntimeName;
  dispatch: RuntimeName;
}

/** An operator a Value does not support, with its diagnostic. */
export interface UnsupportedOp extends Omit<Operator, "message"> {
  /** Stable code of the diagnostic, shown as MG<code>. */
  code: number;
  /** What is wrong and what to do instead: the same words on every path (runtime/messages.ts). */
  message: string;
}

const byToken = <T>(ops: Readonly<Record<string, Operator>>, pick: (op: Operator) => T | undefined): Readonly<Record<string, T>> =>
  Object.fromEntries(
    Object.values(ops).flatMap((op) => {
      const v = pick(op);
      return v === undefined ? [] : [[op.token, v]];
    }),
  );

const supported = (op: Operator): SupportedOp | undefined => (op.fn && op.dispatch ? (op as SupportedOp) : undefined);
const unsupported = (op: Operator): UnsupportedOp | undefined => (op.message ? { ...op, code: MESSAGE_CODES[op.message], message: MESSAGES[op.message](op.token) } : undefined);

/** Binary operators on Values (`a * b` -> `mul(a, b)` / `opMul(a, b)`). */
export const BINARY: Readonly<Record<string, SupportedOp>> = byToken(BINARY_OPERATORS, (op) => (op.kind === "arithmetic" ? supported(op) : undefined));

/** Compound assignments on Values: `a op= b` is `a = a op b`, with the target evaluated once. */
export const COMPOUND: Readonly<Record<string, string>> = byToken(BINARY_OPERATORS, (op) => (op.kind === "assignment" && makesValue(op) ? op.applies : undefined));

/** Unary operators on Values. */
export const UNARY: Readonly<Record<string, SupportedOp>> = byToken(UNARY_OPERATORS, supported);

/** Binary operators (and assignments) that a Value does not support and the typed path reports. */
export const UNSUPPORTED_BINARY: Readonly<Record<string, UnsupportedOp>> = byToken(BINARY_OPERATORS, (op) => (op.checkerRejects ? undefined : unsupported(op)));

/**
 * Loose equality between a Value and a number or string converts the Value. The checker already
 * rejects it on the typed path (TS2367, no overlap); the untyped path wraps it.
 */
export const LOOSE_EQUALITY: Readonly<Record<string, UnsupportedOp>> = byToken(BINARY_OPERATORS, (op) => (op.checkerRejects ? unsupported(op) : undefined));

/** Unary and update operators that a Value does not support. */
export const UNSUPPORTED_UNARY: Readonly<Record<string, UnsupportedOp>> = byToken(UNARY_OPERATORS, unsupported);

/** A Value added to a string: almost always a mistake that would print "[object Object]". */
export const STRING_CONCAT: UnsupportedOp = { token: "+", kind: "arithmetic", code: MESSAGE_CODES.stringConcat, message: MESSAGES.stringConcat("+") };

/** Operators whose result is never a Value (a boolean, a number, or a string for typeof). */
export const NEVER_VALUE_BINARY: ReadonlySet<string> = new Set(
  Object.values(BINARY_OPERATORS)
    .filter((op) => op.kind !== "assignment" && !makesValue(op))
    .map((op) => op.token),
);
export const NEVER_VALUE_UNARY: ReadonlySet<string> = new Set(
  Object.values(UNARY_OPERATORS)
    .filter((op) => op.kind !== "update" && !makesValue(op))
    .map((op) => op.token),
);

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

/** The untyped path's helpers beyond the operators: update expressions, keys, number functions. */
export const CHECK_HELPERS = { update: "opUpdate", updateMember: "opUpdateMember", key: "opKey", arg: "opArg", args: "opArgs" } as const satisfies Record<string, RuntimeName>;

/** The binary operator (or assignment) written `token`, if the table has it. */
export function binaryOperator(token: string): Operator | undefined {
  return (BINARY_OPERATORS as Readonly<Record<string, Operator>>)[token];
}

/** The unary or update operator written `token`, if the table has it. */
export function unaryOperator(token: string): Operator | undefined {
  return (UNARY_OPERATORS as Readonly<Record<string, Operator>>)[token];
}
