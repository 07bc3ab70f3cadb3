// The scalar autograd engine: micrograd's `Value` and its operations.
//
// Each operation is written as a pair that sits together below: the forward function, which
// computes the value and records how it was made, and its `…Backward`, the local derivative
// applied by the chain rule. `backward()` walks the graph in reverse topological order and
// calls the right `…Backward` through a `switch` on the node's op code.
//
// Why op codes and not a closure per node (as micrograd's `_backward`): a closure costs an
// allocation and ~100 bytes per node and makes every call site megamorphic; an op code is a
// small integer in a field that the node has anyway. The engine also keeps the two children in
// two fields (`_a`, `_b`) instead of an array or a set, marks visited nodes in a bit of the
// op-code field instead of a Set, and keeps `data` and `grad` in shared Float64Array pages
// (see "Where data and grad live" below). See BENCHMARKS.md for what each of these buys.

import { pyRepr } from "./format.js";
import { TRANSFORM_HELP } from "./messages.js";

/** What an operation accepts on either side: a plain number is wrapped in a leaf Value, as micrograd does. */
export type Operand = number | Value;

export interface ValueOptions {
  /** A name for the node, shown in pictures (`drawDot`) and error messages. */
  label?: string;
}

// ---------------------------------------------------------------------------------------------
// Op codes. Bits 0-4 of `_code` hold the op; bits 5 and 6 are the marks of the topological sort,
// which are set while `backward()` runs and cleared before it returns; the bits from 7 up hold
// where the node's data is in its page (see below).
const LEAF = 0;
const ADD = 1;
const SUB = 2;
const MUL = 3;
const DIV = 4;
const NEG = 5;
const POW = 6; // number exponent, kept in a constant leaf in `_b` that is not a child
const POWV = 7; // Value exponent, gradients flow to both sides
const EXP = 8;
const LOG = 9;
const TANH = 10;
const RELU = 11;
const SIGMOID = 12;
const OP_MASK = 31;
const ENTERED = 32;
const SECOND = 64;
const MARKS = ENTERED | SECOND;
const SLOT_SHIFT = 7;

// ---------------------------------------------------------------------------------------------
// Where data and grad live.
//
// A JavaScript object cannot hold a raw double: V8 stores each number field as a pointer to a
// separate 16-byte heap number. With `data` and `grad` as fields a node was three heap objects
// (96 bytes), and the garbage collector copies all three while a graph is alive (a large part
// of a training step's time). So every node's data and grad sit side by side in a shared
// page (a Float64Array of PAGE_NODES nodes, filled in creation order and never reused), and the
// node holds its page and, in `_code`, its index there. A node is then one object of four
// fields (56 bytes) plus 16 bytes in its page. A page is freed when no node in it is alive.
// The accessors `data` and `grad` hide this: the operations below read `a.data` and
// `out.grad` as before. The price in clarity is these accessors and the index arithmetic.
const PAGE_NODES = 2048;
let page = new Float64Array(2 * PAGE_NODES);
let pageUsed = 0;

/** The op names, as the Python original spells them where it has the op. */
const OP_NAMES = ["", "+", "-", "*", "/", "neg", "**", "**", "exp", "log", "tanh", "ReLU", "sigmoid"];

export class Value {
  // The fields are `declare`d so that no class-field definition (`this._code = undefined`) runs
  // before the constructor: every node gets the same four fields in the same order, one shape.

  /** @internal the page that holds this node's data and grad */
  declare _page: Float64Array;
  /** @internal op code, sort marks and index in the page (see above) */
  declare _code: number;
  /** @internal first child (or null) */
  declare _a: Value | null;
  /** @internal second child, or pow's constant exponent (or null) */
  declare _b: Value | null;

  // Kept small, with the rare paths in functions of their own, so that the compiler inlines it
  // into every operation (a constructor with its error messages inline was too big to inline).
  constructor(data: number, options?: ValueOptions) {
    if (typeof data !== "number") badData(data);
    if (pageUsed === PAGE_NODES) newPage();
    const at = 2 * pageUsed++;
    page[at] = data; // page[at + 1], the grad, starts at 0
    this._page = page;
    this._code = (at << SLOT_SHIFT) | LEAF;
    this._a = null;
    this._b = null;
    if (options !== undefined) applyOptions(this, options);
  }

  /** The number this node holds. */
  get data(): number {
    return this._page[this._code >> SLOT_SHIFT];
  }
  set data(x: number) {
    if (typeof x !== "number") badField("data", x);
    this._page[this._code >> SLOT_SHIFT] = x;
  }

  /** d(root)/d(this) after `root.backward()`; starts at 0 and accumulates (`+=`). */
  get grad(): number {
    return this._page[(this._code >> SLOT_SHIFT) + 1];
  }
  set grad(x: number) {
    if (typeof x !== "number") badField("grad", x);
    this._page[(this._code >> SLOT_SHIFT) + 1] = x;
  }

  /**
   * The node's name, '' when it has none. Kept outside the node object (labels are few and
   * nodes are many), which keeps a node at four fields.
   */
  get label(): string {
    return labels.get(this) ?? "";
  }
  set label(label: string) {
    if (typeof label !== "string") throw new TypeError(`Value.label must be a string, got ${describe(label)}`);
    if (label === "") labels.delete(this);
    else labels.set(this, label);
  }

  /** The op that produced this node: '+', '*', 'tanh', '**2', … ('' for a leaf). */
  get op(): string {
    const code = this._code & OP_MASK;
    if (code === POW) return "**" + pyNumber(this._b!.data);
    return OP_NAMES[code];
  }

  /** The nodes this one was computed from, in the order given. */
  get children(): Value[] {
    const code = this._code & OP_MASK;
    if (this._a === null) return [];
    if (this._b === null || code === POW) return [this._a];
    return [this._a, this._b];
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
    const n = buildTopo(this);
    const topo = topoBuf;
    this.grad = 1;
    for (let i = n - 1; i >= 0; i--) {
      const v = topo[i]!;
      topo[i] = null; // let the graph be collected
      const code = v._code & ~MARKS;
      v._code = code; // clear the sort marks
      applyLocal(v, code & OP_MASK);
    }
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
    applyLocal(this, this._code & OP_MASK);
  }

  /** Python's repr: `Value(data=2.0, grad=0.0)`. */
  toString(): string {
    return `Value(data=${pyRepr(this.data)}, grad=${pyRepr(this.grad)})`;
  }

  toJSON(): { data: number; grad: number; label?: string; op?: string } {
    const out: { data: number; grad: number; label?: string; op?: string } = { data: this.data, grad: this.grad };
    if (this.label) out.label = this.label;
    if (this._a !== null) out.op = this.op;
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

const labels = new WeakMap<Value, string>();

function newPage(): void {
  page = new Float64Array(2 * PAGE_NODES);
  pageUsed = 0;
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

/** Whether `x` is a Value of this runtime. */
export function isValue(x: unknown): x is Value {
  return x instanceof Value;
}

// ---------------------------------------------------------------------------------------------
// Building nodes

/** A result node: no validation, one shape for every node. */
function node(data: number, code: number, a: Value, b: Value | null): Value {
  const v = new Value(data);
  v._code |= code;
  v._a = a;
  v._b = b;
  return v;
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

/**
 * One node's step of the chain rule: adds its local derivative times its grad into its
 * children's grads (micrograd's per-node `_backward`). Every op's derivative function is below.
 */
function applyLocal(v: Value, op: number): void {
  switch (op) {
    case LEAF:
      break;
    case ADD:
      addBackward(v);
      break;
    case SUB:
      subBackward(v);
      break;
    case MUL:
      mulBackward(v);
      break;
    case DIV:
      divBackward(v);
      break;
    case NEG:
      negBackward(v);
      break;
    case POW:
      powBackward(v);
      break;
    case POWV:
      powvBackward(v);
      break;
    case EXP:
      expBackward(v);
      break;
    case LOG:
      logBackward(v);
      break;
    case TANH:
      tanhBackward(v);
      break;
    case RELU:
      reluBackward(v);
      break;
    case SIGMOID:
      sigmoidBackward(v);
      break;
  }
}

/** Python's repr of a number used as an exponent in an op name: integers without ".0". */
function pyNumber(x: number): string {
  return Number.isInteger(x) ? String(x) : pyRepr(x);
}

function operand(x: Operand, op: string, side: string): Value {
  if (x instanceof Value) return x;
  if (typeof x === "number") return new Value(x);
  return badOperand(x, op, side);
}

function badOperand(x: unknown, op: string, side: string): never {
  throw new TypeError(`${op}: the ${side} operand must be a number or a Value, got ${describe(x)}`);
}

// ---------------------------------------------------------------------------------------------
// The operations. Each forward function is followed by its local derivative.

/** a + b */
export function add(a: Operand, b: Operand): Value {
  const x = operand(a, "add", "left");
  const y = operand(b, "add", "right");
  return node(x.data + y.data, ADD, x, y);
}
function addBackward(out: Value): void {
  out._a!.grad += out.grad;
  out._b!.grad += out.grad;
}

/** a - b (micrograd's a + (-b), with the same numbers and one node fewer) */
export function sub(a: Operand, b: Operand): Value {
  const x = operand(a, "sub", "left");
  const y = operand(b, "sub", "right");
  return node(x.data - y.data, SUB, x, y);
}
function subBackward(out: Value): void {
  out._a!.grad += out.grad;
  out._b!.grad += -out.grad;
}

/** a * b */
export function mul(a: Operand, b: Operand): Value {
  const x = operand(a, "mul", "left");
  const y = operand(b, "mul", "right");
  return node(x.data * y.data, MUL, x, y);
}
function mulBackward(out: Value): void {
  const a = out._a!;
  const b = out._b!;
  a.grad += b.data * out.grad;
  b.grad += a.data * out.grad;
}

/**
 * a / b. micrograd writes it as a * b**-1 (two nodes, two roundings); one division is one
 * rounding, and gives the figures of ../shared/REFERENCE.md (the neuron with tanh written out).
 */
export function div(a: Operand, b: Operand): Value {
  const x = operand(a, "div", "left");
  const y = operand(b, "div", "right");
  return node(x.data / y.data, DIV, x, y);
}
function divBackward(out: Value): void {
  const a = out._a!;
  const b = out._b!;
  a.grad += out.grad / b.data;
  b.grad += (-a.data / (b.data * b.data)) * out.grad;
}

/** -a (micrograd's a * -1) */
export function neg(a: Operand): Value {
  const x = operand(a, "neg", "only");
  return node(-x.data, NEG, x, null);
}
function negBackward(out: Value): void {
  out._a!.grad += -out.grad;
}

/**
 * a ** k. A number exponent is a constant, as in micrograd (`**2` in pictures); a Value
 * exponent gets a gradient too: d(a**b)/db = a**b * ln(a).
 */
export function pow(a: Operand, exponent: Operand): Value {
  if (exponent instanceof Value) {
    const x = operand(a, "pow", "base");
    return node(x.data ** exponent.data, POWV, x, exponent);
  }
  if (typeof exponent !== "number") {
    throw new TypeError(`pow: the exponent must be a number or a Value, got ${describe(exponent)}`);
  }
  const x = operand(a, "pow", "base");
  return node(x.data ** exponent, POW, x, new Value(exponent));
}
function powBackward(out: Value): void {
  const a = out._a!;
  const k = out._b!.data;
  a.grad += k * a.data ** (k - 1) * out.grad;
}
function powvBackward(out: Value): void {
  const a = out._a!;
  const b = out._b!;
  a.grad += b.data * a.data ** (b.data - 1) * out.grad;
  b.grad += out.data * Math.log(a.data) * out.grad;
}

/** e ** a */
export function exp(a: Operand): Value {
  const x = operand(a, "exp", "only");
  return node(Math.exp(x.data), EXP, x, null);
}
function expBackward(out: Value): void {
  out._a!.grad += out.data * out.grad;
}

/** natural logarithm */
export function log(a: Operand): Value {
  const x = operand(a, "log", "only");
  return node(Math.log(x.data), LOG, x, null);
}
function logBackward(out: Value): void {
  const a = out._a!;
  a.grad += (1 / a.data) * out.grad;
}

/**
 * tanh, computed as the lecture does, (e**2x - 1) / (e**2x + 1), so the neuron prints
 * 0.7071067811865476 as in the lecture (Math.tanh gives …477). Where e**2x overflows the
 * formula would give NaN, and Math.tanh's answer (±1) is used.
 */
export function tanh(a: Operand): Value {
  const x = operand(a, "tanh", "only");
  const e = Math.exp(2 * x.data);
  const t = e === Infinity ? 1 : (e - 1) / (e + 1);
  return node(t, TANH, x, null);
}
function tanhBackward(out: Value): void {
  const t = out.data;
  out._a!.grad += (1 - t * t) * out.grad;
}

/** max(0, a), as micrograd: 0 for a < 0, and a gradient only where the output is positive */
export function relu(a: Operand): Value {
  const x = operand(a, "relu", "only");
  return node(x.data < 0 ? 0 : x.data, RELU, x, null);
}
function reluBackward(out: Value): void {
  if (out.data > 0) out._a!.grad += out.grad;
}

/** 1 / (1 + e**-a) */
export function sigmoid(a: Operand): Value {
  const x = operand(a, "sigmoid", "only");
  return node(1 / (1 + Math.exp(-x.data)), SIGMOID, x, null);
}
function sigmoidBackward(out: Value): void {
  const s = out.data;
  out._a!.grad += s * (1 - s) * out.grad;
}

// ---------------------------------------------------------------------------------------------
// Graph traversal

/** Reused across calls: one array for the order, one for the DFS stack. */
const topoBuf: (Value | null)[] = [];
const stackBuf: (Value | null)[] = [];

/**
 * Post-order DFS from `root`, children in order (`_a` before `_b`), without recursion, so a
 * chain of a million ops does not overflow the stack. Leaves the order in the first n entries
 * of `topoBuf` and returns n.
 *
 * A node on top of the stack goes down its first child (mark ENTERED), then its second (mark
 * SECOND), then is emitted. A child is pushed only when its turn comes and only if not yet
 * entered, so no node is ever on the stack twice and the stack is no deeper than the longest
 * path. (Pushing both children at once would be shorter code, but in a chain `y = y * c` it
 * stacks a copy of `c` for every op: twice the memory for a million-op chain.) The marks stay
 * set; the caller clears them (backward does it as it walks the order).
 *
 * Buffers are cleared inside the loops, not by a `fill` after them: the first call on a large
 * graph is compiled while its loop runs (on-stack replacement), when the code after the loop
 * has never run, and that compiled loop then bailed out at its exit on every later call.
 */
function buildTopo(root: Value): number {
  const topo = topoBuf;
  const stack = stackBuf;
  let n = 0;
  let sp = 0;
  stack[sp++] = root;
  while (sp > 0) {
    const v = stack[sp - 1]!;
    const code = v._code;
    if ((code & ENTERED) === 0) {
      v._code = code | ENTERED;
      const a = v._a;
      if (a !== null && (a._code & ENTERED) === 0) {
        stack[sp++] = a;
        continue;
      }
    }
    if ((code & SECOND) === 0) {
      v._code = code | ENTERED | SECOND;
      const b = v._b;
      if (b !== null && (code & OP_MASK) !== POW && (b._code & ENTERED) === 0) {
        stack[sp++] = b;
        continue;
      }
    }
    stack[--sp] = null; // drop the reference so the graph can be collected
    topo[n++] = v;
  }
  return n;
}

/**
 * Every node of the graph below `root` (itself included), children before parents: the
 * order `backward()` walks in reverse. Deterministic: the same graph gives the same order.
 */
export function topologicalOrder(root: Value): Value[] {
  const n = buildTopo(root);
  const order = topoBuf.slice(0, n) as Value[];
  topoBuf.fill(null, 0, n);
  for (const v of order) v._code &= ~MARKS;
  return order;
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
      const made = v._a === null ? "a leaf" : `op ${v.op} of ${kids}`;
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
        message: `non-finite gradient ${pyRepr(v.grad)} at node ${name(v)}${v._a === null ? " (a leaf)" : ` (op ${v.op})`}: it came from the local derivative of a parent of this node`,
      };
    }
  }
  return null;
}
