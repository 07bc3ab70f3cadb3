// drawDot: the computation graph as a picture, as micrograd's draw_dot draws it. Browser-safe:
// DOT text is built here, SVG comes from Graphviz compiled to WebAssembly, and file output
// (save) lives in the Node-only module node/, loaded on demand.

import type { Graphviz } from "@hpcc-js/wasm-graphviz";
import { topologicalOrder, Value } from "./engine.js";
import { pyFixed } from "./python/format.js";

export type Rankdir = "LR" | "TB";

export interface DrawOptions {
  /** Layout direction: "LR" (left to right, the default, as in micrograd) or "TB" (top to bottom). */
  rankdir?: Rankdir;
  /**
   * The most Values drawn before drawDot refuses with an error (default DEFAULT_MAX_NODES).
   * Graphviz's layout grows much faster than linearly, and runs synchronously: a graph of
   * thousands of nodes blocks for minutes and gives an unreadable picture.
   */
  maxNodes?: number;
  /**
   * The most characters of a label a picture shows (default DEFAULT_MAX_LABEL_LENGTH); a longer
   * label is cut and ends in "…", its full text kept in the DOT as the node's tooltip. Counted
   * in user-perceived characters (an emoji with its modifiers is one), line breaks included.
   */
  maxLabelLength?: number;
  /**
   * The most nodes Graphviz may have to place (default DEFAULT_MAX_LAYOUT_SIZE), counting the
   * bends of edges that skip columns (a Value used far from where it was made) as dot does; a
   * graph of a few hundred Values can have tens of thousands. Past it drawDot refuses.
   */
  maxLayoutSize?: number;
}

/**
 * Room for the demo's MLP(2, [16, 16, 1]) on one input (1,009 values, laid out in about 1.5 s);
 * at 2,000 Graphviz takes about 10 s, at 3,000 over 30 s; the moons demo's ~66,000 would not end.
 */
export const DEFAULT_MAX_NODES = 2000;

/**
 * Room for a long name ("x1*w1 + x2*w2 + b (the neuron's raw activation)") in a box of
 * reasonable width. Without a bound, one 100,000-character label made a 1.8-million-pixel-wide
 * picture.
 */
export const DEFAULT_MAX_LABEL_LENGTH = 64;

/**
 * Room for the demo's MLP(2, [16, 16, 1]) on one input (about 5,800: 1,649 nodes and 4,100
 * bends, about 1.5 s); at 26,000 (one input used by each of 160 terms of a sum) Graphviz took
 * about 7 s, at 100,000 25 s.
 */
export const DEFAULT_MAX_LAYOUT_SIZE = 20_000;

/**
 * Graph attributes that bound Graphviz's network-simplex passes (placing columns and rows) to
 * 2 iterations per node: unbounded, a sum of 80 terms that all use one input (242 Values) took
 * 10 to 22 s, bounded 0.5 s. Pictures that converge sooner (the walkthrough, the demo's MLP)
 * come out the same, byte for byte.
 */
const LAYOUT_LIMITS = "nslimit=2 nslimit1=2";

const OPTION_NAMES = ["rankdir", "maxNodes", "maxLabelLength", "maxLayoutSize"];

export interface SaveOptions {
  /** PNG only: pixels per SVG pixel; 1 is Graphviz's own 96 dpi, the default 2 suits high-density screens. */
  scale?: number;
  /** PNG only: the most pixels the image may have on a side (default 16,384); a larger one is an error. */
  maxSide?: number;
  /** PNG only: the most pixels the image may have in all (default 64 Mpx, 67,108,864); a larger one is an error. */
  maxPixels?: number;
}

/** What save() needs from the Node module. */
interface NodeSaver {
  saveDrawing(drawing: Drawing, path: string, options?: SaveOptions): Promise<string>;
}

/**
 * Where node/index.ts registers itself when it is loaded: a program that imports
 * "micrograd-ts/node" (or bundles it) saves through it without a dynamic import.
 */
const SAVER_KEY = Symbol.for("micrograd-ts.node.saveDrawing");

/** The picture of one graph, taken when drawDot was called (later changes to data or grad do not show). */
export class Drawing {
  /** The number of Values (record nodes) in the picture. */
  readonly valueCount: number;
  /** The number of op nodes (`+`, `*`, `tanh`, …) in the picture. */
  readonly opCount: number;
  private readonly dot: string;

  /** @internal use drawDot(root) */
  constructor(dot: string, valueCount: number, opCount: number) {
    this.dot = dot;
    this.valueCount = valueCount;
    this.opCount = opCount;
  }

  /** Graphviz DOT text: the same graph gives the same text, byte for byte. */
  toDot(): string {
    return this.dot;
  }

  /** SVG text, laid out by Graphviz (WebAssembly): works in Node and in a browser. */
  async toSvg(): Promise<string> {
    const graphviz = await loadGraphviz();
    return graphviz.layout(this.dot, "svg", "dot");
  }

  /**
   * Writes the picture to `path`, in the format its extension names: `.svg`, `.dot` (or `.gv`)
   * or `.png` (any case), creating missing folders. Resolves to the absolute path written.
   * Node only; in a browser use toSvg().
   */
  async save(path: string, options?: SaveOptions): Promise<string> {
    if (typeof path !== "string" || path === "") {
      throw new TypeError(`drawing.save(path): path must be a file name ending in .svg, .dot or .png, got ${describe(path)}`);
    }
    const saver = await loadNodeSaver();
    return saver.saveDrawing(this, path, options);
  }

  toString(): string {
    return `Drawing(${this.valueCount} values, ${this.opCount} ops)`;
  }
}

/**
 * Draws the graph that computed `root` (or several roots), as micrograd's draw_dot: one record
 * node per Value, `{ label | data 2.0000 | grad 6.0000 }`, and one small node per op with an
 * edge into its result and an edge from each operand into it.
 */
export function drawDot(root: Value | readonly Value[], options: DrawOptions = {}): Drawing {
  const roots = checkRoots(root);
  const { rankdir, maxNodes, maxLabelLength, maxLayoutSize } = checkOptions(options);

  // Trace order: children before parents, as backward() walks it in reverse, so node ids do
  // not depend on memory addresses or on anything but the graph itself.
  const order: Value[] = [];
  const ids = new Map<Value, number>();
  for (const r of roots) {
    for (const v of topologicalOrder(r)) {
      if (ids.has(v)) continue;
      ids.set(v, order.length);
      order.push(v);
    }
    if (order.length > maxNodes) throw tooLarge(order.length, maxNodes, roots.length > 1);
  }
  const layout = layoutSize(order, ids);
  if (layout.size > maxLayoutSize) throw layoutTooLarge(layout, order.length, maxLayoutSize);

  const lines = ["digraph {", `  graph [rankdir=${rankdir} ${LAYOUT_LIMITS}]`];
  const edges: string[] = [];
  let opCount = 0;
  for (let i = 0; i < order.length; i++) {
    const v = order[i]!;
    const fields = [`data ${pyFixed(v.data)}`, `grad ${pyFixed(v.grad)}`];
    const label = v.label;
    const shown = shorten(label, maxLabelLength);
    if (label !== "") fields.unshift(recordText(shown));
    const tooltip = shown === label ? "" : ` tooltip="${tooltipText(label)}"`;
    lines.push(`  n${i} [label="{ ${fields.join(" | ")} }" shape=record${tooltip}]`);
    const op = v.op;
    if (op === "") continue;
    opCount++;
    lines.push(`  n${i}_op [label="${quoted(op)}"]`, `  n${i}_op -> n${i}`);
    // One edge per operand, so `a + a` shows both uses of a.
    for (const child of v.children) edges.push(`  n${ids.get(child)} -> n${i}_op`);
  }
  // concat, not push(...edges): a spread of 100,000+ arguments overflows the stack.
  return new Drawing(lines.concat(edges, "}", "").join("\n"), order.length, opCount);
}

// ---------------------------------------------------------------------------------------------
// Checking the input

function checkRoots(root: unknown): Value[] {
  const what = "drawDot(root): root must be a Value (the result of an expression, e.g. L) or an array of Values";
  if (root instanceof Value) return [root];
  if (Array.isArray(root)) {
    if (root.length === 0) throw new TypeError(`${what}, got an empty array`);
    root.forEach((r, i) => {
      if (!(r instanceof Value)) throw new TypeError(`${what}; element ${i} is ${describe(r)}`);
    });
    return root as Value[];
  }
  throw new TypeError(`${what}, got ${describe(root)}`);
}

function checkOptions(options: unknown): { rankdir: Rankdir; maxNodes: number; maxLabelLength: number; maxLayoutSize: number } {
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw new TypeError(`drawDot(root, options): options must be an object like { rankdir: "TB" }, got ${describe(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!OPTION_NAMES.includes(key)) {
      const hint = key === "format" ? " (the file format follows the extension given to save(path))" : "";
      throw new TypeError(`drawDot(root, options): unknown option "${key}"${hint}; the options are rankdir ("LR" or "TB"), maxNodes, maxLabelLength and maxLayoutSize`);
    }
  }
  const { rankdir = "LR", maxNodes = DEFAULT_MAX_NODES, maxLabelLength = DEFAULT_MAX_LABEL_LENGTH, maxLayoutSize = DEFAULT_MAX_LAYOUT_SIZE } = options as DrawOptions;
  if (rankdir !== "LR" && rankdir !== "TB") {
    throw new RangeError(`drawDot: rankdir must be "LR" (left to right, the default) or "TB" (top to bottom), got ${describe(rankdir)}`);
  }
  checkBound("drawDot", "maxNodes", maxNodes);
  checkBound("drawDot", "maxLabelLength", maxLabelLength);
  checkBound("drawDot", "maxLayoutSize", maxLayoutSize);
  return { rankdir, maxNodes, maxLabelLength, maxLayoutSize };
}

/** @internal A size bound given as an option: a whole number of at least 1, or Infinity for none. */
export function checkBound(who: string, name: string, value: unknown): void {
  if (typeof value !== "number" || !(value >= 1) || (!Number.isInteger(value) && value !== Infinity)) {
    throw new RangeError(`${who}: ${name} must be a whole number of at least 1 (or Infinity), got ${describe(value)}`);
  }
}

function tooLarge(count: number, maxNodes: number, several: boolean): RangeError {
  const size = several ? `the graphs have at least ${count.toLocaleString("en-US")} values` : `the graph has ${count.toLocaleString("en-US")} values`;
  return new RangeError(
    `drawDot: ${size}, more than maxNodes = ${maxNodes.toLocaleString("en-US")}. Graphviz would take minutes ` +
      `(it cannot be interrupted) and the picture would be unreadable. Draw a smaller expression ` +
      `(e.g. one neuron or one data point's loss), or raise the limit: drawDot(root, { maxNodes: ${count} }).`,
  );
}

/** What Graphviz's dot will have to place: Values, op nodes and the bends of long edges. */
interface LayoutSize {
  size: number;
  ops: number;
  bends: number;
}

/**
 * About how many nodes dot places. It puts nodes in columns (operands, op, result: two columns
 * per op) and breaks an edge that skips columns into a bend per column, and its time grows
 * faster than linearly with all of them. Columns are counted as dot starts them: each result
 * right after its latest operand, each leaf right before its first use. A Value used far from
 * where it was made (an input in every term of a long sum) adds a long edge per use.
 */
function layoutSize(order: readonly Value[], ids: ReadonlyMap<Value, number>): LayoutSize {
  const column = new Float64Array(order.length);
  const operands: number[][] = order.map((v) => v.children.map((c) => ids.get(c)!));
  let ops = 0;
  for (let i = 0; i < order.length; i++) {
    if (operands[i]!.length === 0) continue;
    ops++;
    let latest = 0;
    for (const c of operands[i]!) latest = Math.max(latest, column[c]!);
    column[i] = latest + 2;
  }
  const leaf = operands.map((o) => o.length === 0);
  const firstUse = new Float64Array(order.length).fill(Infinity);
  for (let i = 0; i < order.length; i++) for (const c of operands[i]!) firstUse[c] = Math.min(firstUse[c]!, column[i]! - 2);
  for (let i = 0; i < order.length; i++) if (leaf[i] && firstUse[i] !== Infinity) column[i] = firstUse[i]!;
  let bends = 0;
  for (let i = 0; i < order.length; i++) for (const c of operands[i]!) bends += Math.max(0, column[i]! - column[c]! - 2);
  return { size: order.length + ops + bends, ops, bends };
}

function layoutTooLarge(layout: LayoutSize, values: number, maxLayoutSize: number): RangeError {
  const n = (x: number) => x.toLocaleString("en-US");
  return new RangeError(
    `drawDot: Graphviz would have to place about ${n(layout.size)} nodes (${n(values)} values, ${n(layout.ops)} ops and ${n(layout.bends)} bends ` +
      `of edges that skip columns: values used far from where they were made), more than maxLayoutSize = ${n(maxLayoutSize)}. ` +
      `Graphviz's time grows faster than that count, it cannot be interrupted, and the picture would be unreadable. ` +
      `Draw a smaller expression, or raise the limit: drawDot(root, { maxLayoutSize: ${layout.size} }).`,
  );
}

/** @internal What a bad argument was, for error messages. */
export function describe(x: unknown): string {
  if (x === null) return "null";
  if (x === undefined) return "undefined";
  if (typeof x === "string") return JSON.stringify(x);
  if (Array.isArray(x)) return `an array of length ${x.length}`;
  if (typeof x === "object") return `an object (${Object.prototype.toString.call(x)})`;
  if (typeof x === "function") return "a function";
  return `${typeof x} ${String(x)}`;
}

// ---------------------------------------------------------------------------------------------
// Escaping: a label shows exactly as written, whatever characters it has.

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Text inside a DOT double-quoted string: `"` and `\` escaped, `&` written as an entity
 * (Graphviz would otherwise read `&amp;` in a label as `&`), line breaks as DOT's `\n`, and
 * other control characters as their visible Unicode pictures (they are not allowed in SVG).
 */
function quoted(text: string, backslash = "\\\\"): string {
  return (
    text
      .replace(LONE_SURROGATE, "\uFFFD")
      .replace(/\r\n?/g, "\n")
      // biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what this escapes
      .replace(/[\\"&\n\x00-\x09\x0b-\x1f\x7f]/g, (c) => {
        if (c === "\\") return backslash;
        if (c === '"') return '\\"';
        if (c === "&") return "&amp;";
        if (c === "\n") return "\\n";
        return String.fromCharCode(c === "\x7f" ? 0x2421 : 0x2400 + c.charCodeAt(0));
      })
  );
}

/**
 * A tooltip's text: as quoted(), but a backslash as four. Graphviz unescapes a tooltip twice
 * (`\\N` shows the node's name, `\\\\N` shows \N), unlike a label.
 */
function tooltipText(text: string): string {
  return quoted(text, "\\\\\\\\");
}

/**
 * The label as a picture shows it: at most `max` characters, the last one "…" when it is cut.
 * Cut between user-perceived characters (Intl.Segmenter, where the engine has it), so that no
 * emoji or accented letter is split into pieces that show as something else.
 */
function shorten(label: string, max: number): string {
  if (label.length <= max) return label; // UTF-16 units: never fewer than characters
  const Segmenter = (Intl as { Segmenter?: typeof Intl.Segmenter }).Segmenter;
  let kept = "";
  let count = 0;
  const pieces: Iterable<{ segment: string }> = Segmenter ? new Segmenter(undefined, { granularity: "grapheme" }).segment(label) : Array.from(label, (segment) => ({ segment }));
  for (const { segment } of pieces) {
    if (++count > max) return `${kept}…`;
    if (count < max) kept += segment;
  }
  return label;
}

/**
 * A field of a record label: besides quoted(), the record syntax characters `{ } | < >` are
 * escaped, and spaces that the record parser would drop or merge (leading, trailing, runs)
 * become no-break spaces.
 */
function recordText(text: string): string {
  const spaced = text.replace(/ {2,}|^ | $/gm, (run) => "\u00a0".repeat(run.length));
  return quoted(spaced).replace(/[{}|<>]/g, "\\$&");
}

// ---------------------------------------------------------------------------------------------
// Loading Graphviz and the Node module on demand

let graphvizPromise: Promise<Graphviz> | undefined;

function loadGraphviz(): Promise<Graphviz> {
  if (graphvizPromise === undefined) {
    const loading: Promise<Graphviz> = import("@hpcc-js/wasm-graphviz").then((m) => m.Graphviz.load());
    // A failed load (e.g. a network error fetching the module in a browser) may be retried.
    loading.catch(() => {
      if (graphvizPromise === loading) graphvizPromise = undefined;
    });
    graphvizPromise = loading;
  }
  return graphvizPromise;
}

// Relative to this file in every build: runtime/ -> node/ (sources, dist/ and dist/cjs/ alike).
// Kept in a variable, with the bundlers' ignore comments, so a browser bundle does not pull in
// Node's fs and the PNG rasteriser.
const NODE_MODULE = "../node/index.js";

async function loadNodeSaver(): Promise<NodeSaver> {
  const registered = (globalThis as Record<symbol, unknown>)[SAVER_KEY] as NodeSaver["saveDrawing"] | undefined;
  if (registered) return { saveDrawing: registered };
  const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
  if (!proc?.versions?.node) {
    throw new Error(
      "drawing.save(path) writes a file and works only in Node. In a browser use " +
        "`const svg = await drawDot(root).toSvg()` and put the SVG text in the page (or toDot() for the DOT text).",
    );
  }
  const module = (await import(/* @vite-ignore */ /* webpackIgnore: true */ NODE_MODULE)) as NodeSaver;
  return module;
}
