// The playground's weight and how soon it shows a graph, measured on the built site.
//   npm run measure:playground [-- runs]     (default 5 page loads)
// Sizes: every file of the site, raw and gzipped (what a static host sends), grouped by when the
// page needs it. Times: fresh browser pages (empty cache) on a local server, from the start of
// navigation to the editor, and to the first graph (worker with Babel, compile, run, Graphviz
// loaded and laid out); the minimum, median and maximum of the runs. Then one run of the moons
// demo, training in the worker.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { gzipSync } from "node:zlib";
import { buildPlayground, launchChromium, servePlayground, waitForRun } from "./browser.ts";

const runs = Number(process.argv[2] ?? 5);
const outDir = mkdtempSync(join(tmpdir(), "playground-measure-"));

const files = (dir: string): string[] => readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]));
const kB = (n: number) => `${(n / 1024).toFixed(0)} kB`;

/** What each file is for: the page loads what index.html names, the page starts the worker, the worker loads the rest on demand. */
function roles(dir: string): (file: string) => string {
  const html = readFileSync(join(dir, "index.html"), "utf8");
  return (file) => {
    const name = relative(dir, file);
    if (name === "index.html" || html.includes(name)) return "the page (editor, UI)";
    if (/^assets\/worker-/.test(name)) return "the worker (Babel, the runtime), started by the page";
    return "Graphviz, loaded by the worker when a program first runs";
  };
}

try {
  await buildPlayground(outDir);
  const role = roles(outDir);
  const rows = files(outDir).map((f) => {
    const bytes = readFileSync(f);
    return { file: relative(outDir, f), raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length, role: role(f) };
  });
  console.log("| file | what | raw | gzip |\n|---|---|---|---|");
  for (const r of rows.sort((a, b) => b.raw - a.raw)) console.log(`| ${r.file} | ${r.role} | ${kB(r.raw)} | ${kB(r.gzip)} |`);
  const total = rows.reduce((s, r) => ({ raw: s.raw + r.raw, gzip: s.gzip + r.gzip }), { raw: 0, gzip: 0 });
  console.log(`| total | | ${kB(total.raw)} | ${kB(total.gzip)} |\n`);

  const server = await servePlayground(outDir);
  const browser = await launchChromium();
  const editor: number[] = [];
  const graph: number[] = [];
  let moons = "";
  try {
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext(); // an empty cache each time
      const page = await context.newPage();
      const start = Date.now();
      await page.goto(server.url);
      await page.waitForSelector(".cm-content");
      editor.push(Date.now() - start);
      await page.waitForSelector("#graph svg", { timeout: 120_000 });
      graph.push(Date.now() - start);
      await context.close();
    }
    // The moons demo as the examples menu runs it: 100 steps, each with plotStep and plotBoundary.
    const page = await browser.newPage();
    await page.goto(`${server.url}#example=moons`);
    if ((await waitForRun(page, 0, 600_000)) !== "done") throw new Error(await page.locator("#problems").innerText());
    moons = await page.locator("#status").innerText();
    await page.close();
  } finally {
    await browser.close();
    await server.close();
  }
  const stats = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return `${s[0]} / ${s[Math.floor(s.length / 2)]} / ${s.at(-1)} ms`;
  };
  console.log(`${runs} fresh page loads, min / median / max:`);
  console.log(`- to the editor: ${stats(editor)}`);
  console.log(`- to the first graph (the walkthrough's, with its grads): ${stats(graph)}`);
  console.log(`The moons demo in the worker (100 steps; plotStep each step, the decision boundary at most every 250 ms): ${moons}`);
} finally {
  rmSync(outDir, { recursive: true, force: true });
}
