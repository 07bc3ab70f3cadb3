// micrograd-ts/rspack: the operator plugin for Rspack, made by unplugin from ./index.ts.
//
// rspack.config.mjs
//   import micrograd from "micrograd-ts/rspack";
//   export default { entry: "./src/main.ts", plugins: [micrograd()] };

import { factory, loadUnplugin, type MicrogradPluginOptions } from "./index.js";

export type { MicrogradPluginOptions };

export default loadUnplugin("rspack").createRspackPlugin(factory);
