// The fixpoint the build and the editor share (transformer/core/): which files are rewritten must
// not depend on the order of files or import lines (import cycles included), inference must
// settle through any depth of modules, and a rewrite that cannot settle is an error naming the
// file, never code emitted unrewritten in silence.

import { rmSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { describe, expect, test } from "vitest";
import { asWritten, type FileRewrite, settle } from "../transformer/core/fixpoint.ts";
import { filesReachingRuntime, importGraph } from "../transformer/core/graph.ts";
import { rewriteProgram } from "../transformer/ts/index.ts";
import { COMPILER_OPTIONS, compile, ensureDist, plain, ROOT, runModules, scratchDir, virtualHost } from "./transformer-ts.helpers.ts";

const dir = join(ROOT, "test/__virtual__/fixpoint");
const at = (name: string) => join(dir, name);

/** m0 makes a Value; each next module doubles the previous one's export, no annotation anywhere. */
function chain(length: number): Map<string, string> {
  const files = new Map<string, string>();
  files.set(at("m0.ts"), 'import { Value } from "micrograd-ts";\nexport const v0 = new Value(1);\n');
  for (let i = 1; i < length; i++) files.set(at(`m${i}.ts`), `import { v${i - 1} } from "./m${i - 1}.js";\nexport const v${i} = v${i - 1} * 2;\n`);
  return files;
}

/** All orders of a list. */
function permutations<T>(xs: readonly T[]): T[][] {
  if (xs.length <= 1) return [[...xs]];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((rest) => [x, ...rest]));
}

describe("a chain of modules without annotations", () => {
  test("50 modules: every one rewritten, no error, the types say Value, in a few rounds", () => {
    const files = chain(50);
    const c = compile(files, true, { declaration: true });
    expect(plain(c.diagnostics)).toEqual([]);
    expect(c.unmapped).toBe(0);
    for (let i = 1; i < 50; i++) expect(c.js.get(at(`m${i}.ts`))).toContain(`export const v${i} = mul(v${i - 1}, 2);`);
    expect(c.dts.get(at("m49.ts"))).toContain('export declare const v49: import("micrograd-ts").Value;');
    // what one module learns is there when the next is rewritten: not one round per module
    expect(c.rounds).toBeLessThanOrEqual(3);
  });

  test("it runs: v49 is 2^49 and its gradient flows back to v0", () => {
    ensureDist();
    const scratch = scratchDir("mg-chain-");
    try {
      const files = chain(50);
      const c = compile(files, true);
      // main.js first: runModules imports the modules in order, and main's import runs the chain
      const modules = new Map<string, string>([["main.js", 'import { v0 } from "./m0.js";\nimport { v49 } from "./m49.js";\nv49.backward();\nconsole.log(v49.data, v0.grad);\n']]);
      for (const [name, js] of c.js) modules.set(name.slice(dir.length + 1).replace(/\.ts$/, ".js"), js);
      const run = runModules(scratch, modules);
      expect(run.get("main.js")).toMatchObject({ ok: true, stdout: `${2 ** 49} ${2 ** 49}\n` });
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  test("the same holds through functions, methods and getters across modules", () => {
    const files = new Map<string, string>([
      [at("f0.ts"), 'import { Value } from "micrograd-ts";\nexport function f0() { return new Value(2); }\n'],
      [at("f1.ts"), 'import { f0 } from "./f0.js";\nexport function f1() { return f0() * 3; }\n'],
      [at("f2.ts"), 'import { f1 } from "./f1.js";\nexport class C { get g() { return f1() + 1; } m() { return this.g * 2; } }\n'],
      [at("f3.ts"), 'import { C } from "./f2.js";\nexport const h = new C().m() - 1;\nexport const k = (x = new C()) => x.m() ** 2;\n'],
    ]);
    const c = compile(files, true, { declaration: true });
    expect(plain(c.diagnostics)).toEqual([]);
    expect(c.js.get(at("f2.ts"))).toContain("get g() { return add(f1(), 1); }");
    expect(c.js.get(at("f2.ts"))).toContain("m() { return mul(this.g, 2); }");
    expect(c.js.get(at("f3.ts"))).toContain("export const h = sub(new C().m(), 1);");
    expect(c.js.get(at("f3.ts"))).toContain("export const k = (x = new C()) => pow(x.m(), 2);");
    expect(c.dts.get(at("f3.ts"))).toContain('export declare const h: import("micrograd-ts").Value;');
  });

  test("a type that travels through a module whose own text does not change reaches the modules beyond it", () => {
    // b.ts is never rewritten, but what g returns changes when a.ts is: c.ts must be looked at again
    const files = new Map<string, string>([
      [at("a.ts"), 'import { Value } from "micrograd-ts";\nconst x = new Value(3);\nexport function f() { return x * 2; }\n'],
      [at("b.ts"), 'import { f } from "./a.js";\nfunction wrap<T>(fn: () => T): () => T { return fn; }\nexport const g = wrap(f);\n'],
      [at("c.ts"), 'import { g } from "./b.js";\nexport const s = g() * 2;\ns.backward();\n'],
    ]);
    const c = compile(files, true);
    expect(plain(c.diagnostics)).toEqual([]);
    expect(c.js.get(at("b.ts"))).not.toContain("micrograd-ts");
    expect(c.js.get(at("c.ts"))).toContain("export const s = mul(g(), 2);");
  });
});

describe("import cycles", () => {
  // q.ts makes the Value and imports p.ts (a cycle); p.ts computes with it. Whatever the order of
  // q's import lines and of the program's root files, p.ts is rewritten.
  const p = 'import { w } from "./q.js";\nexport const p = 1;\nexport const r = w * 2;\n';
  const qImports = ['import { p } from "./p.js";', 'import { Value } from "micrograd-ts";'];
  const qBody = "\nexport const w = new Value(3);\nexport function useP() { return p; }\n";
  const cases = permutations(qImports).flatMap((imports) => permutations(["p.ts", "q.ts"]).map((roots) => ({ imports, roots })));

  test.each(cases.map((c, i) => [i, c] as const))("two files, order %i", (_i, { imports, roots }) => {
    const text = new Map([
      ["p.ts", p],
      ["q.ts", imports.join("\n") + qBody],
    ]);
    const files = new Map(roots.map((r) => [at(r), text.get(r)!]));
    const c = compile(files, true);
    expect(plain(c.diagnostics)).toEqual([]);
    expect(c.js.get(at("p.ts"))).toBe('import { w } from "./q.js";\nimport { mul } from "micrograd-ts";\nexport const p = 1;\nexport const r = mul(w, 2);\n');
  });

  test("three files around a cycle, the runtime imported at every place of every import list, roots in every order", () => {
    // a -> b -> c -> a; one of them also imports the runtime; each computes with the next one's
    // Value or number. The 36 cases are compiled as one program, each in a directory of its own.
    const names = ["a", "b", "c"];
    const next = (n: string) => names[(names.indexOf(n) + 1) % 3]!;
    const cases: { dir: string; owner: string }[] = [];
    const files = new Map<string, string>();
    for (const owner of names) {
      for (const runtimeFirst of [true, false]) {
        for (const roots of permutations(names)) {
          const caseDir = at(`cycle${cases.length}`);
          cases.push({ dir: caseDir, owner });
          for (const n of roots) {
            const own = `import { x${next(n)} } from "./${next(n)}.js";`;
            const runtime = 'import { Value } from "micrograd-ts";';
            const imports = n !== owner ? [own] : runtimeFirst ? [runtime, own] : [own, runtime];
            const body = n === owner ? `export const x${n} = new Value(1);\n` : `export const x${n} = 1;\n`;
            files.set(join(caseDir, `${n}.ts`), `${imports.join("\n")}\n${body}export function use${n}() { return x${next(n)} * 2; }\n`);
          }
        }
      }
    }
    const c = compile(files, true);
    expect(plain(c.diagnostics)).toEqual([]);
    for (const { dir: caseDir, owner } of cases) {
      // the file whose next one holds the Value multiplies a Value; the others multiply numbers
      for (const n of names) {
        const js = c.js.get(join(caseDir, `${n}.ts`))!;
        expect(js).toContain(next(n) === owner ? `return mul(x${next(n)}, 2);` : `return x${next(n)} * 2;`);
      }
    }
    expect(cases).toHaveLength(36);
  });

  test("the candidates are the same whatever the order", () => {
    const candidates = (imports: string[], root: string) => {
      const files = new Map([
        [at("p.ts"), p],
        [at("q.ts"), imports.join("\n") + qBody],
      ]);
      const program = ts.createProgram([at(root)], COMPILER_OPTIONS, virtualHost(files));
      return filesReachingRuntime(ts, program)
        .map((f) => f.fileName)
        .sort();
    };
    for (const imports of permutations(qImports)) {
      for (const root of ["p.ts", "q.ts"]) expect(candidates(imports, root)).toEqual([at("p.ts"), at("q.ts")]);
    }
  });
});

describe("a rewrite that does not settle is an error naming the file", () => {
  test("when the rounds reach maxRounds, each file not yet confirmed has TS9100 at the place that changed", () => {
    const files = chain(4);
    // through a generic function the pass cannot see through, m3 learns that v2 is a Value one round late
    files.set(at("m2.ts"), 'import { v1 } from "./m1.js";\nconst id = <T,>(x: T) => x;\nexport const v2 = id(v1 * 2);\n');
    files.set(at("m3.ts"), 'import { v2 } from "./m2.js";\nconst id = <T,>(x: T) => x;\nexport const v3 = id(v2) * 2;\n');
    const host = virtualHost(files);
    const limited = rewriteProgram(ts, ts.createProgram([...files.keys()], COMPILER_OPTIONS, host), host, { maxRounds: 2 });
    expect(limited.converged).toBe(false);
    expect(limited.diagnostics.map((d) => d.file!.fileName)).toEqual([at("m3.ts")]);
    const [error] = plain(limited.diagnostics);
    expect(error).toMatchObject({ code: 9100, line: 3, column: 19 }); // at `id(v2) * 2`
    expect(error!.message).toContain("did not settle: it still changed after 2 rounds");
    // and the program reports it, so tspc fails instead of emitting the file as it is
    expect(ts.getPreEmitDiagnostics(limited.program).map((d) => d.code)).toContain(9100);
    // without a limit the same program settles (in three rounds), with no error
    const settled = rewriteProgram(ts, ts.createProgram([...files.keys()], COMPILER_OPTIONS, host), host);
    expect(settled.converged).toBe(true);
    expect(settled.rounds).toBe(3);
    expect(plain(ts.getPreEmitDiagnostics(settled.program))).toEqual([]);
    expect(settled.files.get(at("m3.ts"))!.result.text).toContain("export const v3 = mul(id(v2), 2);");
  });

  test("when the rewrite comes back to a state it was in, the rounds stop with TS9100 on the files that alternate", () => {
    // A program whose checker answers differently every other round (as no real program does):
    // the first round sees a Value, the second a number, and so on.
    const file = at("alternates.ts");
    const asValue = 'import { Value } from "micrograd-ts";\ndeclare const a: Value;\nexport const b = a * 2;\n';
    const asNumber = asValue.replace("declare const a: Value;", "declare const a: number;");
    const programs = [asValue, asNumber].map((text) => {
      const files = new Map([[file, text]]);
      return ts.createProgram([file], COMPILER_OPTIONS, virtualHost(files));
    });
    const original = programs[0]!.getSourceFile(file)!;
    const candidates = filesReachingRuntime(ts, programs[0]!);
    const files = new Map<string, FileRewrite>([[file, asWritten(original, "micrograd-ts")]]);
    let calls = 0;
    const outcome = settle({ ts, program: () => programs[calls++ % 2] }, importGraph(ts, programs[0]!, candidates), files, [file]);
    expect(outcome.converged).toBe(false);
    expect(outcome.rounds).toBe(2);
    expect(outcome.unsettled).toEqual([file]);
    const d = files.get(file)!.result.diagnostics;
    expect(d.map((x) => x.code)).toEqual([9100]);
    expect(d[0]!.message).toContain("alternates between versions after 2 rounds");
    // at the expression that flips
    expect(original.text.slice(d[0]!.start)).toMatch(/^a \* 2/);
  });
});
