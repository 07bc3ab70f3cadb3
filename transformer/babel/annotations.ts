// What the TypeScript annotations say, read before @babel/preset-typescript strips them: bindings
// declared as numbers, strings, booleans… or arrays of those, and functions declared to return
// one. The plugin trusts them, as the TypeScript transformer trusts the checker.

import type { types as BabelTypes, NodePath } from "@babel/core";
import type { FileState } from "./state.js";

type TypeNode = BabelTypes.TSType | BabelTypes.TSTypeAnnotation | BabelTypes.Noop | BabelTypes.TypeAnnotation | null | undefined;

const PRIMITIVE_TYPES = new Set([
  "TSNumberKeyword",
  "TSStringKeyword",
  "TSBooleanKeyword",
  "TSBigIntKeyword",
  "TSLiteralType",
  "TSUndefinedKeyword",
  "TSNullKeyword",
  "TSVoidKeyword",
  "TSTemplateLiteralType",
]);
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

export function readAnnotations(program: NodePath<BabelTypes.Program>, fs: FileState): void {
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
