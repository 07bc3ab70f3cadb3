// Equivalence of the Babel path, on generated programs (seeded, so a failure names its seed):
// - number-only programs print exactly the same with and without the plugin: every operator
//   (the rewritten ones, the wrapped unsupported ones and those left alone), strings, booleans,
//   null and undefined mixed in, side effects in operands and in compound-assignment targets;
// - Value programs written with operators give the same data and grads, bit for bit, as the same
//   programs written with method calls.

import { describe, expect, test } from "vitest";
import { type Rng, rng } from "./differential/program.ts";
import { babelTransform, ROOT, runEmitted } from "./transformer-babel.helpers.ts";

// ---- number-only programs ------------------------------------------------------------------

const BINARY_OPS = ["+", "-", "*", "/", "**", "%", "<", ">", "<=", ">=", "==", "!=", "===", "!==", "&", "|", "^", "<<", ">>", ">>>", "&&", "||", "??"] as const;
const UNARY_OPS = ["-", "+", "~", "!", "typeof "] as const;
const COMPOUND_OPS = ["+=", "-=", "*=", "/=", "**=", "%=", "&=", "|=", "^=", "<<=", ">>=", ">>>=", "&&=", "||=", "??="] as const;
const LITERALS = [
  "0",
  "1",
  "2",
  "3",
  "(-1)",
  "(-2.5)",
  "0.5",
  "1e-3",
  "7",
  "10",
  "(-0)",
  "1.5",
  '"a"',
  '"3"',
  '""',
  "true",
  "false",
  "null",
  "undefined",
  "NaN",
  "Infinity",
  "[]",
  "[2]",
];

function numberExpr(r: Rng, vars: string[], depth: number): string {
  if (depth <= 0 || r.chance(0.25)) {
    const k = r.int(10);
    if (k < 4 && vars.length) return r.pick(vars);
    if (k === 4) return `f(${r.pick(LITERALS)})`;
    if (k === 5 && vars.length) return `o.${r.pick(["p", "q"])}`;
    return r.pick(LITERALS);
  }
  const k = r.int(12);
  if (k < 8) {
    const op = r.pick(BINARY_OPS);
    const shift = op === "<<" || op === ">>" || op === ">>>";
    const right = shift ? String(r.int(8)) : numberExpr(r, vars, depth - 1);
    return `(${numberExpr(r, vars, depth - 1)} ${op} ${right})`;
  }
  if (k < 10) return `(${r.pick(UNARY_OPS)}${numberExpr(r, vars, depth - 1)})`;
  if (k < 11) return `(${numberExpr(r, vars, depth - 1)} ? ${numberExpr(r, vars, depth - 1)} : ${numberExpr(r, vars, depth - 1)})`;
  return `\`\${${numberExpr(r, vars, depth - 1)}}\``;
}

function numberProgram(seed: number): string {
  const r = rng(seed);
  const lines = [
    '"use micrograd";',
    "const log = [];",
    "const f = (x) => { log.push(x); return x; };",
    "const o = { p: 2, q: -3 };",
    "const arr = [1, 2, 3, 4];",
    "let i = 0;",
    "const key = () => { log.push('k'); return r() ? 'p' : 'q'; };",
    `let flip = ${seed % 2};`,
    "const r = () => (flip = 1 - flip);",
  ];
  const vars: string[] = [];
  const statements = 4 + r.int(8);
  for (let s = 0; s < statements; s++) {
    const k = r.int(10);
    if (k < 4 || vars.length === 0) {
      const name = `v${vars.length}`;
      lines.push(`let ${name} = ${numberExpr(r, vars, 3)};`);
      vars.push(name);
    } else if (k < 6) {
      lines.push(`${r.pick(vars)} ${r.pick(COMPOUND_OPS)} ${numberExpr(r, vars, 2)};`);
    } else if (k < 7) {
      lines.push(`o[key()] ${r.pick(COMPOUND_OPS)} ${numberExpr(r, vars, 2)};`);
    } else if (k < 8) {
      lines.push(`arr[i++ % 4] ${r.pick(COMPOUND_OPS)} ${numberExpr(r, vars, 2)};`);
    } else {
      lines.push(`print(${numberExpr(r, vars, 3)});`);
    }
  }
  lines.push("print(...vars(), o.p, o.q, ...arr, i, ...log);".replace("vars()", `[${vars.join(", ")}]`));
  return lines.join("\n");
}

const PRINT = "const print = (...xs) => console.log(xs.map((x) => (Object.is(x, -0) ? '-0' : typeof x === 'string' ? JSON.stringify(x) : String(x))).join(' '));\n";

function runNumberProgram(code: string, file: string): string[] {
  try {
    return runEmitted(PRINT + code, file, { sourceType: "script" }).printed;
  } catch (error) {
    return [`threw ${(error as Error).name}: ${(error as Error).message}`];
  }
}

describe("number-only programs print the same with and without the plugin", () => {
  test("1,000 generated programs (seeds 1..1000)", () => {
    let rewritten = 0;
    for (let seed = 1; seed <= 1000; seed++) {
      const source = numberProgram(seed);
      const file = `${ROOT}gen/number-${seed}.js`;
      const plain = runNumberProgram(source, file);
      const transformed = babelTransform(source, file, {}, { sourceType: "script" });
      if (transformed.includes('require("micrograd-ts")')) rewritten++;
      const out = runNumberProgram(transformed, file);
      if (JSON.stringify(out) !== JSON.stringify(plain)) {
        expect({ seed, source, transformed, out }).toEqual({ seed, source, transformed, out: plain });
      }
    }
    // the programs did go through the helpers (a few have only literals, left as written)
    expect(rewritten).toBeGreaterThan(950);
  });
});

// ---- Value programs: operators against method calls ------------------------------------------

interface Expr {
  op: string; // operator form
  m: string; // method form
  value: boolean; // may be a Value
}

function valueExpr(r: Rng, leaves: string[], depth: number): Expr {
  if (depth <= 0 || r.chance(0.2)) {
    if (r.chance(0.7)) {
      const v = r.pick(leaves);
      return { op: v, m: v, value: true };
    }
    const n = r.pick(["2", "3", "0.5", "(-1.5)", "4"]);
    return { op: n, m: n, value: false };
  }
  const k = r.int(10);
  if (k < 6) {
    const op = r.pick(["+", "-", "*", "/"] as const);
    const a = valueExpr(r, leaves, depth - 1);
    const b = valueExpr(r, leaves, depth - 1);
    const fn = { "+": "add", "-": "sub", "*": "mul", "/": "div" }[op];
    const m = a.value ? `${a.m}.${fn}(${b.m})` : b.value ? `${fn}(${a.m}, ${b.m})` : `(${a.m} ${op} ${b.m})`;
    return { op: `(${a.op} ${op} ${b.op})`, m, value: a.value || b.value };
  }
  if (k < 7) {
    const a = valueExpr(r, leaves, depth - 1);
    const e = r.pick(["2", "3", "-1"]);
    return { op: `(${a.op} ** ${e})`, m: a.value ? `${a.m}.pow(${e})` : `(${a.m} ** ${e})`, value: a.value };
  }
  if (k < 8) {
    const a = valueExpr(r, leaves, depth - 1);
    return { op: `(-${a.op})`, m: a.value ? `${a.m}.neg()` : `(-${a.m})`, value: a.value };
  }
  const a = valueExpr(r, leaves, depth - 1);
  const fn = r.pick(["tanh", "relu", "exp"]);
  const arg = a.value ? a : { op: `new Value(${a.op})`, m: `new Value(${a.m})`, value: true };
  return { op: `${arg.op}.${fn}()`, m: `${arg.m}.${fn}()`, value: true };
}

function valuePrograms(seed: number): { operators: string; methods: string } {
  const r = rng(seed);
  const leaves = ["x0", "x1", "x2", "x3"];
  const head = `import { Value, add, sub, mul, div } from "micrograd-ts";\nconst [${leaves.join(", ")}] = [${leaves.map(() => `new Value(${(r.next() * 4 - 2).toFixed(3)})`).join(", ")}];\nconst box = { v: x0 };\n`;
  let operators = head;
  let methods = head;
  const steps = 2 + r.int(4);
  for (let s = 0; s < steps; s++) {
    const e = valueExpr(r, leaves, 4);
    const name = `y${s}`;
    const ev = e.value ? e : { op: `new Value(${e.op})`, m: `new Value(${e.m})`, value: true };
    operators += `let ${name} = ${ev.op};\n`;
    methods += `let ${name} = ${ev.m};\n`;
    const c = valueExpr(r, leaves, 2);
    const op = r.pick(["+", "-", "*"] as const);
    const fn = { "+": "add", "-": "sub", "*": "mul" }[op];
    operators += `${name} ${op}= ${c.op};\nbox.v ${op}= ${name};\n`;
    methods += `${name} = ${name}.${fn}(${c.m});\nbox.v = box.v.${fn}(${name});\n`;
  }
  const tail = `box.v.backward();\nconsole.log(JSON.stringify([box.v.data, ${leaves.map((l) => `${l}.grad`).join(", ")}].map(String)));\n`;
  return { operators: operators + tail, methods: methods + tail };
}

describe("Value programs with operators equal the same programs with method calls", () => {
  test("300 generated programs (seeds 1..300)", () => {
    for (let seed = 1; seed <= 300; seed++) {
      const { operators, methods } = valuePrograms(seed);
      const file = `${ROOT}gen/value-${seed}.js`;
      const expected = runEmitted(methods, file).printed;
      const transformed = babelTransform(operators, file);
      const got = runEmitted(transformed, file).printed;
      if (JSON.stringify(got) !== JSON.stringify(expected)) {
        expect({ seed, operators, transformed, got }).toEqual({ seed, operators, transformed, got: expected });
      }
      expect(expected).toHaveLength(1);
    }
  });
});
