// The bundler plugins: one unplugin factory runs the Babel operator plugin on the project's
// files for Vite (and vitest), Rollup, Rolldown, webpack, Rspack, esbuild and Bun. Each entry
// (micrograd-ts/vite, /rollup, ...) is this factory made into that tool's plugin:
//
//   import micrograd from "micrograd-ts/vite";
//   export default defineConfig({ plugins: [micrograd()] });
//
// Every project file (not node_modules) is rewritten by default: a module that computes with
// Values it receives from another module need not import "micrograd-ts" itself, and the
// helpers' fast path keeps number arithmetic as fast as written. `all: false` goes back to the
// files that opt in. Types are kept for the tool's own TypeScript handling (`stripTypes: true`
// strips them, for Rollup or webpack without a TypeScript plugin or loader).
//
// unplugin and Babel are optional peer dependencies: a missing one is reported, with its npm
// install line, when the plugin is created.

import { statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, resolve } from "node:path";
import type { UnpluginContextMeta, UnpluginFactory, UnpluginOptions } from "unplugin";
import { BUNDLER, checkPeers } from "../../node/peers.js";
import type { MicrogradBabelOptions } from "../babel/index.js";
import { mayOptIn } from "../babel/opt-in.js";
import { compile, tsCandidates } from "../compile.js";

export type FilterPattern = string | RegExp | readonly (string | RegExp)[];

export interface MicrogradPluginOptions extends MicrogradBabelOptions {
  /**
   * Files to rewrite: regular expressions over the absolute path, or globs relative to the
   * working directory (default: `.ts .tsx .mts .cts .js .jsx .mjs .cjs` files).
   */
  include?: FilterPattern;
  /** Files never to rewrite (default: anything in node_modules, and virtual modules). */
  exclude?: FilterPattern;
  /**
   * Rewrite every included file (default true), or (false) only the files that import
   * "micrograd-ts" or start with "use micrograd".
   */
  all?: boolean;
  /**
   * Be the project's TypeScript step (default false: the tool's own TypeScript handling, plugin
   * or loader does it): strip the types, and resolve relative imports as TypeScript does
   * (`./model.js` finds `./model.ts`). For Rollup or webpack without a TypeScript plugin or loader.
   */
  stripTypes?: boolean;
}

export const SCRIPT = /\.[cm]?[jt]sx?(?:$|\?)/;
export const NODE_MODULES = /[\\/]node_modules[\\/]/;
const VIRTUAL = /^\0/;

const require = createRequire(import.meta.url);

/** The plugin's name in every tool, and the prefix of its messages. */
export const NAME = "micrograd-ts";

export const factory: UnpluginFactory<MicrogradPluginOptions | undefined, false> = (options = {}, meta: UnpluginContextMeta) => {
  const entry = `${NAME}/${meta.framework}`;
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw new TypeError(`${entry}: options must be an object like { exclude: /generated/ }, got ${JSON.stringify(options)}`);
  }
  checkPeers(
    require.resolve,
    entry,
    BUNDLER.filter((p) => p !== "unplugin"),
  );
  const { include = SCRIPT, exclude = NODE_MODULES, stripTypes = false, ...babelOptions } = options;
  // The Babel plugin checks its own options (importSource, optInModules, all) on the first file.
  const plugin: MicrogradBabelOptions = { ...babelOptions, all: babelOptions.all ?? true };
  if (typeof stripTypes !== "boolean") throw new TypeError(`${entry}: option "stripTypes" must be a boolean, got ${JSON.stringify(stripTypes)}`);
  for (const [key, value] of [
    ["include", include],
    ["exclude", exclude],
  ] as const) {
    if (!toArray(value).every((p) => typeof p === "string" || p instanceof RegExp)) {
      throw new TypeError(`${entry}: option "${key}" must be a RegExp, a glob string or an array of them, got ${String(value)}`);
    }
  }
  // Vite and Rollup serve ES modules: a file with no import still gets an import of the helpers.
  // The other tools also bundle CommonJS, where Babel tells a script from a module itself.
  const esOnly = meta.framework === "vite" || meta.framework === "rollup";
  let root = process.cwd();

  const hooks: UnpluginOptions = {
    name: NAME,
    enforce: "pre",
    transform: {
      filter: { id: { include: toArray(include), exclude: [...toArray(exclude), VIRTUAL] } },
      async handler(code, id) {
        if (!plugin.all) {
          // a substring test spares Babel every file that cannot opt in
          if (!mayOptIn(code, plugin)) return null;
        }
        const filename = id.replace(/[?#].*$/, "");
        const result = await compile(code, {
          filename,
          cwd: root,
          stripTypes,
          sourceType: /\.m[jt]s$/.test(filename) || (esOnly && !/\.c[jt]s$/.test(filename)) ? "module" : "unambiguous",
          sourceMaps: true,
          plugin,
          feature: entry,
        });
        return { code: result.code, map: result.map as never };
      },
    },
    ...(stripTypes
      ? {
          resolveId: {
            filter: { id: /^\.\.?\// },
            handler(source, importer) {
              if (!importer || NODE_MODULES.test(importer)) return null;
              const dir = dirname(importer.replace(/[?#].*$/, ""));
              if (isFile(resolve(dir, source))) return null;
              return (
                tsCandidates(source)
                  .map((c) => resolve(dir, c))
                  .find(isFile) ?? null
              );
            },
          },
        }
      : {}),
    vite: {
      configResolved(config) {
        root = config.root;
      },
    },
    webpack(compiler) {
      root = compiler.context;
    },
    rspack(compiler) {
      root = compiler.context;
    },
    esbuild: {
      setup(build) {
        root = build.initialOptions.absWorkingDir ?? root;
      },
    },
  };
  return hooks;
};

function isFile(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
}

function toArray(pattern: FilterPattern): (string | RegExp)[] {
  return Array.isArray(pattern) ? [...pattern] : [pattern as string | RegExp];
}

/** unplugin itself, or the error that names the install line (the entries call this first). */
export function loadUnplugin(entry: string): typeof import("unplugin") {
  checkPeers(require.resolve, `${NAME}/${entry}`, BUNDLER);
  return require("unplugin") as typeof import("unplugin");
}
