// The runtime (drawDot included) bundles for a browser: Vite builds "micrograd-ts" with no Node
// module in it, Graphviz's WebAssembly in a chunk of its own loaded only by toSvg(), and the
// Node-only save module left out of the bundle.
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";
import { build, type Rollup } from "vite";

test("a browser bundle of micrograd-ts has no Node modules and loads Graphviz lazily", async () => {
  const root = fileURLToPath(new URL("..", import.meta.url));
  const result = await build({
    configFile: false,
    logLevel: "silent",
    root,
    build: { write: false, minify: false, lib: { entry: "runtime/index.ts", formats: ["es"], fileName: "micrograd" } },
  });
  const chunks = (Array.isArray(result) ? result : [result as Rollup.RollupOutput])
    .flatMap((r) => r.output)
    .filter((o): o is Rollup.OutputChunk => o.type === "chunk");
  const entry = chunks.find((c) => c.isEntry)!;
  expect(entry).toBeDefined();
  for (const chunk of chunks) {
    expect(chunk.code).not.toMatch(/\bfrom\s*["']node:|\bimport\(\s*["']node:|require\(\s*["']/);
    expect(chunk.code).not.toContain("resvg");
    expect(chunk.moduleIds.some((id) => id.includes("/node/index"))).toBe(false);
  }
  // Graphviz (about 800 kB) is not in the entry: it comes by a dynamic import when toSvg() runs.
  expect(entry.moduleIds.some((id) => id.includes("wasm-graphviz"))).toBe(false);
  expect(entry.dynamicImports.length).toBe(1);
  const graphviz = chunks.find((c) => c.fileName === entry.dynamicImports[0])!;
  expect(graphviz.moduleIds.some((id) => id.includes("@hpcc-js/wasm-graphviz"))).toBe(true);
  expect(entry.code.length).toBeLessThan(200_000);
  expect(entry.code).toContain("drawDot");
}, 120_000);
