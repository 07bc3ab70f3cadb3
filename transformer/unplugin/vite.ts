// micrograd-ts/vite: the operator plugin for Vite (and vitest), made by unplugin from ./index.ts.
//
// vite.config.ts (or vitest.config.ts)
//   import micrograd from "micrograd-ts/vite";
//   export default defineConfig({ plugins: [micrograd()] });

import { factory, loadUnplugin, type MicrogradPluginOptions } from "./index.js";

export type { MicrogradPluginOptions };

export default loadUnplugin("vite").createVitePlugin(factory);
