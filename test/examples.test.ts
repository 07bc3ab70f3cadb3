// Every example runs two ways — through the Node loader (`node --import micrograd-ts/register`)
// and compiled by tspc with the TypeScript transformer — and prints exactly its expected output
// (examples/expected/<name>.txt). The figures of docs/reference-figures.md that an example prints
// are asserted by name as well.

import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UPDATE } from "./update.helpers.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const EXAMPLES = ["walkthrough", "manual-backprop", "node-by-node", "backward", "neuron", "tiny-net", "moons"];
const OUT = `out/test-examples-${process.pid}`;
const JS_OUT = `${OUT}/js`;

function ensureDist(): void {
  if (!existsSync(join(ROOT, "dist/transformer/loader/register.js")) || !existsSync(join(ROOT, "dist/cjs/transformer/ts/index.js"))) {
    execFileSync("npm", ["run", "build"], { cwd: ROOT, stdio: "inherit" });
  }
}

/** Runs a file with node, pictures into OUT; the printed paths are normalised to out/ unless `raw`. */
function run(args: string[], raw = false): string {
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: "utf8", env: { ...process.env, MICROGRAD_OUT: `${OUT}/pictures` } });
  if (r.status !== 0) throw new Error(`node ${args.join(" ")} failed (${r.status}):\n${r.stderr}`);
  return raw ? r.stdout : r.stdout.replaceAll(`${OUT}/pictures/`, "out/");
}

function expected(name: string): string {
  return readFileSync(join(ROOT, "examples/expected", `${name}.txt`), "utf8");
}

beforeAll(() => {
  ensureDist();
  const tspc = join(ROOT, "node_modules/ts-patch/bin/tspc.js");
  const r = spawnSync(process.execPath, [tspc, "-p", "examples", "--outDir", JS_OUT], { cwd: ROOT, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`tspc -p examples failed:\n${r.stdout}${r.stderr}`);
});

afterAll(() => rmSync(join(ROOT, OUT), { recursive: true, force: true }));

describe.each(EXAMPLES)("examples/%s.ts", (name) => {
  it("through the Node loader prints the expected output", () => {
    expect(run(["--import", "./dist/transformer/loader/register.js", `examples/${name}.ts`])).toBe(expected(name));
  });
  it("compiled by tspc prints the same", () => {
    expect(run([`${JS_OUT}/${name}.js`])).toBe(expected(name));
  });
});

describe("the figures of docs/reference-figures.md that the examples print", () => {
  it("walkthrough: d, its children and op, L", () => {
    const text = expected("walkthrough");
    expect(text).toContain("Value(data=4.0, grad=0.0)\n[Value(data=-6.0, grad=0.0), Value(data=10.0, grad=0.0)]\n+\n");
    expect(text).toContain("Value(data=-8.0, grad=0.0)");
  });
  it("manual backprop: the chain rule, dL/df numerically, the nudge", () => {
    const text = expected("manual-backprop");
    expect(text).toContain("d.grad -2 f.grad 4");
    expect(text).toContain("c.grad -2 e.grad -2");
    expect(text).toContain("a.grad 6 b.grad -4");
    expect(text).toContain("dL/df numerically 3.9999999999995595");
    expect(text).toContain("L after one step -7.286496\n");
  });
  it("node by node: each _backward() fills its children's grads; build_topo reversed gives the same", () => {
    const lines = expected("node-by-node").trimEnd().split("\n");
    expect(lines.slice(0, 3)).toEqual([
      "n.grad 0.4999999999999999", // o = tanh(n): 1 - o**2
      "b.grad 0.4999999999999999 x1w1x2w2.grad 0.4999999999999999",
      "x1w1.grad 0.4999999999999999 x2w2.grad 0.4999999999999999",
    ]);
    const byHand = lines.slice(3, 5);
    expect(byHand).toEqual(["x1.grad -1.4999999999999996 w1.grad 0.9999999999999998", "x2.grad 0.4999999999999999 w2.grad 0"]);
    expect(lines[5]).toBe("nodes in topological order 10 ending with o");
    expect(lines.slice(6)).toEqual(byHand);
  });
  it("backward: every grad of the walkthrough", () => {
    const text = expected("backward");
    for (const [label, data, grad] of [
      ["a", "2.0", "6.0"],
      ["b", "-3.0", "-4.0"],
      ["c", "10.0", "-2.0"],
      ["e", "-6.0", "-2.0"],
      ["d", "4.0", "-2.0"],
      ["f", "-2.0", "4.0"],
      ["L", "-8.0", "1.0"],
    ]) {
      expect(text).toContain(`${label} Value(data=${data}, grad=${grad})\n`);
    }
    expect(text).toContain("backward() equals the grads by hand: True");
  });
  it("neuron: n, o with tanh, the grads, and the exp/division form", () => {
    const text = expected("neuron");
    expect(text).toContain("n 0.8813735870195432\no 0.7071067811865476\n");
    expect(text).toContain("x2.grad 0.4999999999999999 w2.grad 0\n");
    // tanh written out through exp and division
    expect(text.split("o 0.7071067811865476\n")[2]).toContain("x1.grad -1.4999999999999996");
  });
  it("moons: the notebook's lines at steps 0, 1, 2, 10, 40 and 99", () => {
    const lines = expected("moons").trimEnd().split("\n");
    expect(lines).toHaveLength(100);
    const notebook: [number, number, string][] = [
      [0, 0.8958441028683222, "50.0"],
      [1, 1.7235905336972022, "81.0"],
      [2, 0.7429006313851131, "77.0"],
      [10, 0.24507023853658053, "91.0"],
      [40, 0.06016009895234464, "100.0"],
      [99, 0.010978370135492717, "100.0"],
    ];
    for (const [k, loss, acc] of notebook) {
      const m = /^step (\d+) loss ([-\d.e]+), accuracy ([\d.]+)%$/.exec(lines[k]!);
      expect(m, lines[k]).not.toBeNull();
      expect(Number(m![1])).toBe(k);
      expect(Math.abs(Number(m![2]) - loss) / loss).toBeLessThan(1e-12);
      expect(m![3]).toBe(acc);
    }
  });
  it("the pictures were written", () => {
    const pictures = readdirSync(join(ROOT, OUT, "pictures")).sort();
    expect(pictures).toEqual([
      "backward-L.svg",
      "manual-1-L.svg",
      "manual-2-d-f.svg",
      "manual-3-c-e.svg",
      "manual-4-a-b.svg",
      "neuron-exp.svg",
      "neuron-tanh.svg",
      "walkthrough-L.svg",
      "walkthrough-d.svg",
    ]);
    const svg = readFileSync(join(ROOT, OUT, "pictures", "backward-L.svg"), "utf8");
    expect(svg).toContain("grad 6.0000");
  });
});

describe("npm run demo", () => {
  it("runs examples 1 to 4, trains the moons model and writes every file it names", () => {
    const text = run(["--import", "./dist/transformer/loader/register.js", "examples/demo.ts"], true);
    expect(text).toContain("=== 1. The walkthrough expression");
    expect(text).toContain("dL/df numerically 3.9999999999995595");
    expect(text).toContain("step 0 loss 0.8958441028683222, accuracy 50.0%");
    expect(text).toContain("step 99 loss 0.010978370135492717, accuracy 100.0%");
    const files = text
      .split("=== Files ===")[1]!
      .trim()
      .split("\n")
      .slice(1)
      .map((l) => l.trim());
    expect(files.map((f) => f.split("/").pop())).toEqual(["moons-training.txt", "moons-decision-boundary.svg", "moons-decision-boundary.png"]);
    for (const f of files) {
      expect(f.startsWith(join(ROOT, OUT, "pictures")), f).toBe(true); // where MICROGRAD_OUT says
      expect(existsSync(f), f).toBe(true);
    }
    expect(readFileSync(files[0]!, "utf8").split("\n")[99]).toBe("step 99 loss 0.010978370135492717, accuracy 100.0%");
    expect(readFileSync(files[2]!).subarray(0, 8).toString("hex")).toBe("89504e470d0a1a0a");
    // The README's picture is this file: the same data, model and steps give the same SVG.
    const readmePicture = join(ROOT, "docs/images/moons-decision-boundary.svg");
    if (UPDATE) writeFileSync(readmePicture, readFileSync(files[1]!));
    expect(readFileSync(files[1]!, "utf8")).toBe(readFileSync(readmePicture, "utf8"));
  });
});
