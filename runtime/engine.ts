// The scalar autograd engine: micrograd's `Value` and its operations.
//
// Design note (BENCHMARKS.md has the figures). A graph node is not a JavaScript object: its
// numbers live in typed arrays, and a `Value` is a thin handle that says where.
//
// - Chunks. Nodes are written in creation order into chunks: one Float64Array holds each node's
//   data and grad side by side, one Int32Array its op word and two child references. 28 bytes a
//   node, and nothing for the garbage collector to trace or copy: a training step's graph is a
//   few ArrayBuffers instead of tens of thousands of objects. A Value holds its chunk (private
//   fields, so a copy `{...v}` or `structuredClone(v)` never carries another node's numbers) and
//   its slot. A chunk holds the chunks its nodes refer to (`deps`), so whatever a user keeps keeps
//   its graph alive, and the garbage collector frees a chunk when nothing reaches it: there is no
//   reset to call and no slot is ever reused, so no handle can read another node's numbers.
// - No sort. A node's children exist before it, so the reverse creation order is a topological
//   order: backward() marks the root, walks its chunks from the newest slot down, applies each
//   marked node's local derivative and marks its children, and stops when nothing is marked.
//   No depth-first search, no order array. Gradients reach each node in the order they did with
//   the depth-first order (checked bit for bit on micrograd's demo).
// - Epochs. Each backward() ends an epoch; the next nodes go into fresh chunks. A training step
//   is then one epoch whose chunks refer only to themselves and to the parameters' chunk, so
//   keeping one step's loss keeps that step and nothing older. A node that outlives its epoch and
//   is used again (a learning rate kept as a Value, `ema = ema * 0.9 + ...`) is copied, with what
//   it was computed from in its epoch, into long-lived chunks, and its old slot forwards to the
//   copy; the old epoch can then be freed. Leaves made with `new Value` live in chunks of their
//   own, which refer to nothing.
// - Fused ops. `dot(ws, xs, b)` is one node for b + w0*x0 + w1*x1 + ..., with the same roundings
//   in the same order as the chain of + and * and the same gradients summed in the same order;
//   nn's Neuron uses it (`{ fused: false }` builds the lecture's chain). `sumOf` does the same for
//   a left-to-right sum. Their children are the handles given (kept in an array per chunk).
//
// What it costs in clarity: data and grad are accessors over the typed arrays; the operations
// resolve a handle to its chunk and slot through small helpers; identity. A Value an operation
// returns is a handle: `d.children` gives Values of the same nodes (same `id`, data, grad, label)
// but, for results of operations, not always the same JavaScript objects (a Value made with `new
// Value` and the elements given to `dot`/`sumOf` are the very objects).

import { pyRepr } from "./format.js";

/** What an operation accepts on either side: a plain number is wrapped in a leaf Value, as micrograd does. */
export type Operand = number | Value;

export interface ValueOptions {
  /** A name for the node, shown in pictures (`drawDot`) and error messages. */
  label?: string;
}

// ---------------------------------------------------------------------------------------------
// Op words. Bits 0-4 hold the op, bit 5 marks a node that backward() still has to visit, bit 6 the
// nodes of a depth-first search (topologicalOrder, copying to long-lived chunks). Both marks are
// cleared before the walk that set them returns.
const LEAF = 0;
const ADD = 1;
const SUB = 2;
const MUL = 3;
const DIV = 4;
const NEG = 5;
const POW = 6; // number exponent, kept in a constant leaf in the second child, which is not a child to the user
const POWV = 7; // Value exponent, gradients flow to both sides
const EXP = 8;
const LOG = 9;
const TANH = 10;
const RELU = 11;
const SIGMOID = 12;
const DOT = 13; // children in chunk.objs: [ws, xs, bias or null]
const SUM = 14; // children in chunk.objs: [values, start or null]
const MOVED = 15; // the node was copied to a long-lived chunk; the first child reference is the copy
const OP_MASK = 31;
const PENDING = 32;
const VISITED = 64;

/** The op names, as the Python original spells them where it has the op. */
const OP_NAMES = ["", "+", "-", "*", "/", "neg", "**", "**", "exp", "log", "tanh", "ReLU", "sigmoid", "dot", "sum", ""];

// A child reference is (index in the referring chunk's deps) << 16 | slot; -1 for none.
const SLOT_BITS = 16;
const SLOT_MASK = (1 << SLOT_BITS) - 1;
// 4,096 nodes (112 KB with the Float64Array and the Int32Array): below the size from which the C
// library maps fresh pages from the system for each allocation (128 KB), so the memory of the
// chunks the garbage collector frees is reused without page faults. Larger chunks made node
// creation several times slower.
const MAX_CHUNK = 4096;
const MAX_DEPS = 32000; // below 2^15, so that a reference stays a positive int32
const MIN_CHUNK = 256;
const LEAF_CHUNK = 4096;

const EPOCH = 0; // a chunk of operation results of one epoch
const LEAVES = 1; // a chunk of `new Value` leaves
const LONG = 2; // a chunk of nodes copied out of their epoch
const LONG_LIVED = Number.MAX_SAFE_INTEGER; // the epoch of LEAVES and LONG chunks: never old

let chunkCount = 0;
const EMPTY_F = new Float64Array(0);
const EMPTY_K = new Int32Array(0);

class Chunk {
  /** data and grad of slot s at 2s and 2s + 1 */
  f: Float64Array;
  /** op word, first child, second child of slot s at 3s, 3s + 1, 3s + 2 */
  k: Int32Array;
  n = 0;
  cap: number;
  /** The chunks this one's nodes refer to; deps[0] is the chunk itself. */
  deps: Chunk[];
  readonly kind: number;
  readonly epoch: number;
  /** backward() visits chunks in decreasing key: epochs' chunks newest first, then long-lived ones. */
  readonly key: number;
  /** A node's id is base + slot (LONG chunks keep the ids of the nodes they copied). */
  readonly base: number;
  ids: Float64Array | null = null;
  /** Children of dot and sum nodes: arrays of Values. */
  objs: unknown[] | null = null;
  /** `new Value` leaves in LEAVES chunks: the Value of each slot, the one the user holds. */
  births: Value[] | null = null;
  /** The Values operations returned, while the epoch is small (see IDENTITY_LIMIT). */
  reg: Value[] | null = null;
  /** Values handed out by children/topologicalOrder for other nodes, so they stay the same objects. */
  views: Map<number, Value> | null = null;
  labels: Map<number, string> | null = null;
  /** Some slot forwards to a copy in a long-lived chunk. */
  moved = false;
  // state of the walk in backward()
  pend = 0;
  hi = -1;
  queued = false;
  // the key of the last chunk that took this one into its deps (a number: it must not keep that
  // chunk alive), and where
  depOf = 0;
  depIx = 0;

  constructor(kind: number, epoch: number, cap: number) {
    this.kind = kind;
    this.epoch = epoch;
    this.cap = cap;
    const seq = ++chunkCount;
    this.key = kind === EPOCH ? seq + 2 ** 45 : seq;
    this.base = seq * (SLOT_MASK + 1);
    this.f = EMPTY_F;
    this.k = EMPTY_K;
    allocChunk(this, cap);
    this.deps = [this];
    if (kind === LEAVES) this.births = [];
    if (kind === LONG) this.ids = allocIds(cap);
  }
}

let epochNow = 1;
/** Nodes in the full chunks of the current epoch (the current chunk's n is added at the end). */
let epochFull = 0;
let lastEpochNodes = 0;
let cur: Chunk = newClosedChunk(EPOCH);
let leafChunk: Chunk = newClosedChunk(LEAVES);
let longChunk: Chunk = newClosedChunk(LONG);

/** A chunk that is always full (capacity 0): the next node opens a real one. */
function newClosedChunk(kind: number): Chunk {
  return new Chunk(kind, kind === EPOCH ? 0 : LONG_LIVED, 0);
}

// ---------------------------------------------------------------------------------------------
// Memory: every allocation of node storage goes through these, so that running out of memory is
// a RangeError that says how large the graph is, never an abort.

/** One ArrayBuffer for a chunk's numbers (16 bytes a node) and op words (12 bytes a node). */
function allocChunk(c: Chunk, cap: number): void {
  let buffer: ArrayBuffer;
  try {
    buffer = new ArrayBuffer(28 * cap);
  } catch (e) {
    throw outOfMemory(e);
  }
  c.f = new Float64Array(buffer, 0, 2 * cap);
  c.k = new Int32Array(buffer, 16 * cap, 3 * cap);
}
function allocIds(cap: number): Float64Array {
  try {
    return new Float64Array(cap);
  } catch (e) {
    throw outOfMemory(e);
  }
}

function outOfMemory(cause: unknown): RangeError {
  const nodes = epochFull + cur.n;
  return new RangeError(
    `micrograd-ts: out of memory for more nodes: the graph being built has ${nodes.toLocaleString("en-US")} nodes ` +
      `since the last backward() (28 bytes each, plus what is kept from earlier). Build a smaller graph ` +
      `(fewer points per step, or nn's fused neurons), or give the process more memory.`,
    { cause },
  );
}

function resize(c: Chunk, cap: number): void {
  const f = c.f;
  const k = c.k;
  allocChunk(c, cap);
  c.f.set(f.subarray(0, 2 * c.n));
  c.k.set(k.subarray(0, 3 * c.n));
  if (c.ids !== null) {
    const ids = allocIds(cap);
    ids.set(c.ids.subarray(0, c.n));
    c.ids = ids;
  }
  c.cap = cap;
}

/** Makes room for one more node in the current chunk: grows it, or opens the next one. */
function growCur(): Chunk {
  const c = cur;
  if (c.epoch === epochNow && c.deps.length < MAX_DEPS) {
    if (c.cap < MAX_CHUNK) {
      resize(c, Math.min(2 * c.cap, MAX_CHUNK));
      return c;
    }
    epochFull += c.n;
    return (cur = new Chunk(EPOCH, epochNow, MAX_CHUNK));
  }
  if (c.epoch === epochNow) {
    epochFull += c.n; // too many deps: same epoch, next chunk
    return (cur = new Chunk(EPOCH, epochNow, MAX_CHUNK));
  }
  // The first node of an epoch: as large as the last epoch was (a training loop's steps are alike).
  return (cur = new Chunk(EPOCH, epochNow, Math.min(MAX_CHUNK, Math.max(MIN_CHUNK, lastEpochNodes))));
}

/** backward() ends the epoch: the next node opens a new chunk. */
function closeEpoch(): void {
  const c = cur;
  if (c.epoch !== epochNow) return; // nothing built since the last backward()
  lastEpochNodes = epochFull + c.n;
  epochFull = 0;
  epochNow++;
  if (c.n < c.cap >> 1) resize(c, Math.max(c.n, 1)); // do not keep a mostly empty chunk alive
  cur = newClosedChunk(EPOCH);
  registering = lastEpochNodes <= IDENTITY_LIMIT;
  registered = [];
  oc = null; // the registers must not keep a chunk alive
  kc = cur;
}

/**
 * In a small graph (up to this many nodes built since the last backward(), the graph before it
 * small too), inspection (children, topologicalOrder, findNonFinite, drawDot) gives back the
 * very Value objects the operations returned. In larger graphs, remembering every Value would
 * keep every handle alive (the cost the typed storage removes: about 100 ns a node), so it gives
 * Values of the same nodes (same id, data, grad, label) that are new objects; a training loop's
 * steps are large, and pay nothing for it. Values made with `new Value`, and the ones given to
 * dot and sumOf, are always given back.
 */
export const IDENTITY_LIMIT = 4096;
let registering = true;
let registered: Chunk[] = [];

function register(c: Chunk, s: number, v: Value): void {
  if (epochFull + cur.n > IDENTITY_LIMIT) {
    for (const r of registered) r.reg = null;
    registered = [];
    registering = false;
    return;
  }
  if (c.reg === null) {
    c.reg = [];
    registered.push(c);
  }
  c.reg[s] = v;
}

/** The index of `x` in `c.deps`, adding it if needed. */
function depIndex(c: Chunk, x: Chunk): number {
  if (x === c) return 0;
  if (x.depOf === c.key) return x.depIx;
  const ix = c.deps.length;
  c.deps.push(x);
  x.depOf = c.key;
  x.depIx = ix;
  if (ix >= MAX_DEPS - 1 && c.cap > c.n) c.cap = c.n; // full: the next node goes into a new chunk
  return ix;
}

function refTo(c: Chunk, x: Chunk, slot: number): number {
  return (depIndex(c, x) << SLOT_BITS) | slot;
}

// ---------------------------------------------------------------------------------------------
// The Value handle

const TRANSFORM_HELP =
  "If this is + - * / ** or unary - between Values, the micrograd-ts operator transform is not applied: add " +
  '{ "transform": "micrograd-ts/transformer", "transformProgram": true } to compilerOptions.plugins ' +
  'and build with tspc, or use the Babel plugin "micrograd-ts/babel", the Vite plugin ' +
  '"micrograd-ts/vite" or `node --import micrograd-ts/register` (or call the methods: ' +
  "a.mul(b).add(c)). Other operators (< > % ++ -- bitwise, unary +, Math functions) are not " +
  "defined on a Value: use its number, a.data.";

/** In every Value, as an own property: structuredClone(v) then fails with this text. */
const NOT_CLONEABLE = Symbol(
  "a micrograd-ts Value cannot be cloned: it is a node of a computation graph; structuredClone(v.toJSON()) gives { data, grad, label, op }",
);

/**
 * Recognises Values of every copy of micrograd-ts loaded in the process (the ES module and the
 * CommonJS build, two versions): a registered symbol is the same in all of them.
 */
const CROSS_COPY_BRAND = Symbol.for("micrograd-ts.Value");

const FOREIGN_HELP =
  "is a Value from another copy of micrograd-ts loaded in this process (for example the ES module build " +
  "through import and the CommonJS build through require, or two installed versions). Values of two copies " +
  "cannot be combined in one graph: load micrograd-ts one way only (import everywhere, or require everywhere) " +
  "and install one version (npm ls micrograd-ts shows them).";

// Set by handle(): the next `new Value` is a handle of this slot, not a new leaf.
let mkC: Chunk | null = null;
let mkI = 0;

// Accessors of the private fields, for the functions of this module (set in the class's static block).
let cOf: (v: Value) => Chunk;
let iOf: (v: Value) => number;
let setRef: (v: Value, c: Chunk, i: number) => void;

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
    (this as { id: number }).id = c.ids === null ? c.base + i : c.ids[i];
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
    return c.f[2 * this.#i];
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
    return c.f[2 * this.#i + 1];
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
    closeEpoch();
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
    applyLocal(c, i, c.k[3 * i] & OP_MASK, false);
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
  let L = leafChunk;
  if (L.n === L.cap) L = leafChunk = new Chunk(LEAVES, LONG_LIVED, LEAF_CHUNK);
  L.f[2 * L.n++] = data;
  L.births!.push(v);
  return L;
}

/** A handle of slot `i` of chunk `c`. */
function handle(c: Chunk, i: number): Value {
  mkC = c;
  mkI = i;
  return new Value(0);
}

/** The Value the user holds for a `new Value` leaf, the one an operation returned (small graphs), or the one handed out before for this node. */
function canonical(c: Chunk, i: number): Value {
  if (c.births !== null) return c.births[i];
  const r = c.reg?.[i];
  if (r !== undefined) return r;
  const views = (c.views ??= new Map());
  let v = views.get(i);
  if (v === undefined) {
    v = handle(c, i);
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
  throw new TypeError(`new Value(data): data must be a number, got ${describe(data)}`);
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

function describe(x: unknown): string {
  if (x === null) return "null";
  if (x === undefined) return "undefined";
  if (typeof x === "string") return `the string ${JSON.stringify(x)}`;
  if (typeof x === "bigint") return `the bigint ${x}n (convert it with Number())`;
  if (Array.isArray(x)) return `an array of length ${x.length}`;
  if (typeof x === "object") return `an object (${Object.prototype.toString.call(x)})`;
  if (typeof x === "function") return "a function";
  return `${typeof x} ${String(x)}`;
}

function badOperand(x: unknown, op: string, side: string): never {
  if (isForeignValue(x)) throw new TypeError(`${op}: the ${side} operand ${FOREIGN_HELP}`);
  throw new TypeError(`${op}: the ${side} operand must be a number or a Value, got ${describe(x)}`);
}

// ---------------------------------------------------------------------------------------------
// Operands

// Where use() found an operand: its chunk and slot (null for a number, placed by emit()), and its number.
let oc: Chunk | null = null;
let oi = 0;
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
    ov = c.f[2 * i];
    return;
  }
  if (typeof x !== "number") badOperand(x, op, side);
  oc = null;
  ov = x;
}

/** A constant leaf in the current chunk, into `oc`, `oi` (for dot's and sumOf's number elements). */
function constant(x: number): void {
  oi = take(x);
  oc = cur;
}

/** A node of an earlier epoch (or a slot that forwards) about to be used again: see the header. */
function revive(v: Value): Chunk {
  const c = cOf(v);
  if (c.moved && (c.k[3 * iOf(v)] & OP_MASK) === MOVED) return follow(v);
  if (c.epoch < epochNow) return tenure(v);
  return c;
}

/** Points `v` at the copy its slot forwards to, if it does; returns v's chunk. */
function follow(v: Value): Chunk {
  const c = cOf(v);
  const i = iOf(v);
  const k = c.k;
  if ((k[3 * i] & OP_MASK) !== MOVED) return c;
  const r = k[3 * i + 1];
  const t = c.deps[r >>> SLOT_BITS];
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

/** Takes one slot of the small long-lived chunk (growing it, or opening the next); returns the chunk. */
function longSlot(): Chunk {
  let t = longChunk;
  if (t.n === t.cap) {
    if (t.cap > 0 && t.cap < MAX_CHUNK && t.deps.length < MAX_DEPS) resize(t, Math.min(2 * t.cap, MAX_CHUNK));
    else t = longChunk = new Chunk(LONG, LONG_LIVED, 64);
  }
  const s = t.n++;
  t.ids![s] = t.base + s;
  return t;
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

/** The next slot of the current chunk, holding `data` (the chunk is `cur` afterwards). */
function take(data: number): number {
  const c = cur.n < cur.cap ? cur : growCur();
  const s = c.n++;
  c.f[2 * s] = data; // op word LEAF (0) and grad 0 until written: fresh storage is zero
  return s;
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
  const s = take(data2(op, ca.f[2 * ia], cb.f[2 * ib]));
  const c = cur;
  return link(c, s, op, ca === c ? ia : refTo(c, ca, ia), cb === c ? ib : refTo(c, cb, ib));
}

/** A node of a Value (chunk cv) and a number, which becomes a constant leaf next to it. */
function putN(op: number, cv: Chunk, iv: number, x: number, numberFirst: boolean): Value {
  const v = cv.f[2 * iv];
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

function born(c: Chunk, s: number): Value {
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
  const ca = oc, ia = oi, xa = ov;
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
  const ca = oc, ia = oi, xa = ov;
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
    if (fresh(ca)) return put1(NEG, ca, ia, -ca.f[2 * ia]);
  }
  unary(a, "neg");
  return emit(NEG, -ov, oc, oi, ov, undefined, 0, 0);
}

/** e ** a */
export function exp(a: Operand): Value {
  if (a instanceof Value) {
    const ca = cOf(a);
    const ia = iOf(a);
    if (fresh(ca)) return put1(EXP, ca, ia, Math.exp(ca.f[2 * ia]));
  }
  unary(a, "exp");
  return emit(EXP, Math.exp(ov), oc, oi, ov, undefined, 0, 0);
}

/** natural logarithm */
export function log(a: Operand): Value {
  if (a instanceof Value) {
    const ca = cOf(a);
    const ia = iOf(a);
    if (fresh(ca)) return put1(LOG, ca, ia, Math.log(ca.f[2 * ia]));
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
    if (fresh(ca)) return put1(TANH, ca, ia, tanhOf(ca.f[2 * ia]));
  }
  unary(a, "tanh");
  return emit(TANH, tanhOf(ov), oc, oi, ov, undefined, 0, 0);
}

function tanhOf(x: number): number {
  const e = Math.exp(2 * x);
  return e === Infinity ? 1 : (e - 1) / (e + 1);
}

/** max(0, a), as micrograd: 0 for a < 0, and a gradient only where the output is positive */
export function relu(a: Operand): Value {
  if (a instanceof Value) {
    const ca = cOf(a);
    const ia = iOf(a);
    if (fresh(ca)) {
      const x = ca.f[2 * ia];
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
    if (fresh(ca)) return put1(SIGMOID, ca, ia, 1 / (1 + Math.exp(-ca.f[2 * ia])));
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
  const g = f[2 * s + 1];
  const ra = k[3 * s + 1];
  const rb = k[3 * s + 2];
  switch (op) {
    case LEAF:
      return;
    case ADD: {
      const a = dep(c, ra), b = dep(c, rb), ia = ra & SLOT_MASK, ib = rb & SLOT_MASK;
      a.f[2 * ia + 1] += g;
      b.f[2 * ib + 1] += g;
      if (mark) mark2(a, ia, b, ib);
      return;
    }
    case SUB: {
      const a = dep(c, ra), b = dep(c, rb), ia = ra & SLOT_MASK, ib = rb & SLOT_MASK;
      a.f[2 * ia + 1] += g;
      b.f[2 * ib + 1] += -g;
      if (mark) mark2(a, ia, b, ib);
      return;
    }
    case MUL: {
      const a = dep(c, ra), b = dep(c, rb), ia = ra & SLOT_MASK, ib = rb & SLOT_MASK;
      a.f[2 * ia + 1] += b.f[2 * ib] * g;
      b.f[2 * ib + 1] += a.f[2 * ia] * g;
      if (mark) mark2(a, ia, b, ib);
      return;
    }
    case DIV: {
      const a = dep(c, ra), b = dep(c, rb), ia = ra & SLOT_MASK, ib = rb & SLOT_MASK;
      const bd = b.f[2 * ib];
      a.f[2 * ia + 1] += g / bd;
      b.f[2 * ib + 1] += (-a.f[2 * ia] / (bd * bd)) * g;
      if (mark) mark2(a, ia, b, ib);
      return;
    }
    case NEG: {
      const a = dep(c, ra), ia = ra & SLOT_MASK;
      a.f[2 * ia + 1] += -g;
      if (mark) touch(a, ia);
      return;
    }
    case POW: {
      const a = dep(c, ra), ia = ra & SLOT_MASK;
      const e = dep(c, rb).f[2 * (rb & SLOT_MASK)];
      a.f[2 * ia + 1] += e === 0 ? 0 : e * a.f[2 * ia] ** (e - 1) * g;
      if (mark) touch(a, ia);
      return;
    }
    case POWV: {
      const a = dep(c, ra), b = dep(c, rb), ia = ra & SLOT_MASK, ib = rb & SLOT_MASK;
      const ad = a.f[2 * ia];
      const bd = b.f[2 * ib];
      a.f[2 * ia + 1] += bd === 0 ? 0 : bd * ad ** (bd - 1) * g;
      b.f[2 * ib + 1] += ad === 0 && bd >= 0 ? 0 : f[2 * s] * Math.log(ad) * g;
      if (mark) mark2(a, ia, b, ib);
      return;
    }
    case EXP: {
      const a = dep(c, ra), ia = ra & SLOT_MASK;
      a.f[2 * ia + 1] += f[2 * s] * g;
      if (mark) touch(a, ia);
      return;
    }
    case LOG: {
      const a = dep(c, ra), ia = ra & SLOT_MASK;
      a.f[2 * ia + 1] += (1 / a.f[2 * ia]) * g;
      if (mark) touch(a, ia);
      return;
    }
    case TANH: {
      const a = dep(c, ra), ia = ra & SLOT_MASK;
      const t = f[2 * s];
      a.f[2 * ia + 1] += (1 - t * t) * g;
      if (mark) touch(a, ia);
      return;
    }
    case RELU: {
      if (f[2 * s] > 0) {
        const a = dep(c, ra), ia = ra & SLOT_MASK;
        a.f[2 * ia + 1] += g;
        if (mark) touch(a, ia);
      }
      return;
    }
    case SIGMOID: {
      const a = dep(c, ra), ia = ra & SLOT_MASK;
      const y = f[2 * s];
      a.f[2 * ia + 1] += y * (1 - y) * g;
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
      const t = dep(c, ra), it = ra & SLOT_MASK;
      t.f[2 * it + 1] += g;
      f[2 * s + 1] = 0;
      if (mark) touch(t, it);
      return;
    }
  }
}

function dep(c: Chunk, r: number): Chunk {
  return r <= SLOT_MASK ? c : c.deps[r >>> SLOT_BITS];
}

// ---------------------------------------------------------------------------------------------
// Fused operations

/** A list of nodes: the children of a dot or sum node, and what nn passes from layer to layer. */
export interface Nodes {
  readonly length: number;
}

/**
 * The slots of a list of nodes, all in one chunk (`one`: a neuron's weights, a layer's outputs)
 * or each in its own (`cs`). Never changed once made (a copy to long-lived chunks makes new
 * ones), so one list serves all the neurons of a layer, and no Value is needed for its nodes.
 */
class NodeList implements Nodes {
  constructor(
    readonly one: Chunk | null,
    readonly cs: Chunk[] | null,
    readonly is: Int32Array,
  ) {}
  get length(): number {
    return this.is.length;
  }
}

function chunkAt(v: NodeList, j: number): Chunk {
  return v.one !== null ? v.one : v.cs![j];
}

/** Slots collected one by one into a NodeList. */
class NodeListBuilder {
  private one: Chunk | null = null;
  private cs: Chunk[] | null = null;
  private readonly is: Int32Array;
  private n = 0;
  constructor(length: number) {
    this.is = new Int32Array(length);
  }
  add(c: Chunk, i: number): void {
    const j = this.n++;
    this.is[j] = i;
    if (this.cs !== null) this.cs.push(c);
    else if (j === 0) this.one = c;
    else if (c !== this.one) {
      this.cs = new Array<Chunk>(j).fill(this.one!);
      this.cs.push(c);
      this.one = null;
    }
  }
  done(): NodeList {
    return new NodeList(this.one, this.cs, this.is);
  }
}

/**
 * The elements as a list of nodes: Values (a node of an earlier epoch is copied first, see the
 * header), numbers as new constant leaves. `where` names the caller in errors (a string, or a
 * module whose name is built only then).
 * @internal
 */
export function toNodes(xs: readonly Operand[], where: string | { toString(): string }, what: string): Nodes {
  const out = new NodeListBuilder(xs.length);
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i];
    if (x instanceof Value) {
      let c = cOf(x);
      if (c.epoch < epochNow || c.moved) c = revive(x);
      out.add(c, iOf(x));
    } else if (typeof x === "number") {
      constant(x);
      out.add(oc!, oi);
    } else if (isForeignValue(x)) {
      throw new TypeError(`${where}: ${what}[${i}] ${FOREIGN_HELP}`);
    } else {
      throw new TypeError(`${where}: ${what}[${i}] must be a number or a Value, got ${describe(x)}`);
    }
  }
  return out.done();
}

/**
 * The dot product of a neuron, b + w0*x0 + w1*x1 + … added left to right (Python's
 * `sum((wi*xi for wi, xi in zip(w, x)), b)`), as one node: the same numbers as the chain of `*`
 * and `+` nodes, bit for bit, and the same gradients, summed in the same order. `b` defaults to 0
 * (a number is a constant, not a child). Its children are ws, then xs, then b if it is a Value.
 */
export function dot(ws: readonly Operand[], xs: readonly Operand[], b: Operand = 0): Value {
  if (!Array.isArray(ws) || !Array.isArray(xs)) {
    throw new TypeError(`dot(ws, xs, b): ws and xs must be arrays of numbers or Values, got ${describe(Array.isArray(ws) ? xs : ws)}`);
  }
  if (ws.length !== xs.length) throw new RangeError(`dot(ws, xs, b): ws has ${ws.length} elements and xs ${xs.length}; they must be as long`);
  if (!(b instanceof Value) && typeof b !== "number") badOperand(b, "dot", "bias");
  const wv = toNodes(ws, "dot", "ws") as NodeList;
  const xv = toNodes(xs, "dot", "xs") as NodeList;
  const bv = typeof b === "number" ? null : (toNodes([b], "dot", "b") as NodeList);
  putDot(wv, xv, bv, typeof b === "number" ? b : 0);
  return born(cur, cur.n - 1);
}

// The activations nn applies after a dot node.
/** @internal */
export const ACT_NONE = 0;
/** @internal */
export const ACT_RELU = RELU;
/** @internal */
export const ACT_TANH = TANH;

/**
 * nn's layer: for each neuron, its dot node over `xs` and its activation. The outputs as a list
 * of nodes (`values` false: a hidden layer, which needs no Value) or as Values.
 * @internal
 */
export function layer(ws: readonly Nodes[], bs: readonly Nodes[], xs: Nodes, act: number, values: false): Nodes;
/** @internal */
export function layer(ws: readonly Nodes[], bs: readonly Nodes[], xs: Nodes, act: number, values: true): Value[];
export function layer(ws: readonly Nodes[], bs: readonly Nodes[], xs: Nodes, act: number, values: boolean): Nodes | Value[] {
  const n = ws.length;
  const nodes = values ? null : new NodeListBuilder(n);
  const out = values ? new Array<Value>(n) : null;
  for (let j = 0; j < n; j++) {
    putDot(ws[j] as NodeList, xs as NodeList, bs[j] as NodeList, 0);
    let c = cur;
    let s = c.n - 1;
    if (act !== ACT_NONE) {
      const x = c.f[2 * s];
      const y = act === RELU ? (x < 0 ? 0 : x) : tanhOf(x);
      const ts = take(y);
      const t = cur;
      t.k[3 * ts] = act;
      t.k[3 * ts + 1] = t === c ? s : refTo(t, c, s);
      t.k[3 * ts + 2] = -1;
      c = t;
      s = ts;
    }
    if (nodes !== null) nodes.add(c, s);
    else out![j] = born(c, s);
  }
  return nodes !== null ? nodes.done() : out!;
}

/** Writes a dot node into the current chunk (at cur.n - 1 afterwards). */
function putDot(wv: NodeList, xv: NodeList, bv: NodeList | null, b: number): void {
  let acc = bv === null ? b : chunkAt(bv, 0).f[2 * bv.is[0]];
  const n = wv.is.length;
  const wi = wv.is;
  const xi = xv.is;
  if (wv.one !== null && xv.one !== null) {
    const wf = wv.one.f;
    const xf = xv.one.f;
    for (let i = 0; i < n; i++) acc = acc + wf[2 * wi[i]] * xf[2 * xi[i]];
  } else {
    for (let i = 0; i < n; i++) acc = acc + chunkAt(wv, i).f[2 * wi[i]] * chunkAt(xv, i).f[2 * xi[i]];
  }
  putFused(DOT, acc, wv, xv, bv);
}

function putFused(op: number, data: number, first: NodeList, second: NodeList | null, third: NodeList | null): void {
  const s = take(data);
  const c = cur;
  const objs = (c.objs ??= []);
  c.k[3 * s] = op;
  c.k[3 * s + 1] = objs.length;
  c.k[3 * s + 2] = first.is.length;
  objs.push(first, second, third);
}

// The chain's reverse walk visits its last product first and b between the second product and the
// first (b + w0*x0 is the chain's first node): the same order here.
function dotBackward(objs: unknown[], at: number, g: number, mark: boolean): void {
  const wv = objs[at] as NodeList;
  const xv = objs[at + 1] as NodeList;
  const bv = objs[at + 2] as NodeList | null;
  const n = wv.is.length;
  const wi = wv.is;
  const xi = xv.is;
  if (wv.one !== null && xv.one !== null) {
    const wc = wv.one;
    const xc = xv.one;
    const wf = wc.f;
    const xf = xc.f;
    const markW = mark && wc.kind !== LEAVES;
    const markX = mark && xc.kind !== LEAVES;
    for (let i = n - 1; i >= 0; i--) {
      if (i === 0 && bv !== null) addAt(bv, 0, g, mark);
      const a = 2 * wi[i];
      const b = 2 * xi[i];
      wf[a + 1] += xf[b] * g;
      xf[b + 1] += wf[a] * g;
      if (markW) touch(wc, wi[i]);
      if (markX) touch(xc, xi[i]);
    }
  } else {
    for (let i = n - 1; i >= 0; i--) {
      if (i === 0 && bv !== null) addAt(bv, 0, g, mark);
      const wc = chunkAt(wv, i);
      const xc = chunkAt(xv, i);
      wc.f[2 * wi[i] + 1] += xc.f[2 * xi[i]] * g;
      xc.f[2 * xi[i] + 1] += wc.f[2 * wi[i]] * g;
      if (mark) mark2(wc, wi[i], xc, xi[i]);
    }
  }
  if (n === 0 && bv !== null) addAt(bv, 0, g, mark);
}

function addAt(v: NodeList, j: number, g: number, mark: boolean): void {
  const c = chunkAt(v, j);
  const i = v.is[j];
  c.f[2 * i + 1] += g;
  if (mark) touch(c, i);
}

/**
 * start + v0 + v1 + …, added left to right, as one node (Python's `sum(values, start)` builds a
 * chain of `+` nodes with the same numbers and gradients). A number `start` (0 by default) is a
 * constant, not a child; a Value start is the first child.
 */
export function sumOf(values: readonly Operand[], start: Operand = 0): Value {
  if (!Array.isArray(values)) throw new TypeError(`sumOf(values, start): values must be an array of numbers or Values, got ${describe(values)}`);
  if (!(start instanceof Value) && typeof start !== "number") badOperand(start, "sumOf", "start");
  const vs = toNodes(values, "sumOf", "values") as NodeList;
  const sv = typeof start === "number" ? null : (toNodes([start], "sumOf", "start") as NodeList);
  let acc = sv === null ? (start as number) : chunkAt(sv, 0).f[2 * sv.is[0]];
  for (let i = 0; i < vs.is.length; i++) acc = acc + chunkAt(vs, i).f[2 * vs.is[i]];
  putFused(SUM, acc, vs, sv, null);
  return born(cur, cur.n - 1);
}

function sumBackward(objs: unknown[], at: number, g: number, mark: boolean): void {
  const vs = objs[at] as NodeList;
  const start = objs[at + 1] as NodeList | null;
  for (let i = vs.is.length - 1; i >= 0; i--) {
    if (i === 0 && start !== null) addAt(start, 0, g, mark);
    addAt(vs, i, g, mark);
  }
  if (vs.is.length === 0 && start !== null) addAt(start, 0, g, mark);
}

// ---------------------------------------------------------------------------------------------
// backward(): the walk in reverse creation order (see the header)

const queue: Chunk[] = [];

function walk(c0: Chunk, i0: number): void {
  touch(c0, i0);
  while (queue.length > 0) {
    const c = nextChunk();
    const k = c.k;
    for (let s = c.hi; s >= 0 && c.pend > 0; s--) {
      const w = k[3 * s];
      if ((w & PENDING) === 0) continue;
      k[3 * s] = w & ~PENDING;
      c.pend--;
      applyLocal(c, s, w & OP_MASK, true);
    }
    c.hi = -1;
    c.queued = false;
  }
}

/**
 * The chunks with marked nodes, a binary heap on key: nextChunk() gives the highest, and no node
 * of a chunk still queued can be a parent of its nodes. (A step's graph spans many chunks.)
 */
function enqueue(c: Chunk): void {
  c.queued = true;
  let i = queue.length;
  queue.push(c);
  while (i > 0) {
    const p = (i - 1) >> 1;
    if (queue[p].key >= c.key) break;
    queue[i] = queue[p];
    i = p;
  }
  queue[i] = c;
}

function nextChunk(): Chunk {
  const top = queue[0];
  const last = queue.pop()!;
  const n = queue.length;
  if (n > 0) {
    let i = 0;
    for (;;) {
      let j = 2 * i + 1;
      if (j >= n) break;
      if (j + 1 < n && queue[j + 1].key > queue[j].key) j++;
      if (queue[j].key <= last.key) break;
      queue[i] = queue[j];
      i = j;
    }
    queue[i] = last;
  }
  return top;
}

/** Marks a node for the walk, unless it is a leaf (leaves have nothing to pass on) or marked already. */
function touch(d: Chunk, i: number): void {
  if (d.kind === LEAVES) return;
  const k = d.k;
  const w = k[3 * i];
  if ((w & OP_MASK) === LEAF || (w & PENDING) !== 0) return;
  k[3 * i] = w | PENDING;
  if (i > d.hi) d.hi = i;
  d.pend++;
  if (!d.queued) enqueue(d);
}

function mark2(a: Chunk, ia: number, b: Chunk, ib: number): void {
  touch(a, ia);
  touch(b, ib);
}

// ---------------------------------------------------------------------------------------------
// Looking at a graph: op names, children, topological order

function opName(c: Chunk, i: number): string {
  const k = c.k;
  const op = k[3 * i] & OP_MASK;
  if (op === POW) {
    const r = k[3 * i + 2];
    return "**" + pyNumber(dep(c, r).f[2 * (r & SLOT_MASK)]);
  }
  return OP_NAMES[op];
}

/** Python's repr of a number used as an exponent in an op name: integers without ".0". */
function pyNumber(x: number): string {
  return Number.isInteger(x) ? String(x) : pyRepr(x);
}

// Where childAt() found a child: its chunk and slot.
let kc: Chunk = cur;
let ki = 0;

/**
 * The j-th child of node (c, i), in order, into kc, ki, following forwarding; false past the
 * last one. With `all`, pow's constant exponent counts as a child too.
 */
function childAt(c: Chunk, i: number, j: number, all: boolean): boolean {
  const k = c.k;
  const op = k[3 * i] & OP_MASK;
  if (op === LEAF || op === MOVED) return false;
  if (op === DOT || op === SUM) {
    // dot: ws, xs, then b; sum: start, then the values
    const objs = c.objs!;
    const at = k[3 * i + 1];
    const first = objs[at] as NodeList;
    const second = objs[at + 1] as NodeList | null;
    const third = objs[at + 2] as NodeList | null;
    const lists = op === DOT ? [first, second, third] : [second, first];
    for (const list of lists) {
      if (list === null) continue;
      if (j < list.is.length) return element(list, j);
      j -= list.is.length;
    }
    return false;
  }
  if (j > 1 || (j === 1 && op === POW && !all)) return false;
  const r = k[3 * i + 1 + j];
  if (r === -1) return false;
  let d = dep(c, r);
  let s = r & SLOT_MASK;
  if ((d.k[3 * s] & OP_MASK) === MOVED) {
    const t = d.k[3 * s + 1];
    d = d.deps[t >>> SLOT_BITS];
    s = t & SLOT_MASK;
  }
  kc = d;
  ki = s;
  return true;
}

function element(list: NodeList, j: number): true {
  let d = chunkAt(list, j);
  let s = list.is[j];
  if ((d.k[3 * s] & OP_MASK) === MOVED) {
    const t = d.k[3 * s + 1];
    d = d.deps[t >>> SLOT_BITS];
    s = t & SLOT_MASK;
  }
  kc = d;
  ki = s;
  return true;
}

function childrenOf(c: Chunk, i: number): Value[] {
  const out: Value[] = [];
  for (let j = 0; childAt(c, i, j, false); j++) out.push(canonical(kc, ki));
  return out;
}

/** Int32Array stacks and lists that grow, so that a search holds no JavaScript array per node. */
class IntList {
  a: Int32Array = new Int32Array(1024);
  n = 0;
  push(x: number): void {
    if (this.n === this.a.length) {
      let b: Int32Array;
      try {
        b = new Int32Array(2 * this.a.length);
      } catch (e) {
        throw new RangeError(`micrograd-ts: out of memory while searching a graph of more than ${this.n.toLocaleString("en-US")} nodes`, { cause: e });
      }
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = x;
  }
}

/** The chunks a search meets, numbered, so that its lists hold numbers. */
class ChunkTable {
  list: Chunk[] = [];
  private ix = new Map<Chunk, number>();
  of(c: Chunk): number {
    let i = this.ix.get(c);
    if (i === undefined) {
      i = this.list.length;
      this.list.push(c);
      this.ix.set(c, i);
    }
    return i;
  }
}

/**
 * Post-order depth-first search from (rc, ri), children in order (with `all`, pow's exponent
 * too), without recursion, so a chain of a million ops does not overflow the stack. A child is
 * entered when `enter(c, i)` says so (enter marks it; the root is marked by the caller);
 * `emit(c, i)` follows its children. Stops, returning false, once more than `limit` nodes have
 * been entered.
 */
function search(rc: Chunk, ri: number, all: boolean, enter: (c: Chunk, i: number) => boolean, emit: (c: Chunk, i: number) => void, limit: number): boolean {
  const chunks = new ChunkTable();
  const sc = new IntList();
  const si = new IntList();
  const sn = new IntList();
  sc.push(chunks.of(rc));
  si.push(ri);
  sn.push(0);
  let entered = 1;
  while (sc.n > 0) {
    const top = sc.n - 1;
    const c = chunks.list[sc.a[top]];
    const i = si.a[top];
    if (childAt(c, i, sn.a[top]++, all)) {
      if (!enter(kc, ki)) continue;
      if (++entered > limit) return false;
      sc.push(chunks.of(kc));
      si.push(ki);
      sn.push(0);
      continue;
    }
    sc.n--;
    si.n--;
    sn.n--;
    emit(c, i);
  }
  return true;
}

/** The largest graph topologicalOrder returns by default (a JavaScript array holds at most about 2^27 elements). */
const MAX_ORDER = 2 ** 26;

/**
 * Every node of the graph below `root` (itself included), children before parents: the
 * order `backward()` walks in reverse, found by depth-first search over the children in order.
 * Deterministic: the same graph gives the same order. A graph of more than `maxNodes` nodes
 * (default 2^26) is a RangeError that gives its size.
 */
export function topologicalOrder(root: Value, options: { maxNodes?: number } = {}): Value[] {
  if (!(root instanceof Value)) badOperand(root, "topologicalOrder", "root");
  const max = options.maxNodes ?? MAX_ORDER;
  const rc = cOf(root).moved ? follow(root) : cOf(root);
  const found = new ChunkTable();
  const fc = new IntList();
  const fi = new IntList();
  let complete: boolean;
  rc.k[3 * iOf(root)] |= VISITED;
  try {
    complete = search(rc, iOf(root), false, visitOnce, (c, i) => {
      fc.push(found.of(c));
      fi.push(i);
    }, max);
  } finally {
    // the emitted nodes, and the ones on the stack when the search stopped: countNodes clears
    // those by walking the whole graph
    for (let j = 0; j < fc.n; j++) found.list[fc.a[j]].k[3 * fi.a[j]] &= ~VISITED;
  }
  if (!complete) {
    const total = countNodes(root);
    throw new RangeError(
      `topologicalOrder: the graph has ${total.toLocaleString("en-US")} nodes, more than ${max.toLocaleString("en-US")}: ` +
        `too many for one array. backward() needs no order and works at any size; pass { maxNodes } to allow more.`,
    );
  }
  const order = new Array<Value>(fc.n);
  for (let j = 0; j < fc.n; j++) order[j] = canonical(found.list[fc.a[j]], fi.a[j]);
  return order;
}

function visitOnce(c: Chunk, i: number): boolean {
  const k = c.k;
  if ((k[3 * i] & VISITED) !== 0) return false;
  k[3 * i] |= VISITED;
  return true;
}

/**
 * The number of nodes in the graph below `root`, itself included (the length of its
 * topologicalOrder), counted at any size: it walks the chunks as backward() does, with no
 * array of nodes. (It also clears the marks a stopped topologicalOrder leaves.)
 */
export function countNodes(root: Value): number {
  if (!(root instanceof Value)) badOperand(root, "countNodes", "root");
  const rc = cOf(root).moved ? follow(root) : cOf(root);
  const leaves = new ChunkTable();
  const lc = new IntList();
  const li = new IntList();
  let count = 0;
  const meet = (d: Chunk, i: number) => {
    const k = d.k;
    if ((k[3 * i] & PENDING) !== 0) return;
    k[3 * i] |= PENDING;
    count++;
    if (d.kind === LEAVES) {
      lc.push(leaves.of(d)); // not scanned: unmarked at the end
      li.push(i);
      return;
    }
    if (i > d.hi) d.hi = i;
    d.pend++;
    if (!d.queued) enqueue(d);
  };
  meet(rc, iOf(root));
  while (queue.length > 0) {
    const c = nextChunk();
    const k = c.k;
    for (let s = c.hi; s >= 0 && c.pend > 0; s--) {
      if ((k[3 * s] & PENDING) === 0) continue;
      k[3 * s] &= ~(PENDING | VISITED);
      c.pend--;
      for (let j = 0; childAt(c, s, j, false); j++) meet(kc, ki);
    }
    c.hi = -1;
    c.queued = false;
  }
  for (let j = 0; j < lc.n; j++) leaves.list[lc.a[j]].k[3 * li.a[j]] &= ~(PENDING | VISITED);
  return count;
}

export interface NonFinite {
  /** The node that first produced a non-finite number. */
  value: Value;
  /** Whether its data (forward) or its grad (backward) is not finite. */
  kind: "data" | "grad";
  op: string;
  label: string;
  message: string;
}

/**
 * Finds where NaN or ±Infinity entered the graph below `root`: the first node, children first,
 * whose data is not finite although its children's are; failing that, the first node in
 * backward order whose grad is not finite. Returns null when all is finite.
 */
export function findNonFinite(root: Value): NonFinite | null {
  const order = topologicalOrder(root);
  const name = (v: Value) => (v.label ? `"${v.label}"` : "(no label)");
  for (const v of order) {
    if (!Number.isFinite(v.data)) {
      const kids = v.children.map((c) => `${c.label || "?"}=${pyRepr(c.data)}`).join(", ");
      const made = v.op === "" ? "a leaf" : `op ${v.op} of ${kids}`;
      return {
        value: v,
        kind: "data",
        op: v.op,
        label: v.label,
        message: `non-finite value ${pyRepr(v.data)} first made by ${made}, node ${name(v)}`,
      };
    }
  }
  for (let i = order.length - 1; i >= 0; i--) {
    const v = order[i];
    if (!Number.isFinite(v.grad)) {
      return {
        value: v,
        kind: "grad",
        op: v.op,
        label: v.label,
        message: `non-finite gradient ${pyRepr(v.grad)} at node ${name(v)}${v.op === "" ? " (a leaf)" : ` (op ${v.op})`}: it came from the local derivative of a parent of this node`,
      };
    }
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Copying a node that outlived its epoch (see the header)

const SMALL_COPY = 4096;

/**
 * Copies the node of `v` and everything it was computed from in its epoch into long-lived
 * chunks, in topological order, turns the old slots into forwarders and points `v` at the copy.
 */
function tenure(v: Value): Chunk {
  const c0 = cOf(v);
  const i0 = iOf(v);
  const epoch = c0.epoch;
  const inEpoch = (d: Chunk) => d.kind === EPOCH && d.epoch === epoch;
  // 1. the nodes to copy, children first: the graph below v within its epoch (childAt follows
  // forwarders, so what was copied before is not copied again)
  const from = new ChunkTable();
  const fc = new IntList();
  const fi = new IntList();
  c0.k[3 * i0] |= VISITED;
  search(c0, i0, true, (d, i) => inEpoch(d) && visitOnce(d, i), (d, i) => {
    fc.push(from.of(d));
    fi.push(i);
  }, Infinity);
  const m = fc.n;
  // where each one goes: numbered in the order above, found from its old chunk and slot
  const numbers = from.list.map((d) => new Int32Array(d.n));
  for (let j = 0; j < m; j++) numbers[fc.a[j]][fi.a[j]] = j;
  const to = new ChunkTable();
  const tc = new Int32Array(m);
  const ti = new Int32Array(m);
  const copied = (d: Chunk, i: number) => inEpoch(d) && (d.k[3 * i] & VISITED) !== 0;
  // a dot's or sum's list of children, with the copied nodes (and forwarders) replaced
  const remap = (list: NodeList | null): NodeList | null => {
    if (list === null) return null;
    const out = new NodeListBuilder(list.is.length);
    for (let j = 0; j < list.is.length; j++) {
      element(list, j); // past any forwarder
      if (copied(kc, ki)) {
        const n = numbers[from.of(kc)][ki];
        out.add(to.list[tc[n]], ti[n]);
      } else out.add(kc, ki);
    }
    return out.done();
  };
  // 2. copy; a large copy gets chunks of its own, so that it does not share one with small
  // long-lived things (which would keep it alive)
  const big = m > SMALL_COPY;
  if (big) longChunk = new Chunk(LONG, LONG_LIVED, Math.min(m, MAX_CHUNK));
  for (let j = 0; j < m; j++) {
    const sc = from.list[fc.a[j]];
    const si = fi.a[j];
    const t = longSlot();
    const s = t.n - 1;
    tc[j] = to.of(t);
    ti[j] = s;
    t.f[2 * s] = sc.f[2 * si];
    t.f[2 * s + 1] = sc.f[2 * si + 1];
    t.ids![s] = sc.ids === null ? sc.base + si : sc.ids[si];
    const sk = sc.k;
    const op = sk[3 * si] & OP_MASK;
    t.k[3 * s] = op;
    if (op === DOT || op === SUM) {
      const objs = sc.objs!;
      const at = sk[3 * si + 1];
      const tobjs = (t.objs ??= []);
      t.k[3 * s + 1] = tobjs.length;
      t.k[3 * s + 2] = sk[3 * si + 2];
      for (let o = 0; o < 3; o++) tobjs.push(remap(objs[at + o] as NodeList | null));
    } else if (op !== LEAF) {
      for (let o = 1; o <= 2; o++) {
        const r = sk[3 * si + o];
        if (r === -1) {
          t.k[3 * s + o] = -1;
          continue;
        }
        childAt(sc, si, o - 1, true); // the child, past any forwarder
        if (copied(kc, ki)) {
          const n = numbers[from.of(kc)][ki];
          t.k[3 * s + o] = refTo(t, to.list[tc[n]], ti[n]);
        } else t.k[3 * s + o] = refTo(t, kc, ki);
      }
    }
    const label = sc.labels?.get(si);
    if (label !== undefined) (t.labels ??= new Map()).set(s, label);
  }
  // later long-lived nodes go into a newer chunk: backward() visits long-lived chunks newest first,
  // so a chunk never refers to a newer one
  if (big) longChunk = newClosedChunk(LONG);
  // 3. point the Values we know of at the copies: v, the children of dot and sum nodes, the
  // Values children() handed out
  const redirect = (h: Value) => {
    const d = cOf(h);
    const i = iOf(h);
    if (!copied(d, i)) return;
    const n = numbers[from.of(d)][i];
    setRef(h, to.list[tc[n]], ti[n]);
  };
  for (let j = 0; j < m; j++) {
    const sc = from.list[fc.a[j]];
    const si = fi.a[j];
    const op = sc.k[3 * si] & OP_MASK;
    if (op === DOT || op === SUM) {
      const objs = sc.objs!;
      const at = sc.k[3 * si + 1];
      for (const h of objs[at] as Value[]) redirect(h);
      if (op === DOT) for (const h of objs[at + 1] as Value[]) redirect(h);
      const extra = objs[at + (op === DOT ? 2 : 1)] as Value | null;
      if (extra !== null) redirect(extra);
    }
    for (const view of [sc.reg?.[si], sc.views?.get(si)]) {
      if (view === undefined) continue;
      const t = to.list[tc[j]];
      (t.views ??= new Map()).set(ti[j], view);
      setRef(view, t, ti[j]);
    }
    if (sc.reg) delete sc.reg[si];
    sc.views?.delete(si);
  }
  if (copied(c0, i0)) setRef(v, to.list[tc[numbers[from.of(c0)][i0]]], ti[numbers[from.of(c0)][i0]]);
  // 4. the old slots forward to the copies
  for (let j = 0; j < m; j++) {
    const sc = from.list[fc.a[j]];
    const si = fi.a[j];
    sc.k[3 * si] = MOVED;
    sc.k[3 * si + 1] = refTo(sc, to.list[tc[j]], ti[j]);
    sc.k[3 * si + 2] = -1;
    sc.f[2 * si + 1] = 0;
    sc.moved = true;
  }
  return cOf(v);
}
