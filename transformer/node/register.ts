// `node --import micrograd-ts/register app.ts`: runs TypeScript with the types stripped and the
// operators on Values rewritten, with no build step. The hooks (transformer/node/hooks.ts) run in
// Node's loader thread; source maps are turned on here so that stack traces point into the .ts.

import { register } from "node:module";

process.setSourceMapsEnabled(true);
register("./hooks.js", import.meta.url);
