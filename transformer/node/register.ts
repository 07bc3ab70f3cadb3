// `node --import micrograd-ts/register app.ts`: runs TypeScript with the types stripped and the
// operators on Values rewritten, with no build step. The hooks (transformer/node/hooks.ts) run in
// Node's loader thread; source maps are turned on here so that stack traces point into the .ts.

import * as nodeModule from "node:module";

const register = (nodeModule as { register?: (specifier: string, parentURL: string) => void }).register;
if (typeof register !== "function") {
  throw new Error(`micrograd-ts/register needs Node 20.6 or newer (module.register); this is Node ${process.versions.node}`);
}
process.setSourceMapsEnabled(true);
register("./hooks.js", import.meta.url);
