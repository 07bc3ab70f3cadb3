// The engine of an earlier commit, for side-by-side figures in the same run (BENCHMARKS.md:
// "against earlier commits"): runtime/*.ts at that commit, compiled as runtime.mjs compiles the
// current sources, into node_modules/.cache/micrograd-ts-bench/baseline-<commit>/.
//
// The default is the last commit of the object engine (a JavaScript object per node, a
// depth-first sort in backward); MICROGRAD_BENCH_BASELINE=<rev> picks another. Needs git and the
// repository's history: without them the benchmarks say so and skip the baseline's rows.

import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { root } from "./runtime.mjs";

/** The object engine: the commit before the typed-array engine. */
export const OBJECT_ENGINE = "1fd1bbe";

/** @returns {Promise<{ url: string, rev: string, name: string } | { missing: string }>} */
export async function baselineEntry(rev = process.env.MICROGRAD_BENCH_BASELINE || OBJECT_ENGINE) {
  let full;
  let files;
  try {
    full = git(["rev-parse", "--verify", `${rev}^{commit}`]).trim();
    // -r: the runtime has sub-folders since runtime/python/
    files = git(["ls-tree", "-r", "--name-only", full, "runtime/"])
      .split("\n")
      .filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"));
  } catch (e) {
    return { missing: `no baseline: git cannot read commit ${rev} here (${String(e.message).split("\n")[0]})` };
  }
  const dir = join(root, "node_modules", ".cache", "micrograd-ts-bench", `baseline-${full.slice(0, 12)}`, "runtime");
  const entry = join(dir, "index.js");
  if (!existsSync(entry)) {
    const ts = (await import("typescript")).default;
    const options = { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, verbatimModuleSyntax: true };
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "..", "package.json"), '{ "type": "module" }\n');
    // index.js last: its presence says the build is complete
    for (const f of files.sort((a, b) => (a.endsWith("/index.ts") ? 1 : 0) - (b.endsWith("/index.ts") ? 1 : 0))) {
      const out = ts.transpileModule(git(["show", `${full}:${f}`]), { compilerOptions: options, fileName: f }).outputText;
      const target = join(dir, f.slice("runtime/".length).replace(/\.ts$/, ".js"));
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(`${target}.${process.pid}.tmp`, out);
      renameSync(`${target}.${process.pid}.tmp`, target);
    }
  }
  const objectEngine = git(["rev-parse", "--verify", `${OBJECT_ENGINE}^{commit}`]).trim();
  // What the tables call it: the object engine (the default), or the engine of the commit asked for.
  const name = full === objectEngine ? "object engine" : "baseline engine";
  return { url: pathToFileURL(entry).href, rev: full.slice(0, 7), name };
}

function git(args) {
  return execFileSync("git", args, { cwd: root, encoding: "utf8", maxBuffer: 64 * 1024 * 1024, stdio: ["ignore", "pipe", "pipe"] });
}
