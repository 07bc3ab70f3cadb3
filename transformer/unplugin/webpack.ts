// micrograd-ts/webpack: the operator plugin for webpack, made by unplugin from ./index.ts.
//
// webpack.config.mjs: next to the TypeScript loader, or micrograd({ stripTypes: true }) without one
//   import micrograd from "micrograd-ts/webpack";
//   export default { entry: "./src/main.ts", plugins: [micrograd()] };

import { factory, loadUnplugin, type MicrogradPluginOptions } from "./index.js";

export type { MicrogradPluginOptions };

export default loadUnplugin("webpack").createWebpackPlugin(factory);
