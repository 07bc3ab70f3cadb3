// What a pass learns before the checker can know it. `const e = a * b` makes e a Value once the
// rewrite has made `a * b` a call, but the checker of this round still types e as a number: the
// pass records the kinds of what it rewrote (variables and properties declared without a type,
// what functions, methods and getters declared without a return type return) and answers with
// them at the uses. The records are keyed by declaration and shared by the files of one round,
// which the driver visits dependencies first, so `export const v2 = v1 * 2` in one module and
// `v2 * 2` in the next are settled in the same round (a chain of modules costs no extra rounds).

import type * as TS from "typescript";
import type { Kind, TypeScriptModule, ValueTypes } from "./values.js";

/** The key of a declaration: its file (as written) and the offset of its name there. */
export function declarationKey(fileName: string, offset: number): string {
  return `${fileName}#${offset}`;
}

/** What the passes of one round learned, by declaration key. */
export class Knowledge {
  /** Kinds of variables and properties declared without a type, from their initializers. */
  readonly declared = new Map<string, Kind>();
  /** Kinds of what functions, methods and getters declared without a return type return. */
  readonly returns = new Map<string, Kind>();
}

/** A declaration whose name this pass can key what it learns by. */
export function isNamedDeclaration(
  ts: TypeScriptModule,
  d: TS.Declaration,
): d is (TS.VariableDeclaration | TS.FunctionDeclaration | TS.MethodDeclaration | TS.GetAccessorDeclaration | TS.PropertyDeclaration) & { name: TS.Identifier } {
  return (
    (ts.isVariableDeclaration(d) || ts.isFunctionDeclaration(d) || ts.isMethodDeclaration(d) || ts.isGetAccessor(d) || ts.isPropertyDeclaration(d)) &&
    d.name !== undefined &&
    ts.isIdentifier(d.name)
  );
}

/** The declaration an identifier refers to (through imports), as its checker sees it. */
export function declarationOfSymbol(ts: TypeScriptModule, checker: TS.TypeChecker, symbol: TS.Symbol | undefined): TS.Declaration | undefined {
  if (symbol !== undefined && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
  const d = symbol?.valueDeclaration;
  return d && isNamedDeclaration(ts, d) ? d : undefined;
}

/** The kinds of one file's operands: what the pass learned first, the checker's types otherwise. */
export class Inference {
  /** The kinds of the return statements of the functions being visited (innermost last). */
  private readonly frames: Kind[][] = [];
  /** Functions whose returns are Values or numbers (value, number or mixed), by node. */
  private readonly functionKinds = new Map<TS.Node, Kind>();

  constructor(
    private readonly ts: TypeScriptModule,
    private readonly sf: TS.SourceFile,
    private readonly values: ValueTypes,
    private readonly typeOf: (node: TS.Expression) => TS.Type | undefined,
    /** The key of the declaration an identifier refers to (see declarationKey). */
    private readonly declarationOf: (id: TS.Identifier) => string | undefined,
    private readonly known: Knowledge,
  ) {}

  /** The kind the pass recorded for the variable `node` names, if it is one. */
  declaredKind(node: TS.Expression): Kind | undefined {
    if (!this.ts.isIdentifier(node) || this.known.declared.size === 0) return undefined;
    const at = this.declarationOf(node);
    return at === undefined ? undefined : this.known.declared.get(at);
  }

  /** The kind of an operand that the pass did not rewrite. */
  kindOfType(node: TS.Expression): Kind {
    const k = this.declaredKind(node);
    if (k !== undefined) return k;
    const t = this.typeOf(node);
    return t ? this.values.kind(t) : "other";
  }

  /** What a call of `callee` returns, when the pass has seen the function. */
  callReturns(callee: TS.Identifier): Kind | undefined {
    if (this.known.returns.size === 0) return undefined;
    const at = this.declarationOf(callee);
    return at === undefined ? undefined : this.known.returns.get(at);
  }

  /** What a method or getter (or a property declared without a type) gives, when the pass has seen it. */
  memberReturns(name: TS.MemberName): Kind | undefined {
    if (this.known.returns.size === 0 || !this.ts.isIdentifier(name)) return undefined;
    const at = this.declarationOf(name);
    return at === undefined ? undefined : (this.known.returns.get(at) ?? this.known.declared.get(at));
  }

  /** Records a variable or property declared without a type: its initializer's kind, and what it returns if it is a function. */
  declare(name: TS.Identifier, initializer: TS.Expression, kind: Kind | undefined): void {
    const key = declarationKey(this.sf.fileName, name.getStart(this.sf));
    if (kind !== undefined) this.known.declared.set(key, kind);
    const f = this.functionKinds.get(initializer);
    if (f !== undefined) this.known.returns.set(key, f);
  }

  enterFunction(): void {
    this.frames.push([]);
  }

  /** A return statement (or an arrow's expression body) of the innermost function. */
  returned(kind: Kind): void {
    this.frames[this.frames.length - 1]?.push(kind);
  }

  /** Leaves a function: if it has no declared return type and returns Values or numbers, records which. */
  leaveFunction(node: TS.SignatureDeclaration): void {
    const ts = this.ts;
    const kinds = this.frames.pop()!;
    const plain = (n: TS.SignatureDeclaration & { asteriskToken?: TS.Node; modifiers?: TS.NodeArray<TS.ModifierLike> }): boolean =>
      !n.type && !n.asteriskToken && !n.modifiers?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword);
    const plainFunction = (ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node) || ts.isArrowFunction(node)) && plain(node);
    const plainMethod = (ts.isMethodDeclaration(node) || ts.isGetAccessor(node)) && plain(node);
    if (!(plainFunction || plainMethod) || kinds.length === 0) return;
    if (!kinds.every((k) => k === "value" || k === "number" || k === "mixed")) return;
    // a Value from one return and a number from another: the caller gets `Value | number`
    const kind = kinds.every((k) => k === kinds[0]) ? kinds[0]! : "mixed";
    this.functionKinds.set(node, kind);
    if ((ts.isFunctionDeclaration(node) || plainMethod) && node.name && ts.isIdentifier(node.name)) {
      this.known.returns.set(declarationKey(this.sf.fileName, node.name.getStart(this.sf)), kind);
    }
  }
}
