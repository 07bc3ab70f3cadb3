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
  /** Temporaries of edits kept from a previous rewrite (keep). */
  private readonly reserved = new Set<string>();

  /** The namespace and the module import the helpers are called through (`namespaceCalls`), once chosen. */
  private namespaceNames: { ns: string; module: string } | undefined;

  /**
   * `helpersModule`: call the helpers as members of a local ambient namespace over that module
   * (`__mg.mul(a, b)`, see helperImport), not as imported names: the editor's form.
   */
  constructor(
    private readonly ts: TypeScriptModule,
    private readonly sf: TS.SourceFile,
    private readonly helpersModule?: string,
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
    return this.helpersModule !== undefined ? `${this.namespace().ns}.${local}` : local;
  }

  private namespace(): { ns: string; module: string } {
    const fresh = (base: string): string => {
      let name = base;
      for (let i = 1; this.fileNames().has(name); i++) name = `${base}_${i}`;
      return name;
    };
    return (this.namespaceNames ??= { ns: fresh("__mg"), module: fresh("__mg_runtime") });
  }

  /**
   * Starts from the edits of a previous rewrite of the same text (minus those of the part the
   * pass is to rewrite again): they are kept as they are, and the helpers they call are imported
   * with those the pass calls, by the same local names.
   */
  keep(previous: readonly TextEdit[]): void {
    const helpers = [namespacedHelpers(previous)?.text, ...previous.map((e) => BUILD_IMPORT.exec(e.text)?.[0])].find((t) => t !== undefined);
    for (const e of previous) {
      let text = e.text;
      if (helpers !== undefined && text.includes(helpers)) {
        text = text.replace(` ${helpers}`, "").replace(`${helpers} `, "");
        for (const { name, local } of importedNames(helpers)) {
          this.used.add(name);
          this.aliases.set(name, local);
        }
      }
      for (const m of text.matchAll(/\bvar ((?:[\w$]+, )*[\w$]+);/g)) for (const t of m[1]!.split(", ")) this.reserved.add(t);
      if (text !== "" || e.start < e.end) this.edits.push({ start: e.start, end: e.end, text, rank: -1.5 });
    }
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
    } while (this.fileNames().has(name) || this.reserved.has(name));
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

  /** Declares the temporaries, imports the helpers from `from` (or the helpers module), and applies the edits. */
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

    const names = this.needsImport().map((n) => ({ name: n, local: this.aliases.get(n)! }));
    const importText =
      this.helpersModule === undefined ? helperImport(names, JSON.stringify(from), undefined) : helperImport(names, JSON.stringify(this.helpersModule), this.namespace());
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

/**
 * The generated import of the helpers, `import { add, mul as mul_1 } from "micrograd-ts";`, or in
 * the editor's form (`namespace`) the same names as members of a local ambient namespace over a
 * module that exports them (the editor's helpers module, which imports them from the runtime as
 * the build does): `import * as __mg_runtime from` the module `; declare namespace
 * __mg { export import add = __mg_runtime.add; … }`, called as `__mg.add(a, b)`. Both type every
 * call alike (the same declarations), but the checker narrows each reference to an imported name
 * by walking the control flow back to the start of its function or file (for aliases as for
 * variables): a file of top-level arithmetic makes thousands of such references, each walking
 * over every statement above it. A namespace and its alias members are not narrowed. The module
 * exports nothing but the helpers, so no type prints as `__mg_runtime.Layer`. Nothing is emitted
 * for an ambient namespace: the form is the editor's only (the build emits the import).
 */
function helperImport(names: readonly { name: string; local: string }[], from: string, namespace: { ns: string; module: string } | undefined): string {
  if (namespace === undefined) {
    return `import { ${names.map(({ name, local }) => (local === name ? name : `${name} as ${local}`)).join(", ")} } from ${from};`;
  }
  const members = names.map(({ name, local }) => `export import ${local} = ${namespace.module}.${name};`).join(" ");
  return `import * as ${namespace.module} from ${from}; declare namespace ${namespace.ns} { ${members} }`;
}

const BUILD_IMPORT = /import \{ ([\w$, ]+) \} from ("(?:[^"\\]|\\.)*");/;

/** The helpers a generated import (either form) imports: runtime name and local name. */
function importedNames(importText: string): { name: string; local: string }[] {
  const namespaced = NAMESPACE_IMPORT.exec(importText);
  if (namespaced) return [...namespaced[4]!.matchAll(/export import ([\w$]+) = [\w$]+\.([\w$]+);/g)].map((m) => ({ name: m[2]!, local: m[1]! }));
  const build = BUILD_IMPORT.exec(importText);
  return (build?.[1] ?? "").split(", ").flatMap((spec) => {
    const [name, local] = spec.split(" as ");
    return name ? [{ name, local: local ?? name }] : [];
  });
}

const NAMESPACE_IMPORT = /import \* as ([\w$]+) from ("(?:[^"\\]|\\.)*"); declare namespace ([\w$]+) \{ ((?:export import [\w$]+ = [\w$]+\.[\w$]+; )*)\}/;

/** The editor's form of the helpers' import (helperImport's `namespace`) in a rewrite's edits: the namespace's name and its members. */
export function namespacedHelpers(edits: readonly TextEdit[]): { text: string; ns: string; names: { name: string; local: string }[] } | undefined {
  for (const e of edits) {
    const found = NAMESPACE_IMPORT.exec(e.text);
    if (!found) continue;
    return { text: found[0], ns: found[3]!, names: importedNames(found[0]) };
  }
  return undefined;
}

/**
 * The edits of a rewrite in the editor's form (helperImport's `namespace`) as the build writes
 * them, importing the helpers from `from`: `__mg.mul(` is `mul(`. Edits in the build's form come
 * back as they are.
 */
export function withImportedHelpers(edits: readonly TextEdit[], from: string): TextEdit[] {
  const found = namespacedHelpers(edits);
  if (!found) return [...edits];
  const call = new RegExp(`(?<![\\w$.])${found.ns.replace(/\$/g, "\\$")}\\.(?=[\\w$]+\\()`, "g");
  const importText = helperImport(found.names, JSON.stringify(from), undefined);
  return edits.map((e) => ({ ...e, text: e.text.replace(found.text, () => importText).replace(call, "") }));
}
