import { defineConfig } from "vitest/config";
import { fileURLToPath } from "node:url";
import micrograd from "./transformer/unplugin/vite.ts";

export default defineConfig({
  // Tests may be written with operators (a * b + c), as in Python: the Vite plugin rewrites the
  // test files that import "micrograd-ts" (all: false). Not every file, the plugin's default:
  // the library's own sources must stay as written (the engine must not call back into its
  // helpers), and the browser tests hand functions to Chromium as text
  // (page.waitForFunction(() => ...)), where the helpers a rewrite calls do not exist.
  plugins: [micrograd({ all: false })],
  resolve: {
    // Tests run against the TypeScript sources, not dist/.
    alias: [{ find: /^micrograd-ts$/, replacement: fileURLToPath(new URL("./runtime/index.ts", import.meta.url)) }],
  },
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
