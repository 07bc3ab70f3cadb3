// The Babel plugin: operators on Values without types. In a file that opts in (it imports from
// "micrograd-ts", or starts with a "use micrograd" directive; every file with `all: true`) every
// operator that may see a Value becomes a call of a dispatching helper of the runtime
// (`a * b + c` becomes `opAdd(opMul(a, b), c)`); two numbers take the helper's fast path. The
// operators that a Value does not support are wrapped too, so a Value reaching them throws a
// TypeError that names the operator and the source position. Which operator maps to which helper
// comes from the one operator table, transformer/operators.ts.
//
// The plugin's files, by job:
//   index.ts        the plugin: options, the file's state, the order of the work
//   opt-in.ts       which files are rewritten, and whether a file may sit in an import cycle
//   annotations.ts  what the TypeScript annotations say is never a Value
//   not-value.ts    what cannot be a Value (left as written)
//   visitors.ts     the rewrite of expressions, one visitor per node kind
//   targets.ts      compound assignments: the target evaluated once
//   helpers.ts      the helpers' imports, constants, and the fast path at the operator
//   positions.ts    the source positions the messages name
//
// CommonJS-safe: babel-jest and Babel's config loader require() this file (no import.meta here).

import type { types as BabelTypes, PluginObj } from "@babel/core";
import { RUNTIME_MODULE } from "../operators.js";
import { readAnnotations } from "./annotations.js";
import { declareHelpers, declareTemporaries } from "./helpers.js";
import { importsOtherModules, type OptInOptions, optInModules, optsIn, runtimeModules } from "./opt-in.js";
import { Positions, relativeName } from "./positions.js";
import type { FileState, State } from "./state.js";
import { rewrite } from "./visitors.js";

export { DIRECTIVE } from "./opt-in.js";

export interface MicrogradBabelOptions extends OptInOptions {
  /** Rewrite every file, not only those that opt in. */
  all?: boolean;
}

export default function micrograd(api: { types: typeof BabelTypes; assertVersion?: (v: number) => void }, options: MicrogradBabelOptions = {}): PluginObj<State> {
  api.assertVersion?.(7);
  checkOptions(options);
  const t = api.types;
  const importSource = options.importSource ?? RUNTIME_MODULE;
  const runtime = runtimeModules(options);
  const optIn = optInModules(options);

  return {
    name: "micrograd-ts",
    visitor: {
      Program: {
        // The whole rewrite happens here, in a traversal of its own before any other plugin or
        // preset sees the file: the TypeScript preset then sees the helper imports in use (and
        // keeps them), and a plugin that lowers `**` (preset-env for old targets) or instruments
        // the code sees the calls, not the operators.
        enter(program, state) {
          state.mg = null;
          if (!options.all && !optsIn(program, optIn, state.file.code)) return;
          const filename = state.filename ?? state.file.opts.filename ?? "";
          const fs: FileState = {
            t,
            importSource,
            helpers: new Map(),
            mayRunEarly: importsOtherModules(program, runtime),
            moduleHelpers: new Set(),
            temporaries: new Map(),
            program,
            positions: new Positions(state.file.code),
            file: filename ? relativeName(filename, state.file.opts.cwd ?? "") : "<input>",
            primitive: new WeakSet(),
            primitiveArray: new WeakSet(),
            primitiveFunction: new WeakSet(),
          };
          state.mg = fs;
          readAnnotations(program, fs);
          program.traverse(rewrite, state);
          declareHelpers(fs);
          declareTemporaries(fs);
          program.scope.crawl();
        },
      },
    },
  };
}

const OPTIONS: Record<keyof MicrogradBabelOptions, string> = { importSource: "string", optInModules: "array of strings", all: "boolean" };

function checkOptions(options: unknown): void {
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw new TypeError(`micrograd-ts/babel: options must be an object like { importSource: "micrograd-ts" }, got ${JSON.stringify(options)}`);
  }
  for (const [key, value] of Object.entries(options)) {
    const want = OPTIONS[key as keyof MicrogradBabelOptions];
    if (!want) throw new TypeError(`micrograd-ts/babel: unknown option "${key}"; the options are ${Object.keys(OPTIONS).join(", ")}`);
    const ok = want === "string" ? typeof value === "string" : want === "boolean" ? typeof value === "boolean" : Array.isArray(value) && value.every((v) => typeof v === "string");
    if (!ok && value !== undefined) throw new TypeError(`micrograd-ts/babel: option "${key}" must be a ${want}, got ${JSON.stringify(value)}`);
  }
}
