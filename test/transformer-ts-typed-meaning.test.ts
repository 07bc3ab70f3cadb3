// What the TypeScript transformer decides from the types (issue 11, items 5 to 7), beyond the
// fixtures: arithmetic on `any` is emitted as tsc emits it (JavaScript, declarations and
// diagnostics), unless the plugin's option dispatchAny says otherwise; a Value hidden in `any`
// then throws, naming the cause; an operand that may be a Value or a number gets the exact type
// `Value | number`; a type wrapper around a compound assignment's target only speaks to the checker.

import { rmSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import microgradTransformer from "../transformer/ts/index.ts";
import { COMPILER_OPTIONS, compile, ensureDist, plain, runModules, scratchDir, virtualHost } from "./transformer-ts.helpers.ts";

let dir: string;
beforeAll(() => {
  ensureDist();
  dir = scratchDir("mg-typed-meaning-");
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const ANY = `import { Value } from "micrograd-ts";
export function scale(x: any, k: number) {
  return x * k + 1;
}
export const shout = (x: any) => (x * 2).toUpperCase();
export function join<T>(x: T, y: any) {
  return x + y;
}
export function total(xs: any[]) {
  let acc: any = 0;
  for (const x of xs) acc += x;
  return -acc;
}
export const w = new Value(2);
console.log(scale(3, 2), total([1, 2]));
console.log(String(scale(w, 2)));
`;

describe("arithmetic on any (item 7)", () => {
  test("by default: the JavaScript, the declarations and the diagnostics are plain tsc's", () => {
    const file = join(dir, "any.ts");
    const files = new Map([[file, ANY]]);
    const withT = compile(files, true, { declaration: true });
    const without = compile(files, false, { declaration: true });
    expect(withT.js.get(file)).toBe(without.js.get(file));
    expect(withT.dts.get(file)).toBe(without.dts.get(file));
    expect(withT.dts.get(file)).toContain("export declare function scale(x: any, k: number): number;");
    expect(plain(withT.diagnostics)).toEqual(plain(without.diagnostics));
    expect(plain(withT.diagnostics)).toEqual([{ code: 2339, line: 5, column: 42, message: "Property 'toUpperCase' does not exist on type 'number'." }]);
  });

  test("a Value that reaches such an operator throws, naming the operand typed any and the option", () => {
    const file = join(dir, "any-run.ts");
    const source = ANY.replace(/export const shout.*\n/, "");
    const c = compile(new Map([[file, source]]), true);
    expect(plain(c.diagnostics)).toEqual([]);
    const run = runModules(dir, new Map([["any-run.js", c.js.get(file)!]])).get("any-run.js")!;
    expect(run.stdout).toBe("7 -3\n");
    expect(run.error).toMatch(
      /TypeError: Value\(data=2\.0, grad=0\.0\) was used as a number or with an operator\. No micrograd-ts transform rewrote this use\. Likely causes: under tspc, an operand typed `any`.*give it a type \(Value, or Value \| number\), or set "dispatchAny": true/,
    );
  });

  test('"dispatchAny": true in the plugin entry: the dispatching helpers, numbers as numbers and Values as Values', () => {
    const file = join(dir, "any-dispatch.ts");
    const source = ANY.replace(/export const shout.*\n/, "");
    const files = new Map([[file, source]]);
    const options = { ...COMPILER_OPTIONS, declaration: true };
    const host = virtualHost(files, options);
    const program = ts.createProgram([file], options, host);
    for (const [config, expected] of [
      [{ transformProgram: true }, "return x * k + 1;"],
      [{ transformProgram: true, dispatchAny: true }, "return opAdd(opMul(x, k), 1);"],
    ] as const) {
      const out = new Map<string, string>();
      const rewritten = microgradTransformer(program, host, config, { ts });
      rewritten.emit(undefined, (name, text) => out.set(name.endsWith(".d.ts") ? "dts" : "js", text));
      expect(out.get("js")).toContain(expected);
      if (config.dispatchAny) {
        expect(out.get("js")).toContain("acc = opAdd(acc, x);");
        expect(out.get("js")).toContain("return opNeg(acc);");
        expect(out.get("dts")).toContain("export declare function scale(x: any, k: number): any;");
        const run = runModules(dir, new Map([["any-dispatched.js", out.get("js")!]])).get("any-dispatched.js")!;
        expect(run.error ?? "").toBe("");
        expect(run.stdout).toBe("7 -3\nValue(data=5.0, grad=0.0)\n");
      }
    }
  });
});

describe("operands that may be a Value or a number (item 6)", () => {
  const source = `import { Value } from "micrograd-ts";
export function dbl(x: Value | number) {
  return x * 2;
}
export function twice<T>(x: T) {
  return x + x;
}
export const halves = (xs: readonly (Value | number)[]) => xs.map((x) => x / 2);
export const neg = (x: Value | number) => -x;
export const six = dbl(3);
export const v = dbl(new Value(3));
export const label = twice("ab");
export function both(a: Value, u: Value | number) {
  return a * u;
}
`;
  test("the declarations say Value | number where the checker cannot tell, Value where it can", () => {
    const file = join(dir, "union.ts");
    const c = compile(new Map([[file, source]]), true, { declaration: true });
    expect(plain(c.diagnostics)).toEqual([]);
    const dts = c.dts.get(file)!;
    expect(dts).toContain("export declare function dbl(x: Value | number): number | Value;");
    expect(dts).toContain('export declare function twice<T>(x: T): import("micrograd-ts").AdditionResult<T, T>;');
    expect(dts).toContain("export declare const halves: (xs: readonly (Value | number)[]) => (number | Value)[];");
    expect(dts).toContain("export declare const neg: (x: Value | number) => number | Value;");
    expect(dts).toContain("export declare const six: number | Value;");
    expect(dts).toContain("export declare const label: string;");
    // a side the checker proves to be a Value: the engine's call, a Value
    expect(dts).toContain("export declare function both(a: Value, u: Value | number): Value;");
    expect(c.js.get(file)).toContain("return mul(a, u);");
    expect(c.js.get(file)).toContain("return opMul(x, 2);");
  });

  test("the result is not taken for a Value: using it as one is the checker's error, at the place written", () => {
    const file = join(dir, "union-use.ts");
    const c = compile(new Map([[file, source + "export const d = dbl(2).data;\nconst n: number = -dbl(2);\n"]]), true);
    expect(plain(c.diagnostics).map((d) => [d.code, d.line, d.column])).toEqual([
      [2339, 16, 25],
      [2322, 17, 7],
    ]);
  });

  test("Value | number against what is no number still reports, at the argument", () => {
    const file = join(dir, "union-bad.ts");
    const c = compile(
      new Map([[file, 'import { Value } from "micrograd-ts";\nexport const f = (x: Value | number, s: string[]) => x * s;\nexport const g = (x: Value | number) => x < 2;\n']]),
      true,
    );
    // said as tsc says it of a number times a string array (TS2363), not as the helper's parameter
    expect(plain(c.diagnostics).map((d) => [d.code, d.line, d.column, d.message])).toEqual([
      [2363, 2, 58, "The right-hand side of an arithmetic operation with a Value must be a number or a Value; this one is of type 'string[]'."],
      [9002, 3, 43, "Values cannot be compared with <: compare their numbers, a.data < b.data."],
    ]);
  });
});
