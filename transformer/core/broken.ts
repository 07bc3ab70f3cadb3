// Half-typed code in the editor: the statements the parser could not make sense of. The build
// leaves a file with syntax errors as written; the editor rewrites the rest of the file (so the
// types around the cursor stay right) but nothing inside a broken statement, where the parser's
// guesses (an operand taken from the next line, a `<` read as a type assertion) would put
// generated text where the user never wrote an operator, and where each round could guess anew.

import type * as TS from "typescript";
import type { TypeScriptModule } from "./values.js";

/**
 * The innermost statements (or class members) around each of the file's syntax errors; `undefined`
 * when the file parses. A syntax error between statements marks nothing.
 */
export function brokenStatements(ts: TypeScriptModule, sf: TS.SourceFile): ReadonlySet<TS.Node> | undefined {
  // Internal to TypeScript, as in every version: the parser's errors, without a program.
  const errors = (sf as unknown as { parseDiagnostics?: readonly TS.Diagnostic[] }).parseDiagnostics ?? [];
  if (errors.length === 0) return undefined;
  const broken = new Set<TS.Node>();
  const text = sf.text;
  for (const error of errors) {
    const pos = error.start ?? 0;
    // "Expression expected" is reported at the token after the unfinished construct, which may
    // start the next statement: the statement that ends just before the error is the broken one.
    let before = pos;
    while (before > 0 && /\s/.test(text[before - 1]!)) before--;
    const left = innermostAround(ts, sf, before, true);
    if (left) broken.add(left);
    // The statement the error is in; one that starts at the error only if the parser made up
    // part of it (`* b` after `const g = <\nconst e = a`), not the next, complete statement.
    const right = innermostAround(ts, sf, pos, true);
    if (right && (right.getStart(sf) < pos || hasMissingNode(ts, right))) broken.add(right);
  }
  return broken;
}

/** The innermost statement or class member around `pos`: starting at it or before (`atStart`), or strictly before. */
function innermostAround(ts: TypeScriptModule, sf: TS.SourceFile, pos: number, atStart: boolean): TS.Node | undefined {
  let innermost: TS.Node | undefined;
  const descend = (node: TS.Node): void => {
    ts.forEachChild(node, (child) => {
      const start = child.getStart(sf);
      if ((start < pos || (atStart && start === pos)) && pos <= child.end) {
        if (ts.isStatement(child) || ts.isClassElement(child)) innermost = child;
        descend(child);
      }
    });
  };
  descend(sf);
  return innermost;
}

/** Whether the parser made up a node inside `node` (an empty identifier where an operand is missing). */
function hasMissingNode(ts: TypeScriptModule, node: TS.Node): boolean {
  let found = false;
  const visit = (n: TS.Node): void => {
    if (found) return;
    if (n.pos === n.end && n.kind !== ts.SyntaxKind.EndOfFileToken) found = true;
    else ts.forEachChild(n, visit);
  };
  visit(node);
  return found;
}
