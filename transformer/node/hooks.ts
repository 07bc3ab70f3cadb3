// The module.register hooks behind `node --import micrograd-ts/register` (Node 20.19+, as the package's engines say).
//
// - resolve: a relative import written for the compiled output (`./lib.js`) or without an
//   extension finds the `.ts` source (`./lib.ts`, `./lib/index.ts`), as TypeScript resolves it.
// - load: `.ts` and `.mts` files are compiled with @babel/preset-typescript and the operator
//   plugin, with an inline source map; `.js`/`.mjs` ES modules that opt in (they import
//   "micrograd-ts" or say "use micrograd") get the operator plugin only.
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
const MARKERS = ["micrograd-ts", "use micrograd"];

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
  if (JS_FILE.test(path) && !path.includes("/node_modules/") && !path.includes("\\node_modules\\") && !path.startsWith(ownDist)) {
    const result = await nextLoad(url, context);
    if (result.format !== "module" || result.source == null) return result;
    const source = typeof result.source === "string" ? result.source : Buffer.from(result.source as Uint8Array).toString("utf8");
    if (!MARKERS.some((m) => source.includes(m))) return result;
    return { ...result, source: await compile(source, path, false) };
  }
  return nextLoad(url, context);
}

// ---- compiling, with a disk cache ---------------------------------------------------------------

const here = dirname(fileURLToPath(import.meta.url));
/**
 * This package's own build (dist/): never transformed. Its files name "micrograd-ts" and the
 * hooks' own imports of Babel pass through these hooks, which would wait on themselves.
 */
const ownDist = dirname(dirname(here)) + sep;

/**
 * The disk cache (transformer/node/cache.ts). Its key covers the options: the literal in
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
      ["@babel/core", "@babel/preset-typescript", "@babel/helper-module-imports"],
      [join(here, "../../../package.json"), join(here, "../operators.js"), join(here, "../compile.js"), join(here, "hooks.js"), join(here, "cache.js"), ...codeFiles(join(here, "../babel"))],
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
  return compileOperators(source, { filename, cwd, stripTypes: typescript, sourceType: "module", sourceMaps: "inline", plugin: {}, feature: "micrograd-ts/register" }).then((r) => r.code);
}
