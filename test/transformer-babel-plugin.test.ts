// The Babel plugin's options and its place among other plugins, beyond the fixture cases.

import { type PluginObj, types as t, transformSync } from "@babel/core";
import { describe, expect, test } from "vitest";
import micrograd from "../transformer/babel/index.ts";
import { babelTransform, ROOT, runEmitted } from "./transformer-babel.helpers.ts";

const FILE = `${ROOT}src/x.ts`;

/** A stand-in for preset-env's exponentiation lowering (old targets): `a ** b` -> Math.pow(a, b) on entry. */
const lowerPow = (): PluginObj => ({
  visitor: {
    BinaryExpression(path) {
      if (path.node.operator === "**")
        path.replaceWith(t.callExpression(t.memberExpression(t.identifier("Math"), t.identifier("pow")), [path.node.left as t.Expression, path.node.right]));
    },
  },
});

describe("the Babel plugin", () => {
  test("rewrites before other plugins lower the operators, whatever their order", () => {
    const src = 'import { Value } from "micrograd-ts";\nexport const y = new Value(3) ** 2;\n';
    for (const plugins of [
      [micrograd, lowerPow],
      [lowerPow, micrograd],
    ]) {
      const code = transformSync(src, { filename: FILE, cwd: ROOT, babelrc: false, configFile: false, plugins })!.code!;
      expect(code).toContain("export const y = _opPow(new Value(3), 2);");
      expect(code).not.toContain("Math.pow");
      expect((runEmitted(code, FILE).exports.y as { data: number }).data).toBe(9);
    }
  });

  test("a CommonJS file that requires micrograd-ts opts in and gets require()d helpers", () => {
    const src = 'const { Value } = require("micrograd-ts");\nconst a = new Value(2);\nmodule.exports = a * a + 1;\n';
    const code = babelTransform(src, `${ROOT}src/x.cjs`, {}, { sourceType: "script" });
    expect(code).toBe(
      'var _opAdd2 = require("micrograd-ts").opAdd;\n' +
        'var _opMul2 = require("micrograd-ts").opMul;\n' +
        "const _opMul = _opMul2,\n  _opAdd = _opAdd2;\n" +
        'const {\n  Value\n} = require("micrograd-ts");\nconst a = new Value(2);\nmodule.exports = _opAdd(_opMul(a, a), 1);',
    );
    expect((runEmitted(code, `${ROOT}src/x.cjs`, { sourceType: "script" }).exports as unknown as { data: number }).data).toBe(5);
  });

  test('a file that neither imports micrograd-ts nor says "use micrograd" is left exactly as Babel prints it', () => {
    const src = "export const f = (a, b) => a * b + -a % 3 < b;\n";
    expect(babelTransform(src, `${ROOT}src/x.js`)).toBe(babelTransform(src, `${ROOT}src/x.js`, {}, { plugin: false }));
  });

  test("options: all (every file), importSource (where the helpers come from), optInModules", () => {
    const src = "export const f = (a, b) => a * b;\n";
    expect(babelTransform(src, `${ROOT}src/x.js`, { all: true })).toContain('import { opMul as _opMul2 } from "micrograd-ts";');
    expect(babelTransform(src, `${ROOT}src/x.js`, { all: true, importSource: "@me/mg" })).toContain('import { opMul as _opMul2 } from "@me/mg";');
    expect(babelTransform('import { drawDot } from "micrograd-ts/node";\nexport const g = (a) => a * 2;\n', `${ROOT}src/x.js`)).toContain("export const g = a => _opMul(a, 2);");
    expect(babelTransform('import { micrograd } from "micrograd-ts/vite";\nexport const g = (a) => a * 2;\n', `${ROOT}src/x.js`)).toContain("export const g = a => a * 2;");
    const viaOwnModule = 'import { model } from "./my-model";\nexport const g = (a) => a * model;\n';
    expect(babelTransform(viaOwnModule, `${ROOT}src/x.js`)).not.toContain("_opMul");
    expect(babelTransform(viaOwnModule, `${ROOT}src/x.js`, { optInModules: ["./my-model"] })).toContain("export const g = a => _opMul(a, model);");
  });

  test("in a file that imports another module, a hoisted function checks for numbers once per expression of operators and calls the imported helpers otherwise", () => {
    // no helper constants there (they could be in their dead zone in an import cycle); the fast path
    // is at the operators, each operand evaluated once, left to right (xs[i] in a temporary: a getter could change s or w)
    const src = 'import { w } from "./w.js";\nexport function f(xs, i, s) {\n  s += xs[i] * w;\n  return s < 0 ? -s : s;\n}\nexport const g = (a) => a * 2;\n';
    expect(babelTransform(src, `${ROOT}src/x.js`, { all: true })).toBe(
      'import { opKey as _opKey2, opMul as _opMul2, opAdd as _opAdd2, opLt as _opLt2, opNeg as _opNeg2 } from "micrograd-ts";\n' +
        'import { w } from "./w.js";\n' +
        "const _opMul = _opMul2;\n" +
        "export function f(xs, i, s) {\n" +
        "  var _a2;\n" +
        '  s = (_a2 = xs[typeof i === "number" ? i : _opKey2(i, "src/x.js:3:11")], typeof s === "number" && typeof _a2 === "number" && typeof w === "number" ? s + _a2 * w : _opAdd2(s, _opMul2(_a2, w)));\n' +
        '  return (typeof s === "number" ? s < 0 : _opLt2(s, 0, "src/x.js:4:12")) ? typeof s === "number" ? -s : _opNeg2(s) : s;\n' +
        "}\n" +
        "export const g = a => _opMul(a, 2);",
    );
    // one check for a whole expression of operators, whose fast path is the expression as written
    expect(babelTransform('import "./w.js";\nexport function m(a, b, c) {\n  return a * b + c;\n}\n', `${ROOT}src/x.js`, { all: true })).toContain(
      'return typeof a === "number" && typeof b === "number" && typeof c === "number" ? a * b + c : _opAdd2(_opMul2(a, b), c);',
    );
    // a literal needs no check (with numbers the helper gives what the operator gives); a string still goes to the helper when the other side is not a number
    expect(babelTransform('import "./w.js";\nexport function h(x) {\n  return "a" + x;\n}\n', `${ROOT}src/x.js`, { all: true })).toContain(
      'return typeof x === "number" ? "a" + x : _opAdd2("a", x);',
    );
  });

  test("a misspelt or mistyped option is an error that names it", () => {
    expect(() => babelTransform("1;", `${ROOT}src/x.js`, { importsource: "x" } as never)).toThrow(
      'micrograd-ts/babel: unknown option "importsource"; the options are importSource, optInModules, all',
    );
    expect(() => babelTransform("1;", `${ROOT}src/x.js`, { all: "yes" } as never)).toThrow('micrograd-ts/babel: option "all" must be a boolean, got "yes"');
  });

  test("running the plugin on its own output changes nothing", () => {
    const src = 'import { Value } from "micrograd-ts";\nconst o = { v: new Value(1) };\nlet k = 0;\no[k++] += o.v * 2 - -o.v;\nexport const lt = o.v < 1;\n';
    const once = babelTransform(src, `${ROOT}src/x.js`);
    expect(babelTransform(once, `${ROOT}src/x.js`)).toBe(once);
  });

  test("TypeScript annotations that say number (or number[]) are trusted, as the TypeScript transformer trusts types", () => {
    const src =
      'import { Value } from "micrograd-ts";\nexport function dot(xs: number[], ys: readonly number[], k: number): number {\n  let s = 0;\n  for (let i = 0; i < xs.length; i++) s += xs[i] * ys[i] * k;\n  return s;\n}\nexport const half = (v: Value | number) => v / 2;\nexport const twice = dot([1], [2], 1) * 2;\n';
    const code = babelTransform(src, FILE);
    expect(code).toContain("for (let i = 0; i < xs.length; i++) s += xs[i] * ys[i] * k;");
    expect(code).toContain("export const half = v => _opDiv(v, 2);");
    expect(code).toContain("export const twice = dot([1], [2], 1) * 2;");
  });
});
