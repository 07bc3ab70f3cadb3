// The editor while the user types (issue 15), through a real tsserver with the plugin: half-typed
// code, changes that travel through modules, requests at operators, refactors and fixes.

import { mkdirSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Location, positionToLocation } from "./fixtures/editor/tsserver.ts";
import { Editor, rows, tspcDiagnostics } from "./fixtures/editor/typing.ts";

let editor: Editor;
beforeAll(() => {
  editor = new Editor();
});
afterAll(async () => {
  await editor?.close();
});

/** Diagnostics that name text the user did not write (the helpers, temporaries). */
const generated = (list: { message: string }[]) => list.filter((d) => /\b(add|mul|sub|div|pow|neg)\b|'_[a-z]'|amul|import \{|__mg|\.micrograd-ts\./.test(d.message));

const at = (text: string, needle: string, delta = 0) => {
  const i = text.indexOf(needle);
  if (i < 0) throw new Error(`${needle} not in text`);
  return i + delta;
};

describe("1. a half-typed import", () => {
  it("keeps the helpers' import out of the unfinished string", async () => {
    const text = [
      'import { Value } from "micrograd-ts";',
      'import { relu } from "micrograd-ts',
      "const a = new Value(2);",
      "const b = new Value(3);",
      "const e = a * b + a;",
      "e.backward();",
      "",
    ].join("\n");
    editor.open("item1.ts", text);
    const list = await editor.diagnostics("item1.ts");
    expect(generated(list)).toEqual([]);
    // Only the unterminated string: no "Cannot find module" naming generated text, no missing helpers.
    expect(list.map((d) => d.code)).toEqual([1002]);
  });
});

describe("2. a type change two modules away", () => {
  it("re-checks the importer of the importer", async () => {
    mkdirSync(editor.path("chain"), { recursive: true });
    const plain = "export function f(): number { return 1; }\n";
    const value = 'import { Value } from "micrograd-ts";\nexport function f(): Value { return new Value(1); }\n';
    editor.open("chain/a.ts", plain);
    // b.ts is not open: only on disk, as most files of a project are.
    writeFileSync(editor.path("chain/b.ts"), 'import { f } from "./a";\nexport const g = () => f();\n');
    editor.texts.set("chain/b.ts", 'import { f } from "./a";\nexport const g = () => f();\n');
    editor.open("chain/c.ts", 'import { g } from "./b";\nconst s = g() * 2;\ns.backward();\n');
    expect((await editor.diagnostics("chain/c.ts")).map((d) => d.code)).toEqual([2339]);
    // Only a.ts changes; c.ts is asked again.
    editor.set("chain/a.ts", value);
    expect(await editor.diagnostics("chain/c.ts")).toEqual([]);
    editor.set("chain/a.ts", plain);
    expect((await editor.diagnostics("chain/c.ts")).map((d) => d.code)).toEqual([2339]);
    editor.set("chain/a.ts", value);
    expect(await editor.diagnostics("chain/c.ts")).toEqual([]);
    expect(
      rows(
        tspcDiagnostics(
          editor.dir,
          new Map([
            ["a.ts", value],
            ["b.ts", editor.text("chain/b.ts")],
            ["c.ts", editor.text("chain/c.ts")],
          ]),
          "c.ts",
        ),
      ),
    ).toEqual([]);
  });
});

const operators = [
  'import { Value } from "micrograd-ts";',
  "const a = new Value(1), b = new Value(2), c = new Value(3), w = new Value(4), d = new Value(5), bias = new Value(6);",
  "const ws = [a, b];",
  "let i = 0;",
  "const e1 = a * b + c;",
  "const e2 = c + a * b;",
  "const e3 = a * b * c;",
  "const e4 = -a * b;",
  "const e5 = w * d - bias ** 2;",
  "ws[i++] += ws[0] * 2;",
  "",
].join("\n");

describe("3. quick info on every operator", () => {
  const cases: [string, string, number, string][] = [
    ["the * of a * b + c", "a * b + c", 2, "mul"],
    ["the + of a * b + c", "a * b + c", 6, "add"],
    ["the * of c + a * b", "c + a * b", 6, "mul"],
    ["the first * of a * b * c", "a * b * c", 2, "mul"],
    ["the - of -a * b", "-a * b", 0, "neg"],
    ["the ** of w * d - bias ** 2", "bias ** 2", 5, "pow"],
    ["the += of ws[i++] += ws[0] * 2", "+= ws[0]", 0, "add"],
  ];
  it.each(cases)("%s", async (_name, needle, delta, helper) => {
    editor.open("operators.ts", operators);
    const pos = at(operators, needle, delta);
    const info = await editor.at("quickinfo", "operators.ts", pos);
    expect(info.displayString).toMatch(new RegExp(`^\\(alias\\) ${helper}\\(`));
    expect(info.displayString).toContain("): Value");
    // Over the operator token.
    const token = /^(\*\*|\+=|[-+*/])/.exec(needle.slice(delta))![0];
    expect([info.start, info.end]).toEqual([positionToLocation(operators, pos), positionToLocation(operators, pos + token.length)]);
  });
});

describe("4. requests at an operator answer as plain TypeScript at an operator", () => {
  it("rename, definition, references and highlights at the * of a * b + c", async () => {
    editor.open("operators.ts", operators);
    const pos = at(operators, "a * b + c", 2);
    const rename = await editor.at("rename", "operators.ts", pos, { findInStrings: false, findInComments: false });
    expect(rename.info.canRename).toBe(false);
    expect(rename.info.localizedErrorMessage).toBe("You cannot rename this element.");
    expect(await editor.at("definition", "operators.ts", pos)).toEqual([]);
    const refs = await editor.at("references", "operators.ts", pos).catch((e: Error) => e.message);
    expect([refs.refs, refs.symbolName]).toEqual([[], "*"]);
    expect(await editor.at("documentHighlights", "operators.ts", pos, { filesToSearch: [editor.path("operators.ts")] })).toEqual([]);
  });
});

describe("5. refactors and fix-all on the rewritten program", () => {
  it("infers a Value return type", async () => {
    const text = 'import { Value } from "micrograd-ts";\nexport function sq(x: Value) { return x * x; }\n';
    editor.open("item5.ts", text);
    const pos = at(text, "sq(", 1);
    const loc = { startLine: 2, startOffset: pos - text.indexOf("\n"), endLine: 2, endOffset: pos - text.indexOf("\n") };
    const refactors = await editor.server.request<Array<{ name: string; actions: Array<{ name: string }> }>>("getApplicableRefactors", {
      file: editor.path("item5.ts"),
      ...loc,
    });
    const infer = refactors.find((r) => r.name === "Infer function return type");
    expect(infer).toBeDefined();
    const edits = await editor.server.request("getEditsForRefactor", {
      file: editor.path("item5.ts"),
      ...loc,
      refactor: infer!.name,
      action: infer!.actions[0]!.name,
    });
    const changes = edits.edits[0].textChanges;
    expect(changes.map((c: { newText: string }) => c.newText)).toEqual([": Value"]);
    expect(changes[0].start).toEqual({ line: 2, offset: "export function sq(x: Value)".length + 1 });
  });

  it("fixes every misspelt member in the file", async () => {
    const text = 'import { Value } from "micrograd-ts";\nconst a = new Value(1), e = new Value(2);\n(a * e).backwrd();\n(a * e).backwrd();\n';
    editor.open("item5b.ts", text);
    await editor.diagnostics("item5b.ts");
    const fix = await editor.server.request("getCombinedCodeFix", {
      scope: { type: "file", args: { file: editor.path("item5b.ts") } },
      fixId: "fixSpelling",
    });
    const changes = fix.changes[0].textChanges as Array<{ start: { line: number; offset: number }; newText: string }>;
    expect(changes.map((c) => [c.start.line, c.start.offset, c.newText])).toEqual([
      [3, 9, "backward"],
      [4, 9, "backward"],
    ]);
  });
});

describe("6. removing the last import", () => {
  it("deletes its line, as plain TypeScript does", async () => {
    const text = 'import { Value } from "micrograd-ts";\nimport { relu } from "micrograd-ts";\nconst a = new Value(1);\nexport const e = a * a;\n';
    editor.open("item6.ts", text);
    const list = await editor.diagnostics("item6.ts");
    expect(list.map((d) => d.code)).toEqual([]);
    const fixes = await editor.server.request<
      Array<{ fixName: string; changes: Array<{ textChanges: Array<{ start: { line: number; offset: number }; end: { line: number; offset: number }; newText: string }> }> }>
    >("getCodeFixes", { file: editor.path("item6.ts"), startLine: 2, startOffset: 10, endLine: 2, endOffset: 14, errorCodes: [6133] });
    const remove = fixes.find((f) => f.fixName === "unusedIdentifier");
    expect(remove).toBeDefined();
    const change = remove!.changes[0]!.textChanges[0]!;
    expect([change.start, change.end, change.newText]).toEqual([{ line: 2, offset: 1 }, { line: 3, offset: 1 }, ""]);
  });
});

describe("7. incomplete code", () => {
  const states = [
    ["a.data -= 0.05 *", 'import { Value } from "micrograd-ts";\nconst a = new Value(1), b = new Value(2);\nfor (const p of [a, b]) {\n  p.data -= 0.05 *\n}\n'],
    ["k+", 'import { Value } from "micrograd-ts";\nconst a = new Value(1);\nlet k = a * 2;\nk+\nk.backward();\n'],
    ["[3, -", 'import { Value } from "micrograd-ts";\nconst a = new Value(1);\nconst xs = [3, -\nconst y = a * a;\n'],
  ];
  it.each(states)("%s does not make the rewrite loop", async (_name, text) => {
    editor.open("item7.ts", text);
    const before = editor.server.logSize();
    const list = await editor.diagnostics("item7.ts");
    expect(generated(list)).toEqual([]);
    const log = editor.server.logSince(before);
    expect(log).not.toMatch(/still changed after|alternates after/);
    const rounds = [...log.matchAll(/file\(s\) rewritten, (\d+) round/g)].map((m) => Number(m[1]));
    expect(Math.max(0, ...rounds)).toBeLessThanOrEqual(2);
  });
});

describe("8. broken parses", () => {
  it("`const g = <` above a rewritten line leaks nothing", async () => {
    const text = 'import { Value } from "micrograd-ts";\nconst a = new Value(1), b = new Value(2);\nconst g = <\nconst e = a * b;\n';
    editor.open("item8.ts", text);
    expect(generated(await editor.diagnostics("item8.ts"))).toEqual([]);
  });

  it("`(b satisfies` keeps inserted text off the next line", async () => {
    const text = 'import { Value } from "micrograd-ts";\nconst a = new Value(1), b = new Value(2);\nconst e = a * (b satisfies\nconst f = a * b;\n';
    editor.open("item8.ts", text);
    const list = await editor.diagnostics("item8.ts");
    expect(list.filter((d) => d.code === 2554)).toEqual([]);
    expect(generated(list)).toEqual([]);
  });

  it("`x * ` with nothing after reports what plain TypeScript reports", async () => {
    const text = 'import { Value } from "micrograd-ts";\nconst x = new Value(1);\nconst y = x * \n';
    editor.open("item8.ts", text);
    const list = await editor.diagnostics("item8.ts");
    expect(list.map((d) => d.code).sort()).toEqual([1109, 2362]);
  });

  it("rewrites outside the broken statement as tspc does", async () => {
    const text = 'import { Value } from "micrograd-ts";\nconst a = new Value(1), b = new Value(2);\nconst e = a * b;\ne.backward();\nconst g = <\n';
    editor.open("item8.ts", text);
    const list = await editor.diagnostics("item8.ts");
    // Only the syntax errors (those of plain TypeScript): e is a Value above it.
    expect(list.filter((d) => d.code >= 2000)).toEqual([]);
    expect(list.map((d) => d.code).sort()).toEqual([1005, 1109, 1110]);
    expect(rows(tspcDiagnostics(editor.dir, new Map([["x.ts", text.replace("const g = <\n", "")]]), "x.ts"))).toEqual([]);
  });
});

describe("9. the checker's form of the rewrite (helpers called through a namespace, a first round over the statement typed in)", () => {
  it("an edit that changes the types of the statements below it re-checks them, not only the statement typed in", async () => {
    const text = 'import { Value } from "micrograd-ts";\nconst a = new Value(1);\nconst b = a * 2;\nconst c = b * 3;\nc.backward();\n';
    editor.open("item9a.ts", text);
    expect(await editor.diagnostics("item9a.ts")).toEqual([]);
    // `new Value(1)` -> `1` in one keystroke (a paste): the statement typed in has no arithmetic,
    // its first round changes nothing; b and c are numbers now.
    const start = at(text, "new Value(1)");
    editor.edit("item9a.ts", start, start + "new Value(1)".length, "1");
    const now = editor.text("item9a.ts");
    const list = await editor.diagnostics("item9a.ts");
    expect(rows(list)).toEqual(rows(tspcDiagnostics(editor.dir, new Map([["item9a.ts", now]]), "item9a.ts")));
    expect(list.map((d) => d.code)).toEqual([2339]);
    const info = await editor.at<{ displayString: string }>("quickinfo", "item9a.ts", at(now, "c.backward"));
    expect(info.displayString).toBe("const c: number");
  });

  it("names the runtime's types as tspc does (Layer<number>, not through the helpers' module)", async () => {
    const text = [
      'import { MLP, Value } from "micrograd-ts";',
      "const m = new MLP(2, [3, 1]);",
      "const l = m.layers[0]!;",
      "const s = new Value(2) * l.neurons.length;",
      "s.backward();",
      "l.foo;",
      "",
    ].join("\n");
    editor.open("item9b.ts", text);
    const list = await editor.diagnostics("item9b.ts");
    expect(rows(list)).toEqual(rows(tspcDiagnostics(editor.dir, new Map([["item9b.ts", text]]), "item9b.ts")));
    expect(list.map((d) => d.message)).toEqual(["Property 'foo' does not exist on type 'Layer<number>'."]);
    const info = await editor.at<{ displayString: string }>("quickinfo", "item9b.ts", at(text, "l.foo"));
    expect(info.displayString).toBe("const l: Layer<number>");
  });

  it("offers no auto-import from the helpers' module, only the runtime's", async () => {
    const text = 'import { Value } from "micrograd-ts";\nconst a = new Value(1);\nconst b = a * 2 - a;\nconst c = ne\n';
    editor.open("item9c.ts", text);
    editor.server.notify("configure", { preferences: { includeCompletionsForModuleExports: true, includeCompletionsWithInsertText: true } });
    await editor.diagnostics("item9c.ts");
    const result = await editor.at<{ entries: { name: string; source?: string }[] }>("completionInfo", "item9c.ts", at(text, "ne\n", 2));
    const sources = result.entries.filter((e) => e.name === "neg" || e.name === "mul" || e.name === "sub").map((e) => `${e.name} ${e.source}`);
    expect(sources).toContain("neg micrograd-ts");
    expect(sources.filter((s) => s.includes(".micrograd-ts."))).toEqual([]);
  });

  it("references to a helper the user imports list the user's code and the runtime, not the helpers' module", async () => {
    const text = 'import { Value, mul } from "micrograd-ts";\nconst a = new Value(1);\nconst b = a * 2 - a;\nconst c = mul(a, b);\nc.backward();\n';
    editor.open("item9d.ts", text);
    expect(await editor.diagnostics("item9d.ts")).toEqual([]);
    const refs = await editor.at<{ refs: { file: string; start: Location }[] }>("references", "item9d.ts", at(text, "mul(a, b)"));
    const files = refs.refs.map((r) => r.file.replace(/.*[\\/]/, ""));
    expect(files.filter((f) => f === "item9d.ts")).toHaveLength(2);
    expect(files.filter((f) => f.includes(".micrograd-ts."))).toEqual([]);
  });
});

describe("operands that are not numbers or Values", () => {
  it("are said as tsc says them of numbers, in the editor as in the build", async () => {
    const text = [
      'import { Value } from "micrograd-ts";',
      "const ws: Value[] = [new Value(1)];",
      "const maybe = ws.find(() => true);",
      "const u: unknown = 1;",
      "export const a = maybe * 2;",
      "export const b = (ws[0] as Value | null) + 1;",
      "export const c = ws[0]! - u;",
      'export const d = ws[0]! / "2";',
      "",
    ].join("\n");
    editor.open("operands.ts", text);
    const list = await editor.diagnostics("operands.ts");
    expect(rows(list)).toEqual(rows(tspcDiagnostics(editor.dir, new Map([["operands.ts", text]]), "operands.ts")));
    expect(list.map((d) => `${d.code} ${d.message}`)).toEqual([
      "18048 'maybe' is possibly 'undefined'.",
      "2531 Object is possibly 'null'.",
      "18046 'u' is of type 'unknown'.",
      "2363 The right-hand side of an arithmetic operation with a Value must be a number or a Value; this one is of type 'string'.",
    ]);
  });
});
