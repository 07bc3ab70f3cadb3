// Half-typed code in the editor: the arithmetic the parser could not make sense of. The build
// leaves a file with syntax errors as written; the editor rewrites the rest of the file (so the
// types around the cursor stay right: `(a * b).` still lists a Value's members) but no operator
// expression that holds a syntax error or an operand the parser made up (`x * ` has an empty
// identifier on the right, `a * (b satisfies` takes the next line in). Rewriting those would put
// generated text where the user never wrote an operator, and each round could guess anew.

import type * as TS from "typescript";
import type { TypeScriptModule } from "./values.js";

/**
 * The operator expressions (binary, unary) that hold one of the file's syntax errors or a node the
 * parser made up; `undefined` when the file parses.
 */
export function brokenExpressions(ts: TypeScriptModule, sf: TS.SourceFile): ReadonlySet<TS.Node> | undefined {
  // Internal to TypeScript, as in every version: the parser's errors, without a program.
  const errors = (sf as unknown as { parseDiagnostics?: readonly TS.Diagnostic[] }).parseDiagnostics ?? [];
  if (errors.length === 0) return undefined;
  // An error is often reported at the token after the unfinished construct (`')' expected` at
  // the next line's first word): the end of the text before it counts too.
  const text = sf.text;
  const positions = errors.flatMap((e) => {
    const at = e.start ?? 0;
    let before = at;
    while (before > 0 && /\s/.test(text[before - 1]!)) before--;
    return before === at ? [at] : [at, before];
  });
  const broken = new Set<TS.Node>();
  /** Whether `node` or something in it is made up; records the operator expressions that are broken. */
  const visit = (node: TS.Node): boolean => {
    let missing = node.pos === node.end && node.kind !== ts.SyntaxKind.EndOfFileToken;
    ts.forEachChild(node, (child) => {
      if (visit(child)) missing = true;
    });
    if (ts.isBinaryExpression(node) || ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) {
      const start = node.getStart(sf);
      if (missing || positions.some((p) => start <= p && p <= node.end)) broken.add(node);
    }
    return missing;
  };
  visit(sf);
  return broken;
}
