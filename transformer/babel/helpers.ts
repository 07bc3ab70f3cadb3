// Where the helpers come from and how they are called: the imports of the runtime's helpers, the
// module constants that hold them, and the fast path written at the operator where a constant
// could be in its temporal dead zone.

import type { types as BabelTypes, NodePath } from "@babel/core";
import { addNamed } from "@babel/helper-module-imports";
import { type Expression, type FileState, MAY_BE_VALUE, NATIVE, NOT_VALUE, type Node } from "./state.js";

/** The helper `name`: its import (added once) and the name of the module constant that may hold it. */
function helper(fs: FileState, name: string): { alias: BabelTypes.Identifier; imported: Expression } {
  let h = fs.helpers.get(name);
  if (!h) {
    const alias = fs.program.scope.generateUidIdentifier(name);
    h = { alias, imported: addNamed(fs.program, name, fs.importSource, { nameHint: name }) as Expression };
    fs.helpers.set(name, h);
  }
  return h;
}

/**
 * How a helper is called at `path`. The calls go through constants (`const _opMul = _opMul2;`,
 * the module body's first statement), not the imported bindings themselves: V8 folds a
 * constant into the calling code and inlines the helper's fast path, which makes number-only
 * code as fast as untransformed code; calls through an import binding it does not fold
 * (bench/dispatch.mjs). But a module constant is in its temporal dead zone until the module
 * body reaches it, and a hoisted function declaration can run before the body when another
 * module of an import cycle calls it. So in a file that imports anything but the runtime and
 * `node:` modules (it may be part of a cycle), code inside a top-level function declaration
 * calls the imported binding, which is bound before any code runs, behind a fast path of its
 * own (`inline`): two numbers take the native operator at the call site, as the helper would.
 */
function placement(fs: FileState, path: NodePath): "constant" | "imported" | { inline: NodePath<BabelTypes.Function> } {
  const early = fs.mayRunEarly ? hoistedFunction(path) : null;
  if (!early) return "constant";
  // a parameter default runs before the function body: no temporaries there
  if (early === "params") return "imported";
  const unit = codeUnit(path);
  return unit ? { inline: unit } : "imported";
}

/** What a call of the helper at `path` calls: the module constant, or the imported binding. */
function callee(fs: FileState, name: string, path: NodePath): Expression {
  const { t } = fs;
  const h = helper(fs, name);
  if (placement(fs, path) === "constant") {
    fs.moduleHelpers.add(name);
    return t.cloneNode(h.alias);
  }
  return t.cloneNode(h.imported);
}

/**
 * Where `path` lies in a top-level function declaration (a function that can run before the
 * module body): its parameters or its body; null outside one.
 */
function hoistedFunction(path: NodePath): "params" | "body" | null {
  let found: "params" | "body" | null = null;
  let child: NodePath = path;
  for (let p = path.parentPath; p; child = p, p = p.parentPath) {
    if (p.isFunctionDeclaration()) {
      const parent = p.parentPath;
      const topLevel = parent?.isProgram() || ((parent?.isExportNamedDeclaration() || parent?.isExportDefaultDeclaration()) && parent.parentPath?.isProgram());
      if (topLevel) found = child.listKey === "params" ? "params" : "body";
    }
  }
  return found;
}

/**
 * The function whose body `path` runs in, when its temporaries can be `var`s of that function:
 * not in a parameter list, a class field or a static block (they run as functions of their
 * own, which a `var` of the enclosing function would be shared by).
 */
function codeUnit(path: NodePath): NodePath<BabelTypes.Function> | null {
  let child: NodePath = path;
  for (let p = path.parentPath; p; child = p, p = p.parentPath) {
    if (p.isFunction()) return child.listKey === "params" ? null : p;
    if (p.isClassProperty() || p.isClassPrivateProperty() || p.isClassAccessorProperty() || p.isStaticBlock()) return null;
  }
  return null;
}

/** Declares the module constants that hold the helpers (`const _opMul = _opMul2;`). */
export function declareHelpers(fs: FileState): void {
  const { t } = fs;
  if (fs.moduleHelpers.size === 0) return;
  const helpers = [...fs.helpers].filter(([name]) => fs.moduleHelpers.has(name));
  const moduleDeclaration = t.variableDeclaration(
    "const",
    helpers.map(([, h]) => t.variableDeclarator(t.cloneNode(h.alias), t.cloneNode(h.imported))),
  );
  // First in the module body, before any code: imports are bound before the body runs, and
  // CommonJS requires of the helpers are the first statements.
  const importedNames = new Set([...fs.helpers.values()].flatMap((h) => (h.imported.type === "Identifier" ? [h.imported.name] : [])));
  const body = fs.program.get("body");
  let last = -1;
  for (const [i, stmt] of body.entries()) {
    if (stmt.isImportDeclaration() || (stmt.isVariableDeclaration() && stmt.node.declarations.some((d) => d.id.type === "Identifier" && importedNames.has(d.id.name)))) last = i;
    else break;
  }
  if (last < 0) fs.program.unshiftContainer("body", moduleDeclaration);
  else body[last]!.insertAfter(moduleDeclaration);
}

/** A call of helper `name` (through its module constant, or its import where that could be in its dead zone). */
export function call(fs: FileState, name: string, args: Expression[], path: NodePath, result: "value" | "other"): BabelTypes.CallExpression {
  const { t } = fs;
  const like = path.node;
  const node = t.callExpression(callee(fs, name, path), args);
  node.loc = like.loc;
  node.start = like.start;
  node.end = like.end;
  if (result === "other") NOT_VALUE.add(node);
  return node;
}

/**
 * An inline fast path, kept so that the operator around it can merge it into its own: the
 * leaves it evaluates (in order), and how it builds its native expression and its helper calls
 * from them.
 */
interface Inline {
  fn: NodePath<BabelTypes.Function>;
  leaves: Expression[];
  build: (leaves: Expression[]) => { native: Expression; slow: Expression };
  temps: BabelTypes.Identifier[];
}
const INLINE = new WeakMap<Node, Inline>();

/**
 * The call of helper `name` for an operator on `operands`, whose fast path for numbers is
 * `native` (`a * b`); `args` places the operands among the helper's arguments. In a function
 * that may run before the module body the fast path is written at the operator, one check for
 * a whole expression of operators: `a * b + c` becomes
 * `typeof a === "number" && typeof b === "number" && typeof c === "number" ? a * b + c : opAdd(opMul(a, b), c)`.
 * Each operand is evaluated once, left to right: a variable or a literal is read as it stands
 * when nothing that runs after it can change it, anything else is stored in a temporary first
 * (`(_a = xs[i], typeof _a === "number" && … ? _a * w : opMul(_a, w))`).
 */
export function dispatch(
  fs: FileState,
  name: string,
  operands: Expression[],
  native: (ops: Expression[]) => Expression,
  args: (ops: Expression[]) => Expression[],
  path: NodePath,
  result: "value" | "other",
): Expression {
  const { t } = fs;
  const at = placement(fs, path);
  if (typeof at === "string") return call(fs, name, args(operands), path, result);
  const temps = fs.temporaries.get(at.inline) ?? [];
  fs.temporaries.set(at.inline, temps);
  // an operand that is a fast path of the same function merges into this one (its temporaries are made again here)
  const parts = operands.map((o): Pick<Inline, "leaves" | "build"> => {
    const inner = INLINE.get(o);
    if (!inner || inner.fn !== at.inline) return { leaves: [o], build: ([leaf]) => ({ native: t.cloneNode(leaf!), slow: t.cloneNode(leaf!) }) };
    for (const tmp of inner.temps) {
      const i = temps.indexOf(tmp);
      if (i >= 0) temps.splice(i, 1);
    }
    return inner;
  });
  const leaves = parts.flatMap((p) => p.leaves);
  const own: BabelTypes.Identifier[] = [];
  const assignments: Expression[] = [];
  const refs = leaves.map((leaf, i) => {
    if (isLiteral(leaf) || leaf.type === "ThisExpression" || (leaf.type === "Identifier" && unchangedBy(fs, path, leaf.name, leaves.slice(i + 1)))) return leaf;
    const tmp = fs.program.scope.generateUidIdentifier("abcdefgh"[own.length % 8]);
    own.push(tmp);
    assignments.push(t.assignmentExpression("=", tmp, leaf));
    return tmp;
  });
  temps.push(...own);
  const build = (refs: Expression[]) => {
    let k = 0;
    const built = parts.map((p) => p.build(refs.slice(k, (k += p.leaves.length))));
    const fast = native(built.map((b) => b.native));
    NATIVE.add(fast);
    const helperArgs = args(built.map((b) => b.slow)).map((a) => (a.type === "StringLiteral" ? t.cloneNode(a) : a));
    return { native: fast, slow: t.callExpression(t.cloneNode(helper(fs, name).imported), helperArgs) };
  };
  const { native: fast, slow } = build(refs);
  // a literal needs no check: with numbers, the helpers too give what the operators give
  const checked = new Set<string>();
  const checks = refs.flatMap((r) => {
    if (isLiteral(r)) return [];
    const key = r.type === "Identifier" ? r.name : "this";
    if (checked.has(key)) return [];
    checked.add(key);
    return [t.binaryExpression("===", t.unaryExpression("typeof", t.cloneNode(r)), t.stringLiteral("number"))];
  });
  const test = checks.reduce<Expression | null>((all, c) => (all ? t.logicalExpression("&&", all, c) : c), null);
  const choice = test ? t.conditionalExpression(test, fast, slow) : slow;
  const node = assignments.length ? t.sequenceExpression([...assignments, choice]) : choice;
  node.loc = path.node.loc;
  node.start = path.node.start;
  node.end = path.node.end;
  (result === "other" ? NOT_VALUE : MAY_BE_VALUE).add(node);
  INLINE.set(node, { fn: at.inline, leaves, build, temps: own });
  return node;
}

/**
 * Whether the variable `name`, read at `path`, still holds the same value after the operands
 * `later` run (so it can be read after them instead of being copied first): only code of its
 * own function assigns it (no closure, no `arguments` alias, no `with`, no direct eval), the
 * read is in that function too, and `later` assigns nothing of that name.
 */
function unchangedBy(fs: FileState, path: NodePath, name: string, later: Expression[]): boolean {
  const { t } = fs;
  const binding = path.scope.getBinding(name);
  if (!binding || !path.isInStrictMode()) return false;
  // the last operand: no code runs between its reads
  if (later.length === 0) return true;
  const fn = binding.scope.getFunctionParent();
  if (path.scope.getFunctionParent() !== fn || binding.constantViolations.some((v) => v.scope.getFunctionParent() !== fn)) return false;
  let changed = false;
  for (const node of later) {
    t.traverseFast(node, (n) => {
      if (n.type === "AssignmentExpression" && name in t.getBindingIdentifiers(n.left)) changed = true;
      else if (n.type === "UpdateExpression" && n.argument.type === "Identifier" && n.argument.name === name) changed = true;
      else if (n.type === "CallExpression" && n.callee.type === "Identifier" && n.callee.name === "eval") changed = true;
    });
  }
  return !changed;
}

/** Declares each function's temporaries (`var _a, _b;`), once the traversal is done. */
export function declareTemporaries(fs: FileState): void {
  for (const [fn, temps] of fs.temporaries) for (const id of temps) fn.scope.push({ id });
}

/** A literal: evaluating it again gives the same value with no effect. */
function isLiteral(node: Node): boolean {
  return (
    node.type === "NumericLiteral" ||
    node.type === "StringLiteral" ||
    node.type === "BooleanLiteral" ||
    node.type === "NullLiteral" ||
    node.type === "BigIntLiteral" ||
    isNumber(node) ||
    (node.type === "TemplateLiteral" && node.expressions.length === 0)
  );
}

/** A number literal, negative ones included. */
function isNumber(node: Node): boolean {
  return node.type === "NumericLiteral" || (node.type === "UnaryExpression" && node.operator === "-" && node.argument.type === "NumericLiteral");
}
