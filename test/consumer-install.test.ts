// What `npm install` of the packed package brings, measured against the goal (the engine and
// drawDot's SVG: at most 3 packages and 8 MB), and what a project gets without the optional
// peers: everything of the engine and drawDot's SVG works, and each feature that needs a peer
// says which npm install line adds it.

import { lstatSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { PEERS } from "../node/peers.ts";
import { installedProject, node } from "./consumer.helpers.ts";

const GOAL = { packages: 3, bytes: 8_000_000 };

/** Bytes of every file under `dir` (symbolic links counted as links, not followed). */
function bytesUnder(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((sum, e) => {
    const path = join(dir, e.name);
    return sum + (e.isDirectory() ? bytesUnder(path) : lstatSync(path).size);
  }, 0);
}

let dir: string;

beforeAll(() => {
  dir = installedProject("light");
}, 600_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("npm install of the packed package alone", () => {
  test(`installs at most ${GOAL.packages} packages and ${GOAL.bytes / 1e6} MB`, () => {
    const lock = JSON.parse(readFileSync(join(dir, "node_modules/.package-lock.json"), "utf8")) as { packages: Record<string, unknown> };
    const packages = Object.keys(lock.packages).sort();
    const bytes = bytesUnder(join(dir, "node_modules"));
    const measured = `${packages.length} packages (${packages.map((p) => p.replace(/^node_modules\//, "")).join(", ")}), ${(bytes / 1e6).toFixed(2)} MB`;
    expect(packages, measured).toEqual(["node_modules/@hpcc-js/wasm-graphviz", "node_modules/micrograd-ts"]);
    expect(packages.length, measured).toBeLessThanOrEqual(GOAL.packages);
    expect(bytes, measured).toBeLessThanOrEqual(GOAL.bytes);
  });

  test("the engine, nn, random numbers and drawDot's SVG work (ES module and CommonJS)", () => {
    const program = `
const a = new Value(2.0, { label: "a" }), b = new Value(-3.0, { label: "b" }), c = new Value(10.0, { label: "c" });
const f = new Value(-2.0, { label: "f" });
const L = a.mul(b).add(c).mul(f); L.label = "L"; L.backward();
random.seed(1337);
const n = new MLP(2, [16, 16, 1]);
const svg = await drawDot(L).toSvg();
const saved = await drawDot(L).save("L.svg");
console.log(a.grad, b.grad, n.parameters().length, n.parameters()[0].data, svg.includes(">grad 6.0000</text>"), saved.endsWith("L.svg"));`;
    writeFileSync(join(dir, "light.mjs"), `import { MLP, Value, drawDot, random } from "micrograd-ts";\n${program}\n`);
    writeFileSync(join(dir, "light.cjs"), `const { MLP, Value, drawDot, random } = require("micrograd-ts");\n(async () => {${program}\n})();\n`);
    for (const file of ["light.mjs", "light.cjs"]) {
      const r = node(dir, [file]);
      expect(r.stderr).toBe("");
      expect(r.stdout).toBe("6 -4 337 0.23550571390294128 true true\n");
    }
  });
});

describe("a feature whose optional peer is missing names the npm install line", () => {
  const run = (source: string, ext = "mjs") => {
    writeFileSync(join(dir, `missing.${ext}`), source);
    return node(dir, [`missing.${ext}`]);
  };

  test("PNG output needs @resvg/resvg-js", () => {
    const r = run('import { Value, drawDot } from "micrograd-ts";\nawait drawDot(new Value(1)).save("one.png");\n');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(
      'MissingPeerError: save("one.png") needs @resvg/resvg-js, an optional peer dependency of micrograd-ts that is not installed. Install with:\n\n  npm install @resvg/resvg-js@2\n',
    );
  });

  test("the decision-boundary plot needs vega", () => {
    const r = run('import { decisionBoundary } from "micrograd-ts/node";\nawait decisionBoundary((p) => p[0], [[0, 0], [1, 1]], [-1, 1], { step: 0.5 }).toSvg();\n');
    expect(r.stderr).toContain(
      "decisionBoundary(...).toSvg() and save() needs vega, an optional peer dependency of micrograd-ts that is not installed. Install with:\n\n  npm install vega@6\n",
    );
  });

  test("the Node loader needs Babel, and says so before any file loads", () => {
    writeFileSync(join(dir, "app.ts"), "console.log('never runs');\n");
    const r = node(dir, ["--import", "micrograd-ts/register", "app.ts"]);
    expect(r.status).not.toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(
      "micrograd-ts/register needs @babel/core, @babel/preset-typescript, @babel/helper-module-imports, optional peer dependencies of micrograd-ts that are not installed. Install with:\n\n  npm install -D @babel/core@7 @babel/preset-typescript@7 @babel/helper-module-imports@7\n",
    );
  });

  test("the bundler plugins need unplugin and Babel, from import and from require", () => {
    for (const entry of ["vite", "rollup", "rolldown", "webpack", "rspack", "esbuild", "bun"]) {
      const r = run(`await import("micrograd-ts/${entry}");\n`);
      expect(r.stderr, entry).toContain(
        `micrograd-ts/${entry} needs unplugin, @babel/core, @babel/preset-typescript, @babel/helper-module-imports, optional peer dependencies of micrograd-ts that are not installed. Install with:\n\n  npm install -D unplugin@3 @babel/core@7 @babel/preset-typescript@7 @babel/helper-module-imports@7\n`,
      );
    }
    expect(run('require("micrograd-ts/webpack");\n', "cjs").stderr).toContain("npm install -D unplugin@3 @babel/core@7 @babel/preset-typescript@7 @babel/helper-module-imports@7");
  });

  test("the Babel plugin, required as Babel does, names the one package Babel does not bring", () => {
    const r = run('require("micrograd-ts/babel");\n', "cjs");
    expect(r.stderr).toContain(
      "micrograd-ts/babel needs @babel/helper-module-imports, an optional peer dependency of micrograd-ts that is not installed. Install with:\n\n  npm install -D @babel/helper-module-imports@7\n",
    );
  });
});

test("the install lines name the ranges package.json declares as optional peers", () => {
  const manifest = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
    peerDependencies: Record<string, string>;
    peerDependenciesMeta: Record<string, { optional?: boolean }>;
    devDependencies: Record<string, string>;
  };
  const table: Record<string, { range: string; install: string }> = PEERS;
  expect(Object.fromEntries(Object.entries(table).map(([name, p]) => [name, p.range]))).toEqual(manifest.peerDependencies);
  for (const [name, peer] of Object.entries(table)) {
    expect(manifest.peerDependenciesMeta[name]?.optional, name).toBe(true);
    // the major the install line asks for is the one this repository tests with
    expect(manifest.devDependencies[name]?.split(".")[0], name).toBe(peer.install.split("@").at(-1)!.split(".")[0]);
  }
});
