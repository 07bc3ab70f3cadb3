// npm run typecheck (tspc over the whole project, the operator code type-checked as the build
// sees it) as a test of the integration tier, so that `npm test` runs it beside the other test
// files instead of before all of them.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { expect, it } from "vitest";
import { ROOT } from "./consumer.helpers.ts";

it("the project type-checks with tspc (npm run typecheck)", () => {
  const tspc = join(ROOT, "node_modules/ts-patch/bin/tspc.js");
  const r = spawnSync(process.execPath, [tspc, "-p", "tsconfig.json", "--noEmit", "--pretty", "false"], { cwd: ROOT, encoding: "utf8", maxBuffer: 64 << 20 });
  expect(r.stdout + r.stderr).toBe("");
  expect(r.status).toBe(0);
}, 600_000);
