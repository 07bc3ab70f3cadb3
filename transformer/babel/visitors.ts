// The rewrite of expressions, one visitor per node kind: each operator that may see a Value
// becomes its dispatching helper (transformer/operators.ts says which), bottom up; a computed
// key, an update and an argument of a function that takes numbers are checked.

import type { types as BabelTypes, NodePath, Visitor } from "@babel/core";
import { applied, binaryOperator, CHECK_HELPERS, makesValue, NUMBER_FUNCTIONS, NUMBER_GLOBAL_FUNCTIONS, type Operator, unaryOperator } from "../operators.js";
import { call, dispatch } from "./helpers.js";
import { canSkip, isNullish } from "./not-value.js";
import { operatorOffset, where } from "./positions.js";
import { CHECKED, type Expression, type FileState, GENERATED, NATIVE, NOT_VALUE, type Node, type State } from "./state.js";
import { splitTarget } from "./targets.js";

/** `arr[k]`, `k in o`: a key that could be a Value goes through opKey, which throws for one (it would become the string "Value(…)"). */
function wrapKey(fs: FileState, key: NodePath<Expression>): void {
  if (canSkip(fs, key)) return;
  const at = where(fs, key.node.start);
  key.replaceWith(
    dispatch(
      fs,
      CHECK_HELPERS.key,
      [key.node],
      ([k]) => k!,
      ([k]) => [k!, at],
      key,
      "other",
    ),
  );
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

/**
 * A helper's arguments for `op` on `operands`: the operator's token first where the helper
 * serves several (opBitwise), the source position last where it throws.
 */
function helperArgs(fs: FileState, op: Operator, operands: Expression[], at: BabelTypes.StringLiteral | null): Expression[] {
  return [...(op.passToken ? [fs.t.stringLiteral(op.token)] : []), ...operands, ...(at ? [at] : [])];
}

/** Rewrites each operator that may see a Value, bottom up (the operands first). */
export const rewrite: Visitor<State> = {
  BinaryExpression: {
    exit(path, state) {
      const fs = fileState(state, path);
      if (!fs) return;
      const { t } = fs;
      const { node } = path;
      if (NATIVE.has(node) || node.left.type === "PrivateName") return; // #x in obj
      if (node.operator === "in") {
        wrapKey(fs, path.get("left") as NodePath<Expression>);
        return;
      }
      const op = binaryOperator(node.operator);
      if (!op?.dispatch) return;
      if (canSkip(fs, path.get("left") as NodePath) && canSkip(fs, path.get("right"))) return;
      // `x == null` converts nothing
      if (op.message === "looseEquality" && (isNullish(path.get("left") as NodePath) || isNullish(path.get("right")))) return;
      const at = op.message ? where(fs, operatorOffset(fs, node.left.end, op.token)) : null;
      const native = ([a, b]: Expression[]) => t.binaryExpression(node.operator, a!, b!);
      path.replaceWith(dispatch(fs, op.dispatch, [node.left as Expression, node.right], native, (ops) => helperArgs(fs, op, ops, at), path, makesValue(op) ? "value" : "other"));
    },
  },
  UnaryExpression: {
    exit(path, state) {
      const fs = fileState(state, path);
      if (!fs) return;
      const { t } = fs;
      const { node } = path;
      if (NATIVE.has(node)) return;
      const op = unaryOperator(node.operator);
      if (!op?.dispatch || canSkip(fs, path.get("argument"))) return;
      const at = op.message ? where(fs, node.start) : null;
      const native = ([a]: Expression[]) => t.unaryExpression(node.operator, a!);
      path.replaceWith(dispatch(fs, op.dispatch, [node.argument], native, (ops) => helperArgs(fs, op, ops, at), path, makesValue(op) ? "value" : "other"));
    },
  },
  UpdateExpression: {
    // `a++` on a Value would convert it: the operand is checked (with the position) and, when
    // it is not a Value, updated as written; a member is read and written once.
    exit(path, state) {
      const fs = fileState(state, path);
      if (!fs || CHECKED.has(path.node)) return;
      const { t } = fs;
      const { node } = path;
      const argument = path.get("argument");
      if (canSkip(fs, argument)) return;
      const at = where(fs, node.prefix ? node.start : operatorOffset(fs, node.argument.end, node.operator));
      const op = t.stringLiteral(node.operator);
      CHECKED.add(node);
      let target: Node = node.argument;
      while (
        target.type === "TSNonNullExpression" ||
        target.type === "TSAsExpression" ||
        target.type === "TSSatisfiesExpression" ||
        target.type === "TSTypeAssertion" ||
        target.type === "ParenthesizedExpression"
      )
        target = target.expression;
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
      const { t } = fs;
      for (const arg of path.get("arguments")) {
        if (arg.isSpreadElement()) {
          const inner = arg.get("argument");
          // the elements are what the function gets: an array of numbers is skipped, anything else checked
          if (NOT_VALUE.has(inner.node) || (inner.isArrayExpression() && inner.get("elements").every((e) => e.node !== null && !e.isSpreadElement() && canSkip(fs, e as NodePath))))
            continue;
          inner.replaceWith(call(fs, CHECK_HELPERS.args, [inner.node, t.stringLiteral(name), where(fs, inner.node.start)], inner, "other"));
        } else if (arg.isExpression() && !canSkip(fs, arg)) {
          const at = where(fs, arg.node.start);
          arg.replaceWith(
            dispatch(
              fs,
              CHECK_HELPERS.arg,
              [arg.node],
              ([x]) => x!,
              ([x]) => [x!, t.stringLiteral(name), at],
              arg,
              "other",
            ),
          );
        }
      }
    },
  },
  AssignmentExpression: {
    exit(path, state) {
      const fs = fileState(state, path);
      if (!fs) return;
      const { t } = fs;
      const { node } = path;
      const assignment = binaryOperator(node.operator);
      if (assignment?.kind !== "assignment") return; // `=`, `&&=`, `||=`, `??=`
      const op = applied(assignment);
      if (!op.dispatch) return;
      if (node.left.type === "Identifier" && canSkip(fs, path.get("left") as NodePath) && canSkip(fs, path.get("right"))) return;
      const { write, read } = splitTarget(t, path);
      const at = op.message ? where(fs, operatorOffset(fs, node.left.end, assignment.token)) : null;
      const native = ([a, b]: Expression[]) => t.binaryExpression(op.token as BabelTypes.BinaryExpression["operator"], a!, b!);
      const makes = makesValue(op);
      const value = dispatch(fs, op.dispatch, [read, node.right], native, (ops) => helperArgs(fs, op, ops, at), path, makes ? "value" : "other");
      const rewritten = t.assignmentExpression("=", write, value);
      rewritten.loc = node.loc;
      rewritten.start = node.start;
      rewritten.end = node.end;
      if (!makes) NOT_VALUE.add(rewritten);
      path.replaceWith(rewritten);
    },
  },
};
