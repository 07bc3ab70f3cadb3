// drawDot: the DOT text and the SVG of the walkthrough graph, escaping, determinism, options.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Resvg } from "@resvg/resvg-js";
import { add, DEFAULT_MAX_LABEL_LENGTH, DEFAULT_MAX_LAYOUT_SIZE, DEFAULT_MAX_NODES, div, drawDot, exp, mul, neg, pow, relu, sub, tanh, Value } from "micrograd-ts";
import { describe, expect, test } from "vitest";
import { walkthrough } from "./draw.helpers.js";
import { UPDATE } from "./update.helpers.ts";

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
// UPDATE=1 rewrites the expected outputs (test/update.helpers.ts).
const update = UPDATE;

/** XML text with its entities decoded. */
function decoded(xml: string): string {
  return xml.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_, ent: string) => {
    if (ent[0] === "#") return String.fromCodePoint(ent[1] === "x" || ent[1] === "X" ? parseInt(ent.slice(2), 16) : Number(ent.slice(1)));
    return { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" }[ent.toLowerCase()]!;
  });
}

/** The text lines Graphviz put in the SVG, entities decoded: what a viewer shows. */
function svgTexts(svg: string): string[] {
  return [...svg.matchAll(/<text\b[^>]*>([^<]*)<\/text>/g)].map((m) => decoded(m[1]!));
}

/** The tooltips in the SVG (what a viewer shows on hover), entities decoded. */
function svgTooltips(svg: string): string[] {
  return [...svg.matchAll(/xlink:title="([^"]*)"/g)].map((m) => decoded(m[1]!));
}

/** resvg parses the SVG with a strict XML parser: it throws on text that is not well-formed. */
function expectWellFormed(svg: string): void {
  expect(() => new Resvg(svg)).not.toThrow();
}

describe("the walkthrough graph", () => {
  test("its DOT text after backward is the expected file, with the reference figures' grads", () => {
    const { L } = walkthrough();
    L.backward();
    const dot = drawDot(L).toDot();
    const file = here("./expected/walkthrough.dot");
    if (update) writeFileSync(file, dot);
    expect(dot).toBe(readFileSync(file, "utf8"));
    for (const [label, data, grad] of [
      ["a", "2.0000", "6.0000"],
      ["b", "-3.0000", "-4.0000"],
      ["c", "10.0000", "-2.0000"],
      ["e", "-6.0000", "-2.0000"],
      ["d", "4.0000", "-2.0000"],
      ["f", "-2.0000", "4.0000"],
      ["L", "-8.0000", "1.0000"],
    ]) {
      expect(dot).toContain(`[label="{ ${label} | data ${data} | grad ${grad} }" shape=record]`);
    }
  });

  test("before backward every grad is 0.0000; one record per Value and one op node per op", () => {
    const { L } = walkthrough();
    const drawing = drawDot(L);
    const dot = drawing.toDot();
    expect(dot.match(/shape=record/g)).toHaveLength(7);
    expect(dot.match(/grad 0\.0000/g)).toHaveLength(7);
    expect(drawing.valueCount).toBe(7);
    expect(drawing.opCount).toBe(3);
    expect(String(drawing)).toBe("Drawing(7 values, 3 ops)");
  });

  test("the SVG shows every label, data and grad string, and the ops", async () => {
    const { L } = walkthrough();
    L.backward();
    const svg = await drawDot(L).toSvg();
    expectWellFormed(svg);
    expect(svg.startsWith("<?xml")).toBe(true);
    const texts = svgTexts(svg).sort();
    expect(texts).toEqual(
      [
        ..."abcdefL",
        ...["2.0000", "-3.0000", "10.0000", "-6.0000", "4.0000", "-2.0000", "-8.0000"].map((x) => `data ${x}`),
        ...["6.0000", "-4.0000", "-2.0000", "-2.0000", "-2.0000", "4.0000", "1.0000"].map((x) => `grad ${x}`),
        "*",
        "+",
        "*",
      ].sort(),
    );
  });

  test("docs/images/walkthrough-backward.svg is the SVG drawDot makes of it after backward", async () => {
    const { L } = walkthrough();
    L.backward();
    const svg = await drawDot(L).toSvg();
    const file = here("../docs/images/walkthrough-backward.svg");
    if (update) writeFileSync(file, svg);
    const committed = readFileSync(file, "utf8");
    expect(committed).toBe(svg);
    const texts = svgTexts(committed);
    for (const s of ["a", "L", "grad 6.0000", "grad -4.0000", "grad 4.0000", "grad 1.0000"]) expect(texts).toContain(s);
  });
});

describe("what the records show", () => {
  test("the label part is left out when a Value has no label", () => {
    const x = new Value(1.5);
    const y = x.mul(2);
    expect(drawDot(y).toDot()).toBe(
      [
        "digraph {",
        "  graph [rankdir=LR nslimit=2 nslimit1=2]",
        '  n0 [label="{ data 1.5000 | grad 0.0000 }" shape=record]',
        '  n1 [label="{ data 2.0000 | grad 0.0000 }" shape=record]',
        '  n2 [label="{ data 3.0000 | grad 0.0000 }" shape=record]',
        '  n2_op [label="*"]',
        "  n2_op -> n2",
        "  n0 -> n2_op",
        "  n1 -> n2_op",
        "}",
        "",
      ].join("\n"),
    );
  });

  test("numbers print as Python's %.4f: rounding, -0, nan, inf, huge", async () => {
    const cases: [number, string][] = [
      [0.00005, "0.0001"], // the double just above 5e-5 rounds up, as in Python
      [2.675, "2.6750"],
      [1 / 3, "0.3333"],
      [-0, "-0.0000"],
      [NaN, "nan"],
      [Infinity, "inf"],
      [-Infinity, "-inf"],
      [1e21, "1000000000000000000000.0000"],
    ];
    for (const [x, text] of cases) {
      const dot = drawDot(new Value(x)).toDot();
      expect(dot).toContain(`{ data ${text} | grad 0.0000 }`);
    }
    const bad = new Value(NaN, { label: "bad" });
    const out = bad.add(new Value(Infinity));
    const texts = svgTexts(await drawDot(out).toSvg());
    expect(texts).toContain("data nan");
    expect(texts).toContain("data inf");
  });

  test("op nodes are named as micrograd names them, and a pow's constant exponent is no node", () => {
    const x1 = new Value(2, { label: "x1" });
    const w1 = new Value(-3, { label: "w1" });
    const b = new Value(6.8813735870195432, { label: "b" });
    const n = add(mul(x1, w1), b);
    const o = tanh(n);
    const ops = (root: Value) =>
      [
        ...drawDot(root)
          .toDot()
          .matchAll(/_op \[label="([^"]*)"\]/g),
      ].map((m) => m[1]);
    expect(ops(o)).toEqual(["*", "+", "tanh"]);
    expect(ops(pow(x1, 2))).toEqual(["**2"]);
    expect(drawDot(pow(x1, 2)).valueCount).toBe(2); // x1 and the result: 2 is in the op's name
    expect(ops(pow(x1, 0.5))).toEqual(["**0.5"]);
    expect(ops(relu(neg(x1)))).toEqual(["neg", "ReLU"]);
    expect(ops(div(exp(x1), sub(x1, 1)))).toEqual(["exp", "-", "/"]);
  });

  test("an operand used twice gets two edges into its op (a + a)", () => {
    const a = new Value(3, { label: "a" });
    const dot = drawDot(a.add(a)).toDot();
    expect(dot.match(/ {2}n0 -> n1_op\n/g)).toHaveLength(2);
  });

  test("a drawing is a snapshot: later changes to data and grad do not show", () => {
    const { L, a } = walkthrough();
    const drawing = drawDot(L);
    const before = drawing.toDot();
    L.backward();
    a.data = 100;
    expect(drawing.toDot()).toBe(before);
    expect(drawDot(L).toDot()).not.toBe(before);
  });

  test("several roots draw one picture with the shared part once", () => {
    const x = new Value(1, { label: "x" });
    const y = x.mul(2);
    const z = x.add(3);
    const drawing = drawDot([y, z]);
    expect(drawing.valueCount).toBe(5); // x, 2, y, 3, z
    expect(drawing.toDot().match(/\{ x \|/g)).toHaveLength(1);
  });
});

describe("escaping labels", () => {
  // Each label must render as written: DOT parses (Graphviz lays it out), the SVG is
  // well-formed XML, and the text lines of the SVG are the label's lines.
  const labels: [string, string, string[]][] = [
    ["{", "open brace", ["{"]],
    ["}", "close brace", ["}"]],
    ["|", "bar", ["|"]],
    ["<", "less than", ["<"]],
    [">", "greater than", [">"]],
    ['"', "double quote", ['"']],
    ["\\", "backslash", ["\\"]],
    ["line1\nline2", "newline", ["line1", "line2"]],
    ["crlf\r\nnext", "CR LF", ["crlf", "next"]],
    ["a & b", "ampersand", ["a & b"]],
    ["&amp;", "an entity, as text", ["&amp;"]],
    ['{a|b}<c>"d"\\e', "all of them at once", ['{a|b}<c>"d"\\e']],
    ["x\\ny", "a backslash-n that is not a newline", ["x\\ny"]],
    ["\\N \\G \\l", "Graphviz's own escapes, as text", ["\\N \\G \\l"]],
    ['"] ; n0 -> n1 [label="', "DOT injection", ['"] ; n0 -> n1 [label="']],
    ["<b>bold</b>", "HTML-like", ["<b>bold</b>"]],
    ["x  y", "a run of spaces", ["x\u00a0\u00a0y"]],
    ["  lead", "leading spaces", ["\u00a0\u00a0lead"]],
    ["tab\there", "a tab (a control character: shown as its symbol)", ["tab\u2409here"]],
    ["bell\x07", "another control character", ["bell\u2407"]],
    ["w\u2081 · α→β 😀", "unicode", ["w\u2081 · α→β 😀"]],
    ["lone \ud800 surrogate", "a lone surrogate", ["lone \ufffd surrogate"]],
  ];

  test.each(labels)("%j (%s)", async (label, _what, lines) => {
    const v = new Value(2, { label }).mul(new Value(3, { label: "k" }));
    v.label = label;
    const drawing = drawDot(v);
    const svg = await drawing.toSvg(); // Graphviz throws on a DOT syntax error
    expectWellFormed(svg);
    const texts = svgTexts(svg);
    // Both records with this label (the operand and the result) show its lines.
    for (const line of lines) expect(texts.filter((t) => t === line)).toHaveLength(2);
    expect(texts.filter((t) => t.startsWith("data "))).toHaveLength(3);
    expect(texts).toContain("data 6.0000");
  });

  test("an escaped label still makes exactly one record field", () => {
    const dot = drawDot(new Value(1, { label: "{a|b}" })).toDot();
    expect(dot).toContain('n0 [label="{ \\{a\\|b\\} | data 1.0000 | grad 0.0000 }" shape=record]');
  });
});

describe("long labels", () => {
  /** The text of the record field that shows `v`'s label, and the node's tooltip, from the DOT. */
  function shownAndTooltip(dot: string): [string, string | undefined] {
    const m = dot.match(/ {2}n0 \[label="\{ (.*) \| data [^"]*" shape=record(?: tooltip="(.*)")?\]\n/);
    expect(m).not.toBeNull();
    return [m![1]!, m![2]];
  }

  test(`a label longer than DEFAULT_MAX_LABEL_LENGTH (${DEFAULT_MAX_LABEL_LENGTH}) shows cut with "…"; the DOT keeps it whole as the tooltip`, async () => {
    expect(DEFAULT_MAX_LABEL_LENGTH).toBe(64);
    const label = "x".repeat(100_000);
    const drawing = drawDot(new Value(2, { label }).mul(3));
    expect(shownAndTooltip(drawing.toDot())).toEqual([`${"x".repeat(63)}…`, label]);
    const svg = await drawing.toSvg();
    expectWellFormed(svg);
    expect(svgTexts(svg)).toContain(`${"x".repeat(63)}…`);
    expect(svgTooltips(svg)).toEqual([label]); // a viewer shows the whole label on hover
    // The box fits the shortened text: the picture is a few hundred points wide, not 1.4 million.
    const width = Number(svg.match(/<svg width="(\d+)pt"/)![1]);
    expect(width).toBeGreaterThan(300);
    expect(width).toBeLessThan(1200);
  });

  test("up to the bound a label is drawn as written, with no tooltip; one character more and it is cut", () => {
    const at = "a".repeat(64);
    expect(shownAndTooltip(drawDot(new Value(1, { label: at })).toDot())).toEqual([at, undefined]);
    expect(shownAndTooltip(drawDot(new Value(1, { label: at + "b" })).toDot())).toEqual([`${"a".repeat(63)}…`, at + "b"]);
  });

  test("the cut falls between user-perceived characters: emoji with modifiers and accents stay whole", () => {
    const family = "👨‍👩‍👧"; // three people joined by zero-width joiners: one character, 8 UTF-16 units
    const label = family.repeat(40) + "é".normalize("NFD").repeat(40);
    const [shown] = shownAndTooltip(drawDot(new Value(1, { label })).toDot());
    expect(shown).toBe(family.repeat(40) + "é".normalize("NFD").repeat(23) + "…");
  });

  test("maxLabelLength sets the bound (Infinity: never cut); line breaks count; special characters are escaped in both places", async () => {
    const v = new Value(1, { label: "abcdefgh" });
    expect(shownAndTooltip(drawDot(v, { maxLabelLength: 5 }).toDot())).toEqual(["abcd…", "abcdefgh"]);
    expect(shownAndTooltip(drawDot(v, { maxLabelLength: 8 }).toDot())).toEqual(["abcdefgh", undefined]);
    expect(shownAndTooltip(drawDot(v, { maxLabelLength: 1 }).toDot())).toEqual(["…", "abcdefgh"]);
    const long = "y".repeat(1000);
    expect(shownAndTooltip(drawDot(new Value(1, { label: long }), { maxLabelLength: Infinity }).toDot())).toEqual([long, undefined]);
    expect(shownAndTooltip(drawDot(new Value(1, { label: "a\nb\nc\nd" }), { maxLabelLength: 4 }).toDot())).toEqual(["a\\nb…", "a\\nb\\nc\\nd"]);
    // DOT syntax, entities and Graphviz's escapes in a cut label: the picture shows its
    // beginning, the tooltip all of it, as text (control characters as their symbols).
    const special = '"] ; n0 -> n1 [label="{|}<>\\ & &amp; \\N \\G \\\\N \\l \\n end\\';
    const drawing = drawDot(new Value(1, { label: `${special}\ttab\nline` }).mul(2), { maxLabelLength: 20 });
    const svg = await drawing.toSvg();
    expectWellFormed(svg);
    expect(svgTexts(svg)).toContain(`${special.slice(0, 19)}…`);
    expect(svgTooltips(svg)).toEqual([`${special}\u2409tab\nline`]);
  });

  test("maxLabelLength must be a whole number of at least 1", () => {
    const { L } = walkthrough();
    for (const bad of [0, -1, 2.5, NaN, "64", null]) {
      expect(() => drawDot(L, { maxLabelLength: bad as never })).toThrow(/drawDot: maxLabelLength must be a whole number of at least 1 \(or Infinity\), got /);
    }
  });
});

describe("determinism", () => {
  test("two traces of the same expression give the same text, byte for byte", async () => {
    const first = drawDot(walkthrough().L);
    // Unrelated Values made in between change nothing: ids are trace positions, not addresses.
    for (let i = 0; i < 1000; i++) new Value(i).mul(i);
    const second = drawDot(walkthrough().L);
    expect(second.toDot()).toBe(first.toDot());
    expect(await second.toSvg()).toBe(await first.toSvg());
  });

  test("drawing the same graph twice gives the same text", () => {
    const { L } = walkthrough();
    expect(drawDot(L).toDot()).toBe(drawDot(L).toDot());
  });
});

describe("options and errors", () => {
  test('rankdir is "LR" by default; "TB" lays the graph out top to bottom', async () => {
    const { L } = walkthrough();
    expect(drawDot(L).toDot()).toContain("  graph [rankdir=LR nslimit=2 nslimit1=2]\n");
    expect(drawDot(L, { rankdir: "LR" }).toDot()).toBe(drawDot(L).toDot());
    const tb = drawDot(L, { rankdir: "TB" });
    expect(tb.toDot()).toContain("  graph [rankdir=TB nslimit=2 nslimit1=2]\n");
    const size = (svg: string) =>
      svg
        .match(/<svg width="(\d+)pt" height="(\d+)pt"/)!
        .slice(1)
        .map(Number);
    const [lrW = NaN, lrH = NaN] = size(await drawDot(L).toSvg());
    const [tbW = NaN, tbH = NaN] = size(await tb.toSvg());
    expect(lrW).toBeGreaterThan(lrH);
    expect(tbH).toBeGreaterThan(lrH);
    expect(tbW).toBeLessThan(lrW);
  });

  test("any other rankdir is a clear error", () => {
    const { L } = walkthrough();
    for (const bad of ["RL", "lr", "BT", "", 1, null]) {
      expect(() => drawDot(L, { rankdir: bad as never })).toThrow(/rankdir must be "LR" \(left to right, the default\) or "TB" \(top to bottom\), got /);
    }
    expect(() => drawDot(L, { rankdir: "RL" as never })).toThrow('got "RL"');
  });

  test("unknown options and bad option objects are errors", () => {
    const { L } = walkthrough();
    expect(() => drawDot(L, { format: "png" } as never)).toThrow(/unknown option "format" \(the file format follows the extension given to save\(path\)\)/);
    expect(() => drawDot(L, { rankDir: "TB" } as never)).toThrow(/unknown option "rankDir"; the options are rankdir/);
    expect(() => drawDot(L, "TB" as never)).toThrow(/options must be an object like \{ rankdir: "TB" \}, got "TB"/);
  });

  test("a root that is not a Value is a clear error", () => {
    expect(() => drawDot(2 as never)).toThrow(/root must be a Value .*, got number 2/);
    expect(() => drawDot(undefined as never)).toThrow(/got undefined/);
    expect(() => drawDot([] as never)).toThrow(/got an empty array/);
    expect(() => drawDot([new Value(1), 3] as never)).toThrow(/element 1 is number 3/);
  });

  test("a graph larger than maxNodes is refused, naming its size and the option", () => {
    let x = new Value(0, { label: "x" });
    for (let i = 0; i < DEFAULT_MAX_NODES; i++) x = x.add(1); // 1 + 2 * 2000 values
    expect(DEFAULT_MAX_NODES).toBe(2000);
    expect(() => drawDot(x)).toThrow(
      "drawDot: the graph has 4,001 values, more than maxNodes = 2,000. Graphviz would take minutes (it cannot be interrupted) " +
        "and the picture would be unreadable. Draw a smaller expression (e.g. one neuron or one data point's loss), " +
        "or raise the limit: drawDot(root, { maxNodes: 4001 }).",
    );
    const { L } = walkthrough();
    expect(() => drawDot(L, { maxNodes: 6 })).toThrow(/the graph has 7 values, more than maxNodes = 6\./);
    expect(drawDot(L, { maxNodes: 7 }).valueCount).toBe(7);
    expect(drawDot(L, { maxNodes: Infinity }).valueCount).toBe(7);
  });

  test("the moons demo's step-sized graph (~66,000 nodes) fails fast instead of hanging Graphviz", () => {
    // A loss over 100 points of a 337-parameter net: the size of one training step.
    const params = Array.from({ length: 337 }, (_, i) => new Value(i / 337));
    let loss = new Value(0);
    for (let p = 0; p < 100; p++) {
      const xp = new Value(p);
      let s = new Value(0);
      for (let k = 0; k < 330; k++) s = s.add(params[k]!.mul(xp));
      loss = loss.add(s.relu());
    }
    const t = performance.now();
    expect(() => drawDot(loss)).toThrow(/the graph has 66,\d{3} values, more than maxNodes = 2,000\. .*maxNodes: 66\d{3}/);
    expect(performance.now() - t).toBeLessThan(5000); // generous: it is one traversal
  });

  test("with maxNodes: Infinity a big graph still gives its DOT text (one line per node and edge)", () => {
    // x + x, 70,000 times: 140,000 edges (more than a function call can take as arguments).
    let x = new Value(1);
    for (let i = 0; i < 70_000; i++) x = x.add(x);
    const drawing = drawDot(x, { maxNodes: Infinity, maxLayoutSize: Infinity });
    expect([drawing.valueCount, drawing.opCount]).toEqual([70_001, 70_000]);
    const lines = drawing.toDot().split("\n");
    expect(lines).toHaveLength(2 + 70_001 + 2 * 70_000 + 140_000 + 2);
    expect(lines.slice(-4)).toEqual(["  n69999 -> n70000_op", "  n69999 -> n70000_op", "}", ""]);
    expect(lines.at(-5)).toBe("  n69998 -> n69999_op");
    expect(lines[2 + 70_001 + 2 * 70_000 - 3]).toBe('  n70000 [label="{ data inf | grad 0.0000 }" shape=record]');
  });

  /** x * 0 + x * 1 + ... + x * (n-1): one input used by every term of a long sum. */
  function sharedInputSum(n: number): Value {
    const x = new Value(1, { label: "x" });
    let s = new Value(0);
    for (let i = 0; i < n; i++) s = s.add(x.mul(i));
    return s;
  }

  test(`a graph of few values but many long edges is refused before layout (maxLayoutSize, default ${DEFAULT_MAX_LAYOUT_SIZE.toLocaleString("en-US")})`, () => {
    // 902 values, well under maxNodes, but each use of x reaches further along the sum: unbounded,
    // Graphviz took minutes on it.
    expect(DEFAULT_MAX_LAYOUT_SIZE).toBe(20_000);
    const s = sharedInputSum(300);
    expect(() => drawDot(s)).toThrow(
      "drawDot: Graphviz would have to place about 91,202 nodes (902 values, 600 ops and 89,700 bends of edges that skip columns: " +
        "values used far from where they were made), more than maxLayoutSize = 20,000. Graphviz's time grows faster than that count, " +
        "it cannot be interrupted, and the picture would be unreadable. Draw a smaller expression, or raise the limit: drawDot(root, { maxLayoutSize: 91202 }).",
    );
    expect(drawDot(s, { maxLayoutSize: 91_202 }).valueCount).toBe(902);
  });

  test("the layout size counts values, ops and one bend per column an edge skips", () => {
    const size = (root: Value) =>
      Number(
        /about ([\d,]+) nodes/
          .exec(
            (() => {
              try {
                drawDot(root, { maxLayoutSize: 1 });
              } catch (e) {
                return (e as Error).message;
              }
              return "";
            })(),
          )![1]!
          .replaceAll(",", ""),
      );
    expect(size(walkthrough().L)).toBe(10); // 7 values, 3 ops, every edge to the next column
    // 0 + x * 0 + x * 1: 8 values, 4 ops. Leaves sit just before their first use; x * 1 is made
    // in column 2 (as early as it can be) and used in the op of column 5: 2 bends.
    expect(size(sharedInputSum(2))).toBe(8 + 4 + 2);
    // Each further term adds two columns to every later term's edge.
    expect(size(sharedInputSum(80))).toBe(242 + 160 + 6320);
    expect(drawDot(sharedInputSum(80)).valueCount).toBe(242); // under the default: drawn
  });

  test("the DOT bounds Graphviz's network-simplex passes (nslimit), so such a graph lays out", async () => {
    const drawing = drawDot(sharedInputSum(80));
    expect(drawing.toDot()).toContain("  graph [rankdir=LR nslimit=2 nslimit1=2]\n");
    const svg = await drawing.toSvg();
    expectWellFormed(svg);
    expect(svgTexts(svg).filter((t) => t.startsWith("data "))).toHaveLength(242);
  });

  test("maxLayoutSize must be a whole number of at least 1", () => {
    const { L } = walkthrough();
    for (const bad of [0, -1, 0.5, NaN, "20000", null]) {
      expect(() => drawDot(L, { maxLayoutSize: bad as never })).toThrow(/drawDot: maxLayoutSize must be a whole number of at least 1 \(or Infinity\), got /);
    }
  });

  test("maxNodes must be a whole number of at least 1", () => {
    const { L } = walkthrough();
    for (const bad of [0, -5, 1.5, NaN, "10", null]) {
      expect(() => drawDot(L, { maxNodes: bad as never })).toThrow(/maxNodes must be a whole number of at least 1 \(or Infinity\), got /);
    }
  });
});
