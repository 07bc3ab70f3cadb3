// `node --import micrograd-ts/register app.ts`: runs TypeScript with the types stripped and the
// operators on Values rewritten, with no build step. The hooks (transformer/loader/hooks.ts) run in
// Node's loader thread; source maps are turned on here so that stack traces point into the .ts.

import * as nodeModule from "node:module";
import { checkBabel } from "../compile.js";

if ("Deno" in globalThis) {
  // Deno has module.register, but it does nothing there: the program would run untransformed.
  throw new Error(
    'micrograd-ts/register is for Node; under Deno preload micrograd-ts/deno: deno run --allow-read --allow-env --preload preload.ts app.ts, with import "micrograd-ts/deno" in preload.ts',
  );
}
const register = (nodeModule as { register?: (specifier: string, parentURL: string) => void }).register;
if (typeof register !== "function") {
  throw new Error(`micrograd-ts/register needs Node 20.19 or newer; this is Node ${process.versions.node}, which has no module.register`);
}
// Babel is an optional peer dependency: without it, say so (with the install line) before any file loads.
checkBabel("micrograd-ts/register");
process.setSourceMapsEnabled(true);
register("./hooks.js", import.meta.url);
