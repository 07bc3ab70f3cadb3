// The decision boundary of micrograd's demo as a picture: the model's score over a fine grid,
// the region where it is positive filled as one class and the rest as the other (the notebook's
// contourf), under the data points coloured by class (its scatter). The boundary is the score's
// zero level set, interpolated linearly between grid points by Vega's isocontour transform (the
// score of a ReLU network is piecewise linear, so the line is smooth and in the right place,
// not a staircase of cells). Vega renders it to SVG headless; PNG through drawDot's rasteriser.
// vega (and @resvg/resvg-js for PNG) are optional peer dependencies, loaded on first render.

import { mkdir, writeFile } from "node:fs/promises";
import { dirname, extname, resolve } from "node:path";
import type * as Vega from "vega";
import { checkBound } from "../runtime/draw.js";
import { importPeer } from "./peers.js";
import { type PngOptions, pngOf } from "./png.js";

// vega is an ES module only, and takes most of a second to load: it is loaded on first render,
// so that importing micrograd-ts/node (drawDot's save) stays quick. The CommonJS build compiles
// import() into require(), which cannot load it (vega awaits at its top level): there the
// import() that TypeScript leaves alone (built by Function) takes over.
const nativeImport = new Function("specifier", "return import(specifier)") as (specifier: string) => Promise<unknown>;

async function importEsm<T>(specifier: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    // ERR_REQUIRE_ESM (Node before 20.19), ERR_REQUIRE_ASYNC_MODULE (vega awaits at top level).
    if (!String((error as { code?: string })?.code).startsWith("ERR_REQUIRE_")) throw error;
    return (await nativeImport(specifier)) as T;
  }
}

let vegaLoaded: Promise<typeof Vega> | undefined;
function loadVega(): Promise<typeof Vega> {
  vegaLoaded ??= importPeer("vega", "decisionBoundary(...).toSvg() and save()", () => importEsm("vega", () => import("vega")));
  return vegaLoaded;
}

/** A trained model: called on a point [x0, x1], it returns a score (a Value or a number); > 0 is class 1. */
export type ScoreModel = (x: number[]) => { data: number } | number;

export interface DecisionBoundaryOptions {
  /** Grid spacing (default: the longer side of the plot over 150, about 0.035 for the moons; the notebook's h was 0.25). */
  step?: number;
  /** How far the grid reaches beyond the data on every side (the notebook's 1). */
  margin?: number;
  /** Plot area in pixels (default 480 x 400). */
  width?: number;
  height?: number;
  title?: string;
  /**
   * The most grid points (default DEFAULT_MAX_GRID_POINTS): each is one call of the model, so a
   * tiny step would run for minutes.
   */
  maxGridPoints?: number;
}

/** Grid points along the longer side by default: the boundary is interpolated between them. */
const DEFAULT_POINTS = 150;
/** Far more than the default grid (about 17,000 points for the moons) or the notebook's (about 500 at step 0.25). */
export const DEFAULT_MAX_GRID_POINTS = 100_000;

/** matplotlib's Spectral at its two ends, which the notebook's two classes get. */
const CLASS_COLORS = ["#9e0142", "#5e4fa2"];
/** The same at 35 % on white, for the regions: opaque, so that the two do not mix where they meet. */
const REGION_COLORS = ["#dda6bd", "#c7c1de"];
/** Named families first: the PNG rasteriser maps a bare "sans-serif" to Arial, which many Linux machines lack. */
const FONT = "Helvetica, Arial, Liberation Sans, DejaVu Sans, sans-serif";

/** `n` evenly spaced points from `start` to `stop`, both included (numpy's linspace). */
function linspace(start: number, stop: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => (i === n - 1 ? stop : start + (i * (stop - start)) / (n - 1)));
}

function scoreOf(model: ScoreModel, point: number[]): number {
  const out = model(point);
  const score = typeof out === "number" ? out : out?.data;
  if (typeof score !== "number" || Number.isNaN(score)) {
    throw new TypeError(
      `decisionBoundary: the model must return a Value or a number for a point like [${point.join(", ")}], got ${out === null ? "null" : typeof out === "object" ? `an object without a numeric .data` : String(out)}`,
    );
  }
  return score;
}

/** The picture, ready to render: `await boundary.save("moons.svg")` or `.png`. */
export class DecisionBoundary {
  /** The grid the model was evaluated on, row by row from the bottom left: each point's score and predicted class. */
  readonly grid: { x: number; y: number; score: number; prediction: number }[];
  /** The Vega specification drawn. */
  readonly spec: Vega.Spec;

  /** @internal use decisionBoundary(model, X, y) */
  constructor(grid: { x: number; y: number; score: number; prediction: number }[], spec: Vega.Spec) {
    this.grid = grid;
    this.spec = spec;
  }

  /** The picture as SVG text (Vega's headless renderer). */
  async toSvg(): Promise<string> {
    const { parse, View } = await loadVega();
    const view = new View(parse(this.spec), { renderer: "none" });
    try {
      return await view.toSVG();
    } finally {
      view.finalize();
    }
  }

  /** The picture as PNG bytes, rasterised by @resvg/resvg-js as drawDot's are. */
  async toPng(options: PngOptions = {}): Promise<Buffer> {
    return pngOf(await this.toSvg(), options, "decisionBoundary(...).toPng()");
  }

  /** Writes `.svg` or `.png` (by the extension), creating folders; resolves to the absolute path. */
  async save(path: string, options: PngOptions = {}): Promise<string> {
    const ext = typeof path === "string" ? extname(path).toLowerCase() : "";
    if (ext !== ".svg" && ext !== ".png") {
      throw new Error(`decisionBoundary(...).save(${JSON.stringify(path)}): the format follows the extension: use a file name ending in .svg or .png`);
    }
    const content = ext === ".svg" ? await this.toSvg() : await pngOf(await this.toSvg(), options, `decisionBoundary(...).save(${JSON.stringify(path)})`);
    const full = resolve(path);
    await mkdir(dirname(full), { recursive: true });
    await writeFile(full, content);
    return full;
  }
}

/** The points a side of the grid has at `step` (both ends included; at least two). */
function gridSide(span: number, step: number): number {
  return Math.max(2, Math.round(span / step) + 1);
}

/** The error for a grid of more than maxGridPoints, with a step that fits. */
function tooFine(spans: [number, number], step: number, maxGridPoints: number): RangeError {
  const points = (st: number) => gridSide(spans[0], st) * gridSide(spans[1], st);
  const [nx, ny] = [gridSide(spans[0], step), gridSide(spans[1], step)];
  const n = (x: number) => x.toLocaleString("en-US");
  // Two significant digits, rounded up until the grid fits.
  const up = (x: number) => {
    const unit = 10 ** (Math.floor(Math.log10(x)) - 1);
    return Number((Math.ceil(x / unit) * unit).toPrecision(2));
  };
  let fits = up(step * Math.sqrt((nx * ny) / maxGridPoints));
  while (points(fits) > maxGridPoints) fits = up(fits * 1.01);
  return new RangeError(
    `decisionBoundary: the grid would have ${n(nx)} x ${n(ny)} = ${n(nx * ny)} points at step ${step}, more than ` +
      `maxGridPoints = ${n(maxGridPoints)} (each is a call of the model). ` +
      `Use a larger step (step: ${fits} fits), or raise the bound: { maxGridPoints: ${nx * ny} }.`,
  );
}

/**
 * The notebook's decision-boundary plot: the model evaluated on a grid that reaches `margin`
 * beyond the data, the region where its score is positive filled in class 1's colour and the
 * rest in the other's, with the boundary interpolated between grid points; over it the points
 * X coloured by their class y (-1 / 1 or 0 / 1).
 *
 * @example await decisionBoundary(model, X, y).save("out/moons.png")
 */
export function decisionBoundary(model: ScoreModel, X: readonly (readonly number[])[], y: readonly number[], options: DecisionBoundaryOptions = {}): DecisionBoundary {
  if (typeof model !== "function") throw new TypeError(`decisionBoundary(model, X, y): model must be callable, as model([x0, x1]), got ${typeof model}`);
  if (!Array.isArray(X) || !Array.isArray(y) || X.length !== y.length || X.length === 0) {
    throw new RangeError(
      `decisionBoundary(model, X, y): X and y must be non-empty arrays of the same length, got ${Array.isArray(X) ? X.length : typeof X} and ${Array.isArray(y) ? y.length : typeof y}`,
    );
  }
  X.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== 2 || !row.every(Number.isFinite)) {
      throw new TypeError(`decisionBoundary(model, X, y): X[${i}] must be two finite numbers, got ${JSON.stringify(row)}`);
    }
  });
  const { margin = 1, width = 480, height = 400, title, maxGridPoints = DEFAULT_MAX_GRID_POINTS } = options;
  if (!(margin >= 0) || !Number.isFinite(margin)) throw new RangeError(`decisionBoundary: margin must be a number of at least 0, got ${margin}`);
  for (const [name, value] of [
    ["width", width],
    ["height", height],
  ] as const) {
    if (!(value > 0) || !Number.isFinite(value)) throw new RangeError(`decisionBoundary: ${name} must be a positive number of pixels, got ${value}`);
  }
  checkBound("decisionBoundary", "maxGridPoints", maxGridPoints);
  // Both label conventions map onto the model's sign: the lower class is "score <= 0".
  const low = y.includes(0) ? 0 : -1;
  const high = 1;
  const stray = y.find((c) => c !== low && c !== high);
  if (stray !== undefined) throw new RangeError(`decisionBoundary: y must hold two classes, -1 / 1 (micrograd's) or 0 / 1 (sklearn's); got ${stray} among ${low} / ${high}`);

  // Not Math.min(...xs): a spread of many points overflows the stack.
  const [xMin, xMax, yMin, yMax] = X.reduce(
    ([a, b, c, d], [px, py]) => [Math.min(a, px), Math.max(b, px), Math.min(c, py), Math.max(d, py)],
    [Infinity, -Infinity, Infinity, -Infinity],
  );
  const [x0, x1, y0, y1] = [xMin! - margin, xMax! + margin, yMin! - margin, yMax! + margin];
  const step = options.step ?? Math.max(x1 - x0, y1 - y0) / (DEFAULT_POINTS - 1);
  if (!(step > 0) || !Number.isFinite(step)) throw new RangeError(`decisionBoundary: step must be a positive number, got ${step}`);
  // At least two points a side (a single data point with margin 0 still gets a small square).
  const nx = gridSide(x1 - x0, step);
  const ny = gridSide(y1 - y0, step);
  if (nx * ny > maxGridPoints) throw tooFine([x1 - x0, y1 - y0], step, maxGridPoints);
  const gx = x1 > x0 ? linspace(x0, x1, nx) : linspace(x0 - step, x0 + step, nx);
  const gy = y1 > y0 ? linspace(y0, y1, ny) : linspace(y0 - step, y0 + step, ny);

  const grid: { x: number; y: number; score: number; prediction: number }[] = [];
  for (const cy of gy) {
    for (const cx of gx) {
      const score = scoreOf(model, [cx, cy]);
      grid.push({ x: cx, y: cy, score, prediction: score > 0 ? high : low });
    }
  }

  // Vega's isocontour puts grid point (i, j) at (i + 0.5, j + 0.5) and cuts the grid's outer
  // corners; mapping the first and last points onto the plot's edges (and clipping) leaves those
  // half cells outside. Rows go up in the data and down on screen, hence the negative y scale.
  const sx = width / (nx - 1);
  const sy = height / (ny - 1);
  const spec: Vega.Spec = {
    $schema: "https://vega.github.io/schema/vega/v6.json",
    description: "The decision boundary of a classifier over two inputs, with the data points",
    width,
    height,
    padding: 5,
    background: "white",
    ...(title ? { title: { text: title, font: FONT, fontSize: 13 } } : {}),
    config: { axis: { labelFont: FONT, titleFont: FONT, grid: false }, legend: { labelFont: FONT, titleFont: FONT } },
    data: [
      {
        name: "scores",
        values: [{ width: nx, height: ny, values: grid.map((g) => g.score) }],
        // scale and translate take [x, y] pairs only as expressions
        transform: [{ type: "isocontour", thresholds: [0], smooth: true, scale: { signal: `[${sx}, ${-sy}]` }, translate: { signal: `[${-0.5 * sx}, ${height + 0.5 * sy}]` } }],
      },
      { name: "samples", values: X.map((r, i) => ({ x: r[0], y: r[1], class: y[i] })) },
    ],
    scales: [
      { name: "x", type: "linear", domain: [gx[0]!, gx[nx - 1]!], range: "width", zero: false, nice: false },
      { name: "y", type: "linear", domain: [gy[0]!, gy[ny - 1]!], range: "height", zero: false, nice: false },
      { name: "class", type: "ordinal", domain: [low, high], range: CLASS_COLORS },
    ],
    axes: [
      { orient: "bottom", scale: "x", title: "x0" },
      { orient: "left", scale: "y", title: "x1" },
    ],
    legends: [{ fill: "class", title: "class", symbolType: "circle", symbolStrokeColor: "black", symbolStrokeWidth: 0.5 }],
    marks: [
      {
        type: "rect",
        name: "below",
        description: `score <= 0: class ${low}`,
        encode: { enter: { x: { value: 0 }, y: { value: 0 }, x2: { signal: "width" }, y2: { signal: "height" }, fill: { value: REGION_COLORS[0]! } } },
      },
      {
        type: "shape",
        name: "above",
        description: `score > 0: class ${high}`,
        clip: true,
        from: { data: "scores" },
        encode: { enter: { fill: { value: REGION_COLORS[1]! }, stroke: { value: "#555" }, strokeWidth: { value: 1 } } },
        transform: [{ type: "geoshape", field: "datum.contour" }],
      },
      {
        type: "symbol",
        name: "points",
        from: { data: "samples" },
        encode: {
          enter: {
            x: { scale: "x", field: "x" },
            y: { scale: "y", field: "y" },
            size: { value: 40 },
            shape: { value: "circle" },
            fill: { scale: "class", field: "class" },
            stroke: { value: "black" },
            strokeWidth: { value: 0.5 },
            description: { signal: "'x0 ' + format(datum.x, '.4f') + ', x1 ' + format(datum.y, '.4f') + ', class ' + datum.class" },
          },
        },
      },
    ],
  };
  return new DecisionBoundary(grid, spec);
}
