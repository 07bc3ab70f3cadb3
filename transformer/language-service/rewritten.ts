// The rewritten project behind the editor's service (service.ts): the rewrite of every file
// that can reach the runtime, kept up to date with the project's program (fixpoint.ts), and a
// second language service over the files as rewritten, with a helpers module next to each file
// that calls helpers (helpers.ts). `rewritten` is the service that answers type questions: the
// rewritten one while some file is rewritten, the project's own otherwise, so that a project
// without Value arithmetic pays nothing.

import type * as TS from "typescript";
import { withImportedHelpers } from "../core/edits.js";
import { applyEdits } from "../core/positions.js";
import { type FileState, updateRewrites } from "./fixpoint.js";
import { helpersModuleOf, helpersModuleText } from "./helpers.js";

export interface MicrogradServiceOptions {
  /** The project's service (over the original text). */
  base: TS.LanguageService;
  /** The project's host (original text and versions). */
  host: TS.LanguageServiceHost;
  /** A registry to share parsed declaration files with (tsserver's own), if there is one. */
  sharedRegistry?: TS.DocumentRegistry;
  log?: (message: string) => void;
}

const PLAIN_HOST_METHODS = [
  "getCompilationSettings",
  "getNewLine",
  "getScriptFileNames",
  "getScriptKind",
  "getProjectReferences",
  "getLocalizedDiagnosticMessages",
  "getCancellationToken",
  "getCurrentDirectory",
  "getDefaultLibFileName",
  "log",
  "trace",
  "error",
  "useCaseSensitiveFileNames",
  "readDirectory",
  "realpath",
  "readFile",
  "fileExists",
  "directoryExists",
  "getDirectories",
  "getTypeRootsVersion",
  "getParsedCommandLine",
] as const;

export interface RewrittenProject {
  /** Each candidate file's rewrite, by file name. */
  readonly files: Map<string, FileState>;
  /** The language service over the rewritten files. */
  readonly rewrittenService: TS.LanguageService;
  /** The service that answers type questions now (rewrittenService, or the project's own when nothing is rewritten). */
  readonly rewritten: TS.LanguageService;
  /** Brings the rewrites up to date with the project's current program. */
  sync(): void;
  /** Helpers module -> the file it belongs to, for the modules of the rewritten program. */
  readonly helpersOwners: ReadonlyMap<string, string>;
  isHelpersModule(fileName: string): boolean;
  /** A file state's helpers module text (undefined: the file calls no helper through one). */
  helpersTextOf(state: FileState): string | undefined;
  helpersSnapshot(fileName: string): { text: string } | undefined;
  /** Runs `fn` with the rewritten service reading the files in the build's form (the helpers imported), for emitting. */
  inBuildForm<T>(fn: () => T): T;
}

export function createRewrittenProject(ts: typeof TS, options: MicrogradServiceOptions): RewrittenProject {
  const { base, host } = options;
  const log = options.log ?? (() => {});
  const files = new Map<string, FileState>();
  let rewrittenFrom: TS.Program | undefined;

  const rewrittenHost = createRewrittenHost();
  const rewrittenService = ts.createLanguageService(rewrittenHost, createRegistry());
  // The service that answers type questions: the rewritten one while some file is rewritten;
  // the project's own otherwise, so that a project without Value arithmetic pays nothing.
  let rewritten: TS.LanguageService = base;
  const anyRewritten = () => [...files.values()].some((f) => f.result.changed);
  /** The snapshots the rewritten service reads, by file: a new version whenever the text changes. */
  const snapshots = new Map<string, { text: string; version: string; snapshot: TS.IScriptSnapshot }>();
  let versions = 0;
  /** Whether the rewritten service is to read the files in the build's form (for emitting them). */
  let buildForm = false;
  const buildTexts = new WeakMap<FileState, string>();
  function rewrittenSnapshot(fileName: string) {
    const state = files.get(fileName);
    if (!state?.result.changed) return undefined;
    let text = state.result.text;
    if (buildForm) {
      text = buildTexts.get(state) ?? applyEdits(state.original.text, withImportedHelpers(state.result.edits, state.importFrom));
      buildTexts.set(state, text);
    }
    let known = snapshots.get(fileName);
    if (known?.text !== text) {
      known = { text, version: `micrograd-ts.${++versions}`, snapshot: snapshotAfter(text, known) };
      snapshots.set(fileName, known);
    }
    return known;
  }

  /**
   * A snapshot of `text` that tells how it differs from the previous one, so that the rewritten
   * service re-parses only the changed region, as the project's service does after a keystroke
   * (a full parse of a 2,000-line file at every keystroke would cost more than its check).
   */
  function snapshotAfter(text: string, previous: { text: string; snapshot: TS.IScriptSnapshot } | undefined): TS.IScriptSnapshot {
    const snapshot = ts.ScriptSnapshot.fromString(text);
    if (!previous) return snapshot;
    const { text: old, snapshot: oldSnapshot } = previous;
    snapshot.getChangeRange = (other) => {
      if (other !== oldSnapshot) return undefined;
      const max = Math.min(old.length, text.length);
      let prefix = 0;
      while (prefix < max && old.charCodeAt(prefix) === text.charCodeAt(prefix)) prefix++;
      let suffix = 0;
      while (suffix < max - prefix && old.charCodeAt(old.length - 1 - suffix) === text.charCodeAt(text.length - 1 - suffix)) suffix++;
      return ts.createTextChangeRange(ts.createTextSpan(prefix, old.length - prefix - suffix), text.length - prefix - suffix);
    };
    return snapshot;
  }

  // --- the helpers modules (helpers.ts), one next to each file that calls helpers --------------

  /** Each file state's helpers module text (undefined: the file calls no helper through one). */
  const helpersTexts = new WeakMap<FileState, { text: string | undefined }>();
  function helpersTextOf(state: FileState): string | undefined {
    let known = helpersTexts.get(state);
    if (!known) {
      known = { text: state.result.changed ? helpersModuleText(state.result.edits, state.importFrom) : undefined };
      helpersTexts.set(state, known);
    }
    return known.text;
  }
  /** The helpers module names in the rewritten program, with the files they belong to. */
  const helpersOwners = new Map<string, string>();
  function helpersModuleNames(): string[] {
    helpersOwners.clear();
    for (const [fileName, state] of files) if (helpersTextOf(state) !== undefined) helpersOwners.set(helpersModuleOf(fileName).fileName, fileName);
    return [...helpersOwners.keys()];
  }
  const isHelpersModule = (fileName: string): boolean => helpersOwners.has(fileName);
  const helpersSnapshots = new Map<string, { text: string; version: string; snapshot: TS.IScriptSnapshot }>();
  function helpersSnapshot(fileName: string) {
    const owner = helpersOwners.get(fileName);
    const state = owner === undefined ? undefined : files.get(owner);
    const text = state && helpersTextOf(state);
    if (text === undefined) return undefined;
    let known = helpersSnapshots.get(fileName);
    if (known?.text !== text) {
      known = { text, version: `micrograd-ts.${++versions}`, snapshot: ts.ScriptSnapshot.fromString(text) };
      helpersSnapshots.set(fileName, known);
    }
    return known;
  }

  function createRewrittenHost(): TS.LanguageServiceHost {
    const out: Record<string, unknown> = {};
    for (const name of PLAIN_HOST_METHODS) {
      const method = (host as unknown as Record<string, unknown>)[name];
      if (typeof method === "function") out[name] = (...args: unknown[]) => method.apply(host, args);
    }
    if ("jsDocParsingMode" in host) out.jsDocParsingMode = host.jsDocParsingMode;
    const snapshotOf = (fileName: string) => rewrittenSnapshot(fileName) ?? helpersSnapshot(fileName);
    out.getScriptFileNames = () => [...host.getScriptFileNames(), ...(buildForm ? [] : helpersModuleNames())];
    out.getScriptVersion = (fileName: string) => snapshotOf(fileName)?.version ?? host.getScriptVersion(fileName);
    out.getScriptSnapshot = (fileName: string) => snapshotOf(fileName)?.snapshot ?? host.getScriptSnapshot(fileName);
    // The helpers modules exist for the rewritten program's module resolution only.
    const fileExists = out.fileExists as ((fileName: string) => boolean) | undefined;
    out.fileExists = (fileName: string) => helpersOwners.has(fileName) || (fileExists?.(fileName) ?? false);
    const readFile = out.readFile as ((fileName: string, encoding?: string) => string | undefined) | undefined;
    out.readFile = (fileName: string, encoding?: string) => helpersSnapshot(fileName)?.text ?? readFile?.(fileName, encoding);
    const realpath = out.realpath as ((path: string) => string) | undefined;
    if (realpath) out.realpath = (path: string) => (helpersOwners.has(path) ? path : realpath(path));
    const getScriptKind = out.getScriptKind as ((fileName: string) => TS.ScriptKind) | undefined;
    if (getScriptKind) out.getScriptKind = (fileName: string) => (helpersOwners.has(fileName) ? ts.ScriptKind.TS : getScriptKind(fileName));
    return out as unknown as TS.LanguageServiceHost;
  }

  // Declaration files are never rewritten: share their parsed trees with the project's service
  // (lib.dom.d.ts alone is megabytes); the rewritten service keeps its own copies of the rest.
  function createRegistry(): TS.DocumentRegistry {
    const own = ts.createDocumentRegistry(host.useCaseSensitiveFileNames?.(), host.getCurrentDirectory());
    const shared = options.sharedRegistry;
    if (!shared) return own;
    const pick = (fileName: string) => (/\.d(\.[^./]+)?\.[cm]?ts$/i.test(fileName) ? shared : own);
    return {
      acquireDocument: (fileName, ...rest) => pick(fileName).acquireDocument(fileName, ...rest),
      acquireDocumentWithKey: (fileName, ...rest) => pick(fileName).acquireDocumentWithKey(fileName, ...rest),
      updateDocument: (fileName, ...rest) => pick(fileName).updateDocument(fileName, ...rest),
      updateDocumentWithKey: (fileName, ...rest) => pick(fileName).updateDocumentWithKey(fileName, ...rest),
      getKeyForCompilationSettings: (settings) => own.getKeyForCompilationSettings(settings),
      releaseDocument: (fileName, settings, kind, format) => pick(fileName).releaseDocument(fileName, settings, kind as TS.ScriptKind, format),
      releaseDocumentWithKey: (path, key, kind, format) => pick(path).releaseDocumentWithKey(path, key, kind as TS.ScriptKind, format),
      reportStats: () => own.reportStats(),
    } as TS.DocumentRegistry;
  }

  let rewrittenWithDispatchAny = false;

  /** Brings the rewrites up to date with the project's current program. */
  function sync(): void {
    const program = base.getProgram();
    if (!program || program === rewrittenFrom) return;
    rewrittenFrom = program;
    try {
      const fileExists = host.fileExists ? (name: string) => host.fileExists!(name) : undefined;
      // The build's option, read from the same tsconfig: the editor rewrites as tspc does.
      const dispatchAny = transformerDispatchesAny(program.getCompilerOptions());
      if (dispatchAny !== rewrittenWithDispatchAny) files.clear(); // tsconfig changed: every rewrite again
      rewrittenWithDispatchAny = dispatchAny;
      const helpersModule = (fileName: string) => helpersModuleOf(fileName).specifier;
      updateRewrites({ ts, rewrittenProgram: () => (anyRewritten() ? rewrittenService : base).getProgram(), log, fileExists, dispatchAny, helpersModule }, program, files);
      rewritten = anyRewritten() ? rewrittenService : base;
    } catch (error) {
      // A bug here must not take the editor down: answer as plain TypeScript until the next edit.
      log(`micrograd-ts: rewrite failed, showing the files as written: ${(error as Error).stack ?? error}`);
      files.clear();
      snapshots.clear();
      helpersSnapshots.clear();
      rewritten = base;
    }
  }

  return {
    files,
    rewrittenService,
    get rewritten() {
      return rewritten;
    },
    sync,
    helpersOwners,
    isHelpersModule,
    helpersTextOf,
    helpersSnapshot,
    inBuildForm<T>(fn: () => T): T {
      buildForm = true;
      try {
        return fn();
      } finally {
        buildForm = false;
      }
    },
  };
}

/**
 * Whether the project's tsconfig gives the build's transformer (ts-patch's entry
 * `{ "transform": "micrograd-ts/transformer", ... }` in compilerOptions.plugins) `"dispatchAny": true`.
 */
export function transformerDispatchesAny(options: TS.CompilerOptions): boolean {
  const plugins = options.plugins as readonly Record<string, unknown>[] | undefined;
  return (plugins ?? []).some(
    (p) => typeof p.transform === "string" && /(^|[\\/])micrograd-ts[\\/]transformer$|transformer[\\/]ts[\\/]index\.[cm]?[jt]s$/.test(p.transform) && p.dispatchAny === true,
  );
}
