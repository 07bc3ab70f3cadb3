// micrograd's nn: Module, Neuron, Layer, MLP, with the same weights from the same seed, the
// same order of parameters and the same printed text. Modules are callable, as in Python:
// `model(x)`.

import { ACT_NONE, ACT_RELU, ACT_TANH, add, layer, mul, type Nodes, type Operand, relu, tanh, toNodes, Value } from "./engine.js";
import { defaultRandom, type Random } from "./python/random.js";

/** What a module takes as input: numbers or Values. */
export type Input = Operand;

/** The hidden activation: micrograd's ReLU (default), the lecture's tanh, or none. */
export type Nonlin = "relu" | "tanh" | "linear";

export interface NeuronOptions {
  /** true (ReLU, micrograd's default), false (linear), or "relu" | "tanh" | "linear". */
  nonlin?: boolean | Nonlin;
  /** The bias starts at 0 (micrograd) or uniform(-1, 1) (the lecture). */
  bias?: "zero" | "uniform";
  /** Where weights come from; the package's Python-compatible `random` by default. */
  random?: Random;
  /**
   * true (default): each neuron's b + w0*x0 + w1*x1 + … is one `dot` node, with the same numbers
   * and gradients as the chain, several times faster (a second backward() without zeroGrad()
   * differs: see `dot`). false: the lecture's chain of `*` and `+` nodes, one per weight (what its
   * pictures show, and micrograd's graph node for node).
   */
  fused?: boolean;
}

export interface MLPOptions {
  /** Activation of the hidden layers: "relu" (micrograd) or "tanh" (the lecture). */
  nonlin?: Nonlin;
  /** Apply the activation to the last layer too (the lecture's MLP does; micrograd's does not). */
  lastNonlin?: boolean;
  /** The bias starts at 0 (micrograd) or uniform(-1, 1) (the lecture). */
  bias?: "zero" | "uniform";
  random?: Random;
  /** One `dot` node per neuron (true, the default) or the lecture's chain of `*` and `+` (false). */
  fused?: boolean;
}

/**
 * The lecture's network (tanh everywhere, bias drawn uniform too, each neuron a chain of `*` and
 * `+` as the lecture draws it): `new MLP(3, [4, 4, 1], lecture)`.
 */
export const lecture: Readonly<MLPOptions> = Object.freeze({ nonlin: "tanh", lastNonlin: true, bias: "uniform", fused: false });

const INSPECT = Symbol.for("nodejs.util.inspect.custom");

/**
 * The base of every model: `parameters()` and `zeroGrad()` (Python's `zero_grad`).
 *
 * A Module is a function object, so that `model(x)` calls `model.forward(x)` as Python's
 * `__call__` does. Subclasses write `forward`.
 */
export abstract class Module {
  constructor() {
    const call = function (this: unknown, x: readonly Input[]) {
      return (call as unknown as Module).forward(x);
    };
    Object.setPrototypeOf(call, new.target.prototype);
    // A function's own `name` and `length` would shadow nothing of ours, but hide them from printing.
    return call as unknown as Module;
  }

  /** What calling the module does. */
  abstract forward(x: readonly Input[]): unknown;

  /** All trainable Values, in micrograd's order. */
  parameters(): Value[] {
    return [];
  }

  /** Sets every parameter's grad to 0, before each backward pass. */
  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = 0;
  }

  /** micrograd's Python name, for side-by-side reading. */
  zero_grad(): void {
    this.zeroGrad();
  }

  abstract toString(): string;

  [INSPECT](): string {
    return this.toString();
  }
}

function nonlinOf(n: boolean | Nonlin | undefined): Nonlin {
  if (n === undefined || n === true) return "relu";
  if (n === false) return "linear";
  if (n === "relu" || n === "tanh" || n === "linear") return n;
  throw new TypeError(`Neuron: nonlin must be true, false, "relu", "tanh" or "linear", got ${JSON.stringify(n)}`);
}

function checkCount(what: string, n: unknown): number {
  if (typeof n !== "number" || !Number.isInteger(n) || n < 1) {
    throw new TypeError(`${what} must be a positive integer, got ${typeof n === "number" ? n : (JSON.stringify(n) ?? String(n))}`);
  }
  return n;
}

// Takes the module, not its name: the name is built only when there is an error to report,
// since forward runs once per neuron per sample.
function checkInput(where: Module, x: readonly Input[], nin: number): void {
  if (!Array.isArray(x)) throw new TypeError(`${where.toString()}: the input must be an array of ${nin} numbers or Values, got ${typeof x}`);
  if (x.length !== nin) throw new RangeError(`${where.toString()}: expected ${nin} inputs, got ${x.length}`);
}

export interface Neuron {
  (x: readonly Input[]): Value;
}

/**
 * One neuron: `act = b + w[0]*x[0] + w[1]*x[1] + …` (in that order), then its nonlinearity. By
 * default `act` is one `dot` node; with `{ fused: false }` it is the chain of `*` and `+` nodes.
 */
export class Neuron extends Module {
  /** The weights (frozen: a past forward pass keeps this array as its node's children). */
  readonly w: readonly Value[];
  readonly b: Value;
  readonly nonlin: Nonlin;
  readonly fused: boolean;

  constructor(nin: number, options: NeuronOptions = {}) {
    super();
    checkCount("Neuron(nin): nin", nin);
    const rng = options.random ?? defaultRandom;
    const w: Value[] = [];
    for (let i = 0; i < nin; i++) w.push(new Value(rng.uniform(-1, 1)));
    this.w = Object.freeze(w);
    this.b = new Value(options.bias === "uniform" ? rng.uniform(-1, 1) : 0);
    this.nonlin = nonlinOf(options.nonlin);
    this.fused = options.fused ?? true;
  }

  forward(x: readonly Input[]): Value {
    const w = this.w;
    checkInput(this, x, w.length);
    if (this.fused) return layer([this.wNodes()], [this.bNodes()], toNodes(x, this, "input"), this.act(), true)[0]!;
    // Python: sum((wi*xi for wi, xi in zip(self.w, x)), self.b)
    let act = this.b;
    for (let i = 0; i < w.length; i++) act = add(act, mul(w[i]!, x[i]!));
    if (this.nonlin === "relu") return relu(act);
    if (this.nonlin === "tanh") return tanh(act);
    return act;
  }

  #w: Nodes | undefined;
  #b: Nodes | undefined;

  /** @internal the weights as the engine's list of nodes (they never move: made once) */
  wNodes(): Nodes {
    return (this.#w ??= toNodes(this.w, this, "w"));
  }

  /** @internal */
  bNodes(): Nodes {
    return (this.#b ??= toNodes([this.b], this, "b"));
  }

  /** @internal the engine's code of the nonlinearity */
  act(): number {
    return this.nonlin === "relu" ? ACT_RELU : this.nonlin === "tanh" ? ACT_TANH : ACT_NONE;
  }

  parameters(): Value[] {
    return [...this.w, this.b];
  }

  toString(): string {
    const kind = this.nonlin === "relu" ? "ReLU" : this.nonlin === "tanh" ? "Tanh" : "Linear";
    return `${kind}Neuron(${this.w.length})`;
  }
}

/** `Layer(nin, 1)` returns a single Value, as in Python; wider layers return an array. */
export type LayerOutput<Nout extends number> = number extends Nout ? Value | Value[] : Nout extends 1 ? Value : Value[];

export interface Layer<Nout extends number = number> {
  (x: readonly Input[]): LayerOutput<Nout>;
}

/** A row of neurons over the same inputs. */
export class Layer<Nout extends number = number> extends Module {
  readonly neurons: Neuron[];

  constructor(nin: number, nout: Nout, options: NeuronOptions = {}) {
    super();
    checkCount("Layer(nin, nout): nin", nin);
    checkCount("Layer(nin, nout): nout", nout);
    this.neurons = [];
    for (let i = 0; i < nout; i++) this.neurons.push(new Neuron(nin, options));
  }

  /** Every neuron's output, always as an array (what MLP chains). */
  outputs(x: readonly Input[]): Value[] {
    const ns = this.neurons;
    if (ns[0]!.fused) {
      checkInput(ns[0]!, x, ns[0]!.w.length);
      return this.valuesOf(toNodes(x, ns[0]!, "input"));
    }
    const out = new Array<Value>(ns.length);
    for (let i = 0; i < ns.length; i++) out[i] = ns[i]!.forward(x);
    return out;
  }

  #ws: Nodes[] | undefined;
  #bs: Nodes[] | undefined;

  /** @internal a hidden layer of fused neurons: its outputs as the engine's list of nodes, no Values made */
  nodesOf(xs: Nodes): Nodes {
    return layer((this.#ws ??= this.neurons.map((n) => n.wNodes())), (this.#bs ??= this.neurons.map((n) => n.bNodes())), xs, this.neurons[0]!.act(), false);
  }

  /** @internal the same, as Values */
  valuesOf(xs: Nodes): Value[] {
    return layer((this.#ws ??= this.neurons.map((n) => n.wNodes())), (this.#bs ??= this.neurons.map((n) => n.bNodes())), xs, this.neurons[0]!.act(), true);
  }

  forward(x: readonly Input[]): LayerOutput<Nout> {
    const out = this.outputs(x);
    return (out.length === 1 ? out[0] : out) as LayerOutput<Nout>;
  }

  parameters(): Value[] {
    const ps: Value[] = [];
    for (const n of this.neurons) ps.push(...n.w, n.b);
    return ps;
  }

  toString(): string {
    return `Layer of [${this.neurons.map(String).join(", ")}]`;
  }
}

type Last<T extends readonly number[]> = T extends readonly [...unknown[], infer L extends number] ? L : number;

/** The output of an MLP: one Value when the last layer has width 1, as in Python. */
export type MLPOutput<Nouts extends readonly number[]> = LayerOutput<Last<Nouts>>;

export interface MLP<Nouts extends readonly number[] = readonly number[]> {
  (x: readonly Input[]): MLPOutput<Nouts>;
}

/**
 * A multi-layer perceptron, micrograd's: `new MLP(2, [16, 16, 1])` has ReLU hidden layers and a
 * linear last layer. Unlike the Python original, a hidden layer of width 1 works.
 */
export class MLP<const Nouts extends readonly number[] = readonly number[]> extends Module {
  readonly layers: Layer[];

  constructor(nin: number, nouts: Nouts, options: MLPOptions = {}) {
    super();
    checkCount("MLP(nin, nouts): nin", nin);
    if (!Array.isArray(nouts) || nouts.length === 0) {
      throw new TypeError(`MLP(nin, nouts): nouts must be a non-empty array of layer widths like [16, 16, 1], got ${JSON.stringify(nouts)}`);
    }
    const hidden = options.nonlin ?? "relu";
    nonlinOf(hidden);
    const sizes = [nin, ...nouts];
    this.layers = [];
    for (let i = 0; i < nouts.length; i++) {
      const last = i === nouts.length - 1;
      this.layers.push(
        new Layer(sizes[i]!, checkCount(`MLP(nin, nouts): nouts[${i}]`, sizes[i + 1]), {
          nonlin: last && !options.lastNonlin ? "linear" : hidden,
          bias: options.bias,
          random: options.random,
          fused: options.fused,
        }),
      );
    }
  }

  forward(x: readonly Input[]): MLPOutput<Nouts> {
    const layers = this.layers;
    let h: readonly Input[];
    if (layers[0]!.neurons[0]!.fused) {
      // hidden layers hand their outputs on as nodes: only the last layer's outputs become Values
      const first = layers[0]!.neurons[0]!;
      checkInput(first, x, first.w.length);
      let nodes = toNodes(x, first, "input");
      for (let i = 0; i < layers.length - 1; i++) nodes = layers[i]!.nodesOf(nodes);
      h = layers[layers.length - 1]!.valuesOf(nodes);
    } else {
      h = x;
      for (const layer of layers) h = layer.outputs(h);
    }
    return (h.length === 1 ? h[0] : h) as MLPOutput<Nouts>;
  }

  parameters(): Value[] {
    const ps: Value[] = [];
    for (const layer of this.layers) for (const n of layer.neurons) ps.push(...n.w, n.b);
    return ps;
  }

  toString(): string {
    return `MLP of [${this.layers.map(String).join(", ")}]`;
  }
}
