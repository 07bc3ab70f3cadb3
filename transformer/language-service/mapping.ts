// Between the text the user edits and the text the rewritten service checks (service.ts): positions,
// spans and locations mapped both ways through each file's PositionMap, diagnostics mapped back
// (with the transformer's own and those of the helpers modules' imports), the operator under a
// position and what it calls, and text changes and code actions mapped back without writing
// generated text into the user's file.

import type * as TS from "typescript";
import { type Rewritten, toDiagnostic, toOriginalDiagnostic, withOurs } from "../core/diagnostics.js";
import { namespacedHelpers } from "../core/edits.js";
import { PositionMap, type Span } from "../core/position-map.js";
import type { FileState } from "./fixpoint.js";
import { asImportedHelper, helpersModuleOf, withoutHelpersModuleNames } from "./helpers.js";
import type { RewrittenProject } from "./rewritten.js";

export function createMapping(ts: typeof TS, project: RewrittenProject, base: TS.LanguageService) {
  const { files, rewrittenService, helpersOwners, isHelpersModule, helpersTextOf, helpersSnapshot } = project;

  // --- positions --------------------------------------------------------------------------

  const mapOf = (fileName: string): PositionMap | undefined => {
    const state = files.get(fileName);
    return state && !state.map.isIdentity ? state.map : undefined;
  };
  const toRewritten = (fileName: string, pos: number): number => mapOf(fileName)?.toRewritten(pos) ?? pos;
  const spanToRewritten = (fileName: string, span: Span): Span => mapOf(fileName)?.spanToRewritten(span) ?? span;
  const spanToOriginal = <T extends Span>(fileName: string, span: T): T => {
    const map = mapOf(fileName);
    return map ? { ...span, ...map.spanToOriginal(span) } : span;
  };
  /** A position or range in rewritten coordinates; `outer`: a selection takes in the generated text around its ends (`a * b` is `mul(a, b)`). */
  const rangeToRewritten = (fileName: string, range: number | TS.TextRange, outer = false): number | TS.TextRange => {
    if (typeof range === "number") return toRewritten(fileName, range);
    const map = mapOf(fileName);
    if (outer && map && range.end > range.pos) return { pos: map.toRewritten(range.pos, "left"), end: map.toRewritten(range.end, "right") };
    const span = spanToRewritten(fileName, { start: range.pos, length: range.end - range.pos });
    return { pos: span.start, end: span.start + span.length };
  };
  const isGenerated = (fileName: string, span: Span): boolean => mapOf(fileName)?.isGenerated(span.start, span.start + span.length) ?? false;

  /** Maps the spans of a result that carries `fileName`, `textSpan` and maybe `contextSpan`. */
  function mapLocation<T extends { fileName: string; textSpan: TS.TextSpan; contextSpan?: TS.TextSpan }>(loc: T): T {
    const out = { ...loc, textSpan: spanToOriginal(loc.fileName, loc.textSpan) };
    if (loc.contextSpan) out.contextSpan = spanToOriginal(loc.fileName, loc.contextSpan);
    return out;
  }
  const keepLocation = (loc: { fileName: string; textSpan: TS.TextSpan }) => !isHelpersModule(loc.fileName) && !isGenerated(loc.fileName, loc.textSpan);

  function mapLocations<T extends { fileName: string; textSpan: TS.TextSpan; contextSpan?: TS.TextSpan }>(locs: readonly T[] | undefined): T[] | undefined {
    return locs?.filter(keepLocation).map(mapLocation);
  }

  // --- diagnostics ------------------------------------------------------------------------

  function originalSourceFile(fileName: string): TS.SourceFile | undefined {
    return base.getProgram()?.getSourceFile(fileName);
  }

  const identity = new PositionMap([], "");
  const rewrittenOf = (fileName: string): Rewritten | undefined => {
    const original = originalSourceFile(fileName);
    return original && { original, map: files.get(fileName)?.map ?? identity };
  };
  const mapDiagnostic = <T extends TS.Diagnostic | TS.DiagnosticWithLocation>(d: T): T => withoutHelpersModuleNames(toOriginalDiagnostic(d, rewrittenOf), helpersOwners);

  /** Ours added to TypeScript's (mapped) diagnostics, as the build does; `range` keeps ours to a region. */
  function withTransformerDiagnostics(fileName: string, mapped: TS.Diagnostic[], range?: (d: TS.Diagnostic) => boolean): TS.Diagnostic[] {
    const state = files.get(fileName);
    const file = originalSourceFile(fileName);
    if (!state || !file || state.result.diagnostics.length === 0) return mapped;
    const ours = state.result.diagnostics.map((d) => toDiagnostic(ts, file, d));
    const inRange = range ? ours.filter(range) : ours;
    // Those outside the range still explain TypeScript's errors inside it.
    const merged = withOurs(mapped, ours).filter((d) => !ours.includes(d) || inRange.includes(d));
    return merged.sort(byStart);
  }

  const byStart = (a: TS.Diagnostic, b: TS.Diagnostic) => (a.start ?? 0) - (b.start ?? 0);

  /**
   * The errors of a file's helpers module's import (a module not found, a helper the runtime
   * lacks): the build's import of the helpers has them, at the place where it is inserted.
   */
  function helpersModuleDiagnostics(fileName: string): TS.Diagnostic[] {
    const state = files.get(fileName);
    const file = originalSourceFile(fileName);
    if (!state || !file || project.rewritten !== rewrittenService || helpersTextOf(state) === undefined) return [];
    const module = helpersModuleOf(fileName).fileName;
    const importEnd = helpersSnapshot(module)?.text.indexOf("\n") ?? -1;
    const found = namespacedHelpers(state.result.edits);
    const at = state.result.edits.find((e) => found !== undefined && e.text.includes(found.text))?.start;
    if (at === undefined || importEnd < 0) return [];
    return [...rewrittenService.getSyntacticDiagnostics(module), ...rewrittenService.getSemanticDiagnostics(module)]
      .filter((d) => (d.start ?? 0) < importEnd)
      .map((d) => ({ ...d, file, start: at, length: 0, relatedInformation: undefined }));
  }

  // --- requests at an operator ------------------------------------------------------------
  //
  // `a * b` is `mul(a, b)` to the checker. At the `*` the editor answers as plain TypeScript
  // answers at an operator (nothing to rename, define or highlight: the project's own service,
  // on the text as written), except quick info, which is the quick info of the helper the
  // operator calls (`function mul(a: Operand, b: Operand): Value`), over the operator.

  /** The rewritten operator token at `position` (original text): its span and the edit that replaced it. */
  function operatorAt(fileName: string, position: number): { start: number; end: number; edit: number } | undefined {
    const map = mapOf(fileName);
    const file = originalSourceFile(fileName);
    if (!map || !file) return undefined;
    let found: { start: number; end: number; edit: number } | undefined;
    const visit = (node: TS.Node): void => {
      if (position < node.getStart(file) || position > node.end) return;
      let token: TS.Node | undefined;
      let touchesOperand = false;
      if (ts.isBinaryExpression(node)) {
        token = node.operatorToken;
        touchesOperand = position === node.left.end || position === node.right.getStart(file);
      } else if (ts.isPrefixUnaryExpression(node)) {
        const start = node.getStart(file);
        token = undefined;
        if (position >= start && position < node.operand.getStart(file)) found = replacedAt(map, start, start + 1) ?? found;
      }
      if (token && !touchesOperand && position >= token.getStart(file) && position <= token.end) {
        found = replacedAt(map, token.getStart(file), token.end) ?? found;
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
    return found;
  }

  /** The replacing edit that covers [start, end) of the original, if the operator there was rewritten. */
  function replacedAt(map: PositionMap, start: number, end: number): { start: number; end: number; edit: number } | undefined {
    const k = map.edits.findIndex((e) => e.start < e.end && e.start <= start && end <= e.end);
    if (k < 0) return undefined;
    // The operator token itself, not the blanks before it that the edit took with it.
    return { start, end, edit: k };
  }

  function operatorQuickInfo(fileName: string, operator: { start: number; end: number; edit: number }): TS.QuickInfo | undefined {
    const map = mapOf(fileName)!;
    const target = project.rewritten.getProgram()?.getSourceFile(fileName);
    if (!target) return undefined;
    const edit = map.edits[operator.edit]!;
    const rStart = map.toRewritten(edit.start, "right"); // past `)` inserted at the same place
    // `neg(` and `= add(ws[_a],` name their helper; the `,` of `mul(a, b)` is inside its call.
    const paren = edit.text.indexOf("(");
    const at = paren > 0 ? rStart + paren - 1 : helperOfCallAround(target, rStart);
    if (at === undefined) return undefined;
    const info = (project.rewritten.getQuickInfoAtPosition as (f: string, p: number) => TS.QuickInfo | undefined)(fileName, at);
    if (!info) return undefined;
    // `__mg.mul(a, b)` (helpers.ts) answers as `mul(a, b)` with `mul` imported, as the build has it
    const namespaced = namespacedHelpers(map.edits);
    const local = namespaced && /^[\w$]*/.exec(target.text.slice(target.text.lastIndexOf(".", at) + 1))![0];
    const shown = namespaced && local ? asImportedHelper(info, namespaced.ns, local) : info;
    return { ...shown, textSpan: { start: operator.start, length: operator.end - operator.start } };
  }

  /** Where the callee of the innermost call around `pos` starts, `pos` lying between its arguments. */
  function helperOfCallAround(file: TS.SourceFile, pos: number): number | undefined {
    let found: TS.CallExpression | undefined;
    const visit = (node: TS.Node): void => {
      if (pos < node.getStart(file) || pos >= node.end) return;
      if (ts.isCallExpression(node) && !node.arguments.some((a) => a.getStart(file) <= pos && pos < a.end)) found = node;
      ts.forEachChild(node, visit);
    };
    visit(file);
    // the helper's name: `mul` of `mul(a, b)` and of `__mg.mul(a, b)`
    const callee = found?.expression;
    return callee && (ts.isPropertyAccessExpression(callee) ? callee.name.getStart(file) : callee.getStart(file));
  }

  /** Names that only generated text declares (the added import, temporaries), by file state. */
  const generatedNamesOf = new WeakMap<FileState, Set<string>>();
  function generatedNames(fileName: string): Set<string> {
    const state = files.get(fileName);
    const target = project.rewritten.getProgram()?.getSourceFile(fileName);
    if (!state || !target || state.map.isIdentity) return new Set();
    const known = generatedNamesOf.get(state);
    if (known) return known;
    const names = new Set<string>();
    const visit = (node: TS.Node): void => {
      if ((ts.isImportSpecifier(node) || ts.isVariableDeclaration(node) || ts.isNamespaceImport(node) || ts.isModuleDeclaration(node)) && ts.isIdentifier(node.name)) {
        if (state.map.isGenerated(node.name.getStart(target), node.name.end)) names.add(node.name.text);
      }
      ts.forEachChild(node, visit);
    };
    visit(target);
    generatedNamesOf.set(state, names);
    return names;
  }

  // --- text changes (completion code actions) ----------------------------------------------

  /**
   * Maps text changes back, or returns undefined when one of them touches generated text or
   * writes rewritten code (a call of a helper) into the user's file. With `dropTouching`, the
   * changes that cannot be mapped are left out instead (a fix-all fixes the others).
   */
  function mapFileTextChanges(changes: readonly TS.FileTextChanges[], dropTouching = false): TS.FileTextChanges[] | undefined {
    const out: TS.FileTextChanges[] = [];
    for (const change of changes) {
      const map = mapOf(change.fileName);
      if (!map) {
        out.push(change);
        continue;
      }
      const helpers = generatedCall(change.fileName);
      const original = originalSourceFile(change.fileName)?.text ?? "";
      const textChanges: TS.TextChange[] = [];
      for (const tc of change.textChanges) {
        const { start, length } = tc.span;
        if (map.touchesGenerated(start, start + length) || helpers?.test(tc.newText)) {
          if (dropTouching) continue;
          return undefined;
        }
        textChanges.push({ ...tc, span: wholeLine(original, map.spanToOriginal(tc.span), tc.newText) });
      }
      if (textChanges.length > 0) out.push({ ...change, textChanges });
    }
    return out;
  }

  /** A pattern for a call of a helper of the file's generated import (`mul(`, `__mg.mul(`), if it has one. */
  function generatedCall(fileName: string): RegExp | undefined {
    const namespaced = namespacedHelpers(mapOf(fileName)?.edits ?? []);
    if (namespaced) return new RegExp(`(?<![\\w$.])${namespaced.ns.replace(/\$/g, "\\$")}\\.[\\w$]+\\(`);
    const names = [...generatedNames(fileName)].filter((n) => !/^_/.test(n));
    return names.length > 0 ? new RegExp(`\\b(${names.join("|")})\\(`) : undefined;
  }

  /**
   * A deletion that leaves only blanks on its line deletes the line, as TypeScript's own would:
   * in the rewritten text the helpers' import followed the deleted import on its line, so
   * TypeScript kept the line break.
   */
  function wholeLine(text: string, span: Span, newText: string): Span {
    if (newText !== "" || span.length === 0) return span;
    let from = span.start;
    while (from > 0 && (text[from - 1] === " " || text[from - 1] === "\t")) from--;
    if (from > 0 && text[from - 1] !== "\n") return span;
    let to = span.start + span.length;
    while (to < text.length && (text[to] === " " || text[to] === "\t" || text[to] === "\r")) to++;
    if (text[to] !== "\n" || (span.start + span.length === to && text[to - 1] === "\n")) return span;
    return { start: from, length: to + 1 - from };
  }

  function mapCodeActions(actions: readonly TS.CodeAction[] | undefined): TS.CodeAction[] | undefined {
    if (!actions) return undefined;
    const out: TS.CodeAction[] = [];
    for (const action of actions) {
      const changes = mapFileTextChanges(action.changes);
      if (!changes) return undefined;
      out.push({ ...action, changes });
    }
    return out;
  }

  return {
    mapOf,
    toRewritten,
    spanToRewritten,
    spanToOriginal,
    rangeToRewritten,
    isGenerated,
    mapLocation,
    mapLocations,
    mapDiagnostic,
    withTransformerDiagnostics,
    byStart,
    helpersModuleDiagnostics,
    operatorAt,
    operatorQuickInfo,
    generatedNames,
    mapFileTextChanges,
    mapCodeActions,
  };
}
