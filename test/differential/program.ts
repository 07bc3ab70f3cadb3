// The differential generator's programs (issue 11): seeded, so a failure is reproduced by its
// seed and program id. Each program is a folder of TypeScript modules written twice: with
// operators (what every path compiles) and with the engine's functions (the oracle, compiled by
// nobody: only its types are stripped). The generator knows, for every expression, whether it is
// a Value or a number at run time, so the oracle calls add(a, b) exactly where the operator must
// reach the engine and keeps the native operator where both sides are numbers. Inside functions
// whose parameter can be either (a union, a type parameter), the oracle branches on typeof.
//
// Side effects (keys, objects, right-hand sides, module bodies, getters and setters) are logged
// through ../rt.ts, so equal logs mean equal results and an equal order of evaluation.

export type Family = "targets" | "unions" | "cycles" | "chains" | "mixed" | "any-value";

export interface Module {
  name: string;
  ops: string;
  oracle: string;
}

export interface Program {
  id: string;
  family: Family;
  /** What the program exercises, for the expected-failure rules (test/differential.test.ts). */
  features: Set<string>;
  modules: Module[];
  entry: string;
}

/** mulberry32: small, seeded, the same sequence on every machine. */
export function rng(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <X>(xs: readonly X[]): X => xs[Math.floor(next() * xs.length)]!,
    chance: (p: number) => next() < p,
    shuffle: <X>(xs: X[]): X[] => {
      for (let i = xs.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [xs[i], xs[j]] = [xs[j]!, xs[i]!];
      }
      return xs;
    },
  };
}
export type Rng = ReturnType<typeof rng>;

/**
 * The support module every program imports as "../rt.js": logging, leaves, the objects that
 * assignment targets use, the final backward pass. No operators in it. `begin(id)` starts a
 * program's log (the runner calls it before importing a program's entry; programs packed into one
 * module call it themselves).
 */
export const RT = `import { Value } from "micrograd-ts";
type State = { logs: Record<string, string[]>; log: string[]; leaves: Value[]; outs: Value[] };
const g = globalThis as unknown as { __mg: State };
const fmt = (x: unknown): string => (x instanceof Value ? \`V:\${String(x.data)}\` : typeof x === "number" ? \`N:\${Object.is(x, -0) ? "-0" : String(x)}\` : typeof x === "string" ? JSON.stringify(x) : String(x));
export function begin(id: string): void { g.__mg.log = g.__mg.logs[id] = []; g.__mg.leaves = []; g.__mg.outs = []; }
export function log(tag: string): void { g.__mg.log.push(tag); }
export function threw(e: unknown): void { g.__mg.log.push(\`threw \${(e as Error).name}: \${String((e as Error).message).split("\\n")[0]}\`); }
export function note<T>(tag: string, x: T): T { g.__mg.log.push(tag); return x; }
export function leaf(d: number): Value { const v = new Value(d); g.__mg.leaves.push(v); return v; }
const KEYS = ["p0", "p1", "p2"];
export function k(tag: string, i: number): string { g.__mg.log.push(tag); return KEYS[i]!; }
export function ix(tag: string, i: number): number { g.__mg.log.push(tag); return i; }
export function flag(tag: string, b: boolean): boolean { g.__mg.log.push(tag); return b; }
export function maybe(tag: string, key: string | null): string | null { g.__mg.log.push(tag); return key; }
export function kt(parts: TemplateStringsArray, ...xs: number[]): string { g.__mg.log.push("tag"); return parts[0]! + String(xs[0]); }
/** The objects the assignment targets use: records of Values and of numbers, an array, an object, getters and setters. */
export function fixtures(d: number[]) {
  const R: Record<string, Value> = { p0: leaf(d[0]!), p1: leaf(d[1]!), p2: leaf(d[2]!) };
  const RN: Record<string, number> = { p0: d[3]!, p1: d[4]!, p2: d[5]! };
  const A: Value[] = [leaf(d[6]!), leaf(d[7]!), leaf(d[8]!)];
  const o = { p: leaf(d[9]!), n: d[10]! };
  const G = { _p: leaf(d[11]!), get p(): Value { log("get p"); return this._p; }, set p(v: Value) { log("set p"); this._p = v; } };
  return { R, RN, A, o, G, boxes: [R], names: ["p0", "p1", "p2"] };
}
export function report(name: string, x: unknown): void {
  g.__mg.log.push(\`\${name}=\${fmt(x)}\`);
  if (x instanceof Value) g.__mg.outs.push(x);
  else if (Array.isArray(x)) for (const y of x) report(name, y);
}
export function finish(): void {
  let s = new Value(0);
  for (const o of g.__mg.outs) s = s.add(o);
  s.backward();
  g.__mg.log.push(\`sum=\${fmt(s)} grads=\${g.__mg.leaves.map((l) => String(l.grad)).join(",")}\`);
}
`;

// ---- expressions -------------------------------------------------------------------------------

/** Static type (what TypeScript sees): Value, number, a union of both. Run-time kind: Value or number. */
type St = "V" | "N" | "U";
type Rk = "V" | "N";
export interface Expr {
  ops: string;
  oracle: string;
  st: St;
  rk: Rk;
}
export interface Binding {
  name: string;
  st: St;
  rk: Rk;
  /** let: may be a compound-assignment target */
  mutable: boolean;
}

const FN: Record<string, string> = { "+": "add", "-": "sub", "*": "mul", "/": "div" };
const join = (a: St, b: St): St => (a === "U" || b === "U" ? "U" : a === "V" || b === "V" ? "V" : "N");
const number = (r: Rng) => r.pick(["2", "3", "0.5", "1.5", "(-1.25)", "4"]);

export function binary(op: string, a: Expr, b: Expr): Expr {
  const rk: Rk = a.rk === "V" || b.rk === "V" ? "V" : "N";
  const oracle = rk === "V" ? (op === "**" ? `pow(${a.oracle}, ${b.oracle})` : `${FN[op]}(${a.oracle}, ${b.oracle})`) : `(${a.oracle} ${op} ${b.oracle})`;
  return { ops: `(${a.ops} ${op} ${b.ops})`, oracle, st: join(a.st, b.st), rk };
}

export class Exprs {
  constructor(
    private r: Rng,
    /** bindings visible where the expression is written */
    readonly scope: Binding[],
    /** expression forms allowed: union-typed leaves and poly calls (needs the poly functions in scope) */
    private opts: { unions?: boolean; poly?: boolean; logs?: boolean } = {},
  ) {}

  leaf(want?: St): Expr {
    const r = this.r;
    const fits = this.scope.filter((b) => !want || b.st === want || (want === "U" && b.st !== "U"));
    if (fits.length && r.chance(0.7)) {
      const b = r.pick(fits);
      return { ops: b.name, oracle: b.name, st: b.st, rk: b.rk };
    }
    if (want === "V" || (!want && r.chance(0.4))) {
      const d = number(r).replace(/[()]/g, "");
      return { ops: `leaf(${d})`, oracle: `leaf(${d})`, st: "V", rk: "V" };
    }
    const n = number(r);
    return { ops: n, oracle: n, st: "N", rk: "N" };
  }

  /** An expression whose static type fits `want` (V: Value only, N: number only, U: anything). */
  expr(depth: number, want: St = "U"): Expr {
    const r = this.r;
    if (depth <= 0 || r.chance(0.25)) return want === "U" ? this.leaf(this.opts.unions ? undefined : r.pick(["V", "N"])) : this.leaf(want);
    const k = r.int(12);
    if (want === "N") {
      const a = this.expr(depth - 1, "N");
      const b = this.expr(depth - 1, "N");
      return binary(r.pick(["+", "-", "*"]), a, b);
    }
    if (k < 6) {
      const op = r.pick(["+", "-", "*", "/", "+", "*"]);
      // a Value-typed result needs a Value-typed side and nothing of union type
      const a = this.expr(depth - 1, want === "V" ? "V" : "U");
      const b = this.expr(depth - 1, want === "V" ? r.pick(["V", "N"]) : "U");
      const e = r.chance(0.5) ? binary(op, a, b) : binary(op, b, a);
      if (op === "/" && e.ops.endsWith(" 0)")) return a;
      return e;
    }
    if (k < 7) {
      const a = this.expr(depth - 1, want === "V" ? "V" : "U");
      const p = r.pick(["2", "3"]);
      return { ops: `(${a.ops} ** ${p})`, oracle: a.rk === "V" ? `pow(${a.oracle}, ${p})` : `(${a.oracle} ** ${p})`, st: a.st, rk: a.rk };
    }
    if (k < 8) {
      const a = this.expr(depth - 1, want === "V" ? "V" : "U");
      return { ops: `(-${a.ops})`, oracle: a.rk === "V" ? `neg(${a.oracle})` : `(-${a.oracle})`, st: a.st, rk: a.rk };
    }
    if (k < 9) {
      const a = this.expr(depth - 1, "V");
      const fn = r.pick(["tanh", "relu", "exp"]);
      return { ops: `${a.ops}.${fn}()`, oracle: `${a.oracle}.${fn}()`, st: "V", rk: "V" };
    }
    if (k < 10 && this.opts.logs !== false) {
      const a = this.expr(depth - 1, want);
      const tag = `e${r.int(100)}`;
      return { ops: `note("${tag}", ${a.ops})`, oracle: `note("${tag}", ${a.oracle})`, st: a.st, rk: a.rk };
    }
    if (k < 11 && want === "U" && this.opts.poly) {
      const a = this.expr(depth - 1, "U");
      const f = r.pick(POLY);
      return { ops: f.call(a.ops), oracle: f.call(a.oracle), st: "U", rk: a.rk };
    }
    if (want === "U" && this.opts.unions) {
      const a = this.expr(depth - 1, "U");
      return { ops: `(${a.ops} as Value | number)`, oracle: a.oracle, st: "U", rk: a.rk };
    }
    return this.expr(depth - 1, want);
  }
}

/** Functions whose operand may be a Value or a number: the body dispatches, the oracle branches. */
interface Poly {
  name: string;
  ops: string;
  oracle: string;
  call: (arg: string) => string;
  feature: string;
}
const POLY: Poly[] = [
  {
    name: "dbl",
    ops: "export function dbl(x: Value | number) {\n  return x * 2;\n}",
    oracle: 'export function dbl(x: Value | number) {\n  return typeof x === "number" ? x * 2 : mul(x, 2);\n}',
    call: (a) => `dbl(${a})`,
    feature: "union-parameter",
  },
  {
    name: "affine",
    ops: "export const affine = (x: Value | number, w = 3) => w * x + 1;",
    oracle: 'export const affine = (x: Value | number, w = 3) => (typeof x === "number" ? w * x + 1 : add(mul(w, x), 1));',
    call: (a) => `affine(${a})`,
    feature: "union-parameter",
  },
  {
    name: "twice",
    ops: "export function twice<T>(x: T) {\n  return x + x;\n}",
    oracle: 'export function twice<T>(x: T) {\n  return typeof x === "number" ? x + x : add(x as Value, x as Value);\n}',
    call: (a) => `twice(${a})`,
    feature: "generic-parameter",
  },
  {
    name: "sq",
    ops: "export function sq(x: Value | number) {\n  let y = x;\n  y *= x;\n  return y;\n}",
    oracle: 'export function sq(x: Value | number) {\n  let y = x;\n  y = typeof x === "number" && typeof y === "number" ? y * x : mul(y, x);\n  return y;\n}',
    call: (a) => `sq(${a})`,
    feature: "union-parameter",
  },
  {
    name: "halves",
    ops: "export const halves = (xs: readonly (Value | number)[]) => xs.map((x) => x / 2);",
    oracle: 'export const halves = (xs: readonly (Value | number)[]) => xs.map((x) => (typeof x === "number" ? x / 2 : div(x, 2)));',
    call: (a) => `halves([${a}, 2])[0]!`,
    feature: "union-array",
  },
];

/** The module "../poly.js": the poly functions, with operators and as the oracle writes them. */
export const POLY_MODULE = {
  ops: `import { Value } from "micrograd-ts";\n${POLY.map((p) => p.ops).join("\n")}\n`,
  oracle: `import { Value, add, mul, div } from "micrograd-ts";\n${POLY.map((p) => p.oracle).join("\n")}\n`,
};
export const POLY_IMPORT = `import { ${POLY.map((p) => p.name).join(", ")} } from "../poly.js";`;
export const ORACLE_IMPORT = 'import { add, sub, mul, div, pow, neg } from "micrograd-ts";';
