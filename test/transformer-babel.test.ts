// The Babel plugin's fixture cases. Every folder of test/fixtures/transform (shared with the
// TypeScript transformer) and of test/fixtures/babel (cases of the untyped
// path only) holds an input.ts; the plugin's exact output is output.babel.js, reviewed as text,
// and the output runs: its top-level asserts must pass, or, where case.json says
// { "babel": "runtime-error", "throws": "<regex>" }, it must throw a TypeError whose message
// matches it ({ "babel": "runs" } marks a case that fails on tspc but runs here).
// UPDATE=1 writes missing or changed output.babel.js files.

import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { babelTransform, ROOT, runEmitted } from "./transformer-babel.helpers.ts";
import { UPDATE } from "./update.helpers.ts";

interface CaseJson {
  /** "runtime-error": the output throws a TypeError matching `throws`; "runs" (the default): it runs and its asserts pass. */
  babel?: "runtime-error" | "runs";
  throws?: string;
  why?: string;
}

const groups = ["test/fixtures/transform", "test/fixtures/babel"];

for (const group of groups) {
  const dir = join(ROOT, group);
  const cases = existsSync(dir) ? readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory() && existsSync(join(dir, d.name, "input.ts"))) : [];
  if (cases.length > 0)
    describe(group, () => {
      test.each(cases.map((c) => c.name))("%s", (name) => {
        const folder = join(dir, name);
        const input = join(folder, "input.ts");
        const expectedFile = join(folder, "output.babel.js");
        const caseFile = join(folder, "case.json");
        const spec: CaseJson = existsSync(caseFile) ? JSON.parse(readFileSync(caseFile, "utf8")) : {};
        const code = babelTransform(readFileSync(input, "utf8"), input) + "\n";
        if (UPDATE && (!existsSync(expectedFile) || readFileSync(expectedFile, "utf8") !== code)) writeFileSync(expectedFile, code);
        expect(existsSync(expectedFile), `${group}/${name}/output.babel.js is missing (UPDATE=1 writes it)`).toBe(true);
        expect(code).toBe(readFileSync(expectedFile, "utf8"));

        if (spec.babel === "runtime-error") {
          expect(spec.throws, "case.json: runtime-error needs a throws pattern").toBeTruthy();
          expect(() => runEmitted(code, input)).toThrow(new RegExp(spec.throws!));
          let error: unknown;
          try {
            runEmitted(code, input);
          } catch (e) {
            error = e;
          }
          expect(error).toBeInstanceOf(TypeError);
          expect((error as Error).message).toMatch(new RegExp(spec.throws!));
        } else {
          expect(spec.babel ?? "runs", `case.json: unknown "babel" value`).toBe("runs");
          runEmitted(code, input);
        }
      });
    });
}
