// Shared by the Babel plugin's tests: transform a source with the plugin (and
// @babel/preset-typescript) as a user's Babel config would, and run the result in-process.
// The emitted ES module is turned into CommonJS only to run it here (import and export
// syntax, nothing else, changes), so the code under test is the text the plugin emitted.

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type PluginItem, transformSync } from "@babel/core";
import * as runtime from "micrograd-ts";
import micrograd, { type MicrogradBabelOptions } from "../transformer/babel/index.ts";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));
const nodeRequire = createRequire(import.meta.url);

/** The plugin with @babel/preset-typescript, as `plugins: ["micrograd-ts/babel"]` sets it up. */
export function babelTransform(code: string, filename: string, options: MicrogradBabelOptions = {}, extra: { plugin?: boolean; sourceType?: "module" | "script" } = {}): string {
  const plugins: PluginItem[] = extra.plugin === false ? [] : [[micrograd, options]];
  const out = transformSync(code, {
    filename,
    cwd: ROOT,
    babelrc: false,
    configFile: false,
    sourceType: extra.sourceType ?? "module",
    presets: filename.endsWith(".ts") || filename.endsWith(".tsx") ? ["@babel/preset-typescript"] : [],
    plugins,
  });
  return out!.code!;
}

export interface RunResult {
  exports: Record<string, unknown>;
  printed: string[];
}

/**
 * Runs emitted code. Imports of "micrograd-ts" get the runtime sources, relative imports are
 * transformed with the plugin and run the same way, anything else is Node's.
 */
export function runEmitted(
  code: string,
  filename: string,
  options: { print?: string[]; cache?: Map<string, Record<string, unknown>>; sourceType?: "module" | "script" } = {},
): RunResult {
  const printed = options.print ?? [];
  const cache = options.cache ?? new Map<string, Record<string, unknown>>();
  const cjs =
    options.sourceType === "script"
      ? code
      : transformSync(code, { babelrc: false, configFile: false, sourceType: "module", plugins: ["@babel/plugin-transform-modules-commonjs"], filename })!.code!;
  const module = { exports: {} as Record<string, unknown> };
  const require = (id: string): unknown => {
    if (id === "micrograd-ts") return runtime;
    if (id.startsWith("./") || id.startsWith("../")) {
      let path = resolve(dirname(filename), id);
      if (path.endsWith(".js")) path = path.slice(0, -3) + ".ts";
      if (!/\.[cm]?[jt]s$/.test(path)) path += ".ts";
      const hit = cache.get(path);
      if (hit) return hit;
      const source = readFileSync(path, "utf8");
      const result = runEmitted(babelTransform(source, path), path, { print: printed, cache });
      cache.set(path, result.exports);
      return result.exports;
    }
    return nodeRequire(id);
  };
  const console = { log: (...args: unknown[]) => printed.push(args.map(String).join(" ")) };
  new Function("require", "module", "exports", "console", cjs)(require, module, module.exports, console);
  return { exports: module.exports, printed };
}

/**
 * Builds dist/ (npm run build) when it was not built from the sources as they are (its
 * dist/.source-hash differs from scripts/source-hash.mjs's hash): the loader, the consumer
 * projects and babel-jest run the built package. The integration tier's globalSetup calls it
 * before any test file starts, so that no file rebuilds dist/ under others running from it; a
 * file run on its own calls it too (then it finds dist/ fresh). One build at a time.
 */
export async function ensureBuilt(): Promise<void> {
  const { existsSync, mkdirSync, rmSync } = await import("node:fs");
  const { execFileSync } = await import("node:child_process");
  const { sourceHash } = await import("../scripts/source-hash.mjs");
  const stamp = join(ROOT, "dist/.source-hash");
  const stale = () => !existsSync(stamp) || readFileSync(stamp, "utf8").trim() !== sourceHash();
  if (!stale()) return;
  const lock = join(ROOT, "node_modules/.cache/micrograd-ts-build.lock");
  mkdirSync(dirname(lock), { recursive: true });
  for (let waited = 0; ; waited += 200) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (waited > 180_000) throw new Error(`${lock} held for 3 minutes: remove it if no build is running`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    if (stale()) execFileSync(process.execPath, [join(ROOT, "scripts/build.mjs")], { cwd: ROOT, stdio: "pipe" });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
