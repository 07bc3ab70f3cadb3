// The Babel plugin's output run as real ES modules (Node, not the in-process CommonJS runner):
// module evaluation order, import cycles and hoisting behave as they do for users.

import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { babelTransform, ensureBuilt } from "./transformer-babel.helpers.ts";
import { runModules, scratchDir } from "./transformer-ts.helpers.ts";

let dir: string;
beforeAll(async () => {
  await ensureBuilt();
  dir = scratchDir("mg-babel-modules-");
}, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Transforms each module (name -> TypeScript source) into folder `group` and runs `entry` in a fresh Node process. */
function run(group: string, files: Record<string, string>, entry: string) {
  const out = new Map(Object.entries(files).map(([name, source]) => [`${group}/${name}.js`, babelTransform(source, `${dir}/${group}/${name}.ts`)] as const));
  return runModules(dir, new Map([[`${group}/${entry}.js`, out.get(`${group}/${entry}.js`)!], ...out]));
}

describe("helper constants and hoisting", () => {
  test("a hoisted function called from the other module of an import cycle, before its own module body ran", () => {
    const r = run(
      "cycle",
      {
        a: 'import { Value } from "micrograd-ts";\nimport { fromB } from "./b.js";\nexport function double(x: Value | number) {\n  return x * 2;\n}\nconsole.log("a", fromB, double(new Value(4)).data);\n',
        b: 'import { double } from "./a.js";\nexport const fromB = double(3) + 1;\nconsole.log("b", fromB);\n',
      },
      "a",
    ).get("cycle/a.js")!;
    expect(r.error ?? "").toBe("");
    expect(r.stdout).toBe("b 7\na 7 8\n");
  });

  test("code above an import calls a hoisted function and uses operators", () => {
    const r = run(
      "above",
      {
        c: 'const early = twice(5) - 1;\nconsole.log("early", early, early * 3);\nimport { Value } from "micrograd-ts";\nfunction twice(x: Value | number) {\n  return x + x;\n}\nconsole.log((twice(new Value(2)) * 2).data);\n',
      },
      "c",
    ).get("above/c.js")!;
    expect(r.error ?? "").toBe("");
    expect(r.stdout).toBe("early 9 27\n8\n");
  });

  test("a parameter default of a hoisted function runs before its body, and before the module body", () => {
    const r = run(
      "defaults",
      {
        d: 'import { Value } from "micrograd-ts";\nimport { ran } from "./e.js";\nexport function scaled(x: Value | number, by = x * 2) {\n  return by;\n}\nconsole.log(ran, scaled(new Value(3)).data);\n',
        e: 'import { scaled } from "./d.js";\nexport const ran = scaled(4) - 1;\n',
      },
      "d",
    ).get("defaults/d.js")!;
    expect(r.error ?? "").toBe("");
    expect(r.stdout).toBe("7 6\n");
  });

  test("the fast path written at each operator of a hoisted function: operands evaluated once, left to right, Values and numbers alike", () => {
    // f runs from the other module of a cycle before its own module body; its operands log when they are evaluated
    const r = run(
      "inline",
      {
        f: [
          'import { Value } from "micrograd-ts";',
          'import { ran } from "./g.js";',
          "const seen: string[] = [];",
          "export function f(o: any, log: string[]) {",
          "  const at = (name: string, x: any) => (log.push(name), x);",
          '  let s = at("s", o.s);',
          "  const bump = () => ((s = 100), 1);",
          // `s` is changed by a closure during the last operand: it must be read before
          "  const a = s * 2 + bump();",
          '  o[at("k", "v")] *= at("m", o.m) - at("n", 1);',
          '  return [a, o.v, -at("neg", o.v) / 2].map((x) => (typeof x === "number" ? x : x.data));',
          "}",
          "const out = f({ s: new Value(2), v: new Value(3), m: new Value(5) }, seen);",
          'console.log(ran, out.join(","), seen.join(" "));',
        ].join("\n"),
        g: [
          'import { f } from "./f.js";',
          "const log: string[] = [];",
          "const out = f({ s: 2, v: 3, m: 5 }, log);",
          'export const ran = `${out.join(",")} ${log.join(" ")}`;',
        ].join("\n"),
      },
      "f",
    ).get("inline/f.js")!;
    expect(r.error ?? "").toBe("");
    expect(r.stdout).toBe("5,12,-6 s k m n neg 5,12,-6 s k m n neg\n");
  });
});
