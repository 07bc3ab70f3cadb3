// The source tree's shape: the modules of node/ and transformer/ import each other without
// cycles (a cycle makes the load order decide what is undefined at import time, and keeps a
// module from being read, or moved, on its own). In runtime/ the engine's four modules (a Value
// handle, its chunks, the fused ops, the graph walks) call each other by design; no other
// module joins their cycles.

import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "..");

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(".ts") && !e.name.endsWith(".d.ts"))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)));
}

/** The relative imports of each module (static and dynamic, type-only ones included), as repository paths. */
function importGraph(files: readonly string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const info = ts.preProcessFile(readFileSync(join(ROOT, file), "utf8"), true, true);
    const deps = info.importedFiles
      .map((f) => f.fileName)
      .filter((s) => s.startsWith("."))
      .map((s) => relative(ROOT, resolve(ROOT, dirname(file), s)).replace(/\.js$/, ".ts"));
    graph.set(file, deps);
  }
  return graph;
}

/** Every cycle's modules, in import order (empty when the graph is acyclic). */
function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, "open");
    stack.push(file);
    for (const dep of graph.get(file) ?? []) {
      if (!graph.has(dep)) continue;
      if (state.get(dep) === "open") found.push([...stack.slice(stack.indexOf(dep)), dep]);
      else if (!state.has(dep)) visit(dep);
    }
    stack.pop();
    state.set(file, "done");
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return found;
}

const ENGINE = new Set(["runtime/engine.ts", "runtime/chunks.ts", "runtime/fused.ts", "runtime/graph.ts"]);

describe("the source tree", () => {
  it("finds a cycle where there is one", () => {
    const graph = new Map([
      ["a.ts", ["b.ts"]],
      ["b.ts", ["c.ts"]],
      ["c.ts", ["a.ts"]],
      ["d.ts", ["a.ts"]],
    ]);
    expect(cycles(graph)).toEqual([["a.ts", "b.ts", "c.ts", "a.ts"]]);
  });

  it("has no import cycles in node/ or transformer/", () => {
    const files = ["runtime", "node", "transformer"].flatMap(sources);
    expect(files).toContain("node/index.ts");
    const outsideEngine = cycles(importGraph(files)).filter((cycle) => cycle.some((f) => !ENGINE.has(f)));
    expect(outsideEngine).toEqual([]);
  });
});
