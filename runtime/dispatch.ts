// The dispatching operator helpers that the transforms emit where types do not decide
// (the Babel path always; the TypeScript path for operands typed `any`). Two numbers take the
// fast path (the native operator); a Value on either side goes to the engine; anything else
// falls back to the native operator, so `"a" + 1` is still "a1".
//
// The unsupported operators (`%`, `<`, bitwise, unary `+`) are wrapped only to give a clear
// error, with the source position, when a Value reaches them at run time.

import { add, div, isValue, mul, neg, pow, sub } from "./engine.js";

type Any = any; // eslint-disable-line @typescript-eslint/no-explicit-any

export function opAdd(a: Any, b: Any): Any {
  if (typeof a === "number" && typeof b === "number") return a + b;
  if (isValue(a) || isValue(b)) {
    if (typeof a === "string" || typeof b === "string") {
      throw new TypeError("A Value cannot be added to a string: use a template literal (`${a}` prints Value(data=…, grad=…)) or a.data.");
    }
    return add(a, b);
  }
  return a + b;
}

export function opSub(a: Any, b: Any): Any {
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (isValue(a) || isValue(b)) return sub(a, b);
  return a - b;
}

export function opMul(a: Any, b: Any): Any {
  if (typeof a === "number" && typeof b === "number") return a * b;
  if (isValue(a) || isValue(b)) return mul(a, b);
  return a * b;
}

export function opDiv(a: Any, b: Any): Any {
  if (typeof a === "number" && typeof b === "number") return a / b;
  if (isValue(a) || isValue(b)) return div(a, b);
  return a / b;
}

export function opPow(a: Any, b: Any): Any {
  if (typeof a === "number" && typeof b === "number") return a ** b;
  if (isValue(a) || isValue(b)) return pow(a, b);
  return a ** b;
}

export function opNeg(a: Any): Any {
  if (typeof a === "number") return -a;
  if (isValue(a)) return neg(a);
  return -a;
}

function unsupported(op: string, where: string, advice: string): never {
  throw new TypeError(`${where ? where + ": " : ""}the operator ${op} is not supported on a Value. ${advice}`);
}

const COMPARE = "Compare the numbers instead: a.data < b.data.";

export function opMod(a: Any, b: Any, where = ""): Any {
  if (typeof a === "number" && typeof b === "number") return a % b;
  if (isValue(a) || isValue(b)) unsupported("%", where, "Value has no remainder: it has no derivative micrograd defines. Use a.data % b for a number.");
  return a % b;
}

export function opLt(a: Any, b: Any, where = ""): Any {
  if (typeof a === "number" && typeof b === "number") return a < b;
  if (isValue(a) || isValue(b)) unsupported("<", where, COMPARE);
  return a < b;
}

export function opGt(a: Any, b: Any, where = ""): Any {
  if (typeof a === "number" && typeof b === "number") return a > b;
  if (isValue(a) || isValue(b)) unsupported(">", where, COMPARE);
  return a > b;
}

export function opLe(a: Any, b: Any, where = ""): Any {
  if (typeof a === "number" && typeof b === "number") return a <= b;
  if (isValue(a) || isValue(b)) unsupported("<=", where, COMPARE);
  return a <= b;
}

export function opGe(a: Any, b: Any, where = ""): Any {
  if (typeof a === "number" && typeof b === "number") return a >= b;
  if (isValue(a) || isValue(b)) unsupported(">=", where, COMPARE);
  return a >= b;
}

const BITWISE = "Bitwise operators work on 32-bit integers, not on Values: use a.data.";

/** Any binary bitwise operator (`& | ^ << >> >>>`), named by `op`, on a Value. */
export function opBitwise(op: string, a: Any, b: Any, where = ""): Any {
  if (isValue(a) || isValue(b)) unsupported(op, where, BITWISE);
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
  if (isValue(a)) unsupported("~", where, BITWISE);
  return ~a;
}

export function opPlus(a: Any, where = ""): Any {
  if (typeof a === "number") return a;
  if (isValue(a)) unsupported("unary +", where, "A Value is not a number: use a.data, or a itself.");
  return +a;
}
