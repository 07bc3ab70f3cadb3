// drawing.save(path): files by extension through the Node-only module, PNG through resvg, and
// the error a browser gets.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { drawDot, Value } from "micrograd-ts";
import { afterAll, describe, expect, test, vi } from "vitest";
import { walkthrough } from "./draw.helpers.js";

const dir = mkdtempSync(join(tmpdir(), "micrograd-draw-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SAVER_KEY = Symbol.for("micrograd-ts.node.saveDrawing");
const registry = globalThis as Record<symbol, unknown>;

function walkthroughAfterBackward(): Value {
  const { L } = walkthrough();
  L.backward();
  return L;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Width and height from the PNG's IHDR chunk (bytes 16..23, big-endian). */
function pngSize(png: Buffer): [number, number] {
  expect(png.subarray(12, 16).toString("latin1")).toBe("IHDR");
  return [png.readUInt32BE(16), png.readUInt32BE(20)];
}

/** The SVG's size in pt, as Graphviz writes it. */
function svgSizePt(svg: string): [number, number] {
  const m = svg.match(/<svg width="(\d+)pt" height="(\d+)pt"/);
  expect(m).not.toBeNull();
  return [Number(m![1]), Number(m![2])];
}

describe("save(path) writes the format its extension names", () => {
  test(".svg writes toSvg(), .dot and .gv write toDot(); folders are made; the absolute path comes back", async () => {
    const drawing = drawDot(walkthroughAfterBackward());
    const svgPath = await drawing.save(join(dir, "new", "folder", "L.svg"));
    expect(svgPath).toBe(join(dir, "new", "folder", "L.svg"));
    expect(readFileSync(svgPath, "utf8")).toBe(await drawing.toSvg());
    expect(readFileSync(await drawing.save(join(dir, "L.dot")), "utf8")).toBe(drawing.toDot());
    expect(readFileSync(await drawing.save(join(dir, "L.gv")), "utf8")).toBe(drawing.toDot());
    // The extension is matched without regard to case.
    expect(readFileSync(await drawing.save(join(dir, "UPPER.SVG")), "utf8")).toBe(await drawing.toSvg());
  });

  test("a relative path is relative to the working directory", async () => {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const written = await drawDot(new Value(1, { label: "x" })).save("relative.dot");
      expect(written).toBe(join(dir, "relative.dot"));
      expect(readFileSync(written, "utf8")).toContain("{ x | data 1.0000 | grad 0.0000 }");
    } finally {
      process.chdir(cwd);
    }
  });

  test(".png is a PNG of the expected size: the SVG's size at twice Graphviz's 96 dpi", async () => {
    const drawing = drawDot(walkthroughAfterBackward());
    const png = readFileSync(await drawing.save(join(dir, "L.png")));
    expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    const [wPt, hPt] = svgSizePt(await drawing.toSvg());
    const [w, h] = pngSize(png);
    // 1 pt = 4/3 px at 96 dpi, times the default scale 2.
    expect(Math.abs(w - (wPt * 8) / 3)).toBeLessThanOrEqual(1);
    expect(Math.abs(h - (hPt * 8) / 3)).toBeLessThanOrEqual(1);
    // The size class of the walkthrough picture: a wide strip, about 3100 x 400 px, with text and lines (not blank).
    expect(w).toBeGreaterThan(2500);
    expect(w).toBeLessThan(4000);
    expect(h).toBeGreaterThan(250);
    expect(h).toBeLessThan(700);
    expect(png.length).toBeGreaterThan(20_000);
    expect(png.length).toBeLessThan(500_000);
  });

  test("the PNG scale: 1 is half the default size (svgToPng and save)", async () => {
    const { svgToPng } = await import("../node/index.js");
    const svg = await drawDot(walkthroughAfterBackward()).toSvg();
    const [w1, h1] = pngSize(await svgToPng(svg, { scale: 1 }));
    const [w2, h2] = pngSize(await svgToPng(svg));
    expect(Math.abs(w2 - 2 * w1)).toBeLessThanOrEqual(2);
    expect(Math.abs(h2 - 2 * h1)).toBeLessThanOrEqual(2);
    await expect(svgToPng(svg, { scale: 0 })).rejects.toThrow("svgToPng: scale must be a positive number, got number 0");
    // save(path, { scale }) passes it on.
    const saved = readFileSync(await drawDot(walkthroughAfterBackward()).save(join(dir, "small.png"), { scale: 1 }));
    expect(pngSize(saved)).toEqual([w1, h1]);
  });

  test("other extensions, no extension and a missing path are clear errors (and write nothing)", async () => {
    const drawing = drawDot(new Value(1));
    await expect(drawing.save(join(dir, "L.jpg"))).rejects.toThrow(
      /save\(".*L\.jpg"\): the file name ends in "\.jpg"; the format follows the extension: use \.svg, \.dot \(or \.gv\) or \.png/,
    );
    await expect(drawing.save(join(dir, "L.pdf"))).rejects.toThrow(/ends in "\.pdf"/);
    await expect(drawing.save(join(dir, "noextension"))).rejects.toThrow(/the file name has no extension; the format follows the extension/);
    await expect(drawing.save("" as string)).rejects.toThrow(/path must be a file name ending in \.svg, \.dot or \.png, got ""/);
    await expect(drawing.save(undefined as never)).rejects.toThrow(/got undefined/);
    expect(() => readFileSync(join(dir, "L.jpg"))).toThrow(/ENOENT/);
  });
});

describe("the size of a PNG is bounded", () => {
  test("the defaults: 16,384 pixels a side, 64 Mpx in all", async () => {
    const { DEFAULT_MAX_SIDE, DEFAULT_MAX_PIXELS } = await import("../node/index.js");
    expect([DEFAULT_MAX_SIDE, DEFAULT_MAX_PIXELS]).toEqual([16_384, 67_108_864]);
  });

  test("a 100,000-character label: the PNG shows it cut and is an ordinary size (it was 1,867,941 px wide and took minutes)", async () => {
    const v = new Value(2, { label: "x".repeat(100_000) }).mul(3);
    const png = readFileSync(await drawDot(v).save(join(dir, "long-label.png")));
    const [w, h] = pngSize(png);
    expect(w).toBeGreaterThan(500);
    expect(w).toBeLessThan(3000);
    expect(h).toBeLessThan(500);
  });

  test("past the bound: an error that gives the size, the bound and the option, and no file; SVG and DOT have no bound", async () => {
    const drawing = drawDot(new Value(2, { label: "x".repeat(100_000) }).mul(3), { maxLabelLength: Infinity });
    const path = join(dir, "huge.png");
    const [wPt, hPt] = svgSizePt(await drawing.toSvg());
    const [w, h] = [Math.round((wPt * 8) / 3), Math.round((hPt * 8) / 3)];
    expect(w).toBeGreaterThan(1_800_000);
    await expect(drawing.save(path)).rejects.toThrow(
      `save(${JSON.stringify(path)}): the PNG would be ${w.toLocaleString("en-US")} x ${h.toLocaleString("en-US")} pixels (at scale 2), ` +
        `more than maxSide = 16,384 pixels a side and more than maxPixels = 67,108,864 pixels in all. Save it as .svg (no size limit), ` +
        `draw a smaller graph, lower the scale (scale: 0.017 fits), or raise the bound with the option { maxSide: ${w}, maxPixels: ${w * h} }.`,
    );
    expect(() => readFileSync(path)).toThrow(/ENOENT/);
    expect(readFileSync(await drawing.save(join(dir, "huge.svg")), "utf8").length).toBeGreaterThan(100_000);
  });

  test("the bound is exact: a PNG of exactly maxSide and maxPixels is made, one pixel less refuses it", async () => {
    const { svgToPng } = await import("../node/index.js");
    const svg = await drawDot(walkthroughAfterBackward()).toSvg();
    for (const scale of [0.37, 1, 2.7]) {
      const [w, h] = pngSize(await svgToPng(svg, { scale }));
      expect(pngSize(await svgToPng(svg, { scale, maxSide: Math.max(w, h), maxPixels: w * h }))).toEqual([w, h]);
      const size = `the PNG would be ${w.toLocaleString("en-US")} x ${h.toLocaleString("en-US")} pixels (at scale ${scale})`;
      await expect(svgToPng(svg, { scale, maxSide: Math.max(w, h) - 1 })).rejects.toThrow(
        `svgToPng: ${size}, more than maxSide = ${(Math.max(w, h) - 1).toLocaleString("en-US")} pixels a side.`,
      );
      await expect(svgToPng(svg, { scale, maxPixels: w * h - 1 })).rejects.toThrow(
        new RegExp(`svgToPng: ${size.replace(/[().]/g, "\\$&")}, more than maxPixels = [\\d,]+ pixels in all\\. .*\\{ maxPixels: ${w * h} \\}\\.$`),
      );
    }
  });

  test("both bounds passed: the error names both, and the scale it suggests fits", async () => {
    const { svgToPng } = await import("../node/index.js");
    const svg = await drawDot(walkthroughAfterBackward()).toSvg();
    const [w, h] = pngSize(await svgToPng(svg, { scale: 1 }));
    const error = await svgToPng(svg, { scale: 1, maxSide: 1000, maxPixels: 100_000 }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(RangeError);
    const message = (error as Error).message;
    expect(message).toContain(`${w.toLocaleString("en-US")} x ${h} pixels (at scale 1), more than maxSide = 1,000 pixels a side and more than maxPixels = 100,000 pixels in all.`);
    expect(message).toContain(`{ maxSide: ${w}, maxPixels: ${w * h} }`);
    const suggested = Number(message.match(/scale: ([\d.]+) fits/)![1]);
    const [sw, sh] = pngSize(await svgToPng(svg, { scale: suggested, maxSide: 1000, maxPixels: 100_000 }));
    expect(Math.max(sw, sh)).toBeLessThanOrEqual(1000);
    expect(sw * sh).toBeLessThanOrEqual(100_000);
    expect(Math.max(sw, sh) > 900 || sw * sh > 90_000).toBe(true); // not needlessly small
  });

  test("PNG options are checked: unknown names and bad bounds are errors", async () => {
    const { svgToPng } = await import("../node/index.js");
    const svg = await drawDot(new Value(1)).toSvg();
    await expect(svgToPng(svg, { maxside: 100 } as never)).rejects.toThrow('svgToPng: unknown option "maxside"; the options are scale, maxSide and maxPixels (for PNG)');
    await expect(drawDot(new Value(1)).save(join(dir, "x.png"), { maxside: 100 } as never)).rejects.toThrow('save(path, options): unknown option "maxside"');
    for (const bad of [0, -1, 1.5, NaN, "100", null]) {
      await expect(svgToPng(svg, { maxSide: bad as never })).rejects.toThrow(/svgToPng: maxSide must be a whole number of at least 1 \(or Infinity\), got /);
      await expect(svgToPng(svg, { maxPixels: bad as never })).rejects.toThrow(/svgToPng: maxPixels must be a whole number of at least 1 \(or Infinity\), got /);
    }
    expect(pngSize(await svgToPng(svg, { maxSide: Infinity, maxPixels: Infinity }))[0]).toBeGreaterThan(0);
  });
});

describe("how save() finds the Node module", () => {
  test('without a registered saver it imports node/ itself (the path `import { drawDot } from "micrograd-ts"` takes)', async () => {
    const saved = registry[SAVER_KEY];
    delete registry[SAVER_KEY];
    try {
      const written = await drawDot(new Value(3, { label: "y" })).save(join(dir, "imported.dot"));
      expect(readFileSync(written, "utf8")).toContain("{ y | data 3.0000 | grad 0.0000 }");
    } finally {
      if (saved) registry[SAVER_KEY] = saved;
    }
  });

  test("in a browser (no Node) save() rejects, saying to use toSvg()", async () => {
    const saved = registry[SAVER_KEY];
    delete registry[SAVER_KEY];
    vi.stubGlobal("process", undefined);
    let pending: Promise<string>;
    try {
      // The check runs before save() first awaits, so Node's process is back before vitest needs it.
      pending = drawDot(new Value(1)).save("L.svg");
    } finally {
      vi.unstubAllGlobals();
      if (saved) registry[SAVER_KEY] = saved;
    }
    await expect(pending).rejects.toThrow(
      "drawing.save(path) writes a file and works only in Node. In a browser use `const svg = await drawDot(root).toSvg()` " +
        "and put the SVG text in the page (or toDot() for the DOT text).",
    );
  });
});
