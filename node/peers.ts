// The optional peer dependencies: what each is for and the one `npm install` line that adds it.
// Installing micrograd-ts brings only the engine and Graphviz (drawDot's SVG); Babel (the Babel
// plugin, the Node loader, the bundler plugins), unplugin (the bundler plugins), resvg (PNG) and
// vega (the decision-boundary plot) are loaded when a feature needs them, and a missing one is an
// error that names the exact command. The ranges are package.json's peerDependencies (a test
// keeps the two equal).
//
// No import.meta here: this file is also compiled to CommonJS. Callers pass the loading function
// (`() => import("vega")`, or their own require), so that the package is resolved from the caller.

export interface Peer {
  /** The version range of package.json's peerDependencies. */
  range: string;
  /** The spec that the install line gives npm (a major: the newest major may not fit). */
  install: string;
  /** Installed as a devDependency (build tools) or a dependency (used by the program at run time). */
  dev: boolean;
}

export const PEERS = {
  "@babel/core": { range: "^7.0.0-0", install: "@babel/core@7", dev: true },
  "@babel/preset-typescript": { range: "^7.0.0", install: "@babel/preset-typescript@7", dev: true },
  "@babel/helper-module-imports": { range: "^7.0.0", install: "@babel/helper-module-imports@7", dev: true },
  "@babel/plugin-proposal-decorators": { range: "^7.0.0", install: "@babel/plugin-proposal-decorators@7", dev: true },
  "@babel/plugin-transform-explicit-resource-management": { range: "^7.0.0", install: "@babel/plugin-transform-explicit-resource-management@7", dev: true },
  unplugin: { range: "^3.0.0", install: "unplugin@3", dev: true },
  typescript: { range: ">=5.0 <7", install: "typescript@6.0", dev: true },
  "ts-patch": { range: "^3.3.0", install: "ts-patch@3.3", dev: true },
  "@resvg/resvg-js": { range: "^2.6.0", install: "@resvg/resvg-js@2", dev: false },
  vega: { range: "^6.0.0", install: "vega@6", dev: false },
} as const satisfies Record<string, Peer>;

export type PeerName = keyof typeof PEERS;

/** What each feature needs, in the order the install line lists them. */
export const BABEL: readonly PeerName[] = ["@babel/core", "@babel/preset-typescript", "@babel/helper-module-imports"];
export const BUNDLER: readonly PeerName[] = ["unplugin", ...BABEL];

/** `npm install -D unplugin@3 @babel/core@7 ...`: one line, devDependencies first. */
export function installLine(names: readonly PeerName[]): string {
  const dev = names.filter((n) => PEERS[n].dev).map((n) => PEERS[n].install);
  const prod = names.filter((n) => !PEERS[n].dev).map((n) => PEERS[n].install);
  return [prod.length ? `npm install ${prod.join(" ")}` : "", dev.length ? `npm install -D ${dev.join(" ")}` : ""].filter(Boolean).join(" && ");
}

export class MissingPeerError extends Error {
  readonly code = "ERR_MICROGRAD_MISSING_PEER";
  /** The packages the feature needs that could not be loaded. */
  readonly missing: readonly PeerName[];

  constructor(feature: string, missing: readonly PeerName[], cause?: unknown) {
    const list = missing.join(", ");
    super(
      `${feature} needs ${list}, ${missing.length === 1 ? "an optional peer dependency" : "optional peer dependencies"} of micrograd-ts that ${missing.length === 1 ? "is" : "are"} not installed. Install with:\n\n  ${installLine(missing)}\n`,
      { cause },
    );
    this.name = "MissingPeerError";
    this.missing = missing;
  }
}

const NOT_FOUND = new Set(["MODULE_NOT_FOUND", "ERR_MODULE_NOT_FOUND"]);

/** Whether `error` says that `name` itself (not something inside it) cannot be found. */
export function isNotFound(error: unknown, name: string): boolean {
  const e = error as { code?: unknown; message?: unknown };
  if (!e || !NOT_FOUND.has(String(e.code)) || typeof e.message !== "string") return false;
  // Node: "Cannot find module 'x'" (require), "Cannot find package 'x' imported from …" (import)
  return e.message.includes(`'${name}'`) || e.message.includes(`"${name}"`) || e.message.includes(`/${name}/`);
}

/** Awaits `load()`; a missing `name` becomes a MissingPeerError naming `needs` and the install line. */
export async function importPeer<T>(name: PeerName, feature: string, load: () => Promise<T>, needs: readonly PeerName[] = [name]): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (isNotFound(error, name)) throw new MissingPeerError(feature, needs, error);
    throw error;
  }
}

/**
 * Checks synchronously that every package of `needs` resolves from the caller (`resolve` is the
 * caller's require.resolve), so that a missing one is reported when a plugin is created (the
 * config loads), not at the first file.
 */
export function checkPeers(resolve: (name: string) => string, feature: string, needs: readonly PeerName[]): void {
  const missing = needs.filter((name) => {
    try {
      resolve(name);
      return false;
    } catch (error) {
      if (isNotFound(error, name)) return true;
      throw error;
    }
  });
  if (missing.length > 0) throw new MissingPeerError(feature, missing);
}
