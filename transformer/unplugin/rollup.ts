// micrograd-ts/rollup: the operator plugin for Rollup, made by unplugin from ./index.ts.
//
// rollup.config.mjs: before the TypeScript plugin, or micrograd({ stripTypes: true }) without one
//   import micrograd from "micrograd-ts/rollup";
//   export default { input: "src/main.ts", plugins: [micrograd()], output: { dir: "build" } };

import { factory, loadUnplugin, type MicrogradPluginOptions } from "./index.js";

export type { MicrogradPluginOptions };

export default loadUnplugin("rollup").createRollupPlugin(factory);
