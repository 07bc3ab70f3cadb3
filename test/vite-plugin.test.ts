// The Vite plugin, as vitest runs this project's tests: this file is written with operators.
import { Value } from "micrograd-ts";
import { expect, test } from "vitest";

test("operators on Values in a test file", () => {
  const a = new Value(2.0, { label: "a" });
  const b = new Value(-3.0, { label: "b" });
  const c = new Value(10.0, { label: "c" });
  const e = a * b;
  const d = e + c;
  const f = new Value(-2.0, { label: "f" });
  const L = d * f;
  L.backward();
  expect([a.grad, b.grad, c.grad, e.grad, d.grad, f.grad, L.data]).toEqual([6, -4, -2, -2, -2, 4, -8]);
  expect("a" + 1).toBe("a1");
});

test("an error thrown in a rewritten file points at the original line", () => {
  // typed any: tspc (type-checking this file) dispatches it too, instead of rejecting % at build time
  const v: any = new Value(1); // eslint-disable-line @typescript-eslint/no-explicit-any
  let error: Error | undefined;
  try {
    void (v % 2);
  } catch (e) {
    error = e as Error;
  }
  expect(error).toBeInstanceOf(TypeError);
  expect(error!.message).toMatch(/^test\/vite-plugin\.test\.ts:23:13: the operator % is not supported on a Value/);
  expect(error!.stack).toMatch(/vite-plugin\.test\.ts:23:/);
});
