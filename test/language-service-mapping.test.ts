// PositionMap (the editor's indexed position mapping) answers as transformer/core/positions.ts
// (the build's, linear) does, on random edit lists, and keeps to its own promises: original
// text maps one to one, generated text is recognised as such.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PositionMap } from "../transformer/core/position-map.ts";
import { applyEdits, normalizeEdits, type TextEdit, toOriginal, toRewritten } from "../transformer/core/positions.ts";

const text = "const e = a * b + c; const L = (d * f) ** 2;\nconst g = -a;\n";

const edits = fc
  .array(
    fc.record({
      start: fc.integer({ min: 0, max: text.length }),
      length: fc.integer({ min: 0, max: 3 }),
      // The rewrite inserts and replaces, never deletes (a deletion has no text to map to).
      text: fc.constantFrom("mul(", "add(", ")", ",", "neg(", "var _a; ", "= add(h,"),
    }),
    { maxLength: 12 },
  )
  .map((list) => {
    // Non-overlapping: keep each edit only if it does not overlap those kept before.
    const kept: TextEdit[] = [];
    for (const e of list) {
      const edit = { start: e.start, end: Math.min(text.length, e.start + e.length), text: e.text };
      if (kept.some((k) => edit.start < k.end && k.start < edit.end) || kept.some((k) => k.start === k.end && k.start === edit.start)) continue;
      kept.push(edit);
    }
    return normalizeEdits(kept);
  });

describe("PositionMap", () => {
  it("maps as positions.ts does, both ways and with both biases", () => {
    fc.assert(
      fc.property(edits, (list) => {
        const map = new PositionMap(list, text);
        const rewritten = applyEdits(text, list);
        for (let pos = 0; pos <= text.length; pos++) {
          expect(map.toRewritten(pos, "left")).toBe(toRewritten(list, pos, "left"));
          expect(map.toRewritten(pos, "right")).toBe(toRewritten(list, pos, "right"));
        }
        for (let pos = 0; pos <= rewritten.length; pos++) {
          expect(map.toOriginal(pos, "start")).toBe(toOriginal(list, pos, "left"));
          expect(map.toOriginal(pos, "end")).toBe(toOriginal(list, pos, "right"));
        }
      }),
      { numRuns: 300 },
    );
  });

  it("maps every original character outside the edits to the same character, and knows generated text", () => {
    fc.assert(
      fc.property(edits, (list) => {
        const map = new PositionMap(list, text);
        const rewritten = applyEdits(text, list);
        const inEdit = (pos: number) => list.some((e) => e.start <= pos && pos < e.end);
        for (let pos = 0; pos < text.length; pos++) {
          if (inEdit(pos)) continue;
          const r = map.toRewritten(pos, "right");
          expect(rewritten[r]).toBe(text[pos]);
          expect(map.isGenerated(r, r + 1)).toBe(false);
          expect(map.toOriginal(r)).toBe(pos);
        }
        let shift = 0;
        for (const e of list) {
          const r = e.start + shift;
          expect(rewritten.slice(r, r + e.text.length)).toBe(e.text);
          expect(map.isGenerated(r, r + e.text.length)).toBe(true);
          expect(map.endsGenerated(r + e.text.length)).toBe(true);
          shift += e.text.length - (e.end - e.start);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("stands on the operand's side of inserted text by default", () => {
    // `a * b` -> `mul(a , b)`
    const src = "x = a * b;";
    const list = [
      { start: 4, end: 4, text: "mul(" },
      { start: 6, end: 7, text: "," },
      { start: 9, end: 9, text: ")" },
    ];
    const map = new PositionMap(list, src);
    const out = applyEdits(src, list);
    expect(out).toBe("x = mul(a , b);");
    expect(out[map.toRewritten(4)]).toBe("a"); // cursor before `a`: after `mul(`
    expect(map.toRewritten(9)).toBe(out.indexOf(")")); // cursor after `b`: before `)`
    expect(map.spanToOriginal({ start: 4, length: out.indexOf(";") - 4 })).toEqual({ start: 4, length: 5 }); // mul(a , b) -> a * b
    expect(map.toRewrittenOuter(4, "start")).toBe(4);
    expect(map.toRewrittenOuter(9, "end")).toBe(out.indexOf(";"));
  });
});
