// micrograd-ts/language-service: the TypeScript language-service plugin, so that the editor
// agrees with the build. In tsconfig.json:
//
//   "plugins": [{ "name": "micrograd-ts/language-service" }]
//
// tsserver loads a plugin with require() and calls the module itself as the factory, with the
// editor's own `typescript` (which may differ from the one this package was built with), so
// nothing here imports "typescript" at run time.

import type * as TS from "typescript";
import { createMicrogradService } from "./service.js";

export { PositionMap } from "../core/position-map.js";
export { carryEdits, updateRewrites } from "./fixpoint.js";
export { createMicrogradService, type MicrogradServiceOptions, rewriteOf } from "./service.js";

function init(modules: { typescript: typeof TS }): TS.server.PluginModule {
  const ts = modules.typescript;
  return {
    create(info: TS.server.PluginCreateInfo): TS.LanguageService {
      const project = info.project as (TS.server.Project & { projectService?: { documentRegistry?: TS.DocumentRegistry } }) | undefined;
      const logger = project?.projectService?.logger;
      const log = logger ? (message: string) => logger.info(message) : undefined;
      log?.("micrograd-ts: language service plugin enabled");
      // Tells the build's program transformer (if ts-patch patched this tsserver's TypeScript)
      // that the editor has its own rewrite: the transformer must then leave programs alone.
      (globalThis as Record<symbol, unknown>)[Symbol.for("micrograd-ts.language-service")] = true;
      return createMicrogradService(ts, {
        base: info.languageService,
        host: info.languageServiceHost,
        // Internal to tsserver: sharing it lets both services parse lib.d.ts files once.
        sharedRegistry: project?.projectService?.documentRegistry,
        log,
      });
    },
  };
}

export default init;

// tsserver needs `module.exports` to be the factory itself; the ES module build has no `module`.
declare const module: { exports: unknown } | undefined;
if (typeof module === "object" && module !== null && typeof module.exports === "object") {
  module.exports = Object.assign(init, { default: init, createMicrogradService });
}
