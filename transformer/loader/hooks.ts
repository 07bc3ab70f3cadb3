// The module.register hooks behind `node --import micrograd-ts/register` (Node 20.19+, as the package's engines say).
//
// - resolve: a relative import written for the compiled output (`./lib.js`) or without an
//   extension finds the `.ts` source (`./lib.ts`, `./lib/index.ts`), as TypeScript resolves it.
// - load: every source file of the project (not node_modules) is compiled with the operator
//   plugin, with an inline source map: `.ts` and `.mts` with @babel/preset-typescript too, and
//   `.js`/`.mjs` ES modules with the plugin alone. Every file, not only those that import
//   "micrograd-ts": a module that only receives Values from another (a helper
//   `export const double = (x) => x * 2`, a model split over files) must be rewritten too, and
//   number-only code costs nothing measurable (the helpers' fast path, bench/dispatch.mjs).
//   The syntax is what tsc parses: standard decorators and `accessor` fields, `using` and
//   `await using`, `satisfies`, import attributes (Node 20 runs neither decorators nor `using`,
//   so those are compiled down).
// - The output is cached on disk (cache.ts: where, how it is protected and checked, what it is
//   keyed on), so a second run does not load Babel.

import { readdirSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { compile as compileOperators, tsCandidates } from "../compile.js";
import { CompileCache, toolchainFingerprint } from "./cache.js";

interface ResolveContext {
  parentURL?: string;
  conditions: string[];
  importAttributes?: Record<string, string>;
}
interface ResolveResult {
  url: string;
  format?: string | null;
  shortCircuit?: boolean;
}
interface LoadContext {
  format?: string | null;
  conditions: string[];
  importAttributes?: Record<string, string>;
}
interface LoadResult {
  format: string;
  source?: string | ArrayBuffer | Uint8Array | null;
  shortCircuit?: boolean;
}
type NextResolve = (specifier: string, context?: ResolveContext) => Promise<ResolveResult>;
type NextLoad = (url: string, context?: LoadContext) => Promise<LoadResult>;

const TS_FILE = /\.m?ts$/;
const JS_FILE = /\.m?js$/;
const NOT_FOUND = new Set(["ERR_MODULE_NOT_FOUND", "ERR_UNSUPPORTED_DIR_IMPORT"]);

export async function resolve(specifier: string, context: ResolveContext, nextResolve: NextResolve): Promise<ResolveResult> {
  const relative = specifier.startsWith("./") || specifier.startsWith("../") || specifier.startsWith("file:") || specifier.startsWith("/");
  if (!relative || !context.parentURL?.startsWith("file:") || context.parentURL.includes("/node_modules/")) {
    return nextResolve(specifier, context);
  }
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    if (!NOT_FOUND.has((error as { code?: string }).code ?? "")) throw error;
    for (const candidate of tsCandidates(specifier)) {
      try {
        return await nextResolve(candidate, context);
      } catch {
        // try the next spelling
      }
    }
    throw error;
  }
}

export async function load(url: string, context: LoadContext, nextLoad: NextLoad): Promise<LoadResult> {
  if (!url.startsWith("file:")) return nextLoad(url, context);
  const path = fileURLToPath(url);
  if (TS_FILE.test(path)) {
    const source = await readFile(path, "utf8");
    return { format: "module", source: await compile(source, path, true), shortCircuit: true };
  }
  if (JS_FILE.test(path) && !dependency(path) && !path.startsWith(ownDist)) {
    const result = await nextLoad(url, context);
    if (result.format !== "module" || result.source == null) return result;
    const source = typeof result.source === "string" ? result.source : Buffer.from(result.source as Uint8Array).toString("utf8");
    return { ...result, source: await compile(source, path, false) };
  }
  return nextLoad(url, context);
}

/**
 * A file of an installed package: its JavaScript is left to Node, and its TypeScript (a package
 * that ships .ts) has its types stripped and is rewritten only where it opts in (imports
 * "micrograd-ts" or says "use micrograd"), as the Babel plugin does by default.
 */
function dependency(path: string): boolean {
  return path.includes("/node_modules/") || path.includes("\\node_modules\\");
}

// ---- compiling, with a disk cache ---------------------------------------------------------------

const here = dirname(fileURLToPath(import.meta.url));
/**
 * This package's own build (dist/): never transformed. Its files name "micrograd-ts" and the
 * hooks' own imports of Babel pass through these hooks, which would wait on themselves.
 */
const ownDist = dirname(dirname(here)) + sep;

/**
 * The disk cache (transformer/loader/cache.ts). Its key covers the options: the literal in
 * babelCompile is part of this file, hashed with the plugin's code, and compile() adds the
 * inputs that vary (file, cwd, TypeScript or not).
 */
const cache = new CompileCache({
  env: process.env,
  warn: (message) => process.stderr.write(`${message}\n`),
  fingerprint: () =>
    toolchainFingerprint(
      here,
      // what Babel's output depends on: its core (parser, traverse, generator, types, …), the
      // preset and its plugins, and what the operator plugin imports; with their dependencies
      ["@babel/core", "@babel/preset-typescript", "@babel/helper-module-imports", "@babel/plugin-proposal-decorators", "@babel/plugin-transform-explicit-resource-management"],
      [
        join(here, "../../../package.json"),
        join(here, "../operators.js"),
        join(here, "../compile.js"),
        join(here, "hooks.js"),
        join(here, "cache.js"),
        ...codeFiles(join(here, "../babel")),
      ],
    ),
});

/** The .js files of a folder of this package's build. */
function codeFiles(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith(".js"))
      .sort()
      .map((f) => join(dir, f));
  } catch {
    return [];
  }
}

async function compile(source: string, filename: string, typescript: boolean): Promise<string> {
  const cwd = process.cwd();
  const key = cache.key(filename, source, { cwd, typescript });
  const cached = await cache.read(filename, key);
  if (cached !== null) return cached;
  const code = await babelCompile(source, filename, typescript, cwd);
  await cache.write(filename, key, code);
  return code;
}

function babelCompile(source: string, filename: string, typescript: boolean, cwd: string): Promise<string> {
  // Node runs the output as it is: decorators and `using` are lowered (compile.ts), and every
  // project file is rewritten (a module may get Values from another without importing the runtime).
  const plugin = { all: !dependency(filename) };
  return compileOperators(source, {
    filename,
    cwd,
    stripTypes: typescript,
    sourceType: "module",
    sourceMaps: "inline",
    plugin,
    lowerSyntax: true,
    feature: "micrograd-ts/register",
  }).then((r) => r.code);
}
