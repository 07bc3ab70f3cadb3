// The page: the editor, the worker that runs what is typed (debounced), and the panels that
// show the run: errors, console output, the graph with its backward steps, the training plots,
// and the Python original beside the TypeScript. The program lives in the URL's hash.

import { compareOutputs } from "./compare.js";
import { createEditor } from "./editor.js";
import { EXAMPLES, type Example, exampleById } from "./examples.js";
import { GraphView } from "./graph-view.js";
import type { FromWorker, ProgramError } from "./protocol.js";
import { fromHash, toHash } from "./share.js";
import { TrainingView } from "./training-view.js";

const DEBOUNCE_MS = 400;

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

const graph = new GraphView({
  title: $("graph-title"),
  picture: $("graph"),
  stepper: $("stepper"),
  slider: $<HTMLInputElement>("step"),
  prev: $<HTMLButtonElement>("prev"),
  next: $<HTMLButtonElement>("next"),
  caption: $("caption"),
  note: $("graph-note"),
});
const training = new TrainingView({ panel: $("training"), status: $("training-status"), chart: $<HTMLCanvasElement>("chart"), boundary: $<HTMLCanvasElement>("boundary") });
const consoleEl = $("console-output");
const problems = $("problems");
const status = $("status");
const select = $<HTMLSelectElement>("example");
const comparison = $("comparison");

let example: Example | undefined;
let output: string[] = [];
let timer: ReturnType<typeof setTimeout> | undefined;
let applyingHash = false;

const editor = createEditor($("editor"), () => {
  clearTimeout(timer);
  timer = setTimeout(() => {
    run();
    void saveToHash();
  }, DEBOUNCE_MS);
});

// ---- the worker ---------------------------------------------------------------------------

let worker: Worker;
let runId = 0;
let busy = false;
/** The worker failed to load or crashed: the next run starts a new one. */
let broken = false;

function startWorker(): void {
  worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
  worker.addEventListener("message", (event: MessageEvent<FromWorker>) => receive(event.data));
  broken = false;
  worker.addEventListener("error", (event) => {
    busy = false;
    broken = true;
    showProblem({ phase: "run", message: `The worker stopped: ${event.message || "it could not load"}` });
    setStatus("failed", "failed");
  });
}

function run(): void {
  // A program still running (a long training, an endless loop) is stopped, not waited for.
  if (busy || broken) {
    worker.terminate();
    startWorker();
  }
  runId++;
  busy = true;
  output = [];
  consoleEl.replaceChildren();
  problems.replaceChildren();
  problems.hidden = true;
  comparison.textContent = "";
  comparison.className = "";
  editor.markError(null);
  training.reset();
  setStatus("running", "running…");
  worker.postMessage({ type: "run", id: runId, source: editor.text() });
}

function stop(): void {
  if (!busy) return;
  worker.terminate();
  startWorker();
  busy = false;
  setStatus("stopped", "stopped");
}

function receive(m: FromWorker): void {
  if (m.type === "ready" || m.id !== runId) return;
  switch (m.type) {
    case "console":
      output.push(m.text);
      appendLine(m.text, m.level);
      break;
    case "error":
      showProblem(m.error);
      graph.markStale();
      break;
    case "graph":
      try {
        graph.render(m);
      } catch (error) {
        graph.clear(`The graph could not be shown: ${(error as Error).message}`);
      }
      break;
    case "no-graph":
      graph.clear(m.reason, m.isError);
      break;
    case "plot-step":
      training.addStep(m.step, m.loss, m.accuracy);
      break;
    case "boundary":
      training.setBoundary(m.boundary);
      break;
    case "done":
      busy = false;
      setStatus(m.ok ? "done" : "failed", m.ok ? `ran in ${Math.round(m.ms)} ms` : "failed");
      if (m.ok) compareWithPython();
      break;
  }
}

function setStatus(state: string, text: string): void {
  document.body.dataset.run = state;
  document.body.dataset.runId = String(runId);
  status.textContent = text;
}

function appendLine(text: string, level: string): void {
  const line = document.createElement("div");
  line.className = `line ${level}`;
  line.textContent = text;
  consoleEl.append(line);
  consoleEl.scrollTop = consoleEl.scrollHeight;
}

function showProblem(error: ProgramError): void {
  const where = error.line === undefined ? "" : `Line ${error.line}${error.column === undefined ? "" : `, column ${error.column}`}: `;
  const item = document.createElement("div");
  item.className = `problem ${error.phase}`;
  const head = document.createElement("div");
  head.textContent = `${error.phase === "compile" ? "Does not compile" : "Error"}. ${where}${error.message}`;
  item.append(head);
  if (error.frame) {
    const pre = document.createElement("pre");
    pre.textContent = error.frame;
    item.append(pre);
  }
  problems.append(item);
  problems.hidden = false;
  if (error.line !== undefined) editor.markError({ line: error.line, column: error.column, message: error.message });
}

/** For an example as shipped: does the TypeScript print the numbers the Python printed? */
function compareWithPython(): void {
  if (!example || editor.text() !== example.typescript) return;
  const c = compareOutputs(output.join("\n"), example.pythonOutput);
  comparison.className = c.same ? "same" : "differs";
  comparison.textContent = c.same
    ? `Same numbers as the Python (${output.length} lines${c.worst > 0 ? `; the largest difference is ${c.worst.toExponential(1)} of a number, from the order of a sum` : ", every digit"})`
    : `Differs from the Python at line ${c.line}: ${c.typescript} / ${c.python}`;
}

// ---- examples, the Python panel and the hash ------------------------------------------------

for (const e of EXAMPLES) select.append(new Option(e.title, e.id));
select.append(new Option("(your program)", ""));

function showExample(e: Example | undefined): void {
  example = e;
  select.value = e?.id ?? "";
  $("python-code").textContent = e ? e.python : "";
  $("python-output").textContent = e ? e.pythonOutput : "";
  $("python").classList.toggle("empty", !e);
}

function load(text: string, e: Example | undefined): void {
  showExample(e);
  clearTimeout(timer);
  editor.setText(text);
  clearTimeout(timer); // setText's change is run here, not after the debounce
  run();
}

select.addEventListener("change", () => {
  const e = exampleById(select.value);
  if (e) {
    load(e.typescript, e);
    void saveToHash();
  }
});
$("run").addEventListener("click", () => run());
$("stop").addEventListener("click", () => stop());
$<HTMLInputElement>("python-toggle").addEventListener("change", (event) => {
  document.body.classList.toggle("no-python", !(event.target as HTMLInputElement).checked);
});
$("share").addEventListener("click", async () => {
  await saveToHash();
  const link = $<HTMLInputElement>("share-link");
  link.value = location.href;
  link.hidden = false;
  link.select();
  try {
    await navigator.clipboard.writeText(location.href);
    $("share").textContent = "Link copied";
  } catch {
    $("share").textContent = "Copy the link";
  }
});

async function saveToHash(): Promise<void> {
  if (applyingHash) return;
  const text = editor.text();
  try {
    const hash = example && text === example.typescript ? await toHash({ example: example.id }) : await toHash({ code: text });
    if (hash !== location.hash) history.replaceState(null, "", hash);
  } catch (error) {
    showProblem({ phase: "run", message: (error as Error).message });
  }
}

async function applyHash(): Promise<void> {
  applyingHash = true;
  try {
    const shared = await fromHash(location.hash);
    if (shared && "code" in shared) {
      if (shared.code !== editor.text()) load(shared.code, EXAMPLES.find((e) => e.typescript === shared.code) ?? example);
      return;
    }
    const e = (shared && exampleById(shared.example)) || EXAMPLES[0]!;
    if (e.typescript !== editor.text()) load(e.typescript, e);
  } catch (error) {
    load(EXAMPLES[0]!.typescript, EXAMPLES[0]);
    showProblem({ phase: "run", message: (error as Error).message });
  } finally {
    applyingHash = false;
  }
}

window.addEventListener("hashchange", () => void applyHash());
window.addEventListener("error", (event) => showProblem({ phase: "run", message: `The page: ${event.message}` }));

startWorker();
void applyHash();
