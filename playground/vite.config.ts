// npm run playground (vite dev server) and npm run build:playground (a static site in
// playground/dist/: relative paths, no server code, index.html at its root).
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const repo = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "./",
  resolve: {
    alias: [
      // The playground runs the package's own sources: the runtime, and the Babel plugin
      // through its public entry (what "micrograd-ts/babel" resolves to).
      { find: /^micrograd-ts$/, replacement: repo("runtime/index.ts") },
      { find: /^micrograd-ts\/babel$/, replacement: repo("transformer/babel/index.ts") },
      // @babel/core resolves paths of config files, which the playground never has (every
      // option is passed in): the browser build of Node's path module serves it.
      { find: /^path$/, replacement: "path-browserify" },
      { find: /^assert$/, replacement: fileURLToPath(new URL("./src/shims/assert.cjs", import.meta.url)) },
    ],
  },
  define: {
    // @babel/core reads BABEL_ENV / NODE_ENV for env-specific config, and @babel/types one flag.
    "process.env.BABEL_ENV": "undefined",
    "process.env.BABEL_TYPES_8_BREAKING": "false",
  },
  worker: { format: "es" },
  // npm run playground: the worker's dependencies are found only when it starts; listed here,
  // they are prebundled up front and the page does not reload on first use.
  optimizeDeps: { include: ["@babel/core", "@babel/preset-typescript", "@babel/helper-module-imports", "@hpcc-js/wasm-graphviz", "@jridgewell/trace-mapping"] },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    // Babel in the worker is about 1 MB: it is the worker's, loaded after the page is up.
    chunkSizeWarningLimit: 2000,
  },
  server: { fs: { allow: [repo("")] } },
});
