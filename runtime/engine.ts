// The scalar autograd engine: micrograd's `Value` and its operations, and backward().
//
// Design note (BENCHMARKS.md has the figures and how they were taken). A graph node is not a
// JavaScript object: its numbers live in typed arrays (chunks.ts), and a `Value` is a handle
// that says where. This file has the handle, the operations and backward(); fused.ts the fused
// operations; graph.ts inspection and the copying described under "Epochs".
//
// - Chunks. Nodes are written in creation order into chunks of 4,096: one ArrayBuffer holds each
//   node's data and grad (Float64Array) and its op word and two child references (Int32Array),
//   28 bytes a node (the object engine before it: 72). A Value holds its chunk and slot in
//   private fields, so a copy (`{...v}`, structuredClone) carries no other node's numbers. A chunk
//   holds the chunks its nodes refer to, so whatever a user keeps keeps its graph alive, and the
//   garbage collector frees a chunk when nothing reaches it: no reset to call, no slot reused, no
//   handle that can read another node's numbers. Chunks stay below 128 KB: larger ones were
//   mapped fresh from the system at every step, and the page faults made node creation several
//   times slower.
// - No sort. A node's children exist before it, so the reverse creation order is a topological
//   order: backward() marks the root, scans its chunks from the newest slot down (a heap of
//   chunks, newest first), applies each marked node's local derivative, marks its children, and
//   stops when nothing is marked. No depth-first search and no order array: the object engine
//   spent a quarter of a step on its search, and aborted the process past ~100 million nodes
//   while growing the array. Gradients reach each node in the same order as with the
//   depth-first order on micrograd's demo (its 100 steps are bit for bit the same).
// - Epochs. Each backward() ends an epoch and the next nodes go into new chunks, so that a
//   training step is one epoch that refers only to itself and to the parameters: keeping the last
//   loss keeps one step. A node of an earlier epoch used in a new operation (`L.backward(); L * 2`,
//   an average kept across steps) is copied with what it was computed from in its epoch into
//   long-lived chunks, its old slot forwarding to the copy (graph.ts), so that the old epoch can
//   be freed; a node computed only from long-lived nodes goes there directly (a learning rate kept
//   as a Value: the chain keeps itself, not the steps it passed through). Leaves made with
//   `new Value` have chunks of their own, which refer to nothing.
// - Fused operations. `dot(ws, xs, b)` is one node for b + w0*x0 + w1*x1 + …, with the chain's
//   roundings in the chain's order and its gradients summed in its order; nn's neurons use it, and
//   hand hidden layers on as lists of slots, so a training step makes Values only for what the
//   user sees (the demo's step: 8,318 nodes instead of 65,818, and about 1,400 Values). `{ fused: false }`
//   builds the lecture's chain.
//
// Where the time goes (the demo's step): making nodes and their Values in the forward pass about
// 60% (an allocation of the handle, typed writes, and the dot products' multiply-adds), backward
// 35% (a scan of the step's chunks: one load per node to find the marked ones), garbage
// collection of the handles 5 to 10%. Each operation has a fast path written out so that the
// compiler inlines it whole; nodes of earlier epochs, long-lived nodes and bad operands take
// use()/emit().
//
// What it costs in clarity: data and grad are accessors over the typed arrays; the operations
// resolve handles to chunks and slots through small helpers; and identity: in a large graph
// (more than IDENTITY_LIMIT nodes since the last backward()) `d.children` gives Values of the same
// nodes (same `id`, numbers, label) but not always the very objects the operations returned.

import {
  ADD,
  type Chunk,
  cur,
  DIV,
  DOT,
  dep,
  EPOCH,
  EXP,
  endEpoch,
  epochNow,
  LEAF,
  LEAVES,
  LOG,
  LONG,
  leafSlot,
  longSlot,
  MOVED,
  MUL,
  mark2,
  NEG,
  nextChunk,
  OP_MASK,
  PENDING,
  POW,
  POWV,
  queue,
  RELU,
  refTo,
  register,
  registering,
  SIGMOID,
  SLOT_BITS,
  SLOT_MASK,
  SUB,
  SUM,
  TANH,
  take,
  touch,
} from "./chunks.js";
import { dotBackward, sumBackward } from "./fused.js";
import { childrenOf, findNonFinite, opName, tenure } from "./graph.js";
import { TRANSFORM_HELP } from "./messages.js";
import { pyRepr } from "./python/format.js";

export { IDENTITY_LIMIT } from "./chunks.js";
export { ACT_NONE, ACT_RELU, ACT_TANH, dot, layer, type Nodes, sumOf, toNodes } from "./fused.js";
export { countNodes, findNonFinite, type NonFinite, topologicalOrder } from "./graph.js";

/** What an operation accepts on either side: a plain number is wrapped in a leaf Value, as micrograd does. */
export type Operand = number | Value;

export interface ValueOptions {
  /** A name for the node, shown in pictures (`drawDot`) and error messages. */
  label?: string;
}

// ---------------------------------------------------------------------------------------------
// The Value handle

/** In every Value, as an own property: structuredClone(v) then fails with this text. */
const NOT_CLONEABLE = Symbol("a micrograd-ts Value cannot be cloned: it is a node of a computation graph; structuredClone(v.toJSON()) gives { data, grad, label, op }");

/**
 * Recognises Values of every copy of micrograd-ts loaded in the process (the ES module and the
 * CommonJS build, two versions): a registered symbol is the same in all of them.
 */
const CROSS_COPY_BRAND = Symbol.for("micrograd-ts.Value");

/** @internal */
export const FOREIGN_HELP =
  "is a Value from another copy of micrograd-ts loaded in this process (for example the ES module build " +
  "through import and the CommonJS build through require, or two installed versions). Values of two copies " +
  "cannot be combined in one graph: load micrograd-ts one way only (import everywhere, or require everywhere) " +
  "and install one version (npm ls micrograd-ts shows them).";

// Set by handle(): the next `new Value` is a handle of this slot, not a new leaf.
let mkC: Chunk | null = null;
let mkI = 0;

// Accessors of the private fields, for the functions of this module (set in the class's static block).
/** @internal */
export let cOf: (v: Value) => Chunk;
/** @internal */
export let iOf: (v: Value) => number;
/** @internal */
export let setRef: (v: Value, c: Chunk, i: number) => void;

export class Value {
  #c: Chunk;
  #i: number;
  /** A number that names this node for as long as it exists, as Python's id(v). */
  declare readonly id: number;

  // Kept small, with the rare paths in functions of their own, so that the compiler inlines it
  // into every operation.
  constructor(data: number, options?: ValueOptions) {
    let c = mkC;
    let i = mkI;
    if (c === null) {
      c = newLeaf(data, this);
      i = c.n - 1;
    } else mkC = null;
    this.#c = c;
    this.#i = i;
    (this as { id: number }).id = c.ids === null ? c.base + i : c.ids[i]!;
    (this as unknown as { _node: symbol })._node = NOT_CLONEABLE;
    if (options !== undefined) applyOptions(this, options);
  }

  static {
    cOf = (v) => v.#c;
    iOf = (v) => v.#i;
    setRef = (v, c, i) => {
      v.#c = c;
      v.#i = i;
    };
    Object.defineProperty(Value.prototype, CROSS_COPY_BRAND, { value: 1 });
  }

  /** The number this node holds. */
  get data(): number {
    let c = this.#c;
    if (c.moved) c = follow(this);
    return c.f[2 * this.#i]!;
  }
  set data(x: number) {
    if (typeof x !== "number") badField("data", x);
    let c = this.#c;
    if (c.moved) c = follow(this);
    c.f[2 * this.#i] = x;
  }

  /** d(root)/d(this) after `root.backward()`; starts at 0 and accumulates (`+=`). */
  get grad(): number {
    let c = this.#c;
    if (c.moved) c = follow(this);
    return c.f[2 * this.#i + 1]!;
  }
  set grad(x: number) {
    if (typeof x !== "number") badField("grad", x);
    let c = this.#c;
    if (c.moved) c = follow(this);
    c.f[2 * this.#i + 1] = x;
  }

  /** The node's name, '' when it has none. */
  get label(): string {
    let c = this.#c;
    if (c.moved) c = follow(this);
    return c.labels?.get(this.#i) ?? "";
  }
  set label(label: string) {
    if (typeof label !== "string") throw new TypeError(`Value.label must be a string, got ${describe(label)}`);
    let c = this.#c;
    if (c.moved) c = follow(this);
    if (label === "") c.labels?.delete(this.#i);
    else (c.labels ??= new Map()).set(this.#i, label);
  }

  /** The op that produced this node: '+', '*', 'tanh', '**2', 'dot', … ('' for a leaf). */
  get op(): string {
    let c = this.#c;
    if (c.moved) c = follow(this);
    return opName(c, this.#i);
  }

  /** The nodes this one was computed from, in the order given (for dot: ws, then xs, then b). */
  get children(): Value[] {
    let c = this.#c;
    if (c.moved) c = follow(this);
    return childrenOf(c, this.#i);
  }

  /** micrograd's name for `children`. */
  get _prev(): Value[] {
    return this.children;
  }

  /** micrograd's name for `op`. */
  get _op(): string {
    return this.op;
  }

  add(other: Operand): Value {
    return add(this, other);
  }
  sub(other: Operand): Value {
    return sub(this, other);
  }
  mul(other: Operand): Value {
    return mul(this, other);
  }
  div(other: Operand): Value {
    return div(this, other);
  }
  neg(): Value {
    return neg(this);
  }
  pow(exponent: Operand): Value {
    return pow(this, exponent);
  }
  exp(): Value {
    return exp(this);
  }
  log(): Value {
    return log(this);
  }
  tanh(): Value {
    return tanh(this);
  }
  relu(): Value {
    return relu(this);
  }
  sigmoid(): Value {
    return sigmoid(this);
  }

  /**
   * Backpropagation: sets this node's grad to 1 and adds d(this)/d(node) into `node.grad` for
   * every node of the graph below it. Gradients accumulate as in micrograd: calling it twice
   * without zeroing (`model.zeroGrad()` or `v.grad = 0`) doubles the leaves' grads.
   *
   * With `{ checkFinite: true }` it throws, naming the first node (op and label) that made a
   * non-finite value or gradient, instead of letting NaN spread silently.
   */
  backward(options?: { checkFinite?: boolean }): void {
    endEpoch();
    oc = null; // the register must not keep a chunk alive
    let c = this.#c;
    if (c.moved) c = follow(this);
    const i = this.#i;
    c.f[2 * i + 1] = 1;
    walk(c, i);
    if (options?.checkFinite) {
      const bad = findNonFinite(this);
      if (bad) throw new RangeError(bad.message);
    }
  }

  /**
   * micrograd's `_backward`: applies this one node's local derivative, adding
   * `d(this)/d(child) * this.grad` into each child's grad, and nothing else (a leaf does
   * nothing). The lecture calls it node by node, in reverse topological order, before it
   * introduces `backward()`: `o.grad = 1; o._backward(); n._backward(); ...`.
   */
  _backward(): void {
    let c = this.#c;
    if (c.moved) c = follow(this);
    const i = this.#i;
    applyLocal(c, i, c.k[3 * i]! & OP_MASK, false);
  }

  /** Python's repr: `Value(data=2.0, grad=0.0)`. */
  toString(): string {
    return `Value(data=${pyRepr(this.data)}, grad=${pyRepr(this.grad)})`;
  }

  toJSON(): { data: number; grad: number; label?: string; op?: string } {
    const out: { data: number; grad: number; label?: string; op?: string } = { data: this.data, grad: this.grad };
    if (this.label) out.label = this.label;
    const op = this.op;
    if (op !== "") out.op = op;
    return out;
  }

  /**
   * A Value never turns silently into a number. String conversion (template literals,
   * `String(v)`) gives the repr; any numeric use (`a * b`, `a < b`, `+a`) throws, because
   * without the operator transform it would otherwise compute NaN or "[object Object]".
   */
  [Symbol.toPrimitive](hint: string): string {
    if (hint === "string") return this.toString();
    throw new TypeError(`${this.toString()}${this.label ? ` (label "${this.label}")` : ""} was used as a number or with an operator. ${TRANSFORM_HELP}`);
  }

  /** Node's util.inspect (console.log) prints the repr. A plain symbol: no Node import. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  /** @internal a marker that the operator transforms recognise the class by */
  declare readonly [VALUE_BRAND]: true;
}

/** The brand by which the transformers recognise the runtime's Value class (not by its name). */
export declare const VALUE_BRAND: unique symbol;

/** Stores a `new Value` leaf (its Value `v` is the one inspection gives back); returns its chunk. */
function newLeaf(data: number, v: Value): Chunk {
  if (typeof data !== "number") badData(data);
  return leafSlot(data, v);
}

/** A handle of slot `i` of chunk `c`. */
/** @internal */
export function handle(c: Chunk, i: number): Value {
  mkC = c;
  mkI = i;
  return new Value(0);
}

/** The Value the user holds for a `new Value` leaf, the one an operation returned (small graphs), or the one handed out before for this node. */
/** @internal */
export function canonical(c: Chunk, i: number, preferred?: Value): Value {
  if (c.births !== null) return c.births[i]!;
  const r = c.reg?.[i];
  if (r !== undefined) return r;
  const views = (c.views ??= new Map());
  let v = views.get(i);
  if (v === undefined) {
    v = preferred ?? handle(c, i);
    views.set(i, v);
  }
  return v;
}

/** Whether `x` is a Value: of this copy of micrograd-ts, or of another copy loaded in the same process. */
export function isValue(x: unknown): x is Value {
  return x instanceof Value || isForeignValue(x);
}

/** Whether `x` is a Value of another copy of micrograd-ts (which this copy cannot combine with its own). */
export function isForeignValue(x: unknown): boolean {
  return typeof x === "object" && x !== null && !(x instanceof Value) && (x as Record<symbol, unknown>)[CROSS_COPY_BRAND] !== undefined;
}

function badData(data: unknown): never {
  const hint = isValue(data) ? ": use that Value itself, or its number (v.data) for a new leaf" : "";
  throw new TypeError(`new Value(data): data must be a number, got ${describe(data)}${hint}`);
}

function badField(name: string, x: unknown): never {
  throw new TypeError(`Value.${name} must be a number, got ${describe(x)}`);
}

function applyOptions(v: Value, options: ValueOptions): void {
  if (options === null || typeof options !== "object") {
    throw new TypeError(`new Value(data, options): options must be an object like { label: "a" }, got ${describe(options)}`);
  }
  if (options.label !== undefined) v.label = options.label;
}

/** @internal */
export function describe(x: unknown): string {
  if (x === null) return "null";
  if (x === undefined) return "undefined";
  if (typeof x === "string") return `the string ${JSON.stringify(x)}`;
  if (typeof x === "bigint") return `the bigint ${x}n (convert it with Number())`;
  if (Array.isArray(x)) return `an array of length ${x.length}`;
  if (x instanceof Value) return `a Value (${String(x)})`;
  if (isForeignValue(x)) return "a Value of another copy of micrograd-ts";
  if (typeof x === "object") return `an object (${Object.prototype.toString.call(x)})`;
  if (typeof x === "function") return "a function";
  return `${typeof x} ${String(x)}`;
}

/** @internal */
export function badOperand(x: unknown, op: string, side: string): never {
  if (isForeignValue(x)) throw new TypeError(`${op}: the ${side} operand ${FOREIGN_HELP}`);
  throw new TypeError(`${op}: the ${side} operand must be a number or a Value, got ${describe(x)}`);
}

// ---------------------------------------------------------------------------------------------
// Operands

// Where use() found an operand: its chunk and slot (null for a number, placed by emit()), and its number.
/** @internal */
export let oc: Chunk | null = null;
/** @internal */
export let oi = 0;
let ov = 0;

/**
 * Resolves an operand into `oc`, `oi`, `ov`. A node of an earlier epoch is copied to a long-lived
 * chunk first; a number becomes a constant leaf, which emit() puts next to the result.
 */
function use(x: Operand, op: string, side: string): void {
  if (x instanceof Value) {
    let c = cOf(x);
    if (c.epoch < epochNow) c = revive(x);
    const i = iOf(x);
    oc = c;
    oi = i;
    ov = c.f[2 * i]!;
    return;
  }
  if (typeof x !== "number") badOperand(x, op, side);
  oc = null;
  ov = x;
}

/** A constant leaf in the current chunk, into `oc`, `oi` (for dot's and sumOf's number elements). */
/** @internal */
export function constant(x: number): void {
  oi = take(x);
  oc = cur;
}

/** A node of an earlier epoch (or a slot that forwards) about to be used again: see the header. */
/** @internal */
export function revive(v: Value): Chunk {
  const c = cOf(v);
  if (c.moved && (c.k[3 * iOf(v)]! & OP_MASK) === MOVED) return follow(v);
  if (c.epoch < epochNow) return tenure(v);
  return c;
}

/** Points `v` at the copy its slot forwards to, if it does; returns v's chunk. */
/** @internal */
export function follow(v: Value): Chunk {
  const c = cOf(v);
  const i = iOf(v);
  const k = c.k;
  if ((k[3 * i]! & OP_MASK) !== MOVED) return c;
  const r = k[3 * i + 1]!;
  const t = c.deps[r >>> SLOT_BITS]!;
  setRef(v, t, r & SLOT_MASK);
  return t;
}

/**
 * Writes a result node and returns its handle: children (ca, ia) and (cb, ib), a null chunk being
 * a number (xa, xb) to store as a constant, `cb` undefined for one child. It goes into the
 * current chunk, unless it is computed from long-lived nodes and no node of the epoch (a learning
 * rate kept as a Value, `lr = lr * 0.99`): then it goes with them, so that it keeps no epoch alive.
 */
function emit(op: number, data: number, ca: Chunk | null, ia: number, xa: number, cb: Chunk | null | undefined, ib: number, xb: number): Value {
  if ((ca === null || ca.kind !== EPOCH) && (cb == null || cb.kind !== EPOCH) && ((ca !== null && ca.kind === LONG) || (cb != null && cb.kind === LONG))) {
    return emitLong(op, data, ca, ia, xa, cb, ib, xb);
  }
  if (ca === null) {
    constant(xa);
    ca = oc!;
    ia = oi;
  }
  if (cb === null) {
    constant(xb);
    cb = oc!;
    ib = oi;
  }
  const s = take(data);
  const c = cur;
  return link(c, s, op, ca === c ? ia : refTo(c, ca, ia), cb === undefined ? -1 : cb === c ? ib : refTo(c, cb, ib));
}

function emitLong(op: number, data: number, ca: Chunk | null, ia: number, xa: number, cb: Chunk | null | undefined, ib: number, xb: number): Value {
  if (ca === null) {
    ca = longSlot();
    ia = ca.n - 1;
    ca.f[2 * ia] = xa;
  }
  if (cb === null) {
    cb = longSlot();
    ib = cb.n - 1;
    cb.f[2 * ib] = xb;
  }
  const c = longSlot();
  const s = c.n - 1;
  c.f[2 * s] = data;
  const k = c.k;
  k[3 * s] = op;
  k[3 * s + 1] = refTo(c, ca, ia);
  k[3 * s + 2] = cb === undefined ? -1 : refTo(c, cb, ib);
  return handle(c, s);
}

// ---------------------------------------------------------------------------------------------
// The operations. Each has a fast path, written out so that the compiler inlines it whole: Values
// of this epoch (or `new Value` leaves) and numbers. Everything else (nodes of an earlier epoch,
// long-lived nodes, bad operands) goes through use() and emit(). The local derivatives are in
// applyLocal().

/** A chunk whose nodes an operation may refer to directly: this epoch's, or leaves. */
function fresh(c: Chunk): boolean {
  return c.epoch === epochNow || c.kind === LEAVES;
}

function data2(op: number, x: number, y: number): number {
  switch (op) {
    case ADD:
      return x + y;
    case SUB:
      return x - y;
    case MUL:
      return x * y;
    case DIV:
      return x / y;
    default:
      return x ** y;
  }
}

/** Writes slot s's op and children (references from its chunk, -1 for none) and returns its Value. */
function link(c: Chunk, s: number, op: number, ra: number, rb: number): Value {
  const k = c.k;
  const o = 3 * s;
  k[o] = op;
  k[o + 1] = ra;
  k[o + 2] = rb;
  const v = handle(c, s);
  if (registering) register(c, s, v);
  return v;
}

/** A node of two Values (chunks ca, cb) in the current chunk. */
function put2(op: number, ca: Chunk, ia: number, cb: Chunk, ib: number): Value {
  const s = take(data2(op, ca.f[2 * ia]!, cb.f[2 * ib]!));
  const c = cur;
  return link(c, s, op, ca === c ? ia : refTo(c, ca, ia), cb === c ? ib : refTo(c, cb, ib));
}

/** A node of a Value (chunk cv) and a number, which becomes a constant leaf next to it. */
function putN(op: number, cv: Chunk, iv: number, x: number, numberFirst: boolean): Value {
  const v = cv.f[2 * iv]!;
  const data = numberFirst ? data2(op, x, v) : data2(op, v, x);
  const sx = take(x);
  const cx = cur;
  const s = take(data);
  const c = cur;
  const rv = cv === c ? iv : refTo(c, cv, iv);
  const rx = cx === c ? sx : refTo(c, cx, sx);
  return link(c, s, op, numberFirst ? rx : rv, numberFirst ? rv : rx);
}

/** A node of one Value. */
function put1(op: number, ca: Chunk, ia: number, data: number): Value {
  const s = take(data);
  const c = cur;
  return link(c, s, op, ca === c ? ia : refTo(c, ca, ia), -1);
}

/** @internal */
export function born(c: Chunk, s: number): Value {
  const v = handle(c, s);
  if (registering) register(c, s, v);
  return v;
}

/** A binary operation: the fast path (see above), else use() and emit(). */
function binary(op: number, a: Operand, b: Operand, name: string): Value {
  if (a instanceof Value) {
    const ca = cOf(a);
    if (fresh(ca)) {
      if (b instanceof Value) {
        const cb = cOf(b);
        if (fresh(cb)) return put2(op, ca, iOf(a), cb, iOf(b));
      } else if (typeof b === "number") return putN(op, ca, iOf(a), b, false);
    }
  } else if (typeof a === "number" && b instanceof Value) {
    const cb = cOf(b);
    if (fresh(cb)) return putN(op, cb, iOf(b), a, true);
  }
  return binarySlow(op, a, b, name);
}

function binarySlow(op: number, a: Operand, b: Operand, name: string): Value {
  use(a, name, "left");
  const ca = oc,
    ia = oi,
    xa = ov;
  use(b, name, "right");
  return emit(op, data2(op, xa, ov), ca, ia, xa, oc, oi, ov);
}

/** a + b */
export function add(a: Operand, b: Operand): Value {
  return binary(ADD, a, b, "add");
}

/** a - b (micrograd's a + (-b), with the same numbers and one node fewer) */
export function sub(a: Operand, b: Operand): Value {
  return binary(SUB, a, b, "sub");
}

/** a * b */
export function mul(a: Operand, b: Operand): Value {
  return binary(MUL, a, b, "mul");
}

/**
 * a / b. micrograd writes it as a * b**-1 (two nodes, two roundings); one division is one
 * rounding, and gives the figures of ../shared/REFERENCE.md (the neuron with tanh written out).
 */
export function div(a: Operand, b: Operand): Value {
  return binary(DIV, a, b, "div");
}

/**
 * a ** k. A number exponent is a constant, as in micrograd (`**2` in pictures); a Value
 * exponent gets a gradient too: d(a**b)/db = a**b * ln(a).
 */
export function pow(a: Operand, exponent: Operand): Value {
  if (a instanceof Value && typeof exponent === "number") {
    const ca = cOf(a);
    if (fresh(ca)) return putN(POW, ca, iOf(a), exponent, false);
  }
  if (!(exponent instanceof Value) && typeof exponent !== "number") {
    if (isForeignValue(exponent)) throw new TypeError(`pow: the exponent ${FOREIGN_HELP}`);
    throw new TypeError(`pow: the exponent must be a number or a Value, got ${describe(exponent)}`);
  }
  use(a, "pow", "base");
  const ca = oc,
    ia = oi,
    xa = ov;
  use(exponent, "pow", "exponent");
  return emit(exponent instanceof Value ? POWV : POW, xa ** ov, ca, ia, xa, oc, oi, ov);
}

/** The slow path of a one-operand operation: its operand in oc, oi, ov. */
function unary(a: Operand, name: string): void {
  use(a, name, "only");
}

/** -a (micrograd's a * -1) */
export function neg(a: Operand): Value {
  if (a instanceof Value) {
    const ca = cOf(a);
    const ia = iOf(a);
    if (fresh(ca)) return put1(NEG, ca, ia, -ca.f[2 * ia]!);
  }
  unary(a, "neg");
  return emit(NEG, -ov, oc, oi, ov, undefined, 0, 0);
}

/** e ** a */
export function exp(a: Operand): Value {
  if (a instanceof Value) {
    const ca = cOf(a);
    const ia = iOf(a);
    if (fresh(ca)) return put1(EXP, ca, ia, Math.exp(ca.f[2 * ia]!));
  }
  unary(a, "exp");
  return emit(EXP, Math.exp(ov), oc, oi, ov, undefined, 0, 0);
}

/** natural logarithm */
export function log(a: Operand): Value {
  if (a instanceof Value) {
    const ca = cOf(a);
    const ia = iOf(a);
    if (fresh(ca)) return put1(LOG, ca, ia, Math.log(ca.f[2 * ia]!));
  }
  unary(a, "log");
  return emit(LOG, Math.log(ov), oc, oi, ov, undefined, 0, 0);
}

/**
 * tanh, computed as the lecture does, (e**2x - 1) / (e**2x + 1), so the neuron prints
 * 0.7071067811865476 as in the lecture (Math.tanh gives …477). Where e**2x overflows the
 * formula would give NaN, and Math.tanh's answer (±1) is used.
 */
export function tanh(a: Operand): Value {
  if (a instanceof Value) {
    const ca = cOf(a);
    const ia = iOf(a);
    if (fresh(ca)) return put1(TANH, ca, ia, tanhOf(ca.f[2 * ia]!));
  }
  unary(a, "tanh");
  return emit(TANH, tanhOf(ov), oc, oi, ov, undefined, 0, 0);
}

/** max(0, a), as micrograd: 0 for a < 0, and a gradient only where the output is positive */
export function relu(a: Operand): Value {
  if (a instanceof Value) {
    const ca = cOf(a);
    const ia = iOf(a);
    if (fresh(ca)) {
      const x = ca.f[2 * ia]!;
      return put1(RELU, ca, ia, x < 0 ? 0 : x);
    }
  }
  unary(a, "relu");
  return emit(RELU, ov < 0 ? 0 : ov, oc, oi, ov, undefined, 0, 0);
}

/** 1 / (1 + e**-a) */
export function sigmoid(a: Operand): Value {
  if (a instanceof Value) {
    const ca = cOf(a);
    const ia = iOf(a);
    if (fresh(ca)) return put1(SIGMOID, ca, ia, 1 / (1 + Math.exp(-ca.f[2 * ia]!)));
  }
  unary(a, "sigmoid");
  return emit(SIGMOID, 1 / (1 + Math.exp(-ov)), oc, oi, ov, undefined, 0, 0);
}

/**
 * One node's step of the chain rule: adds its local derivative times its grad into its
 * children's grads (micrograd's per-node `_backward`); with `mark`, also marks the children
 * for backward()'s walk. The boundary cases are PyTorch's: a zero exponent passes no gradient to
 * the base, and 0 ** b passes none to b where b >= 0 (where a ** b * ln(a) would be 0 * -inf).
 */
function applyLocal(c: Chunk, s: number, op: number, mark: boolean): void {
  const f = c.f;
  const k = c.k;
  const g = f[2 * s + 1]!;
  const ra = k[3 * s + 1]!;
  const rb = k[3 * s + 2]!;
  switch (op) {
    case LEAF:
      return;
    case ADD: {
      const a = dep(c, ra),
        b = dep(c, rb),
        ia = ra & SLOT_MASK,
        ib = rb & SLOT_MASK;
      a.f[2 * ia + 1]! += g;
      b.f[2 * ib + 1]! += g;
      if (mark) mark2(a, ia, b, ib);
      return;
    }
    case SUB: {
      const a = dep(c, ra),
        b = dep(c, rb),
        ia = ra & SLOT_MASK,
        ib = rb & SLOT_MASK;
      a.f[2 * ia + 1]! += g;
      b.f[2 * ib + 1]! += -g;
      if (mark) mark2(a, ia, b, ib);
      return;
    }
    case MUL: {
      const a = dep(c, ra),
        b = dep(c, rb),
        ia = ra & SLOT_MASK,
        ib = rb & SLOT_MASK;
      a.f[2 * ia + 1]! += b.f[2 * ib]! * g;
      b.f[2 * ib + 1]! += a.f[2 * ia]! * g;
      if (mark) mark2(a, ia, b, ib);
      return;
    }
    case DIV: {
      const a = dep(c, ra),
        b = dep(c, rb),
        ia = ra & SLOT_MASK,
        ib = rb & SLOT_MASK;
      const bd = b.f[2 * ib]!;
      a.f[2 * ia + 1]! += g / bd;
      b.f[2 * ib + 1]! += (-a.f[2 * ia]! / (bd * bd)) * g;
      if (mark) mark2(a, ia, b, ib);
      return;
    }
    case NEG: {
      const a = dep(c, ra),
        ia = ra & SLOT_MASK;
      a.f[2 * ia + 1]! += -g;
      if (mark) touch(a, ia);
      return;
    }
    case POW: {
      const a = dep(c, ra),
        ia = ra & SLOT_MASK;
      const e = dep(c, rb).f[2 * (rb & SLOT_MASK)]!;
      a.f[2 * ia + 1]! += e === 0 ? 0 : e * a.f[2 * ia]! ** (e - 1) * g;
      if (mark) touch(a, ia);
      return;
    }
    case POWV: {
      const a = dep(c, ra),
        b = dep(c, rb),
        ia = ra & SLOT_MASK,
        ib = rb & SLOT_MASK;
      const ad = a.f[2 * ia]!;
      const bd = b.f[2 * ib]!;
      a.f[2 * ia + 1]! += bd === 0 ? 0 : bd * ad ** (bd - 1) * g;
      b.f[2 * ib + 1]! += ad === 0 && bd >= 0 ? 0 : f[2 * s]! * Math.log(ad) * g;
      if (mark) mark2(a, ia, b, ib);
      return;
    }
    case EXP: {
      const a = dep(c, ra),
        ia = ra & SLOT_MASK;
      a.f[2 * ia + 1]! += f[2 * s]! * g;
      if (mark) touch(a, ia);
      return;
    }
    case LOG: {
      const a = dep(c, ra),
        ia = ra & SLOT_MASK;
      a.f[2 * ia + 1]! += (1 / a.f[2 * ia]!) * g;
      if (mark) touch(a, ia);
      return;
    }
    case TANH: {
      const a = dep(c, ra),
        ia = ra & SLOT_MASK;
      const t = f[2 * s]!;
      a.f[2 * ia + 1]! += (1 - t * t) * g;
      if (mark) touch(a, ia);
      return;
    }
    case RELU: {
      if (f[2 * s]! > 0) {
        const a = dep(c, ra),
          ia = ra & SLOT_MASK;
        a.f[2 * ia + 1]! += g;
        if (mark) touch(a, ia);
      }
      return;
    }
    case SIGMOID: {
      const a = dep(c, ra),
        ia = ra & SLOT_MASK;
      const y = f[2 * s]!;
      a.f[2 * ia + 1]! += y * (1 - y) * g;
      if (mark) touch(a, ia);
      return;
    }
    case DOT:
      dotBackward(c.objs!, ra, g, mark);
      return;
    case SUM:
      sumBackward(c.objs!, ra, g, mark);
      return;
    case MOVED: {
      // hand what reached the old slot on to the copy (and only once: the old slot keeps nothing)
      const t = dep(c, ra),
        it = ra & SLOT_MASK;
      t.f[2 * it + 1]! += g;
      f[2 * s + 1] = 0;
      if (mark) touch(t, it);
      return;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// backward(): the walk in reverse creation order (see the header)

function walk(c0: Chunk, i0: number): void {
  touch(c0, i0);
  while (queue.length > 0) {
    const c = nextChunk();
    const k = c.k;
    for (let s = c.hi; s >= 0 && c.pend > 0; s--) {
      const w = k[3 * s]!;
      if ((w & PENDING) === 0) continue;
      k[3 * s] = w & ~PENDING;
      c.pend--;
      applyLocal(c, s, w & OP_MASK, true);
    }
    c.hi = -1;
    c.queued = false;
  }
}

/** @internal */
export function tanhOf(x: number): number {
  const e = Math.exp(2 * x);
  return e === Infinity ? 1 : (e - 1) / (e + 1);
}
