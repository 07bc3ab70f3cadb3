// The decision boundary of micrograd's demo as a picture: the model's prediction over a grid
// (the notebook's contourf) under the data points coloured by class (its scatter), drawn by
// vega-lite and rendered to SVG headless by vega; PNG through the same rasteriser as drawDot.

import { mkdir, writeFile } from "node:fs/promises";
import { dirname, extname, resolve } from "node:path";
import type * as Vega from "vega";
import type * as VegaLite from "vega-lite";
import type { TopLevelSpec } from "vega-lite";
import { checkBound } from "../runtime/draw.js";
import { pngOf, type PngOptions } from "./index.js";

// vega and vega-lite are ES modules only, and take most of a second to load: they are loaded
// on first render, so that importing micrograd-ts/node (drawDot's save) stays quick. The
// CommonJS build compiles import() into require(), which cannot load these (vega awaits at its
// top level): there the import() that TypeScript leaves alone (built by Function) takes over.
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

let vegaLoaded: Promise<[typeof Vega, typeof VegaLite]> | undefined;
function loadVega(): Promise<[typeof Vega, typeof VegaLite]> {
  vegaLoaded ??= Promise.all([importEsm("vega", () => import("vega")), importEsm("vega-lite", () => import("vega-lite"))]);
  return vegaLoaded;
}

/** A trained model: called on a point [x0, x1], it returns a score (a Value or a number); > 0 is class 1. */
export type ScoreModel = (x: number[]) => { data: number } | number;

export interface DecisionBoundaryOptions {
  /** Grid spacing, the notebook's h (0.25). */
  step?: number;
  /** How far the grid reaches beyond the data on every side (the notebook's 1). */
  margin?: number;
  /** Plot area in pixels (default 480 x 400). */
  width?: number;
  height?: number;
  title?: string;
  /**
   * The most grid points (default DEFAULT_MAX_GRID_POINTS): each is one call of the model and
   * one rectangle in the picture, so a tiny step would run for minutes and make a huge SVG.
   */
  maxGridPoints?: number;
}

/** Far more than the notebook's grid (about 500 points at step 0.25); its step 0.01 would be about 270,000. */
export const DEFAULT_MAX_GRID_POINTS = 100_000;

/** matplotlib's Spectral at its two ends, which the notebook's two classes get. */
const CLASS_COLORS = ["#9e0142", "#5e4fa2"];

/** numpy's arange(start, stop, step): ceil((stop - start) / step) points start + i * step. */
function arange(start: number, stop: number, step: number): number[] {
  return Array.from({ length: arangeLength(start, stop, step) }, (_, i) => start + i * step);
}

function arangeLength(start: number, stop: number, step: number): number {
  return Math.max(0, Math.ceil((stop - start) / step));
}

function scoreOf(model: ScoreModel, point: number[]): number {
  const out = model(point);
  const score = typeof out === "number" ? out : out?.data;
  if (typeof score !== "number" || Number.isNaN(score)) {
    throw new TypeError(`decisionBoundary: the model must return a Value or a number for a point like [${point.join(", ")}], got ${out === null ? "null" : typeof out === "object" ? `an object without a numeric .data` : String(out)}`);
  }
  return score;
}

/** The picture, ready to render: `await boundary.save("moons.svg")` or `.png`. */
export class DecisionBoundary {
  /** The grid the model was evaluated on, each point with its predicted class (-1 or 1). */
  readonly grid: { x: number; y: number; prediction: number }[];
  /** The vega-lite specification drawn. */
  readonly spec: TopLevelSpec;

  constructor(grid: { x: number; y: number; prediction: number }[], spec: TopLevelSpec) {
    this.grid = grid;
    this.spec = spec;
  }

  /** The picture as SVG text (vega's headless renderer). */
  async toSvg(): Promise<string> {
    const [{ parse, View }, { compile }] = await loadVega();
    const view = new View(parse(compile(this.spec).spec), { renderer: "none" });
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

/** The error for a grid of more than maxGridPoints, with a step that fits (`points(step)` counts a grid). */
function tooFine(nx: number, ny: number, step: number, maxGridPoints: number, points: (step: number) => number): RangeError {
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
      `maxGridPoints = ${n(maxGridPoints)} (each is a call of the model and a rectangle in the picture). ` +
      `Use a larger step (step: ${fits} fits), or raise the bound: { maxGridPoints: ${nx * ny} }.`,
  );
}

/**
 * The notebook's decision-boundary plot: the model evaluated on a grid of spacing `step` that
 * reaches `margin` beyond the data, each cell filled by its predicted class, and the points
 * X coloured by their class y (-1 / 1 or 0 / 1).
 *
 * @example await decisionBoundary(model, X, y).save("out/moons.png")
 */
export function decisionBoundary(model: ScoreModel, X: readonly (readonly number[])[], y: readonly number[], options: DecisionBoundaryOptions = {}): DecisionBoundary {
  if (typeof model !== "function") throw new TypeError(`decisionBoundary(model, X, y): model must be callable, as model([x0, x1]), got ${typeof model}`);
  if (!Array.isArray(X) || !Array.isArray(y) || X.length !== y.length || X.length === 0) {
    throw new RangeError(`decisionBoundary(model, X, y): X and y must be non-empty arrays of the same length, got ${Array.isArray(X) ? X.length : typeof X} and ${Array.isArray(y) ? y.length : typeof y}`);
  }
  X.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== 2 || !row.every(Number.isFinite)) {
      throw new TypeError(`decisionBoundary(model, X, y): X[${i}] must be two finite numbers, got ${JSON.stringify(row)}`);
    }
  });
  const { step = 0.25, margin = 1, width = 480, height = 400, title, maxGridPoints = DEFAULT_MAX_GRID_POINTS } = options;
  if (!(step > 0) || !Number.isFinite(step)) throw new RangeError(`decisionBoundary: step must be a positive number, got ${step}`);
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
  const [xMin, xMax, yMin, yMax] = X.reduce(([a, b, c, d], [px, py]) => [Math.min(a, px), Math.max(b, px), Math.min(c, py), Math.max(d, py)], [Infinity, -Infinity, Infinity, -Infinity]);
  const [nx, ny] = [arangeLength(xMin - margin, xMax + margin, step), arangeLength(yMin - margin, yMax + margin, step)];
  if (nx * ny > maxGridPoints) throw tooFine(nx, ny, step, maxGridPoints, (st) => arangeLength(xMin - margin, xMax + margin, st) * arangeLength(yMin - margin, yMax + margin, st));
  const gx = arange(xMin - margin, xMax + margin, step);
  const gy = arange(yMin - margin, yMax + margin, step);
  const grid: { x: number; y: number; prediction: number }[] = [];
  for (const cy of gy) for (const cx of gx) grid.push({ x: cx, y: cy, prediction: scoreOf(model, [cx, cy]) > 0 ? high : low });

  const color = { field: "class", type: "nominal", scale: { domain: [low, high], range: CLASS_COLORS }, title: "class" } as const;
  // Each grid point fills the cell around it, as contourf's regions do between grid points.
  const half = step / 2;
  const xDomain = [gx[0] - half, gx[gx.length - 1] + half];
  const yDomain = [gy[0] - half, gy[gy.length - 1] + half];
  const spec: TopLevelSpec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    ...(title ? { title } : {}),
    width,
    height,
    background: "white",
    // Named families first: the PNG rasteriser maps a bare "sans-serif" to Arial, which many
    // Linux machines lack, and would then fall back to whatever font it finds first.
    config: { font: "Helvetica, Arial, Liberation Sans, DejaVu Sans, sans-serif" },
    layer: [
      {
        data: { values: grid.map((g) => ({ x: g.x - half, x2: g.x + half, y: g.y - half, y2: g.y + half, class: g.prediction })) },
        mark: { type: "rect", opacity: 0.35, strokeWidth: 0 },
        encoding: {
          x: { field: "x", type: "quantitative", scale: { domain: xDomain, nice: false, zero: false }, title: "x0", axis: { grid: false } },
          x2: { field: "x2" },
          y: { field: "y", type: "quantitative", scale: { domain: yDomain, nice: false, zero: false }, title: "x1", axis: { grid: false } },
          y2: { field: "y2" },
          color,
        },
      },
      {
        data: { values: X.map((r, i) => ({ x: r[0], y: r[1], class: y[i] })) },
        mark: { type: "circle", size: 40, opacity: 1, stroke: "black", strokeWidth: 0.5 },
        encoding: {
          x: { field: "x", type: "quantitative" },
          y: { field: "y", type: "quantitative" },
          color,
        },
      },
    ],
  };
  return new DecisionBoundary(grid, spec);
}
