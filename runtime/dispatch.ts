// The dispatching operator helpers that the transforms emit where types do not decide (the Babel
// path always; the TypeScript path for an operand that may be a Value or a number, such as
// `Value | number` or a type parameter, and for `any` under the option dispatchAny). Two numbers
// take the fast path (the native operator); a Value on either side goes to the engine; anything
// else falls back to the native operator, so `"a" + 1` is still "a1". Their types say what they
// return member by member (ArithmeticResult), so `x * 2` with `x: Value | number` is
// `Value | number` to the checker, as it is at run time.
//
// The unsupported operators (`%`, `<`, bitwise, unary `+`, `==`, `++`) and the places that would
// convert a Value (a computed key, an argument of Math.max…) are wrapped on the untyped path only
// to give a clear error, with the source position, when a Value reaches them at run time; the
// words are runtime/messages.ts's, the same as the TypeScript transformer's diagnostics.

import { add, div, isValue, mul, neg, pow, sub, type Value } from "./engine.js";
import { bitwise, compare, looseEquality, numberFunction, PROPERTY_KEY, REMAINDER, STRING_CONCAT, UNARY_PLUS, update } from "./messages.js";

// biome-ignore lint/suspicious/noExplicitAny: the operands of an operator the transform rewrote can be anything
type Any = any;

type IsAny<T> = 0 extends 1 & T ? true : false;

/**
 * The type of `a - b`, `a * b`, `a / b`, `a ** b` computed by the dispatching helper, for each
 * member of a union: a Value on either side gives a Value, two bigints a bigint, anything else a
 * number; `any` gives `any`. (`Value | number` times a number: `Value | number`.)
 */
export type ArithmeticResult<A, B> =
  IsAny<A> extends true ? Any : IsAny<B> extends true ? Any : A extends Value ? Value : B extends Value ? Value : A extends bigint ? (B extends bigint ? bigint : number) : number;

/** The type of `a + b` computed by opAdd: as ArithmeticResult, and a string when either side is one. */
export type AdditionResult<A, B> = IsAny<A> extends true ? Any : IsAny<B> extends true ? Any : A extends string ? string : B extends string ? string : ArithmeticResult<A, B>;

/** The type of `-a` computed by opNeg. */
export type NegationResult<A> = IsAny<A> extends true ? Any : A extends Value ? Value : A extends bigint ? bigint : number;

export function opAdd<A, B>(a: A, b: B): AdditionResult<A, B>;
export function opAdd(a: Any, b: Any): Any {
  if (typeof a === "number" && typeof b === "number") return a + b;
  if (isValue(a) || isValue(b)) {
    if (typeof a === "string" || typeof b === "string") {
      throw new TypeError(STRING_CONCAT);
    }
    return add(a, b);
  }
  return a + b;
}

export function opSub<A, B>(a: A, b: B): ArithmeticResult<A, B>;
export function opSub(a: Any, b: Any): Any {
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (isValue(a) || isValue(b)) return sub(a, b);
  return a - b;
}

export function opMul<A, B>(a: A, b: B): ArithmeticResult<A, B>;
export function opMul(a: Any, b: Any): Any {
  if (typeof a === "number" && typeof b === "number") return a * b;
  if (isValue(a) || isValue(b)) return mul(a, b);
  return a * b;
}

export function opDiv<A, B>(a: A, b: B): ArithmeticResult<A, B>;
export function opDiv(a: Any, b: Any): Any {
  if (typeof a === "number" && typeof b === "number") return a / b;
  if (isValue(a) || isValue(b)) return div(a, b);
  return a / b;
}

export function opPow<A, B>(a: A, b: B): ArithmeticResult<A, B>;
export function opPow(a: Any, b: Any): Any {
  if (typeof a === "number" && typeof b === "number") return a ** b;
  if (isValue(a) || isValue(b)) return pow(a, b);
  return a ** b;
}

export function opNeg<A>(a: A): NegationResult<A>;
export function opNeg(a: Any): Any {
  if (typeof a === "number") return -a;
  if (isValue(a)) return neg(a);
  return -a;
}

function unsupported(where: string, message: string): never {
  throw new TypeError(where ? `${where}: ${message}` : message);
}

export function opMod(a: Any, b: Any, where = ""): Any {
  if (typeof a === "number" && typeof b === "number") return a % b;
  if (isValue(a) || isValue(b)) unsupported(where, REMAINDER);
  return a % b;
}

export function opLt(a: Any, b: Any, where = ""): Any {
  if (typeof a === "number" && typeof b === "number") return a < b;
  if (isValue(a) || isValue(b)) unsupported(where, compare("<"));
  return a < b;
}

export function opGt(a: Any, b: Any, where = ""): Any {
  if (typeof a === "number" && typeof b === "number") return a > b;
  if (isValue(a) || isValue(b)) unsupported(where, compare(">"));
  return a > b;
}

export function opLe(a: Any, b: Any, where = ""): Any {
  if (typeof a === "number" && typeof b === "number") return a <= b;
  if (isValue(a) || isValue(b)) unsupported(where, compare("<="));
  return a <= b;
}

export function opGe(a: Any, b: Any, where = ""): Any {
  if (typeof a === "number" && typeof b === "number") return a >= b;
  if (isValue(a) || isValue(b)) unsupported(where, compare(">="));
  return a >= b;
}

/** Any binary bitwise operator (`& | ^ << >> >>>`), named by `op`, on a Value. */
export function opBitwise(op: string, a: Any, b: Any, where = ""): Any {
  if (isValue(a) || isValue(b)) unsupported(where, bitwise(op));
  switch (op) {
    case "&":
      return a & b;
    case "|":
      return a | b;
    case "^":
      return a ^ b;
    case "<<":
      return a << b;
    case ">>":
      return a >> b;
    case ">>>":
      return a >>> b;
  }
  throw new TypeError(`opBitwise: unknown operator ${op}`);
}

export function opBitNot(a: Any, where = ""): Any {
  if (typeof a === "number") return ~a;
  if (isValue(a)) unsupported(where, bitwise("~"));
  return ~a;
}

export function opPlus(a: Any, where = ""): Any {
  if (typeof a === "number") return a;
  if (isValue(a)) unsupported(where, UNARY_PLUS);
  return +a;
}

/** Whether `==` between these would convert a Value: a Value against a primitive other than null and undefined. */
function convertsValue(a: Any, b: Any): boolean {
  const av = isValue(a);
  const bv = isValue(b);
  if (av === bv) return false;
  const other = av ? b : a;
  return other !== null && other !== undefined && typeof other !== "object" && typeof other !== "function";
}

export function opEq(a: Any, b: Any, where = ""): boolean {
  if (typeof a === "number" && typeof b === "number") return a == b;
  if (convertsValue(a, b)) unsupported(where, looseEquality("=="));
  return a == b;
}

export function opNe(a: Any, b: Any, where = ""): boolean {
  if (typeof a === "number" && typeof b === "number") return a != b;
  if (convertsValue(a, b)) unsupported(where, looseEquality("!="));
  return a != b;
}

/** Before `x++` (or `--x`…) on a variable: a Value there throws with the position; anything else is updated as written. */
export function opUpdate(x: Any, op: "++" | "--", where = ""): void {
  if (isValue(x)) unsupported(where, update(op));
}

/**
 * `obj[key]++` and the like, the object and key evaluated once by the caller: reads the property
 * once, throws for a Value, writes the update back and returns what the expression gives (the
 * old number for postfix, the new one for prefix), as the operator itself does.
 */
export function opUpdateMember(obj: Any, key: Any, op: "++" | "--", prefix: boolean, where = ""): Any {
  let next = obj[key];
  if (isValue(next)) unsupported(where, update(op));
  // the operator on a local: ToNumeric once, as on the property (a bigint stays a bigint)
  const old = op === "++" ? next++ : next--;
  obj[key] = next;
  return prefix ? next : old;
}

/** A computed key (`arr[i]`, `i in o`) that could be a Value. */
export function opKey(key: Any, where = ""): Any {
  if (typeof key === "object" && isValue(key)) unsupported(where, PROPERTY_KEY);
  return key;
}

/** An argument of a function that takes numbers (`Math.max(a, 1)`, `Number(a)`). */
export function opArg(x: Any, name: string, where = ""): Any {
  if (typeof x === "object" && isValue(x)) unsupported(where, numberFunction(name));
  return x;
}

/** A spread argument of such a function (`Math.max(...xs)`): iterated once, as the call would. */
export function opArgs(xs: Any, name: string, where = ""): Any[] {
  const out = [...xs];
  for (const x of out) if (isValue(x)) unsupported(where, numberFunction(name));
  return out;
}
