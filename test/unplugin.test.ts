// The bundler plugins' factory (transformer/unplugin), as vitest runs this project's tests (this
// file is written with operators, rewritten by the Vite plugin of vitest.config.ts), and its
// transform hook called directly. Each bundler and Bun, installed from the packed package, is
// tested in consumer-bundlers.test.ts.
import { Value } from "micrograd-ts";
import { describe, expect, test } from "vitest";
import micrograd from "../transformer/unplugin/vite.ts";

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
  // biome-ignore lint/suspicious/noExplicitAny: typed any, tspc (type-checking this file) dispatches it too, instead of rejecting % at build time
  const v: any = new Value(1);
  let error: Error | undefined;
  try {
    void (v % 2);
  } catch (e) {
    error = e as Error;
  }
  expect(error).toBeInstanceOf(TypeError);
  expect(error!.message).toMatch(/^test\/unplugin\.test\.ts:27:13: Operator % is not defined on a Value/);
  expect(error!.stack).toMatch(/unplugin\.test\.ts:27:/);
});

type Hook = {
  filter: { id: { include: RegExp[]; exclude: RegExp[] } };
  handler: (code: string, id: string) => Promise<{ code: string; map: { sources: string[]; mappings: string } } | null>;
};

function hooks(options?: Parameters<typeof micrograd>[0]) {
  const plugin = micrograd(options) as unknown as { transform: Hook; resolveId?: { handler: (source: string, importer?: string) => string | null } };
  return { transform: (code: string, id: string) => plugin.transform.handler.call({}, code, id), filter: plugin.transform.filter, resolveId: plugin.resolveId };
}

describe("micrograd() from micrograd-ts/vite", () => {
  test("rewrites a .tsx file, keeping its types and JSX for Vite, with a source map", async () => {
    const src = 'import { Value } from "micrograd-ts";\nconst v: Value = new Value(2);\n\nexport const el = <b>{(v * 3).data}</b>;\n';
    const out = await hooks().transform(src, "/app/src/view.tsx?v=1");
    expect(out!.code).toBe(
      'import { Value, opMul as _opMul2 } from "micrograd-ts";\nconst _opMul = _opMul2;\nconst v: Value = new Value(2);\nexport const el = <b>{_opMul(v, 3).data}</b>;',
    );
    expect(out!.map.sources).toEqual(["view.tsx"]); // relative to the file, as Vite expects
    expect(out!.map.mappings.length).toBeGreaterThan(0);
  });

  test("rewrites every project file by default: a module that only receives Values", async () => {
    const out = await hooks().transform("export const double = (x: number | object) => x * 2;\n", "/app/src/helper.ts");
    expect(out!.code).toBe('import { opMul as _opMul2 } from "micrograd-ts";\nconst _opMul = _opMul2;\nexport const double = (x: number | object) => _opMul(x, 2);');
  });

  test('all: false rewrites only the files that import micrograd-ts or say "use micrograd"', async () => {
    const { transform } = hooks({ all: false });
    expect(await transform("export const f = (a, b) => a * b;\n", "/app/src/plain.ts")).toBeNull();
    const out = await transform('"use micrograd";\nglobalThis.y = globalThis.x * 2;\n', "/app/src/script.js");
    expect(out!.code).toBe('"use micrograd";\n\nimport { opMul as _opMul2 } from "micrograd-ts";\nconst _opMul = _opMul2;\nglobalThis.y = _opMul(globalThis.x, 2);');
  });

  test("leaves node_modules, virtual modules and other files to the tool (the hook's filter)", () => {
    const { filter } = hooks();
    const matches = (id: string) => filter.id.include.some((r) => r.test(id)) && !filter.id.exclude.some((r) => r.test(id));
    expect(["/app/src/a.ts", "/app/src/a.mts", "/app/src/a.tsx?v=3", "/app/src/a.cjs", "/app/src/a.jsx"].map(matches)).toEqual([true, true, true, true, true]);
    expect(["/app/node_modules/lib/index.js", "\0virtual:thing.ts", "/app/src/style.css", "/app/src/data.json"].map(matches)).toEqual([false, false, false, false]);
  });

  test("parses standard and TypeScript (experimentalDecorators) decorators and accessor fields", async () => {
    const { transform } = hooks();
    expect((await transform("class A { @log m() { return this.x * 2 } accessor v = 1 }\n", "/app/a.ts"))!.code).toContain("_opMul(this.x, 2)");
    expect((await transform("class B { constructor(@Inject() x: number) {} m(y) { return y * 2 } }\n", "/app/b.ts"))!.code).toContain("_opMul(y, 2)");
  });

  test("stripTypes: true strips the types and resolves ./model.js to ./model.ts", async () => {
    const { transform, resolveId } = hooks({ stripTypes: true });
    const out = await transform('import { Value } from "micrograd-ts";\nexport const f = (v: Value): Value => v * 2;\n', "/app/src/f.ts");
    expect(out!.code).toBe('import { opMul as _opMul2 } from "micrograd-ts";\nconst _opMul = _opMul2;\nexport const f = v => _opMul(v, 2);');
    const here = new URL(".", import.meta.url).pathname;
    expect(resolveId!.handler("./consumer.helpers.js", `${here}unplugin.test.ts`)).toBe(`${here}consumer.helpers.ts`);
    expect(resolveId!.handler("./consumer.helpers", `${here}unplugin.test.ts`)).toBe(`${here}consumer.helpers.ts`);
    expect(resolveId!.handler("./fixtures", `${here}unplugin.test.ts`)).toBeNull(); // a folder with no index.ts
    expect(hooks().resolveId).toBeUndefined();
  });

  test("a syntax error names the file, line and column", async () => {
    await expect(hooks().transform("const a = ;\n", "/app/src/bad.ts")).rejects.toThrow(/^\/app\/src\/bad\.ts:1:11: Unexpected token/);
  });

  test("bad options are errors that name the option", () => {
    expect(() => micrograd({ stripTypes: 1 as never })).toThrow('micrograd-ts/vite: option "stripTypes" must be a boolean, got 1');
    expect(() => micrograd({ include: 5 as never })).toThrow('micrograd-ts/vite: option "include" must be a RegExp, a glob string or an array of them, got 5');
    expect(() => micrograd("all" as never)).toThrow('micrograd-ts/vite: options must be an object like { exclude: /generated/ }, got "all"');
  });
});
