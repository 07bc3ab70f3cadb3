// micrograd-ts/bun: the operator plugin for Bun, at run time and for Bun.build.
//
//   bun --preload micrograd-ts/bun app.ts           (or preload = ["micrograd-ts/bun"] in bunfig.toml)
//   await Bun.build({ entrypoints: ["app.ts"], outdir: "build", plugins: [micrograd()] });
//
// Loaded inside Bun, this module registers the plugin with Bun.plugin() for the modules Bun
// loads after it: that is what --preload needs. (Bun gives a module no way to know whether it
// is preloaded or imported, so a build script that imports it registers it too, for the modules
// that script loads itself later.)

import type { BunPlugin } from "unplugin";
import { factory, loadUnplugin, type MicrogradPluginOptions } from "../unplugin/index.js";

export type { MicrogradPluginOptions };

const bunPlugin = loadUnplugin("bun").createBunPlugin(factory);

/** The plugin for Bun.build({ plugins: [micrograd()] }) (and Bun.plugin). */
export default function micrograd(options?: MicrogradPluginOptions): BunPlugin {
  const plugin = bunPlugin(options);
  return { ...plugin, setup: (build: Builder) => plugin.setup(build.config ? build : runtimeBuilder(build)) };
}

/** What setup uses of Bun's PluginBuilder (its types come with @types/bun, which need not be installed). */
interface Builder {
  config?: object;
  onLoad: (options: { filter: RegExp; namespace?: string }, callback: (args: LoadArgs) => Promise<LoadResult | undefined>) => unknown;
  onResolve: (...args: never[]) => unknown;
  onStart?: (...args: never[]) => unknown;
  onEnd?: (...args: never[]) => unknown;
  module?: (...args: never[]) => unknown;
}
interface LoadArgs {
  path: string;
  loader: string;
}
interface LoadResult {
  contents: string;
  loader: string;
}

/** Scripts outside node_modules: the files that Bun's run-time loader hands the plugin. */
const PROJECT_SCRIPT = /^(?!.*[\\/]node_modules[\\/]).*\.[cm]?[jt]sx?$/;

/**
 * Bun.plugin() differs from Bun.build in two ways that unplugin's Bun adapter does not expect:
 * its builder has no `config` (oven-sh/bun#13695), and an onLoad callback must return a module
 * (undefined is "Expected module mock to return an object"). The adapter loads every file
 * (filter /.*\/) and returns undefined for those it leaves alone: here it sees only the project's
 * scripts, and a file it leaves alone is handed back as it is.
 */
function runtimeBuilder(build: Builder): Builder {
  return {
    config: {},
    onLoad: (options, callback) =>
      build.onLoad({ ...options, filter: PROJECT_SCRIPT }, async (args) => (await callback(args)) ?? { contents: await readText(args.path), loader: args.loader }),
    onResolve: build.onResolve.bind(build),
    onStart: build.onStart?.bind(build),
    onEnd: build.onEnd?.bind(build),
    module: build.module?.bind(build),
  };
}

declare const Bun: { plugin(plugin: BunPlugin): void; file(path: string): { text(): Promise<string> } } | undefined;

function readText(path: string): Promise<string> {
  return Bun!.file(path).text();
}

if (typeof Bun !== "undefined") Bun.plugin(micrograd());
