// The rewrite of one source file: arithmetic whose operands the type checker types as a Value
// becomes a call of the engine (`a * b + c` -> `add(mul(a, b), c)`), arithmetic on an operand
// that may be a Value or a number (`Value | number`, a type parameter) becomes a call of the
// dispatching helper (`opMul(x, 2)`), everything else (numbers; `any`, unless the option
// dispatchAny says otherwise) stays as tsc emits it, and operators that a Value does not support
// get a diagnostic.
//
// The rewrite is a list of text edits over the original text (edits.ts): operator tokens are
// replaced and call heads / closing parentheses inserted around operands that stay in place, and
// no edit adds or removes a line break. Positions therefore map 1:1 outside the edits
// (positions.ts), line numbers never move, and the editor can map its answers back to what the
// user wrote. What an operand is comes from inference.ts (what this round learned, then the
// checker); this file decides what each operator becomes.

import type * as TS from "typescript";
import type { SupportedOp, UnsupportedOp } from "../operators.js";
import { BINARY, COMPOUND, RUNTIME_MODULE, STRING_CONCAT, UNARY, UNSUPPORTED_BINARY, UNSUPPORTED_UNARY } from "../operators.js";
import { FileEdits } from "./edits.js";
import { existingRuntimeImport } from "./import-path.js";
import { declarationKey, declarationOfSymbol, Inference, Knowledge } from "./inference.js";
import type { TextEdit } from "./positions.js";
import { type Kind, type TypeScriptModule, type ValueTypes, valueTypesFor } from "./values.js";

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
  /**
   * Rewrite arithmetic on operands typed `any` (and numbers) into the dispatching helpers. By
   * default (false) it is left as tsc emits it: only what the checker proves may be a Value is
   * rewritten.
   */
  dispatchAny?: boolean;
  /** Nodes to leave as written, with everything inside them (the editor's half-typed arithmetic, broken.ts). */
  skip?: ReadonlySet<TS.Node>;
  /**
   * The editor's form of the rewritten text, which only its checker reads: the helpers are
   * called through a local ambient namespace over this module (`__mg.mul(a, b)`, edits.ts's
   * helperImport), a module that exports them (the editor's, language-service/helpers.ts). Not in
   * JavaScript files (no ambient declarations there), which keep the build's form.
   */
  helpersModule?: string;
  /**
   * Rewrite only `nodes` (statements or class members, in the order of the text) and keep the
   * edits of `keep` (a previous rewrite of the file) outside them as they are: a guess that a
   * whole pass then checks (the editor's first round after an edit, language-service/fixpoint.ts).
   * No edit of `keep` but the helpers' import may lie at the start or the end of a node.
   */
  only?: { nodes: readonly TS.Node[]; keep: readonly TextEdit[] };
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
  const helpersModule = /\.[cm]?jsx?$/i.test(sf.fileName) ? undefined : options.helpersModule;
  const pass = new FileRewriter(ts, sf, inference, values, options.dispatchAny ?? false, options.skip, helpersModule);
  if (options.only) {
    const { nodes } = options.only;
    const outside = (e: TextEdit) => nodes.every((n) => e.end <= n.getStart(sf) || e.start >= n.end);
    pass.edits.keep(options.only.keep.filter(outside));
    for (const node of nodes) {
      let depth = 0;
      for (let n = node; n.parent !== undefined; n = n.parent) depth++;
      pass.visit(node, depth);
    }
  } else pass.visit(sf, 0);
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
    helpersModule?: string,
  ) {
    this.edits = new FileEdits(ts, sf, helpersModule);
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
      for (const t of node.typeArguments ?? []) this.visit(t, depth + 1);
      for (const a of node.arguments) this.visit(a, depth + 1);
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
      for (const a of node.arguments) this.visit(a, depth + 1);
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

  /**
   * Which helper a binary operation on these kinds calls: the engine's (a side the checker proves
   * to be a Value), the dispatching one (a side that may be a Value or a number, and nothing on
   * the other side the dispatcher could not take), or none (arithmetic left as tsc emits it).
   */
  private pick(op: SupportedOp, left: Kind, right: Kind): string | undefined {
    if (left === "value" || right === "value") return op.fn;
    const maybeValue = (k: Kind): boolean => k === "mixed" || k === "generic";
    const dispatchable = (k: Kind): boolean => k === "number" || k === "mixed" || k === "generic" || k === "any";
    if (maybeValue(left) || maybeValue(right)) {
      // a type parameter and `any`: tsc accepts `x + y`, and nothing says a Value is there
      const generic = left === "generic" || right === "generic";
      if (generic && (left === "any" || right === "any") && !this.dispatchAny) return undefined;
      if (dispatchable(left) && dispatchable(right)) return op.dispatch;
      // `Value | number` against what is no number: the engine's call, whose parameter types make
      // the checker report it; a type parameter against it stays as tsc has it
      return left === "generic" || right === "generic" ? undefined : op.fn;
    }
    if (!this.dispatchAny) return undefined;
    const numeric = (k: Kind): boolean => k === "number" || k === "any";
    if ((left === "any" || right === "any") && numeric(left) && numeric(right)) return op.dispatch;
    return undefined;
  }

  /** The kind of what the helper `fn` of `op` returns. */
  private resultKind(op: SupportedOp, fn: string, left: Kind, right: Kind): Kind {
    if (fn === op.fn) return "value";
    if (left === "any" || right === "any") return "any";
    return left === "generic" || right === "generic" ? "generic" : "mixed";
  }

  /** Whether `+` between these adds a Value (or a union with a Value) to a string (MG9004). */
  private concatenatesValue(left: Kind, right: Kind): boolean {
    const v = (k: Kind): boolean => k === "value" || k === "mixed";
    return (v(left) && right === "string") || (left === "string" && v(right));
  }

  private visitBinary(node: TS.BinaryExpression, depth: number): Kind | undefined {
    const { ts, sf, edits, inference } = this;
    const opText = ts.tokenToString(node.operatorToken.kind) ?? "";
    const op = BINARY[opText];
    const compound = COMPOUND[opText];
    if (op !== undefined) {
      const left = this.operandKind(node.left, depth + 1);
      const right = this.operandKind(node.right, depth + 1);
      if (opText === "+" && this.concatenatesValue(left, right)) {
        this.report(node.operatorToken.getStart(sf), opText.length, STRING_CONCAT, node);
        return "string";
      }
      const fn = this.pick(op, left, right);
      if (fn === undefined) return nativeKind(opText, left, right);
      edits.open(node.left.getStart(sf), edits.call(fn) + "(", depth);
      // `a * b` -> `mul(a, b)`: the blanks before the operator go too, unless they hold a line break or a comment
      const opStart = node.operatorToken.getStart(sf);
      const gapStart = /^[ \t]*$/.test(sf.text.slice(node.left.end, opStart)) ? node.left.end : opStart;
      edits.replace(gapStart, node.operatorToken.end, ",");
      edits.close(node.end, ")", depth);
      return this.resultKind(op, fn, left, right);
    }
    if (compound !== undefined) {
      // The target is visited for what is inside it (`a[i * j] += …`), its kind comes from its type.
      // `x!`, `(o.v as Value)`, `(p.v satisfies Value)`: the wrappers only speak to the checker
      const target = skipTypeWrappers(ts, node.left);
      this.visitTargetParts(target, depth + 1);
      const left = inference.kindOfType(node.left);
      const right = this.operandKind(node.right, depth + 1);
      if (compound === "+" && this.concatenatesValue(left, right)) {
        this.report(node.operatorToken.getStart(sf), opText.length, STRING_CONCAT, node);
        return "string";
      }
      const fn = this.pick(BINARY[compound]!, left, right);
      if (fn === undefined) return undefined;
      const core = this.targetRead(target, depth);
      if (core === undefined) return undefined;
      // the read keeps the wrappers as written, so the checker types it as it types the target
      const read = rewrapped(ts, sf, node.left, target, core);
      // `(t satisfies T) = …` would check the new value against t's narrowed type (a number
      // narrowed from `Value | number`): in the write, `satisfies T` becomes a comment (its text
      // stays in place for the editor's positions), the read keeps it
      for (let w: TS.Expression = node.left; w !== target; w = (w as TS.ParenthesizedExpression).expression) {
        if (ts.isSatisfiesExpression(w)) this.silence(w);
      }
      edits.replace(node.operatorToken.getStart(sf), node.operatorToken.end, `= ${edits.call(fn)}(${read},`);
      edits.close(node.end, ")", depth);
      return this.resultKind(BINARY[compound]!, fn, left, right);
    }
    const unsupported = UNSUPPORTED_BINARY[opText];
    if (unsupported !== undefined) {
      const isAssignment = unsupported.kind === "assignment";
      if (isAssignment) this.visitTargetParts(skipTypeWrappers(ts, node.left), depth + 1);
      const left = isAssignment ? inference.kindOfType(node.left) : this.operandKind(node.left, depth + 1);
      const right = this.operandKind(node.right, depth + 1);
      if (left === "value" || right === "value" || left === "mixed" || right === "mixed") {
        this.report(node.operatorToken.getStart(sf), opText.length, unsupported, node);
        return undefined;
      }
      if (unsupported.kind === "comparison") return "other"; // a boolean
      return isAssignment ? undefined : nativeKind(opText, left, right);
    }
    // Anything else (`=`, `&&`, `??`, `,`, `===`, `in`, …): rewrite inside, keep the operator.
    this.visit(node.left, depth + 1);
    const right = this.visit(node.right, depth + 1);
    if (node.operatorToken.kind === this.K.EqualsToken) return right ?? undefined;
    return undefined;
  }

  /** Turns ` satisfies T` of `w` into a comment, or removes it if T holds a comment itself. */
  private silence(w: TS.SatisfiesExpression): void {
    const { sf, edits } = this;
    const gap = /^\s*/.exec(sf.text.slice(w.expression.end))![0].length;
    const keyword = w.expression.end + gap;
    const typeText = sf.text.slice(keyword, w.end);
    if (!typeText.startsWith("satisfies") || typeText.includes("/*") || typeText.includes("*/")) {
      edits.replace(w.expression.end, w.end, "");
      return;
    }
    edits.replace(keyword, keyword + "satisfies".length, "/* satisfies");
    edits.close(w.end, " */", 0);
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
      const dispatch = k === "mixed" || k === "generic" || (k === "any" && this.dispatchAny);
      const fn = k === "value" ? op.fn : dispatch ? op.dispatch : undefined;
      // `-x` of a number or of any is a number to the checker
      if (fn === undefined) return k === "number" || (k === "any" && opText === "-") ? "number" : undefined;
      const start = node.getStart(sf);
      edits.replace(start, start + opText.length, edits.call(fn) + "(");
      edits.close(node.end, ")", depth);
      return fn === op.fn ? "value" : k;
    }
    const unsupported = UNSUPPORTED_UNARY[opText];
    let k: Kind;
    if (unsupported?.kind === "update") {
      this.visitTargetParts(skipTypeWrappers(ts, node.operand), depth + 1);
      k = inference.kindOfType(node.operand);
    } else k = this.operandKind(node.operand, depth + 1);
    if (unsupported !== undefined && (k === "value" || k === "mixed")) {
      const start = prefix ? node.getStart(sf) : node.end - opText.length;
      this.report(start, opText.length, unsupported, node);
    }
    return undefined;
  }
}

/**
 * The kind of an arithmetic result left as written: known from its operands where the checker's
 * rule says so. With `any` on a side (an undeclared name while the user types): `-`, `*`, `/`,
 * `%` and `**` give a number, `+` gives any (a string on the other side aside).
 */
function nativeKind(token: string, left: Kind, right: Kind): Kind | undefined {
  if (token === "+" && (left === "string" || right === "string")) return "string";
  if (left === "number" && right === "number") return "number";
  const numeric = (k: Kind) => k === "number" || k === "any";
  if (numeric(left) && numeric(right)) return token === "+" ? "any" : NUMBER_RESULT.has(token) ? "number" : undefined;
  return undefined;
}

/** Operators whose result the checker types as a number when neither side may be a bigint (number or any). */
const NUMBER_RESULT: ReadonlySet<string> = new Set(["-", "*", "/", "%", "**"]);

function skipParens(ts: TypeScriptModule, node: TS.Expression): TS.Expression {
  while (ts.isParenthesizedExpression(node)) node = node.expression;
  return node;
}

/** An assignment target under its parentheses and type wrappers (`x!`, `t as T`, `<T>t`, `t satisfies T`). */
function skipTypeWrappers(ts: TypeScriptModule, node: TS.Expression): TS.Expression {
  for (;;) {
    if (ts.isParenthesizedExpression(node) || ts.isNonNullExpression(node) || ts.isAsExpression(node) || ts.isSatisfiesExpression(node) || ts.isTypeAssertionExpression(node)) {
      node = node.expression;
    } else return node;
  }
}

/**
 * `read` (how the rewrite reads `core`, e.g. `_a.v`) inside the wrappers that `outer` puts around
 * `core`, as written: `(o.v as Value)` reads as `(_a.v as Value)`. A type is copied on one line
 * (an edit never adds a line break).
 */
function rewrapped(ts: TypeScriptModule, sf: TS.SourceFile, outer: TS.Expression, core: TS.Expression, read: string): string {
  if (outer === core) return read;
  const inner = (e: TS.Expression): string => rewrapped(ts, sf, e, core, read);
  const type = (t: TS.TypeNode): string => t.getText(sf).replace(/\s*[\r\n]\s*/g, " ");
  if (ts.isParenthesizedExpression(outer)) return `(${inner(outer.expression)})`;
  if (ts.isNonNullExpression(outer)) return `${inner(outer.expression)}!`;
  if (ts.isAsExpression(outer)) return `${inner(outer.expression)} as ${type(outer.type)}`;
  if (ts.isSatisfiesExpression(outer)) return `${inner(outer.expression)} satisfies ${type(outer.type)}`;
  if (ts.isTypeAssertionExpression(outer)) return `<${type(outer.type)}>${inner(outer.expression)}`;
  return read;
}
