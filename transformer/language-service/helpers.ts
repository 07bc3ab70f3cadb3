// The editor's helpers modules. The rewritten text the editor's checker reads calls the helpers
// through a local ambient namespace (`__mg.mul(a, b)`, core/edits.ts's helperImport), over a
// module next to the file that imports the helpers from the runtime as the build's rewrite does
// and exports them: for src/model.ts, src/model.ts.micrograd-ts.ts, which exists only in the
// rewritten service's program:
//
//   import { add, mul } from "micrograd-ts";
//   export { add, mul };
//
// Its import is the build's, resolved from the same directory: what is wrong with the build's
// import (a module not found, a helper the installed runtime lacks) is wrong with it, and its
// errors are shown at the place of the build's import in the file (service.ts).

import type * as TS from "typescript";
import { namespacedHelpers } from "../core/edits.js";
import type { TextEdit } from "../core/positions.js";

const SUFFIX = ".micrograd-ts";

/** The helpers module of a TypeScript file: its file name and the specifier the file imports it by. */
export function helpersModuleOf(fileName: string): { fileName: string; specifier: string } {
  const slash = Math.max(fileName.lastIndexOf("/"), fileName.lastIndexOf("\\"));
  const base = fileName.slice(slash + 1);
  // The module's format is the file's: .mts and .cts keep theirs, anything else is .ts.
  const ext = /\.([cm]?)tsx?$/i.exec(base)?.[1]?.toLowerCase() ?? "";
  return { fileName: `${fileName}${SUFFIX}.${ext}ts`, specifier: `./${base}${SUFFIX}.${ext}js` };
}

/** The helpers module's text for a file whose rewrite has `edits` and imports the helpers from `from`; undefined when it calls none through a namespace. */
export function helpersModuleText(edits: readonly TextEdit[], from: string): string | undefined {
  const found = namespacedHelpers(edits);
  if (!found) return undefined;
  const names = [...new Set(found.names.map((n) => n.name))].sort().join(", ");
  return `import { ${names} } from ${JSON.stringify(from)};\nexport { ${names} };\n`;
}

/**
 * Quick info at a helper's name in `__mg.mul(a, b)` as at `mul(a, b)` with `mul` imported (the
 * build's text): `(alias) __mg.mul(…): Value` + `import __mg.mul = __mg_runtime.mul` becomes
 * `(alias) mul(…): Value` + `import mul`.
 */
export function asImportedHelper(info: TS.QuickInfo, ns: string, local: string): TS.QuickInfo {
  const parts = info.displayParts ?? [];
  const lineBreak = parts.findIndex((p) => p.kind === "lineBreak");
  const head = lineBreak < 0 ? parts : parts.slice(0, lineBreak);
  const out: TS.SymbolDisplayPart[] = [];
  for (let i = 0; i < head.length; i++) {
    // the qualifier in front of the name
    if (head[i]!.text === ns && head[i + 1]?.text === "." && head[i + 2]?.text === local) {
      i++;
      continue;
    }
    out.push(head[i]!);
  }
  if (lineBreak >= 0) {
    out.push(parts[lineBreak]!, { text: "import", kind: "keyword" }, { text: " ", kind: "space" }, { text: local, kind: "aliasName" });
  }
  return { ...info, displayParts: out };
}

/**
 * A diagnostic whose message names a helpers module (`model.ts.micrograd-ts.ts`, in "the file is
 * in the program because: imported via … from file …" chains) names the file it belongs to: the
 * build's import of the helpers is in that file. `owners`: helpers module -> file.
 */
export function withoutHelpersModuleNames<T extends TS.Diagnostic>(d: T, owners: ReadonlyMap<string, string>): T {
  if (owners.size === 0) return d;
  const rename = (text: string): string => {
    if (!text.includes(SUFFIX)) return text;
    for (const [module, owner] of owners) text = text.split(module).join(owner);
    return text;
  };
  const chain = (c: TS.DiagnosticMessageChain): TS.DiagnosticMessageChain => ({ ...c, messageText: rename(c.messageText), next: c.next?.map(chain) });
  const message = (m: string | TS.DiagnosticMessageChain) => (typeof m === "string" ? rename(m) : chain(m));
  const names = (m: string | TS.DiagnosticMessageChain): boolean => (typeof m === "string" ? m.includes(SUFFIX) : m.messageText.includes(SUFFIX) || (m.next ?? []).some(names));
  if (!names(d.messageText) && !(d.relatedInformation ?? []).some((r) => names(r.messageText))) return d;
  return {
    ...d,
    messageText: message(d.messageText),
    relatedInformation: d.relatedInformation?.map((r) => ({ ...r, messageText: message(r.messageText) })),
  };
}
