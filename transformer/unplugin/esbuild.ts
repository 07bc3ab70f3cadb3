// micrograd-ts/esbuild: the operator plugin for esbuild, made by unplugin from ./index.ts.
//
//   import { build } from "esbuild";
//   import micrograd from "micrograd-ts/esbuild";
//   await build({ entryPoints: ["src/main.ts"], bundle: true, plugins: [micrograd()] });

import { factory, loadUnplugin, type MicrogradPluginOptions } from "./index.js";

export type { MicrogradPluginOptions };

export default loadUnplugin("esbuild").createEsbuildPlugin(factory);
