// Equivalence of the TypeScript transformer on generated programs (seeded, so a failure can be
// reproduced by its seed and file name):
// - 1,000 programs over plain numbers (half of them with operands typed any) compile to exactly
//   the JavaScript plain tsc emits; with the option dispatchAny the `any` half goes through the
//   dispatching helpers and prints exactly the same;
// - 300 programs over Values give the same data and grads as the same programs written with
//   method calls (a.mul(b).add(c)) and compiled without the transformer.
// Each set is compiled as one program and run in one Node process, to stay fast.

import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { compile, ensureDist, plain, runModules, scratchDir } from "./transformer-ts.helpers.ts";

/** mulberry32: a small seeded generator, so every run builds the same programs. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEED = 20261128;
const NUMBER_PROGRAMS = 1000;
const VALUE_PROGRAMS = 300;

// ---------------------------------------------------------------------------------------------
// Number-only programs

function numberProgram(rnd: () => number, withAny: boolean): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const literal = (): string => pick(["0", "1", "2", "3", "0.5", "1.25", "7", "10", "(-2)", "1e-3", "255"]);
  let vars = ["n0", "n1", "one"];
  const expr = (depth: number): string => {
    if (depth === 0 || rnd() < 0.25) return rnd() < 0.5 ? literal() : pick(vars);
    const r = rnd();
    if (r < 0.1) return `(-${expr(depth - 1)})`;
    if (r < 0.15) return `(${expr(depth - 1)} < ${expr(depth - 1)} ? ${expr(depth - 1)} : ${expr(depth - 1)})`;
    if (r < 0.2) return `(${expr(depth - 1)} ${pick(["|", "&", "^", "<<", ">>", ">>>"])} ${expr(depth - 1)})`;
    if (r < 0.25) return `(${expr(depth - 1)} % ${expr(depth - 1)})`;
    if (r < 0.28) return `("s" + ${expr(depth - 1)}).length`;
    return `(${expr(depth - 1)} ${pick(["+", "-", "*", "/", "**"])} ${expr(depth - 1)})`;
  };
  const lines = ['import { Value } from "micrograd-ts";', "const one = new Value(1).data;", `let n0 = ${literal()};`, `let n1: number = ${literal()};`, `const n2 = ${expr(2)};`];
  if (withAny) lines.push(`let y0: any = ${literal()};`, `const y1: any = JSON.parse("${literal().replace(/[()]/g, "")}");`);
  vars = ["n0", "n1", "n2", "one", ...(withAny ? ["y0", "y1"] : [])];
  lines.push("const box = { p: 1.5, q: [2, 3, 4] };", "let i = 0;");
  const targets = ["n0", "n1", "box.p", "box.q[i++ % 3]", ...(withAny ? ["y0"] : [])];
  const steps = 3 + Math.floor(rnd() * 5);
  for (let s = 0; s < steps; s++) {
    const r = rnd();
    if (r < 0.5) lines.push(`${pick(targets)} ${pick(["+=", "-=", "*=", "/=", "**=", "%="])} ${expr(3)};`);
    else lines.push(`${pick(["n0", "n1", ...(withAny ? ["y0"] : [])])} = ${expr(3)};`);
  }
  lines.push("console.log(String(n0), String(n1), String(n2), String(box.p), box.q.join(), i" + (withAny ? ", String(y0), String(y1)" : "") + ");");
  return lines.join("\n") + "\n";
}

// ---------------------------------------------------------------------------------------------
// Value programs, written twice: with operators and with method calls

interface Both {
  ops: string;
  methods: string;
  isValue: boolean;
}

function valueProgram(rnd: () => number): { ops: string; methods: string } {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const METHOD: Record<string, string> = { "+": "add", "-": "sub", "*": "mul", "/": "div", "**": "pow" };
  const leaf = (): Both => {
    if (rnd() < 0.6) {
      const v = pick(["v0", "v1", "v2", "v3"]);
      return { ops: v, methods: v, isValue: true };
    }
    const n = pick(["2", "3", "0.5", "1.5", "(-1)", "4"]);
    return { ops: n, methods: n, isValue: false };
  };
  const expr = (depth: number): Both => {
    if (depth === 0 || rnd() < 0.2) return leaf();
    if (rnd() < 0.12) {
      const x = expr(depth - 1);
      return x.isValue ? { ops: `(-${x.ops})`, methods: `${x.methods}.neg()`, isValue: true } : { ops: `(-${x.ops})`, methods: `(-${x.methods})`, isValue: false };
    }
    let op = pick(["+", "-", "*", "/", "**", "+", "*"]);
    const a = expr(depth - 1);
    // exponents stay small numbers (a Value raised to a Value is covered by the fixtures)
    const b = op === "**" ? { ops: pick(["2", "3", "0.5", "(-1)"]), methods: "", isValue: false } : expr(depth - 1);
    if (op === "**") b.methods = b.ops;
    if (op === "/" && !b.isValue && b.ops === "0") op = "*";
    const ops = `(${a.ops} ${op} ${b.ops})`;
    if (a.isValue) return { ops, methods: `${a.methods}.${METHOD[op]}(${b.methods})`, isValue: true };
    if (b.isValue) return { ops, methods: `new Value(${a.methods}).${METHOD[op]}(${b.methods})`, isValue: true };
    return { ops, methods: `(${a.methods} ${op} ${b.methods})`, isValue: false };
  };
  const head = [
    'import { Value } from "micrograd-ts";',
    `const v0 = new Value(${(rnd() * 4 - 2).toFixed(3)});`,
    `const v1 = new Value(${(rnd() * 4 + 0.5).toFixed(3)});`,
    `const v2 = new Value(${(rnd() * 4 - 2).toFixed(3)});`,
    `const v3 = new Value(${(rnd() * 2 + 1).toFixed(3)});`,
  ];
  const ops = [...head, "let acc = v0;"];
  const methods = [...head, "let acc = v0;"];
  const steps = 2 + Math.floor(rnd() * 4);
  for (let s = 0; s < steps; s++) {
    const e = expr(3);
    const op = pick(["+", "-", "*"]);
    ops.push(`acc ${op}= ${e.ops};`);
    methods.push(`acc = acc.${METHOD[op]}(${e.methods});`);
    if (rnd() < 0.4) {
      const t = expr(2);
      ops.push(`const t${s} = ${t.ops} ${op} acc;`);
      methods.push(`const t${s} = ${t.isValue ? t.methods : `new Value(${t.methods})`}.${METHOD[op]}(acc);`);
      ops.push(`acc = acc + t${s} * 0.5;`);
      methods.push(`acc = acc.add(t${s}.mul(0.5));`);
    }
  }
  const tail = "acc.backward();\nconsole.log(String(acc.data), String(v0.grad), String(v1.grad), String(v2.grad), String(v3.grad));\n";
  return { ops: ops.join("\n") + "\n" + tail, methods: methods.join("\n") + "\n" + tail };
}

// ---------------------------------------------------------------------------------------------

let scratch: string;

beforeAll(() => {
  ensureDist();
  scratch = scratchDir("mg-equivalence-");
});

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe("generated programs", () => {
  test(`${NUMBER_PROGRAMS} number-only programs compile as without the transformer, and print the same with dispatchAny`, () => {
    const rnd = generator(SEED);
    const files = new Map<string, string>();
    for (let k = 0; k < NUMBER_PROGRAMS; k++) files.set(join(scratch, `num/p${k}.ts`), numberProgram(rnd, k % 2 === 1));
    const withT = compile(files, true);
    const without = compile(files, false);
    const dispatching = compile(files, true, {}, { dispatchAny: true });
    expect(plain(withT.diagnostics)).toEqual([]);
    expect(plain(without.diagnostics)).toEqual([]);
    expect(plain(dispatching.diagnostics)).toEqual([]);
    expect(withT.unmapped).toBe(0);
    const a = new Map<string, string>();
    const b = new Map<string, string>();
    let dispatched = 0;
    for (const [name, source] of files) {
      const base = name.slice(scratch.length + 1).replace(/\.ts$/, ".js");
      const jsT = dispatching.js.get(name)!;
      const jsP = without.js.get(name)!;
      // by default the transformer touches no file: arithmetic on any is not proven to involve a Value
      expect(withT.js.get(name), `${base} (seed ${SEED})`).toBe(jsP);
      if (!source.includes(": any")) expect(jsT, `${base} (seed ${SEED}, dispatchAny)`).toBe(jsP);
      else if (jsT !== jsP) dispatched++;
      a.set(base.replace("num/", "num-t/"), jsT);
      b.set(base.replace("num/", "num-p/"), jsP);
    }
    expect(dispatched).toBeGreaterThan(NUMBER_PROGRAMS / 4); // with dispatchAny the `any` half mostly goes through opAdd…
    const runsT = runModules(scratch, a);
    const runsP = runModules(scratch, b);
    for (const [name, r] of runsT) {
      const p = runsP.get(name.replace("num-t/", "num-p/"))!;
      expect(r.error ?? "", name).toBe(p.error ?? "");
      expect(r.stdout, `${name} (seed ${SEED})`).toBe(p.stdout);
      expect(r.stdout.length).toBeGreaterThan(10);
    }
  }, 240_000);

  test(`${VALUE_PROGRAMS} Value programs give the same data and grads as the same programs written with method calls`, () => {
    const rnd = generator(SEED + 1);
    const ops = new Map<string, string>();
    const methods = new Map<string, string>();
    for (let k = 0; k < VALUE_PROGRAMS; k++) {
      const p = valueProgram(rnd);
      ops.set(join(scratch, `val/ops${k}.ts`), p.ops);
      methods.set(join(scratch, `val/methods${k}.ts`), p.methods);
    }
    const withT = compile(ops, true);
    const reference = compile(methods, false);
    expect(plain(withT.diagnostics)).toEqual([]);
    expect(plain(reference.diagnostics)).toEqual([]);
    expect(withT.unmapped).toBe(0);
    const a = new Map<string, string>();
    for (const [name, js] of withT.js) {
      expect(js).not.toMatch(/\bop(Add|Sub|Mul|Div|Pow|Neg)\b/); // all typed: the engine is called directly
      a.set(name.slice(scratch.length + 1).replace(/\.ts$/, ".js"), js);
    }
    for (const [name, js] of reference.js) a.set(name.slice(scratch.length + 1).replace(/\.ts$/, ".js"), js);
    const runs = runModules(scratch, a);
    let distinct = new Set<string>();
    for (let k = 0; k < VALUE_PROGRAMS; k++) {
      const r = runs.get(`val/ops${k}.js`)!;
      const m = runs.get(`val/methods${k}.js`)!;
      expect(r.error ?? "", `val/ops${k}`).toBe("");
      expect(m.error ?? "", `val/methods${k}`).toBe("");
      expect(r.stdout, `val/ops${k}.ts (seed ${SEED + 1})`).toBe(m.stdout);
      distinct.add(r.stdout);
    }
    expect(distinct.size).toBeGreaterThan(VALUE_PROGRAMS * 0.9);
    distinct = new Set();
  }, 240_000);
});
