// Every command in README.md and docs/*.md, run as written. The test finds them itself, so a
// document added later is covered too. The conventions (docs/README.md would be read by no one;
// a block that breaks them fails here with the place and the fix):
//
// - A shell block (```sh, ```bash, ```shell) says where it runs:
//     ```sh repo      in a clone of this repository, after its `npm install`
//     ```sh project   in your project, a folder next to the clone (the tarball that `npm pack`
//                     writes in the clone is ../micrograd-ts/micrograd-ts-0.1.0.tgz from there)
//   Each line is a command (`\` continues it, ` # ...` is a comment).
// - A block with `file=<path>` (```json file=tsconfig.json) is a file of the project: it is
//   written there before the commands that follow it run.
// - A ```text output block right after a shell block is what its last command prints.
// - `sandbox=<name>` puts a document's blocks into a project of that name (default: one project
//   per document), for setups that must not share a folder.
//
// A command that serves (a development server: it prints a local http:// address and keeps
// running) passes once it is up, and is stopped then.
//
// Project commands run in a fresh folder per document (or sandbox), in order, with npm preferring
// its cache (the tarballs `npm ci` of this repository put there; on a fresh machine npm fetches
// the packages' registry metadata once, which npm ci never needs) and with bun and deno on
// the PATH (tools a user installs once). Repository commands run in this repository, except the
// few listed in ELSEWHERE, which would change it under the tests running from it: the suite
// runs those itself.

import { spawn } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { packedTarball, privateRoot, ROOT } from "./consumer.helpers.ts";

/** Repository commands that the suite runs elsewhere, and where. */
const ELSEWHERE: Record<string, string> = {
  "npm install": "the suite runs inside this install (.ci/run starts with npm ci, which runs the same prepare build)",
  "npm test": "is this suite (.ci/run)",
  "npm pack": "test/consumer.helpers.ts packs this package for every consumer test, after the build that prepare runs",
};

const SHELLS = new Set(["sh", "bash", "shell"]);
/** Commands that would change this repository (its node_modules, dist/, package files). */
const CHANGES_REPO = /^(npm (ci|install|i|pack|publish|update|uninstall|link)|npm run (build|prepare))(\s|$)/;

interface Block {
  doc: string;
  line: number;
  lang: string;
  attrs: Map<string, string>;
  text: string;
}

/** The fenced blocks of a Markdown file, with their info string's words as attributes. */
function fencedBlocks(doc: string, markdown: string): Block[] {
  const out: Block[] = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([^`]*)$/.exec(lines[i]!);
    if (!open) continue;
    const [, indent, fence, info] = open as unknown as [string, string, string, string];
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !new RegExp(`^\\s*${fence[0]}{${fence.length},}\\s*$`).test(lines[j]!); j++)
      body.push(lines[j]!.startsWith(indent) ? lines[j]!.slice(indent.length) : lines[j]!.trimStart());
    const [lang = "", ...words] = info.trim().split(/\s+/);
    const attrs = new Map(words.map((w) => (w.includes("=") ? [w.slice(0, w.indexOf("=")), w.slice(w.indexOf("=") + 1)] : [w, ""]) as [string, string]));
    out.push({ doc, line: i + 1, lang, attrs, text: body.join("\n") });
    i = j;
  }
  return out;
}

/** The commands of a shell block: continuation lines joined, comments and blank lines dropped. */
function commands(text: string): string[] {
  return text
    .replace(/\\\n\s*/g, "")
    .split("\n")
    .map(stripComment)
    .map((l) => l.trim())
    .filter(Boolean);
}

function stripComment(line: string): string {
  let quote = "";
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = "";
    } else if (c === "'" || c === '"') quote = c;
    else if (c === "#" && (i === 0 || /\s/.test(line[i - 1]!))) return line.slice(0, i);
  }
  return line;
}

const DOCS = [
  "README.md",
  ...readdirSync(join(ROOT, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
];
const BLOCKS = DOCS.flatMap((doc) => fencedBlocks(doc, readFileSync(join(ROOT, doc), "utf8")));
const where = (b: Block) => `${b.doc}:${b.line}`;

describe("the documents' blocks follow the conventions", () => {
  test("every shell block says where it runs", () => {
    const bad = BLOCKS.filter((b) => SHELLS.has(b.lang) && b.attrs.has("repo") === b.attrs.has("project")).map(where);
    expect(bad, "write ```sh repo (in a clone of this repository) or ```sh project (in your project)").toEqual([]);
  });
  test("the versions that project commands install are the ones this repository tests with", () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { devDependencies: Record<string, string> };
    const specs = BLOCKS.filter((b) => SHELLS.has(b.lang) && b.attrs.has("project")).flatMap((b) =>
      commands(b.text)
        .filter((c) => /^npm (install|i)\b/.test(c))
        .flatMap((c) =>
          c
            .split(/\s+/)
            .slice(2)
            .filter((w) => !w.startsWith("-") && !w.startsWith(".") && !w.startsWith("/"))
            .map((w) => [where(b), w] as const),
        ),
    );
    expect(specs.length).toBeGreaterThan(5);
    const wrong = specs.filter(([, spec]) => {
      const at = spec.lastIndexOf("@");
      const name = at > 0 ? spec.slice(0, at) : spec;
      return manifest.devDependencies[name] === undefined || spec.slice(at + 1) !== manifest.devDependencies[name];
    });
    // npm installs from the cache that npm ci filled: only those versions' tarballs are there
    expect(wrong, "install name@version with this repository's devDependencies version (add the package there if it is new)").toEqual([]);
  });
  test("no repository command that would change the repository under the running tests is run here unless listed", () => {
    const steps = BLOCKS.filter((b) => SHELLS.has(b.lang) && b.attrs.has("repo")).flatMap((b) => commands(b.text).flatMap((c) => c.split(/\s*&&\s*/)));
    expect(steps.length).toBeGreaterThan(2);
    const unlisted = steps.filter((step) => CHANGES_REPO.test(step) && !(step in ELSEWHERE));
    expect(unlisted, "run it in a test (not in the repository) and list it in ELSEWHERE with that test").toEqual([]);
  });
});

// ---- Running them ------------------------------------------------------------------------------

let root: string;
let bin: string;

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const key of Object.keys(e)) if (key.startsWith("VITEST") || key === "NODE_OPTIONS" || key === "TEST" || key.startsWith("npm_")) delete e[key];
  return {
    ...e,
    PATH: `${bin}:${process.env.PATH}`,
    npm_config_prefer_offline: "true",
    npm_config_audit: "false",
    npm_config_fund: "false",
    npm_config_update_notifier: "false",
    NO_COLOR: "1",
    DENO_NO_UPDATE_CHECK: "1",
    ...extra,
  };
}

/** What a development server prints when it is up: its local address. */
const SERVING = /https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?\//;

/**
 * Runs one command line with bash in `cwd`; resolves to its standard output. A command that
 * serves (prints a local address and keeps running) has done what it says once it is up: it is
 * stopped then, with everything it started.
 */
function shell(command: string, cwd: string, block: Block): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("bash", ["-eo", "pipefail", "-c", command], { cwd, env: env(), detached: true });
    let stdout = "";
    let stderr = "";
    let served = false;
    const stop = () => {
      try {
        process.kill(-child.pid!, "SIGTERM");
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(stop, 600_000);
    const watch = () => {
      if (!served && SERVING.test(stdout + stderr)) {
        served = true;
        setTimeout(stop, 500);
      }
    };
    child.stdout.on("data", (d) => ((stdout += d), watch()));
    child.stderr.on("data", (d) => ((stderr += d), watch()));
    child.on("error", reject);
    child.on("close", (status, signal) => {
      clearTimeout(timer);
      if (status === 0 || served) resolve(stdout);
      else reject(new Error(`${where(block)}: \`${command}\` failed (${status ?? signal}) in ${cwd}:\n${stdout}${stderr}`));
    });
  });
}

/** At most two sandboxes at a time (the machines have two cores). */
const slots = { free: 2, waiting: [] as (() => void)[] };
async function inSlot<T>(fn: () => Promise<T>): Promise<T> {
  if (slots.free === 0) await new Promise<void>((r) => slots.waiting.push(r));
  else slots.free--;
  try {
    return await fn();
  } finally {
    const next = slots.waiting.shift();
    if (next) next();
    else slots.free++;
  }
}

beforeAll(() => {
  root = mkdtempSync(join(privateRoot(), "docs-"));
  mkdirSync(join(root, "micrograd-ts"));
  copyFileSync(packedTarball(), join(root, "micrograd-ts/micrograd-ts-0.1.0.tgz"));
  bin = join(root, "bin");
  mkdirSync(bin);
  symlinkSync(join(ROOT, "node_modules/bun/bin/bun.exe"), join(bin, "bun"));
  symlinkSync(join(ROOT, "node_modules/deno/deno"), join(bin, "deno"));
}, 600_000);

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

/**
 * The blocks of each project sandbox, in document order (`sandbox=a,b` puts a block in both; an
 * output block goes where the shell block before it went).
 */
const sandboxes = new Map<string, Block[]>();
BLOCKS.forEach((b, i) => {
  const isOutput = b.lang === "text" && b.attrs.has("output");
  if (!(SHELLS.has(b.lang) && b.attrs.has("project")) && !b.attrs.has("file") && !isOutput) return;
  const previous = BLOCKS[i - 1];
  if (isOutput && previous?.doc === b.doc && SHELLS.has(previous.lang) && previous.attrs.has("repo")) return; // checked with the repository commands
  const owner = isOutput && previous?.doc === b.doc ? previous : b;
  const stem = b.doc.replace(/^docs\//, "").replace(/\.md$/, "");
  for (const sandbox of (owner.attrs.get("sandbox") ?? "").split(",")) {
    const name = sandbox ? `${stem}-${sandbox}` : stem;
    sandboxes.set(name, [...(sandboxes.get(name) ?? []), b]);
  }
});

// Each sandbox installs and builds for tens of seconds, mostly waiting on npm and the tools: two
// at a time.
describe.concurrent("project commands, as written, in a fresh project per document", () => {
  test.each([...sandboxes.keys()])("%s", { timeout: 1_800_000 }, (name) =>
    inSlot(async () => {
      const dir = join(root, name);
      mkdirSync(dir);
      let last = "";
      let lastShell: Block | undefined;
      for (const b of sandboxes.get(name)!) {
        if (b.attrs.has("file")) {
          const path = join(dir, b.attrs.get("file")!);
          mkdirSync(dirname(path), { recursive: true });
          writeFileSync(path, b.text + "\n");
        } else if (b.lang === "text") {
          expect(lastShell, `${where(b)}: an output block follows no shell block of this sandbox`).toBeDefined();
          expect(last.trimEnd(), `${where(b)}: the output of the last command of ${where(lastShell!)}`).toBe(b.text.trimEnd());
        } else {
          for (const c of commands(b.text)) last = await shell(c, dir, b);
          lastShell = b;
        }
      }
    }),
  );
});

describe("repository commands, as written, in this repository", () => {
  const blocks = BLOCKS.filter((b) => SHELLS.has(b.lang) && b.attrs.has("repo"));
  test.each(blocks.map((b) => [where(b), b] as const))("%s", { timeout: 900_000 }, async (_, block) => {
    let last = "";
    for (const c of commands(block.text)) {
      for (const step of c.split(/\s*&&\s*/)) {
        if (step in ELSEWHERE) continue;
        last = await shell(step, ROOT, block);
      }
    }
    const next = BLOCKS[BLOCKS.indexOf(block) + 1];
    if (next?.doc === block.doc && next.lang === "text" && next.attrs.has("output"))
      expect(last.trimEnd(), `${where(next)}: the output of ${where(block)}`).toBe(next.text.trimEnd());
  });
});
