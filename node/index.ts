// micrograd-ts/node: what needs Node (files, the PNG rasteriser), kept out of the browser-safe
// runtime. drawing.save(path) loads this module on demand; importing it yourself works too.

import { mkdir, writeFile } from "node:fs/promises";
import { dirname, extname, resolve } from "node:path";
import { renderAsync } from "@resvg/resvg-js";

/** What saveDrawing needs of a drawing (the Drawing that drawDot returns). */
export interface DrawingLike {
  toDot(): string;
  toSvg(): Promise<string>;
}

export interface PngOptions {
  /** Pixels per SVG pixel: 1 is Graphviz's own 96 dpi; the default 2 is sharp on high-density screens. */
  scale?: number;
}

const FORMATS = ".svg, .dot (or .gv) or .png";

/**
 * Writes `drawing` to `path` in the format its extension names (`.svg`, `.dot`, `.gv`, `.png`,
 * any case), creating missing folders. Resolves to the absolute path written.
 */
export async function saveDrawing(drawing: DrawingLike, path: string, options: PngOptions = {}): Promise<string> {
  if (options === null || typeof options !== "object") {
    throw new TypeError(`save(path, options): options must be an object like { scale: 2 }, got ${String(options)}`);
  }
  if (typeof path !== "string" || path === "") {
    throw new TypeError(`save(path): path must be a file name ending in ${FORMATS}, got ${JSON.stringify(path) ?? String(path)}`);
  }
  const ext = extname(path).toLowerCase();
  let content: string | Buffer;
  if (ext === ".svg") content = await drawing.toSvg();
  else if (ext === ".dot" || ext === ".gv") content = drawing.toDot();
  else if (ext === ".png") content = await svgToPng(await drawing.toSvg(), options);
  else {
    const what = ext === "" ? "has no extension" : `ends in "${extname(path)}"`;
    throw new Error(`save("${path}"): the file name ${what}; the format follows the extension: use ${FORMATS}`);
  }
  const full = resolve(path);
  await mkdir(dirname(full), { recursive: true });
  await writeFile(full, content);
  return full;
}

// Graphviz (WebAssembly, no font files) sizes the boxes with Times' metrics. Where the machine
// has no Times-compatible font, the rasteriser would fall back to a wider serif and the text
// would spill out of its box: list the metric-compatible families first, then a condensed
// serif that fits.
const GRAPHVIZ_FONT = 'font-family="Times,serif"';
const PNG_FONT = 'font-family="Times,Times New Roman,Liberation Serif,Tinos,Nimbus Roman,DejaVu Serif,serif" font-stretch="condensed"';

/**
 * Rasterises SVG text to PNG bytes on a white background with @resvg/resvg-js, using the
 * system's fonts for the labels.
 */
export async function svgToPng(svg: string, options: PngOptions = {}): Promise<Buffer> {
  const scale = options.scale ?? 2;
  if (typeof scale !== "number" || !(scale > 0) || !Number.isFinite(scale)) {
    throw new RangeError(`svgToPng: scale must be a positive number, got ${String(scale)}`);
  }
  const image = await renderAsync(svg.replaceAll(GRAPHVIZ_FONT, PNG_FONT), {
    background: "white",
    fitTo: { mode: "zoom", value: scale },
    font: { loadSystemFonts: true },
  });
  return image.asPng();
}

// drawing.save() looks here first, so a program (or a bundle) that has loaded this module
// saves without another dynamic import.
(globalThis as Record<symbol, unknown>)[Symbol.for("micrograd-ts.node.saveDrawing")] = saveDrawing;
export { decisionBoundary, DecisionBoundary, type ScoreModel, type DecisionBoundaryOptions } from "./plot.js";
