// Two Python builtins the walkthroughs lean on, so the TypeScript reads and prints like the
// Python: `print` (Python's text for numbers, lists and Values) and `sum` (which starts from 0
// and adds left to right, building the same graph as Python's sum over Values).

import { add, type Operand, Value } from "../engine.js";
import { pyRepr } from "./format.js";

/**
 * Python's str() of a value: numbers as Python prints them (1e-05, nan, inf), lists as [a, b],
 * True/False, None, Values as their repr. JavaScript has one number type, so an integral
 * number prints as a Python int would (`41`, not `41.0`); a Value's data and grad always
 * print as floats, as in micrograd.
 */
export function pyStr(x: unknown): string {
  if (typeof x === "number") return Number.isSafeInteger(x) && !Object.is(x, -0) ? String(x) : pyRepr(x);
  if (typeof x === "string") return x;
  if (typeof x === "boolean") return x ? "True" : "False";
  if (x === null || x === undefined) return "None";
  if (x instanceof Value) return x.toString();
  if (Array.isArray(x)) return `[${x.map(pyReprOf).join(", ")}]`;
  return String(x);
}

/** Python's repr() inside containers: strings quoted. */
function pyReprOf(x: unknown): string {
  return typeof x === "string" ? `'${x.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'` : pyStr(x);
}

/** Python's print: arguments as Python prints them, separated by spaces. */
export function print(...args: unknown[]): void {
  console.log(args.map(pyStr).join(" "));
}

/**
 * Python's `sum(iterable, start=0)`: `start + x0 + x1 + …`, left to right. Over Values it builds
 * the same graph as Python (`0 + x0` is a node, as in micrograd's demo); over numbers it returns
 * a number. (An empty list gives `start`, as in Python.)
 */
export function sum(values: Iterable<number>, start?: number): number;
export function sum(values: Iterable<Operand>, start?: Operand): Value;
export function sum(values: Iterable<Operand>, start: Operand = 0): Value | number {
  let acc: Operand = start;
  for (const v of values) {
    acc = typeof acc === "number" && typeof v === "number" ? acc + v : add(acc, v);
  }
  return acc;
}
