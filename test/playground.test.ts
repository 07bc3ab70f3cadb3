// The playground in a real browser: the static site that npm run build:playground writes,
// served as any static host would serve it, driven in Debian's Chromium by playwright-core.
// One build, one server and one browser for the whole file; each test opens its own page.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildPlayground, launchChromium, runId, servePlayground, waitForRun } from "../playground/scripts/browser.ts";
import { toHash } from "../playground/src/share.ts";

let outDir: string;
let server: { url: string; close(): Promise<void> };
let browser: Browser;

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), "playground-test-"));
  await buildPlayground(outDir);
  server = await servePlayground(outDir);
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

/** A fresh page; every error the page throws is collected (and must stay empty). */
async function open(hash = ""): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  await page.goto(server.url + hash);
  await waitForRun(page);
  return { page, errors };
}

/** Each record node of the graph as "label | data … | grad …", sorted. */
function records(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll("#graph g.node")]
      .filter((g) => /^n\d+$/.test(g.querySelector("title")?.textContent ?? ""))
      .map((g) => [...g.querySelectorAll("text")].map((t) => t.textContent).join(" | "))
      .sort(),
  );
}

const consoleText = (page: Page) => page.locator("#console-output").innerText();
const problemsText = (page: Page) => page.locator("#problems").innerText();

/**
 * Replaces the editor's text, key by key as a user types (or `pasted` in one input, which is
 * quicker); resolves when the run that follows has ended.
 */
async function typeProgram(page: Page, lines: string[], how: "typed" | "pasted" = "pasted"): Promise<string | undefined> {
  const before = await runId(page);
  await page.click(".cm-content");
  await page.keyboard.press("Control+A");
  await page.keyboard.press("Delete");
  if (how === "typed") await page.keyboard.type(lines.join("\n"));
  else await page.keyboard.insertText(lines.join("\n"));
  return waitForRun(page, before);
}

async function selectExample(page: Page, id: string, timeout?: number): Promise<string | undefined> {
  const before = await runId(page);
  await page.selectOption("#example", id);
  return waitForRun(page, before, timeout);
}

const WALKTHROUGH_RECORDS = [
  "L | data -8.0000 | grad 1.0000",
  "a | data 2.0000 | grad 6.0000",
  "b | data -3.0000 | grad -4.0000",
  "c | data 10.0000 | grad -2.0000",
  "d | data 4.0000 | grad -2.0000",
  "e | data -6.0000 | grad -2.0000",
  "f | data -2.0000 | grad 4.0000",
];

describe("the playground in Chromium", () => {
  it("loads with no page error and shows the walkthrough's graph with data and grad, and its output", async () => {
    const { page, errors } = await open();
    expect(await page.locator("body").getAttribute("data-run")).toBe("done");
    expect(await records(page)).toEqual(WALKTHROUGH_RECORDS);
    expect(await page.locator("#graph g.node title", { hasText: /_op$/ }).count()).toBe(3); // *, +, *
    expect(await page.locator("#graph-title").innerText()).toBe("L, the program's last Value · 7 values");
    expect((await consoleText(page)).split("\n")).toEqual([
      "Value(data=-8.0, grad=0.0)",
      "[Value(data=-6.0, grad=0.0), Value(data=10.0, grad=0.0)] +",
      "a.grad 6 b.grad -4 c.grad -2",
      "e.grad -2 d.grad -2 f.grad 4",
    ]);
    expect(await page.locator("#python-code").innerText()).toContain("L = d * f; L.label = 'L'");
    expect(await page.locator("#comparison.same").innerText()).toMatch(/^Same numbers as the Python \(4 lines, every digit\)$/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("replacing the editor's text by typing a new program redraws the graph with the new numbers", async () => {
    const { page, errors } = await open();
    const state = await typeProgram(
      page,
      ['import { Value, print } from "micrograd-ts";', 'const x = new Value(3.0, { label: "x" });', 'const y = x * x + 1; y.label = "y";', "y.backward();", "print(y, x.grad);"],
      "typed",
    );
    expect(state).toBe("done");
    expect(await records(page)).toEqual(["data 1.0000 | grad 1.0000", "data 9.0000 | grad 1.0000", "x | data 3.0000 | grad 6.0000", "y | data 10.0000 | grad 1.0000"]);
    expect(await consoleText(page)).toBe("Value(data=10.0, grad=1.0) 6");
    expect(await page.locator("#graph-title").innerText()).toBe("y, the program's last Value · 4 values");
    expect(await page.locator("#comparison").innerText()).toBe(""); // no longer the example: nothing to compare
    expect(errors).toEqual([]);
    await page.close();
  });

  it("a % b shows an error with its line and column, marks it in the editor, and keeps the last graph", async () => {
    const { page, errors } = await open();
    const state = await typeProgram(page, [
      'import { Value } from "micrograd-ts";',
      'const a = new Value(7.0, { label: "a" });',
      'const b = new Value(2.0, { label: "b" });',
      "const c = a % b;",
    ]);
    expect(state).toBe("failed");
    expect(await problemsText(page)).toMatch(
      /^Error\. Line 4, column 13: TypeError: Operator % is not defined on a Value \(micrograd has no remainder\): use a\.data % b for a number\./,
    );
    expect(await page.locator(".cm-lintRange-error").innerText()).toBe("% b;");
    expect(await page.locator(".cm-lint-marker-error").count()).toBe(1);
    // The page does not go blank: the walkthrough's graph stays, dimmed.
    expect(await records(page)).toEqual(WALKTHROUGH_RECORDS);
    expect(await page.locator("#graph.stale").count()).toBe(1);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("a syntax error and a run-time error say where they are", async () => {
    const { page, errors } = await open();
    expect(await typeProgram(page, ['import { Value } from "micrograd-ts";', "const x = ;"])).toBe("failed");
    expect(await problemsText(page)).toMatch(/^Does not compile\. Line 2, column 11: Unexpected token\n/);
    expect(await problemsText(page)).toContain("> 2 | const x = ;");

    expect(await typeProgram(page, ['import { Value } from "micrograd-ts";', "const ok = new Value(1);", 'const v = new Value("2");'])).toBe("failed");
    // thrown inside the engine: the line is the program's frame, mapped back through both passes
    expect(await problemsText(page)).toMatch(/^Error\. Line 3, column 11: TypeError: new Value\(data\): data must be a number/);

    // A program that never ends is stopped, and the next one runs.
    const before = await runId(page);
    await page.click(".cm-content");
    await page.keyboard.press("Control+A");
    await page.keyboard.insertText("let i = 0;\nwhile (true) i++;");
    await page.waitForFunction((before) => Number(document.body.dataset.runId) > before && document.body.dataset.run === "running", before);
    await page.click("#stop");
    expect(await waitForRun(page, before)).toBe("stopped");
    expect(await typeProgram(page, ['import { Value } from "micrograd-ts";', "const z = new Value(4.0).relu();"])).toBe("done");
    expect(await records(page)).toEqual(["data 4.0000 | grad 0.0000", "data 4.0000 | grad 0.0000"]);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it("a program cannot put script into the page through the graph it sends", async () => {
    // After its run, the program posts a forged graph message for every run id the page may be on.
    const svg = `<svg xmlns='http://www.w3.org/2000/svg' width='10pt' height='10pt' onload='document.title=1'><script>document.title=2</script><g class='node'><title>n0</title><text>grad 0.0000</text><a href='javascript:document.title=3'><text>x</text></a></g></svg>`;
    const forged = `{ type: "graph", id, svg: "${svg}", title: "forged", valueCount: 1, programGrads: ["grad 0.0000"], steps: [], programStep: null, note: "" }`;
    const { page, errors } = await open(await toHash({ code: `setTimeout(() => { for (let id = 0; id < 100; id++) postMessage(${forged}); });` }));
    await page.waitForFunction(() => document.getElementById("graph-title")?.textContent?.startsWith("forged"));
    expect(await page.title()).toBe("micrograd-ts playground");
    expect(await page.locator("#graph script, #graph a, #graph [onload], #graph [href], #graph [xlink\\:href]").count()).toBe(0);
    expect(await page.evaluate(() => document.querySelector("#graph")!.innerHTML.includes("javascript:"))).toBe(false);
    // the link's own content stays (Graphviz's tooltip links hold a node's box and text)
    expect(await page.locator("#graph g.node text").allTextContents()).toEqual(["grad 0.0000", "x"]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("a node with a long label keeps its box and numbers, the label shortened, the whole label as its tooltip", async () => {
    const { page, errors } = await open();
    const long = "w".repeat(100);
    expect(await typeProgram(page, ['import { Value } from "micrograd-ts";', `const w = new Value(2.0, { label: "${long}" });`, "const y = w * w;", "y.backward();"])).toBe("done");
    const shown = `${"w".repeat(63)}…`;
    expect(await records(page)).toEqual(["data 4.0000 | grad 1.0000", `${shown} | data 2.0000 | grad 4.0000`]);
    expect(await page.locator("#graph g.node title", { hasText: long }).count()).toBe(1);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("backward stepping fills the grads in reverse topological order, one node at a time", async () => {
    const { page, errors } = await open("#example=walkthrough");
    const state = () =>
      page.evaluate(() => {
        const label = (g: Element) => g.querySelector("text")?.textContent;
        const nodes = [...document.querySelectorAll("#graph g.node")].filter((g) => /^n\d+$/.test(g.querySelector("title")?.textContent ?? ""));
        return {
          step: (document.getElementById("step") as HTMLInputElement).value,
          title: document.querySelector("#caption strong")?.textContent,
          current: nodes.filter((g) => g.classList.contains("current")).map(label),
          filled: nodes
            .filter((g) => g.classList.contains("filled"))
            .map(label)
            .sort(),
          grads: Object.fromEntries(nodes.map((g) => [label(g), [...g.querySelectorAll("text")].at(-1)?.textContent?.slice(5)])),
        };
      });
    expect(await page.locator("#caption").innerText()).toBe("The grads as the program left them (step 4 of 4). Press Next or drag the slider to replay backward.");
    for (let i = 0; i < 4; i++) await page.click("#prev");
    const zero = { a: "0.0000", b: "0.0000", c: "0.0000", d: "0.0000", e: "0.0000", f: "0.0000", L: "0.0000" };
    expect(await state()).toEqual({ step: "0", title: "Step 0 of 4: before backward", current: [], filled: [], grads: zero });
    const seen = [];
    for (let i = 0; i < 4; i++) {
      await page.click("#next");
      seen.push(await state());
    }
    expect(seen).toEqual([
      { step: "1", title: "Step 1 of 4: L.grad = 1.0", current: ["L"], filled: [], grads: { ...zero, L: "1.0000" } },
      { step: "2", title: "Step 2 of 4: L._backward()", current: ["L"], filled: ["d", "f"], grads: { ...zero, L: "1.0000", d: "-2.0000", f: "4.0000" } },
      {
        step: "3",
        title: "Step 3 of 4: d._backward()",
        current: ["d"],
        filled: ["c", "e"],
        grads: { ...zero, L: "1.0000", d: "-2.0000", f: "4.0000", c: "-2.0000", e: "-2.0000" },
      },
      {
        step: "4",
        title: "Step 4 of 4: e._backward()",
        current: ["e"],
        filled: ["a", "b"],
        grads: { a: "6.0000", b: "-4.0000", c: "-2.0000", d: "-2.0000", e: "-2.0000", f: "4.0000", L: "1.0000" },
      },
    ]);
    expect(await page.locator("#caption").innerText()).toBe(
      "Step 4 of 4: e._backward() e = a * b. a.grad += b.data · e.grad; b.grad += a.data · e.grad. Now a.grad = 6.0000, b.grad = -4.0000.",
    );
    expect(await page.locator("#next").isDisabled()).toBe(true);
    // The slider goes straight to a step.
    await page.locator("#step").fill("2");
    expect((await state()).grads).toEqual({ ...zero, L: "1.0000", d: "-2.0000", f: "4.0000" });
    expect(errors).toEqual([]);
    await page.close();
  });

  it("a shared link restores the code", async () => {
    const { page, errors } = await open();
    const program = ['import { Value } from "micrograd-ts";', 'const t = new Value(0.5, { label: "t" }).tanh();', "t.backward();"];
    await typeProgram(page, program);
    await page.waitForFunction(() => location.hash.startsWith("#code="));
    const link = page.url();
    const other = await browser.newPage();
    await other.goto(link);
    await waitForRun(other);
    expect(await other.locator(".cm-content").innerText()).toBe(program.join("\n"));
    expect(await records(other)).toEqual(["data 0.4621 | grad 1.0000", "t | data 0.5000 | grad 0.7864"]);
    // An example's link names it.
    const before = await runId(other);
    await other.goto(`${server.url}#example=neuron`);
    await waitForRun(other, before);
    await other.waitForFunction(() => (document.getElementById("example") as HTMLSelectElement).value === "neuron");
    expect(await other.locator("#python-code").innerText()).toContain("o = n.tanh(); o.label = 'o'");
    expect(errors).toEqual([]);
    await Promise.all([page.close(), other.close()]);
  });

  it("each lecture example prints the numbers its Python printed", async () => {
    const { page, errors } = await open();
    const seen: Record<string, string> = {};
    for (const id of ["walkthrough", "manual-backprop", "node-by-node", "neuron", "tiny-net"]) {
      expect(await selectExample(page, id)).toBe("done");
      seen[id] = `${await page.locator("#comparison").getAttribute("class")}: ${await page.locator("#comparison").innerText()}`;
    }
    expect(seen).toEqual({
      walkthrough: "same: Same numbers as the Python (4 lines, every digit)",
      "manual-backprop": "same: Same numbers as the Python (3 lines, every digit)",
      "node-by-node": "same: Same numbers as the Python (8 lines, every digit)",
      neuron: "same: Same numbers as the Python (4 lines, every digit)",
      "tiny-net": expect.stringMatching(/^same: Same numbers as the Python \(21 lines; the largest difference is \d\.\de-1\d of a number, from the order of a sum\)$/),
    });
    // The tiny net's graph is one forward pass of the MLP.
    expect(await page.locator("#graph-title").innerText()).toMatch(/^drawDot\(v\) · \d+ values$/);
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it("the moons demo trains in the worker to 100% accuracy while the page keeps drawing", async () => {
    const { page, errors } = await open();
    const before = await runId(page);
    // The page takes the worker's steps as they come: every status the page shows is recorded (by
    // the page itself, so no step is missed however fast the training runs).
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { statuses: string[] }).statuses = seen;
      const status = document.getElementById("training-status")!;
      new MutationObserver(() => seen.push(status.innerText)).observe(status, { childList: true, characterData: true, subtree: true });
    });
    await page.selectOption("#example", "moons");
    while ((await page.evaluate(() => document.body.dataset.run)) !== "done" || Number(await page.evaluate(() => document.body.dataset.runId)) <= before) {
      await page.waitForTimeout(100);
      if ((await page.evaluate(() => document.body.dataset.run)) === "failed") throw new Error(await problemsText(page));
    }
    const statuses = new Set(await page.evaluate(() => (window as unknown as { statuses: string[] }).statuses.filter((s) => s.startsWith("step "))));
    // The page drew while the worker trained: a step before the last one was on screen, then the
    // last. How many frames fell in between depends on the CPU the machine gives Chromium (two
    // cores shared with the rest of the suite: as few as five), so only "more than one" is asked.
    expect(statuses.size).toBeGreaterThan(1);
    expect([...statuses].some((s) => !s.startsWith("step 99 "))).toBe(true);
    const lines = (await consoleText(page)).split("\n");
    expect(lines).toHaveLength(103);
    expect(lines[3]).toBe("step 0 loss 0.8958441028683222, accuracy 50.0%");
    expect(lines.at(-1)).toBe("step 99 loss 0.010978370135492717, accuracy 100.0%");
    expect(await page.locator("#training-status").innerText()).toMatch(/^step 99 · loss 0\.0109784 · accuracy 100\.0%$/);
    expect(await page.locator("#comparison").getAttribute("class")).toBe("same");
    // The decision boundary is drawn: both classes' colours are on the canvas.
    const colours = await page.evaluate(() => {
      const c = document.getElementById("boundary") as HTMLCanvasElement;
      const data = c.getContext("2d")!.getImageData(0, 0, c.width, c.height).data;
      const seen = new Set<string>();
      for (let i = 0; i < data.length; i += 4 * 97) seen.add(`${data[i]},${data[i + 1]},${data[i + 2]}`);
      return seen.size;
    });
    expect(colours).toBeGreaterThan(3);
    expect(await page.locator("#graph-note").innerText()).toMatch(/^No graph: totalLoss, the program's last Value, has a graph of [\d,]+ values, too many to draw/);
    expect(errors).toEqual([]);
    await page.close();
  }, 300_000);
});
