// The Node loader's disk cache (transformer/loader/cache.ts), as an attacker and a careless user
// would try it: where it goes (the compiled file's project, else a private per-user folder,
// never the shared temp folder), folders of other users or writable by others refused, damaged
// entries recompiled, a key that changes with every package of the toolchain, and a folder that
// cannot be made. Each run is a child process on the built loader, in a private TMPDIR and HOME.
//
// The tests that need a folder owned by another user chown it to uid 65534 (nobody), which
// only root can do: they run as root (as here and in CI) and are skipped, saying so, otherwise.

import { spawnSync } from "node:child_process";
import { chmodSync, chownSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { beforeAll, beforeEach, describe, expect, test } from "vitest";
import { decodeEntry, encodeEntry, toolchainFingerprint } from "../transformer/loader/cache.ts";
import { ensureBuilt, ROOT } from "./transformer-babel.helpers.ts";

const REGISTER = join(ROOT, "dist/transformer/loader/register.js");
const IS_ROOT = process.getuid?.() === 0;
const NOBODY = 65534;
/** A test that needs root, titled so that a skipped run says why. */
const asRoot = (title: string, fn: () => void) => (IS_ROOT ? test(title, fn) : test.skip(`${title} (skipped: needs root to chown a folder to another user)`, fn));

const PROGRAM = "const n: number = 4;\nconsole.log(n * n);\nconsole.log(`second ${n}`);\n";
const OUTPUT = "16\nsecond 4\n";

let tmp: string; // the private TMPDIR of one test
beforeAll(ensureBuilt, 300_000);
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), "mg-loader-cache-"));
  return () => rmSync(tmp, { recursive: true, force: true });
});

/** Runs `file` under the loader with TMPDIR and HOME in the test's private folder. */
function run(file: string, env: Record<string, string> = {}, cwd = dirname(file), register = REGISTER) {
  const base: Record<string, string | undefined> = { ...process.env, NODE_OPTIONS: "", TMPDIR: tmp, HOME: join(tmp, "home"), ...env };
  if (!("XDG_CACHE_HOME" in env)) delete base.XDG_CACHE_HOME;
  if (!("MICROGRAD_TS_CACHE" in env)) delete base.MICROGRAD_TS_CACHE;
  // The timeout only keeps a hang (the old recursive mkdir) from stalling the suite.
  return spawnSync(process.execPath, ["--import", register, file], { cwd, env: base, encoding: "utf8", timeout: 60_000 });
}

function write(path: string, text: string): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  return path;
}

/** The entries of a cache folder (files named <key>.js). */
function entries(folder: string): string[] {
  return readdirSync(folder)
    .filter((f) => f.endsWith(".js"))
    .map((f) => join(folder, f));
}

const mode = (path: string) => statSync(path).mode & 0o777;
const keyOf = (entry: string) => basename(entry, ".js");

/** A program that prints `text` and proves it is what ran (the attacker's code, or a marked copy). */
const planted = (text: string) => `console.log(${JSON.stringify(text)});\n`;

/** One compiled, cached program: its file, cache folder and entry. */
function cached() {
  const folder = join(tmp, "cache");
  mkdirSync(folder, { mode: 0o700 });
  const file = write(join(tmp, "loose", "prog.ts"), PROGRAM);
  const env = { MICROGRAD_TS_CACHE: folder };
  expect(run(file, env).stdout).toBe(OUTPUT);
  const [entry] = entries(folder);
  return { file, env, folder, entry: entry!, code: decodeEntry(keyOf(entry!), readFileSync(entry!))! };
}

describe("where the cache lives", () => {
  test("a file in a project caches in the project's node_modules/.cache/micrograd-ts, from any cwd, private", () => {
    const project = join(tmp, "proj");
    mkdirSync(join(project, "node_modules"), { recursive: true });
    write(join(project, "package.json"), "{}");
    const file = write(join(project, "src", "deep", "prog.ts"), PROGRAM);
    // cwd is a sub-folder with no node_modules: the cache once moved to the shared temp folder here
    const r = run(file, {}, join(project, "src"));
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(OUTPUT);
    const folder = join(project, "node_modules", ".cache", "micrograd-ts");
    expect(entries(folder)).toHaveLength(1);
    expect(mode(folder)).toBe(0o700);
    expect(mode(entries(folder)[0]!)).toBe(0o600);
    expect(readdirSync(tmp).sort()).toEqual(["proj"]); // nothing in TMPDIR, no per-user cache
  });

  test("a cache folder an earlier version left readable (0755) is made private; a MICROGRAD_TS_CACHE folder is left as it is", () => {
    const project = join(tmp, "proj");
    const folder = join(project, "node_modules", ".cache", "micrograd-ts");
    const old = write(join(folder, "ab", "cdef.js"), "// an entry of the old layout, with the source inside\n");
    chmodSync(folder, 0o755);
    chmodSync(old, 0o644);
    const file = write(join(project, "prog.ts"), PROGRAM);
    expect(run(file).stdout).toBe(OUTPUT);
    expect(mode(folder)).toBe(0o700);
    expect(entries(folder)).toHaveLength(1);
    const mine = join(tmp, "mine");
    mkdirSync(mine, { mode: 0o755 });
    chmodSync(mine, 0o755);
    expect(run(file, { MICROGRAD_TS_CACHE: mine }).stdout).toBe(OUTPUT);
    expect(mode(mine)).toBe(0o755);
    expect(mode(entries(mine)[0]!)).toBe(0o600);
  });

  test("a file in no project caches in ~/.cache/micrograd-ts, created 0700; never in the temp folder", () => {
    const file = write(join(tmp, "loose", "prog.ts"), PROGRAM);
    const r = run(file);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(OUTPUT);
    const folder = join(tmp, "home", ".cache", "micrograd-ts");
    expect(entries(folder)).toHaveLength(1);
    expect(mode(join(tmp, "home", ".cache"))).toBe(0o700);
    expect(mode(folder)).toBe(0o700);
    expect(mode(entries(folder)[0]!)).toBe(0o600);
    expect(readdirSync(tmp).sort()).toEqual(["home", "loose"]);
    // The second run reads it (an entry marked with a valid hash is what runs).
    writeFileSync(entries(folder)[0]!, encodeEntry(keyOf(entries(folder)[0]!), planted("from cache")));
    expect(run(file).stdout).toBe("from cache\n");
    // A changed source is another key: compiled again.
    writeFileSync(file, PROGRAM.replace("= 4", "= 5"));
    expect(run(file).stdout).toBe("25\nsecond 5\n");
    expect(entries(folder)).toHaveLength(2);
  });

  test("XDG_CACHE_HOME, when absolute, is the per-user cache root", () => {
    const file = write(join(tmp, "loose", "prog.ts"), PROGRAM);
    const xdg = join(tmp, "xdg");
    expect(run(file, { XDG_CACHE_HOME: xdg }).stdout).toBe(OUTPUT);
    expect(entries(join(xdg, "micrograd-ts"))).toHaveLength(1);
    expect(readdirSync(tmp).sort()).toEqual(["loose", "xdg"]);
  });

  test("MICROGRAD_TS_CACHE=0 turns the cache off: nothing is written anywhere", () => {
    const file = write(join(tmp, "loose", "prog.ts"), PROGRAM);
    const r = run(file, { MICROGRAD_TS_CACHE: "0" });
    expect([r.stdout, r.stderr]).toEqual([OUTPUT, ""]);
    expect(readdirSync(tmp)).toEqual(["loose"]);
  });
});

describe("folders other users could write are refused", () => {
  const warning = (folder: string, why: string) =>
    `micrograd-ts: compiling without a cache: MICROGRAD_TS_CACHE=${folder}: ${why} (MICROGRAD_TS_CACHE=/private/dir moves the cache, MICROGRAD_TS_CACHE=0 turns it off)\n`;

  test.each([
    ["777", "other users"],
    ["770", "its group"],
  ])("a cache folder of mode %s (writable by %s): one warning, no cache, nothing written", (octal, who) => {
    const folderMode = parseInt(octal, 8);
    const file = write(join(tmp, "loose", "prog.ts"), PROGRAM);
    const folder = join(tmp, "open");
    mkdirSync(folder);
    chmodSync(folder, folderMode);
    const r = run(file, { MICROGRAD_TS_CACHE: folder });
    expect(r.stdout).toBe(OUTPUT);
    expect(r.stderr).toBe(warning(folder, `${folder} is writable by ${who} (mode ${folderMode.toString(8)})`));
    expect(readdirSync(folder)).toEqual([]);
  });

  test("a folder above it writable by others (not sticky) is refused; a sticky one (like /tmp) is not", () => {
    const file = write(join(tmp, "loose", "prog.ts"), PROGRAM);
    for (const [parentMode, refused] of [
      [0o777, true],
      [0o1777, false],
    ] as const) {
      const parent = join(tmp, `parent-${parentMode.toString(8)}`);
      mkdirSync(join(parent, "cache"), { recursive: true, mode: 0o700 });
      chmodSync(parent, parentMode);
      const folder = join(parent, "cache");
      const r = run(file, { MICROGRAD_TS_CACHE: folder });
      expect(r.stdout).toBe(OUTPUT);
      expect(r.stderr).toBe(refused ? warning(folder, `${folder} is inside ${parent}, which is writable by other users (mode 777)`) : "");
      expect(entries(folder)).toHaveLength(refused ? 0 : 1);
    }
  });

  asRoot("a cache folder owned by another user is refused: their entries never run", () => {
    const { file, env, folder, entry } = cached();
    // The other user replaces the entry with their own program, hash and all, and owns everything.
    writeFileSync(entry, encodeEntry(keyOf(entry), planted("their code ran")));
    chownSync(folder, NOBODY, NOBODY);
    chownSync(entry, NOBODY, NOBODY);
    const r = run(file, env);
    expect(r.stdout).toBe(OUTPUT);
    expect(r.stderr).toBe(warning(folder, `${folder} is owned by another user (uid ${NOBODY})`));
  });

  asRoot("an entry owned by another user, in our own folder, is not run", () => {
    const { file, env, entry } = cached();
    writeFileSync(entry, encodeEntry(keyOf(entry), planted("their code ran")));
    chownSync(entry, NOBODY, NOBODY);
    const r = run(file, env);
    expect([r.stdout, r.stderr]).toEqual([OUTPUT, ""]);
    expect(statSync(entry).uid).toBe(0); // replaced by our own compile
  });

  asRoot("a project whose cache folder another user owns: the per-user cache, quietly", () => {
    const project = join(tmp, "proj");
    const theirs = join(project, "node_modules", ".cache", "micrograd-ts");
    mkdirSync(theirs, { recursive: true, mode: 0o777 });
    chmodSync(theirs, 0o777);
    chownSync(theirs, NOBODY, NOBODY);
    const file = write(join(project, "prog.ts"), PROGRAM);
    const r = run(file);
    expect([r.stdout, r.stderr]).toEqual([OUTPUT, ""]);
    expect(readdirSync(theirs)).toEqual([]);
    expect(entries(join(tmp, "home", ".cache", "micrograd-ts"))).toHaveLength(1);
  });

  asRoot("a project in a folder another user owns: the per-user cache, and nothing created in their folder", () => {
    const project = join(tmp, "their-proj");
    mkdirSync(join(project, "node_modules"), { recursive: true });
    const file = write(join(project, "prog.ts"), PROGRAM);
    chownSync(project, NOBODY, NOBODY);
    const r = run(file);
    expect([r.stdout, r.stderr]).toEqual([OUTPUT, ""]);
    expect(readdirSync(join(project, "node_modules"))).toEqual([]);
    expect(entries(join(tmp, "home", ".cache", "micrograd-ts"))).toHaveLength(1);
  });

  asRoot("a per-user cache owned by another user, and no project: one warning, no cache", () => {
    const file = write(join(tmp, "loose", "prog.ts"), PROGRAM);
    const folder = join(tmp, "home", ".cache", "micrograd-ts");
    mkdirSync(folder, { recursive: true });
    chownSync(folder, NOBODY, NOBODY);
    const r = run(file);
    expect(r.stdout).toBe(OUTPUT);
    expect(r.stderr).toBe(
      `micrograd-ts: compiling without a cache: ${folder} is owned by another user (uid ${NOBODY}) ` +
        "(MICROGRAD_TS_CACHE=/private/dir moves the cache, MICROGRAD_TS_CACHE=0 turns it off)\n",
    );
    expect(readdirSync(folder)).toEqual([]);
  });
});

describe("every entry is verified before it runs", () => {
  /** Runs again: the whole program, no error, and an entry that verifies again. */
  function expectRecompiled(file: string, env: Record<string, string>, entry: string, code: string) {
    const r = run(file, env);
    expect([r.stdout, r.stderr, r.status]).toEqual([OUTPUT, "", 0]);
    expect(decodeEntry(keyOf(entry), readFileSync(entry))).toBe(code);
  }

  test("an entry holds the compiled code after a header with its hash", () => {
    const { entry, code } = cached();
    const text = readFileSync(entry, "utf8");
    expect(text).toMatch(/^\/\/micrograd-ts-cache:1:[0-9a-f]{64}\n/);
    expect(code).toContain("console.log(n * n)");
    expect(text.endsWith(code)).toBe(true);
  });

  test("garbage in an entry: discarded and compiled again (no SyntaxError about text the user never wrote)", () => {
    const { file, env, entry, code } = cached();
    writeFileSync(entry, "\u0000\u0001 garbage ))) {{");
    expectRecompiled(file, env, entry, code);
  });

  test("a truncated entry (the program cut after its first statement): compiled again, the whole program runs", () => {
    const { file, env, entry, code } = cached();
    const text = readFileSync(entry, "utf8");
    truncateSync(entry, Buffer.byteLength(text.slice(0, text.indexOf("console.log(`second"))));
    expectRecompiled(file, env, entry, code);
  });

  test("an empty entry: compiled again, the program runs", () => {
    const { file, env, entry, code } = cached();
    writeFileSync(entry, "");
    expectRecompiled(file, env, entry, code);
  });

  test("an edited entry whose hash no longer matches, or a valid entry of another key, does not run", () => {
    const { file, env, entry, code } = cached();
    writeFileSync(entry, readFileSync(entry, "utf8").replace("console.log(n * n)", 'console.log("edited")'));
    expectRecompiled(file, env, entry, code);
    writeFileSync(entry, encodeEntry("0".repeat(64), planted("another key")));
    expectRecompiled(file, env, entry, code);
  });

  test("an entry that is a symbolic link is not followed", () => {
    const { file, env, entry, code } = cached();
    const elsewhere = write(join(tmp, "elsewhere.js"), encodeEntry(keyOf(entry), planted("through a link")));
    rmSync(entry);
    symlinkSync(elsewhere, entry);
    expectRecompiled(file, env, entry, code);
    expect(readFileSync(elsewhere, "utf8")).toBe(encodeEntry(keyOf(entry), planted("through a link")));
  });

  test("a valid entry is what runs (the second run does not compile)", () => {
    const { file, env, entry } = cached();
    writeFileSync(entry, encodeEntry(keyOf(entry), planted("from cache")));
    expect(run(file, env).stdout).toBe("from cache\n");
  });
});

describe("the key covers the whole toolchain", () => {
  /** A fake node_modules tree: name -> [version, dependencies], at `dir`. */
  function tree(dir: string, packages: Record<string, [string, string[]]>) {
    for (const [name, [version, deps]] of Object.entries(packages)) {
      write(join(dir, "node_modules", name, "package.json"), JSON.stringify({ name, version, dependencies: Object.fromEntries(deps.map((d) => [d, "*"])) }));
    }
  }
  const versions = (): Record<string, [string, string[]]> => ({
    "@babel/core": ["7.29.0", ["@babel/generator", "@babel/parser"]],
    "@babel/generator": ["7.29.0", ["jsesc", "@babel/types"]],
    "@babel/parser": ["7.29.0", []],
    "@babel/types": ["7.29.0", []],
    jsesc: ["3.1.0", []],
    unrelated: ["1.0.0", []],
  });

  test("a changed version anywhere in the dependency closure changes it; an unrelated package does not", () => {
    const app = join(tmp, "app");
    const fingerprint = () => toolchainFingerprint(join(app, "src"), ["@babel/core"], [join(app, "own.js")]);
    tree(app, versions());
    write(join(app, "own.js"), "plugin v1");
    const first = fingerprint();
    expect(fingerprint()).toBe(first);
    for (const [name, version] of [
      ["@babel/generator", "7.29.1"], // a direct dependency of core
      ["@babel/types", "7.30.0"], // two steps away
      ["jsesc", "3.1.1"], // not a Babel package, but it shapes the generator's output
    ] as const) {
      tree(app, { ...versions(), [name]: [version, versions()[name]![1]] });
      expect(fingerprint(), name).not.toBe(first);
    }
    tree(app, { ...versions(), unrelated: ["2.0.0", []] });
    expect(fingerprint()).toBe(first);
    write(join(app, "own.js"), "plugin v2");
    expect(fingerprint()).not.toBe(first);
  });

  test("a nested copy is the one Node would load, and a pnpm-style link is followed", () => {
    const app = join(tmp, "app");
    const fingerprint = () => toolchainFingerprint(app, ["@babel/core"], []);
    tree(app, versions());
    tree(join(app, "node_modules", "@babel", "generator"), { jsesc: ["2.5.2", []] });
    const nested = fingerprint();
    tree(join(app, "node_modules", "@babel", "generator"), { jsesc: ["2.5.3", []] });
    expect(fingerprint()).not.toBe(nested);
    // pnpm: node_modules/@babel/parser is a link into a store
    const store = join(tmp, "store", "parser");
    write(join(store, "package.json"), JSON.stringify({ name: "@babel/parser", version: "7.29.0" }));
    rmSync(join(app, "node_modules", "@babel", "parser"), { recursive: true });
    symlinkSync(store, join(app, "node_modules", "@babel", "parser"));
    const linked = fingerprint();
    write(join(store, "package.json"), JSON.stringify({ name: "@babel/parser", version: "7.29.9" }));
    expect(fingerprint()).not.toBe(linked);
  });

  test("the loader compiles again when @babel/generator's version changes (a copied toolchain)", () => {
    // A scratch install: this package's build and its own copies of @babel/core and
    // @babel/generator (core loads the generator next to it); every other package linked.
    const scratch = join(tmp, "install", "node_modules");
    mkdirSync(join(scratch, "@babel"), { recursive: true });
    for (const name of readdirSync(join(ROOT, "node_modules"))) {
      if (name.startsWith(".") || name === "@babel" || name === "micrograd-ts") continue;
      symlinkSync(join(ROOT, "node_modules", name), join(scratch, name));
    }
    for (const name of readdirSync(join(ROOT, "node_modules", "@babel"))) {
      const from = join(ROOT, "node_modules", "@babel", name);
      if (name === "core" || name === "generator") cpSync(from, join(scratch, "@babel", name), { recursive: true });
      else symlinkSync(from, join(scratch, "@babel", name));
    }
    const own = join(scratch, "micrograd-ts");
    cpSync(join(ROOT, "dist", "transformer"), join(own, "dist", "transformer"), { recursive: true });
    // the operator table reads the runtime's messages (runtime/messages.ts)
    cpSync(join(ROOT, "dist", "runtime"), join(own, "dist", "runtime"), { recursive: true });
    cpSync(join(ROOT, "dist", "node"), join(own, "dist", "node"), { recursive: true }); // the optional-peer checks (node/peers.ts)
    cpSync(join(ROOT, "package.json"), join(own, "package.json"));
    const register = join(own, "dist/transformer/loader/register.js");

    const folder = join(tmp, "cache");
    const file = write(join(tmp, "loose", "prog.ts"), PROGRAM);
    const env = { MICROGRAD_TS_CACHE: folder };
    expect(run(file, env, dirname(file), register).stdout).toBe(OUTPUT);
    expect(run(file, env, dirname(file), register).stdout).toBe(OUTPUT);
    expect(entries(folder)).toHaveLength(1);
    const manifest = join(scratch, "@babel", "generator", "package.json");
    writeFileSync(manifest, readFileSync(manifest, "utf8").replace(/"version": "[^"]+"/, '"version": "7.99.0"'));
    expect(run(file, env, dirname(file), register).stdout).toBe(OUTPUT);
    expect(entries(folder)).toHaveLength(2);
  });
});

describe("a cache folder that cannot be made", () => {
  test.each([
    ["/proc/nope", "cannot create /proc/nope (ENOENT)"],
    ["<tmp>/a-file/sub", "cannot create <tmp>/a-file/sub (ENOTDIR)"],
  ])("MICROGRAD_TS_CACHE=%s: one line on stderr, the program runs uncached", (setting, why) => {
    const file = write(join(tmp, "loose", "prog.ts"), PROGRAM);
    write(join(tmp, "a-file"), "not a folder");
    const folder = setting.replace("<tmp>", tmp);
    const r = run(file, { MICROGRAD_TS_CACHE: folder });
    expect(r.stdout).toBe(OUTPUT);
    expect(r.stderr).toBe(
      `micrograd-ts: compiling without a cache: MICROGRAD_TS_CACHE=${folder}: ${why.replace("<tmp>", tmp)} ` +
        "(MICROGRAD_TS_CACHE=/private/dir moves the cache, MICROGRAD_TS_CACHE=0 turns it off)\n",
    );
  });
});
