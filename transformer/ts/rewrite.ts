// The rewrite of one source file: arithmetic whose operands the type checker types as a Value
// becomes a call of the engine (`a * b + c` -> `add(mul(a, b), c)`), arithmetic on operands typed
// `any` becomes a call of the dispatching helper (`opMul(x, 2)`), number-only arithmetic stays
// as written, and operators that a Value does not support get a diagnostic.
//
// The rewrite is a list of text edits over the original text: operator tokens are replaced and
// call heads / closing parentheses inserted around operands that stay in place, and no edit
// adds or removes a line break. Positions therefore map 1:1 outside the edits (positions.ts), line
// numbers never move, and the editor plugin can map its answers back to what the user wrote.

import type * as TS from "typescript";
import { BINARY, COMPOUND, RUNTIME_MODULE, STRING_CONCAT, UNARY, UNSUPPORTED_BINARY, UNSUPPORTED_UNARY } from "../operators.js";
import type { SupportedOp, UnsupportedOp } from "../operators.js";
import { applyEdits, normalizeEdits } from "./positions.js";
import type { TextEdit } from "./positions.js";

export type { TextEdit } from "./positions.js";

export interface MgDiagnostic {
  /** Offset of the operator in the original text. */
  start: number;
  length: number;
  code: number;
  message: string;
  category: "error";
  /** The whole expression the operator belongs to (TypeScript's own errors inside it are superseded). */
  expression?: { start: number; end: number };
}

export interface RewriteResult {
  /** The rewritten text (the original text when nothing changed). */
  text: string;
  /** The edits over the original text, sorted and non-overlapping. */
  edits: TextEdit[];
  /** Operators that a Value does not support, in original coordinates. */
  diagnostics: MgDiagnostic[];
  changed: boolean;
  /** The runtime names the rewritten text calls (imported by the edits when `changed`). */
  needsImport: string[];
}

export interface RewriteOptions {
  /**
   * The type of an expression of `sourceFile`. By default the checker's type at the node; the
   * fixpoint driver passes a function that asks the latest rewritten program instead.
   */
  typeOf?: (node: TS.Expression) => TS.Type | undefined;
  /** The checker that `typeOf` answers with (default: the `checker` argument). */
  typeChecker?: TS.TypeChecker;
  /**
   * Where the variable an identifier refers to is declared: the offset of the declaration's name
   * in `sourceFile`, when it is declared in this file. Lets a pass use what it decided for
   * `const e = a * b` at the uses of `e` (fewer fixpoint rounds). By default asks `checker`.
   */
  declarationOf?: (id: TS.Identifier) => number | undefined;
  /** The module to import the helpers from (default: an existing import that exports them, else "micrograd-ts"). */
  importFrom?: string;
  /** Rewrite operands typed `any` into the dispatching helpers (default true). */
  dispatchAny?: boolean;
}

/** The TypeScript module (ts-patch hands over its patched instance; a default import works too). */
export type TypeScriptModule = Omit<typeof TS, "default">;

/** How an operand takes part in arithmetic. */
type Kind = "value" | "number" | "any" | "string" | "unknown" | "other";

const brandFiles = new WeakMap<TS.SourceFile, boolean>();

/** Whether the file declares the runtime's brand: `export declare const VALUE_BRAND: unique symbol`. */
export function declaresValueBrand(ts: TypeScriptModule, sf: TS.SourceFile): boolean {
  let known = brandFiles.get(sf);
  if (known === undefined) {
    known =
      sf.text.includes("VALUE_BRAND") &&
      sf.statements.some(
        (s) =>
          ts.isVariableStatement(s) &&
          s.declarationList.declarations.some(
            (d) =>
              ts.isIdentifier(d.name) &&
              d.name.text === "VALUE_BRAND" &&
              d.type !== undefined &&
              ts.isTypeOperatorNode(d.type) &&
              d.type.operator === ts.SyntaxKind.UniqueKeyword,
          ),
      );
    brandFiles.set(sf, known);
  }
  return known;
}

/** Recognises the runtime's Value by its brand property, whatever the class is called. */
export class ValueTypes {
  private readonly cache = new Map<TS.Type, Kind>();
  constructor(
    private readonly ts: TypeScriptModule,
    readonly checker: TS.TypeChecker,
  ) {}

  /** Whether the type has the `[VALUE_BRAND]` property declared in the runtime's engine file. */
  isBranded(type: TS.Type): boolean {
    const ts = this.ts;
    for (const p of this.checker.getPropertiesOfType(type)) {
      if (!String(p.escapedName).startsWith("__@VALUE_BRAND@")) continue;
      for (const d of p.declarations ?? []) {
        if (ts.isPropertyDeclaration(d) || ts.isPropertySignature(d)) {
          if (declaresValueBrand(ts, d.getSourceFile())) {
            if (ts.isClassDeclaration(d.parent)) this.valueType ??= this.checker.getTypeAtLocation(d.parent);
            return true;
          }
        }
      }
    }
    return false;
  }

  /** The runtime's Value class instance type, once a Value has been seen. */
  private valueType: TS.Type | undefined;

  /**
   * The kind of `v.name` (or of `v.name(…)` when `call`) for a Value v: what the engine's methods
   * return (`(a * b).tanh()` is a Value, `(a * b).data` a number) before the checker can know.
   */
  memberKind(name: string, call: boolean): Kind | undefined {
    if (this.valueType === undefined) return undefined;
    const p = this.checker.getPropertyOfType(this.valueType, name);
    if (p === undefined) return undefined;
    const t = this.checker.getTypeOfSymbol(p);
    if (!call) return this.kind(t);
    const signatures = t.getCallSignatures();
    return signatures.length === 1 ? this.kind(signatures[0]!.getReturnType()) : undefined;
  }

  kind(type: TS.Type): Kind {
    let k = this.cache.get(type);
    if (k === undefined) {
      this.cache.set(type, "other"); // cuts cycles through constraints
      k = this.compute(type);
      this.cache.set(type, k);
    }
    return k;
  }

  private compute(type: TS.Type): Kind {
    const F = this.ts.TypeFlags;
    if (type.flags & F.Any) return "any";
    if (type.flags & F.Unknown) return "unknown";
    if (type.flags & (F.TypeParameter | F.Index | F.IndexedAccess | F.Conditional | F.Substitution)) {
      const c = this.checker.getBaseConstraintOfType(type);
      return c && c !== type ? this.kind(c) : "other";
    }
    if (type.isUnion()) {
      const kinds = type.types.map((t) => this.kind(t));
      if (kinds.includes("value")) return "value";
      if (kinds.every((x) => x === "number")) return "number";
      if (kinds.includes("string")) return "string";
      return "other";
    }
    if (type.isIntersection()) {
      if (type.types.some((t) => this.kind(t) === "value")) return "value";
    }
    if (type.flags & F.NumberLike) return "number";
    if (type.flags & F.StringLike) return "string";
    if (type.flags & F.Object || type.isIntersection()) return this.isBranded(type) ? "value" : "other";
    return "other";
  }
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

interface Edit extends TextEdit {
  /** Orders insertions at the same place: smaller first. */
  rank: number;
}

/**
 * Rewrites Value arithmetic of `sourceFile` (see the top of this file). `checker` must belong to
 * a program that contains `sourceFile`, unless `options.typeOf` answers the types.
 */
export function rewriteSourceFile(
  ts: TypeScriptModule,
  sourceFile: TS.SourceFile,
  checker: TS.TypeChecker,
  options: RewriteOptions = {},
): RewriteResult {
  const sf = sourceFile;
  const typeChecker = options.typeChecker ?? checker;
  const values = valueTypesFor(ts, typeChecker);
  const typeOf = options.typeOf ?? ((node: TS.Expression) => checker.getTypeAtLocation(node));
  const dispatchAny = options.dispatchAny ?? true;
  const edits: Edit[] = [];
  const diagnostics: MgDiagnostic[] = [];
  const used = new Set<string>(); // runtime names called
  let names: Set<string> | undefined; // names in the file, computed when first needed
  const fileNames = (): Set<string> => (names ??= usedNames(ts, sf));
  /** Temporaries by the statement they are declared in front of. */
  const temps = new Map<number, string[]>();
  let tempCount = 0;

  const text = sf.text;
  const K = ts.SyntaxKind;

  const declarationOf =
    options.declarationOf ??
    ((id: TS.Identifier): number | undefined => {
      const d = checker.getSymbolAtLocation(id)?.valueDeclaration;
      return d && d.getSourceFile() === sf && isNamedDeclaration(ts, d) ? d.name.getStart(sf) : undefined;
    });
  /** Kinds of the variables declared without a type whose initializer this pass rewrote, by name offset. */
  const declared = new Map<number, Kind>();
  /** Kinds of what functions declared without a return type return, by name offset. */
  const returnsOf = new Map<number, Kind>();
  /** The kinds of the return statements of the functions being visited (innermost last). */
  const frames: Kind[][] = [];
  const functionKinds = new Map<TS.Node, Kind>();

  function declaredKind(node: TS.Expression): Kind | undefined {
    if (!ts.isIdentifier(node) || declared.size === 0) return undefined;
    const at = declarationOf(node);
    return at === undefined ? undefined : declared.get(at);
  }

  function kindOfType(node: TS.Expression): Kind {
    const k = declaredKind(node);
    if (k !== undefined) return k;
    const t = typeOf(node);
    return t ? values.kind(t) : "other";
  }

  function open(pos: number, s: string, depth: number): void {
    edits.push({ start: pos, end: pos, text: s, rank: depth });
  }
  function close(pos: number, s: string, depth: number): void {
    edits.push({ start: pos, end: pos, text: s, rank: 1e6 - depth });
  }
  function replace(start: number, end: number, s: string): void {
    edits.push({ start, end, text: s, rank: 0 });
  }
  function report(start: number, length: number, op: UnsupportedOp, node: TS.Node): void {
    diagnostics.push({ start, length, code: op.code, message: op.message, category: "error", expression: { start: node.getStart(sf), end: node.end } });
  }

  /** Which helper a binary operation on these kinds calls: the engine's, the dispatcher, or none. */
  function pick(op: SupportedOp, left: Kind, right: Kind, token: string): string | undefined {
    const lv = left === "value";
    const rv = right === "value";
    if (lv || rv) {
      const other = lv ? right : left;
      // `unknown` is rewritten too: TypeScript then says the argument is not an Operand, at it
      if (token === "+" && other === "string") return undefined; // reported by the caller
      return op.fn;
    }
    if (!dispatchAny) return undefined;
    const numeric = (k: Kind): boolean => k === "number" || k === "any";
    if ((left === "any" || right === "any") && numeric(left) && numeric(right)) return op.dispatch;
    return undefined;
  }

  function call(name: string): string {
    used.add(name);
    return localName(name);
  }

  const aliases = new Map<string, string>();
  function localName(name: string): string {
    let local = aliases.get(name);
    if (local === undefined) {
      local = name;
      if (fileNames().has(name)) {
        let i = 1;
        while (fileNames().has(`${name}_${i}`)) i++;
        local = `${name}_${i}`;
      }
      aliases.set(name, local);
    }
    return local;
  }

  function newTemp(node: TS.Node): string {
    let name: string;
    do {
      const n = tempCount++;
      name = "_" + (n < 26 ? String.fromCharCode(97 + n) : "t" + (n - 26));
    } while (fileNames().has(name));
    // Declared (with var, so hoisting makes it safe anywhere in the block) in front of the
    // statement that holds the assignment, or at the top of a function's body.
    let at: TS.Node = node;
    while (at.parent !== undefined) {
      const p = at.parent;
      if (ts.isArrowFunction(p) && p.body === at) break;
      if ((ts.isBlock(p) || ts.isSourceFile(p) || ts.isModuleBlock(p) || ts.isCaseClause(p) || ts.isDefaultClause(p)) && ts.isStatement(at)) break;
      at = p;
    }
    const key = at.getStart(sf);
    const list = temps.get(key) ?? [];
    if (list.length === 0) {
      temps.set(key, list);
      if (at.parent && ts.isArrowFunction(at.parent) && at.parent.body === at) arrowBodies.set(key, at as TS.Expression);
    }
    list.push(name);
    return name;
  }
  const arrowBodies = new Map<number, TS.Expression>();

  function skipParens(node: TS.Expression): TS.Expression {
    while (ts.isParenthesizedExpression(node)) node = node.expression;
    return node;
  }

  /** Rewrites `node` and everything below it; returns the kind of its value. */
  function visit(node: TS.Node, depth: number): Kind | undefined {
    if (ts.isBinaryExpression(node)) return visitBinary(node, depth);
    if (ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) return visitUnary(node, depth);
    if (ts.isParenthesizedExpression(node)) {
      const k = visit(node.expression, depth + 1);
      return k ?? kindOfType(node);
    }
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && !node.questionDotToken && !node.expression.questionDotToken) {
      const target = node.expression.expression;
      const k = visit(target, depth + 2) ?? declaredKind(skipParens(target));
      node.typeArguments?.forEach((t) => visit(t, depth + 1));
      node.arguments.forEach((a) => visit(a, depth + 1));
      if (k === "value") return values.memberKind(node.expression.name.text, true);
      return memberReturns(node.expression.name);
    }
    if (ts.isPropertyAccessExpression(node) && !node.questionDotToken) {
      const k = visit(node.expression, depth + 1) ?? declaredKind(skipParens(node.expression));
      if (k === "value") return values.memberKind(node.name.text, false);
      return memberReturns(node.name);
    }
    if ((ts.isVariableDeclaration(node) || ts.isPropertyDeclaration(node)) && node.initializer && !node.type && ts.isIdentifier(node.name)) {
      const k = visit(node.initializer, depth + 1) ?? declaredKind(skipParens(node.initializer));
      if (k !== undefined) declared.set(node.name.getStart(sf), k);
      const f = functionKinds.get(node.initializer);
      if (f !== undefined) returnsOf.set(node.name.getStart(sf), f);
      return undefined;
    }
    if (ts.isFunctionLike(node)) {
      frames.push([]);
      let body: TS.Node | undefined;
      ts.forEachChild(node, (child) => {
        if (ts.isArrowFunction(node) && child === node.body && !ts.isBlock(child)) body = child;
        else visit(child, depth + 1);
      });
      if (body !== undefined) {
        const e = body as TS.Expression;
        frames[frames.length - 1]!.push(visit(e, depth + 1) ?? kindOfType(e));
      }
      const kinds = frames.pop()!;
      const plainFunction =
        (ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node) || ts.isArrowFunction(node)) &&
        !node.type &&
        !node.asteriskToken &&
        !node.modifiers?.some((m) => m.kind === K.AsyncKeyword);
      const plainMethod = (ts.isMethodDeclaration(node) || ts.isGetAccessor(node)) && !node.type && !node.asteriskToken && !node.modifiers?.some((m) => m.kind === K.AsyncKeyword);
      if ((plainFunction || plainMethod) && kinds.length > 0 && kinds.every((k) => k === kinds[0]) && (kinds[0] === "value" || kinds[0] === "number")) {
        functionKinds.set(node, kinds[0]!);
        if ((ts.isFunctionDeclaration(node) || plainMethod) && node.name && ts.isIdentifier(node.name)) returnsOf.set(node.name.getStart(sf), kinds[0]!);
      }
      return undefined;
    }
    if (ts.isReturnStatement(node)) {
      const k = node.expression ? (visit(node.expression, depth + 1) ?? kindOfType(node.expression)) : "other";
      frames[frames.length - 1]?.push(k);
      return undefined;
    }
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression)) {
      node.arguments.forEach((a) => visit(a, depth + 1));
      if (returnsOf.size === 0) return undefined;
      const at = declarationOf(node.expression);
      return at === undefined ? undefined : returnsOf.get(at);
    }
    ts.forEachChild(node, (child) => {
      visit(child, depth + 1);
    });
    return undefined;
  }

  /** What a method or getter of a class in this file returns, when this pass has seen it. */
  function memberReturns(name: TS.MemberName): Kind | undefined {
    if (returnsOf.size === 0 || !ts.isIdentifier(name)) return undefined;
    const at = declarationOf(name);
    return at === undefined ? undefined : (returnsOf.get(at) ?? declared.get(at));
  }

  function operandKind(node: TS.Expression, depth: number): Kind {
    return visit(node, depth) ?? kindOfType(node);
  }

  /** The kind of an arithmetic result left as written: known from its operands where JavaScript says so. */
  function nativeKind(token: string, left: Kind, right: Kind): Kind | undefined {
    if (token === "+" && (left === "string" || right === "string")) return "string";
    if (left === "number" && right === "number") return "number";
    return undefined;
  }

  function visitBinary(node: TS.BinaryExpression, depth: number): Kind | undefined {
    const token = node.operatorToken.kind;
    const opText = ts.tokenToString(token) ?? "";
    const op = BINARY[opText];
    const compound = COMPOUND[opText];
    if (op !== undefined) {
      const left = operandKind(node.left, depth + 1);
      const right = operandKind(node.right, depth + 1);
      if (opText === "+" && ((left === "value" && right === "string") || (left === "string" && right === "value"))) {
        report(node.operatorToken.getStart(sf), opText.length, STRING_CONCAT, node);
        return "string";
      }
      const fn = pick(op, left, right, opText);
      if (fn === undefined) return nativeKind(opText, left, right);
      open(node.left.getStart(sf), call(fn) + "(", depth);
      // `a * b` -> `mul(a, b)`: the blanks before the operator go too, unless they hold a line break or a comment
      const opStart = node.operatorToken.getStart(sf);
      const gapStart = /^[ \t]*$/.test(text.slice(node.left.end, opStart)) ? node.left.end : opStart;
      replace(gapStart, node.operatorToken.end, ",");
      close(node.end, ")", depth);
      return fn === op.fn ? "value" : "any";
    }
    if (compound !== undefined) {
      // The target is visited for what is inside it (`a[i * j] += …`), its kind comes from its type.
      const target = skipParens(node.left);
      visitTargetParts(target, depth + 1);
      const left = kindOfType(node.left);
      const right = operandKind(node.right, depth + 1);
      if (compound === "+" && ((left === "value" && right === "string") || (left === "string" && right === "value"))) {
        report(node.operatorToken.getStart(sf), opText.length, STRING_CONCAT, node);
        return "string";
      }
      const fn = pick(BINARY[compound]!, left, right, compound);
      if (fn === undefined) return undefined;
      const read = targetRead(target, depth);
      if (read === undefined) return undefined;
      replace(node.operatorToken.getStart(sf), node.operatorToken.end, `= ${call(fn)}(${read},`);
      close(node.end, ")", depth);
      return fn === BINARY[compound]!.fn ? "value" : "any";
    }
    const unsupported = UNSUPPORTED_BINARY[opText];
    if (unsupported !== undefined) {
      const isAssignment = opText.endsWith("=") && !["<=", ">="].includes(opText);
      if (isAssignment) visitTargetParts(skipParens(node.left), depth + 1);
      const left = isAssignment ? kindOfType(node.left) : operandKind(node.left, depth + 1);
      const right = operandKind(node.right, depth + 1);
      if (left === "value" || right === "value") {
        report(node.operatorToken.getStart(sf), opText.length, unsupported, node);
        return undefined;
      }
      if (unsupported.code === 9002) return "other"; // a comparison: boolean
      return isAssignment ? undefined : nativeKind(opText, left, right);
    }
    // Anything else (`=`, `&&`, `??`, `,`, `===`, `in`, …): rewrite inside, keep the operator.
    visit(node.left, depth + 1);
    const right = visit(node.right, depth + 1);
    if (token === K.EqualsToken) return right ?? undefined;
    return undefined;
  }

  /** Visits the object and key expressions of an assignment target. */
  function visitTargetParts(target: TS.Expression, depth: number): void {
    if (ts.isPropertyAccessExpression(target)) visit(target.expression, depth + 1);
    else if (ts.isElementAccessExpression(target)) {
      visit(target.expression, depth + 1);
      visit(target.argumentExpression, depth + 1);
    } else if (!ts.isIdentifier(target)) visit(target, depth + 1);
  }

  /**
   * How the rewritten compound assignment reads its target, storing the object and a computed
   * key in temporaries when evaluating them twice could differ (as Babel's exponentiation plugin).
   */
  function targetRead(target: TS.Expression, depth: number): string | undefined {
    if (ts.isIdentifier(target)) return target.text;
    if (ts.isPropertyAccessExpression(target)) {
      const obj = objectRef(target.expression, depth);
      return `${obj}.${target.name.text}`;
    }
    if (ts.isElementAccessExpression(target)) {
      const obj = objectRef(target.expression, depth);
      const keyNode = target.argumentExpression;
      let key: string;
      if (ts.isStringLiteral(keyNode) || ts.isNumericLiteral(keyNode) || ts.isNoSubstitutionTemplateLiteral(keyNode)) {
        key = keyNode.getText(sf);
      } else {
        key = newTemp(target);
        open(keyNode.getStart(sf), `${key} = `, depth);
      }
      return `${obj}[${key}]`;
    }
    return undefined;
  }

  function objectRef(obj: TS.Expression, depth: number): string {
    if (ts.isIdentifier(obj) || obj.kind === K.ThisKeyword || obj.kind === K.SuperKeyword) return obj.getText(sf);
    const temp = newTemp(obj);
    open(obj.getStart(sf), `(${temp} = `, depth);
    close(obj.end, ")", depth);
    return temp;
  }

  function visitUnary(node: TS.PrefixUnaryExpression | TS.PostfixUnaryExpression, depth: number): Kind | undefined {
    const opText = ts.tokenToString(node.operator) ?? "";
    const prefix = ts.isPrefixUnaryExpression(node);
    if (prefix && UNARY[opText] !== undefined) {
      const op = UNARY[opText]!;
      const k = operandKind(node.operand, depth + 1);
      const fn = k === "value" ? op.fn : k === "any" && dispatchAny ? op.dispatch : undefined;
      if (fn === undefined) return k === "number" ? "number" : undefined;
      const start = node.getStart(sf);
      replace(start, start + opText.length, call(fn) + "(");
      close(node.end, ")", depth);
      return fn === op.fn ? "value" : "any";
    }
    const unsupported = UNSUPPORTED_UNARY[opText];
    const k = opText === "++" || opText === "--" ? (visitTargetParts(skipParens(node.operand), depth + 1), kindOfType(node.operand)) : operandKind(node.operand, depth + 1);
    if (unsupported !== undefined && k === "value") {
      const start = prefix ? node.getStart(sf) : node.end - opText.length;
      report(start, opText.length, unsupported, node);
    }
    return undefined;
  }

  visit(sf, 0);

  if (edits.length === 0) {
    return { text, edits: [], diagnostics, changed: false, needsImport: [] };
  }

  // Temporaries: `var _a, _b;` in front of their statement, or an arrow's expression body made a block.
  for (const [pos, list] of temps) {
    const body = arrowBodies.get(pos);
    if (body !== undefined) {
      edits.push({ start: body.getStart(sf), end: body.getStart(sf), text: `{ var ${list.join(", ")}; return `, rank: -1 });
      edits.push({ start: body.end, end: body.end, text: "; }", rank: 2e6 });
    } else {
      edits.push({ start: pos, end: pos, text: `var ${list.join(", ")}; `, rank: -1 });
    }
  }

  const needsImport = [...used].sort();
  const from = options.importFrom ?? existingRuntimeImport(ts, sf, typeChecker, needsImport, options.typeOf !== undefined) ?? RUNTIME_MODULE;
  const specifiers = needsImport.map((n) => (aliases.get(n) === n ? n : `${n} as ${aliases.get(n)}`)).join(", ");
  const importText = `import { ${specifiers} } from ${JSON.stringify(from)};`;
  const imports = sf.statements.filter((s) => ts.isImportDeclaration(s) || ts.isImportEqualsDeclaration(s));
  if (imports.length > 0) {
    const last = imports[imports.length - 1]!;
    edits.push({ start: last.end, end: last.end, text: " " + importText, rank: -2 });
  } else {
    const first = sf.statements[0];
    const at = first ? first.getStart(sf) : text.length;
    edits.push({ start: at, end: at, text: importText + " ", rank: -2 });
  }

  edits.sort((x, y) => x.start - y.start || x.end - y.end || x.rank - y.rank);
  const clean = normalizeEdits(edits.map(({ start, end, text }) => ({ start, end, text })));
  return { text: applyEdits(text, clean), edits: clean, diagnostics, changed: true, needsImport };
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

const valueTypesCache = new WeakMap<TS.TypeChecker, ValueTypes>();
function valueTypesFor(ts: TypeScriptModule, checker: TS.TypeChecker): ValueTypes {
  let v = valueTypesCache.get(checker);
  if (v === undefined) {
    v = new ValueTypes(ts, checker);
    valueTypesCache.set(checker, v);
  }
  return v;
}

/**
 * The specifier of an import of the file whose module exports every name needed (so code inside
 * a project that imports the runtime by a path keeps doing so).
 */
function existingRuntimeImport(ts: TypeScriptModule, sf: TS.SourceFile, checker: TS.TypeChecker, needed: string[], mapped: boolean): string | undefined {
  if (mapped) return undefined; // the driver decides (its checker sees another copy of the file)
  for (const s of sf.statements) {
    if (!ts.isImportDeclaration(s) || !ts.isStringLiteral(s.moduleSpecifier)) continue;
    if (s.moduleSpecifier.text === RUNTIME_MODULE) return RUNTIME_MODULE;
    const mod = checker.getSymbolAtLocation(s.moduleSpecifier);
    if (!mod) continue;
    const exported = new Set(checker.getExportsOfModule(mod).map((e) => e.name));
    if (needed.every((n) => exported.has(n))) return s.moduleSpecifier.text;
  }
  return undefined;
}
