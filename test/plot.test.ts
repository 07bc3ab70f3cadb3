import { describe, expect, it } from "vitest";
import { Resvg } from "@resvg/resvg-js";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MLP, Value, makeMoons } from "micrograd-ts";
import { decisionBoundary, DEFAULT_MAX_GRID_POINTS } from "../node/index.js";
import { moonsDemo } from "../examples/moons.ts";

const { X, y } = makeMoons(100, { noise: 0.1, seed: 1337, labels: "signed" });
// A linear model with a known boundary: class 1 where x0 > 0.5.
const linear = (p: number[]) => new Value(p[0]).sub(0.5);

/** The elements inside the vega mark group named `name` (layer_0_marks: the grid, layer_1_marks: the points). */
function marks(svg: string, name: string): string[] {
  const start = svg.indexOf(`${name}"`);
  expect(start).toBeGreaterThan(0);
  const end = svg.indexOf("</g>", start);
  return svg.slice(start, end).match(/<path [^>]*\/>/g) ?? [];
}

describe("decisionBoundary: the demo's picture (vega-lite, SVG and PNG)", () => {
  it("evaluates the model on the notebook's grid (h = 0.25, one unit beyond the data)", () => {
    const b = decisionBoundary(linear, X, y);
    const xs = X.map((r) => r[0]);
    const ys = X.map((r) => r[1]);
    const nx = Math.ceil((Math.max(...xs) + 1 - (Math.min(...xs) - 1)) / 0.25);
    const ny = Math.ceil((Math.max(...ys) + 1 - (Math.min(...ys) - 1)) / 0.25);
    expect(b.grid).toHaveLength(nx * ny);
    expect(b.grid[0]).toMatchObject({ x: Math.min(...xs) - 1, y: Math.min(...ys) - 1 });
    expect(b.grid.every((g) => g.prediction === (g.x > 0.5 ? 1 : -1))).toBe(true);
  });
  it("renders well-formed SVG: every grid cell and all 100 points, coloured by class", async () => {
    const b = decisionBoundary(linear, X, y);
    const svg = await b.toSvg();
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
    // resvg parses XML strictly: a malformed document throws here.
    expect(new Resvg(svg).width).toBeGreaterThan(400);
    const cells = marks(svg, "layer_0_marks");
    expect(cells).toHaveLength(b.grid.length);
    expect(cells.filter((c) => c.includes('fill="#5e4fa2"'))).toHaveLength(b.grid.filter((g) => g.prediction === 1).length);
    const points = marks(svg, "layer_1_marks");
    expect(points).toHaveLength(100);
    expect(points.filter((p) => p.includes('fill="#9e0142"'))).toHaveLength(50);
    expect(points.filter((p) => p.includes('fill="#5e4fa2"'))).toHaveLength(50);
    expect(points[0]).toContain("x: 1.12211460754; y: 0.0814771734172; class: -1");
    expect(svg).toContain("role-legend");
  });
  it("takes 0 / 1 labels and numbers as scores too", async () => {
    const { X: X01, y: y01 } = makeMoons(40, { noise: 0.1, seed: 1 });
    const b = decisionBoundary((p) => p[1], X01, y01, { step: 0.5, title: "moons" });
    expect(new Set(b.grid.map((g) => g.prediction))).toEqual(new Set([0, 1]));
    const svg = await b.toSvg();
    expect(marks(svg, "layer_1_marks")).toHaveLength(40);
    expect(svg).toContain(">moons</text>");
  });
  it("saves SVG and PNG by the extension", async () => {
    const dir = mkdtempSync(join(tmpdir(), "moons-plot-"));
    const b = decisionBoundary(linear, X, y);
    const png = readFileSync(await b.save(join(dir, "sub", "boundary.png")));
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.readUInt32BE(16)).toBeGreaterThan(800); // width at scale 2
    expect(readFileSync(await b.save(join(dir, "boundary.svg")), "utf8")).toMatch(/^<svg/);
    await expect(b.save(join(dir, "boundary.jpg"))).rejects.toThrow(/ending in .svg or .png/);
  });
  it("takes an MLP as it is (callable, returning a Value): each cell is the sign of its score", () => {
    const demo = moonsDemo(); // untrained, it says -1 everywhere
    demo.step(0);
    demo.step(1);
    const { model } = demo;
    const b = decisionBoundary(model, X, y, { step: 0.5 });
    for (const g of b.grid) expect(g.prediction).toBe(model([g.x, g.y]).data > 0 ? 1 : -1);
    expect(new Set(b.grid.map((g) => g.prediction)).size).toBe(2);
    const fresh = new MLP(2, [16, 16, 1]); // the type a user has in hand
    expect(decisionBoundary(fresh, X, y, { step: 1 }).grid.length).toBeGreaterThan(0);
  });
  it("says what is wrong with bad input", () => {
    expect(() => decisionBoundary(linear, X, y.slice(1))).toThrow(/X and y must be non-empty arrays of the same length, got 100 and 99/);
    expect(() => decisionBoundary(linear, [[0, Number.NaN]], [1])).toThrow(/X\[0\] must be two finite numbers/);
    expect(() => decisionBoundary(() => ({}) as never, X, y)).toThrow(/must return a Value or a number/);
    expect(() => decisionBoundary(linear, X, y.map((v, i) => (i === 0 ? 2 : v)))).toThrow(/two classes/);
    expect(() => decisionBoundary(linear, X, y, { step: 0 })).toThrow(/step must be a positive number/);
    expect(() => decisionBoundary(linear, X, y, { margin: -1 })).toThrow("decisionBoundary: margin must be a number of at least 0, got -1");
    expect(() => decisionBoundary(linear, X, y, { width: 0 })).toThrow("decisionBoundary: width must be a positive number of pixels, got 0");
    expect(() => decisionBoundary(linear, X, y, { height: Infinity })).toThrow("decisionBoundary: height must be a positive number of pixels, got Infinity");
    expect(() => decisionBoundary(linear, X, y, { maxGridPoints: 0 })).toThrow("decisionBoundary: maxGridPoints must be a whole number of at least 1 (or Infinity), got number 0");
  });
});

describe("decisionBoundary: sizes are bounded", () => {
  it(`a step so small that the grid passes maxGridPoints (default ${DEFAULT_MAX_GRID_POINTS.toLocaleString("en-US")}) is refused before the model runs, with a step that fits`, () => {
    expect(DEFAULT_MAX_GRID_POINTS).toBe(100_000);
    let calls = 0;
    const counted = (p: number[]) => (calls++, p[0] - 0.5);
    const fine = () => decisionBoundary(counted, X, y, { step: 0.001 });
    expect(fine).toThrow(/^decisionBoundary: the grid would have [\d,]+ x [\d,]+ = [\d,]+ points at step 0\.001, more than maxGridPoints = 100,000 \(each is a call of the model and a rectangle in the picture\)\. Use a larger step \(step: [\d.]+ fits\), or raise the bound: \{ maxGridPoints: \d+ \}\.$/);
    expect(calls).toBe(0);
    const message = (() => {
      try {
        fine();
      } catch (e) {
        return (e as Error).message;
      }
    })()!;
    const [nx, ny, total] = message.match(/have ([\d,]+) x ([\d,]+) = ([\d,]+) points/)!.slice(1).map((t) => Number(t.replaceAll(",", "")));
    expect(nx * ny).toBe(total);
    // The step it suggests fits, and the bound it names lets the original through.
    const step = Number(message.match(/step: ([\d.]+) fits/)![1]);
    const fitted = decisionBoundary(linear, X, y, { step });
    expect(fitted.grid.length).toBeLessThanOrEqual(100_000);
    expect(fitted.grid.length).toBeGreaterThan(80_000);
    // The bound is exact.
    const n = decisionBoundary(linear, X, y).grid.length;
    expect(decisionBoundary(linear, X, y, { maxGridPoints: n }).grid).toHaveLength(n);
    expect(() => decisionBoundary(linear, X, y, { maxGridPoints: n - 1 })).toThrow(`= ${n} points at step 0.25, more than maxGridPoints = ${n - 1}`);
  });

  it("a PNG past the raster bound is refused with its size, as drawDot's are", async () => {
    const wide = decisionBoundary(linear, X, y, { width: 20_000 });
    await expect(wide.toPng()).rejects.toThrow(/^decisionBoundary\(\.\.\.\)\.toPng\(\): the PNG would be [\d,]+ x [\d,]+ pixels \(at scale 2\), more than maxSide = 16,384 pixels a side/);
    expect((await wide.toSvg()).length).toBeGreaterThan(1000);
  });
});
