// A training loop typed into a real tsserver with the plugin, one keystroke at a time, as an
// editor sends it (brackets and quotes closed automatically, the closing one typed over, Enter
// between braces putting the brace on its own line). After every keystroke the editor's
// diagnostics must name no generated text and the rewrite must settle; wherever the text
// parses they must be tspc's for the same text (issue 15).

import { afterAll, beforeAll, expect, it } from "vitest";
import { Editor, parses, rows, tspcDiagnostics } from "./fixtures/editor/typing.ts";

const target = `import { Value } from "micrograd-ts";

const w = new Value(0.5);
const b = new Value(0.1);
const xs = [1, 2, 3];
const ys = [2, 4, 6];
for (let k = 0; k < 10; k++) {
  let loss = new Value(0);
  for (let i = 0; i < xs.length; i++) {
    const pred = w * xs[i]! + b;
    loss = loss + (pred - ys[i]!) ** 2;
  }
  w.grad = 0;
  b.grad = 0;
  loss.backward();
  w.data -= 0.01 * w.grad;
  b.data -= 0.01 * b.grad;
}
`;

const CLOSERS: Record<string, string> = { "(": ")", "[": "]", "{": "}", '"': '"' };

/** The keystrokes that type `text` with auto-closed brackets: each an insertion at the cursor (or a move over a closer, no edit). */
function keystrokes(text: string): { at: number; insert: string }[] {
  const out: { at: number; insert: string }[] = [];
  let typed = ""; // the text before the cursor
  let suffix = ""; // what the editor inserted after the cursor (closers, line breaks before them)
  for (const c of text) {
    if (suffix.startsWith(c) && ')]}"\n'.includes(c)) {
      // Typed over the closer the editor had inserted.
      typed += c;
      suffix = suffix.slice(1);
      continue;
    }
    let insert = c;
    if (c === "\n" && suffix.startsWith("}") && typed.endsWith("{")) {
      insert = "\n\n"; // Enter between braces: the brace goes to a line of its own
      suffix = "\n" + suffix;
    } else if (CLOSERS[c] !== undefined && !(c === '"' && suffix.startsWith('"'))) {
      insert = c + CLOSERS[c];
      suffix = CLOSERS[c] + suffix;
    }
    out.push({ at: typed.length, insert });
    typed += c;
  }
  if (typed + suffix !== text) throw new Error(`the keystrokes make ${JSON.stringify(typed + suffix)}`);
  return out;
}

let editor: Editor;
beforeAll(() => {
  editor = new Editor();
});
afterAll(async () => {
  await editor?.close();
});

/** Diagnostics that name text the user did not write: the helpers, temporaries, the added import. */
const namesGenerated = (message: string) => /'(add|mul|sub|div|pow|neg|op[A-Z]\w*)(_\d+)?'|'_[a-z]'|\b\w+mul\b|import \{ [a-z]|__mg|\.micrograd-ts\./.test(message);

it("types a training loop keystroke by keystroke: no generated text, tspc's diagnostics wherever it parses", async () => {
  const keys = keystrokes(target);
  expect(keys.length).toBeGreaterThan(300);
  editor.open("train.ts", "");
  let compared = 0;
  let parsing = 0;
  const mismatches: string[] = [];
  let editorMs = 0;
  let buildMs = 0;
  for (const key of keys) {
    editor.edit("train.ts", key.at, key.at, key.insert);
    const text = editor.text("train.ts");
    const logBefore = editor.server.logSize();
    const t0 = performance.now();
    const list = await editor.diagnostics("train.ts");
    editorMs += performance.now() - t0;
    const leaked = list.filter((d) => namesGenerated(d.message));
    if (leaked.length > 0) mismatches.push(`${JSON.stringify(text)}\n  names generated text: ${rows(leaked).join("; ")}`);
    const log = editor.server.logSince(logBefore);
    if (/still changed after|alternates after|left as written/.test(log)) mismatches.push(`${JSON.stringify(text)}\n  the rewrite did not settle`);
    // Where the text parses, what tspc reports for it. A tspc run costs about ten keystrokes, so
    // not at every parsing state: at each that ends a statement or a line, and every fifth of
    // the others (deterministic, spread over the whole text).
    const ends = /[;}\n]/.test(key.insert);
    if (parses(text) && key.insert.trim() !== "" && (ends || parsing++ % 5 === 0)) {
      compared++;
      const t1 = performance.now();
      const build = rows(tspcDiagnostics(editor.dir, new Map([["train.ts", text]]), "train.ts"));
      buildMs += performance.now() - t1;
      const shown = rows(list);
      if (JSON.stringify(build) !== JSON.stringify(shown)) mismatches.push(`${JSON.stringify(text)}\n  editor: ${shown.join("; ")}\n  tspc:   ${build.join("; ")}`);
    }
  }
  console.log(`${keys.length} keystrokes, ${compared} compared; editor ${editorMs.toFixed(0)} ms, tspc ${buildMs.toFixed(0)} ms`);
  expect(mismatches).toEqual([]);
  expect(compared).toBeGreaterThan(40);
  // The finished loop has no error at all.
  expect(await editor.diagnostics("train.ts")).toEqual([]);
}, 600_000);
