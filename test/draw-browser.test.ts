// The runtime (drawDot included) bundles for a browser: Vite builds "micrograd-ts" with no Node
// module in it, Graphviz's WebAssembly in a chunk of its own loaded only by toSvg(), and the
// Node-only save module left out of the bundle.
import { fileURLToPath } from "node:url";
import vm from "node:vm";
import { build, type Rollup } from "vite";
import { expect, test } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));

test("a browser bundle of micrograd-ts has no Node modules and loads Graphviz lazily", async () => {
  const result = await build({
    configFile: false,
    logLevel: "silent",
    root,
    build: { write: false, minify: false, lib: { entry: "runtime/index.ts", formats: ["es"], fileName: "micrograd" } },
  });
  const chunks = (Array.isArray(result) ? result : [result as Rollup.RollupOutput]).flatMap((r) => r.output).filter((o): o is Rollup.OutputChunk => o.type === "chunk");
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

test("the bundle runs where there is no Node: toSvg() draws, save() says to use toSvg()", async () => {
  // One script (an IIFE bundle has the Graphviz chunk inlined), run in a fresh context that has only what a
  // browser page has of what it needs: no process, require, Buffer or file system.
  const result = await build({
    configFile: false,
    logLevel: "silent",
    root,
    build: {
      write: false,
      minify: false,
      lib: { entry: "runtime/index.ts", formats: ["iife"], name: "micrograd", fileName: "micrograd" },
    },
  });
  const [bundle] = (Array.isArray(result) ? result : [result as Rollup.RollupOutput]).flatMap((r) => r.output) as Rollup.OutputChunk[];
  const page: Record<string, unknown> = { WebAssembly, TextDecoder, TextEncoder, console, crypto: globalThis.crypto, setTimeout, clearTimeout, URL, performance };
  page.globalThis = page.self = page.window = page;
  vm.createContext(page);
  vm.runInContext(bundle!.code, page);
  const [svg, error, hasProcess] = await vm.runInContext(
    `(async () => {
      const { Value, drawDot } = micrograd;
      const a = new Value(2, { label: "a" });
      const L = a.mul(-3); L.label = "L";
      L.backward();
      const svg = await drawDot(L).toSvg();
      let error;
      try { await drawDot(L).save("L.svg"); } catch (e) { error = e.message; }
      return [svg, error, typeof process];
    })()`,
    page,
  );
  expect(hasProcess).toBe("undefined");
  const texts = [...(svg as string).matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
  expect([...texts].sort()).toEqual(["*", "L", "a", "data &#45;3.0000", "data &#45;6.0000", "data 2.0000", "grad &#45;3.0000", "grad 1.0000", "grad 2.0000"].sort());
  expect(error).toMatch(/^drawing\.save\(path\) writes a file and works only in Node\. In a browser use `const svg = await drawDot\(root\)\.toSvg\(\)`/);
}, 120_000);
