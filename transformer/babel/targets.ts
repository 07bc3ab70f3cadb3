// Compound assignments: the target is evaluated once (`obj[k()] *= v` reads and writes the same
// entry, as the operator does).

import type { types as BabelTypes, NodePath } from "@babel/core";
import { type Expression, GENERATED, type Node, type T } from "./state.js";

/**
 * For `obj[k()] op= v`, a temporary for the object and one for the key (when either could
 * change or has side effects), as Babel's exponentiation plugin does:
 * `(_obj = obj)[_k = k()] = op(_obj[_k], v)`.
 */
export function splitTarget(t: T, path: NodePath<BabelTypes.AssignmentExpression>): { write: BabelTypes.LVal; read: Expression } {
  let left: Node = path.node.left;
  // `x! += 1`, `(o.v as Value) *= 2`: the type wrapper only speaks to the checker
  while (
    left.type === "TSNonNullExpression" ||
    left.type === "TSAsExpression" ||
    left.type === "TSSatisfiesExpression" ||
    left.type === "TSTypeAssertion" ||
    left.type === "ParenthesizedExpression"
  ) {
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
