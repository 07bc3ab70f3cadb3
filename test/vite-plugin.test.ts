// The Vite plugin, as vitest runs this project's tests: this file is written with operators.
import { Value } from "micrograd-ts";
import { describe, expect, test } from "vitest";
import { micrograd } from "../transformer/vite/index.ts";

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
  expect(error!.message).toMatch(/^test\/vite-plugin\.test\.ts:24:13: Operator % is not defined on a Value/);
  expect(error!.stack).toMatch(/vite-plugin\.test\.ts:24:/);
});

describe("micrograd() transform hook", () => {
  const plugin = micrograd();
  const transform = (code: string, id: string) =>
    (plugin.transform as unknown as (code: string, id: string) => Promise<{ code: string; map: { sources: string[]; mappings: string } } | null>).call({}, code, id);

  test("rewrites an opted-in .tsx file (types and JSX kept for Vite), with a source map", async () => {
    const src = 'import { Value } from "micrograd-ts";\nconst v: Value = new Value(2);\n\nexport const el = <b>{(v * 3).data}</b>;\n';
    const out = await transform(src, "/app/src/view.tsx?v=1");
    expect(out!.code).toBe('import { Value, opMul as _opMul2 } from "micrograd-ts";\nconst _opMul = _opMul2;\nconst v: Value = new Value(2);\nexport const el = <b>{_opMul(v, 3).data}</b>;');
    expect(out!.map.sources).toEqual(["view.tsx"]); // relative to the file, as Vite expects
    expect(out!.map.mappings.length).toBeGreaterThan(0);
  });

  test("a module opted in by the directive alone gets an ES import of the helpers", async () => {
    const out = await transform('"use micrograd";\nglobalThis.y = globalThis.x * 2;\n', "/app/src/script.js");
    expect(out!.code).toBe('"use micrograd";\n\nimport { opMul as _opMul2 } from "micrograd-ts";\nconst _opMul = _opMul2;\nglobalThis.y = _opMul(globalThis.x, 2);');
  });

  test("leaves alone files that do not opt in, files in node_modules and virtual modules", async () => {
    expect(await transform("export const f = (a, b) => a * b;\n", "/app/src/plain.ts")).toBeNull();
    expect(await transform('import { Value } from "micrograd-ts";\nexport const f = (a) => a * 2;\n', "/app/node_modules/lib/index.js")).toBeNull();
    expect(await transform('import "micrograd-ts";\nexport const f = (a) => a * 2;\n', "\0virtual:thing")).toBeNull();
    expect(await transform("body { color: red } /* micrograd-ts */", "/app/src/style.css")).toBeNull();
  });
});
