// The Node loader's disk cache of compiled files. What it reads back is imported and run, so:
//
// - Where: the project of the compiled file (the nearest folder above it with a node_modules),
//   in node_modules/.cache/micrograd-ts; otherwise, or when that place is not safe, a per-user
//   folder ($XDG_CACHE_HOME or ~/.cache, then micrograd-ts); MICROGRAD_TS_CACHE names one
//   folder for everything (0 turns the cache off). Never a shared temporary folder.
// - Safe: the folder and every folder above it must be owned by this user or root, and no
//   folder may be writable by group or others (above the cache folder, a sticky one like /tmp
//   is allowed: no one can rename what is ours in it). Folders are created 0700, entries 0600
//   (they hold the source, in the inline source map). A folder that fails is not used.
// - Checked: an entry stores a hash of its key and content; one that does not verify (garbage,
//   truncated, empty, copied from another key, not ours) is deleted and compiled again.
// - Keyed: on the compiled file's name and text, the options, this package's transform code
//   and every package in the dependency closure of the toolchain (name, version, location).
// - Never in the way: a folder that cannot be made is one line on stderr and no cache.
//
// POSIX only for the owner and mode checks: Windows has no uid, and there the folders are used
// as they are.

import { createHash, randomBytes } from "node:crypto";
import { chmodSync, constants, existsSync, lstatSync, mkdirSync, readFileSync, realpathSync, type Stats, statSync } from "node:fs";
import { open, rename, unlink, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { basename, dirname, isAbsolute, join, resolve, sep } from "node:path";

const NAME = "micrograd-ts";
/** The first line of every entry, followed by the hash of key and content, in hex. */
const MAGIC = "//micrograd-ts-cache:1:";
const HEADER_LENGTH = MAGIC.length + 64 + 1;
/** Far above any compiled source file; an entry this big is damage, not output. */
const MAX_ENTRY_BYTES = 256 * 1024 * 1024;

export interface CacheSettings {
  /** Where MICROGRAD_TS_CACHE, XDG_CACHE_HOME and HOME (LOCALAPPDATA on Windows) are read. */
  env: Record<string, string | undefined>;
  /** Told once, in one line, when no cache can be used at all. */
  warn: (message: string) => void;
  /** What the key changes with beyond a file and its options: computed on first use. */
  fingerprint: () => string;
}

type Place = { path: string } | { problem: string };

export class CompileCache {
  private readonly settings: CacheSettings;
  private readonly uid = typeof process.getuid === "function" ? process.getuid() : undefined;
  /** Source folder -> cache folder (null: none). */
  private readonly bySourceDir = new Map<string, string | null>();
  /** Candidate cache folder -> its checked real path, or why it cannot be used. */
  private readonly places = new Map<string, Place>();
  private fingerprint: string | undefined;
  private warned = false;

  constructor(settings: CacheSettings) {
    this.settings = settings;
  }

  /** The entry key of one compilation: every input that shapes the output ("" when there is no cache). */
  key(filename: string, source: string, inputs: Record<string, unknown>): string {
    if (this.folderFor(filename) === null) return "";
    this.fingerprint ??= this.settings.fingerprint();
    return createHash("sha256")
      .update(this.fingerprint)
      .update("\0")
      .update(JSON.stringify({ filename, ...inputs }))
      .update("\0")
      .update(source)
      .digest("hex");
  }

  /** The verified output cached for `key`, or null (nothing cached, no cache, or a damaged entry, now deleted). */
  async read(filename: string, key: string): Promise<string | null> {
    const folder = this.folderFor(filename);
    if (folder === null) return null;
    const path = join(folder, `${key}.js`);
    let handle: Awaited<ReturnType<typeof open>>;
    try {
      handle = await open(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
    } catch {
      return null; // not cached yet (or a symbolic link: O_NOFOLLOW refuses it)
    }
    let code: string | null = null;
    try {
      const stats = await handle.stat();
      if (this.trustedEntry(stats)) code = decodeEntry(key, await handle.readFile());
    } catch {
      code = null;
    } finally {
      await handle.close();
    }
    if (code === null) await unlink(path).catch(() => {});
    return code;
  }

  /** Stores `code` for `key`: a private file written aside and renamed into place, so a reader sees all of it or nothing. */
  async write(filename: string, key: string, code: string): Promise<void> {
    const folder = this.folderFor(filename);
    if (folder === null) return;
    const path = join(folder, `${key}.js`);
    const temporary = join(folder, `.${key}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
    try {
      await writeFile(temporary, encodeEntry(key, code), { mode: 0o600, flag: "wx" });
      await rename(temporary, path);
    } catch {
      // a full or read-only disk only costs the next run a compile
      await unlink(temporary).catch(() => {});
    }
  }

  /** The checked cache folder for files of `filename`'s folder, or null for no cache. */
  folderFor(filename: string): string | null {
    const sourceDir = dirname(filename);
    let folder = this.bySourceDir.get(sourceDir);
    if (folder === undefined) {
      folder = this.choose(sourceDir);
      this.bySourceDir.set(sourceDir, folder);
    }
    return folder;
  }

  private choose(sourceDir: string): string | null {
    const setting = this.settings.env.MICROGRAD_TS_CACHE;
    if (setting === "0" || setting === "false" || setting === "off") return null;
    if (setting) {
      const place = this.place(resolve(setting));
      return "path" in place ? place.path : this.noCache(`MICROGRAD_TS_CACHE=${setting}: ${place.problem}`);
    }
    const project = findProject(sourceDir);
    if (project !== null) {
      const place = this.place(join(project, "node_modules", ".cache", NAME), true);
      if ("path" in place) return place.path;
    }
    const user = userCacheRoot(this.settings.env);
    if (user === null) return this.noCache("no per-user cache folder (HOME is not set)");
    const place = this.place(join(user, NAME), true);
    return "path" in place ? place.path : this.noCache(place.problem);
  }

  private noCache(problem: string): null {
    if (!this.warned) {
      this.warned = true;
      this.settings.warn(`micrograd-ts: compiling without a cache: ${problem} (MICROGRAD_TS_CACHE=/private/dir moves the cache, MICROGRAD_TS_CACHE=0 turns it off)`);
    }
    return null;
  }

  /** The checked folder; `ours` (a folder named by this cache, not by the user): made private if it is not. */
  private place(folder: string, ours = false): Place {
    let place = this.places.get(folder);
    if (place === undefined) {
      try {
        place = this.prepare(folder, ours);
      } catch (error) {
        place = { problem: `cannot use ${folder} (${(error as { code?: string }).code ?? String(error)})` };
      }
      this.places.set(folder, place);
    }
    return place;
  }

  /**
   * Checks the folders that exist, creates the missing ones one at a time (0700), and checks
   * the whole chain again. No recursive mkdir: on some paths (/proc/x) Node's never settles.
   */
  private prepare(folder: string, ours: boolean): Place {
    const missing: string[] = [];
    let existing = folder;
    for (;;) {
      try {
        lstatSync(existing);
        break;
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code !== "ENOENT") return { problem: `cannot create ${folder} (${code ?? String(error)})` };
      }
      const up = dirname(existing);
      if (up === existing) return { problem: `cannot create ${folder}: no folder of its path exists` };
      missing.unshift(basename(existing));
      existing = up;
    }
    let real = realpathSync(existing);
    const before = this.unsafe(folder, real, missing.length === 0);
    if (before) return { problem: before };
    for (const name of missing) {
      real = join(real, name);
      try {
        mkdirSync(real, { mode: 0o700 });
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code !== "EEXIST") return { problem: `cannot create ${real} (${code ?? String(error)})` };
      }
    }
    const after = this.unsafe(folder, real, true);
    if (after) return { problem: after };
    // Earlier versions made it 0755, with entries anyone could read.
    if (ours && this.uid !== undefined && (lstatSync(real).mode & 0o077) !== 0) chmodSync(real, 0o700);
    return { path: real };
  }

  /**
   * Why the cache folder `folder` is not safe, checking `real` (the real path of the folder or
   * of the nearest one above it that exists, `isFolder` telling which) and every folder above;
   * "" when it is safe.
   */
  private unsafe(folder: string, real: string, isFolder: boolean): string {
    if (this.uid === undefined) return statSync(real).isDirectory() ? "" : `${real} is not a folder`;
    for (let dir = real, own = isFolder; ; own = false) {
      const stats = lstatSync(dir);
      const where = own ? dir : `${folder} is inside ${dir}, which`;
      if (!stats.isDirectory()) return `${where} is not a folder`;
      if (stats.uid !== this.uid && (own || stats.uid !== 0)) return `${where} is owned by another user (uid ${stats.uid})`;
      if ((stats.mode & 0o022) !== 0 && (own || (stats.mode & 0o1000) === 0)) {
        return `${where} is writable by ${stats.mode & 0o002 ? "other users" : "its group"} (mode ${(stats.mode & 0o7777).toString(8)})`;
      }
      const up = dirname(dir);
      if (up === dir) return "";
      dir = up;
    }
  }

  private trustedEntry(stats: Stats): boolean {
    if (!stats.isFile() || stats.size > MAX_ENTRY_BYTES) return false;
    return this.uid === undefined || (stats.uid === this.uid && (stats.mode & 0o022) === 0);
  }
}

/** An entry: the header line (format, hash of key and code), then the code. */
export function encodeEntry(key: string, code: string): string {
  return `${MAGIC}${entryHash(key, code)}\n${code}`;
}

/** The code of an entry for `key`, or null when the entry does not verify. */
export function decodeEntry(key: string, bytes: Buffer): string | null {
  if (bytes.length <= HEADER_LENGTH) return null;
  const header = bytes.toString("latin1", 0, HEADER_LENGTH);
  if (!header.startsWith(MAGIC) || header[HEADER_LENGTH - 1] !== "\n") return null;
  const code = bytes.toString("utf8", HEADER_LENGTH);
  return header.slice(MAGIC.length, -1) === entryHash(key, code) ? code : null;
}

function entryHash(key: string, code: string): string {
  return createHash("sha256").update(key).update("\0").update(code).digest("hex");
}

/** The nearest folder at or above `dir` that has a node_modules folder, or null. */
function findProject(dir: string): string | null {
  for (let d = dir; ; d = dirname(d)) {
    if (isFolder(join(d, "node_modules"))) return d;
    if (dirname(d) === d) return null;
  }
}

/** $XDG_CACHE_HOME (when absolute, as the spec requires) or ~/.cache; %LOCALAPPDATA% on Windows. */
function userCacheRoot(env: Record<string, string | undefined>): string | null {
  if (process.platform === "win32") return env.LOCALAPPDATA || null;
  const xdg = env.XDG_CACHE_HOME;
  if (xdg && isAbsolute(xdg)) return xdg;
  const home = env.HOME || homedir();
  return home ? join(home, ".cache") : null;
}

// ---- what the output depends on ----------------------------------------------------------------

/**
 * A hash of the toolchain: every package in the dependency closure of `roots` (dependencies,
 * optional and peer dependencies, found from `from` as Node finds them, links resolved as pnpm
 * makes them), each by its location and package.json (so its version), and the content of
 * `files` (this package's own transform code).
 */
export function toolchainFingerprint(from: string, roots: readonly string[], files: readonly string[]): string {
  const hash = createHash("sha256");
  for (const file of files) {
    hash.update(file).update("\0");
    try {
      hash.update(readFileSync(file));
    } catch {
      hash.update("(missing)");
    }
    hash.update("\0");
  }
  const seen = new Set<string>();
  const modules = new Map<string, boolean>();
  const queue: [string, string][] = roots.map((name) => [name, from]);
  while (queue.length > 0) {
    const [name, fromDir] = queue.shift()!;
    const dir = findPackage(name, fromDir, modules);
    if (dir === null) {
      hash.update(`${name} (not installed) from ${fromDir}\0`);
      continue;
    }
    if (seen.has(dir)) continue;
    seen.add(dir);
    const text = readFileSync(join(dir, "package.json"), "utf8");
    hash.update(`${name}\0${dir}\0${text}\0`);
    let manifest: Record<string, Record<string, string> | undefined>;
    try {
      manifest = JSON.parse(text);
    } catch {
      continue; // a broken package.json: its text is in the hash already
    }
    for (const field of ["dependencies", "optionalDependencies", "peerDependencies"]) {
      for (const dep of Object.keys(manifest[field] ?? {})) queue.push([dep, dir]);
    }
  }
  return hash.digest("hex");
}

/**
 * The real folder of package `name` as Node's resolution finds it from `fromDir`, or null.
 * Which folders have a node_modules is remembered in `modules`: most dependencies are found at
 * the top of the tree, after the same few misses. (Plain string paths and existsSync: this
 * runs before every cached run, where path.join and statSync doubled its time.)
 */
function findPackage(name: string, fromDir: string, modules: Map<string, boolean>): string | null {
  for (let d = fromDir; ; d = dirname(d)) {
    if (basename(d) !== "node_modules") {
      const folder = `${d}${sep}node_modules`;
      let exists = modules.get(folder);
      if (exists === undefined) {
        exists = existsSync(folder);
        modules.set(folder, exists);
      }
      const candidate = `${folder}${sep}${name}`;
      if (exists && existsSync(`${candidate}${sep}package.json`)) return realpathSync.native(candidate);
    }
    if (dirname(d) === d) return null;
  }
}

function isFolder(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
}
