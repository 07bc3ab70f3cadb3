import { inspect } from "node:util";
import { add, Layer, lecture, MLP, makeMoons, mul, Neuron, Random, random, relu, sum, Value } from "micrograd-ts";
import { describe, expect, it } from "vitest";

describe("micrograd's nn with seed(1337) (docs/reference-figures.md)", () => {
  it("Neuron(2): weights, ReLU output and weight grads", () => {
    random.seed(1337);
    const n = new Neuron(2);
    expect(n.w.map((w) => w.data)).toEqual([0.23550571390294128, 0.06653114721000164]);
    expect(n.b.data).toBe(0);
    const out = n([1.0, -2.0]);
    expect(out.data).toBe(0.102443419482938);
    out.backward();
    expect(n.w.map((w) => w.grad)).toEqual([1.0, -2.0]);
    expect(n.b.grad).toBe(1);
  });

  it("MLP(2, [16, 16, 1]): 337 parameters in micrograd's order", () => {
    random.seed(1337);
    const model = new MLP(2, [16, 16, 1]);
    const ps = model.parameters();
    expect(ps.length).toBe(337);
    expect(ps[0]!.data).toBe(0.23550571390294128);
    expect(ps[1]!.data).toBe(0.06653114721000164);
    expect(ps[2]!.data).toBe(0);
    expect(ps[335]!.data).toBe(-0.2532524374373504);
    expect(ps[336]!.data).toBe(0);
    // each neuron's weights then its bias, layer by layer
    const first = model.layers[0]!.neurons[0]!;
    expect(ps.slice(0, 3)).toEqual([...first.w, first.b]);
  });

  it("prints micrograd's text", () => {
    random.seed(1337);
    const model = new MLP(2, [3, 1]);
    const text = "MLP of [Layer of [ReLUNeuron(2), ReLUNeuron(2), ReLUNeuron(2)], Layer of [LinearNeuron(3)]]";
    expect(String(model)).toBe(text);
    expect(`${model}`).toBe(text);
    expect(inspect(model)).toBe(text);
    expect(String(model.layers[0])).toBe("Layer of [ReLUNeuron(2), ReLUNeuron(2), ReLUNeuron(2)]");
    expect(String(new Neuron(3, { nonlin: false }))).toBe("LinearNeuron(3)");
  });
});

describe("modules", () => {
  it("are callable and return one Value for a width-1 output", () => {
    random.seed(1);
    const model = new MLP(3, [4, 4, 1]);
    const y = model([2.0, 3.0, -1.0]);
    expect(y).toBeInstanceOf(Value);
    y.backward();
    expect(model.parameters().some((p) => p.grad !== 0)).toBe(true);
    const layer = new Layer(3, 2);
    const out = layer([1, 2, 3]);
    expect(Array.isArray(out)).toBe(true);
    expect(out).toHaveLength(2);
  });

  it("forward equals a hand computation: b + w0*x0 + w1*x1, relu", () => {
    const rng = new Random(3);
    const n = new Neuron(2, { random: rng });
    const x = [0.5, -1.25];
    const act = n.b.data + n.w[0]!.data * x[0]! + n.w[1]!.data * x[1]!;
    expect(n(x).data).toBe(Math.max(0, act) === 0 && act < 0 ? 0 : act);
  });

  it("zeroGrad (and zero_grad) clear every parameter's grad", () => {
    random.seed(2);
    const model = new MLP(2, [3, 1]);
    (model([1, 2]) as Value).backward();
    model.zeroGrad();
    expect(model.parameters().every((p) => p.grad === 0)).toBe(true);
    (model([1, 2]) as Value).backward();
    model.zero_grad();
    expect(model.parameters().every((p) => p.grad === 0)).toBe(true);
  });

  it("a hidden layer of width 1 works (it breaks in the Python original)", () => {
    random.seed(1337);
    const model = new MLP(2, [1, 3, 1]);
    const y = model([1, 2]);
    expect(y).toBeInstanceOf(Value);
    const wide = new MLP(2, [4, 1, 2]);
    expect(wide([1, 2])).toHaveLength(2);
  });

  it("the lecture's variant: tanh everywhere, bias drawn uniform", () => {
    random.seed(1337);
    const model = new MLP(3, [4, 4, 1], lecture);
    expect(String(model)).toBe(
      "MLP of [Layer of [TanhNeuron(3), TanhNeuron(3), TanhNeuron(3), TanhNeuron(3)], Layer of [TanhNeuron(4), TanhNeuron(4), TanhNeuron(4), TanhNeuron(4)], Layer of [TanhNeuron(4)]]",
    );
    const ps = model.parameters();
    expect(ps.length).toBe(41);
    // draws: w0, w1, w2 then b of the first neuron
    random.seed(1337);
    const draws = [0, 1, 2, 3].map(() => random.uniform(-1, 1));
    expect(ps.slice(0, 4).map((p) => p.data)).toEqual(draws);
    const y = model([2.0, 3.0, -1.0]) as Value;
    expect(Math.abs(y.data)).toBeLessThan(1);
    expect(y.op).toBe("tanh");
  });

  it("a separate generator leaves the module one alone", () => {
    random.seed(1337);
    new MLP(2, [3, 1], { random: new Random(5) });
    expect(random.uniform(-1, 1)).toBe(0.23550571390294128);
  });

  it("bad arguments get clear errors", () => {
    expect(() => new MLP(2, [])).toThrow(/nouts must be a non-empty array/);
    expect(() => new MLP(0, [1])).toThrow(/nin must be a positive integer, got 0/);
    expect(() => new MLP(2, [3, 1.5])).toThrow(/nouts\[1\] must be a positive integer, got 1.5/);
    const model = new MLP(2, [3, 1]);
    expect(() => model([1, 2, 3])).toThrow(/expected 2 inputs, got 3/);
    expect(() => new Neuron(2, { nonlin: "gelu" as "relu" })).toThrow(/nonlin must be/);
    expect(() => model([1, "2" as unknown as number])).toThrow(new TypeError('ReLUNeuron(2): input[1] must be a number or a Value, got the string "2"'));
    const chain = new MLP(2, [3, 1], { fused: false });
    expect(() => chain([1, "2" as unknown as number])).toThrow(/mul: the right operand must be a number or a Value, got the string "2"/);
    expect(() => new Neuron(2)([1, 2, 3])).toThrow(/ReLUNeuron\(2\): expected 2 inputs, got 3/);
  });
});

describe("fused neurons (one dot node) and the lecture's chain", () => {
  // micrograd's demo model on the moons, trained a few steps each way from the same weights
  function train(fused: boolean, steps: number) {
    random.seed(1337);
    const { X, y } = makeMoons(100, { noise: 0.1, seed: 1337, labels: "signed" });
    const model = new MLP(2, [16, 16, 1], { fused });
    const losses: number[] = [];
    for (let k = 0; k < steps; k++) {
      const scores = X.map((row) => model(row));
      const margins = scores.map((s, i) => relu(add(1, mul(-y[i]!, s))));
      const data = mul(sum(margins), 1 / margins.length);
      const reg = mul(1e-4, sum(model.parameters().map((p) => mul(p, p))));
      const total = add(data, reg);
      model.zeroGrad();
      total.backward();
      losses.push(total.data);
      if (k < steps - 1) for (const p of model.parameters()) p.data -= (1.0 - (0.9 * k) / 100) * p.grad;
    }
    return { losses, data: model.parameters().map((p) => p.data), grads: model.parameters().map((p) => p.grad) };
  }

  it("give the chain's losses, weights and gradients bit for bit", () => {
    const fused = train(true, 12);
    const chain = train(false, 12);
    expect(fused.losses[0]).toBe(0.8958441028683222);
    expect(fused.losses[10]).toBe(chain.losses[10]);
    expect(fused.losses).toEqual(chain.losses);
    expect(fused.data).toEqual(chain.data);
    expect(fused.grads).toEqual(chain.grads);
    expect(fused.grads.every((g, i) => Object.is(g, chain.grads[i]))).toBe(true);
  });

  it("a fused neuron is one dot node over its weights, inputs and bias; the chain is * and +", () => {
    random.seed(1337);
    const n = new Neuron(2);
    const x = new Value(1.0);
    const out = n([x, -2.0]);
    expect(out.op).toBe("ReLU");
    const act = out.children[0]!;
    expect(act.op).toBe("dot");
    const kids = act.children;
    expect(kids).toHaveLength(5);
    expect(kids.slice(0, 2)).toEqual([...n.w]);
    expect(kids[0]).toBe(n.w[0]);
    expect(kids[2]).toBe(x);
    expect(kids[3]!.data).toBe(-2);
    expect(kids[4]).toBe(n.b);
    expect(out.data).toBe(0.102443419482938);
    random.seed(1337);
    const chained = new Neuron(2, { fused: false })([1.0, -2.0]);
    expect(chained.data).toBe(out.data);
    expect(chained.children[0]!.op).toBe("+");
    expect(chained.children[0]!.children[1]!.op).toBe("*");
  });

  it("the weights cannot be replaced (a dot node keeps the array); their numbers can change", () => {
    const n = new Neuron(3);
    expect(Object.isFrozen(n.w)).toBe(true);
    expect(() => {
      (n.w as Value[])[0] = new Value(1);
    }).toThrow(TypeError);
    n.w[0]!.data = 0.5;
    expect(n([2, 0, 0]).data).toBe(1);
  });

  it("the lecture preset builds the chain", () => {
    expect(lecture.fused).toBe(false);
    random.seed(1337);
    const y = new MLP(3, [4, 4, 1], lecture)([2.0, 3.0, -1.0]) as Value;
    expect(y.children[0]!.op).toBe("+");
  });
});
