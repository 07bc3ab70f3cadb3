// Looking at a graph (children, topologicalOrder, countNodes, findNonFinite), and copying a node
// that outlived its epoch into long-lived chunks (engine.ts's header says when and why).

import {
  type Chunk,
  cur,
  DOT,
  dep,
  EPOCH,
  enqueue,
  LEAF,
  LEAVES,
  longSlot,
  MAX_CHUNK,
  MOVED,
  nextChunk,
  OP_MASK,
  OP_NAMES,
  openLong,
  PENDING,
  POW,
  queue,
  refTo,
  SLOT_BITS,
  SLOT_MASK,
  SUM,
  VISITED,
} from "./chunks.js";
import { badOperand, canonical, cOf, follow, iOf, setRef, Value } from "./engine.js";
import { chunkAt, type NodeList, NodeListBuilder } from "./fused.js";
import { pyRepr } from "./python/format.js";

// ---------------------------------------------------------------------------------------------
// Looking at a graph: op names, children, topological order

/** @internal */
export function opName(c: Chunk, i: number): string {
  const k = c.k;
  const op = k[3 * i]! & OP_MASK;
  if (op === POW) {
    const r = k[3 * i + 2]!;
    return "**" + pyNumber(dep(c, r).f[2 * (r & SLOT_MASK)]!);
  }
  return OP_NAMES[op]!;
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
  const op = k[3 * i]! & OP_MASK;
  if (op === LEAF || op === MOVED) return false;
  if (op === DOT || op === SUM) {
    // dot: ws, xs, then b; sum: start, then the values
    const objs = c.objs!;
    const at = k[3 * i + 1]!;
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
  const r = k[3 * i + 1 + j]!;
  if (r === -1) return false;
  return found(dep(c, r), r & SLOT_MASK);
}

function element(list: NodeList, j: number): true {
  return found(chunkAt(list, j), list.is[j]!);
}

/** A child at (d, s), past its forwarding if it was copied to a long-lived chunk, into kc and ki. */
function found(d: Chunk, s: number): true {
  if ((d.k[3 * s]! & OP_MASK) === MOVED) {
    const t = d.k[3 * s + 1]!;
    d = d.deps[t >>> SLOT_BITS]!;
    s = t & SLOT_MASK;
  }
  kc = d;
  ki = s;
  return true;
}

/** @internal */
export function childrenOf(c: Chunk, i: number): Value[] {
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
    const c = chunks.list[sc.a[top]!]!;
    const i = si.a[top]!;
    if (childAt(c, i, sn.a[top]!++, all)) {
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
  rc.k[3 * iOf(root)]! |= VISITED;
  try {
    complete = search(
      rc,
      iOf(root),
      false,
      visitOnce,
      (c, i) => {
        fc.push(found.of(c));
        fi.push(i);
      },
      max,
    );
  } finally {
    // the emitted nodes, and the ones on the stack when the search stopped: countNodes clears
    // those by walking the whole graph
    for (let j = 0; j < fc.n; j++) found.list[fc.a[j]!]!.k[3 * fi.a[j]!]! &= ~VISITED;
  }
  if (!complete) {
    const total = countNodes(root);
    throw new RangeError(
      `topologicalOrder: the graph has ${total.toLocaleString("en-US")} nodes, more than ${max.toLocaleString("en-US")}: ` +
        `too many for one array. backward() needs no order and works at any size; pass { maxNodes } to allow more.`,
    );
  }
  const order = new Array<Value>(fc.n);
  // the root comes last, and is given back itself unless another Value was handed out for it
  for (let j = 0; j < fc.n; j++) order[j] = canonical(found.list[fc.a[j]!]!, fi.a[j]!, j === fc.n - 1 ? root : undefined);
  return order;
}

function visitOnce(c: Chunk, i: number): boolean {
  const k = c.k;
  if ((k[3 * i]! & VISITED) !== 0) return false;
  k[3 * i]! |= VISITED;
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
    if ((k[3 * i]! & PENDING) !== 0) return;
    k[3 * i]! |= PENDING;
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
      if ((k[3 * s]! & PENDING) === 0) continue;
      k[3 * s]! &= ~(PENDING | VISITED);
      c.pend--;
      for (let j = 0; childAt(c, s, j, false); j++) meet(kc, ki);
    }
    c.hi = -1;
    c.queued = false;
  }
  for (let j = 0; j < lc.n; j++) leaves.list[lc.a[j]!]!.k[3 * li.a[j]!]! &= ~(PENDING | VISITED);
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
    const v = order[i]!;
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
/** @internal */
export function tenure(v: Value): Chunk {
  const c0 = cOf(v);
  const i0 = iOf(v);
  const epoch = c0.epoch;
  const inEpoch = (d: Chunk) => d.kind === EPOCH && d.epoch === epoch;
  // 1. the nodes to copy, children first: the graph below v within its epoch (childAt follows
  // forwarders, so what was copied before is not copied again)
  const from = new ChunkTable();
  const fc = new IntList();
  const fi = new IntList();
  c0.k[3 * i0]! |= VISITED;
  search(
    c0,
    i0,
    true,
    (d, i) => inEpoch(d) && visitOnce(d, i),
    (d, i) => {
      fc.push(from.of(d));
      fi.push(i);
    },
    Infinity,
  );
  const m = fc.n;
  // where each one goes: numbered in the order above, found from its old chunk and slot
  const numbers = from.list.map((d) => new Int32Array(d.n));
  for (let j = 0; j < m; j++) numbers[fc.a[j]!]![fi.a[j]!] = j;
  const to = new ChunkTable();
  const tc = new Int32Array(m);
  const ti = new Int32Array(m);
  const copied = (d: Chunk, i: number) => inEpoch(d) && (d.k[3 * i]! & VISITED) !== 0;
  // a dot's or sum's list of children, with the copied nodes (and forwarders) replaced
  const remap = (list: NodeList | null): NodeList | null => {
    if (list === null) return null;
    const out = new NodeListBuilder(list.is.length);
    for (let j = 0; j < list.is.length; j++) {
      element(list, j); // past any forwarder
      if (copied(kc, ki)) {
        const n = numbers[from.of(kc)]![ki]!;
        out.add(to.list[tc[n]!]!, ti[n]!);
      } else out.add(kc, ki);
    }
    return out.done();
  };
  // 2. copy; a large copy gets chunks of its own, so that it does not share one with small
  // long-lived things (which would keep it alive)
  const big = m > SMALL_COPY;
  if (big) openLong(Math.min(m, MAX_CHUNK));
  for (let j = 0; j < m; j++) {
    const sc = from.list[fc.a[j]!]!;
    const si = fi.a[j]!;
    const t = longSlot();
    const s = t.n - 1;
    tc[j] = to.of(t);
    ti[j] = s;
    t.f[2 * s] = sc.f[2 * si]!;
    t.f[2 * s + 1] = sc.f[2 * si + 1]!;
    t.ids![s] = sc.ids === null ? sc.base + si : sc.ids[si]!;
    const sk = sc.k;
    const op = sk[3 * si]! & OP_MASK;
    t.k[3 * s] = op;
    if (op === DOT || op === SUM) {
      const objs = sc.objs!;
      const at = sk[3 * si + 1]!;
      const tobjs = (t.objs ??= []);
      t.k[3 * s + 1] = tobjs.length;
      t.k[3 * s + 2] = sk[3 * si + 2]!;
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
          const n = numbers[from.of(kc)]![ki]!;
          t.k[3 * s + o] = refTo(t, to.list[tc[n]!]!, ti[n]!);
        } else t.k[3 * s + o] = refTo(t, kc, ki);
      }
    }
    const label = sc.labels?.get(si);
    if (label !== undefined) (t.labels ??= new Map()).set(s, label);
  }
  // later long-lived nodes go into a newer chunk: backward() visits long-lived chunks newest first,
  // so a chunk never refers to a newer one
  if (big) openLong(0);
  // 3. point the Values we know of at the copies: v, and the ones operations returned (small
  // graphs) and children() handed out
  for (let j = 0; j < m; j++) {
    const sc = from.list[fc.a[j]!]!;
    const si = fi.a[j]!;
    for (const view of [sc.reg?.[si], sc.views?.get(si)]) {
      if (view === undefined) continue;
      const t = to.list[tc[j]!]!;
      (t.views ??= new Map()).set(ti[j], view);
      setRef(view, t, ti[j]!);
    }
    if (sc.reg) delete sc.reg[si];
    sc.views?.delete(si);
  }
  if (copied(c0, i0)) {
    // v is given back for its node from now on, unless another Value was handed out for it
    const n = numbers[from.of(c0)]![i0]!;
    const t = to.list[tc[n]!]!;
    setRef(v, t, ti[n]!);
    if (!t.views?.has(ti[n]!)) (t.views ??= new Map()).set(ti[n], v);
  }
  // 4. the old slots forward to the copies
  for (let j = 0; j < m; j++) {
    const sc = from.list[fc.a[j]!]!;
    const si = fi.a[j]!;
    sc.k[3 * si] = MOVED;
    sc.k[3 * si + 1] = refTo(sc, to.list[tc[j]!]!, ti[j]!);
    sc.k[3 * si + 2] = -1;
    sc.f[2 * si + 1] = 0;
    sc.moved = true;
  }
  return cOf(v);
}
