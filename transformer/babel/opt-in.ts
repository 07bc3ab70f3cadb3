// The opt-in rule, in one place for the Babel plugin and the bundler plugins: with `all: false`
// (the Babel plugin's default) a file is rewritten when it imports, re-exports or requires
// "micrograd-ts" (or its Node part, or the configured import source, or one of `optInModules`),
// or starts with the directive "use micrograd". The Node loader and the bundler plugins rewrite
// every project file by default (`all: true`).

import type { types as BabelTypes, NodePath } from "@babel/core";
import { RUNTIME_MODULE } from "../operators.js";

/** The directive that opts a file in without an import: `"use micrograd";` at the top. */
export const DIRECTIVE = "use micrograd";

export interface OptInOptions {
  /** The module the helpers are imported from (default "micrograd-ts"). */
  importSource?: string;
  /** More module names whose import opts a file in (the import source always does). */
  optInModules?: string[];
}

/** The modules that hand out Values: the runtime, its Node part (drawDot's files, datasets) and the import source. */
export function runtimeModules(options: OptInOptions): Set<string> {
  return new Set([RUNTIME_MODULE, `${RUNTIME_MODULE}/node`, options.importSource ?? RUNTIME_MODULE]);
}

/** The modules whose import opts a file in. */
export function optInModules(options: OptInOptions): Set<string> {
  return new Set([...runtimeModules(options), ...(options.optInModules ?? [])]);
}

/** Whether a file's text could opt in at all: a substring test that spares parsing every other file. */
export function mayOptIn(code: string, options: OptInOptions): boolean {
  return code.includes(DIRECTIVE) || [...optInModules(options)].some((m) => code.includes(m));
}

/**
 * Whether a file imports (or re-exports, requires, or imports dynamically) a module other than
 * the runtime's and Node's own (`node:`): one that may be, or lead to, a module importing this
 * file back.
 */
export function importsOtherModules(program: NodePath<BabelTypes.Program>, runtime: Set<string>): boolean {
  const other = (source: string) => !runtime.has(source) && !source.startsWith("node:");
  for (const stmt of program.node.body) {
    if ((stmt.type === "ImportDeclaration" || stmt.type === "ExportNamedDeclaration" || stmt.type === "ExportAllDeclaration") && stmt.source && other(stmt.source.value))
      return true;
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

/** Whether a file opts in: an import, re-export or require() of one of `modules`, or the directive. */
export function optsIn(program: NodePath<BabelTypes.Program>, modules: Set<string>, code: string): boolean {
  const node = program.node;
  if (node.directives.some((d) => d.value.value === DIRECTIVE)) return true;
  for (const stmt of node.body) {
    if ((stmt.type === "ImportDeclaration" || stmt.type === "ExportNamedDeclaration" || stmt.type === "ExportAllDeclaration") && stmt.source) {
      if (modules.has(stmt.source.value)) return true;
    }
  }
  if (![...modules].some((m) => code.includes(m))) return false; // no require() or import() of them either
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
