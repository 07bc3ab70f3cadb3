// The TypeScript transformer's fixture cases (test/fixtures/transform, shared with the Babel plugin). All
// inputs are compiled in one program with the transformer; for each case the emitted JavaScript
// must equal output.tspc.js (reviewed as text), the diagnostics must equal diagnostics.json
// (none when it is absent), and a case without diagnostics must run: its top-level asserts pass.
// UPDATE=1 writes missing or changed output.tspc.js / diagnostics.json files.

import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Compiled, RunResult } from "./transformer-ts.helpers.ts";
import { compile, ensureDist, plain, ROOT, runModules, scratchDir } from "./transformer-ts.helpers.ts";
import { UPDATE } from "./update.helpers.ts";

const DIR = join(ROOT, "test/fixtures/transform");
const cases = existsSync(DIR)
  ? readdirSync(DIR, { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join(DIR, d.name, "input.ts")))
      .map((d) => d.name)
      .sort()
  : [];

let compiled: Compiled;
let runs: Map<string, RunResult>;
let scratch: string;

beforeAll(() => {
  ensureDist();
  compiled = compile(
    cases.map((c) => join(DIR, c, "input.ts")),
    true,
  );
  scratch = scratchDir("mg-fixtures-");
  const runnable = new Map<string, string>();
  for (const c of cases) {
    const file = join(DIR, c, "input.ts");
    if (plain(compiled.diagnostics, file).length === 0) runnable.set(`${c}/input.js`, compiled.js.get(file)!);
  }
  runs = runModules(scratch, runnable);
});

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe("test/fixtures/transform with tspc's transformer", () => {
  test("there are cases, and the fixpoint found every expression again in the rewritten files", () => {
    expect(cases.length).toBeGreaterThan(20);
    expect(compiled.unmapped).toBe(0);
    expect(compiled.rounds).toBeGreaterThan(1);
    expect(compiled.rounds).toBeLessThan(8);
  });

  test.each(cases)("%s", (name) => {
    const folder = join(DIR, name);
    const file = join(folder, "input.ts");
    const js = compiled.js.get(file)!;
    const outFile = join(folder, "output.tspc.js");
    const diagFile = join(folder, "diagnostics.json");
    const diagnostics = plain(compiled.diagnostics, file);
    if (UPDATE) {
      if (!existsSync(outFile) || readFileSync(outFile, "utf8") !== js) writeFileSync(outFile, js);
      const text = JSON.stringify(diagnostics, null, 2) + "\n";
      if (diagnostics.length > 0 && (!existsSync(diagFile) || readFileSync(diagFile, "utf8") !== text)) writeFileSync(diagFile, text);
    }
    expect(existsSync(outFile), `${name}/output.tspc.js is missing (UPDATE=1 writes it)`).toBe(true);
    expect(js).toBe(readFileSync(outFile, "utf8"));
    const expected = existsSync(diagFile) ? JSON.parse(readFileSync(diagFile, "utf8")) : [];
    expect(diagnostics).toEqual(expected);
    if (diagnostics.length === 0) {
      const run = runs.get(`${name}/input.js`)!;
      expect(run.error ?? "").toBe("");
      expect(run.ok).toBe(true);
      const stdoutFile = join(folder, "stdout.txt");
      if (existsSync(stdoutFile)) expect(run.stdout).toBe(readFileSync(stdoutFile, "utf8"));
      else expect(run.stdout).toBe("");
    }
  });
});
