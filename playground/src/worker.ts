// The worker: compiles the editor's program with the package's Babel plugin, runs it, and sends
// back its console output, its errors (with the line typed), the graph of its result as SVG with
// the backward replay, and what it plots. It runs off the page's thread, so a long training or
// an endless loop never freezes the page: the page ends a busy worker and starts a new one.

import { originalPositionFor, TraceMap } from "@jridgewell/trace-mapping";
import * as runtime from "micrograd-ts";
import { replayBackward } from "./backward-steps.js";
import { type Compiled, CompileError, compile, DONE_PARAM, MODULES_PARAM } from "./compile.js";
import { PLOT_EXPORTS, plotsModule } from "./plots.js";
import type { FromWorker, ProgramError, RunRequest } from "./protocol.js";

const scope = self as unknown as { postMessage(m: FromWorker): void; addEventListener: typeof addEventListener };
const post = (m: FromWorker) => scope.postMessage(m);

/** What a program sees of "micrograd-ts": the runtime, less the helpers that only the transform calls. */
const RUNTIME_EXPORTS = Object.keys(runtime);
const MODULE_EXPORTS = { "micrograd-ts": RUNTIME_EXPORTS, playground: [...PLOT_EXPORTS] };

/** Bounds on the output of one run: a loop that prints forever must not fill the page's memory. */
const MAX_LINES = 5_000;
const MAX_LINE_CHARS = 10_000;

const SCRIPT_NAME = "playground.js";
const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<void>;

let current = 0;
let lines = 0;

// print() and console.log in the program land in the page's console panel, for the run that is on.
for (const level of ["log", "info", "warn", "error", "debug"] as const) {
  console[level] = (...args: unknown[]) => {
    if (++lines > MAX_LINES) {
      if (lines === MAX_LINES + 1) post({ type: "console", id: current, level: "warn", text: `(more than ${MAX_LINES} lines: the rest of the output is not shown)` });
      return;
    }
    let text = args.map(show).join(" ");
    if (text.length > MAX_LINE_CHARS) text = `${text.slice(0, MAX_LINE_CHARS)}… (${text.length} characters)`;
    post({ type: "console", id: current, level: level === "debug" ? "log" : level, text });
  };
}

function show(x: unknown): string {
  if (typeof x === "string") return x;
  if (x instanceof runtime.Value || x instanceof Error) return String(x);
  if (typeof x === "function") return x.toString === Function.prototype.toString ? `[function ${x.name}]` : String(x);
  try {
    return JSON.stringify(x) ?? String(x);
  } catch {
    return String(x);
  }
}

scope.addEventListener("message", (event) => {
  const request = (event as MessageEvent<RunRequest>).data;
  if (request.type === "run") void run(request);
});

// A promise the program forgot to await still reports its error.
scope.addEventListener("unhandledrejection", (event) => {
  const e = event as PromiseRejectionEvent;
  e.preventDefault();
  post({ type: "error", id: current, error: { phase: "run", message: messageOf(e.reason) } });
});

/**
 * Graphviz (the biggest file of the site) is not part of the page, nor of this worker's first
 * load: its fetch and WebAssembly compile start with the first run, alongside compiling and
 * running the program, so it is ready, or nearly, when drawDot needs it (the same module, whose
 * Graphviz.load() is memoised).
 */
let graphvizWarming = false;

async function run({ id, source }: RunRequest): Promise<void> {
  if (!graphvizWarming) {
    graphvizWarming = true;
    void import("@hpcc-js/wasm-graphviz").then((m) => m.Graphviz.load()).catch(() => {});
  }
  current = id;
  lines = 0;
  const started = performance.now();
  let compiled: Compiled;
  try {
    compiled = compile(source, MODULE_EXPORTS);
  } catch (error) {
    const e = error instanceof CompileError ? error : new CompileError(messageOf(error), undefined, undefined, "");
    post({ type: "error", id, error: { phase: "compile", message: e.message, line: e.line, column: e.column, frame: e.frame } });
    post({ type: "done", id, ms: performance.now() - started, ok: false });
    return;
  }

  const plots = plotsModule({
    step: (step, loss, accuracy) => post({ type: "plot-step", id, step, loss, accuracy }),
    boundary: (boundary) => post({ type: "boundary", id, boundary }),
  });
  const drawn: { root: runtime.Value | readonly runtime.Value[]; options?: runtime.DrawOptions }[] = [];
  const modules = {
    "micrograd-ts": {
      ...runtime,
      drawDot(root: runtime.Value | readonly runtime.Value[], options?: runtime.DrawOptions) {
        const drawing = runtime.drawDot(root, options); // checks its arguments first
        drawn.push({ root, options });
        return drawing;
      },
    },
    playground: plots.exports,
  };
  let topLevel: [string, unknown][] = [];
  let ok = true;
  try {
    const program = new AsyncFunction(MODULES_PARAM, DONE_PARAM, `${compiled.code}\n//# sourceURL=${SCRIPT_NAME}`);
    await program(modules, (pairs: [string, unknown][]) => (topLevel = pairs));
    plots.flush();
  } catch (error) {
    ok = false;
    post({ type: "error", id, error: runError(error, compiled) });
  }
  if (ok) await sendGraph(id, drawn, topLevel);
  post({ type: "done", id, ms: performance.now() - started, ok });
}

/** The graph of what the program passed to drawDot last, else of its last top-level Value. */
async function sendGraph(id: number, drawn: { root: runtime.Value | readonly runtime.Value[]; options?: runtime.DrawOptions }[], topLevel: [string, unknown][]): Promise<void> {
  let root: runtime.Value | readonly runtime.Value[] | undefined;
  let options: runtime.DrawOptions | undefined;
  let title: string;
  const last = drawn.at(-1);
  if (last) {
    ({ root, options } = last);
    title = `drawDot(${Array.isArray(root) ? "[…]" : (root as runtime.Value).label || "v"})`;
  } else {
    const found = [...topLevel].reverse().find(([, v]) => v instanceof runtime.Value);
    if (!found) {
      post({ type: "no-graph", id, isError: false, reason: "No graph: the program has no Value at its top level. Define one (const L = d * f) or pass one to drawDot(v)." });
      return;
    }
    root = found[1] as runtime.Value;
    title = `${found[0]}, the program's last Value`;
    const size = runtime.topologicalOrder(root).length;
    if (size > runtime.DEFAULT_MAX_NODES) {
      const reason = `No graph: ${found[0]}, the program's last Value, has a graph of ${size.toLocaleString("en-US")} values, too many to draw (drawDot draws up to ${runtime.DEFAULT_MAX_NODES.toLocaleString("en-US")}). Pass a smaller Value to drawDot(v), such as one data point's score.`;
      post({ type: "no-graph", id, isError: false, reason });
      return;
    }
  }
  try {
    const drawing = runtime.drawDot(root, options);
    const svg = await drawing.toSvg();
    const single = root instanceof runtime.Value ? root : null;
    const order = single ? runtime.topologicalOrder(single) : [];
    const replay = single ? replayBackward(single, order) : null;
    post({
      type: "graph",
      id,
      svg,
      title,
      valueCount: drawing.valueCount,
      programGrads: replay?.programGrads ?? [],
      steps: replay?.steps ?? [],
      programStep: replay?.programStep ?? null,
      note: replay ? replay.note : "The backward steps are shown for one root; this drawing has several.",
    });
  } catch (error) {
    post({ type: "no-graph", id, isError: true, reason: messageOf(error) });
  }
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return `${error.name === "Error" ? "" : `${error.name}: `}${error.message}`;
  return `uncaught ${typeof error === "string" ? JSON.stringify(error) : String(error)}`;
}

// The first frame of the stack that is in the program, mapped back to the editor's text.
let headerLines: number | undefined;

function runError(error: unknown, compiled: Compiled): ProgramError {
  const message = messageOf(error);
  // The transform's own position: "playground.ts:3:11: Operator % is not defined on a Value (…)."
  const at = /playground\.ts:(\d+):(\d+): /.exec(message);
  if (at) return { phase: "run", message: message.replace(at[0], ""), line: Number(at[1]), column: Number(at[2]) };
  const stack = error instanceof Error ? (error.stack ?? "") : "";
  const frame = new RegExp(`${SCRIPT_NAME.replace(".", "\\.")}:(\\d+):(\\d+)`).exec(stack);
  if (!frame) return { phase: "run", message };
  const line = Number(frame[1]) - functionHeaderLines();
  const original = originalPositionFor(new TraceMap(compiled.map as ConstructorParameters<typeof TraceMap>[0]), { line, column: Number(frame[2]) - 1 });
  if (original.line == null) return { phase: "run", message };
  return { phase: "run", message, line: original.line, column: original.column + 1 };
}

/** How many lines the engine puts before a Function's body (2 in V8: the header and its parameters). */
function functionHeaderLines(): number {
  if (headerLines === undefined) {
    // An async function's header has as many lines as a plain one's.
    const probe = new Function("a", "b", "return new Error().stack\n//# sourceURL=probe.js") as () => string;
    const m = /probe\.js:(\d+):/.exec(probe() ?? "");
    headerLines = m ? Number(m[1]) - 1 : 2;
  }
  return headerLines;
}

post({ type: "ready" });
