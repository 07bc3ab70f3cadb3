// Two Python builtins the walkthroughs lean on, so the TypeScript reads and prints like the
// Python: `print` (Python's text for numbers, lists and Values) and `sum` (which starts from 0
// and adds left to right, building the same graph as Python's sum over Values).

import { add, type Operand, Value } from "../engine.js";
import { pyRepr } from "./format.js";

/**
 * Python's str() of a value: numbers as Python prints them (1e-05, nan, inf), lists as [a, b],
 * True/False, None, Values as their repr, plain objects and Maps as dicts ({'a': 1}), Sets as
 * sets ({1, 2}, set()). JavaScript has one number type, so an integral number prints as a
 * Python int would (`41`, not `41.0`); a Value's data and grad always print as floats, as in
 * micrograd. An object with a toString of its own (an MLP, a Date) prints by it; a container
 * that holds itself prints `[...]` or `{...}` there, as Python does.
 */
export function pyStr(x: unknown): string {
  return str(x, new Set());
}

function str(x: unknown, open: Set<object>): string {
  if (typeof x === "number") return Number.isSafeInteger(x) && !Object.is(x, -0) ? String(x) : pyRepr(x);
  if (typeof x === "string") return x;
  if (typeof x === "boolean") return x ? "True" : "False";
  if (typeof x === "bigint") return String(x);
  if (x === null || x === undefined) return "None";
  if (x instanceof Value) return x.toString();
  // nn's modules are callable (functions) with a toString of their own
  if (typeof x === "function") return x.toString === Function.prototype.toString ? `<function ${x.name || "<lambda>"}>` : String(x);
  if (typeof x !== "object") return String(x);
  const container = Array.isArray(x) || x instanceof Map || x instanceof Set || isPlainObject(x);
  if (!container) return String(x);
  if (open.has(x)) return Array.isArray(x) ? "[...]" : "{...}";
  open.add(x);
  try {
    const r = (v: unknown) => (typeof v === "string" ? pyQuote(v) : str(v, open));
    if (Array.isArray(x)) return `[${x.map(r).join(", ")}]`;
    if (x instanceof Set) return x.size === 0 ? "set()" : `{${[...x].map(r).join(", ")}}`;
    const entries = x instanceof Map ? [...x.entries()] : Object.entries(x);
    return `{${entries.map(([k, v]) => `${r(k)}: ${r(v)}`).join(", ")}}`;
  } finally {
    open.delete(x);
  }
}

function isPlainObject(x: object): boolean {
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/** Python's repr() of a str: single quotes, unless the text has a single quote and no double. */
function pyQuote(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  const body = s.replaceAll("\\", "\\\\").replaceAll("\n", "\\n").replaceAll("\t", "\\t").replaceAll("\r", "\\r");
  return quote + (quote === "'" ? body.replaceAll("'", "\\'") : body) + quote;
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
