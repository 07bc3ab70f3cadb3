// The untyped paths as a user gets them: `npm pack` this package, install the tarball in a
// throwaway project (with Jest, babel-jest, Vite and the Babel TypeScript preset at the versions
// this repository uses), then:
// - Jest runs a TypeScript test written with operators through babel-jest, with
//   `plugins: ["micrograd-ts/babel"]` in babel.config.cjs (Babel require()s the CommonJS build);
// - `node --import micrograd-ts/register src/main.ts` runs the program with no build step;
// - `vite build` with `plugins: [micrograd()]` from "micrograd-ts/vite" builds it, and the
//   built file runs and carries a source map into the .ts files;
// - vitest with the same plugin runs a test written with operators.

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Value } from "micrograd-ts";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { consumerProject } from "./consumer.helpers.ts";

const MODEL = `import { Value } from "micrograd-ts";
export function neuron(xs: Value[], ws: Value[], b: Value): Value {
  return xs.reduce((act, x, i) => act + x * ws[i]!, b).tanh();
}
`;

const MAIN = `import { Value } from "micrograd-ts";
import { neuron } from "./model.js";
const xs = [new Value(2), new Value(0)];
const ws = [new Value(-3), new Value(1)];
const b = new Value(6.8813735870195432);
const o = neuron(xs, ws, b);
o.backward();
let loss = (o - 1) ** 2;
loss += 0;
console.log(o.data, xs[0]!.grad, ws[0]!.grad, loss.data);
`;

const JEST_TEST = `import { Value } from "micrograd-ts";
import { neuron } from "../src/model";

test("a neuron written with operators", () => {
  const x = new Value(2), w = new Value(-3);
  const o = neuron([x], [w], new Value(6.8813735870195432));
  o.backward();
  expect([o.data, x.grad, w.grad]).toEqual(EXPECTED);
});

test("an unsupported operator names the file, line and column", () => {
  const a = new Value(1);
  expect(() => a < 2).toThrow("test/model.test.ts:13:18: Values cannot be compared with <: compare their numbers, a.data < b.data.");
});
`;

/** The same neuron with method calls, on this repository's runtime: what the consumer must print. */
function expected() {
  const xs = [new Value(2), new Value(0)];
  const ws = [new Value(-3), new Value(1)];
  // reduce starts from b: act = b + x0*w0 + x1*w1
  const o = new Value(6.8813735870195432).add(xs[0]!.mul(ws[0]!)).add(xs[1]!.mul(ws[1]!)).tanh();
  o.backward();
  const loss = o.sub(1).pow(2).add(0);
  return { o: o.data, x0: xs[0]!.grad, w0: ws[0]!.grad, loss: loss.data };
}

let dir: string;

function run(args: string[], opts: { fail?: boolean; env?: Record<string, string> } = {}): string {
  const r = spawnSync(process.execPath, args, { cwd: dir, encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "", ...opts.env }, timeout: 120_000 });
  const out = (r.stdout ?? "") + (r.stderr ?? "");
  if (!opts.fail && r.status !== 0) throw new Error(`node ${args.join(" ")} failed (${r.status}):\n${out}`);
  if (opts.fail && r.status === 0) throw new Error(`node ${args.join(" ")} succeeded, expected a failure:\n${out}`);
  return r.stdout;
}

describe("a throwaway project with the packed package: Babel (Jest), the loader, Vite", () => {
  const want = expected();
  const line = `${want.o} ${want.x0} ${want.w0} ${want.loss}\n`;

  beforeAll(() => {
    dir = consumerProject("babel", [
      "jest",
      "babel-jest",
      "vite",
      "vitest",
      "unplugin",
      "@babel/core",
      "@babel/helper-module-imports",
      "@babel/preset-typescript",
      "@babel/plugin-transform-modules-commonjs",
    ]);
    mkdirSync(join(dir, "src"));
    mkdirSync(join(dir, "test"));
    writeFileSync(join(dir, "src/model.ts"), MODEL);
    writeFileSync(join(dir, "src/main.ts"), MAIN);
    writeFileSync(
      join(dir, "babel.config.cjs"),
      'module.exports = {\n  presets: ["@babel/preset-typescript"],\n  plugins: ["micrograd-ts/babel", "@babel/plugin-transform-modules-commonjs"],\n};\n',
    );
    writeFileSync(join(dir, "jest.config.cjs"), 'module.exports = { testEnvironment: "node", roots: ["<rootDir>/test"] };\n');
    writeFileSync(join(dir, "test/model.test.ts"), JEST_TEST.replace("EXPECTED", JSON.stringify([want.o, -3 * (1 - want.o ** 2), 2 * (1 - want.o ** 2)])));
    mkdirSync(join(dir, "vitest"));
    writeFileSync(
      join(dir, "vitest/model.test.ts"),
      'import { expect, test } from "vitest";\n' +
        JEST_TEST.replace("EXPECTED", JSON.stringify([want.o, -3 * (1 - want.o ** 2), 2 * (1 - want.o ** 2)]))
          .replace('"../src/model"', '"../src/model.js"')
          .replace("test/model.test.ts:13:18", "vitest/model.test.ts:14:18"),
    );
    writeFileSync(
      join(dir, "vitest.config.mjs"),
      'import { defineConfig } from "vitest/config";\nimport micrograd from "micrograd-ts/vite";\n\nexport default defineConfig({\n  plugins: [micrograd()],\n  test: { include: ["vitest/**/*.test.ts"] },\n});\n',
    );
    writeFileSync(
      join(dir, "vite.config.mjs"),
      'import { defineConfig } from "vite";\nimport micrograd from "micrograd-ts/vite";\n\nexport default defineConfig({\n  plugins: [micrograd()],\n  build: { ssr: "src/main.ts", outDir: "build", sourcemap: true },\n});\n',
    );
  }, 600_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("Jest with babel-jest runs a test written with operators", () => {
    const r = spawnSync(process.execPath, ["node_modules/jest/bin/jest.js", "--ci", "--colors=false"], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, NODE_OPTIONS: "" },
      timeout: 120_000,
    });
    expect(r.stderr).toContain("Tests:       2 passed, 2 total");
    expect(r.status).toBe(0);
  });

  test("vitest with micrograd() runs the same test written with operators", () => {
    const r = spawnSync(process.execPath, ["node_modules/vitest/vitest.mjs", "run"], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, NODE_OPTIONS: "", NO_COLOR: "1", CI: "1" },
      timeout: 120_000,
    });
    expect(r.stdout).toMatch(/Tests\s+2 passed \(2\)/);
    expect(r.status).toBe(0);
  });

  test("Babel alone, through the project's babel.config.cjs, rewrites the operators", () => {
    const out = run(["-e", 'console.log(require("@babel/core").transformFileSync("src/model.ts").code)']);
    expect(out).toContain("return xs.reduce((act, x, i) => _opAdd(act, _opMul(x, ws[i])), b).tanh();");
    expect(out).toContain('require("micrograd-ts")');
  });

  test("node --import micrograd-ts/register runs the .ts program, and caches the output", () => {
    expect(run(["--import", "micrograd-ts/register", "src/main.ts"], { env: { MICROGRAD_TS_CACHE: "" } })).toBe(line);
    expect(existsSync(join(dir, "node_modules/.cache/micrograd-ts"))).toBe(true);
    expect(run(["--import", "micrograd-ts/register", "src/main.ts"], { env: { MICROGRAD_TS_CACHE: "" } })).toBe(line);
  });

  test("vite build with micrograd() builds a program that runs, with a source map into the .ts files", () => {
    run(["node_modules/vite/bin/vite.js", "build", "--logLevel", "error"]);
    expect(run(["build/main.js"])).toBe(line);
    const map = JSON.parse(readFileSync(join(dir, "build/main.js.map"), "utf8"));
    expect(map.sources).toEqual(["../src/model.ts", "../src/main.ts"]);
    expect(map.sourcesContent[0]).toBe(MODEL);
  });
});
