// The editor's TypeScript becomes a function the worker can run, in two Babel passes:
//
// 1. exactly what a user's Babel build does: @babel/preset-typescript and the package's own
//    plugin, micrograd-ts/babel (`a * b + c` becomes `opAdd(opMul(a, b), c)`). A read-only check
//    rides along: only the modules the playground provides may be imported, and only names
//    they export (reported with the line and column where they are written).
// 2. the playground's module step: each import becomes a lookup in the modules the worker hands
//    in, `export` is dropped (there is one file), and the top-level variables are handed back at
//    the end, so the page can find the program's last Value.
//
// Source maps of both passes are chained, so a run-time error points at the line typed.

import { type NodePath, type PluginObj, types as t, transformSync } from "@babel/core";
import presetTypescript from "@babel/preset-typescript";
import micrograd from "micrograd-ts/babel";

/** The name the editor's file has in messages ("playground.ts:3:7: the operator % ..."). */
export const FILENAME = "playground.ts";

/** The exports of each module the program may import (their values are handed in at run time). */
export type ModuleExports = Readonly<Record<string, readonly string[]>>;

export interface Compiled {
  /** The body of an async function of (__modules, __done). */
  code: string;
  /** The source map from `code` to the editor's text. */
  map: SourceMap;
}

export interface SourceMap {
  version: number;
  sources: string[];
  names: string[];
  mappings: string;
  file?: string;
  sourcesContent?: (string | null)[];
}

/** A compile error with its place in the editor's text (1-based line and column). */
export class CompileError extends Error {
  constructor(
    message: string,
    readonly line: number | undefined,
    readonly column: number | undefined,
    /** The lines around the error, with a marker under the column (Babel's code frame). */
    readonly frame: string,
  ) {
    super(message);
    this.name = "CompileError";
  }
}

/** The parameters of the compiled function: the modules, and the callback that receives the top-level variables. */
export const MODULES_PARAM = "__modules";
export const DONE_PARAM = "__done";

/** Both passes: one in-memory file, no config files to look for, source maps chained. */
// highlightCode: false: the frame is shown as text in the page, never with terminal colours
// (Babel colours it wherever it thinks a terminal can show them, CI=true included).
const OPTIONS = {
  filename: `/${FILENAME}`,
  cwd: "/",
  babelrc: false,
  configFile: false,
  sourceType: "module",
  sourceMaps: true,
  highlightCode: false,
} as const;

export function compile(source: string, modules: ModuleExports): Compiled {
  const topLevel: string[] = [];
  let first: ReturnType<typeof transformSync>;
  try {
    first = transformSync(source, { ...OPTIONS, presets: [presetTypescript], plugins: [micrograd, checkImports(modules, topLevel)] });
  } catch (error) {
    throw compileError(error);
  }
  if (!first?.code || !first.map) throw new CompileError("Babel returned no code", undefined, undefined, "");
  const second = transformSync(first.code, { ...OPTIONS, inputSourceMap: first.map, plugins: [toFunctionBody(topLevel)] });
  if (!second?.code || !second.map) throw new CompileError("Babel returned no code", undefined, undefined, "");
  return { code: second.code, map: second.map as SourceMap };
}

/** Babel's errors carry `loc` (1-based line, 0-based column) and a code frame in the message. */
function compileError(error: unknown): CompileError {
  const e = error as { message?: string; loc?: { line: number; column: number }; reasonCode?: string };
  const raw = String(e?.message ?? error);
  // "/playground.ts: Unexpected token (3:7)\n\n  1 | ...": the first line is the message.
  const [head, ...rest] = raw.split("\n");
  const message = head!.replace(/^\/?playground\.ts: /, "").replace(/ \(\d+:\d+\)$/, "");
  const frame = rest.join("\n").replace(/^\n+/, "");
  return new CompileError(message, e?.loc?.line, e?.loc === undefined ? undefined : e.loc.column + 1, frame);
}

/**
 * Pass 1's check, at the end of the Program (after the TypeScript preset dropped the imports
 * that only name types, so every import left is one the program uses at run time). It also
 * lists the program's own top-level variables (the helper constants the plugin added have no
 * place in the source).
 */
function checkImports(modules: ModuleExports, topLevel: string[]): () => PluginObj {
  const available = Object.keys(modules)
    .map((m) => `"${m}"`)
    .join(" and ");
  return () => ({
    name: "playground-check-imports",
    visitor: {
      Program: {
        exit(program) {
          for (const stmt of program.get("body")) {
            const decl = stmt.isExportNamedDeclaration() ? stmt.get("declaration") : stmt;
            if (decl.isVariableDeclaration() && decl.node.loc) topLevel.push(...Object.keys(t.getBindingIdentifiers(decl.node)));
            if (stmt.isImportDeclaration()) checkImport(stmt);
            else if (stmt.isExportAllDeclaration() || (stmt.isExportNamedDeclaration() && stmt.node.source)) {
              throw located(stmt, "the playground runs one file: it has nothing to re-export");
            }
          }
          program.traverse({
            Import(path) {
              throw located(path.parentPath, `import() does not work in the playground: import from ${available} at the top`);
            },
          });
        },
      },
    },
  });

  function checkImport(stmt: NodePath<t.ImportDeclaration>): void {
    const source = stmt.node.source.value;
    const names = modules[source];
    if (!names) {
      throw located(stmt.get("source"), `the playground can import only from ${available}, not "${source}"`);
    }
    for (const spec of stmt.get("specifiers")) {
      if (spec.isImportDefaultSpecifier()) {
        throw located(spec, `"${source}" has no default export: write import { ... } from "${source}"`);
      }
      if (spec.isImportSpecifier()) {
        const imported = spec.node.imported;
        const name = imported.type === "Identifier" ? imported.name : imported.value;
        if (!names.includes(name)) {
          throw located(spec, `"${source}" has no export named ${name}${suggest(name, names)}`);
        }
      }
    }
  }
}

/** An error with Babel's code frame and, as Babel's parser errors have, the position in `loc`. */
function located(path: NodePath, message: string): Error {
  const error = path.buildCodeFrameError(message) as Error & { loc?: { line: number; column: number } };
  const start = path.node.loc?.start;
  if (start) error.loc = { line: start.line, column: start.column };
  return error;
}

function suggest(name: string, names: readonly string[]): string {
  const lower = name.toLowerCase();
  const close = names.find((n) => n.toLowerCase() === lower || editDistance(n.toLowerCase(), lower) <= 2);
  return close ? ` (did you mean ${close}?)` : "";
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row.push(Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    prev = row;
  }
  return prev[b.length]!;
}

/** Pass 2: imports to lookups, `export` dropped, the top-level variables handed to __done. */
function toFunctionBody(topLevel: readonly string[]): () => PluginObj {
  return () => ({
    name: "playground-function-body",
    visitor: {
      Program: {
        exit(program) {
          const lookups: t.Statement[] = [];
          for (const stmt of program.get("body")) {
            if (stmt.isImportDeclaration()) {
              // imports are hoisted in a module: the lookups go first
              lookups.push(importAsLookup(stmt.node));
              stmt.remove();
            } else if (stmt.isExportNamedDeclaration()) {
              // export { a, b } goes; export const a = … stays as const a = …
              if (stmt.node.declaration) stmt.replaceWith(stmt.node.declaration);
              else stmt.remove();
            } else if (stmt.isExportDefaultDeclaration()) {
              const d = stmt.node.declaration;
              stmt.replaceWith(t.isExpression(d) ? t.expressionStatement(d) : d);
            }
          }
          // __done([["a", a], ["L", L]]): the program's top-level variables, in the order declared.
          const pairs = topLevel.map((name) => t.arrayExpression([t.stringLiteral(name), t.identifier(name)]));
          program.pushContainer("body", t.expressionStatement(t.callExpression(t.identifier(DONE_PARAM), [t.arrayExpression(pairs)])));
          program.unshiftContainer("body", lookups);
          program.node.directives.unshift(t.directive(t.directiveLiteral("use strict")));
        },
      },
    },
  });
}

function importAsLookup(node: t.ImportDeclaration): t.Statement {
  const module = t.memberExpression(t.identifier(MODULES_PARAM), t.stringLiteral(node.source.value), true);
  const namespace = node.specifiers.find((s) => s.type === "ImportNamespaceSpecifier");
  const declarations: t.VariableDeclarator[] = [];
  if (namespace) declarations.push(t.variableDeclarator(t.identifier(namespace.local.name), module));
  const properties = node.specifiers.flatMap((s) => {
    if (s.type !== "ImportSpecifier") return [];
    const key = s.imported.type === "Identifier" ? t.identifier(s.imported.name) : t.stringLiteral(s.imported.value);
    return [t.objectProperty(key, t.identifier(s.local.name))];
  });
  if (properties.length > 0) declarations.push(t.variableDeclarator(t.objectPattern(properties), t.cloneNode(module)));
  const statement = declarations.length > 0 ? t.variableDeclaration("const", declarations) : t.emptyStatement();
  statement.loc = node.loc;
  return statement;
}
