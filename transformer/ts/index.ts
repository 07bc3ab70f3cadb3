// micrograd-ts/transformer: the ts-patch program transformer.
//
//   "plugins": [{ "transform": "micrograd-ts/transformer", "transformProgram": true }]
//
// ts-patch requires this module (its CommonJS build) and calls the default export with the
// program tsc created, the compiler host and its own (patched) TypeScript instance; the program
// returned, over the rewritten files, is the one tsc checks and emits.

import type * as TS from "typescript";
import type { TypeScriptModule } from "../core/values.js";
import type { RewriteProgramOptions } from "./program.js";
import { rewriteProgram } from "./program.js";

export { applyEdits, toOriginal, toRewritten } from "../core/positions.js";
export type { MgDiagnostic, RewriteOptions, RewriteResult, TextEdit, TypeScriptModule } from "../core/rewrite.js";
export { rewriteSourceFile } from "../core/rewrite.js";
export { declaresValueBrand, ValueTypes } from "../core/values.js";
export type { RewriteProgramOptions, RewriteProgramResult, RewrittenFile } from "./program.js";
export { DIAGNOSTIC_SOURCE, filesReachingRuntime, rewriteProgram } from "./program.js";

export interface TransformerConfig extends RewriteProgramOptions {
  transform?: string;
  transformProgram?: boolean;
}

interface ProgramTransformerExtras {
  ts: TypeScriptModule;
}

/** The ts-patch program transformer entry. */
export default function microgradTransformer(program: TS.Program, host: TS.CompilerHost | undefined, config: TransformerConfig, extras: ProgramTransformerExtras): TS.Program {
  if (!isProgram(program) || (host !== undefined && typeof (host as Partial<TS.CompilerHost>).getSourceFile !== "function") || !extras?.ts) {
    throw new Error(
      'micrograd-ts/transformer is a program transformer: in tsconfig.json write { "transform": "micrograd-ts/transformer", "transformProgram": true } ' +
        '(without "transformProgram": true ts-patch calls it as a source transformer, which cannot re-check types).',
    );
  }
  // In the editor the language-service plugin serves the rewritten program and maps positions
  // back; if the user ran `ts-patch install`, tsserver would run this transformer too, and its
  // rewritten text would reach hovers and edits unmapped. So under tsserver it stands aside.
  if (underTsserver()) return program;
  return rewriteProgram(extras.ts, program, host, { maxRounds: config?.maxRounds, dispatchAny: config?.dispatchAny === true }).program;
}

/** Whether this runs inside tsserver: the editor plugin has loaded, or the process is tsserver. */
export function underTsserver(): boolean {
  if ((globalThis as Record<symbol, unknown>)[Symbol.for("micrograd-ts.language-service")] === true) return true;
  const argv = (globalThis as { process?: { argv?: string[] } }).process?.argv;
  return /(^|[\\/])(tsserver|_tsserver|tsserverlibrary)(\.js)?$/.test(argv?.[1] ?? "");
}

function isProgram(x: unknown): x is TS.Program {
  return typeof x === "object" && x !== null && typeof (x as TS.Program).getTypeChecker === "function" && typeof (x as TS.Program).emit === "function";
}
