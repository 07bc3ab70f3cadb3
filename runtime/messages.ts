// What every path says about a Value at an operator or a function it does not support: the
// TypeScript transformer's diagnostics (MG9001…, through transformer/operators.ts), the errors
// the dispatching helpers throw at run time on the untyped paths (runtime/dispatch.ts, after the
// source position), and a Value's own refusal to become a number (runtime/engine.ts). One text
// per case, so that a mistake reads the same whichever way the code was compiled.

/** `a % b`, `a %= b`. */
export const remainder = (op: string): string => `Operator ${op} is not defined on a Value (micrograd has no remainder): use a.data % b for a number.`;
export const REMAINDER = remainder("%");

/** `a < b`, `a <= b`, `a > b`, `a >= b`. */
export const compare = (op: string): string => `Values cannot be compared with ${op}: compare their numbers, a.data ${op} b.data.`;

/** `& | ^ << >> >>> ~` and their assignments. */
export const bitwise = (op: string): string => `Bitwise operator ${op} is not defined on a Value: bitwise operators work on 32-bit integers; use a.data.`;

/** `a + " is a"`: almost always a mistake that would print "[object Object]". */
export const STRING_CONCAT = "A Value cannot be added to a string: use a template literal (`${a}` prints Value(data=…, grad=…)) or a.data.";

/** `a++`, `--a`. */
export const update = (op: "++" | "--"): string => `Operator ${op} would change a Value in place: write a = a ${op[0]} 1 (a new node) or a.data ${op[0]}= 1.`;

/** `+a`. */
export const UNARY_PLUS = "Unary + would turn a Value into a number: use a.data, or a itself.";

/** `a == 2`, `a != "x"`: the Value would be converted to a primitive. */
export const looseEquality = (op: "==" | "!="): string =>
  `Operator ${op} between a Value and a number or string would convert the Value: compare its number, a.data ${op} 2, or use ${op}= to ask whether two Values are the same node.`;

/**
 * The message of each operator a Value does not support, by the name the operator table
 * (transformer/operators.ts) gives it, as a function of the operator's token.
 */
export const MESSAGES = {
  remainder,
  comparison: compare,
  bitwise,
  stringConcat: (_op: string): string => STRING_CONCAT,
  update: (op: string): string => update(op as "++" | "--"),
  unaryPlus: (_op: string): string => UNARY_PLUS,
  looseEquality: (op: string): string => looseEquality(op as "==" | "!="),
} as const;
export type MessageId = keyof typeof MESSAGES;

/** `Math.max(a, 1)`, `Number(a)`, `parseFloat(a)`: a function that takes numbers. */
export const numberFunction = (name: string): string =>
  `${name} takes numbers, and a Value is not one: pass its number, a.data (the result is then a number outside the graph), or use the Value's own operations (a.relu(), a.tanh(), a.exp(), a ** k, a * b).`;

/** `arr[a]`, `a in o`: a property key. */
export const PROPERTY_KEY =
  'A Value used as an index or property key would become the string "Value(data=…, grad=…)" and find nothing: index with a number, a.data, or keep Values in a Map.';

/**
 * Why a Value met an operator or a number function that no transform rewrote, and what to do: it
 * follows "Value(…) was used as a number or with an operator." in the Value's own TypeError.
 */
export const TRANSFORM_HELP =
  "No micrograd-ts transform rewrote this use. Likely causes: under tspc, an operand typed `any` " +
  "(arithmetic the checker does not prove to involve a Value is emitted as tsc emits it): give it a " +
  'type (Value, or Value | number), or set "dispatchAny": true in the transformer\'s options; or a ' +
  "file that no transform saw: a file outside the tsconfig.json program, a file the Babel plugin " +
  'was not told to rewrite (it rewrites files that import "micrograd-ts" or start with ' +
  '"use micrograd", or every file with { all: true }), or code run by a tool without the plugin ' +
  '(set up micrograd-ts/transformer for tspc, "micrograd-ts/babel", the bundler plugin, or ' +
  "`node --import micrograd-ts/register`), or call the methods: a.mul(b).add(c). Operators and " +
  "functions a Value does not have (< > % == ++ -- bitwise, unary +, Math.*) need its number: a.data.";
