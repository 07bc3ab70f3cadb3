import { defineConfig } from "vitest/config";
import { fileURLToPath } from "node:url";
import micrograd from "./transformer/unplugin/vite.ts";

export default defineConfig({
  // Tests may be written with operators (a * b + c), as in Python: the Vite plugin rewrites
  // every file it loads, except the library itself (its arithmetic is on numbers, and the
  // engine must not call back into its own helpers), the fixtures the tests read as text, and
  // the test of what code that no transform saw does.
  plugins: [micrograd({ exclude: [/[\\/]node_modules[\\/]/, "runtime/**", "transformer/**", "node/**", "test/fixtures/**", "test/no-transform.test.ts"] })],
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
