import { describe, expect, it } from "vitest";
import { walkthrough } from "./draw.helpers.ts";
import { Value, add, sub, mul, div, neg, pow, exp, log, tanh, relu, sigmoid, gradcheck, topologicalOrder } from "micrograd-ts";

describe("the walkthrough expression (docs/reference-figures.md: labels a..L)", () => {
  const build = walkthrough;

  it("computes data and grads", () => {
    const g = build();
    g.L.backward();
    const want: Record<string, [number, number]> = {
      a: [2, 6], b: [-3, -4], c: [10, -2], e: [-6, -2], d: [4, -2], f: [-2, 4], L: [-8, 1],
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
        const a = new Value(2.0), b = new Value(-3.0), c = new Value(10.0), f = new Value(-2.0 + h);
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
      x1: new Value(2.0, { label: "x1" }), x2: new Value(0.0, { label: "x2" }),
      w1: new Value(-3.0, { label: "w1" }), w2: new Value(1.0, { label: "w2" }),
      b: new Value(6.8813735870195432, { label: "b" }),
    };
  }

  it("tanh gives the lecture's o and, by the chain rule by hand, its grads", () => {
    const { x1, x2, w1, w2, b } = inputs();
    const x1w1 = x1.mul(w1), x2w2 = x2.mul(w2);
    const x1w1x2w2 = x1w1.add(x2w2);
    const n = x1w1x2w2.add(b);
    const o = n.tanh();
    expect(n.data).toBe(0.8813735870195432);
    expect(o.data).toBe(0.7071067811865476);
    expect(o.data).not.toBe(Math.tanh(n.data)); // C's/JS's tanh: …477
    // by hand, as the lecture does: do/dn = 1 - o**2, which it rounds to 0.5
    n.grad = 0.5;
    x1w1x2w2.grad = n.grad; b.grad = n.grad;
    x1w1.grad = x1w1x2w2.grad; x2w2.grad = x1w1x2w2.grad;
    x1.grad = w1.data * x1w1.grad; w1.grad = x1.data * x1w1.grad;
    x2.grad = w2.data * x2w2.grad; w2.grad = x2.data * x2w2.grad;
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
    const a = new Value(-2.0), b = new Value(3.0);
    const f = a.mul(b).mul(a.add(b));
    f.backward();
    expect([f.data, a.grad, b.grad]).toEqual([-6, -3, -8]);
  });
  it("backward twice accumulates, as in Python", () => {
    const a = new Value(2.0), b = new Value(3.0);
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
    const a = new Value(1), b = new Value(2);
    const c = a.mul(b), d = c.add(a);
    const order = topologicalOrder(d);
    expect(order).toEqual([a, b, c, d]);
    expect(topologicalOrder(d)).toEqual(order);
  });
});

describe("_backward(): one node's local derivative, as the lecture calls it by hand", () => {
  it("the neuron, node by node in reverse topological order, gives backward()'s grads", () => {
    const build = () => {
      const x1 = new Value(2.0, { label: "x1" }), x2 = new Value(0.0, { label: "x2" });
      const w1 = new Value(-3.0, { label: "w1" }), w2 = new Value(1.0, { label: "w2" });
      const b = new Value(6.8813735870195432, { label: "b" });
      const x1w1 = x1.mul(w1), x2w2 = x2.mul(w2);
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
    const a = new Value(-4.0), b = new Value(2.0);
    const f = (x: Value, y: Value) => x.mul(y).add(y.pow(3)).add(x.sub(y).relu()).div(x.exp().add(2)).tanh();
    const L = f(a, b);
    L.grad = 1;
    for (const v of topologicalOrder(L).reverse()) v._backward();
    const a2 = new Value(-4.0), b2 = new Value(2.0);
    f(a2, b2).backward();
    expect([a.grad, b.grad]).toEqual([a2.grad, b2.grad]);
    expect(a.grad).not.toBe(0);
  });
});
