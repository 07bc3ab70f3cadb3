import fc from "fast-check";
import { add, div, dot, drawDot, exp, gradcheck, log, mul, neg, pow, relu, sigmoid, sub, sum, sumOf, tanh, topologicalOrder, Value } from "micrograd-ts";
import { describe, expect, it } from "vitest";
import { walkthrough } from "./draw.helpers.ts";

describe("the walkthrough expression (docs/reference-figures.md: labels a..L)", () => {
  const build = walkthrough;

  it("computes data and grads", () => {
    const g = build();
    g.L.backward();
    const want: Record<string, [number, number]> = {
      a: [2, 6],
      b: [-3, -4],
      c: [10, -2],
      e: [-6, -2],
      d: [4, -2],
      f: [-2, 4],
      L: [-8, 1],
    };
    for (const [name, [data, grad]] of Object.entries(want)) {
      const v = g[name as keyof typeof g];
      expect([name, v.data, v.grad]).toEqual([name, data, grad]);
      expect(v.label).toBe(name);
    }
  });

  it("records children in order and the op", () => {
    const { a, b, c, e, d } = build();
    expect(d.children).toEqual([e, c]);
    expect(d._prev).toEqual([e, c]);
    expect(e.children).toEqual([a, b]);
    expect(d.op).toBe("+");
    expect(e._op).toBe("*");
    expect(a.op).toBe("");
    expect(a.children).toEqual([]);
  });

  it("numerical check of dL/df and the nudge step", () => {
    const L = (df = 0) => {
      const { L } = ((h) => {
        const a = new Value(2.0),
          b = new Value(-3.0),
          c = new Value(10.0),
          f = new Value(-2.0 + h);
        return { L: a.mul(b).add(c).mul(f) };
      })(df);
      return L.data;
    };
    const h = 0.001;
    expect((L(h) - L()) / h).toBe(3.9999999999995595);

    const g = build();
    g.L.backward();
    for (const leaf of [g.a, g.b, g.c, g.f]) leaf.data += 0.01 * leaf.grad;
    const L2 = g.a.mul(g.b).add(g.c).mul(g.f);
    expect(L2.data).toBeCloseTo(-7.286496, 12);
  });

  it("prints the Python repr", () => {
    const { L } = build();
    expect(L.toString()).toBe("Value(data=-8.0, grad=0.0)");
    L.backward();
    expect(`${L}`).toBe("Value(data=-8.0, grad=1.0)");
    expect(String(new Value(0.1))).toBe("Value(data=0.1, grad=0.0)");
    expect(String(new Value(1e-7))).toBe("Value(data=1e-07, grad=0.0)");
  });

  it("labels default to '' and are settable", () => {
    const v = new Value(1);
    expect(v.label).toBe("");
    v.label = "v";
    expect(v.label).toBe("v");
    v.label = "";
    expect(v.label).toBe("");
  });
});

describe("the neuron (docs/reference-figures.md)", () => {
  function inputs() {
    return {
      x1: new Value(2.0, { label: "x1" }),
      x2: new Value(0.0, { label: "x2" }),
      w1: new Value(-3.0, { label: "w1" }),
      w2: new Value(1.0, { label: "w2" }),
      b: new Value(6.8813735870195432, { label: "b" }),
    };
  }

  it("tanh gives the lecture's o and, by the chain rule by hand, its grads", () => {
    const { x1, x2, w1, w2, b } = inputs();
    const x1w1 = x1.mul(w1),
      x2w2 = x2.mul(w2);
    const x1w1x2w2 = x1w1.add(x2w2);
    const n = x1w1x2w2.add(b);
    const o = n.tanh();
    expect(n.data).toBe(0.8813735870195432);
    expect(o.data).toBe(0.7071067811865476);
    expect(o.data).not.toBe(Math.tanh(n.data)); // C's/JS's tanh: …477
    // by hand, as the lecture does: do/dn = 1 - o**2, which it rounds to 0.5
    n.grad = 0.5;
    x1w1x2w2.grad = n.grad;
    b.grad = n.grad;
    x1w1.grad = x1w1x2w2.grad;
    x2w2.grad = x1w1x2w2.grad;
    x1.grad = w1.data * x1w1.grad;
    w1.grad = x1.data * x1w1.grad;
    x2.grad = w2.data * x2w2.grad;
    w2.grad = x2.data * x2w2.grad;
    expect([n.grad, b.grad, x1w1.grad, x2w2.grad, x1.grad, w1.grad, x2.grad, w2.grad]).toEqual([0.5, 0.5, 0.5, 0.5, -1.5, 1.0, 0.5, 0.0]);
  });

  it("tanh with backward(): 1 - o**2 in doubles is 0.4999999999999999", () => {
    const { x1, x2, w1, w2, b } = inputs();
    const n = x1.mul(w1).add(x2.mul(w2)).add(b);
    const o = n.tanh();
    o.backward();
    expect(n.grad).toBe(1 - 0.7071067811865476 ** 2);
    expect(n.grad).toBe(0.4999999999999999);
    expect(x1.grad).toBe(-1.4999999999999996);
    expect(w2.grad).toBe(0);
  });

  it("tanh written out as exp and division", () => {
    const { x1, x2, w1, w2, b } = inputs();
    const n = x1.mul(w1).add(x2.mul(w2)).add(b);
    const e = n.mul(2).exp();
    const o = e.sub(1).div(e.add(1));
    o.backward();
    expect(o.data).toBe(0.7071067811865476);
    expect(x1.grad).toBe(-1.4999999999999996);
    expect(w1.grad).toBeCloseTo(1.0, 14);
  });
});

describe("reuse and accumulation (docs/reference-figures.md)", () => {
  it("b = a + a", () => {
    const a = new Value(3.0);
    const b = a.add(a);
    b.backward();
    expect(a.grad).toBe(2);
  });
  it("b = a + a, c = b + b", () => {
    const a = new Value(3.0);
    const b = a.add(a);
    const c = b.add(b);
    c.backward();
    expect(a.grad).toBe(4);
    expect(b.grad).toBe(2);
  });
  it("f = (a*b) * (a+b)", () => {
    const a = new Value(-2.0),
      b = new Value(3.0);
    const f = a.mul(b).mul(a.add(b));
    f.backward();
    expect([f.data, a.grad, b.grad]).toEqual([-6, -3, -8]);
  });
  it("backward twice accumulates, as in Python", () => {
    const a = new Value(2.0),
      b = new Value(3.0);
    const c = a.mul(b);
    c.backward();
    expect(a.grad).toBe(3);
    c.backward();
    expect(a.grad).toBe(6);
    expect(c.grad).toBe(1); // the root is set, not accumulated
  });
  it("a * a", () => {
    const a = new Value(5);
    const y = a.mul(a);
    y.backward();
    expect(a.grad).toBe(10);
  });
});

describe("micrograd's test programs (docs/reference-figures.md)", () => {
  it("README program", () => {
    const a = new Value(-4.0);
    const b = new Value(2.0);
    let c = a.add(b);
    let d = a.mul(b).add(b.pow(3));
    c = c.add(c.add(1));
    c = c.add(add(1, c).add(a.neg()));
    d = d.add(d.mul(2).add(b.add(a).relu()));
    d = d.add(mul(3, d).add(b.sub(a).relu()));
    const e = c.sub(d);
    const f = e.pow(2);
    let g = f.div(2.0);
    g = g.add(div(10.0, f));
    g.backward();
    expect(g.data).toBe(24.70408163265306);
    expect(a.grad).toBe(138.83381924198252);
    expect(b.grad).toBe(645.5772594752186);
  });

  it("sanity program", () => {
    const x = new Value(-4.0);
    const z = mul(2, x).add(2).add(x);
    const q = z.relu().add(z.mul(x));
    const h = z.mul(z).relu();
    const y = h.add(q).add(q.mul(x));
    y.backward();
    expect(y.data).toBe(-20.0);
    expect(x.grad).toBe(46.0);
  });
});

describe("every op against central differences", () => {
  const cases: [string, (a: Value, b: Value) => Value, number[]][] = [
    ["add", (a, b) => add(a, b), [1.5, -2.25]],
    ["sub", (a, b) => sub(a, b), [1.5, -2.25]],
    ["mul", (a, b) => mul(a, b), [1.5, -2.25]],
    ["div", (a, b) => div(a, b), [1.5, -2.25]],
    ["neg", (a) => neg(a), [1.5]],
    ["pow number", (a) => pow(a, 3), [1.3]],
    ["pow negative", (a) => pow(a, -1.5), [1.3]],
    ["pow Value", (a, b) => pow(a, b), [1.3, 2.7]],
    ["exp", (a) => exp(a), [0.7]],
    ["log", (a) => log(a), [0.7]],
    ["tanh", (a) => tanh(a), [0.4]],
    ["relu positive", (a) => relu(a), [0.4]],
    ["relu negative", (a) => relu(a), [-0.4]],
    ["sigmoid", (a) => sigmoid(a), [-0.4]],
    ["number on the left", (a) => add(2, mul(3, sub(1, div(10, a)))), [0.9]],
    ["methods", (a, b) => a.mul(b).add(a.tanh()).sub(b.exp()).div(a.sigmoid()).pow(2).log(), [0.8, 0.3]],
  ];
  for (const [name, f, at] of cases) {
    it(name, () => {
      const r = gradcheck(f, at, { h: 1e-6, tolerance: 1e-7 });
      expect(r.summary).toMatch(/passed/);
      expect(r.maxError).toBeLessThan(1e-7);
    });
  }

  it("gradcheck finds a wrong gradient and says where", () => {
    // b is copied into a new leaf, so backward never reaches the b given: its grad stays 0
    const broken = (a: Value, b: Value) => mul(a, new Value(b.data)).add(b.mul(0));
    const r = gradcheck(broken, [2, 3]);
    expect(r.ok).toBe(false);
    expect(r.worst?.index).toBe(1);
    expect(r.worst?.analytic).toBe(0);
    expect(r.worst?.numeric).toBeCloseTo(2, 6);
    expect(r.summary).toMatch(/FAILED.*input 1/);
  });

  it("pow's exponent: op name and no gradient to the constant", () => {
    const a = new Value(3);
    const y = a.pow(2);
    expect(y.op).toBe("**2");
    expect(y.children).toEqual([a]);
    y.backward();
    expect(a.grad).toBe(6);
    expect(a.pow(-1).op).toBe("**-1");
    expect(a.pow(0.5).op).toBe("**0.5");
  });

  it("relu at 0 passes no gradient (micrograd: out.data > 0)", () => {
    const a = new Value(0);
    const y = a.relu();
    y.backward();
    expect([y.data, a.grad]).toEqual([0, 0]);
  });

  it("tanh saturates without NaN", () => {
    const y = tanh(new Value(400));
    expect(y.data).toBe(1);
    expect(tanh(new Value(-400)).data).toBe(-1);
    y.backward();
  });
});

describe("deep graphs", () => {
  it("backward through a chain of 1,000,000 ops without a stack overflow", () => {
    const x = new Value(1.0);
    let y = x;
    for (let i = 0; i < 1_000_000; i++) y = y.add(1);
    y.backward();
    expect(y.data).toBe(1_000_001);
    expect(x.grad).toBe(1);
  });

  it("topological order is deterministic and children-first", () => {
    const a = new Value(1),
      b = new Value(2);
    const c = a.mul(b),
      d = c.add(a);
    const order = topologicalOrder(d);
    expect(order).toEqual([a, b, c, d]);
    expect(topologicalOrder(d)).toEqual(order);
  });
});

describe("_backward(): one node's local derivative, as the lecture calls it by hand", () => {
  it("the neuron, node by node in reverse topological order, gives backward()'s grads", () => {
    const build = () => {
      const x1 = new Value(2.0, { label: "x1" }),
        x2 = new Value(0.0, { label: "x2" });
      const w1 = new Value(-3.0, { label: "w1" }),
        w2 = new Value(1.0, { label: "w2" });
      const b = new Value(6.8813735870195432, { label: "b" });
      const x1w1 = x1.mul(w1),
        x2w2 = x2.mul(w2);
      const x1w1x2w2 = x1w1.add(x2w2);
      const n = x1w1x2w2.add(b);
      const o = n.tanh();
      return { x1, x2, w1, w2, b, x1w1, x2w2, x1w1x2w2, n, o };
    };
    const m = build();
    m.o.grad = 1.0;
    m.o._backward();
    expect(m.n.grad).toBe(0.4999999999999999);
    expect(m.x1.grad).toBe(0); // nothing below n is touched yet
    m.n._backward();
    expect([m.x1w1x2w2.grad, m.b.grad]).toEqual([0.4999999999999999, 0.4999999999999999]);
    m.b._backward(); // a leaf: nothing happens
    m.x1w1x2w2._backward();
    m.x2w2._backward();
    m.x1w1._backward();
    const auto = build();
    auto.o.backward();
    for (const k of Object.keys(m) as (keyof typeof m)[]) expect([k, m[k].grad]).toEqual([k, auto[k].grad]);
    expect([m.x1.grad, m.w1.grad, m.x2.grad, m.w2.grad]).toEqual([-1.4999999999999996, 0.9999999999999998, 0.4999999999999999, 0]);
  });

  it("walking topologicalOrder(root) in reverse with _backward() is backward()", () => {
    const a = new Value(-4.0),
      b = new Value(2.0);
    const f = (x: Value, y: Value) => x.mul(y).add(y.pow(3)).add(x.sub(y).relu()).div(x.exp().add(2)).tanh();
    const L = f(a, b);
    L.grad = 1;
    for (const v of topologicalOrder(L).reverse()) v._backward();
    const a2 = new Value(-4.0),
      b2 = new Value(2.0);
    f(a2, b2).backward();
    expect([a.grad, b.grad]).toEqual([a2.grad, b2.grad]);
    expect(a.grad).not.toBe(0);
  });
});

describe("boundary cases of every op's gradient, as PyTorch (issue 12, item 6)", () => {
  // [what, f, inputs, data, grads]: PyTorch's autograd formulas (pow_backward_self,
  // pow_backward_exponent, log, div, relu's threshold_backward) at these points
  const cases: [string, (...v: Value[]) => Value, number[], number, number[]][] = [
    ["0 ** k, k = 2: d/dk is 0 (a**k * ln a would be 0 * -inf)", (a, k) => pow(a, k), [0, 2], 0, [0, 0]],
    ["0 ** k, k = 0: both 0", (a, k) => pow(a, k), [0, 0], 1, [0, 0]],
    ["0 ** k, k = 0.5: d/da is inf, d/dk 0", (a, k) => pow(a, k), [0, 0.5], 0, [Infinity, 0]],
    ["0 ** k, k = -1: inf and -inf (no mask below 0)", (a, k) => pow(a, k), [0, -1], Infinity, [-Infinity, -Infinity]],
    ["a ** 0 at a = 0 (number exponent): 0", (a) => pow(a, 0), [0], 1, [0]],
    ["a ** 0 at a = 3: 0", (a) => pow(a, 0), [3], 1, [0]],
    ["a ** 0.5 at a = 0: inf", (a) => pow(a, 0.5), [0], 0, [Infinity]],
    ["(-2) ** k, k = 3: d/da finite, d/dk NaN (ln of a negative)", (a, k) => pow(a, k), [-2, 3], -8, [12, NaN]],
    ["(-8) ** (1/3) with a number exponent: NaN both ways", (a) => pow(a, 1 / 3), [-8], NaN, [NaN]],
    ["log at 0: -inf, gradient inf", (a) => log(a), [0], -Infinity, [Infinity]],
    ["log at -0: gradient -inf", (a) => log(a), [-0], -Infinity, [-Infinity]],
    ["log at 0 under a zero gradient: 0/0 is NaN", (a) => mul(log(a), 0), [0], NaN, [NaN]],
    ["1 / 0: inf, and -inf to the divisor", (a, b) => div(a, b), [1, 0], Infinity, [Infinity, -Infinity]],
    ["0 / 0: NaN", (a, b) => div(a, b), [0, 0], NaN, [Infinity, NaN]],
    ["relu at 0: no gradient", (a) => relu(a), [0], 0, [0]],
    ["tanh saturated: gradient 0", (a) => tanh(a), [1000], 1, [0]],
    ["sigmoid saturated: gradient 0", (a) => sigmoid(a), [-1000], 0, [0]],
    ["exp overflow: inf both ways", (a) => exp(a), [1000], Infinity, [Infinity]],
  ];
  for (const [what, f, at, data, grads] of cases) {
    it(what, () => {
      const xs = at.map((x) => new Value(x));
      const y = f(...xs);
      y.backward();
      expect(y.data).toBe(data);
      expect(xs.map((x) => x.grad)).toEqual(grads);
    });
  }

  it("where the derivative exists, central differences agree (0 ** k failed: NaN)", () => {
    for (const [f, at] of [
      [(a: Value, k: Value) => pow(a, k), [0, 2]],
      [(a: Value, k: Value) => pow(a, k), [0, 3]],
      [(a: Value) => pow(a, 0), [0]],
      [(a: Value, k: Value) => mul(pow(a, k), a), [0, 1]],
    ] as [(...v: Value[]) => Value, number[]][]) {
      const r = gradcheck(f, at, { h: 1e-4 });
      expect(r.summary).toMatch(/passed/);
    }
  });
});

describe("fused nodes: dot and sumOf", () => {
  // the lecture's chain: b + w0*x0 + w1*x1 + ... left to right
  const chain = (ws: Value[], xs: Value[], b: Value) => ws.reduce((act, w, i) => add(act, mul(w, xs[i]!)), b);
  const nums = fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: 0, maxLength: 12 });

  it("dot gives the chain's value and gradients bit for bit, shared and repeated inputs included", () => {
    fc.assert(
      fc.property(nums, fc.array(fc.nat(30)), fc.double({ min: -3, max: 3, noNaN: true }), (xs, picks, _b0) => {
        const run = (fused: boolean) => {
          const pool = [...xs, 0.5, -1.25].map((x) => new Value(x));
          const n = Math.min(xs.length + 2, 6);
          const ws = Array.from({ length: n }, (_, i) => pool[(picks[i] ?? i) % pool.length]!);
          const ins = Array.from({ length: n }, (_, i) => pool[(picks[i + n] ?? i + 1) % pool.length]!);
          const b = pool[(picks[2 * n] ?? 0) % pool.length]!;
          const act = fused ? dot(ws, ins, b) : chain(ws, ins, b);
          const out = mul(tanh(act), act); // act used twice: its grad accumulates before it passes on
          out.backward();
          return [out.data, ...pool.map((p) => p.grad)];
        };
        const fused = run(true);
        const plain = run(false);
        expect(fused.every((x, i) => Object.is(x, plain[i]))).toBe(true);
      }),
      { seed: 1202, numRuns: 300 },
    );
  });

  it("sumOf gives Python's sum's value and gradients bit for bit", () => {
    fc.assert(
      fc.property(nums, fc.array(fc.nat(20)), (xs, picks) => {
        const run = (fused: boolean) => {
          const pool = [...xs, 1e-17, 1].map((x) => new Value(x));
          const vs = picks.map((p) => pool[p % pool.length]!);
          const s = fused ? sumOf(vs, pool[0]!) : sum(vs, pool[0]!);
          mul(s, s).backward();
          return [s.data, ...pool.map((p) => p.grad)];
        };
        expect(run(true)).toEqual(run(false));
        expect(run(true).every((x, i) => Object.is(x, run(false)[i]))).toBe(true);
      }),
      { seed: 1203, numRuns: 300 },
    );
  });

  it("are one node each: op, children in order, numbers as constants, a number b or start not a child", () => {
    const w = [new Value(2, { label: "w0" }), new Value(-3, { label: "w1" })];
    const x = new Value(0.5, { label: "x0" });
    const b = new Value(1, { label: "b" });
    const d = dot(w, [x, 4], b);
    expect([d.op, d.data]).toEqual(["dot", 1 + 2 * 0.5 + -3 * 4]);
    const kids = d.children;
    expect(kids.slice(0, 3)).toEqual([w[0], w[1], x]);
    expect(kids[0]).toBe(w[0]);
    expect([kids[3]!.op, kids[3]!.data, kids[4]]).toEqual(["", 4, b]);
    expect(dot(w, [1, 1]).children).toHaveLength(4);
    expect(dot(w, [1, 1], 0.25).data).toBe(0.25 + 2 - 3);
    const s = sumOf([x, 2, d], b);
    expect([s.op, s.data]).toEqual(["sum", 1 + 0.5 + 2 + d.data]);
    expect(s.children.map((c) => c.label || c.op || c.data)).toEqual(["b", "x0", 2, "dot"]);
    expect(sumOf([]).data).toBe(0);
    expect(dot([], []).data).toBe(0);
  });

  it("backward twice accumulates as the chain does; _backward() applies one dot node", () => {
    const w = [new Value(2), new Value(3)];
    const x = [new Value(5), new Value(7)];
    const d = dot(w, x);
    d.backward();
    d.backward();
    expect(w.map((v) => v.grad)).toEqual([10, 14]);
    expect(x.map((v) => v.grad)).toEqual([4, 6]);
    const w2 = [new Value(2), new Value(3)];
    const d2 = dot(w2, [1, -1], 0);
    d2.grad = 0.5;
    d2._backward();
    expect(w2.map((v) => v.grad)).toEqual([0.5, -0.5]);
  });

  it("draw as one op node with an edge from each input", () => {
    const w = [new Value(2, { label: "w0" }), new Value(-3, { label: "w1" })];
    const d = dot(w, [new Value(1, { label: "x0" }), new Value(2, { label: "x1" })], new Value(0.5, { label: "b" }));
    const drawing = drawDot(d);
    expect([drawing.valueCount, drawing.opCount]).toEqual([6, 1]);
    const text = drawing.toDot();
    expect(text).toContain('n5_op [label="dot"]');
    expect(text.match(/-> n5_op/g)).toHaveLength(5);
  });

  it("bad input: clear errors", () => {
    const w = [new Value(1)];
    expect(() => dot(w, [1, 2])).toThrow(new RangeError("dot(ws, xs, b): ws has 1 elements and xs 2; they must be as long"));
    expect(() => dot(w, "x" as unknown as number[])).toThrow(/ws and xs must be arrays of numbers or Values, got the string "x"/);
    expect(() => dot(w, [null as unknown as number])).toThrow(new TypeError("dot: xs[0] must be a number or a Value, got null"));
    expect(() => dot(w, [1], "b" as unknown as number)).toThrow(/dot: the bias operand must be a number or a Value, got the string "b"/);
    expect(() => sumOf([1, {} as unknown as number])).toThrow(/sumOf: values\[1\] must be a number or a Value, got an object/);
    expect(() => sumOf(3 as unknown as number[])).toThrow(/values must be an array/);
  });
});
