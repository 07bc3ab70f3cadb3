// The Babel plugin: operators on Values without types. In a file that opts in (it imports from
// "micrograd-ts", or starts with a "use micrograd" directive) every arithmetic operator that may
// see a Value becomes a call of a dispatching helper of the runtime (`a * b + c` becomes
// `opAdd(opMul(a, b), c)`); two numbers take the helper's fast path. The operators that a Value
// does not support are wrapped too, so a Value reaching them throws a TypeError that names the
// operator and the source position. Which operator maps to which helper comes from the one
// operator table, transformer/operators.ts.
//
// CommonJS-safe: babel-jest and Babel's config loader require() this file (no import.meta here).

import type { NodePath, PluginObj, PluginPass, types as BabelTypes, Visitor } from "@babel/core";
import { addNamed } from "@babel/helper-module-imports";
import { BINARY, CHECK_HELPERS, COMPOUND, LOOSE_EQUALITY, NUMBER_FUNCTIONS, NUMBER_GLOBAL_FUNCTIONS, RUNTIME_MODULE, UNARY, UNSUPPORTED_BINARY, UNSUPPORTED_UNARY } from "../operators.js";
import { relativeName, Positions } from "./positions.js";

type T = typeof BabelTypes;
type Node = BabelTypes.Node;
type Expression = BabelTypes.Expression;

export interface MicrogradBabelOptions {
  /** The module the helpers are imported from (default "micrograd-ts"). */
  importSource?: string;
  /** More module names whose import opts a file in (the import source always does). */
  optInModules?: string[];
  /** Rewrite every file, not only those that opt in. */
  all?: boolean;
}

/** The directive that opts a file in without an import: `"use micrograd";` at the top. */
export const DIRECTIVE = "use micrograd";

interface State extends PluginPass {
  mg: FileState | null;
}

interface FileState {
  /** Each helper used: the module constant the calls use, and the imported binding it holds. */
  helpers: Map<string, { alias: BabelTypes.Identifier; imported: Expression }>;
  /** Whether a function of this file can be called before its module body runs (it imports a module that may import it back). */
  mayRunEarly: boolean;
  /** Helpers called through module constants. */
  moduleHelpers: Set<string>;
  /** The temporaries of the inline fast paths, by the function they belong to. */
  temporaries: Map<NodePath<BabelTypes.Function>, BabelTypes.Identifier[]>;
  program: NodePath<BabelTypes.Program>;
  positions: Positions;
  file: string;
  /**
   * What the TypeScript annotations say (read before @babel/preset-typescript strips them):
   * bindings declared as a number, string, boolean… (never a Value, if the types are right, as
   * the TypeScript transformer also trusts them), bindings declared as arrays of those, and
   * functions declared to return one.
   */
  primitive: WeakSet<Node>;
  primitiveArray: WeakSet<Node>;
  primitiveFunction: WeakSet<Node>;
}

/**
 * Expressions whose value cannot be a Value: what the plugin may leave as written. Calls the
 * plugin itself made are recorded here too (the comparisons give booleans).
 */
const NOT_VALUE = new WeakSet<Node>();

/** Array methods whose callback gets the element's index, and which parameter that is. */
const INDEX_PARAMETER: Record<string, number> = { map: 1, forEach: 1, filter: 1, some: 1, every: 1, find: 1, findIndex: 1, findLast: 1, findLastIndex: 1, flatMap: 1, reduce: 2, reduceRight: 2 };

/** `i` in `xs.map((x, i) => …)`, `xs.reduce((s, x, i) => …)`, `Array.from(…, (_, i) => …)`: an index, a number. */
function isIndexParam(param: NodePath): boolean {
  const fn = param.parentPath;
  if (!fn || !(fn.isArrowFunctionExpression() || fn.isFunctionExpression())) return false;
  const position = fn.node.params.indexOf(param.node as BabelTypes.Identifier);
  const call = fn.parentPath;
  if (!call?.isCallExpression() || call.node.arguments[0] !== fn.node && !(call.node.arguments[1] === fn.node)) return false;
  const callee = call.node.callee;
  if (callee.type !== "MemberExpression" || callee.computed || callee.property.type !== "Identifier") return false;
  const name = callee.property.name;
  if (name === "from") return position === 1 && call.node.arguments[1] === fn.node && callee.object.type === "Identifier" && callee.object.name === "Array" && !call.scope.hasBinding("Array", { noGlobals: true });
  return call.node.arguments[0] === fn.node && INDEX_PARAMETER[name] === position;
}
/** The native operator of an inline fast path (`_a * _b` for two numbers): left as written. */
const NATIVE = new WeakSet<Node>();
/** An inline fast path whose result may be a Value (its temporaries are not declared yet). */
const MAY_BE_VALUE = new WeakSet<Node>();

/** A literal: evaluating it again gives the same value with no effect. */
function isLiteral(node: Node): boolean {
  return node.type === "NumericLiteral" || node.type === "StringLiteral" || node.type === "BooleanLiteral" || node.type === "NullLiteral" || node.type === "BigIntLiteral" || isNumber(node) || (node.type === "TemplateLiteral" && node.expressions.length === 0);
}

/** A number literal, negative ones included. */
function isNumber(node: Node): boolean {
  return node.type === "NumericLiteral" || (node.type === "UnaryExpression" && node.operator === "-" && node.argument.type === "NumericLiteral");
}

/** Update expressions already checked (the check keeps the node, which Babel visits again). */
const CHECKED = new WeakSet<Node>();
/** Member expressions the plugin wrote itself (the read and write of a compound assignment): their keys are evaluated already. */
const GENERATED = new WeakSet<Node>();

function isNullish(path: NodePath): boolean {
  const node = path.node;
  return node.type === "NullLiteral" || (node.type === "Identifier" && node.name === "undefined" && !path.scope.hasBinding("undefined", { noGlobals: true }));
}

/** Operators whose result is never a Value (a boolean, or a string for typeof). */
const NON_VALUE_BINARY = new Set(["==", "!=", "===", "!==", "<", ">", "<=", ">=", "in", "instanceof", "%", "&", "|", "^", "<<", ">>", ">>>"]);
const NON_VALUE_UNARY = new Set(["typeof", "!", "void", "delete", "~", "+"]);
/** Globals that are functions or namespaces returning numbers or strings. */
const NUMBER_GLOBALS = new Set(["Math", "Number", "String", "parseInt", "parseFloat", "Date", "isNaN", "isFinite", "Boolean"]);

export default function micrograd(api: { types: T; assertVersion?: (v: number) => void }, options: MicrogradBabelOptions = {}): PluginObj<State> {
  api.assertVersion?.(7);
  checkOptions(options);
  const t = api.types;
  const importSource = options.importSource ?? RUNTIME_MODULE;
  // the runtime and its Node part (drawDot's files, datasets): both hand out Values
  const runtimeModules = new Set([RUNTIME_MODULE, `${RUNTIME_MODULE}/node`, importSource]);
  const optIn = new Set([...runtimeModules, ...(options.optInModules ?? [])]);

  function helper(fs: FileState, name: string): { alias: BabelTypes.Identifier; imported: Expression } {
    let h = fs.helpers.get(name);
    if (!h) {
      const alias = fs.program.scope.generateUidIdentifier(name);
      h = { alias, imported: addNamed(fs.program, name, importSource, { nameHint: name }) as Expression };
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
    if (early.inParams) return "imported";
    const unit = codeUnit(path);
    return unit ? { inline: unit } : "imported";
  }

  function callee(fs: FileState, name: string, path: NodePath): Expression {
    const h = helper(fs, name);
    if (placement(fs, path) === "constant") {
      fs.moduleHelpers.add(name);
      return t.cloneNode(h.alias);
    }
    return t.cloneNode(h.imported);
  }

  /** The top-level function declaration that `path` lies in (a function that can run before the module body), if any. */
  function hoistedFunction(path: NodePath): { fn: NodePath<BabelTypes.FunctionDeclaration>; inParams: boolean } | null {
    let found: { fn: NodePath<BabelTypes.FunctionDeclaration>; inParams: boolean } | null = null;
    let child: NodePath = path;
    for (let p = path.parentPath; p; child = p, p = p.parentPath) {
      if (p.isFunctionDeclaration()) {
        const parent = p.parentPath;
        const topLevel = parent?.isProgram() || ((parent?.isExportNamedDeclaration() || parent?.isExportDefaultDeclaration()) && parent.parentPath?.isProgram());
        if (topLevel) found = { fn: p, inParams: child.listKey === "params" };
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

  function declareHelpers(fs: FileState): void {
    const declaration = (names: Iterable<string>, value: (h: { imported: Expression }) => Expression) =>
      t.variableDeclaration(
        "const",
        [...names].map((name) => {
          const h = fs.helpers.get(name)!;
          return t.variableDeclarator(t.cloneNode(h.alias), value(h));
        }),
      );
    if (fs.moduleHelpers.size === 0) return;
    // First in the module body, before any code: imports are bound before the body runs, and
    // CommonJS requires of the helpers are the first statements.
    const ordered = [...fs.helpers.keys()].filter((name) => fs.moduleHelpers.has(name));
    const moduleDeclaration = declaration(ordered, (h) => t.cloneNode(h.imported));
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

  function call(fs: FileState, name: string, args: Expression[], path: NodePath, result: "value" | "other"): BabelTypes.CallExpression {
    const like = path.node;
    const node = t.callExpression(callee(fs, name, path), args);
    node.loc = like.loc;
    node.start = like.start;
    node.end = like.end;
    if (result === "other") NOT_VALUE.add(node);
    return node;
  }

  /**
   * The call of helper `name` for an operator (or a check) on `operands`, whose fast path for
   * numbers is `native` (`a * b`); `args` places the operands among the helper's arguments. In
   * a function that may run before the module body the fast path is written at the call site:
   * `(_a = f(), _b = g(), typeof _a === "number" && typeof _b === "number" ? _a * _b : opMul(_a, _b))`,
   * each operand evaluated once, left to right (a variable or a literal is read as it stands when
   * no code runs after it).
   */
  function dispatch(fs: FileState, name: string, operands: Expression[], native: (ops: Expression[]) => Expression, args: (ops: Expression[]) => Expression[], path: NodePath, result: "value" | "other"): Expression {
    const at = placement(fs, path);
    if (typeof at === "string" || operands.some((o) => isLiteral(o) && !isNumber(o))) return call(fs, name, args(operands), path, result);
    const temps = fs.temporaries.get(at.inline) ?? [];
    fs.temporaries.set(at.inline, temps);
    const assignments: Expression[] = [];
    const ops = operands.map((o, i) => {
      if (isLiteral(o) || o.type === "ThisExpression" || (o.type === "Identifier" && unchangedBy(path, o.name, operands.slice(i + 1)))) return o;
      const tmp = fs.program.scope.generateUidIdentifier(operands.length === 1 ? "x" : "abc"[i]);
      temps.push(tmp);
      assignments.push(t.assignmentExpression("=", tmp, o));
      return tmp;
    });
    const copy = () => ops.map((o) => t.cloneNode(o));
    const fast = native(copy());
    NATIVE.add(fast);
    const checks = ops.filter((o) => !isNumber(o)).map((o) => t.binaryExpression("===", t.unaryExpression("typeof", t.cloneNode(o)), t.stringLiteral("number")));
    const slow = t.callExpression(t.cloneNode(helper(fs, name).imported), args(copy()));
    const test = checks.reduce<Expression | null>((all, c) => (all ? t.logicalExpression("&&", all, c) : c), null);
    const choice = test ? t.conditionalExpression(test, fast, slow) : slow;
    const node = assignments.length ? t.sequenceExpression([...assignments, choice]) : choice;
    node.loc = path.node.loc;
    node.start = path.node.start;
    node.end = path.node.end;
    (result === "other" ? NOT_VALUE : MAY_BE_VALUE).add(node);
    return node;
  }

  /**
   * Whether the variable `name`, read at `path`, still holds the same value after the operands
   * `later` run (so it can be read after them instead of being copied first): only code of its
   * own function assigns it (no closure, no `arguments` alias, no `with`, no direct eval), the
   * read is in that function too, and `later` assigns nothing of that name.
   */
  function unchangedBy(path: NodePath, name: string, later: Expression[]): boolean {
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
  function declareTemporaries(fs: FileState): void {
    for (const [fn, temps] of fs.temporaries) for (const id of temps) fn.scope.push({ id });
  }

  function where(fs: FileState, offset: number | null | undefined): BabelTypes.StringLiteral {
    return t.stringLiteral(offset == null ? fs.file : `${fs.file}:${fs.positions.lineColumn(offset)}`);
  }

  // ---- What cannot be a Value -----------------------------------------------------------------

  function notValue(fs: FileState, path: NodePath, seen: Set<unknown>): boolean {
    const node = path.node;
    if (NOT_VALUE.has(node)) return true;
    if (MAY_BE_VALUE.has(node)) return false;
    switch (node.type) {
      case "NumericLiteral":
      case "StringLiteral":
      case "BooleanLiteral":
      case "NullLiteral":
      case "BigIntLiteral":
      case "RegExpLiteral":
      case "TemplateLiteral":
      case "UpdateExpression":
      case "ArrayExpression":
      case "ObjectExpression":
      case "ArrowFunctionExpression":
      case "FunctionExpression":
      case "ClassExpression":
        return true;
      case "UnaryExpression":
        if (NON_VALUE_UNARY.has(node.operator)) return true;
        return node.operator === "-" && notValue(fs, (path as NodePath<BabelTypes.UnaryExpression>).get("argument"), seen);
      case "BinaryExpression": {
        if (NON_VALUE_BINARY.has(node.operator)) return true;
        const p = path as NodePath<BabelTypes.BinaryExpression>;
        return notValue(fs, p.get("left"), seen) && notValue(fs, p.get("right"), seen);
      }
      case "ParenthesizedExpression":
      case "TSAsExpression":
      case "TSSatisfiesExpression":
      case "TSNonNullExpression":
      case "TSTypeAssertion":
        return notValue(fs, path.get("expression") as NodePath, seen);
      case "SequenceExpression": {
        const exprs = (path as NodePath<BabelTypes.SequenceExpression>).get("expressions");
        return notValue(fs, exprs[exprs.length - 1]!, seen);
      }
      case "ConditionalExpression": {
        const p = path as NodePath<BabelTypes.ConditionalExpression>;
        return notValue(fs, p.get("consequent"), seen) && notValue(fs, p.get("alternate"), seen);
      }
      case "AssignmentExpression": {
        const p = path as NodePath<BabelTypes.AssignmentExpression>;
        return node.operator === "=" && notValue(fs, p.get("right"), seen);
      }
      case "Identifier":
        return identifierNotValue(fs, path as NodePath<BabelTypes.Identifier>, seen);
      case "CallExpression": {
        // Math.sqrt(x), Number(s), parseInt(s): numbers, unless the name is shadowed
        const callee = node.callee;
        if (callee.type === "Identifier") {
          const fn = path.scope.getBinding(callee.name)?.path;
          if (fn && fs.primitiveFunction.has(fn.isVariableDeclarator() ? (fn.node.init ?? fn.node) : fn.node)) return true;
        }
        const root = callee.type === "MemberExpression" && !callee.computed ? callee.object : callee;
        return root.type === "Identifier" && NUMBER_GLOBALS.has(root.name) && !path.scope.hasBinding(root.name, { noGlobals: true });
      }
      case "MemberExpression": {
        // Math.PI, Number.EPSILON
        const obj = node.object;
        if (obj.type === "Identifier") {
          // xs[i] or xs.length of an array declared number[] (or a Float64Array…)
          const binding = path.scope.getBinding(obj.name);
          if (binding && fs.primitiveArray.has(binding.identifier) && (node.computed || (node.property.type === "Identifier" && node.property.name === "length"))) return true;
        }
        return obj.type === "Identifier" && (obj.name === "Math" || obj.name === "Number") && !path.scope.hasBinding(obj.name, { noGlobals: true });
      }
      default:
        return false;
    }
  }

  /**
   * A variable is never a Value when its initial value and every value assigned to it later
   * cannot be a Value. A cycle (`s = s + 1`) is assumed to hold: by induction over the run, it
   * does when every assignment keeps it.
   */
  function identifierNotValue(fs: FileState, path: NodePath<BabelTypes.Identifier>, seen: Set<unknown>): boolean {
    const name = path.node.name;
    const binding = path.scope.getBinding(name);
    if (!binding) return name === "undefined" || name === "NaN" || name === "Infinity";
    if (fs.primitive.has(binding.identifier)) return true;
    if (seen.has(binding)) return true;
    if (seen.size > 24) return false;
    if (binding.kind === "param") return binding.constant && isIndexParam(binding.path);
    if (binding.kind !== "var" && binding.kind !== "let" && binding.kind !== "const") return false;
    const decl = binding.path;
    if (!decl.isVariableDeclarator() || decl.node.id.type !== "Identifier") return false;
    seen.add(binding);
    try {
      const declaration = decl.parentPath;
      const loop = declaration?.parentPath;
      if (loop && (loop.isForInStatement() || loop.isForOfStatement()) && loop.node.left === declaration!.node) {
        if (loop.isForOfStatement()) return false;
      } else {
        const init = decl.get("init");
        if (init.node && !notValue(fs, init as NodePath, seen)) return false;
      }
      for (const v of binding.constantViolations) {
        if (v.isUpdateExpression()) continue;
        if (!v.isAssignmentExpression()) return false;
        if (v.node.left.type !== "Identifier") return false;
        if (NOT_VALUE.has(v.node)) continue;
        if (!notValue(fs, v.get("right"), seen)) return false;
      }
      return true;
    } finally {
      seen.delete(binding);
    }
  }

  const canSkip = (fs: FileState, path: NodePath) => notValue(fs, path, new Set());

  // ---- Compound assignments: the target is evaluated once -------------------------------------

  /**
   * For `obj[k()] op= v`, a temporary for the object and one for the key (when either could
   * change or has side effects), as Babel's exponentiation plugin does:
   * `(_obj = obj)[_k = k()] = op(_obj[_k], v)`.
   */
  function splitTarget(path: NodePath<BabelTypes.AssignmentExpression>): { write: BabelTypes.LVal; read: Expression } {
    let left: Node = path.node.left;
    // `x! += 1`, `(o.v as Value) *= 2`: the type wrapper only speaks to the checker
    while (left.type === "TSNonNullExpression" || left.type === "TSAsExpression" || left.type === "TSSatisfiesExpression" || left.type === "TSTypeAssertion" || left.type === "ParenthesizedExpression") {
      left = left.expression;
    }
    if (left.type === "Identifier") return { write: left, read: t.identifier(left.name) };
    if (left.type !== "MemberExpression") {
      throw path.buildCodeFrameError(`micrograd-ts: cannot rewrite ${path.node.operator} with this target`);
    }
    const scope = path.scope;
    let object: Expression | BabelTypes.Super = left.object;
    let readObject: Expression | BabelTypes.Super = left.object;
    if (object.type !== "Super" && !scope.isStatic(object)) {
      const tmp = scope.generateUidIdentifierBasedOnNode(object);
      scope.push({ id: tmp });
      object = t.assignmentExpression("=", tmp, object);
      readObject = t.cloneNode(tmp);
    } else {
      readObject = t.cloneNode(object);
    }
    let property = left.property as Expression | BabelTypes.PrivateName;
    let readProperty = t.cloneNode(property);
    if (left.computed && !repeatable(property)) {
      const tmp = scope.generateUidIdentifierBasedOnNode(property);
      scope.push({ id: tmp });
      property = t.assignmentExpression("=", tmp, property as Expression);
      readProperty = t.cloneNode(tmp);
    }
    const write = t.memberExpression(object as Expression, property, left.computed);
    const read = t.memberExpression(readObject as Expression, readProperty, left.computed);
    GENERATED.add(write);
    GENERATED.add(read);
    write.loc = read.loc = left.loc;
    return { write, read };
  }

  /**
   * Whether evaluating a key a second time gives the same key with no effect: only an identifier
   * (nothing runs between the write target's evaluation and the read that repeats it) and a
   * literal with no sub-expression. A template literal with `${…}` runs code; `this` is never a
   * computed key worth a temporary but is safe too.
   */
  function repeatable(node: Node): boolean {
    switch (node.type) {
      case "Identifier":
      case "ThisExpression":
      case "StringLiteral":
      case "NumericLiteral":
      case "BigIntLiteral":
      case "BooleanLiteral":
      case "NullLiteral":
        return true;
      case "TemplateLiteral":
        return node.expressions.length === 0;
      default:
        return false;
    }
  }

  /** `arr[k]`, `k in o`: a key that could be a Value goes through opKey, which throws for one (it would become the string "Value(…)"). */
  function wrapKey(fs: FileState, key: NodePath<Expression>): void {
    if (canSkip(fs, key)) return;
    const at = where(fs, key.node.start);
    key.replaceWith(dispatch(fs, CHECK_HELPERS.key, [key.node], ([k]) => k!, ([k]) => [k!, at], key, "other"));
  }

  /** "Math.max" for a call of a function of the language that takes numbers (not shadowed), else null. */
  function numberFunctionName(path: NodePath<BabelTypes.CallExpression>): string | null {
    const callee = path.node.callee;
    const global = (name: string) => !path.scope.hasBinding(name, { noGlobals: true });
    if (callee.type === "Identifier") return NUMBER_GLOBAL_FUNCTIONS.has(callee.name) && global(callee.name) ? callee.name : null;
    if (callee.type !== "MemberExpression" || callee.computed || callee.object.type !== "Identifier" || callee.property.type !== "Identifier") return null;
    const methods = NUMBER_FUNCTIONS[callee.object.name];
    if (!methods || !global(callee.object.name)) return null;
    return methods === "all" || methods.includes(callee.property.name) ? `${callee.object.name}.${callee.property.name}` : null;
  }

  /** The file's state when it opted in and the node is not an enum member (constants the TypeScript preset folds). */
  function fileState(state: State, path: NodePath): FileState | null {
    if (!state.mg) return null;
    return path.findParent((p) => p.isTSEnumMember()) ? null : state.mg;
  }

  const rewrite: Visitor<State> = {
    BinaryExpression: {
      exit(path, state) {
        const fs = fileState(state, path);
        if (!fs) return;
        const { node } = path;
        const op = node.operator;
        if (NATIVE.has(node) || node.left.type === "PrivateName") return; // #x in obj
        if (op === "in") {
          wrapKey(fs, path.get("left") as NodePath<Expression>);
          return;
        }
        const supported = BINARY[op];
        const unsupported = supported ? undefined : (UNSUPPORTED_BINARY[op] ?? LOOSE_EQUALITY[op]);
        if (!supported && !unsupported?.dispatch) return;
        if (canSkip(fs, path.get("left") as NodePath) && canSkip(fs, path.get("right"))) return;
        // `x == null` converts nothing
        if (LOOSE_EQUALITY[op] && (isNullish(path.get("left") as NodePath) || isNullish(path.get("right")))) return;
        const operands = [node.left as Expression, node.right];
        const native = ([a, b]: Expression[]) => t.binaryExpression(op, a!, b!);
        if (supported) {
          path.replaceWith(dispatch(fs, supported.dispatch, operands, native, (ops) => ops, path, "value"));
        } else {
          const at = where(fs, operatorOffset(fs, node.left.end, op));
          const args = (ops: Expression[]) => (unsupported!.dispatch === "opBitwise" ? [t.stringLiteral(op), ...ops, at] : [...ops, at]);
          path.replaceWith(dispatch(fs, unsupported!.dispatch!, operands, native, args, path, "other"));
        }
      },
    },
    UnaryExpression: {
      exit(path, state) {
        const fs = fileState(state, path);
        if (!fs) return;
        const { node } = path;
        if (NATIVE.has(node)) return;
        const supported = UNARY[node.operator];
        const unsupported = supported ? undefined : UNSUPPORTED_UNARY[node.operator];
        if (!supported && !unsupported?.dispatch) return;
        if (canSkip(fs, path.get("argument"))) return;
        const native = ([a]: Expression[]) => t.unaryExpression(node.operator, a!);
        if (supported) {
          path.replaceWith(dispatch(fs, supported.dispatch, [node.argument], native, (ops) => ops, path, "value"));
        } else {
          const at = where(fs, node.start);
          path.replaceWith(dispatch(fs, unsupported!.dispatch!, [node.argument], native, (ops) => [...ops, at], path, "other"));
        }
      },
    },
    UpdateExpression: {
      // `a++` on a Value would convert it: the operand is checked (with the position) and, when
      // it is not a Value, updated as written; a member is read and written once.
      exit(path, state) {
        const fs = fileState(state, path);
        if (!fs || CHECKED.has(path.node)) return;
        const { node } = path;
        const argument = path.get("argument");
        if (canSkip(fs, argument)) return;
        const at = where(fs, node.prefix ? node.start : operatorOffset(fs, node.argument.end, node.operator));
        const op = t.stringLiteral(node.operator);
        CHECKED.add(node);
        let target: Node = node.argument;
        while (target.type === "TSNonNullExpression" || target.type === "TSAsExpression" || target.type === "TSSatisfiesExpression" || target.type === "TSTypeAssertion" || target.type === "ParenthesizedExpression") target = target.expression;
        if (target.type === "Identifier") {
          const check = call(fs, CHECK_HELPERS.update, [t.identifier(target.name), op, at], path, "other");
          path.replaceWith(t.sequenceExpression([check, node]));
        } else if (target.type === "MemberExpression" && target.object.type !== "Super" && target.property.type !== "PrivateName") {
          const key = target.computed ? (target.property as Expression) : t.stringLiteral((target.property as BabelTypes.Identifier).name);
          path.replaceWith(call(fs, CHECK_HELPERS.updateMember, [target.object, key, op, t.booleanLiteral(node.prefix), at], path, "other"));
        }
      },
    },
    MemberExpression: {
      exit(path, state) {
        const fs = fileState(state, path);
        if (fs && path.node.computed && !GENERATED.has(path.node)) wrapKey(fs, path.get("property") as NodePath<Expression>);
      },
    },
    OptionalMemberExpression: {
      exit(path, state) {
        const fs = fileState(state, path);
        if (fs && path.node.computed) wrapKey(fs, path.get("property") as NodePath<Expression>);
      },
    },
    CallExpression: {
      // Math.max(a, 1), Number(a), parseFloat(a): each argument that could be a Value is checked
      exit(path, state) {
        const fs = fileState(state, path);
        if (!fs) return;
        const name = numberFunctionName(path);
        if (!name) return;
        for (const arg of path.get("arguments")) {
          if (arg.isSpreadElement()) {
            const inner = arg.get("argument");
            // the elements are what the function gets: an array of numbers is skipped, anything else checked
            if (NOT_VALUE.has(inner.node) || (inner.isArrayExpression() && inner.get("elements").every((e) => e.node !== null && !e.isSpreadElement() && canSkip(fs, e as NodePath)))) continue;
            inner.replaceWith(call(fs, CHECK_HELPERS.args, [inner.node, t.stringLiteral(name), where(fs, inner.node.start)], inner, "other"));
          } else if (arg.isExpression() && !canSkip(fs, arg)) {
            const at = where(fs, arg.node.start);
            arg.replaceWith(dispatch(fs, CHECK_HELPERS.arg, [arg.node], ([x]) => x!, ([x]) => [x!, t.stringLiteral(name), at], arg, "other"));
          }
        }
      },
    },
    AssignmentExpression: {
      exit(path, state) {
        const fs = fileState(state, path);
        if (!fs) return;
        const { node } = path;
        const op = node.operator;
        if (op === "=" || op === "&&=" || op === "||=" || op === "??=") return;
        const base = COMPOUND[op] ?? op.slice(0, -1);
        const supported = BINARY[base];
        const unsupported = supported ? undefined : UNSUPPORTED_BINARY[base];
        if (!supported && !unsupported?.dispatch) return;
        if (node.left.type === "Identifier" && canSkip(fs, path.get("left") as NodePath) && canSkip(fs, path.get("right"))) return;
        const { write, read } = splitTarget(path);
        const native = ([a, b]: Expression[]) => t.binaryExpression(base as BabelTypes.BinaryExpression["operator"], a!, b!);
        let value: Expression;
        if (supported) {
          value = dispatch(fs, supported.dispatch, [read, node.right], native, (ops) => ops, path, "value");
        } else {
          const at = where(fs, operatorOffset(fs, node.left.end, op));
          const args = (ops: Expression[]) => (unsupported!.dispatch === "opBitwise" ? [t.stringLiteral(base), ...ops, at] : [...ops, at]);
          value = dispatch(fs, unsupported!.dispatch!, [read, node.right], native, args, path, "other");
        }
        const assignment = t.assignmentExpression("=", write, value);
        assignment.loc = node.loc;
        assignment.start = node.start;
        assignment.end = node.end;
        if (!supported) NOT_VALUE.add(assignment);
        path.replaceWith(assignment);
      },
    },
  };

  return {
    name: "micrograd-ts",
    visitor: {
      Program: {
        // The whole rewrite happens here, in a traversal of its own before any other plugin or
        // preset sees the file: the TypeScript preset then sees the helper imports in use (and
        // keeps them), and a plugin that lowers `**` (preset-env for old targets) or instruments
        // the code sees the calls, not the operators.
        enter(program, state) {
          state.mg = null;
          if (!options.all && !optsIn(program, optIn, state.file.code)) return;
          const filename = state.filename ?? state.file.opts.filename ?? "";
          const fs: FileState = {
            helpers: new Map(),
            mayRunEarly: importsOtherModules(program, runtimeModules),
            moduleHelpers: new Set(),
            temporaries: new Map(),
            program,
            positions: new Positions(state.file.code),
            file: filename ? relativeName(filename, state.file.opts.cwd ?? "") : "<input>",
            primitive: new WeakSet(),
            primitiveArray: new WeakSet(),
            primitiveFunction: new WeakSet(),
          };
          state.mg = fs;
          readAnnotations(program, fs);
          program.traverse(rewrite, state);
          declareHelpers(fs);
          declareTemporaries(fs);
          program.scope.crawl();
        },
      },
    },
  };
}

const OPTIONS: Record<keyof MicrogradBabelOptions, string> = { importSource: "string", optInModules: "array of strings", all: "boolean" };

function checkOptions(options: unknown): void {
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw new TypeError(`micrograd-ts/babel: options must be an object like { importSource: "micrograd-ts" }, got ${JSON.stringify(options)}`);
  }
  for (const [key, value] of Object.entries(options)) {
    const want = OPTIONS[key as keyof MicrogradBabelOptions];
    if (!want) throw new TypeError(`micrograd-ts/babel: unknown option "${key}"; the options are ${Object.keys(OPTIONS).join(", ")}`);
    const ok = want === "string" ? typeof value === "string" : want === "boolean" ? typeof value === "boolean" : Array.isArray(value) && value.every((v) => typeof v === "string");
    if (!ok && value !== undefined) throw new TypeError(`micrograd-ts/babel: option "${key}" must be a ${want}, got ${JSON.stringify(value)}`);
  }
}

type TypeNode = BabelTypes.TSType | BabelTypes.TSTypeAnnotation | BabelTypes.Noop | BabelTypes.TypeAnnotation | null | undefined;

const PRIMITIVE_TYPES = new Set(["TSNumberKeyword", "TSStringKeyword", "TSBooleanKeyword", "TSBigIntKeyword", "TSLiteralType", "TSUndefinedKeyword", "TSNullKeyword", "TSVoidKeyword", "TSTemplateLiteralType"]);
const TYPED_ARRAYS = new Set(["Float64Array", "Float32Array", "Int8Array", "Int16Array", "Int32Array", "Uint8Array", "Uint8ClampedArray", "Uint16Array", "Uint32Array"]);

/** "primitive" for number, string, boolean… and unions of them; "array" for arrays of those. */
function classify(type: TypeNode): "primitive" | "array" | null {
  if (!type) return null;
  if (type.type === "TSTypeAnnotation") return classify(type.typeAnnotation);
  if (PRIMITIVE_TYPES.has(type.type)) return "primitive";
  switch (type.type) {
    case "TSParenthesizedType":
      return classify(type.typeAnnotation);
    case "TSUnionType":
      return type.types.every((m) => classify(m) === "primitive") ? "primitive" : null;
    case "TSArrayType":
      return classify(type.elementType) === "primitive" ? "array" : null;
    case "TSTypeOperator":
      return type.operator === "readonly" && classify(type.typeAnnotation) === "array" ? "array" : null;
    case "TSTypeReference": {
      if (type.typeName.type !== "Identifier") return null;
      const name = type.typeName.name;
      if (TYPED_ARRAYS.has(name)) return "array";
      const args = type.typeParameters?.params;
      if ((name === "Array" || name === "ReadonlyArray") && args?.length === 1 && classify(args[0]) === "primitive") return "array";
      return null;
    }
    default:
      return null;
  }
}

function readAnnotations(program: NodePath<BabelTypes.Program>, fs: FileState): void {
  program.traverse({
    Identifier(path) {
      const kind = classify(path.node.typeAnnotation);
      if (kind === "primitive") fs.primitive.add(path.node);
      else if (kind === "array") fs.primitiveArray.add(path.node);
    },
    Function(path) {
      if (classify(path.node.returnType) === "primitive") fs.primitiveFunction.add(path.node);
    },
  });
}

/** Where the operator token starts, after the left operand (skipping `)`, blanks and comments). */
function operatorOffset(fs: FileState, leftEnd: number | null | undefined, op: string): number | null {
  if (leftEnd == null) return null;
  const code = fs.positions.code;
  let i = leftEnd;
  while (i < code.length) {
    const c = code[i]!;
    if (c === ")" || c === " " || c === "\t" || c === "\n" || c === "\r") i++;
    else if (code.startsWith("//", i)) i = code.indexOf("\n", i) < 0 ? code.length : code.indexOf("\n", i);
    else if (code.startsWith("/*", i)) i = code.indexOf("*/", i) < 0 ? code.length : code.indexOf("*/", i) + 2;
    else break;
  }
  return code.startsWith(op, i) ? i : leftEnd;
}

/**
 * Whether a file imports (or re-exports, requires, or imports dynamically) a module other than
 * the runtime's and Node's own (`node:`): one that may be, or lead to, a module importing this
 * file back.
 */
function importsOtherModules(program: NodePath<BabelTypes.Program>, runtime: Set<string>): boolean {
  const other = (source: string) => !runtime.has(source) && !source.startsWith("node:");
  for (const stmt of program.node.body) {
    if ((stmt.type === "ImportDeclaration" || stmt.type === "ExportNamedDeclaration" || stmt.type === "ExportAllDeclaration") && stmt.source && other(stmt.source.value)) return true;
  }
  let found = false;
  program.traverse({
    CallExpression(path) {
      const { callee, arguments: args } = path.node;
      if ((callee.type === "Import" || (callee.type === "Identifier" && callee.name === "require")) && !(args[0]?.type === "StringLiteral" && !other(args[0].value))) {
        found = true;
        path.stop();
      }
    },
    ImportExpression(path) {
      if (!(path.node.source.type === "StringLiteral" && !other(path.node.source.value))) {
        found = true;
        path.stop();
      }
    },
  });
  return found;
}

/** Whether a file opts in: an import, re-export or require() of the runtime, or the directive. */
function optsIn(program: NodePath<BabelTypes.Program>, modules: Set<string>, code: string): boolean {
  const node = program.node;
  if (node.directives.some((d) => d.value.value === DIRECTIVE)) return true;
  for (const stmt of node.body) {
    if ((stmt.type === "ImportDeclaration" || stmt.type === "ExportNamedDeclaration" || stmt.type === "ExportAllDeclaration") && stmt.source) {
      if (modules.has(stmt.source.value)) return true;
    }
  }
  if (![...modules].some((m) => code.includes(m))) return false;
  let found = false;
  program.traverse({
    CallExpression(path) {
      const { callee, arguments: args } = path.node;
      const isRequire = callee.type === "Identifier" && callee.name === "require";
      const isImport = callee.type === "Import";
      if ((isRequire || isImport) && args.length >= 1 && args[0]!.type === "StringLiteral" && modules.has(args[0]!.value)) {
        found = true;
        path.stop();
      }
    },
    ImportExpression(path) {
      const source = path.node.source;
      if (source.type === "StringLiteral" && modules.has(source.value)) {
        found = true;
        path.stop();
      }
    },
  });
  return found;
}
