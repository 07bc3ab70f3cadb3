// The program families of the differential generator, one per dimension of issue 11:
// - targets: every assignment-target form (identifier, member, computed member with keys of every
//   expression kind, with side effects, template literals included; getters and setters; `!`,
//   `as`, `satisfies` and parentheses around targets);
// - unions: operands typed `Value | number` or a type parameter, in functions called with both;
// - cycles: import cycles in every order, hoisted functions called before their module body, the
//   runtime imported first, last or not at all, imports written after code;
// - chains: unannotated modules, each computing from the previous one (up to 50);
// - mixed: several modules, all of the above at random;
// - any-value: a Value in an operand typed `any` (tspc leaves it as tsc emits it, and it throws).

import { type Binding, binary, type Expr, Exprs, type Family, type Module, ORACLE_IMPORT, POLY_IMPORT, type Program, type Rng, rng } from "./program.ts";

const RT_IMPORT = 'import { begin, threw, log, note, leaf, k, ix, flag, maybe, kt, fixtures, report, finish } from "../rt.js";';
const COMPOUND = ["+=", "-=", "*=", "/=", "**="] as const;

/** A module under construction: its two texts grow together. */
class Text {
  ops: string[] = [];
  oracle: string[] = [];
  both(line: string): void {
    this.ops.push(line);
    this.oracle.push(line);
  }
  add(ops: string, oracle: string): void {
    this.ops.push(ops);
    this.oracle.push(oracle);
  }
  module(name: string): Module {
    return { name, ops: this.ops.join("\n") + "\n", oracle: this.oracle.join("\n") + "\n" };
  }
}

// ---- assignment targets ------------------------------------------------------------------------

/** Keys of the records { p0, p1, p2 }: one per expression kind, most with a logged side effect. */
function stringKey(r: Rng, features: Set<string>): string {
  const i = r.int(3);
  const forms: [string, string][] = [
    ["call", `k("kc", ${i})`],
    ["template", `\`p\${ix("kt", ${i})}\``],
    ["template-update", "`p${c++ % 3}`"],
    ["template-nested", `\`\${"p"}\${ix("kn", ${i})}\``],
    ["tagged-template", `kt\`p\${ix("kg", ${i})}\``],
    ["conditional", `(flag("kq", ${r.chance(0.5)}) ? "p0" : "p2")`],
    ["sequence", `(log("ks"), "p${i}")`],
    ["binary", `"p" + ix("kb", ${i})`],
    ["member", `names[ix("km", ${i})]!`],
    ["assignment", `(last = k("ka", ${i}))`],
    ["logical", `(maybe("kl", ${r.chance(0.5) ? `"p${i}"` : "null"}) ?? "p1")`],
    ["update-member", "names[c++ % 3]!"],
    ["literal", `"p${i}"`],
    ["template-plain", `\`p${i}\``],
    ["identifier", "kk"],
  ];
  const [kind, text] = r.pick(forms);
  features.add(`key-${kind}`);
  return text;
}

function numberKey(r: Rng, features: Set<string>): string {
  const i = r.int(3);
  const [kind, text] = r.pick<[string, string]>([
    ["call", `ix("ki", ${i})`],
    ["update", "c++ % 3"],
    ["sequence", `(log("ks"), ${i})`],
    ["literal", String(i)],
  ]);
  features.add(`index-${kind}`);
  return text;
}

interface Target {
  /** the target as written, before a wrapper */
  ops: string;
  /** for the oracle: statements that evaluate the object and key once, and the reference they leave */
  setup: string;
  ref: string;
  st: "V" | "N" | "U";
  rk: "V" | "N";
  binding?: Binding;
}

function target(r: Rng, scope: Binding[], features: Set<string>): Target {
  const k = r.int(8);
  const lets = scope.filter((b) => b.mutable);
  if (k < 2 && lets.length) {
    const b = r.pick(lets);
    features.add("target-identifier");
    return { ops: b.name, setup: "", ref: b.name, st: b.st, rk: b.rk, binding: b };
  }
  if (k < 3) {
    features.add("target-member");
    const [p, st] = r.pick<[string, "V" | "N"]>([
      ["p", "V"],
      ["n", "N"],
    ]);
    return { ops: `o.${p}`, setup: "", ref: `o.${p}`, st, rk: st };
  }
  if (k < 4) {
    features.add("target-accessor");
    return { ops: "G.p", setup: "", ref: "G.p", st: "V", rk: "V" };
  }
  if (k < 6) {
    features.add("target-computed");
    const key = stringKey(r, features);
    const [object, record] = r.pick<[string, string]>([
      ["R", "R"],
      ['note("obj", R)', "R"],
      ['(log("seq-obj"), R)', "R"],
      ['boxes[ix("box", 0)]!', "R"],
      ["RN", "RN"],
    ]);
    if (object !== record) features.add("object-side-effect");
    const st = record === "RN" ? "N" : "V";
    return { ops: `${object}[${key}]`, setup: `const o_ = ${object}; const k_ = ${key};`, ref: "o_[k_]", st, rk: st };
  }
  features.add("target-index");
  const key = numberKey(r, features);
  return { ops: `A[${key}]`, setup: `const o_ = A; const k_ = ${key};`, ref: "o_[k_]", st: "V", rk: "V" };
}

/** `(t)`, `t!`, `(t as Value)`, `(t satisfies Value)`, `(<Value>t)`, or bare. */
function wrap(r: Rng, t: Target, features: Set<string>): string {
  const type = t.st === "V" ? "Value" : t.st === "N" ? "number" : "Value | number";
  const [kind, text] = r.pick<[string, string]>([
    ["bare", t.ops],
    ["bare", t.ops],
    ["parens", `(${t.ops})`],
    ["non-null", `${t.ops}!`],
    ["as", `(${t.ops} as ${type})`],
    ["satisfies", `(${t.ops} satisfies ${type})`],
    ["parens-as", `((${t.ops}) as ${type})`],
    ["angle", `(<${type}>${t.ops})`],
    ["non-null-as", `(${t.ops}! as ${type})`],
  ]);
  features.add(`wrapper-${kind}`);
  if (kind !== "bare" && kind !== "parens") features.add("wrapped-compound-target");
  return text;
}

/** One compound assignment, with the right side logged so that its place in the order shows. */
function compound(r: Rng, ex: Exprs, scope: Binding[], features: Set<string>, out: Text): void {
  const t = target(r, scope, features);
  const op = r.pick(COMPOUND);
  const base = op.slice(0, -1);
  // the right side keeps the target's static type: a Value target takes Value or number, a number target numbers
  let rhs: Expr = op === "**=" ? { ops: "2", oracle: "2", st: "N", rk: "N" } : ex.expr(1 + r.int(2), t.st === "U" ? "U" : t.st === "V" ? (r.chance(0.5) ? "V" : "N") : "N");
  if (r.chance(0.5)) rhs = { ...rhs, ops: `note("rhs", ${rhs.ops})`, oracle: `note("rhs", ${rhs.oracle})` };
  const value = binary(base, { ops: t.ref, oracle: t.ref, st: t.st, rk: t.rk }, rhs);
  const oracle = value.rk === "N" ? `{ ${t.setup} ${t.ref} ${op} ${rhs.oracle}; }` : `{ ${t.setup} ${t.ref} = ${value.oracle}; }`;
  out.add(`${wrap(r, t, features)} ${op} ${rhs.ops};`, oracle);
  if (t.binding) t.binding.rk = value.rk;
}

/** The objects and counters the targets use. */
function targetPrelude(r: Rng, out: Text): void {
  const d = Array.from({ length: 12 }, () => (r.next() * 4 - 2).toFixed(2));
  out.both(`const { R, RN, A, o, G, boxes, names } = fixtures([${d.join(", ")}]);`);
  out.both('let c = 0;\nlet last = "";\nconst kk = "p2";');
}

function reportTargets(out: Text, scope: Binding[]): void {
  out.both(
    'report("R", [R.p0, R.p1, R.p2]); report("RN", [RN.p0, RN.p1, RN.p2]); report("A", A); report("o", [o.p, o.n]); report("G", G._p); report("c", c); report("last", last);',
  );
  for (const b of scope) out.both(`report("${b.name}", ${b.name});`);
}

function declare(r: Rng, ex: Exprs, scope: Binding[], out: Text, name: string, opts: { annotate?: boolean; union?: boolean } = {}): void {
  const want = opts.union ? "U" : r.pick(["V", "N", "V"] as const);
  const e = ex.expr(2, want);
  const st = opts.union ? "U" : e.st;
  const type = st === "U" ? ": Value | number" : opts.annotate ? (st === "V" ? ": Value" : ": number") : "";
  out.add(`let ${name}${type} = ${e.ops};`, `let ${name}${type} = ${e.oracle};`);
  scope.push({ name, st, rk: e.rk, mutable: true });
}

// ---- families ----------------------------------------------------------------------------------

/**
 * A program of one module is written as a block of statements: many of them are packed into one
 * module (layout()), each block starting its own log, which keeps thousands of programs fast.
 */
function single(r: Rng, id: string, family: Family, features: Set<string>, body: (out: Text, ex: Exprs, scope: Binding[]) => void, poly = false): Program {
  const out = new Text();
  const scope: Binding[] = [];
  const ex = new Exprs(r, scope, { unions: family !== "targets", poly });
  if (poly) features.add("poly");
  body(out, ex, scope);
  out.both("finish();");
  return { id, family, features, modules: [out.module("block")], entry: "" };
}

function targets(r: Rng, id: string): Program {
  const features = new Set<string>();
  return single(r, id, "targets", features, (out, ex, scope) => {
    targetPrelude(r, out);
    for (let i = 0; i < 1 + r.int(2); i++) declare(r, ex, scope, out, `x${i}`, { annotate: r.chance(0.3) });
    const n = 2 + r.int(3);
    for (let i = 0; i < n; i++) compound(r, ex, scope, features, out);
    reportTargets(out, scope);
  });
}

function unions(r: Rng, id: string): Program {
  const features = new Set<string>(["union-operand"]);
  return single(
    r,
    id,
    "unions",
    features,
    (out, ex, scope) => {
      targetPrelude(r, out);
      declare(r, ex, scope, out, "u0", { union: true });
      declare(r, ex, scope, out, "u1", { union: true });
      declare(r, ex, scope, out, "x0");
      const n = 1 + r.int(3);
      for (let i = 0; i < n; i++) {
        const e = ex.expr(2, "U");
        out.add(`report("e${i}", ${e.ops});`, `report("e${i}", ${e.oracle});`);
        if (r.chance(0.4)) compound(r, ex, scope, features, out);
      }
      // a mixed array mapped with one arrow (each element keeps its kind)
      out.add('report("map", [leaf(1.5), 2].map((x) => x * 2));', 'report("map", [leaf(1.5), 2].map((x) => (typeof x === "number" ? x * 2 : mul(x, 2))));');
      reportTargets(out, scope);
    },
    true,
  );
}

function anyValue(r: Rng, id: string): Program {
  const features = new Set<string>(["any-value"]);
  return single(r, id, "any-value", features, (out) => {
    const d = (r.next() * 3 + 0.5).toFixed(2);
    out.add(`const a: any = leaf(${d});`, `const a: any = leaf(${d});`);
    out.add(`report("y", a * 3 + 1);`, `report("y", add(mul(a, 3), 1));`);
  });
}

/** Two or three modules importing each other; `order` decides the import lines and where the runtime's import goes. */
function cycles(r: Rng, id: string): Program {
  const features = new Set<string>(["cycle"]);
  const names = r.chance(0.5) ? ["a", "b"] : ["a", "b", "c"];
  const modules: Module[] = [];
  for (const [i, name] of names.entries()) {
    const next = names[(i + 1) % names.length]!;
    const out = new Text();
    if (i > 0 && r.chance(0.4)) {
      // imports nothing but the cycle: it reaches the runtime only through it (issue 11, item 3)
      features.add("cycle-bare-module");
      out.both(`import { f${next}, g${next} } from "./${next}.js";`);
      out.add("", ORACLE_IMPORT);
      out.add(
        `export function f${name}(p: Parameters<typeof f${next}>[0], q: number) {\n  return p * q + p;\n}`,
        `export function f${name}(p: Parameters<typeof f${next}>[0], q: number) {\n  return add(mul(p, q), p);\n}`,
      );
      out.both(`export function g${name}(p: number, q: number) {\n  return g${next}(p, q) * 2;\n}`);
      modules.push(out.module(name));
      continue;
    }
    const runtime = r.pick(["first", "last", "type-only", "none"] as const);
    features.add(`runtime-import-${runtime}`);
    const imports = [`import { f${next}, g${next} } from "./${next}.js";`, RT_IMPORT];
    r.shuffle(imports);
    if (runtime === "first") imports.unshift('import { Value } from "micrograd-ts";');
    if (runtime === "last") imports.push('import { Value } from "micrograd-ts";');
    if (runtime === "type-only") imports.push('import type { Value } from "micrograd-ts";');
    const after = r.chance(0.3);
    if (after) {
      // code above the imports: it runs after them, but before the rest of this body
      features.add("imports-after-code");
      out.add(`const early${name} = g${name}(2, 3) * 2;`, `const early${name} = g${name}(2, 3) * 2;`);
    } else {
      for (const line of imports) out.both(line);
    }
    out.add("", ORACLE_IMPORT);
    const V = runtime === "none" ? "ReturnType<typeof leaf>" : "Value";
    out.both(`log("enter ${name}");`);
    // hoisted: callable from the other module before this body runs
    out.add(`export function f${name}(p: ${V}, q: number) {\n  return p * q + p;\n}`, `export function f${name}(p: ${V}, q: number) {\n  return add(mul(p, q), p);\n}`);
    out.both(`export function g${name}(p: number, q: number) {\n  return p * q - 1;\n}`);
    if (after) for (const line of imports) out.both(line);
    // calls the next module's hoisted functions, whose body may not have run yet
    const called = `f${next}(leaf(${(r.next() * 2).toFixed(2)}), g${next}(1.5, 2))`;
    out.add(`export const v${name} = ${called} * 2;`, `export const v${name} = mul(${called}, 2);`);
    out.add(`report("v${name}", v${name}${after ? ` - early${name}` : ""});`, `report("v${name}", ${after ? `sub(v${name}, early${name})` : `v${name}`});`);
    out.both(`log("leave ${name}");`);
    if (i === 0) {
      // the entry, evaluated last: reads what the others computed
      out.both("finish();");
    }
    modules.push(out.module(name));
  }
  features.add(`cycle-${names.length}`);
  return { id, family: "cycles", features, modules, entry: "a" };
}

/** m0 <- m1 <- … <- m(n-1): each module computes from the one before, with no annotation. */
function chain(r: Rng, id: string, length: number): Program {
  const features = new Set<string>([`chain-${length}`, length > 20 ? "chain-long" : "chain-short"]);
  const modules: Module[] = [];
  for (let i = 0; i < length; i++) {
    const out = new Text();
    if (i === 0) {
      out.both(RT_IMPORT);
      out.both(`export const v0 = leaf(${(r.next() + 0.5).toFixed(2)});`);
    } else {
      out.both(`import { v${i - 1} } from "./m${i - 1}.js";`);
      out.add("", ORACLE_IMPORT);
      const c = r.pick(["0.5", "1.01", "0.99", "2"]);
      const op = r.pick(["*", "+", "-"] as const);
      const rhs = binary(op, { ops: `v${i - 1}`, oracle: `v${i - 1}`, st: "V", rk: "V" }, { ops: c, oracle: c, st: "N", rk: "N" });
      out.add(`export const v${i} = ${rhs.ops};`, `export const v${i} = ${rhs.oracle};`);
    }
    if (i === length - 1) {
      if (i > 0) out.both(RT_IMPORT);
      out.both(`report("last", v${i});\nfinish();`);
    }
    modules.push(out.module(`m${i}`));
  }
  return { id, family: "chains", features, modules, entry: `m${length - 1}` };
}

/** Several modules, acyclic or not, with declarations, compound targets and union operands at random. */
function mixed(r: Rng, id: string): Program {
  const features = new Set<string>(["mixed"]);
  const count = 2 + r.int(3);
  const modules: Module[] = [];
  const exported: { module: string; name: string; st: "V" | "N" | "U"; rk: "V" | "N" }[] = [];
  for (let m = count - 1; m >= 0; m--) {
    const name = `m${m}`;
    const out = new Text();
    const scope: Binding[] = [];
    const deps = exported.filter(() => r.chance(0.5));
    const imports = [...new Set(deps.map((d) => d.module))].map(
      (mod) =>
        `import { ${deps
          .filter((d) => d.module === mod)
          .map((d) => d.name)
          .join(", ")} } from "./${mod}.js";`,
    );
    const back = m !== 0 && r.chance(0.3);
    if (back) {
      imports.push('import { ping } from "./m0.js";'); // back-edge: a cycle through the entry
      features.add("cycle");
    }
    if (r.chance(0.6)) imports.push('import { Value } from "micrograd-ts";');
    else imports.push('import type { Value } from "micrograd-ts";');
    imports.push(RT_IMPORT);
    for (const line of r.shuffle(imports)) out.both(line);
    out.add("", ORACLE_IMPORT);
    if (m === 0) {
      out.both(POLY_IMPORT);
      out.both("export function ping(x: number) {\n  return x * 2;\n}");
      features.add("poly");
    }
    for (const d of deps) scope.push({ name: d.name, st: d.st, rk: d.rk, mutable: false });
    const ex = new Exprs(r, scope, { unions: true, poly: m === 0 });
    out.both(`log("enter ${name}");`);
    // m0's hoisted function, called before m0's body has run
    if (back) out.both(`report("ping", ping(${r.int(5)}));`);
    if (r.chance(0.3)) {
      features.add("any-number");
      out.both(`const z${m}: any = ${r.int(5) + 1};\nreport("z${m}", z${m} * 2 + 1);`);
    }
    if (m === 0 || r.chance(0.5)) targetPrelude(r, out);
    const hasTargets = out.ops.some((l) => l.startsWith("const R:"));
    for (let i = 0; i < 2 + r.int(3); i++) declare(r, ex, scope, out, `${name}x${i}`, { annotate: r.chance(0.3), union: r.chance(0.2) });
    if (hasTargets) for (let i = 0; i < 1 + r.int(4); i++) compound(r, ex, scope, features, out);
    for (const b of scope.filter((b) => b.name.startsWith(name))) {
      out.add(`export const ${b.name}c = ${b.name};`, `export const ${b.name}c = ${b.name};`);
      exported.push({ module: name, name: `${b.name}c`, st: b.st, rk: b.rk });
    }
    if (hasTargets)
      reportTargets(
        out,
        scope.filter((b) => b.name.startsWith(name)),
      );
    else for (const b of scope) out.both(`report("${b.name}", ${b.name});`);
    if (m === 0) out.both("finish();");
    modules.unshift(out.module(name));
  }
  if (modules.some((mod) => /\b(dbl|affine|twice|sq|halves)\(/.test(mod.ops.replace(/export (function|const) \w+/g, "")))) features.add("union-operand");
  if (modules.some((mod) => / as Value \| number\)/.test(mod.ops))) features.add("union-operand");
  return { id, family: "mixed", features, modules, entry: "m0" };
}

export interface Plan {
  seed: number;
  counts: Record<Exclude<Family, "chains">, number>;
  /** chain lengths, one program each */
  chains: number[];
}

/** What the runner imports: a multi-module program's folder, or a pack of single-module programs. */
export interface Unit {
  id: string;
  modules: Module[];
  entry: string;
  programs: string[];
}

const PACK = 10;

export function layout(programs: Program[]): Unit[] {
  const units: Unit[] = [];
  const blocks = programs.filter((p) => p.entry === "");
  for (let i = 0; i < blocks.length; i += PACK) {
    const pack = blocks.slice(i, i + PACK);
    const head = ['import { Value } from "micrograd-ts";', RT_IMPORT, ...(pack.some((p) => p.features.has("poly")) ? [POLY_IMPORT] : [])];
    const block = (p: Program, text: string) => `begin("${p.id}");\ntry {\n${text}} catch (e) {\n  threw(e);\n}`;
    const ops = [...head, ...pack.map((p) => block(p, p.modules[0]!.ops))].join("\n") + "\n";
    const oracle = [...head, ORACLE_IMPORT, ...pack.map((p) => block(p, p.modules[0]!.oracle))].join("\n") + "\n";
    units.push({ id: `pack${i / PACK}`, modules: [{ name: "pack", ops, oracle }], entry: "pack", programs: pack.map((p) => p.id) });
  }
  for (const p of programs) if (p.entry !== "") units.push({ id: p.id, modules: p.modules, entry: p.entry, programs: [p.id] });
  return units;
}

export function generate(plan: Plan): Program[] {
  const programs: Program[] = [];
  let n = 0;
  const make = (f: (r: Rng, id: string) => Program) => {
    const id = `p${n}`;
    programs.push(f(rng(plan.seed * 100_003 + n++), id));
  };
  for (let i = 0; i < plan.counts.targets; i++) make(targets);
  for (let i = 0; i < plan.counts.unions; i++) make(unions);
  for (let i = 0; i < plan.counts.cycles; i++) make(cycles);
  for (let i = 0; i < plan.counts.mixed; i++) make(mixed);
  for (let i = 0; i < plan.counts["any-value"]; i++) make(anyValue);
  for (const length of plan.chains) make((r, id) => chain(r, id, length));
  return programs;
}
