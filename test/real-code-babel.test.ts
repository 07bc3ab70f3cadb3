// Real code nobody here wrote, through the untyped path (issue 11): two numeric libraries,
// fraction.js (rational numbers on BigInt) and complex.js (complex numbers on floats), pinned as
// devDependencies that ship their built code and their own test suites (MIT, licences in their
// packages). Each suite runs twice in this process: on the code as published, and with the Babel
// plugin forced on every file ({ all: true }: the library and its tests), as the loader and the
// bundler plugins now rewrite every project file. As many tests must pass, the same ones.
//
// The suites are written for mocha (describe/it with node:assert); the few lines below collect
// and run them, which is all those files use of mocha.

import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import * as runtime from "micrograd-ts";
import { describe, expect, test } from "vitest";
import { babelTransform } from "./transformer-babel.helpers.ts";

const nodeRequire = createRequire(import.meta.url);

interface Suite {
  name: string;
  /** the file `require(name)` loads */
  main: string;
  tests: string;
}

const SUITES: Suite[] = [
  { name: "fraction.js", main: "dist/fraction.js", tests: "tests/fraction.test.js" },
  { name: "complex.js", main: "dist/complex.js", tests: "tests/complex.test.js" },
];

interface Result {
  passed: string[];
  failed: string[];
  /** how many helper calls the rewritten library holds (0 when not rewritten) */
  helperCalls: number;
}

/** Runs a CommonJS file with `require` mapped: the library to its (maybe rewritten) main file, micrograd-ts to the runtime. */
function load(code: string, require: (id: string) => unknown, extra: Record<string, unknown> = {}): unknown {
  const module = { exports: {} as unknown };
  const names = Object.keys(extra);
  new Function("require", "module", "exports", ...names, code)(require, module, module.exports, ...names.map((n) => extra[n]));
  return module.exports;
}

/** The folder of an installed package (complex.js exports no ./package.json). */
function packageRoot(name: string): string {
  let dir = dirname(nodeRequire.resolve(name));
  while (!existsSync(join(dir, "package.json")) || JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).name !== name) dir = dirname(dir);
  return dir;
}

function runSuite(suite: Suite, rewrite: boolean): Result {
  const root = packageRoot(suite.name);
  const read = (file: string) => {
    const path = join(root, file);
    const code = readFileSync(path, "utf8");
    return rewrite ? babelTransform(code, path, { all: true }, { sourceType: "script" }) : code;
  };
  const main = read(suite.main);
  const require = (id: string): unknown => {
    if (id === "micrograd-ts") return runtime;
    if (id === suite.name) return library;
    return nodeRequire(id);
  };
  const library = load(main, require);
  // mocha's describe/it, collected then run in order
  const tests: { name: string; fn: () => unknown }[] = [];
  const prefix: string[] = [];
  const describe = (name: string, body: () => void) => {
    prefix.push(name);
    body();
    prefix.pop();
  };
  const it = (name: string, fn: () => unknown) => void tests.push({ name: [...prefix, name].join(" > "), fn });
  load(read(suite.tests), require, { describe, it });
  const result: Result = { passed: [], failed: [], helperCalls: (main.match(/\b_op[A-Z]\w*\(/g) ?? []).length };
  for (const t of tests) {
    try {
      t.fn();
      result.passed.push(t.name);
    } catch {
      result.failed.push(t.name);
    }
  }
  return result;
}

describe("numeric libraries' own test suites, with the Babel plugin forced on every file", () => {
  test.each(SUITES.map((s) => [s.name, s] as const))("%s: as many tests pass, the same ones", (_name, suite) => {
    const plain = runSuite(suite, false);
    const rewritten = runSuite(suite, true);
    expect(plain.helperCalls).toBe(0);
    // the library's arithmetic did go through the helpers
    expect(rewritten.helperCalls).toBeGreaterThan(100);
    expect(plain.passed.length).toBeGreaterThan(100);
    expect(rewritten.failed).toEqual(plain.failed);
    expect(rewritten.passed).toEqual(plain.passed);
    console.log(
      `${suite.name}: ${rewritten.passed.length} of ${rewritten.passed.length + rewritten.failed.length} tests pass rewritten (${plain.passed.length} as published); ${rewritten.helperCalls} helper calls in the library`,
    );
  });
});
