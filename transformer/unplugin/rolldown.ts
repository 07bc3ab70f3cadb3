// micrograd-ts/rolldown: the operator plugin for Rolldown, made by unplugin from ./index.ts.
//
// rolldown.config.mjs
//   import micrograd from "micrograd-ts/rolldown";
//   export default { input: "src/main.ts", plugins: [micrograd()], output: { dir: "build" } };

import { factory, loadUnplugin, type MicrogradPluginOptions } from "./index.js";

export type { MicrogradPluginOptions };

export default loadUnplugin("rolldown").createRolldownPlugin(factory);
