// The operator table (transformer/operators.ts): what every front end reads.

import * as runtime from "micrograd-ts";
import { describe, expect, test } from "vitest";
import { MESSAGES } from "../runtime/messages.ts";
import { NOT_SETTLED } from "../transformer/core/diagnostics.ts";
import {
  BINARY,
  BINARY_OPERATORS,
  CHECK_HELPERS,
  COMPOUND,
  LOOSE_EQUALITY,
  MESSAGE_CODES,
  makesValue,
  NEVER_VALUE_BINARY,
  NEVER_VALUE_UNARY,
  type Operator,
  UNARY,
  UNARY_OPERATORS,
  UNSUPPORTED_BINARY,
  UNSUPPORTED_UNARY,
} from "../transformer/operators.ts";

const all: Operator[] = [...Object.values(BINARY_OPERATORS), ...Object.values(UNARY_OPERATORS)];

// A misspelt engine function or helper is a type error (checked by `tspc --noEmit`).
// @ts-expect-error "mull" is not a name micrograd-ts exports
const misspelt: Operator = { token: "*", kind: "arithmetic", fn: "mull" };

describe("the operator table", () => {
  test("every engine function and helper it names is a function micrograd-ts exports", () => {
    const names = [...all.flatMap((op) => [op.fn, op.dispatch]), ...Object.values(CHECK_HELPERS)].filter((n) => n !== undefined);
    expect(names.length).toBeGreaterThan(20);
    for (const name of names) expect([name, typeof (runtime as Record<string, unknown>)[name]]).toEqual([name, "function"]);
    expect(misspelt.fn).toBe("mull");
  });

  test("each kind: what makes a Value, what is an error on one, what never makes one", () => {
    expect(Object.keys(BINARY)).toEqual(["+", "-", "*", "/", "**"]);
    expect(COMPOUND).toEqual({ "+=": "+", "-=": "-", "*=": "*", "/=": "/", "**=": "**" });
    expect(Object.keys(UNARY)).toEqual(["-"]);
    expect([...NEVER_VALUE_BINARY].sort()).toEqual(["!=", "!==", "%", "&", "<", "<<", "<=", "==", "===", ">", ">=", ">>", ">>>", "^", "in", "instanceof", "|"].sort());
    expect([...NEVER_VALUE_UNARY].sort()).toEqual(["!", "+", "delete", "typeof", "void", "~"].sort());
    expect(all.filter((op) => op.kind === "comparison").map((op) => op.token)).toEqual(["<", ">", "<=", ">=", "==", "!="]);
    expect(all.filter((op) => op.kind === "assignment" && makesValue(op)).map((op) => op.token)).toEqual(["+=", "-=", "*=", "/=", "**="]);
    expect(all.filter((op) => op.passToken).map((op) => op.token)).toEqual(["&", "|", "^", "<<", ">>", ">>>"]);
  });

  test("each unsupported operator carries its diagnostic: the code of its message and the runtime's words", () => {
    expect(UNSUPPORTED_BINARY["%="]).toMatchObject({
      code: 9001,
      kind: "assignment",
      message: "Operator %= is not defined on a Value (micrograd has no remainder): use a.data % b for a number.",
    });
    expect(UNSUPPORTED_BINARY["<="]).toMatchObject({ code: 9002, kind: "comparison", dispatch: "opLe", message: MESSAGES.comparison("<=") });
    expect(UNSUPPORTED_BINARY[">>>"]).toMatchObject({ code: 9003, dispatch: "opBitwise", passToken: true, message: MESSAGES.bitwise(">>>") });
    expect(UNSUPPORTED_UNARY["++"]).toMatchObject({
      code: 9005,
      kind: "update",
      message: "Operator ++ would change a Value in place: write a = a + 1 (a new node) or a.data += 1.",
    });
    expect(UNSUPPORTED_UNARY["+"]).toMatchObject({ code: 9006, dispatch: "opPlus" });
    // the checker rejects `==` between a Value and a number (TS2367): only the untyped path wraps it
    expect(UNSUPPORTED_BINARY["=="]).toBeUndefined();
    expect(LOOSE_EQUALITY["=="]).toMatchObject({ code: MESSAGE_CODES.looseEquality, dispatch: "opEq" });
    expect(Object.keys(UNSUPPORTED_BINARY)).toEqual(["%", "&", "|", "^", "<<", ">>", ">>>", "<", ">", "<=", ">=", "%=", "&=", "|=", "^=", "<<=", ">>=", ">>>="]);
  });
  test("every diagnostic code is one message's: the operator table's and the rewrite's own never share one", () => {
    const codes = [...Object.values(MESSAGE_CODES), NOT_SETTLED];
    expect(new Set(codes).size).toBe(codes.length);
    expect(NOT_SETTLED).toBe(9100);
  });
});
