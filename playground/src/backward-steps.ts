// The backward pass replayed node by node, as the lecture does it by hand before it introduces
// backward(): every grad to 0, `L.grad = 1`, then `_backward()` on each node in reverse
// topological order. Each step records the grads it changed, so the page can fill them in one
// step at a time. The Values are left exactly as the program left them.

import { pyFixed, pyRepr, topologicalOrder, type Value } from "micrograd-ts";
import type { BackwardStep } from "./protocol.js";

export interface Replay {
  steps: BackwardStep[];
  /** Each node's grad text as the program left it, in trace order. */
  programGrads: string[];
  programStep: number | null;
  note: string;
}

export const gradText = (g: number) => `grad ${pyFixed(g)}`;

/** `order` is topologicalOrder(root): children first, the order drawDot numbers the nodes in. */
export function replayBackward(root: Value, order: readonly Value[] = topologicalOrder(root)): Replay {
  const index = new Map(order.map((v, i) => [v, i]));
  const saved = order.map((v) => v.grad);
  const programGrads = saved.map(gradText);
  const steps: BackwardStep[] = [];
  try {
    for (const v of order) v.grad = 0;
    steps.push({ title: "before backward", detail: "Every grad starts at 0.", current: null, changes: order.map((_, i) => [i, gradText(0)]) });
    root.grad = 1;
    steps.push({
      title: `${name(root)}.grad = 1.0`,
      detail: `The gradient of ${name(root)} with respect to itself is 1: the chain rule starts here.`,
      current: index.get(root)!,
      changes: [[index.get(root)!, gradText(1)]],
    });
    for (let i = order.length - 1; i >= 0; i--) {
      const v = order[i]!;
      if (v.op === "") continue; // a leaf's _backward() does nothing
      v._backward();
      const children = [...new Set(v.children)];
      steps.push({
        title: `${name(v)}._backward()`,
        detail: chainRule(v, children),
        current: i,
        changes: children.map((c) => [index.get(c)!, gradText(c.grad)]),
      });
    }
    const replayed = order.map((v) => v.grad);
    const sameAsEnd = replayed.every((g, i) => Object.is(g, saved[i]) || g === saved[i]);
    const allZero = saved.every((g) => g === 0);
    let programStep: number | null = null;
    let note = "";
    if (sameAsEnd) programStep = steps.length - 1;
    else if (allZero) {
      programStep = 0;
      note = `The program did not call ${name(root)}.backward(): step through to see what it would fill in.`;
    } else {
      note =
        "The program's grads differ from one backward() pass from zero (it set grads by hand, called backward() more than once, " +
        "or this graph is part of a larger one): the graph shows the program's grads, the steps replay one pass.";
    }
    return { steps, programGrads, programStep, note };
  } finally {
    order.forEach((v, i) => {
      v.grad = saved[i]!;
    });
  }
}

/** A node as the captions name it: its label, else a constant's number or its op; bracketed unless a plain name. */
function name(v: Value): string {
  // "(x1*w1 + x2*w2).grad" reads as one name; "a.grad" needs no brackets
  if (v.label === "" && v.op !== "") return `(${v.op})`;
  const text = v.label !== "" ? v.label : pyRepr(v.data);
  return /^[\p{L}_$][\p{L}\p{N}_$]*$/u.test(text) ? text : `(${text})`;
}

/** The chain rule of one node: its local derivative with respect to each child, times its grad. */
function chainRule(v: Value, children: Value[]): string {
  const o = name(v);
  const [a, b] = v.children.map(name);
  const g = `${o}.grad`;
  const local = LOCAL[v.op.startsWith("**") && v.op !== "**" ? "**k" : v.op];
  const terms = local ? local(o, a!, b, v.op.slice(2)) : v.children.map(() => "d(out)/d(child)");
  const lines = v.children.map((c, k) => `${name(c)}.grad += ${terms[k]} · ${g}`);
  // `a + a` names a twice: the grad after the step holds both terms
  const now = children.map((c) => `${name(c)}.grad = ${pyFixed(c.grad)}`).join(", ");
  return `${o} = ${expression(v)}. ${lines.join("; ")}. Now ${now}.`;
}

type Local = (out: string, a: string, b: string | undefined, exponent: string) => string[];

const LOCAL: Record<string, Local> = {
  "+": () => ["1", "1"],
  "-": () => ["1", "-1"],
  "*": (_o, a, b) => [`${b}.data`, `${a}.data`],
  "/": (_o, a, b) => [`(1 / ${b}.data)`, `(-${a}.data / ${b}.data²)`],
  neg: () => ["-1"],
  "**k": (_o, a, _b, k) => [`${k} · ${a}.data^(${k} - 1)`],
  "**": (o, a, b) => [`${b}.data · ${a}.data^(${b}.data - 1)`, `ln(${a}.data) · ${o}.data`],
  exp: (o) => [`${o}.data`],
  log: (_o, a) => [`(1 / ${a}.data)`],
  tanh: (o) => [`(1 - ${o}.data²)`],
  ReLU: (o) => [`(${o}.data > 0 ? 1 : 0)`],
  sigmoid: (o) => [`${o}.data · (1 - ${o}.data)`],
};

function expression(v: Value): string {
  const [a, b] = v.children.map(name);
  if (v.op.startsWith("**") && v.op !== "**") return `${a}${v.op}`;
  if (b !== undefined) return `${a} ${v.op} ${b}`;
  return v.op === "neg" ? `-${a}` : `${v.op}(${a})`;
}
