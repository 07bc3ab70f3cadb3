// The playground's parts that need no browser, run in Node: the compile step (the package's
// Babel plugin, then imports as lookups), the backward replay, the Python comparison and the
// link encoding. test/playground.test.ts drives the built page in Chromium.

import * as runtime from "micrograd-ts";
import { describe, expect, it } from "vitest";
import { replayBackward } from "../playground/src/backward-steps.ts";
import { compareOutputs } from "../playground/src/compare.ts";
import { CompileError, compile, DONE_PARAM, MODULES_PARAM } from "../playground/src/compile.ts";
import { plotsModule } from "../playground/src/plots.ts";
import type { Boundary } from "../playground/src/protocol.ts";
import { fromHash, toHash } from "../playground/src/share.ts";

const MODULES = { "micrograd-ts": Object.keys(runtime), playground: ["plotStep", "plotBoundary"] };
const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<void>;

/** Compiles and runs a program as the worker does; returns its top-level variables and what it printed. */
async function run(source: string): Promise<{ vars: Map<string, unknown>; printed: string[] }> {
  const { code } = compile(source, MODULES);
  const printed: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => printed.push(args.join(" "));
  let vars = new Map<string, unknown>();
  try {
    await new AsyncFunction(MODULES_PARAM, DONE_PARAM, code)({ "micrograd-ts": runtime, playground: {} }, (pairs: [string, unknown][]) => (vars = new Map(pairs)));
  } finally {
    console.log = log;
  }
  return { vars, printed };
}

function compileError(source: string): CompileError {
  try {
    compile(source, MODULES);
  } catch (error) {
    if (error instanceof CompileError) return error;
    throw error;
  }
  throw new Error("compiled without an error");
}

describe("compile: the package's Babel plugin, then imports as lookups", () => {
  it("operators on Values run as the engine's ops, and the top-level variables come back in order", async () => {
    const { vars, printed } = await run(
      [
        'import { Value, print, type Operand } from "micrograd-ts";',
        "const a = new Value(2.0, { label: 'a' });",
        "const n: number = 3 * 4;",
        "const L = a * a + n;",
        "L.backward();",
        "print(L, a.grad);",
      ].join("\n"),
    );
    expect(printed).toEqual(["Value(data=16.0, grad=1.0) 4"]);
    expect([...vars.keys()]).toEqual(["a", "n", "L"]);
    expect(vars.get("n")).toBe(12);
    const L = vars.get("L") as runtime.Value;
    expect([L.op, L.children.map((c) => c.op)]).toEqual(["+", ["*", ""]]);
  });

  it("emits the calls the Babel plugin emits (the package's own transform)", () => {
    const { code } = compile('import { Value } from "micrograd-ts";\nconst a = new Value(1);\nconst b = a * 2 - a;', MODULES);
    expect(code).toMatch(
      /^"use strict";\s*const \{\s*Value: Value,\s*opMul: _opMul2,\s*opSub: _opSub2\s*\} = __modules\["micrograd-ts"\];\s*const _opMul = _opMul2,\s*_opSub = _opSub2;/,
    );
    expect(code).toContain("_opSub(_opMul(a, 2), a)");
    expect(code).not.toMatch(/\bimport\b/);
    expect(code).toMatch(/__done\(\[\["a", a\], \["b", b\]\]\);$/); // the program's variables, not the helpers
  });

  it("export is dropped (there is one file); imports come first, as a module hoists them", async () => {
    const { vars } = await run('import { Value } from "micrograd-ts";\nexport const x = twice(new Value(3));\nexport function twice(v) { return v * 2; }\nexport { x as y };');
    expect((vars.get("x") as runtime.Value).data).toBe(6);
    const late = await run('function f() { return new Value(3); }\nimport { Value } from "micrograd-ts";\nconst v = f();');
    expect((late.vars.get("v") as runtime.Value).data).toBe(3);
  });

  it("a syntax error has its line and column and Babel's code frame", () => {
    const e = compileError('import { Value } from "micrograd-ts";\nconst a = new Value(1);\nconst = 2;');
    expect([e.line, e.column]).toEqual([3, 7]);
    expect(e.message).toBe("Unexpected token");
    expect(e.frame).toContain("> 3 | const = 2;");
  });

  it("a module the playground does not have, or a name a module does not export, is an error where it is written", () => {
    const other = compileError('import { Value } from "micrograd-ts";\nimport { chunk } from "lodash";\nconst v = new Value(chunk);');
    expect([other.line, other.column, other.message]).toEqual([2, 23, 'the playground can import only from "micrograd-ts" and "playground", not "lodash"']);
    const name = compileError('import { Vaule } from "micrograd-ts";\nconst v = new Vaule(1);');
    expect([name.line, name.column, name.message]).toEqual([1, 10, '"micrograd-ts" has no export named Vaule (did you mean Value?)']);
    const def = compileError('import mg from "micrograd-ts";\nmg.Value;');
    expect(def.message).toBe('"micrograd-ts" has no default export: write import { ... } from "micrograd-ts"');
  });

  it("an import that only names types is dropped, as TypeScript drops it", async () => {
    const { printed } = await run(
      'import { Value, type ValueOptions } from "micrograd-ts";\nimport type { Operand } from "elsewhere";\nconst o: ValueOptions = {};\nconsole.log(String(new Value(1, o)));',
    );
    expect(printed).toEqual(["Value(data=1.0, grad=0.0)"]);
  });

  it("a Value that reaches % throws with the line and column of the operator", async () => {
    await expect(run('import { Value } from "micrograd-ts";\nconst a = new Value(7);\nconst b = new Value(2);\nconst c = a % b;')).rejects.toThrow(
      /^playground\.ts:4:13: Operator % is not defined on a Value \(micrograd has no remainder\)/,
    );
  });
});

describe("the backward replay", () => {
  function walkthrough() {
    const v = (x: number, label: string) => new runtime.Value(x, { label });
    const a = v(2, "a"),
      b = v(-3, "b"),
      c = v(10, "c"),
      f = v(-2, "f");
    const e = a.mul(b);
    e.label = "e";
    const d = e.add(c);
    d.label = "d";
    const L = d.mul(f);
    L.label = "L";
    return { a, b, c, d, e, f, L };
  }

  it("fills the grads in reverse topological order, one op node a step, and leaves the Values as they were", () => {
    const g = walkthrough();
    g.L.backward();
    const order = runtime.topologicalOrder(g.L);
    const name = (i: number | null) => (i === null ? null : order[i]!.label);
    const replay = replayBackward(g.L, order);
    expect(replay.steps.map((s) => [s.title, name(s.current), s.changes.map(([i, t]) => `${name(i)} ${t}`)])).toEqual([
      ["before backward", null, order.map((v) => `${v.label} grad 0.0000`)],
      ["L.grad = 1.0", "L", ["L grad 1.0000"]],
      ["L._backward()", "L", ["d grad -2.0000", "f grad 4.0000"]],
      ["d._backward()", "d", ["e grad -2.0000", "c grad -2.0000"]],
      ["e._backward()", "e", ["a grad 6.0000", "b grad -4.0000"]],
    ]);
    expect(replay.steps[4]!.detail).toBe("e = a * b. a.grad += b.data · e.grad; b.grad += a.data · e.grad. Now a.grad = 6.0000, b.grad = -4.0000.");
    expect(replay.programStep).toBe(4);
    expect(replay.note).toBe("");
    expect([g.a.grad, g.b.grad, g.L.grad]).toEqual([6, -4, 1]);
  });

  it("says so when the program did not call backward(), or left other grads", () => {
    const g = walkthrough();
    const before = replayBackward(g.L);
    expect(before.programStep).toBe(0);
    expect(before.note).toMatch(/did not call L\.backward\(\)/);
    expect(g.a.grad).toBe(0);
    g.L.backward();
    g.L.backward(); // the grads accumulate
    expect(g.a.grad).toBe(24);
    const twice = replayBackward(g.L);
    expect(twice.programStep).toBeNull();
    expect(twice.note).toMatch(/^The program's grads differ from one backward\(\) pass from zero/);
    expect(twice.programGrads[runtime.topologicalOrder(g.L).indexOf(g.a)]).toBe("grad 24.0000");
    expect(twice.steps.at(-1)!.changes).toContainEqual([runtime.topologicalOrder(g.L).indexOf(g.a), "grad 6.0000"]);
    expect(g.a.grad).toBe(24);
  });

  it("a node used twice gets both terms, shown once", () => {
    const a = new runtime.Value(3, { label: "a" });
    const b = a.add(a);
    b.label = "b";
    const replay = replayBackward(b);
    expect(replay.steps.at(-1)!.changes).toEqual([[0, "grad 2.0000"]]);
    expect(replay.steps.at(-1)!.detail).toBe("b = a + a. a.grad += 1 · b.grad; a.grad += 1 · b.grad. Now a.grad = 2.0000.");
  });

  it("names a node without a label by its op, a constant by its number, and brackets a label that is not a plain name", () => {
    const x = new runtime.Value(3, { label: "x" });
    const y = x.mul(x).add(1);
    const replay = replayBackward(y);
    expect(replay.steps.map((s) => s.title)).toEqual(["before backward", "(+).grad = 1.0", "(+)._backward()", "(*)._backward()"]);
    expect(replay.steps[2]!.detail).toBe("(+) = (*) + (1.0). (*).grad += 1 · (+).grad; (1.0).grad += 1 · (+).grad. Now (*).grad = 1.0000, (1.0).grad = 1.0000.");
    const s = x.mul(2);
    s.label = "x*2";
    expect(replayBackward(s.tanh()).steps.at(-1)!.detail).toBe(
      "(x*2) = x * (2.0). x.grad += (2.0).data · (x*2).grad; (2.0).grad += x.data · (x*2).grad. Now x.grad = 0.0000, (2.0).grad = 0.0001.",
    );
  });
});

describe('the "playground" module: plotStep and plotBoundary', () => {
  const X = [
    [0, 0],
    [1, 1],
  ];
  const y = [-1, 1];
  const model = (x: number[]) => new runtime.Value(x[0]! - 0.5); // class 1 right of x0 = 0.5

  it("evaluates the notebook's grid (spacing 0.25, 1 beyond the data) with the model's sign", () => {
    const sent: unknown[] = [];
    const plots = plotsModule({ step: (...a) => sent.push(a), boundary: (b) => sent.push(b) });
    plots.exports.plotStep(0, 0.9, 0.5);
    plots.exports.plotBoundary(model, X, y);
    const b = sent[1] as Boundary;
    expect(sent[0]).toEqual([0, 0.9, 0.5]);
    expect(b.xs).toEqual([-1, -0.75, -0.5, -0.25, 0, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75]); // arange(-1, 2, 0.25)
    expect(b.ys).toEqual(b.xs);
    expect(b.predictions.slice(0, 12)).toEqual([0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
    expect(b.predictions).toHaveLength(144);
    expect([b.points, b.labels]).toEqual([X, y]);
  });

  it("evaluates at most every 250 ms, and the last call when the program ends", () => {
    let clock = 0;
    const drawn: number[] = [];
    let calls = 0;
    const counting = (x: number[]) => (calls++, model(x));
    const plots = plotsModule({ step() {}, boundary: () => drawn.push(clock) }, () => clock);
    for (clock = 1000; clock < 1600; clock += 100) plots.exports.plotBoundary(counting, X, y);
    expect(drawn).toEqual([1000, 1300]);
    plots.flush(); // the call at 1500
    expect(drawn).toEqual([1000, 1300, 1600]);
    expect(calls).toBe(3 * 144);
    plots.flush();
    expect(drawn).toHaveLength(3);
  });

  it("says what is wrong with its arguments", () => {
    const { plotStep, plotBoundary } = plotsModule({ step() {}, boundary() {} }).exports;
    expect(() => plotStep(0, new runtime.Value(1) as unknown as number)).toThrow(
      "plotStep(step, loss, accuracy): step and loss must be numbers (loss.data for a Value), got number and object",
    );
    expect(() => plotBoundary(model, [[0, 0]], [1, -1])).toThrow("plotBoundary(model, X, y): X and y must be non-empty arrays of the same length, got 1 and 2");
    expect(() => plotBoundary(model, [[0, Number.NaN]], [1])).toThrow("plotBoundary(model, X, y): X[0] must be two finite numbers, got [0,null]");
    expect(() =>
      plotBoundary(
        model,
        [
          [0, 0],
          [1000, 1000],
        ],
        [1, -1],
      ),
    ).toThrow("plotBoundary: the grid would have 16064064 points, more than 40000; use a larger step");
    expect(() => plotBoundary(() => "x" as unknown as number, X, y)).toThrow("plotBoundary: the model must return a Value or a number for [-1, -1], got string");
  });
});

describe("the Python comparison", () => {
  it("looks through Python's floats, sets and last-digit differences, and finds the first line that differs", () => {
    expect(
      compareOutputs(
        "a.grad 6 b.grad -4\n[Value(data=-6.0, grad=0.0), Value(data=10.0, grad=0.0)] +\n",
        "a.grad 6.0 b.grad -4.0\n{Value(data=10.0, grad=0.0), Value(data=-6.0, grad=0.0)} +\n",
      ),
    ).toEqual({ same: true, worst: 0 });
    const close = compareOutputs("1 3.202149646920501", "1 3.2021496469205015");
    expect(close.same).toBe(true);
    expect(close.worst).toBeGreaterThan(0);
    expect(compareOutputs("x 1\ny 2.5\n", "x 1\ny 2.6\n")).toMatchObject({ same: false, line: 2, typescript: "y 2.5", python: "y 2.6" });
    expect(compareOutputs("step 1 loss", "step 1 cost")).toMatchObject({ same: false, line: 1 });
    expect(compareOutputs("a\n", "a\nb\n")).toMatchObject({ same: false, line: 2, typescript: "(nothing)" });
  });
});

describe("links", () => {
  it("a program goes into the hash and comes back exactly, an example by its name", async () => {
    const code = 'import { Value } from "micrograd-ts";\nconst é = new Value(1, { label: "😀 a\\tb" });\n'.repeat(50);
    const hash = await toHash({ code });
    expect(hash).toMatch(/^#code=[A-Za-z0-9_-]+$/);
    expect(hash.length).toBeLessThan(code.length / 4); // deflated
    expect(await fromHash(hash)).toEqual({ code });
    expect(await fromHash(await toHash({ example: "neuron" }))).toEqual({ example: "neuron" });
    expect(await fromHash("")).toBeNull();
  });

  it("a damaged link says so", async () => {
    const hash = await toHash({ code: "const a = 1;\n".repeat(20) });
    await expect(fromHash(hash.slice(0, 12))).rejects.toThrow(/^This link's program cannot be read/);
    await expect(fromHash("#code=%%%")).rejects.toThrow(/characters that base64url does not use/);
  });
});
