// Each bundler plugin, Bun, Deno and tsx, as a user gets them: the packed package in a throwaway
// project (consumer.helpers.ts) with the tool, configured as docs/bundlers.md shows. The same
// program, written with operators over three modules (one of which never imports micrograd-ts:
// every project file is rewritten by default), is built by each tool and run, and must print
// what the same computation written with method calls prints. A dependency in node_modules must
// come out as written.

import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Value } from "micrograd-ts";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { consumerProject, node } from "./consumer.helpers.ts";

const MODEL = `import { Value } from "micrograd-ts";
import { scale } from "numlib";
export function neuron(xs: Value[], ws: Value[], b: Value): Value {
  return xs.reduce((act, x, i) => act + x * ws[i]!, b).tanh();
}
export const k: number = scale(2);
`;

// No import of micrograd-ts: it computes with the Values it is given.
const HELPER = `export const double = (x: any) => x * 2;
export function accumulate(values: any[]) {
  let total: any = 0;
  for (const v of values) total += v / 2;
  return total;
}
`;

const MAIN = `import { Value } from "micrograd-ts";
import { k, neuron } from "./model.js";
import { accumulate, double } from "./helper.js";
const xs = [new Value(2), new Value(0)];
const ws = [new Value(-3), new Value(1)];
const b = new Value(6.8813735870195432);
const o = neuron(xs, ws, b);
const out = double(o) + accumulate([o, xs[0], 1]) * k;
out.backward();
let loss = (o - 1) ** 2;
loss += 0;
console.log(o.data, out.data, xs[0]!.grad, ws[0]!.grad, loss.data, accumulate([1, 2, 3]));
`;

// The same for tspc, which needs types where the Babel path needs none (the helper's operands
// are known to be Values or numbers, which tspc dispatches as the Babel path does).
const TYPED_MAIN = `import { Value } from "micrograd-ts";
import { k, neuron } from "./model.js";
const double = (x: Value | number) => x * 2;
const xs = [new Value(2), new Value(0)];
const ws = [new Value(-3), new Value(1)];
const b = new Value(6.8813735870195432);
const o = neuron(xs, ws, b);
const out = double(o) + (0 + o / 2 + xs[0]! / 2 + 1 / 2) * k;
out.backward();
let loss = (o - 1) ** 2;
loss += 0;
console.log(o.data, out.data, xs[0]!.grad, ws[0]!.grad, loss.data, 0 + 1 / 2 + 2 / 2 + 3 / 2);
`;

// The same with method calls, for runtimes that run TypeScript without any transform (Deno).
const METHODS = `import { Value } from "micrograd-ts";
const xs = [new Value(2), new Value(0)];
const ws = [new Value(-3), new Value(1)];
const o = new Value(6.8813735870195432).add(xs[0]!.mul(ws[0]!)).add(xs[1]!.mul(ws[1]!)).tanh();
const total = new Value(0).add(o.div(2)).add(xs[0]!.div(2)).add(1 / 2);
const out = o.mul(2).add(total.mul(6));
out.backward();
const loss = o.sub(1).pow(2).add(0);
console.log(o.data, out.data, xs[0]!.grad, ws[0]!.grad, loss.data, 0 + 1 / 2 + 2 / 2 + 3 / 2);
`;

/** The same program with method calls, on this repository's runtime: what every build must print. */
function expected(): string {
  const xs = [new Value(2), new Value(0)];
  const ws = [new Value(-3), new Value(1)];
  const o = new Value(6.8813735870195432).add(xs[0]!.mul(ws[0]!)).add(xs[1]!.mul(ws[1]!)).tanh();
  const k = 2 * 3;
  const total = new Value(0)
    .add(o.div(2))
    .add(xs[0]!.div(2))
    .add(1 / 2);
  const out = o.mul(2).add(total.mul(k));
  out.backward();
  const loss = o.sub(1).pow(2).add(0);
  return `${o.data} ${out.data} ${xs[0]!.grad} ${ws[0]!.grad} ${loss.data} ${0 + 1 / 2 + 2 / 2 + 3 / 2}\n`;
}

const CONFIGS: Record<string, string> = {
  "vite.config.mjs": `import { defineConfig } from "vite";
import micrograd from "micrograd-ts/vite";

export default defineConfig({
  plugins: [micrograd()],
  build: { ssr: "src/main.ts", outDir: "build/vite" },
  ssr: { noExternal: true },
});
`,
  "rollup.config.mjs": `import micrograd from "micrograd-ts/rollup";

// No TypeScript plugin here: stripTypes makes micrograd() the TypeScript step.
export default {
  input: "src/main.ts",
  external: ["micrograd-ts", "numlib"],
  plugins: [micrograd({ stripTypes: true })],
  output: { file: "build/rollup/main.js", format: "esm" },
};
`,
  "rolldown.config.mjs": `import micrograd from "micrograd-ts/rolldown";

export default {
  input: "src/main.ts",
  platform: "node",
  plugins: [micrograd()],
  output: { file: "build/rolldown/main.js", format: "esm" },
};
`,
  "webpack.config.mjs": `import micrograd from "micrograd-ts/webpack";

export default {
  mode: "development",
  devtool: false,
  target: "node",
  entry: "./src/main.ts",
  output: { path: new URL("build/webpack", import.meta.url).pathname, filename: "main.cjs" },
  resolve: { extensionAlias: { ".js": [".ts", ".js"] } },
  // No TypeScript loader here: stripTypes makes micrograd() the TypeScript step.
  plugins: [micrograd({ stripTypes: true })],
};
`,
  "rspack.config.mjs": `import micrograd from "micrograd-ts/rspack";

export default {
  mode: "development",
  devtool: false,
  target: "node",
  entry: "./src/main.ts",
  output: { path: new URL("build/rspack", import.meta.url).pathname, filename: "main.cjs" },
  resolve: { extensionAlias: { ".js": [".ts", ".js"] } },
  module: {
    rules: [{ test: /\\.ts$/, loader: "builtin:swc-loader", options: { jsc: { parser: { syntax: "typescript" } } }, type: "javascript/auto" }],
  },
  plugins: [micrograd()],
};
`,
  "build-esbuild.mjs": `import { build } from "esbuild";
import micrograd from "micrograd-ts/esbuild";

await build({
  entryPoints: ["src/main.ts"],
  bundle: true,
  platform: "node",
  format: "esm",
  outfile: "build/esbuild/main.js",
  plugins: [micrograd()],
});
`,
  "build-bun.ts": `import micrograd from "micrograd-ts/bun";

const result = await Bun.build({ entrypoints: ["src/main.ts"], outdir: "build/bun", target: "node", plugins: [micrograd()] });
if (!result.success) {
  console.error(result.logs);
  process.exit(1);
}
`,
};

let dir: string;
const line = expected();

function sh(command: string, args: string[]): string {
  const r = spawnSync(command, args, { cwd: dir, encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "", NO_COLOR: "1" }, timeout: 180_000 });
  if (r.status !== 0) throw new Error(`${command} ${args.join(" ")} failed (${r.status}):\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

const runBuilt = (file: string) => {
  const r = node(dir, [file]);
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  return r.stdout;
};

/** The dependency's own arithmetic, as written (a rewrite would make it _opMul(x, 3)). */
function keepsDependency(file: string): void {
  const code = readFileSync(join(dir, file), "utf8");
  expect(code).toContain("x * 3");
  expect(code).not.toMatch(/opMul\w*\(x, 3\)/);
}

describe("the bundler plugins and Bun, from the packed package", () => {
  beforeAll(() => {
    dir = consumerProject("bundlers", [
      "unplugin",
      "@babel/core",
      "@babel/helper-module-imports",
      "@babel/preset-typescript",
      "vite",
      "rollup",
      "rolldown",
      "webpack",
      "webpack-cli",
      "@rspack/core",
      "@rspack/cli",
      "esbuild",
      "bun",
      "deno",
      "tsx",
      "typescript",
      "ts-patch",
    ]);
    // Deno resolves npm: specifiers through the dependencies package.json declares
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "bundlers", private: true, type: "module", dependencies: { "micrograd-ts": "*" } }));
    mkdirSync(join(dir, "src"));
    writeFileSync(join(dir, "src/methods.ts"), METHODS);
    writeFileSync(join(dir, "src/model.ts"), MODEL);
    writeFileSync(join(dir, "src/helper.ts"), HELPER);
    writeFileSync(join(dir, "src/main.ts"), MAIN);
    // a dependency whose arithmetic must stay as written
    mkdirSync(join(dir, "node_modules/numlib"));
    writeFileSync(join(dir, "node_modules/numlib/package.json"), JSON.stringify({ name: "numlib", version: "1.0.0", type: "module", exports: "./index.js" }));
    writeFileSync(join(dir, "node_modules/numlib/index.js"), 'import "micrograd-ts";\nexport const scale = (x) => x * 3;\n');
    writeFileSync(join(dir, "node_modules/numlib/index.d.ts"), "export declare const scale: (x: number) => number;\n");
    for (const [name, text] of Object.entries(CONFIGS)) writeFileSync(join(dir, name), text);
  }, 600_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("the expected line is the method-call program's", () => {
    expect(line).toMatch(/^0\.707106781186547\d -?\d+\.\d+ -?\d+\.\d+ -?\d+\.\d+ 0\.0857864376269049\d 3\n$/);
  });

  test("Vite: vite build", () => {
    sh(process.execPath, ["node_modules/vite/bin/vite.js", "build", "--logLevel", "error"]);
    expect(runBuilt("build/vite/main.js")).toBe(line);
    keepsDependency("build/vite/main.js");
  });

  test("Rollup: rollup -c, with stripTypes (no TypeScript plugin)", () => {
    sh(process.execPath, ["node_modules/rollup/dist/bin/rollup", "-c", "rollup.config.mjs", "--silent"]);
    expect(runBuilt("build/rollup/main.js")).toBe(line);
  });

  test("Rolldown: rolldown -c", () => {
    sh(process.execPath, ["node_modules/rolldown/bin/cli.mjs", "-c", "rolldown.config.mjs"]);
    expect(runBuilt("build/rolldown/main.js")).toBe(line);
    keepsDependency("build/rolldown/main.js");
  });

  test("webpack: webpack --config webpack.config.mjs, with stripTypes (no TypeScript loader)", () => {
    sh(process.execPath, ["node_modules/webpack-cli/bin/cli.js", "--config", "webpack.config.mjs"]);
    expect(runBuilt("build/webpack/main.cjs")).toBe(line);
    keepsDependency("build/webpack/main.cjs");
  });

  test("Rspack: rspack build --config rspack.config.mjs, with its builtin:swc-loader for TypeScript", () => {
    sh(process.execPath, ["node_modules/@rspack/cli/bin/rspack.js", "build", "--config", "rspack.config.mjs"]);
    expect(runBuilt("build/rspack/main.cjs")).toBe(line);
    keepsDependency("build/rspack/main.cjs");
  });

  test("esbuild", () => {
    sh(process.execPath, ["build-esbuild.mjs"]);
    expect(runBuilt("build/esbuild/main.js")).toBe(line);
    keepsDependency("build/esbuild/main.js");
  });

  test("Bun.build", () => {
    sh(join(dir, "node_modules/bun/bin/bun.exe"), ["build-bun.ts"]);
    expect(runBuilt("build/bun/main.js")).toBe(line);
    keepsDependency("build/bun/main.js");
  });

  test("bun --preload micrograd-ts/bun runs the .ts program", () => {
    expect(sh(join(dir, "node_modules/bun/bin/bun.exe"), ["--preload", "micrograd-ts/bun", "src/main.ts"])).toBe(line);
  });

  const deno = (args: string[]) => sh(join(dir, "node_modules/deno/deno"), ["run", "--allow-read", "--allow-env", ...args]);

  test("Deno runs the method-call version as it is", () => {
    expect(deno(["src/methods.ts"])).toBe(line);
  });

  test("Deno runs what tspc compiled", () => {
    mkdirSync(join(dir, "typed"));
    writeFileSync(join(dir, "typed/model.ts"), MODEL);
    writeFileSync(join(dir, "typed/main.ts"), TYPED_MAIN);
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "es2022",
          module: "nodenext",
          strict: true,
          skipLibCheck: true,
          types: [],
          rootDir: "typed",
          outDir: "build/tspc",
          plugins: [{ transform: "micrograd-ts/transformer", transformProgram: true }],
        },
        include: ["typed"],
      }),
    );
    expect(sh(process.execPath, ["node_modules/ts-patch/bin/tspc.js"])).toBe("");
    expect(deno(["build/tspc/main.js"])).toBe(line);
  });

  test("deno run --preload npm:micrograd-ts/deno runs the .ts program (--sloppy-imports for ./model.js)", () => {
    expect(deno(["--sloppy-imports", "--preload", "npm:micrograd-ts/deno", "src/main.ts"])).toBe(line);
  });

  test("tsx --import micrograd-ts/register runs the .ts program", () => {
    // the loader rewrites the files that import micrograd-ts (the helper says "use micrograd")
    writeFileSync(join(dir, "src/helper.ts"), `"use micrograd";\n${HELPER}`);
    try {
      expect(sh(process.execPath, ["node_modules/tsx/dist/cli.mjs", "--import", "micrograd-ts/register", "src/main.ts"])).toBe(line);
    } finally {
      writeFileSync(join(dir, "src/helper.ts"), HELPER);
    }
  });
});
