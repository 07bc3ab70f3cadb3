// Benchmark: the editor plugin (micrograd-ts/language-service) in real tsservers, side by side
// with plain TypeScript, in one run. A project is set up as a user's is: micrograd-ts installed
// in node_modules (its .d.ts files and the plugin, as published), @types/node, a tsconfig with
// the default `types` (so @types/node is loaded) and the plugin entry. One tsserver opens it with
// the plugin, another without (the same tsconfig minus the plugin entry), on a file of 2,000
// lines of Value arithmetic. Measured, alternately in the two servers so that load on the
// machine falls on both alike:
// - opening the file: from `open` to its first semantic diagnostics;
// - a one-character edit (a digit in the middle of the file) and the diagnostics the editor asks
//   for next (syntactic, then semantic): median and max over the edits;
// - half-typed code: a new line typed character by character in the middle of the file, the
//   diagnostics after each keystroke: the slowest keystroke;
// - the tsserver's resident memory after the edits.

import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { installPlugin, repo } from "../test/fixtures/editor/install-plugin.mjs";
import { positionToLocation, TsServer } from "../test/fixtures/editor/tsserver-client.mjs";
import { median } from "./lib/runtime.mjs";

/** A file of `blocks` five-line blocks of Value arithmetic (1 + 5 * blocks lines). */
export function valueFile(blocks) {
  const lines = ['import { Value } from "micrograd-ts";'];
  for (let i = 0; i < blocks; i++) {
    lines.push(
      `const a${i} = new Value(${(i % 7) / 10 + 0.5}, { label: "a${i}" });`,
      `const b${i} = a${i} * 2 + ${i % 5};`,
      `const c${i} = b${i} * b${i} - a${i} / 3;`,
      `const d${i} = (c${i} + b${i}) ** 2 + -a${i};`,
      `d${i}.backward();`,
    );
  }
  return lines.join("\n") + "\n";
}

/** A user's project: micrograd-ts and @types/node in node_modules; `plugin`: with the plugin entry. */
function userProject(probeDir, plugin) {
  const dir = mkdtempSync(join(tmpdir(), `micrograd-ts-editor-bench-${plugin ? "plugin" : "plain"}-`));
  mkdirSync(join(dir, "node_modules", "@types"), { recursive: true });
  const pkg = join(probeDir, "node_modules", "micrograd-ts");
  symlinkSync(pkg, join(dir, "node_modules", "micrograd-ts"), "dir");
  symlinkSync(join(repo, "node_modules", "@types", "node"), join(dir, "node_modules", "@types", "node"), "dir");
  const compilerOptions = { target: "es2022", module: "nodenext", moduleResolution: "nodenext", strict: true, skipLibCheck: true, noEmit: true };
  if (plugin) compilerOptions.plugins = [{ name: "micrograd-ts/language-service" }];
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions, include: ["src"] }, null, 2));
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "user-project", type: "module", private: true }));
  mkdirSync(join(dir, "src"));
  return dir;
}

/** One tsserver on one project, with the file open and edited as an editor does. */
class Session {
  constructor(probeDir, plugin, text) {
    this.plugin = plugin;
    this.dir = userProject(probeDir, plugin);
    this.file = join(this.dir, "src", "model.ts");
    writeFileSync(this.file, text);
    this.text = text;
    // Without a log: verbose logging would cost the plugin's server more than the plain one.
    this.server = new TsServer({ probe: probeDir, log: false });
  }

  async diagnostics() {
    const syntactic = await this.server.request("syntacticDiagnosticsSync", { file: this.file });
    const semantic = await this.server.request("semanticDiagnosticsSync", { file: this.file });
    return [...syntactic, ...semantic];
  }

  async open() {
    const t = performance.now();
    this.server.notify("open", { file: this.file, fileContent: this.text, projectRootPath: this.dir });
    const list = await this.diagnostics();
    return { ms: performance.now() - t, errors: list.length };
  }

  /** Replaces [start, end) by `insert` and times the diagnostics that follow. */
  async edit(start, end, insert) {
    const a = positionToLocation(this.text, start);
    const b = positionToLocation(this.text, end);
    const t = performance.now();
    this.server.notify("change", { file: this.file, line: a.line, offset: a.offset, endLine: b.line, endOffset: b.offset, insertString: insert });
    this.text = this.text.slice(0, start) + insert + this.text.slice(end);
    const list = await this.diagnostics();
    return { ms: performance.now() - t, errors: list };
  }
}

export async function run({ smoke = false } = {}) {
  const blocks = smoke ? 20 : 400;
  const edits = smoke ? 2 : 20;
  const text = valueFile(blocks);
  const lines = text.split("\n").length - 1;
  const { dir: probeDir } = installPlugin();
  // The package as installPlugin laid it out (package.json, language-service/, dist/cjs), with
  // the runtime's declarations from `npm run build`.
  symlinkSync(join(repo, "dist", "runtime"), join(probeDir, "node_modules", "micrograd-ts", "dist", "runtime"), "dir");
  const sessions = [];
  try {
    const plain = new Session(probeDir, false, text);
    sessions.push(plain);
    const ours = new Session(probeDir, true, text);
    sessions.push(ours);
    const openPlain = await plain.open();
    const openOurs = await ours.open();
    if (openOurs.errors !== 0) throw new Error(`the plugin reports ${openOurs.errors} diagnostic(s) on supported Value arithmetic`);

    // One-character edits: a digit in the middle of the file, back and forth.
    const middle = Math.floor(blocks / 2);
    const needle = `const b${middle} = a${middle} * 2 + `;
    const times = { plain: [], ours: [] };
    for (let r = 0; r < edits; r++) {
      for (const [name, s] of [
        ["plain", plain],
        ["ours", ours],
      ]) {
        const at = s.text.indexOf(needle) + needle.length;
        const { ms, errors } = await s.edit(at, at + 1, String((r + 1) % 10));
        if (name === "ours" && errors.length !== 0) throw new Error(`the plugin reports ${errors.length} diagnostic(s) after an edit`);
        times[name].push(ms);
      }
    }

    // Half-typed code: a line typed key by key after block `middle`, brackets closed by the editor.
    const line = smoke ? `const z = (a${middle} * b${middle});\n` : `const z = (a${middle} * b${middle} + c${middle}) ** 2 - d${middle} / 4;\n`;
    const typing = { plain: [], ours: [] };
    for (const [name, s] of [
      ["plain", plain],
      ["ours", ours],
    ]) {
      let at = s.text.indexOf(`d${middle}.backward();\n`) + `d${middle}.backward();\n`.length;
      for (const c of line) {
        if (c === ")" && s.text[at] === ")") {
          at++;
          continue;
        }
        const insert = c === "(" ? "()" : c;
        typing[name].push((await s.edit(at, at, insert)).ms);
        at++;
      }
    }
    const memory = { plain: plain.server.residentMB(), ours: ours.server.residentMB() };

    const ratio = median(times.ours) / median(times.plain);
    const slowest = Math.max(...typing.ours);
    const file = `${lines}-line file, ${blocks * 4} Value expressions, a user's project (@types/node, micrograd-ts installed)`;
    const fmt = (x) => x.toFixed(0);
    return [
      {
        bench: "editor",
        metric: "diagnostics after a one-character edit, plugin / plain TypeScript (medians)",
        value: ratio,
        unit: "x",
        target: "<= 2",
        ok: smoke ? undefined : ratio <= 2,
        note: `${file}; ${edits} edits; plugin median ${fmt(median(times.ours))} ms, max ${fmt(Math.max(...times.ours))} ms; plain median ${fmt(median(times.plain))} ms, max ${fmt(Math.max(...times.plain))} ms`,
      },
      {
        bench: "editor",
        metric: "slowest keystroke in half-typed code (diagnostics)",
        value: slowest,
        unit: "ms",
        target: "<= 500",
        ok: smoke ? undefined : slowest <= 500,
        note: `${line.trim().length} keystrokes typing \`${line.trim()}\` into the middle of the file; median ${fmt(median(typing.ours))} ms; plain TypeScript median ${fmt(median(typing.plain))} ms, max ${fmt(Math.max(...typing.plain))} ms`,
      },
      {
        bench: "editor",
        metric: "opening the file (first diagnostics)",
        value: openOurs.ms,
        unit: "ms",
        note: `plain TypeScript ${fmt(openPlain.ms)} ms (reporting ${openPlain.errors} false errors)`,
      },
      {
        bench: "editor",
        metric: "tsserver resident memory after the edits",
        value: memory.ours ?? NaN,
        unit: "MB",
        note: `plain TypeScript ${memory.plain === undefined ? "?" : fmt(memory.plain)} MB`,
      },
    ];
  } finally {
    await Promise.all(sessions.map((s) => s.server.close()));
    for (const dir of [probeDir, ...sessions.map((s) => s.dir)]) rmSync(dir, { recursive: true, force: true });
  }
}
