// The package as its users get it, shared by every consumer test of a run and across runs:
//
// - packedTarball(): `npm pack` of this package, made once per content. When dist/ was built
//   from the sources as they are (dist/.source-hash), dist/ is packed; otherwise the sources are
//   built in a staging copy first, so that a test never checks a stale dist/ and never rebuilds
//   dist/ under other tests that are running from it.
// - consumerProject(name, tools): a throwaway project whose node_modules holds the unpacked
//   tarball (what `npm install` of it unpacks) next to the named packages of this repository's
//   node_modules (by symbolic link, so nothing is installed or downloaded): its peers (Babel,
//   unplugin, ...) and the tools a test drives (vite, jest, bun, ...). Anything not named is
//   missing, as in a real project.
// - npmInstall(dir, specs): a real `npm install`, its tarballs from npm's cache (what `npm ci` of
//   this repository put there), for the tests that must see npm's own resolution.
//
// Everything lives in a folder of this user's under the system's temp folder, created private
// (0700) and checked before it is trusted.

import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { sourceHash } from "../scripts/source-hash.mjs";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));
const MANIFEST = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  name: string;
  version: string;
  files: string[];
  dependencies: Record<string, string>;
};

/** The version of a package in this repository's node_modules. */
export function installedVersion(pkg: string): string {
  return (JSON.parse(readFileSync(join(ROOT, "node_modules", pkg, "package.json"), "utf8")) as { version: string }).version;
}

/** This user's private folder for the consumer tests (created 0700; refused if anyone else could write to it). */
export function privateRoot(): string {
  const uid = process.getuid?.() ?? 0;
  const root = join(tmpdir(), `micrograd-ts-consumers-${uid}`);
  mkdirSync(root, { recursive: true, mode: 0o700 });
  const st = lstatSync(root);
  if (!st.isDirectory() || st.uid !== uid || (st.mode & 0o077) !== 0) {
    throw new Error(`${root} is not a private folder of this user (owner ${st.uid}, mode ${(st.mode & 0o777).toString(8)}): remove it and run again`);
  }
  return root;
}

/** Runs `fn` holding a lock shared by the test processes of all runs (a folder: mkdir is atomic). */
function withLock<T>(name: string, fn: () => T): T {
  const lock = join(privateRoot(), `${name}.lock`);
  const deadline = Date.now() + 600_000;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, "pid"), String(process.pid));
      break;
    } catch (error) {
      if ((error as { code?: string }).code !== "EEXIST") throw error;
      let holder = NaN;
      try {
        holder = Number(readFileSync(join(lock, "pid"), "utf8"));
      } catch {
        // being created or removed: look again
      }
      if (Number.isInteger(holder) && !alive(holder)) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`waited 10 minutes for ${lock}`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === "EPERM";
  }
}

function run(cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "" }, maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed in ${cwd} (${r.status}):\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

/** The folder to pack: this repository when dist/ is fresh, else a staging copy built from the sources. */
function packageFolder(): string {
  const hash = sourceHash() as string;
  const stamp = join(ROOT, "dist/.source-hash");
  if (existsSync(stamp) && readFileSync(stamp, "utf8").trim() === hash) return ROOT;
  const staging = join(privateRoot(), `staging-${hash.slice(0, 16)}`);
  if (existsSync(join(staging, "dist/.source-hash"))) return staging;
  rmSync(staging, { recursive: true, force: true });
  const building = `${staging}.${process.pid}`;
  for (const entry of [...MANIFEST.files, "package.json", "tsconfig.json", "tsconfig.build.json", "tsconfig.cjs.json", "scripts"]) {
    if (entry !== "dist" && existsSync(join(ROOT, entry))) cpSync(join(ROOT, entry), join(building, entry), { recursive: true });
  }
  symlinkSync(join(ROOT, "node_modules"), join(building, "node_modules"), "dir");
  run(process.execPath, ["scripts/build.mjs"], building);
  rmSync(join(building, "node_modules"));
  renameSync(building, staging);
  pruneOld("staging-", 2);
  return staging;
}

let tarball: string | undefined;

/** `npm pack` of this package as its sources are now: the path of the .tgz (cached by its content). */
export function packedTarball(): string {
  tarball ??= withLock("pack", () => {
    const folder = packageFolder();
    // the files npm would pack, and their content, name the tarball
    const [listing] = JSON.parse(run("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], folder)) as { files: { path: string }[] }[];
    const hash = createHash("sha256");
    for (const { path } of listing!.files.sort((a, b) => a.path.localeCompare(b.path)))
      hash
        .update(path)
        .update("\0")
        .update(readFileSync(join(folder, path)))
        .update("\0");
    const dir = join(privateRoot(), `pack-${hash.digest("hex").slice(0, 16)}`);
    const file = join(dir, `${MANIFEST.name}-${MANIFEST.version}.tgz`);
    if (!existsSync(file)) {
      const tmp = `${dir}.${process.pid}`;
      mkdirSync(tmp, { recursive: true });
      run("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", tmp], folder);
      rmSync(dir, { recursive: true, force: true });
      renameSync(tmp, dir);
    }
    pruneOld("pack-", 4);
    return file;
  });
  return tarball;
}

/** Keeps the `keep` newest entries of the private folder that start with `prefix`. */
function pruneOld(prefix: string, keep: number): void {
  const root = privateRoot();
  const entries = readdirSync(root)
    .filter((e) => e.startsWith(prefix) && !e.includes("."))
    .map((e) => ({ e, t: statSync(join(root, e)).mtimeMs }))
    .sort((a, b) => b.t - a.t);
  for (const { e } of entries.slice(keep)) rmSync(join(root, e), { recursive: true, force: true });
}

/**
 * A fresh project folder, `name-XXXX` under the private folder, with a package.json
 * (`"type": "module"`) and node_modules holding micrograd-ts unpacked from the tarball, its
 * dependencies, and `tools` (with their own dependencies), linked from this repository.
 */
export function consumerProject(name: string, tools: readonly string[]): string {
  const tgz = packedTarball();
  const projects = join(privateRoot(), "projects");
  mkdirSync(projects, { recursive: true });
  const dir = mkdtempSync(join(projects, `${name}-`));
  const modules = join(dir, "node_modules");
  mkdirSync(join(modules, MANIFEST.name), { recursive: true });
  execFileSync("tar", ["-xzf", tgz, "-C", join(modules, MANIFEST.name), "--strip-components=1"]);
  for (const pkg of new Set([...Object.keys(MANIFEST.dependencies), ...tools])) {
    const target = join(ROOT, "node_modules", pkg);
    if (!existsSync(target)) throw new Error(`consumerProject: ${pkg} is not in this repository's node_modules`);
    mkdirSync(dirname(join(modules, pkg)), { recursive: true });
    symlinkSync(target, join(modules, pkg), "dir");
  }
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name, version: "1.0.0", private: true, type: "module" }, null, 2));
  return dir;
}

/**
 * A fresh project folder where `npm install` (from npm's cache) put the packed package and `specs`: npm's
 * own resolution, for the tests that change what they installed (ts-patch install patches
 * typescript) or measure it.
 */
export function installedProject(name: string, specs: readonly string[] = []): string {
  const tgz = packedTarball();
  const projects = join(privateRoot(), "projects");
  mkdirSync(projects, { recursive: true });
  const dir = mkdtempSync(join(projects, `${name}-`));
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name, version: "1.0.0", private: true, type: "module" }, null, 2));
  npmInstall(dir, [tgz, ...specs], ["-E"]);
  return dir;
}

/** Removes the project folders older than a day (a run that was killed leaves its own). */
export function pruneProjects(): void {
  const projects = join(privateRoot(), "projects");
  if (!existsSync(projects)) return;
  for (const e of readdirSync(projects)) {
    const path = join(projects, e);
    if (Date.now() - statSync(path).mtimeMs > 86_400_000) rmSync(path, { recursive: true, force: true });
  }
}

/**
 * `npm install --prefer-offline` in `dir`: the package tarballs come from npm's cache (npm ci of
 * this repository put every one there). npm ci never fetches the registry's metadata of a
 * package (its packument: it reads versions from the lockfile), and a fresh project's
 * `npm install` needs it to resolve a range: on a machine whose cache has it this runs offline;
 * on a fresh one npm fetches the metadata once, and caches it for every later run.
 */
export function npmInstall(dir: string, specs: readonly string[], flags: readonly string[] = []): string {
  return run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", ...flags, ...specs], dir);
}

/** Runs node in `dir` with a clean NODE_OPTIONS; the output (stdout then stderr) and the status. */
export function node(dir: string, args: readonly string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, args, { cwd: dir, encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "", ...env }, timeout: 180_000 });
  return { status: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}
