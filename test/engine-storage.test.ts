// The engine's storage (runtime/engine.ts, header): nodes in typed-array chunks, Values as
// handles, epochs that end at backward(), nodes reused across epochs copied out of their epoch,
// identity of Values, copies of a Value, two copies of the package, size limits.

import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import fc from "fast-check";
import { add, countNodes, dot, drawDot, findNonFinite, IDENTITY_LIMIT, isForeignValue, isValue, log, mul, opMul, sumOf, tanh, topologicalOrder, Value } from "micrograd-ts";
import { describe, expect, it, vi } from "vitest";

// ---------------------------------------------------------------------------------------------
// A reference: micrograd's engine as plain objects (a closure per node, depth-first order), with
// the same local derivatives. Gradients are summed in reverse creation order, which the engine
// uses too; where it sums in another order (across epochs) the last bits may differ.

let created = 0;
class Ref {
  grad = 0;
  readonly id = created++;
  constructor(
    public data: number,
    readonly kids: Ref[] = [],
    readonly local: (out: Ref) => void = () => {},
  ) {}
  backward(): void {
    const topo: Ref[] = [];
    const seen = new Set<Ref>();
    const visit = (v: Ref) => {
      if (seen.has(v)) return;
      seen.add(v);
      for (const k of v.kids) visit(k);
      topo.push(v);
    };
    visit(this);
    topo.sort((a, b) => a.id - b.id);
    this.grad = 1;
    for (let i = topo.length - 1; i >= 0; i--) topo[i]!.local(topo[i]!);
  }
}
const refOps = {
  add: (a: Ref, b: Ref) => new Ref(a.data + b.data, [a, b], (o) => ((a.grad += o.grad), (b.grad += o.grad))),
  mul: (a: Ref, b: Ref) => new Ref(a.data * b.data, [a, b], (o) => ((a.grad += b.data * o.grad), (b.grad += a.data * o.grad))),
  // fused nodes are one node: no intermediate nodes that keep gradients between backward() calls
  dot: (ws: Ref[], xs: Ref[], b: Ref) =>
    new Ref(
      ws.reduce((acc, w, i) => acc + w.data * xs[i]!.data, b.data),
      [...ws, ...xs, b],
      (o) => {
        for (let i = ws.length - 1; i >= 0; i--) {
          if (i === 0) b.grad += o.grad;
          ws[i]!.grad += xs[i]!.data * o.grad;
          xs[i]!.grad += ws[i]!.data * o.grad;
        }
      },
    ),
  sum: (vs: Ref[]) =>
    new Ref(
      vs.reduce((acc, v) => acc + v.data, 0),
      vs,
      (o) => {
        for (const v of vs) v.grad += o.grad;
      },
    ),
  tanh: (a: Ref) => {
    const e = Math.exp(2 * a.data);
    return new Ref(e === Infinity ? 1 : (e - 1) / (e + 1), [a], (o) => (a.grad += (1 - o.data * o.data) * o.grad));
  },
};

// A program over a pool of Values: ops on any earlier ones (so across backward() calls too),
// backward() from any of them, and padding that pushes an epoch past IDENTITY_LIMIT.
type Step = { kind: "add" | "mul" | "tanh" | "dot" | "sum" | "backward" | "pad" | "view"; i: number; j: number };
const step = fc.record({
  kind: fc.constantFrom("add", "mul", "tanh", "dot", "sum", "backward", "backward", "pad", "view", "add", "mul"),
  i: fc.nat(1000),
  j: fc.nat(1000),
}) as fc.Arbitrary<Step>;

function run(program: Step[]) {
  created = 0;
  const vals: Value[] = [new Value(0.7), new Value(-1.3), new Value(0.4)];
  const refs: Ref[] = [new Ref(0.7), new Ref(-1.3), new Ref(0.4)];
  for (const { kind, i, j } of program) {
    const a = i % vals.length;
    const b = j % vals.length;
    if (kind === "backward") {
      vals[a]!.backward();
      refs[a]!.backward();
    } else if (kind === "pad") {
      let v = vals[a]!;
      let r = refs[a]!;
      for (let n = 0; n < IDENTITY_LIMIT + 10; n++) {
        v = mul(v, 1);
        r = refOps.mul(r, new Ref(1));
      }
      vals.push(v);
      refs.push(r);
    } else if (kind === "view") {
      // another Value of the same node, handed out by children: both must stay in step
      const kids = vals[a]!.children;
      if (kids.length === 0) continue;
      vals.push(kids[0]!);
      refs.push(refs[a]!.kids[0]!);
    } else if (kind === "tanh") {
      vals.push(tanh(vals[a]!));
      refs.push(refOps.tanh(refs[a]!));
    } else if (kind === "dot") {
      // vals[a] + vals[a]*vals[b] + vals[b]*0.5, as the chain a reference builds
      vals.push(dot([vals[a]!, vals[b]!], [vals[b]!, 0.5], vals[a]));
      refs.push(refOps.dot([refs[a]!, refs[b]!], [refs[b]!, new Ref(0.5)], refs[a]!));
    } else if (kind === "sum") {
      vals.push(sumOf([vals[a]!, vals[b]!, vals[a]!]));
      refs.push(refOps.sum([refs[a]!, refs[b]!, refs[a]!]));
    } else {
      vals.push(kind === "add" ? add(vals[a]!, vals[b]!) : mul(vals[a]!, vals[b]!));
      refs.push(refOps[kind](refs[a]!, refs[b]!));
    }
  }
  return { vals, refs };
}

const close = (x: number, y: number) => Object.is(x, y) || Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(x), Math.abs(y));

describe("Values used again after backward() (a new epoch)", () => {
  it("keep micrograd's numbers: data and accumulated grads of every Value, on random programs", () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 40 }), (program) => {
        const { vals, refs } = run(program);
        for (let n = 0; n < vals.length; n++) {
          if (!close(vals[n]!.data, refs[n]!.data) || !close(vals[n]!.grad, refs[n]!.grad)) {
            throw new Error(`Value ${n}: engine data ${vals[n]!.data} grad ${vals[n]!.grad}, reference ${refs[n]!.data} ${refs[n]!.grad}`);
          }
        }
      }),
      { seed: 20261202, numRuns: 150 },
    );
  });

  it("an expression reused after backward() accumulates as in Python", () => {
    const x = new Value(3);
    const L1 = mul(x, 2);
    L1.backward();
    const L2 = mul(L1, 3); // L1 belongs to the finished epoch: copied out of it
    L2.backward();
    expect([x.grad, L1.grad, L1.data, L2.data]).toEqual([10, 4, 6, 18]);
    expect(L2.children[0]).toBe(L1);
    expect(L1.children[0]).toBe(x);
  });

  it("a fused node is one node: called twice, backward() adds the same gradients again (the chain's partial sums pass theirs on again)", () => {
    const a = new Value(0.7);
    const s = sumOf([a, a, a]);
    s.backward();
    s.backward();
    expect(a.grad).toBe(6);
    const b = new Value(0.7);
    const chain = add(add(add(0, b), b), b); // Python's sum: ((0 + b) + b) + b
    chain.backward();
    chain.backward();
    expect(b.grad).toBe(9); // 3, then 1 + 2 + 3 from the partial sums' kept gradients, as micrograd
  });

  it("a Value the copy did not know of reads the copy (forwarding), and old parents still reach it", () => {
    const x = new Value(0.5);
    let y: Value = x;
    for (let i = 0; i < 5000; i++) y = add(y, 0); // more than IDENTITY_LIMIT nodes in the epoch
    const a = mul(y, 2);
    const p = mul(a, 5);
    const view = p.children[0]!; // a large epoch: another object for the node of `a`
    expect(view).not.toBe(a);
    expect(view.id).toBe(a.id);
    p.backward();
    expect([a.grad, view.grad, x.grad]).toEqual([5, 5, 10]);
    const b = mul(view, 3); // copies a's node (through `view`); `a` forwards
    b.backward();
    expect([a.grad, view.grad, a.data]).toEqual([8, 8, 1]);
    expect(x.grad).toBe(50026); // what the object engine gives: grads accumulate along the 5,000 adds
    p.backward(); // p's epoch is old; its walk reaches a's copy through the old slot
    expect([a.grad, view.grad, x.grad]).toEqual([13, 13, 125155052]);
    a.label = "a";
    expect(view.label).toBe("a");
    expect(countNodes(p)).toBe(topologicalOrder(p).length);
  });
});

describe("identity: the Values inspection gives back", () => {
  // Values are remembered in an epoch when the one before it was small too (a training loop's
  // steps are large: remembering them would cost ~100 ns a node): two small backward() calls
  // start from a known state whatever other tests built before.
  const smallBefore = () => {
    for (let i = 0; i < 2; i++) mul(new Value(1), 2).backward();
  };

  it("are the very objects the operations returned, in graphs of up to IDENTITY_LIMIT nodes since backward()", () => {
    smallBefore();
    const a = new Value(2, { label: "a" });
    const b = new Value(-3);
    const e = mul(a, b);
    const d = add(e, 10);
    const L = log(d);
    expect(d.children[0]).toBe(e);
    expect(topologicalOrder(L)).toContain(e);
    expect(topologicalOrder(L).indexOf(d)).toBe(topologicalOrder(L).length - 2);
    const bad = findNonFinite(log(mul(d, -1)));
    expect(bad?.value.op).toBe("log");
  });

  it("after a large graph, or in one, are Values of the same nodes (same id, numbers, label) but new objects", () => {
    smallBefore();
    let big: Value = new Value(0);
    for (let i = 0; i < IDENTITY_LIMIT + 1; i++) big = add(big, 1);
    big.backward(); // a large epoch: the next one does not remember its Values
    const p = new Value(3);
    const q = mul(p, 2);
    const r = add(q, 1);
    expect(r.children[0]).not.toBe(q);
    expect(r.children[0]!.id).toBe(q.id);
    expect(r.children[1]!.data).toBe(1);
    const x = new Value(1);
    let y: Value = x;
    for (let i = 0; i < IDENTITY_LIMIT; i++) y = add(y, 1);
    const z = tanh(y);
    const kid = z.children[0]!;
    expect(kid).not.toBe(y);
    expect(kid.id).toBe(y.id);
    expect(kid).toEqual(y); // deep equality compares ids
    expect(kid).not.toEqual(z);
    expect(kid.data).toBe(y.data);
    y.label = "y";
    expect(kid.label).toBe("y");
    expect(z.children[0]).toBe(kid); // inspection gives the same object each time
    expect(topologicalOrder(z)[0]).toBe(x); // `new Value` leaves are always the user's objects
    // the root of topologicalOrder is the Value given (the playground maps the order by identity)
    const order = topologicalOrder(z);
    expect(order[order.length - 1]).toBe(z);
    expect(order.indexOf(kid)).toBe(order.length - 2);
    expect(drawDot(r).valueCount).toBe(5); // p, 2, q, 1, r
  });

  it("ids are unique and stable", () => {
    const vs = [new Value(1), new Value(2)];
    vs.push(add(vs[0]!, vs[1]!), mul(vs[0]!, 2));
    expect(new Set(vs.map((v) => v.id)).size).toBe(4);
    const id = vs[2]!.id;
    vs[2]!.backward();
    mul(vs[2]!, 3); // copied to a long-lived chunk: same id
    expect(vs[2]!.id).toBe(id);
  });
});

describe("a copy of a Value exposes no other node's numbers (issue 12, item 7)", () => {
  it("spread and Object.keys show the id only", () => {
    const others = [new Value(123.25), new Value(-7.5)];
    const v = add(others[0]!, others[1]!);
    const copy: Record<string, unknown> = { ...v };
    expect(Object.keys(copy)).toEqual(["id", "_node"]);
    expect(copy.id).toBe(v.id);
    expect(typeof copy._node).toBe("symbol");
    expect(Object.getOwnPropertySymbols(copy)).toEqual([]);
    expect(JSON.stringify(v)).toBe('{"data":115.75,"grad":0,"op":"+"}');
  });

  it("structuredClone throws an error that says why and what to clone instead", () => {
    const v = mul(new Value(2), 3);
    expect(() => structuredClone(v)).toThrow(
      /a micrograd-ts Value cannot be cloned: it is a node of a computation graph; structuredClone\(v\.toJSON\(\)\) gives \{ data, grad, label, op \}/,
    );
    expect(() => structuredClone([new Value(1)])).toThrow(/cannot be cloned/);
    expect(structuredClone(v.toJSON())).toEqual({ data: 6, grad: 0, op: "*" });
  });
});

describe("two copies of micrograd-ts in one process (issue 12, item 8)", () => {
  const FOREIGN = /is a Value from another copy of micrograd-ts loaded in this process .* load micrograd-ts one way only/;

  it("a Value of another copy is recognised, and combining it says what happened", async () => {
    vi.resetModules(); // the next import loads a second instance of the runtime's modules
    const other = (await import("micrograd-ts")) as typeof import("micrograd-ts");
    expect(other.Value).not.toBe(Value);
    const mine = new Value(2);
    const theirs = new other.Value(3);
    expect(theirs instanceof Value).toBe(false);
    expect(isValue(theirs)).toBe(true);
    expect(isForeignValue(theirs)).toBe(true);
    expect(isForeignValue(mine)).toBe(false);
    expect(() => mul(mine, theirs)).toThrow(new RegExp(`^mul: the right operand ${FOREIGN.source}`));
    expect(() => mine.add(theirs)).toThrow(FOREIGN);
    expect(() => mine.pow(theirs)).toThrow(/pow: the exponent is a Value from another copy/);
    expect(() => dot([mine], [theirs])).toThrow(/dot: xs\[0\] is a Value from another copy/);
    // the operators' helpers (Babel, Node, Vite): a Value of another copy on both sides
    expect(() => opMul(theirs, theirs)).toThrow(FOREIGN);
    expect(() => opMul(2, theirs)).toThrow(FOREIGN);
    expect(other.mul(theirs, 2).data).toBe(6); // each copy works on its own
  });

  const root = fileURLToPath(new URL("..", import.meta.url));
  const esm = `${root}dist/runtime/index.js`;
  const cjs = `${root}dist/cjs/runtime/index.js`;
  const built = existsSync(cjs) && readFileSync(`${root}dist/runtime/engine.js`, "utf8").includes("micrograd-ts.Value");
  it.skipIf(!built)("the ES module build and the CommonJS build of dist/ (skipped when dist/ predates the brand: npm run build)", async () => {
    const a = (await import(pathToFileURL(esm).href)) as typeof import("micrograd-ts");
    const b = createRequire(import.meta.url)(cjs) as typeof import("micrograd-ts");
    expect(() => a.mul(new a.Value(2), new b.Value(3))).toThrow(FOREIGN);
  });
});

describe("sizes", () => {
  it("a graph larger than topologicalOrder's maxNodes is a RangeError that gives its size, and leaves the graph usable", () => {
    const x = new Value(1);
    let y: Value = x;
    for (let i = 0; i < 999; i++) y = add(y, x);
    expect(() => topologicalOrder(y, { maxNodes: 100 })).toThrow(
      new RangeError(
        "topologicalOrder: the graph has 1,000 nodes, more than 100: too many for one array. backward() needs no order and works at any size; pass { maxNodes } to allow more.",
      ),
    );
    expect(topologicalOrder(y)).toHaveLength(1000);
    expect(() => drawDot(y, { maxNodes: 10 })).toThrow(RangeError);
    y.backward();
    expect(x.grad).toBe(1000);
  });

  it("countNodes is topologicalOrder's length, for fused nodes and shared children too", () => {
    const w = [new Value(1), new Value(2)];
    const x = [new Value(3), mul(w[0]!, 2)];
    const d = dot(w, x, 0.5);
    const s = sumOf([d, d, x[1]!]);
    expect(countNodes(s)).toBe(topologicalOrder(s).length);
    expect(countNodes(s)).toBe(7); // w0 w1 x0 2 w0*2 dot sum
  });

  it("backward and countNodes handle a graph wider than a chunk (65,536 nodes) and deeper than any stack", () => {
    const leaves = Array.from({ length: 70_000 }, (_, i) => new Value(i % 7));
    const total = sumOf(leaves.map((l) => mul(l, 2)));
    total.backward();
    expect(leaves[69_999]!.grad).toBe(2);
    expect(countNodes(total)).toBe(210_001);
  });
});

describe("memory held is what the user keeps (fresh process, GC forced)", () => {
  const worker = fileURLToPath(new URL("./engine-memory.worker.ts", import.meta.url));
  const measure = (scenario: string) =>
    JSON.parse(
      execFileSync(process.execPath, ["--expose-gc", "--import", "tsx", worker, scenario], { cwd: fileURLToPath(new URL("..", import.meta.url)), encoding: "utf8" })
        .trim()
        .split("\n")
        .pop()!,
    ) as { perStep: number; kept: number; steps: number; keptNodes: number[]; stepNodes: number };

  it("keeping the last step's loss keeps one step", () => {
    const r = measure("last");
    // the loss still reaches its whole step (the graph is alive: no reset, no stale handle) ...
    expect(r.keptNodes).toEqual([r.stepNodes]);
    // ... and holds about one step's storage, never the steps before it (the heap's noise here
    // is up to ~120 KB of a ~400 KB step, so the lower bound is loose)
    expect(r.kept).toBeGreaterThan(0.25 * r.perStep);
    expect(r.kept).toBeLessThan(3 * r.perStep);
  });

  it("keeping every step's loss keeps every step", () => {
    const r = measure("every");
    expect(r.keptNodes).toEqual(Array(r.steps).fill(r.stepNodes));
    expect(r.kept).toBeGreaterThan(0.8 * r.steps * r.perStep);
    expect(r.kept).toBeLessThan(1.5 * r.steps * r.perStep);
  });

  it("a Value chained across 300 steps keeps its chain, not the steps it passed through", () => {
    const r = measure("chain");
    // the chain is 600 nodes (lr and its constants, 17 KB); the heap's own noise here is up to
    // ~120 KB; keeping the step a link was made in would be one step (~400 KB), keeping the
    // steps it passed through 300 of them
    expect(r.kept).toBeLessThan(0.6 * r.perStep);
  });
});
