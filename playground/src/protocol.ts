// The messages between the page and the worker that compiles and runs the program.

export interface RunRequest {
  type: "run";
  id: number;
  source: string;
}

/** An error of the program: where it is in the editor's text (1-based), and Babel's code frame. */
export interface ProgramError {
  phase: "compile" | "run";
  message: string;
  line?: number;
  column?: number;
  frame?: string;
}

/** One step of the backward replay: which node's `_backward()` ran, and the grads it changed. */
export interface BackwardStep {
  /** "L.grad = 1", "d._backward()". */
  title: string;
  /** The chain rule of this step in words and numbers. */
  detail: string;
  /** Index (trace order, as drawDot names the nodes n0, n1, …) of the node whose local derivative is applied. */
  current: number | null;
  /** [index, "grad -2.0000"] for each node whose grad this step changed. */
  changes: [number, string][];
}

export interface GraphMessage {
  type: "graph";
  id: number;
  svg: string;
  /** What the graph is: "drawDot(L)", "L (the last Value of the program)". */
  title: string;
  valueCount: number;
  /** Each node's grad text as the program left it, by index. */
  programGrads: string[];
  /** The replay: step 0 (every grad 0), step 1 (root.grad = 1), then one per op node. Empty when it cannot be shown. */
  steps: BackwardStep[];
  /** The step whose grads equal the program's own (the slider starts there); null when none does. */
  programStep: number | null;
  note: string;
}

export type FromWorker =
  | { type: "ready" }
  | { type: "console"; id: number; level: "log" | "info" | "warn" | "error"; text: string }
  | { type: "error"; id: number; error: ProgramError }
  | GraphMessage
  | { type: "no-graph"; id: number; reason: string; isError: boolean }
  | { type: "plot-step"; id: number; step: number; loss: number; accuracy: number | null }
  | { type: "boundary"; id: number; boundary: Boundary }
  | { type: "done"; id: number; ms: number; ok: boolean };

/** The decision boundary: the model's class on a grid, and the data points. */
export interface Boundary {
  xs: number[];
  ys: number[];
  /** Row-major over ys then xs: 1 where the score is above 0. */
  predictions: number[];
  points: [number, number][];
  labels: number[];
}
