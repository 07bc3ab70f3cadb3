// The Vite (and vitest) plugin: runs the Babel operator plugin on the files that opt in, before
// Vite strips the types, and hands Vite the source map so it chains it with its own.
//
//   import { micrograd } from "micrograd-ts/vite";
//   export default defineConfig({ plugins: [micrograd()] });

import { transformAsync } from "@babel/core";
import type { Plugin } from "vite";
import babelPlugin, { DIRECTIVE, type MicrogradBabelOptions } from "../babel/index.js";
import { RUNTIME_MODULE } from "../operators.js";

export interface MicrogradViteOptions extends MicrogradBabelOptions {
  /** Files to consider (default: .ts .tsx .mts .cts .js .jsx .mjs .cjs). */
  include?: RegExp;
  /** Files never to touch (default: anything under node_modules). */
  exclude?: RegExp;
}

const SCRIPT = /\.(?:[cm]?tsx?|[cm]?jsx?)$/;
const NODE_MODULES = /[\\/]node_modules[\\/]/;

export function micrograd(options: MicrogradViteOptions = {}): Plugin {
  const { include = SCRIPT, exclude = NODE_MODULES, ...babelOptions } = options;
  // A file can only opt in if its text names the runtime or the directive: a substring test
  // spares Babel every other file.
  const markers = [babelOptions.importSource ?? RUNTIME_MODULE, RUNTIME_MODULE, DIRECTIVE, ...(babelOptions.optInModules ?? [])];
  let root = process.cwd();
  return {
    name: "micrograd-ts",
    enforce: "pre",
    configResolved(config) {
      root = config.root;
    },
    async transform(code, id) {
      const file = id.split("?", 1)[0]!;
      if (id.startsWith("\0") || !include.test(file) || exclude.test(file)) return null;
      if (!babelOptions.all && !markers.some((m) => code.includes(m))) return null;
      const typescript = /\.[cm]?tsx?$/.test(file);
      const jsx = /x$/.test(file);
      const result = await transformAsync(code, {
        filename: file,
        cwd: root,
        babelrc: false,
        configFile: false,
        sourceMaps: true,
        // Vite serves ES modules: a file with no import (opted in by the directive) still gets an import of the helpers
        sourceType: /\.c[jt]s$/.test(file) ? "unambiguous" : "module",
        parserOpts: { plugins: [...(typescript ? (["typescript"] as const) : []), ...(jsx ? (["jsx"] as const) : [])] },
        plugins: [[babelPlugin, babelOptions]],
      });
      if (!result?.code) return null;
      return { code: result.code, map: result.map as never };
    },
  };
}

export default micrograd;
