// The language service the editor talks to. Two services stand behind it:
//
// - `base`, the project's own service over the text the user edits (the original). It answers
//   everything about text (syntax errors, formatting, outlining, code fixes, refactors,
//   organise imports), so no feature that writes into the user's file ever sees rewritten code.
//   Its program is also the input of the rewrite engine.
// - `rewritten`, a second service over the same files as the build's transformer leaves them
//   (`a * b` is `mul(a, b)`). It answers what needs types: diagnostics, quick info, completions,
//   signature help, definitions, references, rename, inlay hints, semantic colours.
//
// Positions go to `rewritten` through a PositionMap and come back the same way; what lies only
// in generated text (the `mul` of `mul(a, b)`, the added import) never reaches the editor.
//
// By job: this file answers the requests; rewritten.ts keeps the rewrites and the second service
// up to date (fixpoint.ts: the incremental rewrite); mapping.ts maps positions, diagnostics and
// changes between the two texts; helpers.ts is the editor's form of the helpers' import.

import type * as TS from "typescript";
import { withImportedHelpers } from "../core/edits.js";
import type { PositionMap } from "../core/position-map.js";
import { applyEdits } from "../core/positions.js";
import type { MgDiagnostic } from "../core/rewrite.js";
import type { FileState } from "./fixpoint.js";
import { createMapping } from "./mapping.js";
import { createRewrittenProject, type MicrogradServiceOptions } from "./rewritten.js";

export type { MicrogradServiceOptions };

export function createMicrogradService(ts: typeof TS, options: MicrogradServiceOptions): TS.LanguageService {
  const { base } = options;
  const project = createRewrittenProject(ts, options);
  const { files, rewrittenService, sync } = project;

  const mapping = createMapping(ts, project, base);

  // --- the service ------------------------------------------------------------------------

  const service: Partial<TS.LanguageService> & Record<string, unknown> = {};
  // Everything not decorated below is about text and goes to the project's service as it is.
  for (const key of Object.keys(base) as (keyof TS.LanguageService)[]) {
    const method = base[key];
    if (typeof method === "function") service[key] = (method as (...a: unknown[]) => unknown).bind(base) as never;
  }

  Object.assign(service, {
    getSemanticDiagnostics(fileName: string): TS.Diagnostic[] {
      sync();
      const mapped = [...project.rewritten.getSemanticDiagnostics(fileName).map(mapping.mapDiagnostic), ...mapping.helpersModuleDiagnostics(fileName)].sort(mapping.byStart);
      return mapping.withTransformerDiagnostics(fileName, mapped);
    },

    getSuggestionDiagnostics(fileName: string): TS.DiagnosticWithLocation[] {
      sync();
      return project.rewritten
        .getSuggestionDiagnostics(fileName)
        .filter((d) => !mapping.isGenerated(fileName, { start: d.start, length: d.length }))
        .map(mapping.mapDiagnostic);
    },

    getRegionSemanticDiagnostics(fileName: string, ranges: TS.TextRange[]) {
      sync();
      const region = (project.rewritten as unknown as RegionService).getRegionSemanticDiagnostics;
      if (!region) return undefined;
      const mapped = ranges.map((r) => {
        const span = mapping.spanToRewritten(fileName, { start: r.pos, length: r.end - r.pos });
        return { pos: span.start, end: span.start + span.length };
      });
      const result = region.call(project.rewritten, fileName, mapped);
      if (!result) return undefined;
      const spans = result.spans.map((s) => mapping.spanToOriginal(fileName, s));
      const inRanges = (d: TS.Diagnostic) => ranges.some((r) => d.start! < r.end && d.start! + d.length! > r.pos);
      return { diagnostics: mapping.withTransformerDiagnostics(fileName, result.diagnostics.map(mapping.mapDiagnostic), inRanges), spans };
    },

    getCompletionsAtPosition(fileName: string, position: number, opts?: TS.GetCompletionsAtPositionOptions, fmt?: TS.FormatCodeSettings) {
      sync();
      const result = project.rewritten.getCompletionsAtPosition(fileName, mapping.toRewritten(fileName, position), opts, fmt);
      if (!result) return result;
      const hidden = mapping.generatedNames(fileName);
      return {
        ...result,
        optionalReplacementSpan: result.optionalReplacementSpan && mapping.spanToOriginal(fileName, result.optionalReplacementSpan),
        entries: result.entries
          .filter((e) => !(hidden.has(e.name) && !e.source))
          .map((e) => (e.replacementSpan ? { ...e, replacementSpan: mapping.spanToOriginal(fileName, e.replacementSpan) } : e)),
      };
    },

    getCompletionEntryDetails(
      fileName: string,
      position: number,
      entryName: string,
      fmt: TS.FormatCodeOptions | TS.FormatCodeSettings | undefined,
      source: string | undefined,
      preferences: TS.UserPreferences | undefined,
      data: TS.CompletionEntryData | undefined,
    ) {
      sync();
      const details = project.rewritten.getCompletionEntryDetails(fileName, mapping.toRewritten(fileName, position), entryName, fmt, source, preferences, data);
      if (!details?.codeActions) return details;
      const codeActions = mapping.mapCodeActions(details.codeActions);
      if (codeActions) return { ...details, codeActions };
      // An auto-import that would edit generated text (the added import): let the project's
      // service write it against the original text.
      const plain = base.getCompletionEntryDetails(fileName, position, entryName, fmt, source, preferences, data);
      return { ...details, codeActions: plain?.codeActions };
    },

    getCompletionEntrySymbol(fileName: string, position: number, name: string, source: string | undefined) {
      sync();
      return project.rewritten.getCompletionEntrySymbol(fileName, mapping.toRewritten(fileName, position), name, source);
    },

    getQuickInfoAtPosition(fileName: string, position: number, maximumLength?: number) {
      sync();
      const operator = mapping.operatorAt(fileName, position);
      if (operator) return mapping.operatorQuickInfo(fileName, operator) ?? base.getQuickInfoAtPosition(fileName, position);
      const info = (project.rewritten.getQuickInfoAtPosition as (f: string, p: number, m?: number) => TS.QuickInfo | undefined)(
        fileName,
        mapping.toRewritten(fileName, position),
        maximumLength,
      );
      if (!info || mapping.isGenerated(fileName, info.textSpan)) return undefined;
      return { ...info, textSpan: mapping.spanToOriginal(fileName, info.textSpan) };
    },

    getSignatureHelpItems(fileName: string, position: number, opts: TS.SignatureHelpItemsOptions | undefined) {
      sync();
      let at = mapping.toRewritten(fileName, position);
      const text = files.get(fileName)?.result.text ?? "";
      for (let depth = 0; depth < 100; depth++) {
        const help = project.rewritten.getSignatureHelpItems(fileName, at, opts);
        if (!help) return help;
        // The argument list of a generated call (`mul(a, b)`) is not the user's: the help is
        // that of the call around it (`act(a * b + c, 1)` is `act`'s), asked where its head starts.
        let open = help.applicableSpan.start - 1;
        if (!mapping.isGenerated(fileName, { start: open, length: 1 })) return { ...help, applicableSpan: mapping.spanToOriginal(fileName, help.applicableSpan) };
        while (open > 0 && /[\w$.]/.test(text[open - 1]!)) open--;
        if (open >= at) return undefined;
        at = open;
      }
      return undefined;
    },

    getRenameInfo(fileName: string, position: number, preferences?: TS.UserPreferences | TS.RenameInfoOptions) {
      sync();
      const info = (project.rewritten.getRenameInfo as (f: string, p: number, o?: unknown) => TS.RenameInfo)(fileName, mapping.toRewritten(fileName, position), preferences);
      if (!info.canRename) return info;
      if (mapping.isGenerated(fileName, info.triggerSpan)) {
        return { canRename: false, localizedErrorMessage: "This is generated by the micrograd-ts operator transform." };
      }
      return { ...info, triggerSpan: mapping.spanToOriginal(fileName, info.triggerSpan) };
    },

    findRenameLocations(fileName: string, position: number, inStrings: boolean, inComments: boolean, preferences?: unknown) {
      sync();
      const locs = (project.rewritten.findRenameLocations as (...a: unknown[]) => readonly TS.RenameLocation[] | undefined)(
        fileName,
        mapping.toRewritten(fileName, position),
        inStrings,
        inComments,
        preferences,
      );
      return mapping.mapLocations(locs);
    },

    getDefinitionAtPosition(fileName: string, position: number) {
      sync();
      return mapping.mapLocations(project.rewritten.getDefinitionAtPosition(fileName, mapping.toRewritten(fileName, position)));
    },

    getDefinitionAndBoundSpan(fileName: string, position: number) {
      sync();
      const result = project.rewritten.getDefinitionAndBoundSpan(fileName, mapping.toRewritten(fileName, position));
      if (!result || mapping.isGenerated(fileName, result.textSpan)) return undefined;
      return { textSpan: mapping.spanToOriginal(fileName, result.textSpan), definitions: mapping.mapLocations(result.definitions) };
    },

    getTypeDefinitionAtPosition(fileName: string, position: number) {
      sync();
      return mapping.mapLocations(project.rewritten.getTypeDefinitionAtPosition(fileName, mapping.toRewritten(fileName, position)));
    },

    getImplementationAtPosition(fileName: string, position: number) {
      sync();
      return mapping.mapLocations(project.rewritten.getImplementationAtPosition(fileName, mapping.toRewritten(fileName, position)));
    },

    getReferencesAtPosition(fileName: string, position: number) {
      sync();
      return mapping.mapLocations(project.rewritten.getReferencesAtPosition(fileName, mapping.toRewritten(fileName, position)));
    },

    findReferences(fileName: string, position: number) {
      sync();
      return project.rewritten.findReferences(fileName, mapping.toRewritten(fileName, position))?.map((symbol) => ({
        definition: mapping.mapLocation(symbol.definition),
        references: mapping.mapLocations(symbol.references)!,
      }));
    },

    getFileReferences(fileName: string) {
      sync();
      return mapping.mapLocations(project.rewritten.getFileReferences(fileName));
    },

    getDocumentHighlights(fileName: string, position: number, filesToSearch: string[]) {
      sync();
      return project.rewritten.getDocumentHighlights(fileName, mapping.toRewritten(fileName, position), filesToSearch)?.map((h) => ({
        ...h,
        highlightSpans: h.highlightSpans
          .filter((s) => !mapping.isGenerated(h.fileName, s.textSpan))
          .map((s) => ({
            ...s,
            textSpan: mapping.spanToOriginal(h.fileName, s.textSpan),
            contextSpan: s.contextSpan && mapping.spanToOriginal(h.fileName, s.contextSpan),
          })),
      }));
    },

    prepareCallHierarchy(fileName: string, position: number) {
      sync();
      const items = project.rewritten.prepareCallHierarchy(fileName, mapping.toRewritten(fileName, position));
      if (!items) return items;
      return Array.isArray(items) ? items.map(mapCallItem) : mapCallItem(items);
    },

    provideCallHierarchyIncomingCalls(fileName: string, position: number) {
      sync();
      return project.rewritten
        .provideCallHierarchyIncomingCalls(fileName, mapping.toRewritten(fileName, position))
        .map((call) => ({ from: mapCallItem(call.from), fromSpans: call.fromSpans.map((s) => mapping.spanToOriginal(call.from.file, s)) }));
    },

    provideCallHierarchyOutgoingCalls(fileName: string, position: number) {
      sync();
      return project.rewritten
        .provideCallHierarchyOutgoingCalls(fileName, mapping.toRewritten(fileName, position))
        .map((call) => ({ to: mapCallItem(call.to), fromSpans: call.fromSpans.filter((s) => !mapping.isGenerated(fileName, s)) }))
        .filter((call) => call.fromSpans.length > 0)
        .map((call) => ({ ...call, fromSpans: call.fromSpans.map((s) => mapping.spanToOriginal(fileName, s)) }));
    },

    provideInlayHints(fileName: string, span: TS.TextSpan, preferences: TS.UserPreferences | undefined) {
      sync();
      const map = mapping.mapOf(fileName);
      const text = files.get(fileName)?.result.text ?? "";
      const hints = project.rewritten.provideInlayHints(fileName, mapping.spanToRewritten(fileName, span), preferences);
      if (!map) return hints;
      return hints
        .filter((h) => !(h.kind === ts.InlayHintKind.Parameter && argumentOfGeneratedCall(map, text, h.position)) && !map.isGenerated(h.position))
        .map((h) => ({ ...h, position: map.toOriginal(h.position) }));
    },

    getSemanticClassifications(fileName: string, span: TS.TextSpan, format?: TS.SemanticClassificationFormat) {
      sync();
      const spans = (project.rewritten.getSemanticClassifications as (...a: unknown[]) => TS.ClassifiedSpan[])(fileName, mapping.spanToRewritten(fileName, span), format);
      return spans.filter((s) => !mapping.isGenerated(fileName, s.textSpan)).map((s) => ({ ...s, textSpan: mapping.spanToOriginal(fileName, s.textSpan) }));
    },

    getEncodedSemanticClassifications(fileName: string, span: TS.TextSpan, format?: TS.SemanticClassificationFormat) {
      sync();
      const result = (project.rewritten.getEncodedSemanticClassifications as (...a: unknown[]) => TS.Classifications)(fileName, mapping.spanToRewritten(fileName, span), format);
      const map = mapping.mapOf(fileName);
      if (!map) return result;
      const spans: number[] = [];
      for (let i = 0; i < result.spans.length; i += 3) {
        const s = { start: result.spans[i]!, length: result.spans[i + 1]! };
        if (map.isGenerated(s.start, s.start + s.length)) continue;
        const o = map.spanToOriginal(s);
        spans.push(o.start, o.length, result.spans[i + 2]!);
      }
      return { ...result, spans };
    },

    getCodeFixesAtPosition(
      fileName: string,
      start: number,
      end: number,
      errorCodes: readonly number[],
      fmt: TS.FormatCodeSettings,
      preferences: TS.UserPreferences,
    ): readonly TS.CodeFixAction[] {
      // The fixes need the checker's types (`e.backwrd()` on `const e = a * b` is fixed to
      // `backward`), so they come from the rewritten program; a fix that would write over
      // generated text is left out, and when none is left the project's own service answers.
      sync();
      const span = mapping.spanToRewritten(fileName, { start, length: end - start });
      const fixes = project.rewritten.getCodeFixesAtPosition(fileName, span.start, span.start + span.length, errorCodes, fmt, preferences).flatMap((fix) => {
        const changes = mapping.mapFileTextChanges(fix.changes);
        return changes ? [{ ...fix, changes }] : [];
      });
      return fixes.length > 0 ? fixes : base.getCodeFixesAtPosition(fileName, start, end, errorCodes, fmt, preferences);
    },

    getCombinedCodeFix(
      scope: TS.CombinedCodeFixScope,
      fixId: Parameters<TS.LanguageService["getCombinedCodeFix"]>[1],
      fmt: TS.FormatCodeSettings,
      preferences: TS.UserPreferences,
    ): TS.CombinedCodeActions {
      // As single fixes: from the rewritten program (its types), mapped back; the changes that
      // would write over generated text are left out; the project's own when none is left.
      sync();
      const combined = project.rewritten.getCombinedCodeFix(scope, fixId, fmt, preferences);
      const changes = mapping.mapFileTextChanges(combined.changes, true) ?? [];
      if (changes.length === 0) return base.getCombinedCodeFix(scope, fixId, fmt, preferences);
      return { ...combined, changes };
    },

    getApplicableRefactors(
      fileName: string,
      positionOrRange: number | TS.TextRange,
      preferences: TS.UserPreferences | undefined,
      triggerReason?: TS.RefactorTriggerReason,
      kind?: string,
      includeInteractiveActions?: boolean,
    ): TS.ApplicableRefactorInfo[] {
      sync();
      if (!mapping.mapOf(fileName)) return base.getApplicableRefactors(fileName, positionOrRange, preferences, triggerReason, kind, includeInteractiveActions);
      return project.rewritten.getApplicableRefactors(
        fileName,
        mapping.rangeToRewritten(fileName, positionOrRange, true),
        preferences,
        triggerReason,
        kind,
        includeInteractiveActions,
      );
    },

    getEditsForRefactor(
      fileName: string,
      fmt: TS.FormatCodeSettings,
      positionOrRange: number | TS.TextRange,
      refactorName: string,
      actionName: string,
      preferences: TS.UserPreferences | undefined,
      interactiveRefactorArguments?: TS.InteractiveRefactorArguments,
    ): TS.RefactorEditInfo | undefined {
      // From the rewritten program (`function sq(x: Value) { return x * x; }` returns a Value),
      // mapped back; a refactor that would write rewritten code into the file (extracting
      // `a * b` as `mul(a, b)`) is the project's own, on the text as written.
      sync();
      const plain = () => base.getEditsForRefactor(fileName, fmt, positionOrRange, refactorName, actionName, preferences, interactiveRefactorArguments);
      if (!mapping.mapOf(fileName)) return plain();
      const info = project.rewritten.getEditsForRefactor(
        fileName,
        fmt,
        mapping.rangeToRewritten(fileName, positionOrRange, true),
        refactorName,
        actionName,
        preferences,
        interactiveRefactorArguments,
      );
      if (!info) return plain();
      const edits = mapping.mapFileTextChanges(info.edits);
      if (!edits) return plain();
      const out: TS.RefactorEditInfo = { ...info, edits };
      if (info.renameFilename !== undefined && info.renameLocation !== undefined) {
        const map = mapping.mapOf(info.renameFilename);
        if (map) out.renameLocation = map.toOriginal(info.renameLocation);
      }
      return out;
    },

    getEmitOutput(fileName: string, emitOnlyDtsFiles?: boolean, forceDtsEmit?: boolean) {
      // What the build emits (with the transformer), not the untransformed text: from the files
      // in the build's form, which imports the helpers (the checker's calls them through an
      // ambient namespace, which emits nothing). A program for the occasion: emitting is rare.
      sync();
      if (project.rewritten !== rewrittenService) return project.rewritten.getEmitOutput(fileName, emitOnlyDtsFiles, forceDtsEmit);
      return project.inBuildForm(() => rewrittenService.getEmitOutput(fileName, emitOnlyDtsFiles, forceDtsEmit));
    },

    cleanupSemanticCache(): void {
      base.cleanupSemanticCache();
      rewrittenService.cleanupSemanticCache();
    },

    dispose(): void {
      rewrittenService.dispose();
      base.dispose();
    },
  });

  // At a rewritten operator these answer as plain TypeScript does at an operator (see mapping.operatorAt).
  for (const name of [
    "getSignatureHelpItems",
    "getRenameInfo",
    "findRenameLocations",
    "getDefinitionAtPosition",
    "getDefinitionAndBoundSpan",
    "getTypeDefinitionAtPosition",
    "getImplementationAtPosition",
    "getReferencesAtPosition",
    "findReferences",
    "getDocumentHighlights",
    "prepareCallHierarchy",
  ] as const) {
    const rewrittenAnswer = service[name] as (fileName: string, position: number, ...rest: unknown[]) => unknown;
    const plainAnswer = base[name] as (fileName: string, position: number, ...rest: unknown[]) => unknown;
    service[name] = ((fileName: string, position: number, ...rest: unknown[]) => {
      sync();
      return mapping.operatorAt(fileName, position) ? plainAnswer.call(base, fileName, position, ...rest) : rewrittenAnswer(fileName, position, ...rest);
    }) as never;
  }

  function mapCallItem(item: TS.CallHierarchyItem): TS.CallHierarchyItem {
    return { ...item, span: mapping.spanToOriginal(item.file, item.span), selectionSpan: mapping.spanToOriginal(item.file, item.selectionSpan) };
  }

  rewritesOf.set(service, () => {
    sync();
    return files;
  });
  return service as TS.LanguageService;
}

const rewritesOf = new WeakMap<object, () => ReadonlyMap<string, FileState>>();

/**
 * A file's rewrite in a service made here (for tests and tools): `text` as the build writes it
 * (the helpers imported), `checked` as the checker reads it (edits.ts's helperImport), and the
 * transformer's diagnostics.
 */
export function rewriteOf(service: TS.LanguageService, fileName: string): { text: string; checked: string; diagnostics: readonly MgDiagnostic[] } | undefined {
  const state = rewritesOf.get(service)?.().get(fileName);
  return (
    state && { text: applyEdits(state.original.text, withImportedHelpers(state.result.edits, state.importFrom)), checked: state.result.text, diagnostics: state.result.diagnostics }
  );
}

/** Whether an argument at `pos` (rewritten text) follows generated text: `mul(` or the `,` that replaced `*`. */
function argumentOfGeneratedCall(map: PositionMap, text: string, pos: number): boolean {
  let p = pos;
  while (p > 0 && /\s/.test(text[p - 1]!)) p--;
  return map.endsGenerated(p);
}

/** Internal in TypeScript's typings, but tsserver calls it on every plugin's service for big files. */
interface RegionService {
  getRegionSemanticDiagnostics?(fileName: string, ranges: TS.TextRange[]): { diagnostics: TS.Diagnostic[]; spans: TS.TextSpan[] } | undefined;
}
