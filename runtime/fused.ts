// Fused operations: dot and sumOf, one node each with the numbers and gradients of the chain of
// + and * they stand for, and nn's layers on top of them (engine.ts's header says why).

import { type Chunk, cur, DOT, epochNow, LEAVES, mark2, RELU, refTo, SUM, TANH, take, touch } from "./chunks.js";
import { badOperand, born, cOf, constant, describe, FOREIGN_HELP, iOf, isForeignValue, type Operand, oc, oi, revive, tanhOf, Value } from "./engine.js";

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
/** @internal */
export class NodeList implements Nodes {
  constructor(
    readonly one: Chunk | null,
    readonly cs: Chunk[] | null,
    readonly is: Int32Array,
  ) {}
  get length(): number {
    return this.is.length;
  }
}

/** @internal */
export function chunkAt(v: NodeList, j: number): Chunk {
  return v.one !== null ? v.one : v.cs![j]!;
}

/** Slots collected one by one into a NodeList. */
/** @internal */
export class NodeListBuilder {
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
 *
 * One difference: called twice without zeroing the grads, backward() adds the same gradients to
 * the inputs again, where the chain adds more (its intermediate nodes keep the first call's
 * gradients and pass them on again, as micrograd's do).
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
      const x = c.f[2 * s]!;
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
  let acc = bv === null ? b : chunkAt(bv, 0).f[2 * bv.is[0]!]!;
  const n = wv.is.length;
  const wi = wv.is;
  const xi = xv.is;
  if (wv.one !== null && xv.one !== null) {
    const wf = wv.one.f;
    const xf = xv.one.f;
    for (let i = 0; i < n; i++) acc = acc + wf[2 * wi[i]!]! * xf[2 * xi[i]!]!;
  } else {
    for (let i = 0; i < n; i++) acc = acc + chunkAt(wv, i).f[2 * wi[i]!]! * chunkAt(xv, i).f[2 * xi[i]!]!;
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
/** @internal */
export function dotBackward(objs: unknown[], at: number, g: number, mark: boolean): void {
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
      const a = 2 * wi[i]!;
      const b = 2 * xi[i]!;
      wf[a + 1]! += xf[b]! * g;
      xf[b + 1]! += wf[a]! * g;
      if (markW) touch(wc, wi[i]!);
      if (markX) touch(xc, xi[i]!);
    }
  } else {
    for (let i = n - 1; i >= 0; i--) {
      if (i === 0 && bv !== null) addAt(bv, 0, g, mark);
      const wc = chunkAt(wv, i);
      const xc = chunkAt(xv, i);
      wc.f[2 * wi[i]! + 1]! += xc.f[2 * xi[i]!]! * g;
      xc.f[2 * xi[i]! + 1]! += wc.f[2 * wi[i]!]! * g;
      if (mark) mark2(wc, wi[i]!, xc, xi[i]!);
    }
  }
  if (n === 0 && bv !== null) addAt(bv, 0, g, mark);
}

function addAt(v: NodeList, j: number, g: number, mark: boolean): void {
  const c = chunkAt(v, j);
  const i = v.is[j]!;
  c.f[2 * i + 1]! += g;
  if (mark) touch(c, i);
}

/**
 * start + v0 + v1 + …, added left to right, as one node (Python's `sum(values, start)` builds a
 * chain of `+` nodes with the same numbers and gradients; as for dot, a second backward() without
 * zeroing differs). A number `start` (0 by default) is a constant, not a child; a Value start is
 * the first child.
 */
export function sumOf(values: readonly Operand[], start: Operand = 0): Value {
  if (!Array.isArray(values)) throw new TypeError(`sumOf(values, start): values must be an array of numbers or Values, got ${describe(values)}`);
  if (!(start instanceof Value) && typeof start !== "number") badOperand(start, "sumOf", "start");
  const vs = toNodes(values, "sumOf", "values") as NodeList;
  const sv = typeof start === "number" ? null : (toNodes([start], "sumOf", "start") as NodeList);
  let acc = sv === null ? (start as number) : chunkAt(sv, 0).f[2 * sv.is[0]!]!;
  for (let i = 0; i < vs.is.length; i++) acc = acc + chunkAt(vs, i).f[2 * vs.is[i]!]!;
  putFused(SUM, acc, vs, sv, null);
  return born(cur, cur.n - 1);
}

/** @internal */
export function sumBackward(objs: unknown[], at: number, g: number, mark: boolean): void {
  const vs = objs[at] as NodeList;
  const start = objs[at + 1] as NodeList | null;
  for (let i = vs.is.length - 1; i >= 0; i--) {
    if (i === 0 && start !== null) addAt(start, 0, g, mark);
    addAt(vs, i, g, mark);
  }
  if (vs.is.length === 0 && start !== null) addAt(start, 0, g, mark);
}
