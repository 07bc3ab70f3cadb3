// micrograd-ts/deno: operators on Values under Deno, with no build step.
//
//   deno run --allow-read --allow-env --preload preload.ts app.ts     (preload.ts: import "micrograd-ts/deno";)
//   deno run --allow-read --allow-env --preload npm:micrograd-ts/deno app.ts   (installed from the registry)
//
// Deno runs TypeScript itself and has no plugin API, but it implements Node's synchronous
// module hooks (module.registerHooks). This preload registers a `load` hook that compiles each
// project file as the Node loader does (types stripped by @babel/preset-typescript, operators
// rewritten by the Babel plugin, an inline source map), from the file as written, so that
// messages give its lines and columns. Every project file is rewritten (not node_modules), as
// with the bundler plugins. Deno resolves a program's static imports before any hook runs:
// write `./model.ts` (Deno's way) or run with --sloppy-imports for `./model.js`.
// Node has no registerHooks before 22.15: there, use `node --import micrograd-ts/register`.

import { readFileSync } from "node:fs";
import * as nodeModule from "node:module";
import { fileURLToPath } from "node:url";
import { checkBabel, compileSync } from "../compile.js";

const FEATURE = "micrograd-ts/deno";
const PROJECT_SCRIPT = /\.m?[jt]sx?$/;

interface Hooks {
  load(
    url: string,
    context: object,
    next: (url: string, context?: object) => { format?: string | null; source?: unknown },
  ): { format?: string | null; source?: unknown; shortCircuit?: boolean };
}
const registerHooks = (nodeModule as { registerHooks?: (hooks: Hooks) => void }).registerHooks;
if (typeof registerHooks !== "function") {
  throw new Error(`${FEATURE} needs module.registerHooks (Deno 2.5 or newer; Node 22.15 or newer). Under Node 20, use node --import micrograd-ts/register`);
}

checkBabel(FEATURE);
const require = nodeModule.createRequire(import.meta.url);
const babel = require("@babel/core") as typeof import("@babel/core");
const plugin = (require("../babel/index.js") as typeof import("../babel/index.js")).default;

const compile = (source: string, filename: string) =>
  compileSync(source, { filename, cwd: process.cwd(), stripTypes: true, sourceType: "module", sourceMaps: "inline", plugin: { all: true }, feature: FEATURE }, babel, plugin);

// Babel loads parts of itself on first use. Under a hook, those loads would go through the hook
// while it runs (Deno then fails to load Babel's JSON files): a first run here loads them all.
compile("let x: number = -(a * b + c / d - e ** f);\nx += 1;\nx < 2;\nenum E { A }\nexport type T = E;\n", "warm-up.ts");

const isProjectFile = (url: string) => url.startsWith("file:") && !url.includes("/node_modules/") && PROJECT_SCRIPT.test(url);

registerHooks({
  load(url, context, next) {
    if (!isProjectFile(url)) return next(url, context);
    const filename = fileURLToPath(url);
    return { format: "module", source: compile(readFileSync(filename, "utf8"), filename).code, shortCircuit: true };
  },
});
