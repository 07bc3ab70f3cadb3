// The text a pass writes: call heads and closing parentheses inserted around operands that stay
// in place, operator tokens replaced, temporaries declared, the helpers imported. No edit adds or
// removes a line break (positions.ts), and insertions at one place are ordered by nesting depth:
// the outer call's head before the inner one's, the inner closing parenthesis first.

import type * as TS from "typescript";
import type { TextEdit } from "./positions.js";
import { applyEdits, normalizeEdits } from "./positions.js";
import type { TypeScriptModule } from "./values.js";

interface Edit extends TextEdit {
  /** Orders insertions at the same place: smaller first. */
  rank: number;
}

/** Names used in the file as bindings or references (not property names): what the emitted names must avoid. */
function usedNames(ts: TypeScriptModule, sf: TS.SourceFile): Set<string> {
  const names = new Set<string>();
  const visit = (node: TS.Node): void => {
    if (ts.isIdentifier(node)) {
      const p = node.parent;
      const isPropertyName =
        p !== undefined &&
        (((ts.isPropertyAccessExpression(p) || ts.isQualifiedName(p)) && (ts.isPropertyAccessExpression(p) ? p.name : p.right) === node) ||
          ((ts.isPropertyAssignment(p) ||
            ts.isMethodDeclaration(p) ||
            ts.isPropertyDeclaration(p) ||
            ts.isPropertySignature(p) ||
            ts.isMethodSignature(p) ||
            ts.isGetAccessor(p) ||
            ts.isSetAccessor(p) ||
            ts.isEnumMember(p)) &&
            p.name === node));
      if (!isPropertyName) names.add(node.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return names;
}

/**
 * Where the helpers' import goes: after the last import (`after`), or in front of the first
 * statement. Not after an import that is still being typed (`from "micrograd-ts` with the string
 * open, `import { relu` with the brace open): what is appended there would be swallowed by it,
 * so then in front of the first statement, where no unfinished construct can reach.
 */
export function importPosition(ts: TypeScriptModule, sf: TS.SourceFile): { at: number; after: boolean } {
  const imports = sf.statements.filter((s) => ts.isImportDeclaration(s) || ts.isImportEqualsDeclaration(s));
  const last = imports[imports.length - 1];
  // Internal to TypeScript, as in every version: the parser's errors, without a program.
  const parseErrors = (sf as unknown as { parseDiagnostics?: readonly TS.Diagnostic[] }).parseDiagnostics ?? [];
  if (last && !parseErrors.some((d) => (d.start ?? 0) <= last.end)) return { at: last.end, after: true };
  const first = sf.statements[0];
  return { at: first ? first.getStart(sf) : sf.text.length, after: false };
}

export class FileEdits {
  private readonly edits: Edit[] = [];
  /** Runtime names called. */
  private readonly used = new Set<string>();
  /** The local name of each runtime name (`add_1` when the file already uses `add`). */
  private readonly aliases = new Map<string, string>();
  /** Names in the file, computed when first needed. */
  private names: Set<string> | undefined;
  /** Temporaries by the offset of the statement they are declared in front of. */
  private readonly temps = new Map<number, string[]>();
  /** Arrow functions' expression bodies that hold temporaries (made blocks), by offset. */
  private readonly arrowBodies = new Map<number, TS.Expression>();
  private tempCount = 0;

  constructor(
    private readonly ts: TypeScriptModule,
    private readonly sf: TS.SourceFile,
  ) {}

  /** Inserts an opening text (a call head) at `pos`: outer (smaller depth) first. */
  open(pos: number, s: string, depth: number): void {
    this.edits.push({ start: pos, end: pos, text: s, rank: depth });
  }

  /** Inserts a closing text at `pos`: inner (greater depth) first. */
  close(pos: number, s: string, depth: number): void {
    this.edits.push({ start: pos, end: pos, text: s, rank: 1e6 - depth });
  }

  replace(start: number, end: number, s: string): void {
    this.edits.push({ start, end, text: s, rank: 0 });
  }

  get empty(): boolean {
    return this.edits.length === 0;
  }

  /** The local name to call a runtime helper by (and records that the file imports it). */
  call(name: string): string {
    this.used.add(name);
    let local = this.aliases.get(name);
    if (local === undefined) {
      local = name;
      if (this.fileNames().has(name)) {
        let i = 1;
        while (this.fileNames().has(`${name}_${i}`)) i++;
        local = `${name}_${i}`;
      }
      this.aliases.set(name, local);
    }
    return local;
  }

  /** The runtime names the edits call, sorted. */
  needsImport(): string[] {
    return [...this.used].sort();
  }

  /**
   * A new temporary for the assignment `node` belongs to. Declared (with var, so hoisting makes
   * it safe anywhere in the block) in front of the statement that holds the assignment, or at
   * the top of an arrow function's expression body (made a block).
   */
  newTemp(node: TS.Node): string {
    const { ts, sf } = this;
    let name: string;
    do {
      const n = this.tempCount++;
      name = "_" + (n < 26 ? String.fromCharCode(97 + n) : "t" + (n - 26));
    } while (this.fileNames().has(name));
    let at: TS.Node = node;
    while (at.parent !== undefined) {
      const p = at.parent;
      if (ts.isArrowFunction(p) && p.body === at) break;
      if ((ts.isBlock(p) || ts.isSourceFile(p) || ts.isModuleBlock(p) || ts.isCaseClause(p) || ts.isDefaultClause(p)) && ts.isStatement(at)) break;
      at = p;
    }
    const key = at.getStart(sf);
    const list = this.temps.get(key) ?? [];
    if (list.length === 0) {
      this.temps.set(key, list);
      if (at.parent && ts.isArrowFunction(at.parent) && at.parent.body === at) this.arrowBodies.set(key, at as TS.Expression);
    }
    list.push(name);
    return name;
  }

  /** Declares the temporaries, imports the helpers from `from`, and applies the edits. */
  finish(from: string): { text: string; edits: TextEdit[] } {
    const { ts, sf, edits } = this;
    for (const [pos, list] of this.temps) {
      const body = this.arrowBodies.get(pos);
      if (body !== undefined) {
        edits.push({ start: body.getStart(sf), end: body.getStart(sf), text: `{ var ${list.join(", ")}; return `, rank: -1 });
        edits.push({ start: body.end, end: body.end, text: "; }", rank: 2e6 });
      } else {
        edits.push({ start: pos, end: pos, text: `var ${list.join(", ")}; `, rank: -1 });
      }
    }

    const specifiers = this.needsImport()
      .map((n) => (this.aliases.get(n) === n ? n : `${n} as ${this.aliases.get(n)}`))
      .join(", ");
    const importText = `import { ${specifiers} } from ${JSON.stringify(from)};`;
    const { at, after } = importPosition(ts, sf);
    edits.push({ start: at, end: at, text: after ? " " + importText : importText + " ", rank: -2 });

    edits.sort((x, y) => x.start - y.start || x.end - y.end || x.rank - y.rank);
    const clean = normalizeEdits(edits.map(({ start, end, text }) => ({ start, end, text })));
    return { text: applyEdits(sf.text, clean), edits: clean };
  }

  private fileNames(): Set<string> {
    return (this.names ??= usedNames(this.ts, this.sf));
  }
}
