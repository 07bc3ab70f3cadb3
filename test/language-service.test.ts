// The editor plugin, driven through a real tsserver (typescript/lib/tsserver.js) over its
// protocol, as VS Code drives it: the plugin is loaded from the tsconfig "plugins" entry.

import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installPlugin, type Location, locate, locationToPosition, positionToLocation, slice, TsServer } from "./fixtures/editor/tsserver.js";

const project = join(dirname(fileURLToPath(import.meta.url)), "fixtures", "editor", "project");
const file = (name: string) => join(project, name);
const source = (name: string) => readFileSync(file(name), "utf8");

interface ProtocolDiagnostic {
  start: Location;
  end: Location;
  text: string;
  code: number;
  category: string;
  source?: string;
}

let server: TsServer;

beforeAll(async () => {
  const probe = installPlugin().dir;
  server = new TsServer({ probe, removeOnClose: [probe] });
  for (const name of ["values.ts", "unsupported.ts", "model.ts", "uses-model.ts"]) {
    server.notify("open", { file: file(name), projectRootPath: project });
  }
});

afterAll(async () => {
  await server?.close();
});

const diagnostics = async (name: string) => {
  const list = await server.request<ProtocolDiagnostic[]>("semanticDiagnosticsSync", { file: file(name) });
  return list.map((d) => ({ code: d.code, line: d.start.line, column: d.start.offset, text: slice(source(name), d.start, d.end), message: d.text }));
};

describe("diagnostics", () => {
  it("loads the plugin from the tsconfig plugins entry", async () => {
    await server.request("semanticDiagnosticsSync", { file: file("values.ts") });
    expect(server.log()).toContain("micrograd-ts: language service plugin enabled");
  });

  it("reports nothing on supported Value arithmetic", async () => {
    expect(await diagnostics("values.ts")).toEqual([]);
    expect(await diagnostics("model.ts")).toEqual([]);
    expect(await diagnostics("uses-model.ts")).toEqual([]);
  });

  it("reports the transformer's diagnostics for unsupported forms, where they are", async () => {
    const percent = "Operator % is not defined on a Value (micrograd has no remainder): use a.data % b for a number.";
    expect(await diagnostics("unsupported.ts")).toEqual([
      { code: 9001, line: 6, column: 15, text: "%", message: percent },
      { code: 9002, line: 7, column: 7, text: "<", message: "Values cannot be compared with <: compare their numbers, a.data < b.data." },
      {
        code: 9004,
        line: 8,
        column: 16,
        text: "+",
        message: "A Value cannot be added to a string: use a template literal (`${a}` prints Value(data=…, grad=…)) or a.data.",
      },
    ]);
  });
});

interface QuickInfo {
  kind: string;
  displayString: string;
  documentation: string;
  start: Location;
  end: Location;
}

const quickInfo = (name: string, needle: string, delta = 0, nth = 0) => server.request<QuickInfo>("quickinfo", { file: file(name), ...locate(source(name), needle, delta, nth) });

describe("quick info", () => {
  it("calls the operand of an operator what it is", async () => {
    const info = await quickInfo("values.ts", "a * b", 0);
    expect(info.displayString).toBe("const a: Value");
    expect(slice(source("values.ts"), info.start, info.end)).toBe("a");
  });

  it("shows the helper the operator of `a * b` calls, over the operator", async () => {
    const info = await quickInfo("values.ts", "a * b", 2);
    expect(info.displayString).toBe("(alias) mul(a: Operand, b: Operand): Value\nimport mul");
    expect(slice(source("values.ts"), info.start, info.end)).toBe("*");
  });

  it("infers Value through const, reduce, functions and other modules", async () => {
    expect((await quickInfo("values.ts", "const e =", 6)).displayString).toBe("const e: Value");
    expect((await quickInfo("values.ts", "const L =", 6)).displayString).toBe("const L: Value");
    expect((await quickInfo("values.ts", "L.backward", 0)).displayString).toBe("const L: Value");
    expect((await quickInfo("values.ts", "const ee", 6)).displayString).toBe("const ee: Value");
    expect((await quickInfo("values.ts", "const g", 6)).displayString).toBe("const g: Value");
    expect((await quickInfo("values.ts", "const sum", 6)).displayString).toBe("const sum: Value");
    expect((await quickInfo("values.ts", "const negated", 6)).displayString).toBe("const negated: Value");
    expect((await quickInfo("values.ts", "let h", 4)).displayString).toBe("let h: Value");
    expect((await quickInfo("uses-model.ts", "const loss", 6)).displayString).toBe("const loss: Value");
    // Number-only arithmetic stays number.
    expect((await quickInfo("values.ts", "const n =", 6)).displayString).toBe("const n: number");
  });

  it("shows members of a rewritten expression", async () => {
    const info = await quickInfo("values.ts", "(a * b).backward", 8);
    expect(info.displayString).toContain("(method) Value.backward(");
  });
});

describe("navigation", () => {
  it("goes to the definition of an identifier inside a rewritten expression", async () => {
    const text = source("values.ts");
    const defs = await server.request<Array<{ file: string; start: Location; end: Location }>>("definition", {
      file: file("values.ts"),
      ...locate(text, "2 * a - b", 4),
    });
    expect(defs).toHaveLength(1);
    expect(defs[0]!.file).toBe(file("values.ts"));
    expect(defs[0]!.start).toEqual(locate(text, "a = new Value", 0));
    expect(slice(text, defs[0]!.start, defs[0]!.end)).toBe("a");
  });

  it("goes to a definition in another module", async () => {
    const defs = await server.request<Array<{ file: string; start: Location; end: Location }>>("definition", {
      file: file("uses-model.ts"),
      ...locate(source("uses-model.ts"), "neuron(["),
    });
    expect(defs.map((d) => [d.file, slice(source("model.ts"), d.start, d.end)])).toEqual([[file("model.ts"), "neuron"]]);
  });

  it("finds references in original coordinates", async () => {
    const text = source("values.ts");
    const body = await server.request<{ refs: Array<{ file: string; start: Location; end: Location; lineText: string }> }>("references", {
      file: file("values.ts"),
      ...locate(text, "const e", 6),
    });
    expect(body.refs.map((r) => [r.start.line, slice(text, r.start, r.end)])).toEqual([
      [6, "e"],
      [7, "e"],
      [8, "e"],
      [17, "e"],
      [17, "e"],
    ]);
    expect(body.refs[4]!.lineText).toBe("const ee = e * e;");
  });

  it("renames an identifier used inside rewritten expressions, with edits on the original text", async () => {
    const text = source("values.ts");
    const body = await server.request<{ info: { canRename: boolean }; locs: Array<{ file: string; locs: Array<{ start: Location; end: Location }> }> }>("rename", {
      file: file("values.ts"),
      ...locate(text, "b / 3"),
      findInStrings: false,
      findInComments: false,
    });
    expect(body.info.canRename).toBe(true);
    expect(body.locs).toHaveLength(1);
    const locs = body.locs[0]!.locs;
    expect(locs.map((l) => slice(text, l.start, l.end))).toEqual(["b", "b", "b", "b", "b", "b"]);
    expect(locs.map((l) => [l.start.line, l.start.offset])).toEqual([
      [4, 7],
      [6, 15],
      [14, 6],
      [16, 19],
      [19, 6],
      [22, 17],
    ]);
  });

  it("renames across modules", async () => {
    const body = await server.request<{ locs: Array<{ file: string; locs: Array<{ start: Location; end: Location }> }> }>("rename", {
      file: file("model.ts"),
      ...locate(source("model.ts"), "weight ="),
      findInStrings: false,
      findInComments: false,
    });
    const found = body.locs.flatMap((f) => f.locs.map((l) => [f.file.split("/").pop(), l.start.line, slice(source(f.file.split("/").pop()!), l.start, l.end)]));
    expect(found.sort()).toEqual([
      ["model.ts", 7, "weight"],
      ["uses-model.ts", 2, "weight"],
      ["uses-model.ts", 4, "weight"],
      ["uses-model.ts", 4, "weight"],
      ["uses-model.ts", 7, "weight"],
    ]);
  });
});

/** Applies protocol edits (line/offset coordinates of `text`) to `text`. */
function applyCodeEdits(text: string, edits: Array<{ start: Location; end: Location; newText: string }>): string {
  const positioned = edits.map((e) => ({ start: locationToPosition(text, e.start), end: locationToPosition(text, e.end), newText: e.newText })).sort((x, y) => y.start - x.start);
  let out = text;
  for (const e of positioned) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}

describe("completions", () => {
  it("lists Value's members after `(a * b).`, typed into the file", async () => {
    const name = "values.ts";
    const text = source(name);
    const end = positionToLocation(text, text.length);
    const typed = "(a * b).";
    server.notify("change", { file: file(name), line: end.line, offset: end.offset, endLine: end.line, endOffset: end.offset, insertString: typed });
    try {
      const body = await server.request<{ entries: Array<{ name: string; kind: string }> }>("completionInfo", {
        file: file(name),
        line: end.line,
        offset: end.offset + typed.length,
        triggerCharacter: ".",
      });
      const names = body.entries.map((e) => e.name);
      expect(names).toEqual(expect.arrayContaining(["backward", "data", "grad", "label", "tanh", "exp", "relu"]));
      expect(names).not.toContain("toFixed");
    } finally {
      server.notify("change", {
        file: file(name),
        line: end.line,
        offset: end.offset,
        endLine: end.line,
        endOffset: end.offset + typed.length,
        insertString: "",
      });
    }
    expect(await diagnostics(name)).toEqual([]);
  });

  it("does not offer the names the rewrite imports", async () => {
    const text = source("format.ts");
    const body = await server.request<{ entries: Array<{ name: string; source?: string; hasAction?: boolean }> }>("completionInfo", {
      file: file("format.ts"),
      ...locate(text, "export { c }", 9),
    });
    const inScope = body.entries.filter((e) => !e.source).map((e) => e.name);
    expect(inScope).toEqual(expect.arrayContaining(["a", "b", "c", "Value", "tanh", "relu"]));
    expect(inScope).not.toContain("add");
    expect(inScope).not.toContain("mul");
  });
});

describe("features that edit text act on the original text", () => {
  it("formats the code as written", async () => {
    const text = source("format.ts");
    const lines = text.split("\n");
    const edits = await server.request<Array<{ start: Location; end: Location; newText: string }>>("format", {
      file: file("format.ts"),
      line: 1,
      offset: 1,
      endLine: lines.length,
      endOffset: lines[lines.length - 1]!.length + 1,
    });
    expect(applyCodeEdits(text, edits)).toBe(text.replace("const   c=a*b   +  relu(a);", "const c = a * b + relu(a);"));
  });

  it("organises imports without the rewrite's import", async () => {
    const text = source("format.ts");
    const changes = await server.request<Array<{ fileName: string; textChanges: Array<{ start: Location; end: Location; newText: string }> }>>("organizeImports", {
      scope: { type: "file", args: { file: file("format.ts") } },
    });
    expect(changes).toHaveLength(1);
    const organised = applyCodeEdits(text, changes[0]!.textChanges);
    expect(organised.split("\n")[0]).toBe('import { Value, relu } from "micrograd-ts";');
    expect(organised.split("\n").slice(1).join("\n")).toBe(text.split("\n").slice(1).join("\n"));
  });

  it("offers the spelling fix that the Value's type calls for, as an edit of the original text", async () => {
    const text = source("format.ts");
    const diags = await diagnostics("format.ts");
    expect(diags.map((d) => [d.code, d.line, d.text])).toEqual([[2551, 6, "backwrd"]]);
    const at = locate(text, "backwrd");
    const fixes = await server.request<Array<{ fixName: string; changes: Array<{ textChanges: Array<{ start: Location; end: Location; newText: string }> }> }>>("getCodeFixes", {
      file: file("format.ts"),
      startLine: at.line,
      startOffset: at.offset,
      endLine: at.line,
      endOffset: at.offset + 7,
      errorCodes: [2551],
    });
    const spelling = fixes.find((f) => f.fixName === "spelling");
    expect(spelling).toBeDefined();
    expect(applyCodeEdits(text, spelling!.changes[0]!.textChanges)).toBe(text.replace("c.backwrd()", "c.backward()"));
  });
});

describe("what the rewrite generates stays out of sight", () => {
  it("gives signature help for the user's calls, not for the generated ones", async () => {
    const text = source("model.ts");
    const inCall = await server.request<{ items: Array<{ prefixDisplayParts: Array<{ text: string }> }> } | undefined>("signatureHelp", {
      file: file("model.ts"),
      ...locate(text, "bias).tanh()"),
    });
    const prefixes = inCall!.items.map((i) => i.prefixDisplayParts.map((p) => p.text).join(""));
    expect(prefixes.length).toBeGreaterThan(0);
    expect(prefixes.every((p) => p.startsWith("reduce"))).toBe(true);
    // Inside `wi * x[i]` the innermost call is the generated mul(...): the help is that of the
    // user's call around it, as plain TypeScript shows on the text as written.
    const inOperand = await server.request<{ items: Array<{ prefixDisplayParts: Array<{ text: string }> }> }>("signatureHelp", { file: file("model.ts"), ...locate(text, "x[i]") });
    expect(inOperand.items.map((i) => i.prefixDisplayParts.map((p) => p.text).join("")).every((p) => p.startsWith("reduce"))).toBe(true);
  });

  it("shows inlay hints for the user's code only", async () => {
    server.notify("configure", {
      preferences: { includeInlayParameterNameHints: "all", includeInlayVariableTypeHints: true, includeInlayFunctionLikeReturnTypeHints: true },
    });
    const text = source("values.ts");
    const lines = text.split("\n");
    const hints = await server.request<Array<{ text: string; position: Location; kind: string }>>("provideInlayHints", {
      file: file("values.ts"),
      start: 0,
      length: text.length,
    });
    const shown = hints.map((h) => `${h.position.line}:${h.text}`);
    expect(shown).toContain("6:: Value"); // const e = a * b
    expect(shown).toContain("17:: Value"); // const ee = e * e
    // No parameter names of the generated calls (mul(a, b) would show "a:" and "b:").
    const parameterHints = hints.filter((h) => h.kind === "Parameter").map((h) => `${h.position.line}:${h.text}:${lines[h.position.line - 1]}`);
    expect(parameterHints.filter((h) => !/new Value|reduce/.test(h))).toEqual([]);
  });
});

describe("edits in one module re-check the modules that import it", () => {
  it("follows a function's return type from Value to number and back", async () => {
    const text = source("model.ts");
    const replace = (from: string, to: string) => {
      const start = locate(text, from);
      const end = locate(text, from, from.length);
      server.notify("change", { file: file("model.ts"), line: start.line, offset: start.offset, endLine: end.line, endOffset: end.offset, insertString: to });
    };
    replace("bias: Value): Value {", "bias: Value): number {");
    replace("bias).tanh();", "bias).tanh().data;");
    try {
      expect(await diagnostics("model.ts")).toEqual([]);
      const after = await diagnostics("uses-model.ts");
      expect(after.map((d) => [d.code, d.line, d.text])).toEqual([[2339, 6, "backward"]]);
      expect((await quickInfo("uses-model.ts", "const loss", 6)).displayString).toBe("const loss: number");
    } finally {
      server.notify("change", { file: file("model.ts"), line: 1, offset: 1, endLine: 9999, endOffset: 1, insertString: text });
    }
    expect(await diagnostics("uses-model.ts")).toEqual([]);
    expect((await quickInfo("uses-model.ts", "const loss", 6)).displayString).toBe("const loss: Value");
  });
});

describe("highlights and semantic colours", () => {
  it("highlights an identifier's uses inside rewritten expressions", async () => {
    const text = source("values.ts");
    const body = await server.request<Array<{ file: string; highlightSpans: Array<{ start: Location; end: Location; kind: string }> }>>("documentHighlights", {
      file: file("values.ts"),
      ...locate(text, "let h", 4),
      filesToSearch: [file("values.ts")],
    });
    const spans = body.flatMap((f) => f.highlightSpans.map((s) => `${s.start.line}:${slice(text, s.start, s.end)}:${s.kind}`));
    expect(spans).toEqual(["18:h:writtenReference", "19:h:writtenReference", "20:h:writtenReference", "29:h:writtenReference"]);
  });

  it("colours the identifiers as written, nothing generated", async () => {
    const text = source("values.ts");
    const body = await server.request<{ spans: number[] }>("encodedSemanticClassifications-full", {
      file: file("values.ts"),
      start: 0,
      length: text.length,
      format: "2020",
    });
    const words: string[] = [];
    for (let i = 0; i < body.spans.length; i += 3) words.push(text.slice(body.spans[i]!, body.spans[i]! + body.spans[i + 1]!));
    const expected = [...text.matchAll(/\b[A-Za-z_$][\w$]*\b/g)].map((m) => m[0]);
    expect(words.length).toBeGreaterThan(60);
    for (const w of words) expect(w).toMatch(/^[A-Za-z_$][\w$]*$/);
    expect(words.filter((w) => !expected.includes(w))).toEqual([]);
    // the rewritten line `const e = mul(a , b);` is coloured as `const e = a * b;`
    const line6 = locate(text, "const e = a * b").line;
    const onLine6: string[] = [];
    for (let i = 0; i < body.spans.length; i += 3) {
      const start = body.spans[i]!;
      if (text.slice(0, start).split("\n").length === line6) onLine6.push(text.slice(start, start + body.spans[i + 1]!));
    }
    expect(onLine6).toEqual(["e", "a", "b"]);
  });
});

describe("without the plugin", () => {
  it("TypeScript reports the false errors this plugin removes", async () => {
    const plain = new TsServer();
    try {
      plain.notify("open", { file: file("values.ts"), projectRootPath: project });
      const list = await plain.request<ProtocolDiagnostic[]>("semanticDiagnosticsSync", { file: file("values.ts") });
      expect(new Set(list.map((d) => d.code))).toEqual(new Set([2362, 2363, 2365, 2339, 2322]));
      expect(list.length).toBeGreaterThan(10);
    } finally {
      await plain.close();
    }
  });
});
