import { defineConfig } from "vitest/config";
import { fileURLToPath } from "node:url";
import { micrograd } from "./transformer/vite/index.ts";

export default defineConfig({
  // Tests may be written with operators (a * b + c), as in Python: the Vite plugin rewrites
  // them in every test file that imports "micrograd-ts".
  plugins: [micrograd()],
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
