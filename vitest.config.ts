import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import micrograd from "./transformer/unplugin/vite.ts";

// Two tiers (CONTRIBUTING.md has their times):
// - unit: the engine, nn, random numbers, drawing and the transforms in-process, seconds in all
//   (npm run test:unit, the inner loop);
// - integration: what builds, packs, installs, bundles, spawns Node, Deno, Bun, tsserver or
//   Chromium, and the large generated suites.
// npm test runs both (the type check, tspc, is test/typecheck.test.ts of the integration tier).
// A new test file is a unit test unless it is listed here.
const INTEGRATION = [
  "test/bench-smoke.test.ts",
  "test/consumer-*.test.ts",
  "test/differential.test.ts",
  "test/docs-commands.test.ts",
  "test/draw-browser.test.ts",
  "test/draw-package.test.ts",
  "test/examples.test.ts",
  "test/language-service*.test.ts",
  "test/loader-cache.test.ts",
  "test/playground.test.ts",
  "test/real-code-tspc.test.ts",
  "test/register.test.ts",
  "test/transformer-babel-equivalence.test.ts",
  "test/transformer-babel-modules.test.ts",
  "test/transformer-ts.test.ts",
  "test/transformer-ts-equivalence.test.ts",
  "test/transformer-ts-fixpoint.test.ts",
  "test/transformer-ts-rewrite.test.ts",
  "test/transformer-ts-typed-meaning.test.ts",
  "test/typecheck.test.ts",
];

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
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Vitest's default here would be one file at a time (cores - 1 on two cores), yet most
    // integration files spend their time waiting on the processes they start (npm, tspc,
    // bundlers, Node, Chromium): three files at a time keep both cores busy.
    maxWorkers: Math.max(3, availableParallelism()),
    projects: [
      { extends: true, test: { name: "unit", include: ["test/**/*.test.ts"], exclude: INTEGRATION } },
      {
        extends: true,
        test: {
          name: "integration",
          include: INTEGRATION,
          // The package packed (and dist/ built, when stale) once, before the files that use it start.
          globalSetup: ["test/integration.setup.ts"],
        },
      },
    ],
  },
});
