// micrograd-ts/node: what needs Node (files, the PNG rasteriser), kept out of the browser-safe
// runtime. drawing.save(path) loads this module on demand; importing it yourself works too.
// The rasteriser (node/png.ts) and the decision-boundary plot (node/plot.ts) are its parts.

import { mkdir, writeFile } from "node:fs/promises";
import { dirname, extname, resolve } from "node:path";
import { checkPngOptions, type PngOptions, pngOf } from "./png.js";

export { DEFAULT_MAX_PIXELS, DEFAULT_MAX_SIDE, type PngOptions, svgToPng } from "./png.js";

/** What saveDrawing needs of a drawing (the Drawing that drawDot returns). */
export interface DrawingLike {
  toDot(): string;
  toSvg(): Promise<string>;
}

const FORMATS = ".svg, .dot (or .gv) or .png";

/**
 * Writes `drawing` to `path` in the format its extension names (`.svg`, `.dot`, `.gv`, `.png`,
 * any case), creating missing folders. Resolves to the absolute path written.
 */
export async function saveDrawing(drawing: DrawingLike, path: string, options: PngOptions = {}): Promise<string> {
  checkPngOptions(options, "save(path, options)");
  if (typeof path !== "string" || path === "") {
    throw new TypeError(`save(path): path must be a file name ending in ${FORMATS}, got ${JSON.stringify(path) ?? String(path)}`);
  }
  const ext = extname(path).toLowerCase();
  let content: string | Buffer;
  if (ext === ".svg") content = await drawing.toSvg();
  else if (ext === ".dot" || ext === ".gv") content = drawing.toDot();
  else if (ext === ".png") content = await pngOf(await drawing.toSvg(), options, `save(${JSON.stringify(path)})`);
  else {
    const what = ext === "" ? "has no extension" : `ends in "${extname(path)}"`;
    throw new Error(`save("${path}"): the file name ${what}; the format follows the extension: use ${FORMATS}`);
  }
  const full = resolve(path);
  await mkdir(dirname(full), { recursive: true });
  await writeFile(full, content);
  return full;
}

// drawing.save() looks here first, so a program (or a bundle) that has loaded this module
// saves without another dynamic import.
(globalThis as Record<symbol, unknown>)[Symbol.for("micrograd-ts.node.saveDrawing")] = saveDrawing;

export { DEFAULT_MAX_GRID_POINTS, DecisionBoundary, type DecisionBoundaryOptions, decisionBoundary, type ScoreModel } from "./plot.js";
