// Asking the checker of a rewritten program about a file as written. The pass walks the original
// tree; the checker knows the rewritten one. A node of the original is found again in the
// rewritten file through the edits (positions map one to one outside them), and the answers come
// back in the original's terms: a type, or the key of a declaration (inference.ts).

import type * as TS from "typescript";
import { declarationKey, declarationOfSymbol } from "./inference.js";
import type { PositionMap } from "./position-map.js";
import type { TypeScriptModule } from "./values.js";

/**
 * The node of the rewritten file that stands for a node of the original: same kind, starting
 * between before and after the text generated at its start, ending likewise at its end, the
 * innermost if several. `map` holds the edits that made `rewritten` from `original`. The
 * rewritten file is indexed by start once, on the first question.
 */
export function nodeFinder(ts: TypeScriptModule, original: TS.SourceFile, rewritten: TS.SourceFile, map: PositionMap): (node: TS.Node) => TS.Node | undefined {
  if (rewritten === original) return (node) => node;
  let byStart: Map<number, TS.Node[]> | undefined;
  const index = (): Map<number, TS.Node[]> => {
    const out = new Map<number, TS.Node[]>();
    const add = (n: TS.Node): void => {
      const start = n.getStart(rewritten);
      const list = out.get(start);
      if (list) list.push(n);
      else out.set(start, [n]);
      ts.forEachChild(n, add);
    };
    ts.forEachChild(rewritten, add);
    return out;
  };
  return (node) => {
    byStart ??= index();
    const start = node.getStart(original);
    const innerStart = map.toRewritten(start, "right");
    const outerStart = map.toRewritten(start, "left");
    const innerEnd = map.toRewritten(node.end, "left");
    const outerEnd = map.toRewritten(node.end, "right");
    for (let s = innerStart; s >= outerStart; s--) {
      let best: TS.Node | undefined;
      for (const n of byStart.get(s) ?? []) {
        if (n.kind === node.kind && n.end >= innerEnd && n.end <= outerEnd && (!best || n.end < best.end)) best = n;
      }
      if (best) return best;
    }
    return undefined;
  };
}

/** The questions a pass over `original` asks (rewriteSourceFile's typeOf and declarationOf). */
export interface CheckerQueries {
  typeOf(node: TS.Expression): TS.Type | undefined;
  declarationOf(id: TS.Identifier): string | undefined;
  /** How many nodes could not be found in the rewritten file (0 unless something is wrong). */
  unmapped: number;
}

/**
 * typeOf and declarationOf for a pass over `original`, answered by `checker` on `rewritten` (its
 * counterpart in the checked program). `mapOf(fileName)` gives the edits that made the checked
 * program's copy of a file (undefined: as written), so that a declaration in another rewritten
 * file is keyed by its place in that file as written.
 */
export function checkerQueries(
  ts: TypeScriptModule,
  checker: TS.TypeChecker,
  original: TS.SourceFile,
  rewritten: TS.SourceFile,
  mapOf: (fileName: string) => PositionMap | undefined,
  onUnmapped?: (node: TS.Node) => void,
): CheckerQueries {
  const map = mapOf(original.fileName);
  const find = map ? nodeFinder(ts, original, rewritten, map) : (node: TS.Node) => node;
  const queries: CheckerQueries = {
    unmapped: 0,
    typeOf(node) {
      const n = there(node);
      return n ? checker.getTypeAtLocation(n) : undefined;
    },
    declarationOf(id) {
      const n = there(id);
      const d = n && declarationOfSymbol(ts, checker, checker.getSymbolAtLocation(n));
      if (!d) return undefined;
      const file = d.getSourceFile();
      const at = (d as TS.NamedDeclaration).name!.getStart(file);
      const edits = mapOf(file.fileName);
      return declarationKey(file.fileName, edits ? edits.toOriginal(at, "start") : at);
    },
  };
  const there = (node: TS.Node): TS.Node | undefined => {
    const found = find(node);
    if (found === undefined) {
      queries.unmapped++;
      onUnmapped?.(node);
    }
    return found;
  };
  return queries;
}
