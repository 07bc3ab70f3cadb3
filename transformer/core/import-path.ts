// Where a rewritten file imports the helpers from. "micrograd-ts" for a user's project; inside
// the package that defines the runtime from source (this repository's runtime), which cannot
// import itself by name, the runtime's index by a relative path.

import type * as TS from "typescript";
import { RUNTIME_MODULE } from "../operators.js";
import { declaresValueBrand, type TypeScriptModule } from "./values.js";

/** The specifier from `fromFile` to `toFile` as emitted JavaScript imports it (`./x.js`, `../a/b.mjs`). */
export function relativeSpecifier(fromFile: string, toFile: string): string {
  const from = fromFile.split("/").slice(0, -1);
  const to = toFile.split("/");
  let i = 0;
  while (i < from.length && i < to.length - 1 && from[i] === to[i]) i++;
  const up = from.length - i;
  const rel = [...Array(up).fill(".."), ...to.slice(i)].join("/");
  return (up === 0 ? "./" : "") + rel.replace(/\.(c|m)?tsx?$/, (_m, c: string | undefined) => `.${c ?? ""}js`);
}

/** Whether the file imports "micrograd-ts" by name. */
function importsRuntimeByName(ts: TypeScriptModule, sf: TS.SourceFile): boolean {
  return sf.statements.some((s) => ts.isImportDeclaration(s) && ts.isStringLiteral(s.moduleSpecifier) && s.moduleSpecifier.text === RUNTIME_MODULE);
}

/**
 * The program-level choice (the build's and the editor's): "micrograd-ts", unless the runtime
 * is in the program as source and `sf` lies in its directory; then the runtime's index by path.
 */
export function importSpecifier(ts: TypeScriptModule, program: TS.Program, sf: TS.SourceFile, fileExists?: (name: string) => boolean): string {
  const brand = program.getSourceFiles().find((f) => declaresValueBrand(ts, f));
  if (!brand || brand.isDeclarationFile || importsRuntimeByName(ts, sf)) return RUNTIME_MODULE;
  const dir = brand.fileName.slice(0, brand.fileName.lastIndexOf("/") + 1);
  if (!sf.fileName.startsWith(dir)) return RUNTIME_MODULE;
  const index = [dir + "index.ts", dir + "index.mts"].find((f) => program.getSourceFile(f) !== undefined || (fileExists?.(f) ?? false));
  return index === undefined ? RUNTIME_MODULE : relativeSpecifier(sf.fileName, index);
}

/**
 * For one file checked on its own (rewriteSourceFile without a driver): the specifier of an
 * import whose module exports every name needed, so code that imports the runtime by a path
 * keeps doing so.
 */
export function existingRuntimeImport(ts: TypeScriptModule, sf: TS.SourceFile, checker: TS.TypeChecker, needed: readonly string[]): string | undefined {
  for (const s of sf.statements) {
    if (!ts.isImportDeclaration(s) || !ts.isStringLiteral(s.moduleSpecifier)) continue;
    if (s.moduleSpecifier.text === RUNTIME_MODULE) return RUNTIME_MODULE;
    const mod = checker.getSymbolAtLocation(s.moduleSpecifier);
    if (!mod) continue;
    const exported = new Set(checker.getExportsOfModule(mod).map((e) => e.name));
    if (needed.every((n) => exported.has(n))) return s.moduleSpecifier.text;
  }
  return undefined;
}
