// Every example runs two ways — through the Node loader (`node --import micrograd-ts/register`)
// and compiled by tspc with the TypeScript transformer — and prints exactly its expected output
// (examples/expected/<name>.txt). The figures of ../shared/REFERENCE.md that an example prints
// are asserted by name as well.

import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const EXAMPLES = ["walkthrough", "manual-backprop", "backward", "neuron", "tiny-net"];
const OUT = `out/test-examples-${process.pid}`;
const JS_OUT = `${OUT}/js`;

function ensureDist(): void {
  if (!existsSync(join(ROOT, "dist/transformer/node/register.js")) || !existsSync(join(ROOT, "dist/cjs/transformer/ts/index.js"))) {
    execFileSync("npm", ["run", "build"], { cwd: ROOT, stdio: "inherit" });
  }
}

/** Runs a file with node, pictures into OUT; the printed paths are normalised to out/. */
function run(args: string[]): string {
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: "utf8", env: { ...process.env, MICROGRAD_OUT: `${OUT}/pictures` } });
  if (r.status !== 0) throw new Error(`node ${args.join(" ")} failed (${r.status}):\n${r.stderr}`);
  return r.stdout.replaceAll(`${OUT}/pictures/`, "out/");
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
    expect(run(["--import", "./dist/transformer/node/register.js", `examples/${name}.ts`])).toBe(expected(name));
  });
  it("compiled by tspc prints the same", () => {
    expect(run([`${JS_OUT}/${name}.js`])).toBe(expected(name));
  });
});

describe("the figures of REFERENCE.md that the examples print", () => {
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
  it("backward: every grad of the walkthrough", () => {
    const text = expected("backward");
    for (const [label, data, grad] of [["a", "2.0", "6.0"], ["b", "-3.0", "-4.0"], ["c", "10.0", "-2.0"], ["e", "-6.0", "-2.0"], ["d", "4.0", "-2.0"], ["f", "-2.0", "4.0"], ["L", "-8.0", "1.0"]]) {
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
  it("the pictures were written", () => {
    const pictures = readdirSync(join(ROOT, OUT, "pictures")).sort();
    expect(pictures).toEqual([
      "backward-L.svg", "manual-1-L.svg", "manual-2-d-f.svg", "manual-3-c-e.svg", "manual-4-a-b.svg",
      "neuron-exp.svg", "neuron-tanh.svg", "walkthrough-L.svg", "walkthrough-d.svg",
    ]);
    const svg = readFileSync(join(ROOT, OUT, "pictures", "backward-L.svg"), "utf8");
    expect(svg).toContain("grad 6.0000");
  });
});
