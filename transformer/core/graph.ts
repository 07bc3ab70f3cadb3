// The program-level view the build and the editor share: which files the rewrite looks at (those
// whose imports lead to the runtime), who imports whom among them, and the order of the work
// (dependencies first, so what one module learns is there when its importers are rewritten).

import type * as TS from "typescript";
import { declaresValueBrand, type TypeScriptModule } from "./values.js";

type ResolvedModuleLookup = (f: TS.SourceFile, name: string, mode: TS.ResolutionMode) => { resolvedModule?: { resolvedFileName: string } } | undefined;

/** The files of the program that `sf` imports or re-exports (static and dynamic imports, import types, require). */
export function importedFiles(ts: TypeScriptModule, program: TS.Program, sf: TS.SourceFile): TS.SourceFile[] {
  // `imports` is internal to TypeScript (every module specifier the parser found); the
  // statements are the fallback should it ever go.
  const internal = sf as unknown as { imports?: readonly TS.StringLiteralLike[] };
  const specifiers: readonly TS.StringLiteralLike[] =
    internal.imports ??
    sf.statements.flatMap((s) =>
      (ts.isImportDeclaration(s) || ts.isExportDeclaration(s)) && s.moduleSpecifier && ts.isStringLiteral(s.moduleSpecifier) ? [s.moduleSpecifier] : [],
    );
  const resolve = (program as unknown as { getResolvedModule?: ResolvedModuleLookup }).getResolvedModule;
  const out: TS.SourceFile[] = [];
  for (const spec of specifiers) {
    let target: TS.SourceFile | undefined;
    if (resolve) {
      const name = resolve.call(program, sf, spec.text, program.getModeForUsageLocation(sf, spec))?.resolvedModule?.resolvedFileName;
      if (name) target = program.getSourceFile(name);
    } else {
      target = program.getTypeChecker().getSymbolAtLocation(spec)?.declarations?.[0]?.getSourceFile();
    }
    if (target && target !== sf) out.push(target);
  }
  return out;
}

/**
 * The files of the program written by its user (not declarations, libraries or JSON) whose
 * imports lead, directly or not, to the file that declares the runtime's Value brand. The answer
 * does not depend on the order of files or import lines, inside import cycles included: a depth-
 * first search over strongly connected components (Tarjan's), where a file met again while it is
 * still being explored decides nothing until its whole component is done. The search stops as
 * soon as it meets the runtime: every file on its stack then leads there.
 */
export function filesReachingRuntime(ts: TypeScriptModule, program: TS.Program): TS.SourceFile[] {
  const files = program.getSourceFiles();
  if (!files.some((f) => declaresValueBrand(ts, f))) return [];
  const userFile = (f: TS.SourceFile) => !f.isDeclarationFile && !program.isSourceFileFromExternalLibrary(f) && !f.fileName.endsWith(".json");
  const reaches = new Map<TS.SourceFile, boolean>();
  const index = new Map<TS.SourceFile, number>();
  const low = new Map<TS.SourceFile, number>();
  const stack: TS.SourceFile[] = [];
  const onStack = new Set<TS.SourceFile>();
  let next = 0;
  for (const root of files) {
    if (!userFile(root) || reaches.has(root)) continue;
    const work: { file: TS.SourceFile; imports: TS.SourceFile[]; at: number }[] = [];
    let found = false;
    const enter = (file: TS.SourceFile): void => {
      index.set(file, next);
      low.set(file, next);
      next++;
      stack.push(file);
      onStack.add(file);
      if (declaresValueBrand(ts, file)) found = true;
      else work.push({ file, imports: importedFiles(ts, program, file), at: 0 });
    };
    enter(root);
    while (!found && work.length > 0) {
      const top = work[work.length - 1]!;
      if (top.at < top.imports.length) {
        const g = top.imports[top.at++]!;
        const known = reaches.get(g);
        if (known === true) found = true;
        else if (known === false) continue;
        else if (!index.has(g)) enter(g);
        else if (onStack.has(g)) low.set(top.file, Math.min(low.get(top.file)!, index.get(g)!));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.file, Math.min(low.get(parent.file)!, low.get(top.file)!));
      if (low.get(top.file) !== index.get(top.file)) continue;
      // A whole component explored without meeting the runtime: none of it leads there.
      let f: TS.SourceFile;
      do {
        f = stack.pop()!;
        onStack.delete(f);
        reaches.set(f, false);
      } while (f !== top.file);
    }
    // Met the runtime: every file still on the stack leads to the one where it was met.
    for (const f of stack) reaches.set(f, found);
    stack.length = 0;
    onStack.clear();
  }
  return files.filter((f) => userFile(f) && reaches.get(f) === true);
}

/** Who imports whom among the candidate files, and the order to rewrite them in. */
export interface ImportGraph {
  /**
   * Every candidate file, dependencies before their importers; the files of an import cycle
   * together, in the program's order (a cycle has no first file; the fixpoint's rounds settle it).
   */
  readonly order: readonly string[];
  /** The candidate files each candidate imports. */
  readonly imports: ReadonlyMap<string, ReadonlySet<string>>;
  /** The candidate files that import each candidate. */
  readonly importers: ReadonlyMap<string, ReadonlySet<string>>;
}

export function importGraph(ts: TypeScriptModule, program: TS.Program, candidates: readonly TS.SourceFile[]): ImportGraph {
  const names = new Set(candidates.map((f) => f.fileName));
  const imports = new Map<string, Set<string>>();
  const importers = new Map<string, Set<string>>();
  for (const f of candidates) {
    const mine = new Set<string>();
    for (const g of importedFiles(ts, program, f)) {
      if (!names.has(g.fileName)) continue;
      mine.add(g.fileName);
      const theirs = importers.get(g.fileName) ?? new Set<string>();
      theirs.add(f.fileName);
      importers.set(g.fileName, theirs);
    }
    imports.set(f.fileName, mine);
  }
  return {
    order: dependenciesFirst(
      candidates.map((f) => f.fileName),
      imports,
    ),
    imports,
    importers,
  };
}

/**
 * Tarjan's strongly connected components: each component comes out after every component it
 * imports. Iterative, so that a chain of thousands of modules does not exhaust the stack.
 */
function dependenciesFirst(files: readonly string[], imports: ReadonlyMap<string, ReadonlySet<string>>): string[] {
  const rank = new Map(files.map((f, i) => [f, i]));
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const order: string[] = [];
  let next = 0;
  for (const root of files) {
    if (index.has(root)) continue;
    const work: { file: string; deps: Iterator<string> }[] = [];
    const enter = (file: string): void => {
      index.set(file, next);
      low.set(file, next);
      next++;
      stack.push(file);
      onStack.add(file);
      work.push({ file, deps: (imports.get(file) ?? new Set<string>()).values() });
    };
    enter(root);
    while (work.length > 0) {
      const top = work[work.length - 1]!;
      const step = top.deps.next();
      if (!step.done) {
        const dep = step.value;
        if (!index.has(dep)) enter(dep);
        else if (onStack.has(dep)) low.set(top.file, Math.min(low.get(top.file)!, index.get(dep)!));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.file, Math.min(low.get(parent.file)!, low.get(top.file)!));
      if (low.get(top.file) !== index.get(top.file)) continue;
      const component: string[] = [];
      let f: string;
      do {
        f = stack.pop()!;
        onStack.delete(f);
        component.push(f);
      } while (f !== top.file);
      order.push(...component.sort((a, b) => rank.get(a)! - rank.get(b)!));
    }
  }
  return order;
}

/** The files and everything that imports them, directly or not: what a change in them can retype. */
export function withDependents(graph: ImportGraph, files: Iterable<string>): Set<string> {
  const out = new Set<string>();
  const queue = [...files];
  while (queue.length > 0) {
    const f = queue.pop()!;
    if (out.has(f)) continue;
    out.add(f);
    for (const g of graph.importers.get(f) ?? []) if (!out.has(g)) queue.push(g);
  }
  return out;
}
