// Where the nodes of the graph live: chunks of typed arrays, epochs, and the marks and queue of
// backward()'s walk. engine.ts's header says why; this module holds the storage and nothing of
// the Value handle (whose private fields only engine.ts can read).

import type { Value } from "./engine.js";

// ---------------------------------------------------------------------------------------------
// Op words. Bits 0-4 hold the op, bit 5 marks a node that backward() still has to visit, bit 6 the
// nodes of a depth-first search (topologicalOrder, copying to long-lived chunks). Both marks are
// cleared before the walk that set them returns.
export const LEAF = 0;
export const ADD = 1;
export const SUB = 2;
export const MUL = 3;
export const DIV = 4;
export const NEG = 5;
export const POW = 6; // number exponent, kept in a constant leaf in the second child, which is not a child to the user
export const POWV = 7; // Value exponent, gradients flow to both sides
export const EXP = 8;
export const LOG = 9;
export const TANH = 10;
export const RELU = 11;
export const SIGMOID = 12;
export const DOT = 13; // children in chunk.objs: lists of slots [ws, xs, b or null] (fused.ts)
export const SUM = 14; // children in chunk.objs: [values, start or null]
export const MOVED = 15; // the node was copied to a long-lived chunk; the first child reference is the copy
export const OP_MASK = 31;
export const PENDING = 32;
export const VISITED = 64;

/** The op names, as the Python original spells them where it has the op. */
export const OP_NAMES = ["", "+", "-", "*", "/", "neg", "**", "**", "exp", "log", "tanh", "ReLU", "sigmoid", "dot", "sum", ""];

// A child reference is (index in the referring chunk's deps) << 16 | slot; -1 for none.
export const SLOT_BITS = 16;
export const SLOT_MASK = (1 << SLOT_BITS) - 1;
// 4,096 nodes (112 KB with the Float64Array and the Int32Array): below the size from which the C
// library maps fresh pages from the system for each allocation (128 KB), so the memory of the
// chunks the garbage collector frees is reused without page faults. Larger chunks made node
// creation several times slower.
export const MAX_CHUNK = 4096;
export const MAX_DEPS = 32000; // below 2^15, so that a reference stays a positive int32
export const MIN_CHUNK = 256;
export const LEAF_CHUNK = 4096;

export const EPOCH = 0; // a chunk of operation results of one epoch
export const LEAVES = 1; // a chunk of `new Value` leaves
export const LONG = 2; // a chunk of nodes copied out of their epoch
export const LONG_LIVED = Number.MAX_SAFE_INTEGER; // the epoch of LEAVES and LONG chunks: never old

export let chunkCount = 0;
export const EMPTY_F = new Float64Array(0);
export const EMPTY_K = new Int32Array(0);

export class Chunk {
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
  /** Children of dot and sum nodes: lists of slots (fused.ts's NodeList). */
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

export let epochNow = 1;
/** Nodes in the full chunks of the current epoch (the current chunk's n is added at the end). */
export let epochFull = 0;
export let lastEpochNodes = 0;
export let cur: Chunk = newClosedChunk(EPOCH);
export let leafChunk: Chunk = newClosedChunk(LEAVES);
export let longChunk: Chunk = newClosedChunk(LONG);

/** A chunk that is always full (capacity 0): the next node opens a real one. */
export function newClosedChunk(kind: number): Chunk {
  return new Chunk(kind, kind === EPOCH ? 0 : LONG_LIVED, 0);
}

// ---------------------------------------------------------------------------------------------
// Memory: every allocation of node storage goes through these, so that running out of memory is
// a RangeError that says how large the graph is, never an abort.

/** One ArrayBuffer for a chunk's numbers (16 bytes a node) and op words (12 bytes a node). */
export function allocChunk(c: Chunk, cap: number): void {
  let buffer: ArrayBuffer;
  try {
    buffer = new ArrayBuffer(28 * cap);
  } catch (e) {
    throw outOfMemory(e);
  }
  c.f = new Float64Array(buffer, 0, 2 * cap);
  c.k = new Int32Array(buffer, 16 * cap, 3 * cap);
}
export function allocIds(cap: number): Float64Array {
  try {
    return new Float64Array(cap);
  } catch (e) {
    throw outOfMemory(e);
  }
}

export function outOfMemory(cause: unknown): RangeError {
  const nodes = epochFull + cur.n;
  return new RangeError(
    `micrograd-ts: out of memory for more nodes: the graph being built has ${nodes.toLocaleString("en-US")} nodes ` +
      `since the last backward() (28 bytes each, plus what is kept from earlier). Build a smaller graph ` +
      `(fewer points per step, or nn's fused neurons), or give the process more memory.`,
    { cause },
  );
}

export function resize(c: Chunk, cap: number): void {
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
export function growCur(): Chunk {
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
export function endEpoch(): void {
  const c = cur;
  if (c.epoch !== epochNow) return; // nothing built since the last backward()
  lastEpochNodes = epochFull + c.n;
  epochFull = 0;
  epochNow++;
  if (c.n < c.cap >> 1) resize(c, Math.max(c.n, 1)); // do not keep a mostly empty chunk alive
  cur = newClosedChunk(EPOCH);
  registering = lastEpochNodes <= IDENTITY_LIMIT;
  registered = [];
}

/** A slot of the current chunk of `new Value` leaves, holding `data`; returns the chunk. */
export function leafSlot(data: number, v: Value): Chunk {
  let L = leafChunk;
  if (L.n === L.cap) L = leafChunk = new Chunk(LEAVES, LONG_LIVED, LEAF_CHUNK);
  L.f[2 * L.n++] = data;
  L.births!.push(v);
  return L;
}

/**
 * The next long-lived nodes go into a new chunk of this capacity (a large copy: see graph.ts), or,
 * with 0, into a new small one. Never back into an older one: backward() visits long-lived
 * chunks newest first, so a chunk must never refer to a newer one.
 */
export function openLong(cap: number): void {
  longChunk = cap > 0 ? new Chunk(LONG, LONG_LIVED, cap) : newClosedChunk(LONG);
}

/**
 * In a small graph (up to this many nodes built since the last backward(), the graph before it
 * small too), inspection (children, topologicalOrder, findNonFinite, drawDot) gives back the
 * very Value objects the operations returned. In larger graphs, remembering every Value would
 * keep every handle alive (the cost the typed storage removes: about 100 ns a node), so it gives
 * Values of the same nodes (same id, data, grad, label) that are new objects; a training loop's
 * steps are large, and pay nothing for it. Values made with `new Value` are always given back.
 */
export const IDENTITY_LIMIT = 4096;
export let registering = true;
export let registered: Chunk[] = [];

export function register(c: Chunk, s: number, v: Value): void {
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
export function depIndex(c: Chunk, x: Chunk): number {
  if (x === c) return 0;
  if (x.depOf === c.key) return x.depIx;
  const ix = c.deps.length;
  c.deps.push(x);
  x.depOf = c.key;
  x.depIx = ix;
  if (ix >= MAX_DEPS - 1 && c.cap > c.n) c.cap = c.n; // full: the next node goes into a new chunk
  return ix;
}

export function refTo(c: Chunk, x: Chunk, slot: number): number {
  return (depIndex(c, x) << SLOT_BITS) | slot;
}

/** The next slot of the current chunk, holding `data` (the chunk is `cur` afterwards). */
export function take(data: number): number {
  const c = cur.n < cur.cap ? cur : growCur();
  const s = c.n++;
  c.f[2 * s] = data; // op word LEAF (0) and grad 0 until written: fresh storage is zero
  return s;
}

/** Takes one slot of the small long-lived chunk (growing it, or opening the next); returns the chunk. */
export function longSlot(): Chunk {
  let t = longChunk;
  if (t.n === t.cap) {
    if (t.cap > 0 && t.cap < MAX_CHUNK && t.deps.length < MAX_DEPS) resize(t, Math.min(2 * t.cap, MAX_CHUNK));
    else t = longChunk = new Chunk(LONG, LONG_LIVED, 64);
  }
  const s = t.n++;
  t.ids![s] = t.base + s;
  return t;
}

export function dep(c: Chunk, r: number): Chunk {
  return r <= SLOT_MASK ? c : c.deps[r >>> SLOT_BITS]!;
}

// ---------------------------------------------------------------------------------------------
// backward()'s walk: marks, and the chunks that hold marked nodes

export const queue: Chunk[] = [];

/**
 * The chunks with marked nodes, a binary heap on key: nextChunk() gives the highest, and no node
 * of a chunk still queued can be a parent of its nodes. (A step's graph spans many chunks.)
 */
export function enqueue(c: Chunk): void {
  c.queued = true;
  let i = queue.length;
  queue.push(c);
  while (i > 0) {
    const p = (i - 1) >> 1;
    if (queue[p]!.key >= c.key) break;
    queue[i] = queue[p]!;
    i = p;
  }
  queue[i] = c;
}

export function nextChunk(): Chunk {
  const top = queue[0]!;
  const last = queue.pop()!;
  const n = queue.length;
  if (n > 0) {
    let i = 0;
    for (;;) {
      let j = 2 * i + 1;
      if (j >= n) break;
      if (j + 1 < n && queue[j + 1]!.key > queue[j]!.key) j++;
      if (queue[j]!.key <= last.key) break;
      queue[i] = queue[j]!;
      i = j;
    }
    queue[i] = last;
  }
  return top;
}

/** Marks a node for the walk, unless it is a leaf (leaves have nothing to pass on) or marked already. */
export function touch(d: Chunk, i: number): void {
  if (d.kind === LEAVES) return;
  const k = d.k;
  const w = k[3 * i]!;
  if ((w & OP_MASK) === LEAF || (w & PENDING) !== 0) return;
  k[3 * i] = w | PENDING;
  if (i > d.hi) d.hi = i;
  d.pend++;
  if (!d.queued) enqueue(d);
}

export function mark2(a: Chunk, ia: number, b: Chunk, ib: number): void {
  touch(a, ia);
  touch(b, ib);
}
