// rewrite.ts and positions.ts, the part the editor plugin builds on: edits keep every line break
// and leave each operand's text in place, positions map both ways, and the API answers for one
// file and one checker. Also: values from other modules, declarations, and source maps.

import { readdirSync, readFileSync, rmSync } from "node:fs";
import { SourceMap } from "node:module";
import { join } from "node:path";
import ts from "typescript";
import { describe, expect, test } from "vitest";
import type { TextEdit } from "../transformer/ts/index.ts";
import microgradTransformer, { applyEdits, rewriteProgram, rewriteSourceFile, toOriginal, toRewritten } from "../transformer/ts/index.ts";
import { COMPILER_OPTIONS, compile, ensureDist, plain, ROOT, runModules, scratchDir, virtualHost } from "./transformer-ts.helpers.ts";

const FIXTURES = join(ROOT, "test/fixtures/transform");

function programOf(files: Map<string, string>): { program: ts.Program; host: ts.CompilerHost } {
  const host = virtualHost(files);
  return { program: ts.createProgram([...files.keys()], COMPILER_OPTIONS, host), host };
}

describe("positions", () => {
  const text = "const L = a * b + c;";
  // a * b + c -> add(mul(a, b), c)
  const a = text.indexOf("a *");
  const edits: TextEdit[] = [
    { start: a, end: a, text: "add(mul(" },
    { start: a + 1, end: a + 3, text: "," },
    { start: a + 5, end: a + 7, text: ")," },
    { start: text.length - 1, end: text.length - 1, text: ")" },
  ];
  const out = applyEdits(text, edits);
  test("applyEdits", () => {
    expect(out).toBe("const L = add(mul(a, b), c);");
  });
  test("an operand's start maps after the inserted call heads, its end before the closing parentheses", () => {
    expect(out.slice(toRewritten(edits, a, "right"), toRewritten(edits, a + 1, "left"))).toBe("a");
    expect(out.slice(toRewritten(edits, a + 4, "right"), toRewritten(edits, a + 5, "left"))).toBe("b");
    expect(out.slice(toRewritten(edits, a + 8, "right"), toRewritten(edits, a + 9, "left"))).toBe("c");
    expect(toRewritten(edits, a, "left")).toBe(a); // before "add(mul("
    expect(toRewritten(edits, 0)).toBe(0);
    expect(toRewritten(edits, text.length)).toBe(out.length);
  });
  test("toOriginal inverts toRewritten outside the edits, and sends inserted text to the edges of its edit", () => {
    for (let p = 0; p <= text.length; p++) {
      if (edits.some((e) => p > e.start && p < e.end)) continue; // replaced text has no place of its own
      expect(toOriginal(edits, toRewritten(edits, p, "right"), "right")).toBe(p);
    }
    const inHead = out.indexOf("mul(") + 1; // inside the inserted "add(mul("
    expect(toOriginal(edits, inHead, "left")).toBe(a);
    expect(toOriginal(edits, inHead, "right")).toBe(a);
    expect(toOriginal(edits, out.indexOf(","), "left")).toBe(a + 1); // the "*" replaced by ","
  });
});

describe("rewriteSourceFile on every fixture", () => {
  const cases = readdirSync(FIXTURES).filter((c) => !c.startsWith("."));
  const files = new Map(cases.map((c) => [join(FIXTURES, c, "input.ts"), readFileSync(join(FIXTURES, c, "input.ts"), "utf8")]));
  const { program, host } = programOf(files);
  const result = rewriteProgram(ts, program, host);

  test.each(cases)("%s: line breaks kept, every identifier at its mapped place, positions map back", (c) => {
    const name = join(FIXTURES, c, "input.ts");
    const original = program.getSourceFile(name)!;
    const r = result.files.get(name)!.result;
    expect(r.text).toBe(applyEdits(original.text, r.edits));
    expect(r.text.split("\n").length).toBe(original.text.split("\n").length);
    for (const e of r.edits) {
      expect(e.text).not.toContain("\n");
      expect(original.text.slice(e.start, e.end)).not.toContain("\n");
    }
    for (let i = 1; i < r.edits.length; i++) expect(r.edits[i]!.start).toBeGreaterThanOrEqual(r.edits[i - 1]!.end);
    const visit = (node: ts.Node): void => {
      if (ts.isIdentifier(node)) {
        const start = node.getStart(original);
        const at = toRewritten(r.edits, start, "right");
        expect(r.text.slice(at, at + node.text.length)).toBe(node.text);
        expect(toOriginal(r.edits, at, "right")).toBe(start);
        // same line
        expect(r.text.slice(0, at).split("\n").length).toBe(original.text.slice(0, start).split("\n").length);
      }
      ts.forEachChild(node, visit);
    };
    visit(original);
  });

  test("one file and one checker: the API the editor plugin calls", () => {
    const name = join(FIXTURES, "walkthrough", "input.ts");
    const sf = program.getSourceFile(name)!;
    const r = rewriteSourceFile(ts, sf, program.getTypeChecker());
    expect(r.changed).toBe(true);
    expect(r.needsImport).toEqual(["add", "mul"]);
    expect(r.text).toContain("const e = mul(a, b); e.label");
    expect(r.text).toContain('import { Value } from "micrograd-ts"; import { add, mul } from "micrograd-ts";');
    expect(r.diagnostics).toEqual([]);
    const bad = program.getSourceFile(join(FIXTURES, "unsupported-compare", "input.ts"))!;
    const d = rewriteSourceFile(ts, bad, program.getTypeChecker()).diagnostics[0]!;
    expect(bad.text.slice(d.start, d.start + d.length)).toBe("<");
    expect(d).toMatchObject({ code: 9002, category: "error", message: "Values cannot be compared with <: compare their numbers, a.data < b.data." });
  });
});

describe("the program", () => {
  const lib = join(ROOT, "test/__virtual__/lib.ts");
  const main = join(ROOT, "test/__virtual__/main.ts");
  const files = new Map([
    [
      lib,
      `import { Value } from "micrograd-ts";
export const w = new Value(3);
export function scale(x: Value, k: number) {
  return x * k;
}
export class Model {
  weights = [new Value(1), new Value(2)];
  forward(xs: number[]) {
    return this.weights.reduce((s, wi, i) => s + wi * xs[i]!, new Value(0));
  }
}
`,
    ],
    [
      main,
      `import { Model, scale, w } from "./lib.js";
// no import of the runtime here: the values come from another module
export const y = scale(w, 2) + new Model().forward([1, 1]) * w;
export const z = -y;
export const n = w.data * 2;
`,
    ],
  ]);

  test("values from other modules, declarations that say Value, one import added where none was", () => {
    const c = compile(files, true, { declaration: true, sourceMap: true });
    expect(plain(c.diagnostics)).toEqual([]);
    expect(c.js.get(main)).toContain('import { Model, scale, w } from "./lib.js";\nimport { add, mul, neg } from "micrograd-ts";');
    expect(c.js.get(main)).toContain("export const y = add(scale(w, 2), mul(new Model().forward([1, 1]), w));");
    expect(c.js.get(main)).toContain("export const n = w.data * 2;");
    expect(c.dts.get(main)).toContain('export declare const y: import("micrograd-ts").Value;');
    expect(c.dts.get(main)).toContain("export declare const n: number;");
    expect(c.dts.get(lib)).toContain("export declare function scale(x: Value, k: number): Value;");
  });

  test("TypeScript's own errors in a rewritten file point at the text as written", () => {
    const bad = new Map(files);
    bad.set(main, files.get(main)!.replace("export const z = -y;", "export const z = (-y * y).nope;"));
    const c = compile(bad, true);
    const d = plain(c.diagnostics, main);
    expect(d).toEqual([{ code: 2339, line: 4, column: 27, message: "Property 'nope' does not exist on type 'Value'." }]);
  });

  test("a file that does not reach the runtime is not considered, even with any", () => {
    const other = join(ROOT, "test/__virtual__/other.ts");
    const c = compile(new Map([[other, "const x: any = 2;\nexport const y = x * 3 + -x;\n"]]), true);
    expect(c.rounds).toBe(0);
    expect(c.js.get(other)).toBe("const x = 2;\nexport const y = x * 3 + -x;\n");
  });

  test("inside this repository's runtime the helpers come from its index by relative path", () => {
    const inside = join(ROOT, "runtime/__virtual__.ts");
    const c = compile(new Map([[inside, 'import { Value } from "./engine.js";\nexport const sq = (v: Value) => v * v - 1;\n']]), true);
    expect(plain(c.diagnostics, inside)).toEqual([]);
    expect(c.js.get(inside)).toBe('import { mul, sub } from "./index.js";\nexport const sq = (v) => sub(mul(v, v), 1);\n');
  });

  test("CommonJS output: the added import becomes a require, and runs", () => {
    ensureDist();
    const dir = scratchDir("mg-cjs-");
    try {
      const file = join(dir, "walk.cts");
      const c = compile(
        new Map([
          [
            file,
            'import { Value } from "micrograd-ts";\nconst a = new Value(2), b = new Value(-3);\nconst L = (a * b + 10) * -2;\nL.backward();\nconsole.log(L.data, a.grad, b.grad);\n',
          ],
        ]),
        true,
        { module: ts.ModuleKind.NodeNext },
      );
      expect(plain(c.diagnostics)).toEqual([]);
      const js = c.js.get(file)!;
      expect(js).toContain('require("micrograd-ts")');
      const run = runModules(dir, new Map([["walk.cjs", js]])).get("walk.cjs")!;
      expect(run.error ?? "").toBe("");
      expect(run.stdout).toBe("-8 6 -4\n");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("source maps point into the file as written: same line, same column, original sourcesContent", () => {
    const file = join(ROOT, "test/__virtual__/mapped.ts");
    const source = 'import { Value } from "micrograd-ts";\nconst a = new Value(2), b = new Value(3);\nconst c = a * b + -a; const marker = c.data;\n';
    for (const inline of [false, true]) {
      const maps = new Map<string, string>();
      const c = compile(new Map([[file, source]]), true, inline ? { inlineSourceMap: true, inlineSources: true } : { sourceMap: true, inlineSources: true });
      c.program.emit(c.program.getSourceFile(file), (name, text) => maps.set(name, text));
      const js = [...maps].find(([n]) => n.endsWith(".js"))![1];
      const json = inline ? Buffer.from(/base64,([A-Za-z0-9+/=]+)/.exec(js)![1]!, "base64").toString("utf8") : [...maps].find(([n]) => n.endsWith(".js.map"))![1];
      const map = new SourceMap(JSON.parse(json));
      expect(JSON.parse(json).sourcesContent).toEqual([source]);
      const lines = js.split("\n");
      for (const word of ["marker", "c.data", "b)"]) {
        const line = lines.findIndex((l) => l.includes(word));
        const entry = map.findEntry(line, lines[line]!.indexOf(word)) as { originalLine: number; originalColumn: number };
        expect(entry.originalLine).toBe(2);
        expect(entry.originalColumn).toBe(source.split("\n")[2]!.indexOf(word[0] === "b" ? "b +" : word));
      }
    }
  });

  test("used as a source transformer (without transformProgram) it says how to configure it", () => {
    const { program } = programOf(new Map([[join(ROOT, "test/__virtual__/x.ts"), "export const x = 1;\n"]]));
    // ts-patch calls a source transformer as (program, config, extras)
    const call = () => (microgradTransformer as unknown as (...args: unknown[]) => unknown)(program, { transform: "micrograd-ts/transformer" }, { ts });
    expect(call).toThrow('{ "transform": "micrograd-ts/transformer", "transformProgram": true }');
  });
});

describe("under tsserver the program transformer stands aside", () => {
  const file = join(ROOT, "test/fixtures/transform/walkthrough/input.ts");
  const flag = Symbol.for("micrograd-ts.language-service");
  test("it returns the program as given once the editor plugin has loaded, and rewrites it otherwise", () => {
    const host = ts.createCompilerHost(COMPILER_OPTIONS);
    const program = ts.createProgram([file], COMPILER_OPTIONS, host);
    const rewritten = microgradTransformer(program, host, { transformProgram: true }, { ts });
    expect(rewritten).not.toBe(program);
    expect(rewritten.getSourceFile(file)!.text).toContain("mul(a, b)");
    (globalThis as Record<symbol, unknown>)[flag] = true;
    try {
      expect(microgradTransformer(program, host, { transformProgram: true }, { ts })).toBe(program);
    } finally {
      delete (globalThis as Record<symbol, unknown>)[flag];
    }
  });
});
