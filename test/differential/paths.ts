// Every path a program can take, driven as its users drive it, each in one Node process for all
// programs (so thousands of programs stay fast):
// - oracle: the method-call texts, types stripped (esbuild), nothing rewritten;
// - tspc: the TypeScript transformer in-process (rewriteProgram, as ts-patch calls it), emitted by
//   TypeScript, with its diagnostics;
// - tspc-any: the same with the option dispatchAny, on the programs that have operands typed any;
// - babel: the Babel plugin with @babel/preset-typescript, { all: true };
// - bundler: the bundler plugin's transform hook (its defaults: every project file), then its types stripped as the
//   bundler does (esbuild);
// - loader: `node --import micrograd-ts/register`, on the .ts files themselves (every project file
//   rewritten by default).
// Programs live in <scratch>/<path>/<id>/, their support module in <scratch>/<path>/rt.*.

import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { transform as esbuild } from "esbuild";
import type { RewriteProgramOptions } from "../../transformer/ts/index.ts";
import micrograd from "../../transformer/unplugin/vite.ts";
import { babelTransform, ROOT } from "../transformer-babel.helpers.ts";
import { compile } from "../transformer-ts.helpers.ts";
import type { Unit } from "./families.ts";
import { POLY_MODULE, RT } from "./program.ts";

export const PATHS = ["oracle", "tspc", "tspc-any", "babel", "bundler", "loader"] as const;
export type PathName = (typeof PATHS)[number];

export interface Outcome {
  /** what the program logged, in order (ends with "threw …" if it threw) */
  log: string[];
  /** tspc only: the build's errors, "file:line: TS<code> message" */
  diagnostics: string[];
}

// esbuild's asynchronous API: the files of a path go to its service together (its synchronous
// API makes a round trip per file)
const strip = async (code: string) => (await esbuild(code, { loader: "ts", format: "esm", target: "es2022" })).code;

function writeFiles(dir: string, files: Map<string, string>): void {
  for (const [name, text] of files) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
}

const RUNNER = `import { readFileSync } from "node:fs";
const list = JSON.parse(readFileSync(new URL("./units.json", import.meta.url), "utf8"));
const g = (globalThis.__mg = { logs: {}, log: [], leaves: [], outs: [] });
for (const [unit, entry, first] of list) {
  g.log = g.logs[first] = [];
  g.leaves = [];
  g.outs = [];
  try {
    await import("./" + unit + "/" + entry + ".js");
  } catch (e) {
    g.log.push("threw " + (e && e.name) + ": " + String(e && e.message).split("\\n")[0]);
  }
}
const cpu = process.cpuUsage();
process.stdout.write(JSON.stringify({ logs: g.logs, cpuMs: (cpu.user + cpu.system) / 1000 }));
`;

/** CPU time spent by the runner processes, by path folder (their transform work included, for the loader). */
export const childCpuMs = new Map<string, number>();

function run(dir: string, units: Unit[], nodeArgs: string[] = []): Promise<Map<string, string[]>> {
  writeFileSync(join(dir, "units.json"), JSON.stringify(units.map((u) => [u.id, u.entry, u.programs[0]])));
  writeFileSync(join(dir, "runner.mjs"), RUNNER);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, "runner.mjs"], { cwd: dir, env: { ...process.env, NODE_OPTIONS: "", MICROGRAD_TS_CACHE: "0" } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => {
      if (code !== 0) reject(new Error(`${dir}: runner exited ${code}\n${stderr}`));
      else {
        const out = JSON.parse(stdout) as { logs: Record<string, string[]>; cpuMs: number };
        childCpuMs.set(dir, (childCpuMs.get(dir) ?? 0) + out.cpuMs);
        resolve(new Map(Object.entries(out.logs)));
      }
    });
  });
}

/** Each unit's modules, rt and poly as `name -> text` (relative to the path's folder), in the form `which` picks. */
function sources(units: Unit[], which: "ops" | "oracle", ext: string): Map<string, string> {
  const files = new Map<string, string>([
    [`rt${ext}`, RT],
    [`poly${ext}`, POLY_MODULE[which]],
  ]);
  for (const u of units) for (const m of u.modules) files.set(`${u.id}/${m.name}${ext}`, m[which]);
  return files;
}

function outcomes(units: Unit[], logs: Map<string, string[]>): Map<string, Outcome> {
  return new Map(units.flatMap((u) => u.programs.map((id) => [id, { log: logs.get(id) ?? [], diagnostics: [] }] as const)));
}

/** Rewrites every file with `transform`, then runs them all. */
async function jsPath(
  dir: string,
  units: Unit[],
  transform: (code: string, file: string) => string | Promise<string>,
  which: "ops" | "oracle" = "ops",
): Promise<Map<string, Outcome>> {
  const files = new Map<string, string>();
  await Promise.all([...sources(units, which, ".ts")].map(async ([name, text]) => void files.set(name.replace(/\.ts$/, ".js"), await transform(text, join(dir, name)))));
  writeFiles(dir, files);
  return outcomes(units, await run(dir, units));
}

export async function runPath(path: PathName, scratch: string, units: Unit[], polyUsers = new Set<string>()): Promise<Map<string, Outcome>> {
  const dir = join(scratch, path);
  mkdirSync(dir, { recursive: true });
  switch (path) {
    case "oracle":
      return jsPath(dir, units, (code) => strip(code), "oracle");
    case "babel":
      return jsPath(dir, units, (code, file) => babelTransform(code, file, { all: true }));
    case "bundler": {
      // the default options: every project file is rewritten
      const plugin = micrograd() as unknown as { transform: { handler: (this: unknown, code: string, id: string) => Promise<{ code: string } | null> } };
      return jsPath(dir, units, async (code, file) => strip((await plugin.transform.handler.call({}, code, file))?.code ?? code));
    }
    case "loader": {
      writeFiles(dir, sources(units, "ops", ".ts"));
      return outcomes(units, await run(dir, units, ["--import", join(ROOT, "dist/transformer/loader/register.js")]));
    }
    case "tspc":
      return tspcPath(dir, units, polyUsers);
    case "tspc-any":
      return tspcPath(
        dir,
        units.filter((u) => u.modules.some((m) => /: any\b/.test(m.ops))),
        polyUsers,
        { dispatchAny: true },
      );
  }
}

/**
 * One TypeScript program per batch: the chains (whose fixpoint needs a round per module) apart
 * from the rest, so that the others are not checked again fifty times. A diagnostic belongs to
 * the program whose block or module holds its line.
 */
async function tspcPath(dir: string, units: Unit[], polyUsers: Set<string>, rewrite: RewriteProgramOptions = {}): Promise<Map<string, Outcome>> {
  const result = new Map<string, Outcome>();
  const emitted = new Map<string, string>();
  const chains = (u: Unit) => u.programs.length === 1 && u.modules.length > 1 && u.modules.every((m) => /^m\d+$/.test(m.name)) && u.modules[0]!.ops.includes("export const v0");
  for (const [b, batch] of [units.filter((u) => !chains(u)), units.filter(chains)].entries()) {
    if (batch.length === 0) continue;
    const files = new Map([...sources(batch, "ops", ".ts")].map(([name, text]) => [join(dir, name), text] as const));
    // the programs need no Node types: leaving them out halves the checking
    const out = compile(files, true, { types: [] }, rewrite);
    for (const [name, js] of out.js) if (b === 0 || !/(rt|poly)\.ts$/.test(name)) emitted.set(name.slice(dir.length + 1).replace(/\.ts$/, ".js"), js);
    for (const u of batch) for (const id of u.programs) result.set(id, { log: [], diagnostics: [] });
    for (const d of out.diagnostics) {
      const file = d.file?.fileName ?? "";
      const line = d.file ? d.file.getLineAndCharacterOfPosition(d.start ?? 0).line : -1;
      const text = d.file ? d.file.text.split("\n")[line]?.trim() : "";
      const entry = `${file.slice(dir.length + 1)}:${line + 1}: TS${d.code} ${typeof d.messageText === "string" ? d.messageText : d.messageText.messageText} | ${text}`;
      const unit = batch.find((u) => file.startsWith(join(dir, u.id) + "/"));
      // in a pack, the last block begun above the line
      const owner = !unit
        ? null
        : unit.programs.length === 1
          ? unit.programs[0]!
          : [
              ...d
                .file!.text.split("\n")
                .slice(0, line + 1)
                .join("\n")
                .matchAll(/begin\("(p\d+)"\)/g),
            ].at(-1)?.[1];
      // rt.ts belongs to every program, poly.ts to those that call its functions
      const shared = batch.flatMap((u) => u.programs).filter((id) => !/poly\.ts$/.test(file) || polyUsers.has(id));
      for (const id of owner ? [owner] : shared) result.get(id)!.diagnostics.push(entry);
    }
  }
  writeFiles(dir, emitted);
  const logs = await run(dir, units);
  for (const [id, o] of result) o.log = logs.get(id) ?? [];
  return result;
}
