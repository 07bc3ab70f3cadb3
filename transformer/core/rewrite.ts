// The rewrite of one source file: arithmetic whose operands the type checker types as a Value
// becomes a call of the engine (`a * b + c` -> `add(mul(a, b), c)`), arithmetic on operands typed
// `any` becomes a call of the dispatching helper (`opMul(x, 2)`), number-only arithmetic stays
// as written, and operators that a Value does not support get a diagnostic.
//
// The rewrite is a list of text edits over the original text (edits.ts): operator tokens are
// replaced and call heads / closing parentheses inserted around operands that stay in place, and
// no edit adds or removes a line break. Positions therefore map 1:1 outside the edits
// (positions.ts), line numbers never move, and the editor can map its answers back to what the
// user wrote. What an operand is comes from inference.ts (what this round learned, then the
// checker); this file decides what each operator becomes.

import type * as TS from "typescript";
import { BINARY, COMPOUND, RUNTIME_MODULE, STRING_CONCAT, UNARY, UNSUPPORTED_BINARY, UNSUPPORTED_UNARY } from "../operators.js";
import type { SupportedOp, UnsupportedOp } from "../operators.js";
import { FileEdits } from "./edits.js";
import { existingRuntimeImport } from "./import-path.js";
import { declarationKey, declarationOfSymbol, Inference, Knowledge } from "./inference.js";
import type { TextEdit } from "./positions.js";
import { valueTypesFor, type Kind, type TypeScriptModule, type ValueTypes } from "./values.js";

export type { TextEdit } from "./positions.js";
export type { TypeScriptModule } from "./values.js";

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
   * The declaration an identifier refers to, as a key (inference.ts's declarationKey: the file as
   * written and the offset of the declaration's name there). Lets a pass use what it, or the pass
   * of a file it imports, decided for `const e = a * b` at the uses of `e`. By default asks `checker`.
   */
  declarationOf?: (id: TS.Identifier) => string | undefined;
  /** What the passes of this round learned so far (the driver shares one between the files of a round). */
  knowledge?: Knowledge;
  /** The module to import the helpers from (default: an existing import that exports them, else "micrograd-ts"). */
  importFrom?: string;
  /** Rewrite operands typed `any` into the dispatching helpers (default true). */
  dispatchAny?: boolean;
  /** Nodes to leave as written, with everything inside them (the editor's half-typed arithmetic, broken.ts). */
  skip?: ReadonlySet<TS.Node>;
}

/** A result that leaves the file as written. */
export function unchanged(sf: TS.SourceFile): RewriteResult {
  return { text: sf.text, edits: [], diagnostics: [], changed: false, needsImport: [] };
}

/**
 * Rewrites Value arithmetic of `sourceFile` (see the top of this file). `checker` must belong to
 * a program that contains `sourceFile`, unless `options.typeOf` answers the types.
 */
export function rewriteSourceFile(ts: TypeScriptModule, sourceFile: TS.SourceFile, checker: TS.TypeChecker, options: RewriteOptions = {}): RewriteResult {
  const sf = sourceFile;
  const typeChecker = options.typeChecker ?? checker;
  const typeOf = options.typeOf ?? ((node: TS.Expression) => checker.getTypeAtLocation(node));
  const declarationOf =
    options.declarationOf ??
    ((id: TS.Identifier): string | undefined => {
      const d = declarationOfSymbol(ts, checker, checker.getSymbolAtLocation(id));
      return d && declarationKey(d.getSourceFile().fileName, (d as TS.NamedDeclaration).name!.getStart(d.getSourceFile()));
    });
  const values = valueTypesFor(ts, typeChecker);
  const inference = new Inference(ts, sf, values, typeOf, declarationOf, options.knowledge ?? new Knowledge());
  const pass = new FileRewriter(ts, sf, inference, values, options.dispatchAny ?? true, options.skip);
  pass.visit(sf, 0);
  const { edits, diagnostics } = pass;
  if (edits.empty) return { ...unchanged(sf), diagnostics };
  const needsImport = edits.needsImport();
  // A driver that maps types from another copy of the file decides the specifier itself.
  const mapped = options.typeOf !== undefined;
  const from = options.importFrom ?? (mapped ? undefined : existingRuntimeImport(ts, sf, typeChecker, needsImport)) ?? RUNTIME_MODULE;
  return { ...edits.finish(from), diagnostics, changed: true, needsImport };
}

/** One pass over one file: visits every expression once, bottom-up, and writes the edits. */
class FileRewriter {
  readonly edits: FileEdits;
  readonly diagnostics: MgDiagnostic[] = [];
  private readonly K: typeof TS.SyntaxKind;

  constructor(
    private readonly ts: TypeScriptModule,
    private readonly sf: TS.SourceFile,
    private readonly inference: Inference,
    private readonly values: ValueTypes,
    private readonly dispatchAny: boolean,
    private readonly skip?: ReadonlySet<TS.Node>,
  ) {
    this.edits = new FileEdits(ts, sf);
    this.K = ts.SyntaxKind;
  }

  /** Rewrites `node` and everything below it; returns the kind of its value, when the pass knows it. */
  visit(node: TS.Node, depth: number): Kind | undefined {
    const { ts, inference } = this;
    if (this.skip?.has(node)) return undefined;
    if (ts.isBinaryExpression(node)) return this.visitBinary(node, depth);
    if (ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) return this.visitUnary(node, depth);
    if (ts.isParenthesizedExpression(node)) {
      const k = this.visit(node.expression, depth + 1);
      return k ?? inference.kindOfType(node);
    }
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && !node.questionDotToken && !node.expression.questionDotToken) {
      const target = node.expression.expression;
      const k = this.visit(target, depth + 2) ?? inference.declaredKind(skipParens(ts, target));
      node.typeArguments?.forEach((t) => this.visit(t, depth + 1));
      node.arguments.forEach((a) => this.visit(a, depth + 1));
      if (k === "value") return this.values.memberKind(node.expression.name.text, true);
      return inference.memberReturns(node.expression.name);
    }
    if (ts.isPropertyAccessExpression(node) && !node.questionDotToken) {
      const k = this.visit(node.expression, depth + 1) ?? inference.declaredKind(skipParens(ts, node.expression));
      if (k === "value") return this.values.memberKind(node.name.text, false);
      return inference.memberReturns(node.name);
    }
    if ((ts.isVariableDeclaration(node) || ts.isPropertyDeclaration(node)) && node.initializer && !node.type && ts.isIdentifier(node.name)) {
      const k = this.visit(node.initializer, depth + 1) ?? inference.declaredKind(skipParens(ts, node.initializer));
      inference.declare(node.name, node.initializer, k);
      return undefined;
    }
    if (ts.isFunctionLike(node)) {
      inference.enterFunction();
      let body: TS.Expression | undefined;
      ts.forEachChild(node, (child) => {
        if (ts.isArrowFunction(node) && child === node.body && !ts.isBlock(child)) body = child as TS.Expression;
        else this.visit(child, depth + 1);
      });
      if (body !== undefined) inference.returned(this.visit(body, depth + 1) ?? inference.kindOfType(body));
      inference.leaveFunction(node);
      return undefined;
    }
    if (ts.isReturnStatement(node)) {
      inference.returned(node.expression ? (this.visit(node.expression, depth + 1) ?? inference.kindOfType(node.expression)) : "other");
      return undefined;
    }
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression)) {
      node.arguments.forEach((a) => this.visit(a, depth + 1));
      return inference.callReturns(node.expression);
    }
    ts.forEachChild(node, (child) => {
      this.visit(child, depth + 1);
    });
    return undefined;
  }

  private operandKind(node: TS.Expression, depth: number): Kind {
    return this.visit(node, depth) ?? this.inference.kindOfType(node);
  }

  private report(start: number, length: number, op: UnsupportedOp, node: TS.Node): void {
    this.diagnostics.push({ start, length, code: op.code, message: op.message, category: "error", expression: { start: node.getStart(this.sf), end: node.end } });
  }

  /** Which helper a binary operation on these kinds calls: the engine's, the dispatcher, or none. */
  private pick(op: SupportedOp, left: Kind, right: Kind, token: string): string | undefined {
    const lv = left === "value";
    const rv = right === "value";
    if (lv || rv) {
      const other = lv ? right : left;
      // `unknown` is rewritten too: TypeScript then says the argument is not an Operand, at it
      if (token === "+" && other === "string") return undefined; // reported by the caller
      return op.fn;
    }
    if (!this.dispatchAny) return undefined;
    const numeric = (k: Kind): boolean => k === "number" || k === "any";
    if ((left === "any" || right === "any") && numeric(left) && numeric(right)) return op.dispatch;
    return undefined;
  }

  private visitBinary(node: TS.BinaryExpression, depth: number): Kind | undefined {
    const { ts, sf, edits, inference } = this;
    const opText = ts.tokenToString(node.operatorToken.kind) ?? "";
    const op = BINARY[opText];
    const compound = COMPOUND[opText];
    if (op !== undefined) {
      const left = this.operandKind(node.left, depth + 1);
      const right = this.operandKind(node.right, depth + 1);
      if (opText === "+" && ((left === "value" && right === "string") || (left === "string" && right === "value"))) {
        this.report(node.operatorToken.getStart(sf), opText.length, STRING_CONCAT, node);
        return "string";
      }
      const fn = this.pick(op, left, right, opText);
      if (fn === undefined) return nativeKind(opText, left, right);
      edits.open(node.left.getStart(sf), edits.call(fn) + "(", depth);
      // `a * b` -> `mul(a, b)`: the blanks before the operator go too, unless they hold a line break or a comment
      const opStart = node.operatorToken.getStart(sf);
      const gapStart = /^[ \t]*$/.test(sf.text.slice(node.left.end, opStart)) ? node.left.end : opStart;
      edits.replace(gapStart, node.operatorToken.end, ",");
      edits.close(node.end, ")", depth);
      return fn === op.fn ? "value" : "any";
    }
    if (compound !== undefined) {
      // The target is visited for what is inside it (`a[i * j] += …`), its kind comes from its type.
      const target = skipParens(ts, node.left);
      this.visitTargetParts(target, depth + 1);
      const left = inference.kindOfType(node.left);
      const right = this.operandKind(node.right, depth + 1);
      if (compound === "+" && ((left === "value" && right === "string") || (left === "string" && right === "value"))) {
        this.report(node.operatorToken.getStart(sf), opText.length, STRING_CONCAT, node);
        return "string";
      }
      const fn = this.pick(BINARY[compound]!, left, right, compound);
      if (fn === undefined) return undefined;
      const read = this.targetRead(target, depth);
      if (read === undefined) return undefined;
      edits.replace(node.operatorToken.getStart(sf), node.operatorToken.end, `= ${edits.call(fn)}(${read},`);
      edits.close(node.end, ")", depth);
      return fn === BINARY[compound]!.fn ? "value" : "any";
    }
    const unsupported = UNSUPPORTED_BINARY[opText];
    if (unsupported !== undefined) {
      const isAssignment = opText.endsWith("=") && !["<=", ">="].includes(opText);
      if (isAssignment) this.visitTargetParts(skipParens(ts, node.left), depth + 1);
      const left = isAssignment ? inference.kindOfType(node.left) : this.operandKind(node.left, depth + 1);
      const right = this.operandKind(node.right, depth + 1);
      if (left === "value" || right === "value") {
        this.report(node.operatorToken.getStart(sf), opText.length, unsupported, node);
        return undefined;
      }
      if (unsupported.code === 9002) return "other"; // a comparison: boolean
      return isAssignment ? undefined : nativeKind(opText, left, right);
    }
    // Anything else (`=`, `&&`, `??`, `,`, `===`, `in`, …): rewrite inside, keep the operator.
    this.visit(node.left, depth + 1);
    const right = this.visit(node.right, depth + 1);
    if (node.operatorToken.kind === this.K.EqualsToken) return right ?? undefined;
    return undefined;
  }

  /** Visits the object and key expressions of an assignment target. */
  private visitTargetParts(target: TS.Expression, depth: number): void {
    const { ts } = this;
    if (ts.isPropertyAccessExpression(target)) this.visit(target.expression, depth + 1);
    else if (ts.isElementAccessExpression(target)) {
      this.visit(target.expression, depth + 1);
      this.visit(target.argumentExpression, depth + 1);
    } else if (!ts.isIdentifier(target)) this.visit(target, depth + 1);
  }

  /**
   * How the rewritten compound assignment reads its target, storing the object and a computed
   * key in temporaries when evaluating them twice could differ (as Babel's exponentiation plugin).
   */
  private targetRead(target: TS.Expression, depth: number): string | undefined {
    const { ts, sf, edits } = this;
    if (ts.isIdentifier(target)) return target.text;
    if (ts.isPropertyAccessExpression(target)) {
      const obj = this.objectRef(target.expression, depth);
      return `${obj}.${target.name.text}`;
    }
    if (ts.isElementAccessExpression(target)) {
      const obj = this.objectRef(target.expression, depth);
      const keyNode = target.argumentExpression;
      let key: string;
      if (ts.isStringLiteral(keyNode) || ts.isNumericLiteral(keyNode) || ts.isNoSubstitutionTemplateLiteral(keyNode)) {
        key = keyNode.getText(sf);
      } else {
        key = edits.newTemp(target);
        edits.open(keyNode.getStart(sf), `${key} = `, depth);
      }
      return `${obj}[${key}]`;
    }
    return undefined;
  }

  private objectRef(obj: TS.Expression, depth: number): string {
    const { sf, edits, K } = this;
    if (this.ts.isIdentifier(obj) || obj.kind === K.ThisKeyword || obj.kind === K.SuperKeyword) return obj.getText(sf);
    const temp = edits.newTemp(obj);
    edits.open(obj.getStart(sf), `(${temp} = `, depth);
    edits.close(obj.end, ")", depth);
    return temp;
  }

  private visitUnary(node: TS.PrefixUnaryExpression | TS.PostfixUnaryExpression, depth: number): Kind | undefined {
    const { ts, sf, edits, inference } = this;
    const opText = ts.tokenToString(node.operator) ?? "";
    const prefix = ts.isPrefixUnaryExpression(node);
    if (prefix && UNARY[opText] !== undefined) {
      const op = UNARY[opText]!;
      const k = this.operandKind(node.operand, depth + 1);
      const fn = k === "value" ? op.fn : k === "any" && this.dispatchAny ? op.dispatch : undefined;
      if (fn === undefined) return k === "number" ? "number" : undefined;
      const start = node.getStart(sf);
      edits.replace(start, start + opText.length, edits.call(fn) + "(");
      edits.close(node.end, ")", depth);
      return fn === op.fn ? "value" : "any";
    }
    const unsupported = UNSUPPORTED_UNARY[opText];
    let k: Kind;
    if (opText === "++" || opText === "--") {
      this.visitTargetParts(skipParens(ts, node.operand), depth + 1);
      k = inference.kindOfType(node.operand);
    } else k = this.operandKind(node.operand, depth + 1);
    if (unsupported !== undefined && k === "value") {
      const start = prefix ? node.getStart(sf) : node.end - opText.length;
      this.report(start, opText.length, unsupported, node);
    }
    return undefined;
  }
}

/** The kind of an arithmetic result left as written: known from its operands where JavaScript says so. */
function nativeKind(token: string, left: Kind, right: Kind): Kind | undefined {
  if (token === "+" && (left === "string" || right === "string")) return "string";
  if (left === "number" && right === "number") return "number";
  return undefined;
}

function skipParens(ts: TypeScriptModule, node: TS.Expression): TS.Expression {
  while (ts.isParenthesizedExpression(node)) node = node.expression;
  return node;
}
