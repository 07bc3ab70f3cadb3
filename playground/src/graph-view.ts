// The graph panel: Graphviz's SVG of drawDot, and the backward replay under it. The picture is
// laid out once; each step rewrites the grad fields in place and highlights the node whose
// local derivative is applied (and the children whose grads it fills), so nothing moves.

import type { GraphMessage } from "./protocol.js";

interface NodeParts {
  record: SVGGElement;
  op: SVGGElement | null;
  grad: SVGTextElement | null;
}

export class GraphView {
  private message: GraphMessage | null = null;
  private nodes: NodeParts[] = [];
  private step: number | null = null;

  constructor(
    private readonly elements: {
      title: HTMLElement;
      picture: HTMLElement;
      stepper: HTMLElement;
      slider: HTMLInputElement;
      prev: HTMLButtonElement;
      next: HTMLButtonElement;
      caption: HTMLElement;
      note: HTMLElement;
    },
  ) {
    elements.slider.addEventListener("input", () => this.show(Number(elements.slider.value)));
    elements.prev.addEventListener("click", () => this.show(Math.max(0, (this.step ?? this.last()) - 1)));
    elements.next.addEventListener("click", () => this.show(Math.min(this.last(), (this.step ?? -1) + 1)));
  }

  /** A new graph: the picture as the program left it, the slider where its grads are. */
  render(message: GraphMessage): void {
    const { picture, title, stepper, slider, note } = this.elements;
    picture.replaceChildren(document.importNode(sanitize(message.svg), true));
    picture.classList.remove("stale");
    fitWidth(picture);
    title.textContent = `${message.title} · ${message.valueCount} value${message.valueCount === 1 ? "" : "s"}`;
    this.message = message;
    note.classList.remove("error");
    this.nodes = this.findNodes(picture.querySelector("svg")!, message);
    const steppable = message.steps.length > 0 && this.nodes.length === message.programGrads.length;
    stepper.hidden = !steppable;
    note.textContent = steppable || message.steps.length === 0 ? message.note : "The picture's nodes do not match the graph's: the backward steps are not shown.";
    this.step = null;
    if (!steppable) return;
    slider.max = String(this.last());
    slider.value = String(message.programStep ?? this.last());
    this.show(null);
  }

  /** The last picture stays (dimmed) when a run fails, so the page never goes blank. */
  markStale(): void {
    this.elements.picture.classList.add("stale");
  }

  clear(reason: string, isError = false): void {
    this.message = null;
    this.elements.note.classList.toggle("error", isError);
    this.nodes = [];
    this.elements.picture.replaceChildren();
    this.elements.stepper.hidden = true;
    this.elements.title.textContent = "";
    this.elements.note.textContent = reason;
  }

  private last(): number {
    return (this.message?.steps.length ?? 1) - 1;
  }

  /** Step k of the replay, or (null) the grads as the program left them. */
  show(k: number | null): void {
    const m = this.message;
    if (!m) return;
    const { slider, caption, prev, next } = this.elements;
    this.step = k;
    for (const n of this.nodes) n.record.classList.remove("current", "filled"), n.op?.classList.remove("current");
    if (k === null) {
      this.nodes.forEach((n, i) => {
        setText(n.grad, m.programGrads[i]!);
      });
      const at = m.programStep;
      caption.textContent =
        at === null
          ? "The grads as the program left them."
          : `The grads as the program left them (step ${at} of ${this.last()}). Press Next or drag the slider to replay backward.`;
      prev.disabled = false;
      next.disabled = false;
      return;
    }
    const texts = m.programGrads.slice();
    for (let s = 0; s <= k; s++) for (const [i, text] of m.steps[s]!.changes) texts[i] = text;
    this.nodes.forEach((n, i) => {
      setText(n.grad, texts[i]!);
    });
    const step = m.steps[k]!;
    const current = step.current === null ? undefined : this.nodes[step.current];
    if (current) {
      current.record.classList.add("current");
      current.op?.classList.add("current");
      // a big graph scrolls: keep the node being applied in sight
      (current.op ?? current.record).scrollIntoView({ block: "nearest", inline: "nearest" });
    }
    if (k > 0) for (const [i] of step.changes) if (i !== step.current) this.nodes[i]?.record.classList.add("filled");
    slider.value = String(k);
    caption.replaceChildren(strong(`Step ${k} of ${this.last()}: ${step.title}`), document.createTextNode(` ${step.detail}`));
    prev.disabled = k === 0;
    next.disabled = k === this.last();
  }

  /** The record and op node of each Value, by drawDot's names n0, n1, … (and n0_op …). */
  private findNodes(svg: Element, message: GraphMessage): NodeParts[] {
    const byTitle = new Map<string, SVGGElement>();
    for (const g of svg.querySelectorAll<SVGGElement>("g.node")) {
      const title = g.querySelector("title")?.textContent;
      if (title) byTitle.set(title, g);
    }
    const nodes: NodeParts[] = [];
    for (let i = 0; ; i++) {
      const record = byTitle.get(`n${i}`);
      if (!record) break;
      const grad = [...record.querySelectorAll<SVGTextElement>("text")].find((t) => t.textContent?.startsWith("grad ")) ?? null;
      // The picture must be the graph the steps were computed on: every grad field matches.
      if (grad?.textContent !== message.programGrads[i]) return [];
      nodes.push({ record, op: byTitle.get(`n${i}_op`) ?? null, grad });
    }
    return nodes;
  }
}

/** The elements Graphviz's SVG is made of; anything else is dropped. */
const SVG_ELEMENTS = new Set(["svg", "g", "title", "polygon", "polyline", "path", "ellipse", "text", "tspan"]);

/**
 * The SVG comes from the worker, which runs whatever program a link holds: only Graphviz's
 * elements are kept, and no attribute that runs code or points elsewhere (on…, href).
 * Graphviz wraps a node that has a tooltip (drawDot's shortened long labels) in an `<a>`: the
 * link is unwrapped, its children kept, and its tooltip becomes a `<title>` the browser shows.
 */
function sanitize(text: string): Element {
  const svg = new DOMParser().parseFromString(text, "image/svg+xml").documentElement;
  if (svg.nodeName !== "svg") throw new Error("Graphviz returned no SVG");
  for (const el of [svg, ...svg.querySelectorAll("*")]) {
    if (el.nodeName === "a" && el.parentNode) {
      const tooltip = el.getAttribute("xlink:title") ?? el.getAttribute("title");
      const parent = el.parentNode;
      el.replaceWith(...el.childNodes);
      if (tooltip) {
        const title = document.createElementNS("http://www.w3.org/2000/svg", "title");
        title.textContent = tooltip;
        parent.appendChild(title);
      }
      continue;
    }
    if (!SVG_ELEMENTS.has(el.nodeName)) {
      el.remove();
      continue;
    }
    for (const { name } of [...el.attributes]) if (/^on|href$/i.test(name)) el.removeAttribute(name);
  }
  return svg;
}

/**
 * A picture a little wider than the panel is scaled to fit; a much wider one (a big graph) keeps
 * its size, readable, and scrolls.
 */
function fitWidth(picture: HTMLElement): void {
  const svg = picture.querySelector("svg");
  const width = parseFloat(svg?.getAttribute("width") ?? "") * (4 / 3); // Graphviz gives points
  if (!svg || !(width > 0) || !svg.getAttribute("viewBox")) return;
  const scale = picture.clientWidth / width;
  if (scale < 1 && scale >= 0.45) {
    svg.setAttribute("width", "100%");
    svg.removeAttribute("height");
  }
}

function setText(el: SVGTextElement | null, text: string): void {
  if (el && el.textContent !== text) el.textContent = text;
}

function strong(text: string): HTMLElement {
  const b = document.createElement("strong");
  b.textContent = text;
  return b;
}
