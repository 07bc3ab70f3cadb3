// What the editor needs from the rewrite engine: the rewrite of every file of a program, as the
// build computes it (transformer/ts/program.ts: the fixpoint over rebuilt programs), so that the
// editor and tspc see the same program.

import type * as TS from "typescript";
import { rewriteProgram } from "../ts/program.js";
import type { RewriteResult } from "../ts/rewrite.js";

export type FileRewrite = RewriteResult;

/** The rewrites of a program's files that have edits or diagnostics, by file name. */
export type Rewriter = (program: TS.Program) => ReadonlyMap<string, FileRewrite>;

export function createRewriter(ts: typeof TS): Rewriter {
  return (program) => {
    const out = new Map<string, FileRewrite>();
    for (const [fileName, { result }] of rewriteProgram(ts, program).files) {
      if (result.changed || result.diagnostics.length > 0) out.set(fileName, result);
    }
    return out;
  };
}
