// One Babel run of the operator plugin for the tools that compile a file at a time: the Node
// loader and the bundler plugins (Vite, Rollup, Rolldown, webpack, Rspack, esbuild, Bun). Babel
// is an optional peer dependency, loaded on first use; when it is missing the error names the
// npm install line.

import { createRequire } from "node:module";
import { basename } from "node:path";
import { BABEL, checkPeers, importPeer, isNotFound, MissingPeerError, type PeerName } from "../node/peers.js";
import type { MicrogradBabelOptions } from "./babel/index.js";

export interface CompileOptions {
  filename: string;
  /** The project root: messages name files relative to it. */
  cwd: string;
  /** Also strip the TypeScript types (@babel/preset-typescript), as the loader must. */
  stripTypes: boolean;
  /** "unambiguous" lets Babel decide between a script and a module (CommonJS files). */
  sourceType: "module" | "unambiguous";
  /** true: a map object in the result; "inline": a comment at the end of the code. */
  sourceMaps: true | "inline";
  plugin: MicrogradBabelOptions;
  /** Who compiles, for the message about a missing Babel ("micrograd-ts/vite"). */
  feature: string;
  /**
   * Also lower the syntax that Node 20 cannot run but TypeScript 6 compiles (standard decorators
   * with `accessor`, `using`), as the loader must: a bundler or Bun/Deno leave that to their own
   * compiler. Each lowering plugin is added only where its syntax can be (each costs a pass).
   */
  lowerSyntax?: boolean;
}

export interface Compiled {
  code: string;
  map: object | null;
}

const require = createRequire(import.meta.url);

/** Throws the install line when Babel is missing: call it where a plugin or loader is set up. */
export function checkBabel(feature: string): void {
  checkPeers(require.resolve, feature, BABEL);
}

const TYPESCRIPT = /\.[cm]?tsx?$/;
const JSX = /\.(?:[jt]sx|[cm]?js)$/;

/**
 * Parser plugins for everything TypeScript 6 parses that Babel does not by default. Decorators
 * come in two syntaxes (the standard one and TypeScript's experimentalDecorators, which also
 * decorates parameters); the standard one is tried first.
 */
function parserPlugins(filename: string, legacyDecorators: boolean): unknown[] {
  return [
    ...(TYPESCRIPT.test(filename) ? ["typescript"] : []),
    // JSX in .tsx, .jsx and .js files (React projects put it in .js); never in .ts, where <T>x is a cast
    ...(JSX.test(filename) ? ["jsx"] : []),
    legacyDecorators ? "decorators-legacy" : "decorators",
    "decoratorAutoAccessors",
  ];
}

type Babel = typeof import("@babel/core");
type Plugin = typeof import("./babel/index.js")["default"];

/** Babel's options for one file; the preset is passed by path (see below). */
function babelOptions(options: CompileOptions, plugin: Plugin, preset: string | null, legacyDecorators: boolean, source: string): import("@babel/core").TransformOptions {
  return {
    filename: options.filename,
    cwd: options.cwd,
    babelrc: false,
    configFile: false,
    sourceType: options.sourceType,
    sourceMaps: options.sourceMaps,
    sourceFileName: basename(options.filename),
    // Babel would colour a syntax error's code frame whenever it guesses a colour terminal
    // (CI=true makes it guess so), and the escapes would end up in logs.
    highlightCode: false,
    parserOpts: { plugins: parserPlugins(options.filename, legacyDecorators) as never },
    presets: preset ? [[preset, { allowDeclareFields: true }]] : [],
    // The operator plugin rewrites the whole file when Babel enters it, before these run.
    plugins: [[plugin, options.plugin], ...(options.lowerSyntax ? lowering(source, legacyDecorators, options.feature) : [])],
  };
}

/** The lowering plugins a file needs (by path: resolved from this package, not from cwd). */
function lowering(source: string, legacyDecorators: boolean, feature: string): import("@babel/core").PluginItem[] {
  const out: import("@babel/core").PluginItem[] = [];
  if (/@|\baccessor\b/.test(source)) {
    out.push([resolvePeer("@babel/plugin-proposal-decorators", feature), legacyDecorators ? { version: "legacy" } : { version: "2023-11" }]);
  }
  if (/\busing\b/.test(source)) out.push(resolvePeer("@babel/plugin-transform-explicit-resource-management", feature));
  return out;
}

function resolvePeer(name: PeerName, feature: string): string {
  try {
    return require.resolve(name);
  } catch (error) {
    if (isNotFound(error, name))
      throw new MissingPeerError(`${feature} (to run this file's ${name.includes("decorators") ? "decorators" : "using declarations"} on Node)`, [name], error);
    throw error;
  }
}

// By path, resolved from this package: Babel would look a bare name up from cwd, where the
// preset need not be installed (a script run from another folder).
const presetFor = (options: CompileOptions) => (options.stripTypes && TYPESCRIPT.test(options.filename) ? require.resolve("@babel/preset-typescript") : null);

const result = (r: import("@babel/core").BabelFileResult | null): Compiled => ({ code: r!.code!, map: (r!.map as object | null | undefined) ?? null });

/** Parsing failed on a decorator: the file may use TypeScript's older decorators (tried second). */
const decoratorError = (error: unknown) => /decorat/i.test(String((error as Error)?.message));

export async function compile(source: string, options: CompileOptions): Promise<Compiled> {
  const [babel, { default: plugin }, preset] = await Promise.all([
    importPeer("@babel/core", options.feature, () => import("@babel/core"), BABEL),
    importPeer("@babel/helper-module-imports", options.feature, () => import("./babel/index.js"), BABEL),
    importPeer("@babel/preset-typescript", options.feature, async () => presetFor(options), BABEL),
  ]);
  try {
    return result(await babel.transformAsync(source, babelOptions(options, plugin, preset, false, source)));
  } catch (error) {
    if (!decoratorError(error)) throw sourceError(error, options.filename);
    return result(await babel.transformAsync(source, babelOptions(options, plugin, preset, true, source)).catch(() => Promise.reject(sourceError(error, options.filename))));
  }
}

/** The same, synchronously, with Babel and the plugin already loaded (for synchronous module hooks). */
export function compileSync(source: string, options: CompileOptions, babel: Babel, plugin: Plugin): Compiled {
  const preset = presetFor(options);
  try {
    return result(babel.transformSync(source, babelOptions(options, plugin, preset, false, source)));
  } catch (error) {
    if (!decoratorError(error)) throw sourceError(error, options.filename);
    try {
      return result(babel.transformSync(source, babelOptions(options, plugin, preset, true, source)));
    } catch {
      throw sourceError(error, options.filename);
    }
  }
}

/**
 * Babel's parse errors say "/abs/file.ts: message (line:column)" with a 0-based column and a
 * stack through Babel's internals; this says "file.ts:line:column: message" (1-based, as editors
 * and stack traces count) with the code frame, and no internal frames.
 */
export function sourceError(error: unknown, filename: string): unknown {
  const e = error as { loc?: { line: number; column: number }; message?: string };
  if (!e || typeof e.message !== "string" || !e.loc) return error;
  const [first = "", ...frame] = e.message.split("\n");
  const reason = first.replace(`${filename}: `, "").replace(/ \(\d+:\d+\)$/, "");
  const out = new SyntaxError(`${filename}:${e.loc.line}:${e.loc.column + 1}: ${reason}\n${frame.join("\n")}`);
  out.stack = `SyntaxError: ${out.message}`;
  return out;
}

/** The TypeScript sources an import may mean: `./a.js` is `./a.ts`, `./a` is `./a.ts` or `./a/index.ts`. */
export function tsCandidates(specifier: string): string[] {
  if (specifier.endsWith(".js")) return [specifier.slice(0, -3) + ".ts"];
  if (specifier.endsWith(".mjs")) return [specifier.slice(0, -4) + ".mts"];
  // another file type (a dot inside a name, ./consumer.helpers, is not an extension)
  if (/\.(?:[cm]?[jt]sx?|json|node|wasm)$/i.test(specifier)) return [];
  return [specifier + ".ts", specifier + ".mts", specifier + "/index.ts"];
}
