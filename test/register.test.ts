// `node --import micrograd-ts/register file.ts`: the Node loader, run as users run it (a child
// process on the built package). Types stripped, operators rewritten, imports of `.js`, `.ts`,
// extensionless and directory paths finding the .ts sources, `.mts`, JavaScript that opts in,
// errors pointing into the original .ts. The disk cache has its own tests (loader-cache.test.ts).

import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ensureBuilt, ROOT } from "./transformer-babel.helpers.ts";

const cache = mkdtempSync(join(tmpdir(), "mg-register-cache-"));
const env = { ...process.env, MICROGRAD_TS_CACHE: cache, NODE_OPTIONS: "" };

function run(entry: string, args: string[], cacheDir = cache) {
  return spawnSync(process.execPath, [...args, entry], { cwd: ROOT, env: { ...env, MICROGRAD_TS_CACHE: cacheDir }, encoding: "utf8", timeout: 60_000 });
}

beforeAll(ensureBuilt, 300_000);
afterAll(() => rmSync(cache, { recursive: true, force: true }));

describe("node --import micrograd-ts/register", () => {
  test.each([["micrograd-ts/register"], ["./dist/transformer/loader/register.js"]])("--import %s runs a .ts program with its imports", (entry) => {
    const r = run("test/fixtures/register/main.ts", ["--import", entry]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("a 17.5 8.5\na1 42\n");
    expect(r.status).toBe(0);
  });

  test("parses what tsc 6 parses (standard decorators, accessor, using, satisfies, import attributes, enums, namespaces…) and rewrites a file that never imports micrograd-ts", () => {
    const r = run("test/fixtures/register/syntax/main.ts", ["--import", "micrograd-ts/register"]);
    expect(r.stderr).toBe("");
    // out = double(1.5 * 10 + 0.5): the accessor's decorator clamped the weight to 10
    expect(r.stdout).toBe("31 20 2 1 set weight,forward b,a,c 2 a\n");
  });

  test("a Value at an unsupported operator: TypeError with the position, stack trace into the .ts", () => {
    const r = run("test/fixtures/register/throws.ts", ["--import", "micrograd-ts/register"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("TypeError: test/fixtures/register/throws.ts:11:19: Values cannot be compared with <: compare their numbers, a.data < b.data.");
    // the frame of the caller, mapped back through the inline source map
    expect(r.stderr).toMatch(/at .*test\/fixtures\/register\/throws\.ts:11:\d+/);
  });

  test("a syntax error names the .ts file, line and column", () => {
    const dir = mkdtempSync(join(ROOT, "test/fixtures/register/tmp-"));
    try {
      writeFileSync(join(dir, "broken.ts"), 'import { Value } from "micrograd-ts";\nconst a: Value = new Value(1;\n');
      const r = run(join(dir, "broken.ts"), ["--import", "micrograd-ts/register"]);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(/SyntaxError.*: \/.*\/broken\.ts:2:29: Unexpected token, expected ","\n/);
      expect(r.stderr).toContain("> 2 | const a: Value = new Value(1;");
      expect(r.stderr).not.toContain("@babel/core");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // "node --import micrograd-ts/register examples/walkthrough.ts" as the README says, for every example
  const examples = readdirSync(join(ROOT, "examples")).filter((f) => f.endsWith(".ts"));
  test.each(examples)("examples/%s runs", (name) => {
    const out = mkdtempSync(join(tmpdir(), "mg-register-out-"));
    try {
      const r = spawnSync(process.execPath, ["--import", "micrograd-ts/register", `examples/${name}`], {
        cwd: ROOT,
        env: { ...env, MICROGRAD_OUT: out },
        encoding: "utf8",
        timeout: 120_000,
      });
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      expect(r.stdout.length).toBeGreaterThan(0);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  test("works from a folder with no node_modules (Babel's preset is found from the package, not from cwd)", () => {
    const elsewhere = mkdtempSync(join(tmpdir(), "mg-register-cwd-"));
    try {
      const register = join(ROOT, "dist/transformer/loader/register.js");
      const r = spawnSync(process.execPath, ["--import", register, join(ROOT, "test/fixtures/register/main.ts")], {
        cwd: elsewhere,
        env: { ...env, MICROGRAD_TS_CACHE: "0" },
        encoding: "utf8",
      });
      expect(r.stderr).toBe("");
      expect(r.stdout).toBe("a 17.5 8.5\na1 42\n");
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});
