// What the editor needs from the rewrite engine: the rewrite of every file of a program, as the
// build computes it (transformer/ts/program.ts: the fixpoint over rebuilt programs), so that the
// editor and tspc see the same program.

import type * as TS from "typescript";
import { rewriteProgram } from "../ts/program.js";
import type { RewriteResult } from "../ts/rewrite.js";

export type FileRewrite = RewriteResult;

/** The rewrites of a program's files that have edits or diagnostics, by file name. */
export type Rewriter = (program: TS.Program) => ReadonlyMap<string, FileRewrite>;

export function createRewriter(ts: typeof TS, log: (message: string) => void = () => {}): Rewriter {
  return (program) => {
    let files;
    try {
      // The build leaves a file with syntax errors alone (tsc stops there anyway); in the
      // editor a file is rarely without one while the user types (`(a * b).` before the
      // member name), and completions need its types, so the driver sees no syntax errors.
      files = rewriteProgram(ts, withoutSyntaxErrors(program)).files;
    } catch (error) {
      log(`micrograd-ts: rewrite of a file with syntax errors failed (${(error as Error).message}); leaving those files as written`);
      files = rewriteProgram(ts, program).files;
    }
    const out = new Map<string, FileRewrite>();
    for (const [fileName, { result }] of files) {
      if (result.changed || result.diagnostics.length > 0) out.set(fileName, result);
    }
    return out;
  };
}

function withoutSyntaxErrors(program: TS.Program): TS.Program {
  return new Proxy(program, {
    get: (target, key, receiver) => (key === "getSyntacticDiagnostics" ? () => [] : Reflect.get(target, key, receiver)),
  });
}
