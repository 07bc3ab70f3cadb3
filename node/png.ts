// The PNG rasteriser of micrograd-ts/node: SVG text to PNG bytes with @resvg/resvg-js, an
// optional peer dependency loaded for the first PNG (here, the one place it is loaded). Shared
// by saveDrawing (node/index.ts) and the decision-boundary plot (node/plot.ts).

import { checkBound, describe } from "../runtime/draw.js";
import { importPeer } from "./peers.js";

export interface PngOptions {
  /** Pixels per SVG pixel: 1 is Graphviz's own 96 dpi; the default 2 is sharp on high-density screens. */
  scale?: number;
  /** The most pixels the image may have on a side (default DEFAULT_MAX_SIDE); a larger image is an error. */
  maxSide?: number;
  /** The most pixels the image may have in all (default DEFAULT_MAX_PIXELS); a larger image is an error. */
  maxPixels?: number;
}

/**
 * The bounds of a PNG: a picture larger than this takes minutes and gigabytes to rasterise
 * (a 1,867,941 x 352 one took 149 s and 2.6 GB) and most viewers cannot open it. SVG has none.
 */
export const DEFAULT_MAX_SIDE = 16_384;
/** 64 Mpx: 64 x 2^20 pixels, 256 MiB of RGBA, e.g. 16,384 x 4,096. */
export const DEFAULT_MAX_PIXELS = 64 * 2 ** 20;

const PNG_OPTION_NAMES = ["scale", "maxSide", "maxPixels"];

// Graphviz (WebAssembly, no font files) sizes the boxes with Times' metrics. Where the machine
// has no Times-compatible font, the rasteriser would fall back to a wider serif and the text
// would spill out of its box: list the metric-compatible families first, then a condensed
// serif that fits.
const GRAPHVIZ_FONT = 'font-family="Times,serif"';
const PNG_FONT = 'font-family="Times,Times New Roman,Liberation Serif,Tinos,Nimbus Roman,DejaVu Serif,serif" font-stretch="condensed"';

/**
 * Rasterises SVG text to PNG bytes on a white background with @resvg/resvg-js, using the
 * system's fonts for the labels. An image larger than `maxSide` on a side or `maxPixels` in all
 * is refused, before any pixel is drawn, with an error that gives its size.
 */
export function svgToPng(svg: string, options: PngOptions = {}): Promise<Buffer> {
  return pngOf(svg, options, "svgToPng");
}

/** @internal svgToPng, its errors starting with `who` (what the user called). */
export async function pngOf(svg: string, options: PngOptions, who: string): Promise<Buffer> {
  const { scale, maxSide, maxPixels } = checkPngOptions(options, who);
  const resvg = await importPeer("@resvg/resvg-js", who, () => import("@resvg/resvg-js"));
  checkRasterSize(resvg.Resvg, svg, scale, maxSide, maxPixels, who);
  const image = await resvg.renderAsync(svg.replaceAll(GRAPHVIZ_FONT, PNG_FONT), {
    background: "white",
    fitTo: { mode: "zoom", value: scale },
    font: { loadSystemFonts: true },
  });
  return image.asPng();
}

/** @internal The PNG options, checked: errors start with `who`. */
export function checkPngOptions(options: PngOptions, who = "svgToPng"): Required<PngOptions> {
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw new TypeError(`${who}: options must be an object like { scale: 2 }, got ${describe(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!PNG_OPTION_NAMES.includes(key)) throw new TypeError(`${who}: unknown option "${key}"; the options are scale, maxSide and maxPixels (for PNG)`);
  }
  const { scale = 2, maxSide = DEFAULT_MAX_SIDE, maxPixels = DEFAULT_MAX_PIXELS } = options;
  if (typeof scale !== "number" || !(scale > 0) || !Number.isFinite(scale)) {
    throw new RangeError(`${who}: scale must be a positive number, got ${describe(scale)}`);
  }
  checkBound(who, "maxSide", maxSide);
  checkBound(who, "maxPixels", maxPixels);
  return { scale, maxSide, maxPixels };
}

/** Throws when the PNG of `svg` at `scale` would be larger than the bounds, before any pixel is drawn. */
function checkRasterSize(Resvg: typeof import("@resvg/resvg-js").Resvg, svg: string, scale: number, maxSide: number, maxPixels: number, who: string): void {
  const fits = (w: number, h: number) => w <= maxSide && h <= maxSide && w * h <= maxPixels;
  // Parsing without fonts is quick (text is skipped). resvg reports the size rounded to whole
  // pixels, and makes the PNG round(exact size x scale): what surely fits needs no more.
  const parsed = new Resvg(svg, { font: { loadSystemFonts: false } });
  const upper = (side: number) => Math.ceil((side + 0.5) * scale) + 1;
  if (fits(upper(parsed.width), upper(parsed.height))) return;
  // Near or past a bound: the exact size, from the root of resvg's own serialisation (slower).
  const exact = parsed.toString().match(/^<svg width="([\d.e+-]+)" height="([\d.e+-]+)"/);
  const [width, height] = exact ? [Number(exact[1]), Number(exact[2])] : [parsed.width, parsed.height];
  const size = (side: number) => Math.round(Math.fround(side * scale));
  if (!fits(size(width), size(height))) throw tooLarge(who, size(width), size(height), scale, maxSide, maxPixels);
}

function tooLarge(who: string, width: number, height: number, scale: number, maxSide: number, maxPixels: number): RangeError {
  const n = (x: number) => x.toLocaleString("en-US");
  const side = Math.max(width, height);
  const over = [side > maxSide ? `more than maxSide = ${n(maxSide)} pixels a side` : "", width * height > maxPixels ? `more than maxPixels = ${n(maxPixels)} pixels in all` : ""];
  const raise = [side > maxSide ? `maxSide: ${side}` : "", width * height > maxPixels ? `maxPixels: ${width * height}` : ""];
  // The largest scale that fits (with a pixel to spare for resvg's rounding), rounded down to
  // two significant digits.
  const fit = scale * Math.min((maxSide - 1) / side, Math.sqrt((maxPixels - width - height) / (width * height)));
  const unit = 10 ** (Math.floor(Math.log10(fit)) - 1);
  const fitText = String(Number((Math.floor(fit / unit) * unit).toPrecision(2)));
  return new RangeError(
    `${who}: the PNG would be ${n(width)} x ${n(height)} pixels (at scale ${scale}), ${over.filter(Boolean).join(" and ")}. ` +
      `Save it as .svg (no size limit), draw a smaller graph, lower the scale (scale: ${fitText} fits), ` +
      `or raise the bound with the option { ${raise.filter(Boolean).join(", ")} }.`,
  );
}
