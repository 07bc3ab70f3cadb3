// The one meaning of the operators (issue 11): docs/transformer.md states it in one table, true on
// every path; docs/babel-node-vite.md points to it instead of keeping a copy that could drift.
// The table names every operator of the operator table that the transforms read.

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { BINARY, COMPOUND, LOOSE_EQUALITY, UNARY, UNSUPPORTED_BINARY, UNSUPPORTED_UNARY } from "../transformer/operators.ts";
import { ROOT } from "./transformer-ts.helpers.ts";

const HEADER = "| code | an operand is a Value";
const read = (file: string) => readFileSync(join(ROOT, file), "utf8");
const docs = [
  "README.md",
  ...readdirSync(join(ROOT, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
];

/** GitHub's anchor of a heading. */
const slug = (heading: string) =>
  heading
    .toLowerCase()
    .replace(/[^\w\- ]/g, "")
    .replace(/ /g, "-");
const anchors = (text: string) => new Set([...text.matchAll(/^#+ (.+)$/gm)].map((m) => slug(m[1]!)));

describe("one table of what is rewritten, what dispatches, what stays as written", () => {
  test("it is in docs/transformer.md, once, and in no other document", () => {
    const holders = docs.filter((f) => read(f).includes(HEADER));
    expect(holders).toEqual(["docs/transformer.md"]);
    expect(read("docs/transformer.md").split(HEADER).length).toBe(2);
    // the former per-path tables are gone
    for (const f of docs) expect(read(f), f).not.toMatch(/\| code \| when an operand is unknown \|/);
  });

  test("the other documents point to it, and the anchors exist", () => {
    const transformer = read("docs/transformer.md");
    const babel = read("docs/babel-node-vite.md");
    expect(anchors(transformer)).toContain("one-meaning-on-every-path");
    expect(babel).toContain("(transformer.md#one-meaning-on-every-path)");
    expect(transformer).toContain("(babel-node-vite.md#what-is-rewritten-what-dispatches-what-stays-as-written)");
    expect(anchors(babel)).toContain("what-is-rewritten-what-dispatches-what-stays-as-written");
  });

  test("its first column names every operator the transforms know", () => {
    const text = read("docs/transformer.md");
    const table = text.slice(text.indexOf(HEADER)).split("\n\n")[0]!;
    const rows = table.split("\n").slice(2);
    expect(rows.length).toBeGreaterThan(5);
    const firstColumn = rows.map((r) => r.split(/(?<!\\)\|/)[1]!.replace(/\\\|/g, "|")).join(" ");
    const tokens = [BINARY, COMPOUND, UNARY, UNSUPPORTED_BINARY, UNSUPPORTED_UNARY, LOOSE_EQUALITY].flatMap((t) => Object.keys(t));
    for (const token of tokens) {
      // a compound assignment may be named by its family ("and the other compound forms")
      const named =
        firstColumn.includes(token) ||
        (token.endsWith("=") && !["==", "!=", "<=", ">="].includes(token) && firstColumn.includes(token.slice(0, -1)) && /compound/.test(firstColumn));
      expect(named, token).toBe(true);
    }
  });
});
