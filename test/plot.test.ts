import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Resvg } from "@resvg/resvg-js";
import { MLP, makeMoons, Value } from "micrograd-ts";
import { describe, expect, it } from "vitest";
import { moonsDemo } from "../examples/moons.ts";
import { DEFAULT_MAX_GRID_POINTS, decisionBoundary } from "../node/index.js";

const { X, y } = makeMoons(100, { noise: 0.1, seed: 1337, labels: "signed" });
const xs = X.map((r) => r[0]!);
const ys = X.map((r) => r[1]!);
const [xMin, xMax, yMin, yMax] = [Math.min(...xs) - 1, Math.max(...xs) + 1, Math.min(...ys) - 1, Math.max(...ys) + 1];
// A linear model with a known boundary: class 1 where x0 > 0.5.
const linear = (p: number[]) => new Value(p[0]!).sub(0.5);

/** The group of the Vega mark named `name`: below (the class -1 region), above (class 1), points. */
function mark(svg: string, name: string): string {
  const start = svg.indexOf(`role-mark ${name}"`);
  expect(start, name).toBeGreaterThan(0);
  return svg.slice(start, svg.indexOf("</g>", start));
}

/** The vertices of the SVG paths in `group` (absolute M/L commands, as Vega writes polygons). */
function vertices(group: string): [number, number][] {
  return [...group.matchAll(/ d="([^"]*)"/g)].flatMap((m) => [...m[1]!.matchAll(/[ML](-?[\d.]+),(-?[\d.]+)/g)].map((v) => [Number(v[1]), Number(v[2])] as [number, number]));
}

describe("decisionBoundary: the demo's picture (Vega isocontour, SVG and PNG)", () => {
  it("evaluates the model on a fine grid that reaches one unit beyond the data, 150 points on the longer side", () => {
    const b = decisionBoundary(linear, X, y);
    const nx = new Set(b.grid.map((g) => g.x)).size;
    const ny = new Set(b.grid.map((g) => g.y)).size;
    expect(Math.max(nx, ny)).toBe(150);
    expect(b.grid).toHaveLength(nx * ny);
    expect(b.grid[0]).toMatchObject({ x: xMin, y: yMin });
    expect(b.grid.at(-1)).toMatchObject({ x: xMax, y: yMax });
    for (const g of b.grid) {
      expect(g.score).toBe(g.x - 0.5);
      expect(g.prediction).toBe(g.x > 0.5 ? 1 : -1);
    }
  });

  it("draws the boundary where the score is 0, interpolated between grid points (a straight line here)", async () => {
    const svg = await decisionBoundary(linear, X, y).toSvg();
    expect(new Resvg(svg).width).toBeGreaterThan(400); // resvg parses XML strictly: malformed SVG throws
    const boundaryX = ((0.5 - xMin) / (xMax - xMin)) * 480; // the plot is 480 pixels wide
    const inside = vertices(mark(svg, "above")).filter(([px, py]) => px > 0.01 && px < 479.99 && py > 0.01 && py < 399.99);
    expect(inside.length).toBeGreaterThan(10);
    for (const [px] of inside) expect(Math.abs(px - boundaryX)).toBeLessThan(0.002);
    expect(mark(svg, "below")).toContain('d="M0,0h480v400h-480Z" fill="#dda6bd"');
    expect(mark(svg, "above")).toContain('fill="#c7c1de"');
  });

  it("a curved boundary comes out smooth: every vertex on the circle the model's score is 0 on", async () => {
    const circle = (p: number[]) => p[0]! ** 2 + p[1]! ** 2 - 0.25;
    const svg = await decisionBoundary(circle, X, y).toSvg();
    const [sx, sy] = [(xMax - xMin) / 480, (yMax - yMin) / 400];
    const onCircle = vertices(mark(svg, "above"))
      .map(([px, py]) => [xMin + px * sx, yMax - py * sy] as const)
      .filter(([x0, x1]) => Math.hypot(x0, x1) < 1);
    expect(onCircle.length).toBeGreaterThan(50);
    // a staircase of cells would be up to half a cell (0.017) off; linear interpolation is exact to O(step²)
    for (const [x0, x1] of onCircle) expect(Math.abs(Math.hypot(x0, x1) - 0.5)).toBeLessThan(0.003);
  });

  it("draws all 100 points, coloured by class, with their coordinates for screen readers", async () => {
    const svg = await decisionBoundary(linear, X, y).toSvg();
    const points = mark(svg, "points").match(/<path [^>]*\/>/g)!;
    expect(points).toHaveLength(100);
    expect(points.filter((p) => p.includes('fill="#9e0142"'))).toHaveLength(50);
    expect(points.filter((p) => p.includes('fill="#5e4fa2"'))).toHaveLength(50);
    expect(points[0]).toContain('aria-label="x0 1.1221, x1 0.0815, class -1"');
    expect(svg).toContain("role-legend");
  });

  it("takes 0 / 1 labels and numbers as scores too, and a title", async () => {
    const { X: X01, y: y01 } = makeMoons(40, { noise: 0.1, seed: 1 });
    const b = decisionBoundary((p) => p[1]!, X01, y01, { step: 0.5, title: "moons" });
    expect(new Set(b.grid.map((g) => g.prediction))).toEqual(new Set([0, 1]));
    const svg = await b.toSvg();
    expect(mark(svg, "points").match(/<path /g)).toHaveLength(40);
    expect(svg).toContain(">moons</text>");
  });

  it("saves SVG and PNG by the extension", async () => {
    const dir = mkdtempSync(join(tmpdir(), "moons-plot-"));
    const b = decisionBoundary(linear, X, y, { step: 0.1 });
    const png = readFileSync(await b.save(join(dir, "sub", "boundary.png")));
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.readUInt32BE(16)).toBeGreaterThan(800); // width at scale 2
    expect(readFileSync(await b.save(join(dir, "boundary.svg")), "utf8")).toMatch(/^<svg/);
    await expect(b.save(join(dir, "boundary.jpg"))).rejects.toThrow(/ending in .svg or .png/);
    rmSync(dir, { recursive: true });
  });

  it("takes an MLP as it is (callable, returning a Value): each point's prediction is the sign of its score", () => {
    const demo = moonsDemo(); // untrained, it says -1 everywhere
    demo.step(0);
    demo.step(1);
    const { model } = demo;
    const b = decisionBoundary(model, X, y, { step: 0.5 });
    for (const g of b.grid) expect([g.score, g.prediction]).toEqual([model([g.x, g.y]).data, model([g.x, g.y]).data > 0 ? 1 : -1]);
    expect(new Set(b.grid.map((g) => g.prediction)).size).toBe(2);
    const fresh = new MLP(2, [16, 16, 1]); // the type a user has in hand
    expect(decisionBoundary(fresh, X, y, { step: 1 }).grid.length).toBeGreaterThan(0);
  });

  it("says what is wrong with bad input", () => {
    expect(() => decisionBoundary(linear, X, y.slice(1))).toThrow(/X and y must be non-empty arrays of the same length, got 100 and 99/);
    expect(() => decisionBoundary(linear, [[0, Number.NaN]], [1])).toThrow(/X\[0\] must be two finite numbers/);
    expect(() => decisionBoundary(() => ({}) as never, X, y)).toThrow(/must return a Value or a number/);
    expect(() =>
      decisionBoundary(
        linear,
        X,
        y.map((v, i) => (i === 0 ? 2 : v)),
      ),
    ).toThrow(/two classes/);
    expect(() => decisionBoundary(linear, X, y, { step: 0 })).toThrow(/step must be a positive number/);
    expect(() => decisionBoundary(linear, X, y, { margin: -1 })).toThrow("decisionBoundary: margin must be a number of at least 0, got -1");
    expect(() => decisionBoundary(linear, X, y, { width: 0 })).toThrow("decisionBoundary: width must be a positive number of pixels, got 0");
    expect(() => decisionBoundary(linear, X, y, { height: Infinity })).toThrow("decisionBoundary: height must be a positive number of pixels, got Infinity");
    expect(() => decisionBoundary(linear, X, y, { maxGridPoints: 0 })).toThrow("decisionBoundary: maxGridPoints must be a whole number of at least 1 (or Infinity), got number 0");
  });

  it("one data point with no margin still gets a grid around it", () => {
    const b = decisionBoundary(linear, [[1, 2]], [1], { margin: 0, step: 0.5 });
    expect(b.grid.map((g) => [g.x, g.y])).toEqual([
      [0.5, 1.5],
      [1.5, 1.5],
      [0.5, 2.5],
      [1.5, 2.5],
    ]);
  });
});

describe("docs/images/moons-decision-boundary.svg (the README's picture; examples.test.ts checks that npm run demo makes it byte for byte)", () => {
  const svg = readFileSync(new URL("../docs/images/moons-decision-boundary.svg", import.meta.url), "utf8");
  it("is the smooth picture: one region shape with a boundary of many vertices, the 100 points, the title", () => {
    expect(mark(svg, "above").match(/<path /g)).toHaveLength(1);
    expect(vertices(mark(svg, "above")).length).toBeGreaterThan(300);
    expect(mark(svg, "points").match(/<path /g)).toHaveLength(100);
    expect(svg).toContain(">micrograd's demo: decision boundary after 100 steps</text>");
  });
});

describe("decisionBoundary: sizes are bounded", () => {
  it(`a step so small that the grid passes maxGridPoints (default ${DEFAULT_MAX_GRID_POINTS.toLocaleString("en-US")}) is refused before the model runs, with a step that fits`, () => {
    expect(DEFAULT_MAX_GRID_POINTS).toBe(100_000);
    let calls = 0;
    const counted = (p: number[]) => (calls++, p[0]! - 0.5);
    const fine = () => decisionBoundary(counted, X, y, { step: 0.001 });
    expect(fine).toThrow(
      /^decisionBoundary: the grid would have [\d,]+ x [\d,]+ = [\d,]+ points at step 0\.001, more than maxGridPoints = 100,000 \(each is a call of the model\)\. Use a larger step \(step: [\d.]+ fits\), or raise the bound: \{ maxGridPoints: \d+ \}\.$/,
    );
    expect(calls).toBe(0);
    const message = (() => {
      try {
        fine();
      } catch (e) {
        return (e as Error).message;
      }
    })()!;
    const [nx = NaN, ny = NaN, total] = message
      .match(/have ([\d,]+) x ([\d,]+) = ([\d,]+) points/)!
      .slice(1)
      .map((t) => Number(t.replaceAll(",", "")));
    expect(nx * ny).toBe(total);
    // The step it suggests fits, and the bound it names lets the original through.
    const step = Number(message.match(/step: ([\d.]+) fits/)![1]);
    const fitted = decisionBoundary(linear, X, y, { step });
    expect(fitted.grid.length).toBeLessThanOrEqual(100_000);
    expect(fitted.grid.length).toBeGreaterThan(80_000);
    // The bound is exact.
    const n = decisionBoundary(linear, X, y, { step: 0.25 }).grid.length;
    expect(decisionBoundary(linear, X, y, { step: 0.25, maxGridPoints: n }).grid).toHaveLength(n);
    expect(() => decisionBoundary(linear, X, y, { step: 0.25, maxGridPoints: n - 1 })).toThrow(`= ${n} points at step 0.25, more than maxGridPoints = ${n - 1}`);
  });

  it("a PNG past the raster bound is refused with its size, as drawDot's are", async () => {
    const wide = decisionBoundary(linear, X, y, { width: 20_000, step: 0.25 });
    await expect(wide.toPng()).rejects.toThrow(
      /^decisionBoundary\(\.\.\.\)\.toPng\(\): the PNG would be [\d,]+ x [\d,]+ pixels \(at scale 2\), more than maxSide = 16,384 pixels a side/,
    );
    expect((await wide.toSvg()).length).toBeGreaterThan(1000);
  });
});
