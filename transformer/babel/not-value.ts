// What cannot be a Value, without types: literals, the results of operators that never make one,
// variables whose every assignment cannot be one, what the TypeScript annotations say is a
// number. The plugin leaves these as written, so typed and plain number code runs untouched.

import type { types as BabelTypes, NodePath } from "@babel/core";
import { NEVER_VALUE_BINARY, NEVER_VALUE_UNARY } from "../operators.js";
import { type FileState, MAY_BE_VALUE, NOT_VALUE } from "./state.js";

/** Globals that are functions or namespaces returning numbers or strings. */
const NUMBER_GLOBALS = new Set(["Math", "Number", "String", "parseInt", "parseFloat", "Date", "isNaN", "isFinite", "Boolean"]);

export function notValue(fs: FileState, path: NodePath, seen: Set<unknown>): boolean {
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
      if (NEVER_VALUE_UNARY.has(node.operator)) return true;
      return node.operator === "-" && notValue(fs, (path as NodePath<BabelTypes.UnaryExpression>).get("argument"), seen);
    case "BinaryExpression": {
      if (NEVER_VALUE_BINARY.has(node.operator)) return true;
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

/** Whether the plugin may leave the expression as written: it cannot be a Value. */
export const canSkip = (fs: FileState, path: NodePath): boolean => notValue(fs, path, new Set());

/** Array methods whose callback gets the element's index, and which parameter that is. */
const INDEX_PARAMETER: Record<string, number> = {
  map: 1,
  forEach: 1,
  filter: 1,
  some: 1,
  every: 1,
  find: 1,
  findIndex: 1,
  findLast: 1,
  findLastIndex: 1,
  flatMap: 1,
  reduce: 2,
  reduceRight: 2,
};

/** `i` in `xs.map((x, i) => …)`, `xs.reduce((s, x, i) => …)`, `Array.from(…, (_, i) => …)`: an index, a number. */
function isIndexParam(param: NodePath): boolean {
  const fn = param.parentPath;
  if (!fn || !(fn.isArrowFunctionExpression() || fn.isFunctionExpression())) return false;
  const position = fn.node.params.indexOf(param.node as BabelTypes.Identifier);
  const call = fn.parentPath;
  if (!call?.isCallExpression() || (call.node.arguments[0] !== fn.node && !(call.node.arguments[1] === fn.node))) return false;
  const callee = call.node.callee;
  if (callee.type !== "MemberExpression" || callee.computed || callee.property.type !== "Identifier") return false;
  const name = callee.property.name;
  if (name === "from")
    return (
      position === 1 &&
      call.node.arguments[1] === fn.node &&
      callee.object.type === "Identifier" &&
      callee.object.name === "Array" &&
      !call.scope.hasBinding("Array", { noGlobals: true })
    );
  return call.node.arguments[0] === fn.node && INDEX_PARAMETER[name] === position;
}

/** `null` or `undefined` (not shadowed). */
export function isNullish(path: NodePath): boolean {
  const node = path.node;
  return node.type === "NullLiteral" || (node.type === "Identifier" && node.name === "undefined" && !path.scope.hasBinding("undefined", { noGlobals: true }));
}
