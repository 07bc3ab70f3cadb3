// Every language feature, asked at an operator, at an operand and at the edges of a rewritten
// expression, through a real tsserver with the plugin, must answer as plain TypeScript answers
// on the equivalent call code (issue 15). The equivalent code is what the build compiles, written
// by hand: `act(add(mul(a, b), c), 1)` for `act(a * b + c, 1)`, the helpers imported, in a
// project without the plugin (same tsserver). Positions correspond token for token: an operand
// to the same operand, an edge of `a * b + c` to the same edge of its operands; an operator to
// the name of the helper it calls for quick info, and for the other features to an operator of
// plain TypeScript (there is nothing to rename, define or highlight at `*`). Features that read
// the text alone (signature help, whose only argument lists are the user's; format; organise
// imports) are compared with plain TypeScript on the text as written.

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Location, locationToPosition, positionToLocation } from "./fixtures/editor/tsserver.ts";
import { compilerOptions, Editor } from "./fixtures/editor/typing.ts";

const ops = `import { Value } from "micrograd-ts";
function act(x: Value, scale: number): Value {
  return x.tanh();
}
export function model(a: Value, b: Value, c: Value) {
  const e = act(a * b + c, 1);
  const f = e.backwrd;
  return e * f.length;
}
`;
const calls = `import { Value, add, mul } from "micrograd-ts";
function act(x: Value, scale: number): Value {
  return x.tanh();
}
export function model(a: Value, b: Value, c: Value) {
  const e = act(add(mul(a, b), c), 1);
  const f = e.backwrd;
  return mul(e, f.length);
}
`;

let editor: Editor;
let plainDir: string;
beforeAll(() => {
  editor = new Editor();
  // A project of its own, without the plugin, in the same tsserver.
  plainDir = join(editor.dir, "plain");
  mkdirSync(plainDir);
  writeFileSync(join(plainDir, "tsconfig.json"), JSON.stringify({ compilerOptions, include: ["*.ts"] }));
  editor.open("ops.ts", ops);
  editor.open("plain/calls.ts", calls);
  editor.open("plain/ops.ts", ops);
});
afterAll(async () => {
  await editor?.close();
});

/** A position by the `nth` occurrence of `needle` (and a delta into it). */
const find = (text: string, needle: string, delta = 0, nth = 0) => {
  let at = -1;
  for (let i = 0; i <= nth; i++) at = text.indexOf(needle, at + 1);
  if (at < 0) throw new Error(`${needle} not found`);
  return at + delta;
};

/** The places asked at, in the operator code and in the call code (for quick info at an operator: the helper's name). */
const roles: { role: string; ops: number; calls: number; callsQuickInfo?: number; operator?: boolean }[] = [
  { role: "operator * (inner)", ops: find(ops, "a * b", 2), calls: find(calls, "mul(a"), callsQuickInfo: find(calls, "mul(a"), operator: true },
  { role: "operator + (outer)", ops: find(ops, "b + c", 2), calls: find(calls, "add(mul"), callsQuickInfo: find(calls, "add(mul"), operator: true },
  { role: "operand b", ops: find(ops, "a * b", 4), calls: find(calls, "mul(a, b)", 7) },
  { role: "operand e of e * f.length", ops: find(ops, "e * f"), calls: find(calls, "mul(e", 4) },
  { role: "start edge of a * b + c", ops: find(ops, "a * b + c"), calls: find(calls, "mul(a", 4) },
  { role: "end edge of a * b + c", ops: find(ops, "+ c", 3), calls: find(calls, "b), c", 5) },
  { role: "end edge of f.length", ops: find(ops, "f.length", 8), calls: find(calls, "f.length", 8) },
];

type Loc = { file: string; start: Location; end: Location };
const texts = () =>
  new Map([
    [editor.path("ops.ts"), ops],
    [editor.path("plain/calls.ts"), calls],
    [editor.path("plain/ops.ts"), ops],
  ]);
/** A span as what it covers: the file (ours or another), the line and the text. */
function spanOf(file: string, start: Location, end: Location): string {
  const text = texts().get(file);
  if (text === undefined) return `${file.split("/").slice(-2).join("/")}:${start.line}`;
  return `self:${start.line}:${JSON.stringify(text.slice(locationToPosition(text, start), locationToPosition(text, end)))}`;
}

const none = (e: Error) => `error: ${e.message.replace(/^\w+: /, "")}`;

/** Each feature's answer, normalized so that answers on the two texts compare. */
const features: Record<string, (file: string, pos: number, text: string) => Promise<unknown>> = {
  quickinfo: async (file, pos, text) => {
    const r = await editor.server.request("quickinfo", { file, ...positionToLocation(text, pos) }).catch(none);
    return typeof r === "string" ? r : { display: r.displayString, doc: r.documentation, kind: r.kind };
  },
  definition: async (file, pos, text) => {
    const r = await editor.server.request<Loc[]>("definition", { file, ...positionToLocation(text, pos) }).catch(none);
    return typeof r === "string" ? r : r.map((d) => spanOf(d.file, d.start, d.end));
  },
  typeDefinition: async (file, pos, text) => {
    const r = await editor.server.request<Loc[]>("typeDefinition", { file, ...positionToLocation(text, pos) }).catch(none);
    return typeof r === "string" ? r : r.map((d) => spanOf(d.file, d.start, d.end));
  },
  references: async (file, pos, text) => {
    const r = await editor.server.request("references", { file, ...positionToLocation(text, pos) }).catch(none);
    // (tsserver names the symbol after the quick info's span: at an operator, the operator.)
    return typeof r === "string" ? r : r.refs.map((x: Loc) => spanOf(x.file, x.start, x.end)).sort();
  },
  rename: async (file, pos, text) => {
    const r = await editor.server.request("rename", { file, ...positionToLocation(text, pos), findInStrings: false, findInComments: false }).catch(none);
    if (typeof r === "string") return r;
    return {
      canRename: r.info.canRename,
      message: r.info.localizedErrorMessage,
      name: r.info.displayName,
      locs: r.locs.flatMap((f: { file: string; locs: { start: Location; end: Location }[] }) => f.locs.map((l) => spanOf(f.file, l.start, l.end))).sort(),
    };
  },
  documentHighlights: async (file, pos, text) => {
    const r = await editor.server.request("documentHighlights", { file, ...positionToLocation(text, pos), filesToSearch: [file] }).catch(none);
    return typeof r === "string"
      ? r
      : r.flatMap((f: { file: string; highlightSpans: { start: Location; end: Location; kind: string }[] }) =>
          f.highlightSpans.map((s) => `${spanOf(f.file, s.start, s.end)} ${s.kind}`),
        );
  },
  refactors: async (file, pos, text) => {
    const r = await editor.server
      .request<{ name: string; actions: { name: string; notApplicableReason?: string }[] }[]>("getApplicableRefactors", {
        file,
        ...positionToLocation(text, pos),
      })
      .catch(none);
    return typeof r === "string" ? r : r.flatMap((x) => x.actions.filter((a) => !a.notApplicableReason).map((a) => `${x.name}/${a.name}`)).sort();
  },
};

describe.each(roles)("at the $role", ({ ops: opsPos, calls: callsPos, callsQuickInfo, operator }) => {
  it.each(Object.keys(features))("%s", async (name) => {
    const ask = features[name]!;
    const ours = await ask(editor.path("ops.ts"), opsPos, ops);
    let plain: unknown;
    if (name === "quickinfo" && callsQuickInfo !== undefined) plain = await ask(editor.path("plain/calls.ts"), callsQuickInfo, calls);
    else if (operator) plain = await ask(editor.path("plain/ops.ts"), opsPos, ops);
    else plain = await ask(editor.path("plain/calls.ts"), callsPos, calls);
    expect(ours).toEqual(plain);
  });

  it("signature help (the user's own argument lists)", async () => {
    const ask = (file: string) =>
      editor.server
        .request("signatureHelp", { file, ...positionToLocation(ops, opsPos) })
        .then((r) => r && { items: r.items.map((i: { prefixDisplayParts: { text: string }[] }) => i.prefixDisplayParts.map((p) => p.text).join("")), arg: r.argumentIndex })
        .catch(none);
    expect(await ask(editor.path("ops.ts"))).toEqual(await ask(editor.path("plain/ops.ts")));
  });
});

describe("features over a whole file", () => {
  it("inlay hints (types of variables and returns) as on the call code", async () => {
    const preferences = { includeInlayVariableTypeHints: true, includeInlayFunctionLikeReturnTypeHints: true, includeInlayParameterNameHints: "none" };
    editor.server.notify("configure", { preferences });
    const hints = async (file: string, text: string) => {
      const r = await editor.server.request<{ text: string; position: Location }[]>("provideInlayHints", {
        file,
        start: 0,
        length: text.length,
      });
      // Where each hint goes: the line and the word before it.
      return r.map((h) => {
        const at = locationToPosition(text, h.position);
        return `${h.position.line}:${/\w+\)?$/.exec(text.slice(0, at))?.[0]}${h.text}`;
      });
    };
    const ours = await hints(editor.path("ops.ts"), ops);
    expect(ours).toContain("6:e: Value");
    expect(ours).toEqual(await hints(editor.path("plain/calls.ts"), calls));
  });

  it("code fixes at a misspelt member of a rewritten value, as on the call code", async () => {
    const fixes = async (file: string, text: string) => {
      const start = positionToLocation(text, find(text, "backwrd"));
      const end = positionToLocation(text, find(text, "backwrd") + 7);
      const r = await editor.server.request("getCodeFixes", {
        file,
        startLine: start.line,
        startOffset: start.offset,
        endLine: end.line,
        endOffset: end.offset,
        errorCodes: [2551],
      });
      return r.map((f: { fixName: string; changes: { fileName: string; textChanges: { start: Location; end: Location; newText: string }[] }[] }) => ({
        fix: f.fixName,
        changes: f.changes.flatMap((c) => c.textChanges.map((t) => `${spanOf(c.fileName, t.start, t.end)} -> ${t.newText}`)),
      }));
    };
    const ours = await fixes(editor.path("ops.ts"), ops);
    expect(ours).toContainEqual({ fix: "spelling", changes: ['self:7:"backwrd" -> backward'] });
    expect(ours).toEqual(await fixes(editor.path("plain/calls.ts"), calls));
  });

  it("the refactors of a selected rewritten expression, as on the call code", async () => {
    const ask = async (file: string, text: string, from: number, to: number) => {
      const start = positionToLocation(text, from);
      const end = positionToLocation(text, to);
      const r = await editor.server.request<{ name: string; actions: { name: string; notApplicableReason?: string }[] }[]>("getApplicableRefactors", {
        file,
        startLine: start.line,
        startOffset: start.offset,
        endLine: end.line,
        endOffset: end.offset,
      });
      return r.flatMap((x) => x.actions.filter((a) => !a.notApplicableReason).map((a) => `${x.name}/${a.name}`)).sort();
    };
    const ours = await ask(editor.path("ops.ts"), ops, find(ops, "a * b + c"), find(ops, "a * b + c") + 9);
    expect(ours.some((r) => r.startsWith("Extract Symbol/"))).toBe(true);
    expect(ours).toEqual(await ask(editor.path("plain/calls.ts"), calls, find(calls, "add(mul"), find(calls, "), 1)") + 1));
  });

  it("format and organise imports, as on the text as written", async () => {
    const format = async (file: string) => {
      const r = await editor.server.request("format", { file, line: 1, offset: 1, endLine: 10, endOffset: 1 });
      return r.map((e: { start: Location; end: Location; newText: string }) => [e.start, e.end, e.newText]);
    };
    expect(await format(editor.path("ops.ts"))).toEqual(await format(editor.path("plain/ops.ts")));
    const organize = async (file: string) => {
      const r = await editor.server.request("organizeImports", { scope: { type: "file", args: { file } } });
      return r.flatMap((c: { textChanges: { start: Location; end: Location; newText: string }[] }) => c.textChanges.map((t) => [t.start, t.end, t.newText]));
    };
    expect(await organize(editor.path("ops.ts"))).toEqual(await organize(editor.path("plain/ops.ts")));
  });
});
