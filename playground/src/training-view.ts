// The training panel: loss and accuracy per step (plotStep) and the decision boundary
// (plotBoundary), redrawn as the worker sends them, at most once a frame.

import type { Boundary } from "./protocol.js";

/**
 * The notebook's colours: matplotlib's Spectral at its two ends for the regions (at 35% on white,
 * opaque, so that cells that overlap by a pixel leave no darker seam), jet's for the points.
 */
const REGION = ["rgb(221, 166, 189)", "rgb(199, 193, 222)"];
const POINT = ["#d7301f", "#2b50c8"];

export class TrainingView {
  private steps: { step: number; loss: number; accuracy: number | null }[] = [];
  private boundary: Boundary | null = null;
  private frame = 0;

  constructor(private readonly elements: { panel: HTMLElement; status: HTMLElement; chart: HTMLCanvasElement; boundary: HTMLCanvasElement }) {}

  reset(): void {
    this.steps = [];
    this.boundary = null;
    this.elements.panel.hidden = true;
    this.elements.status.textContent = "";
  }

  addStep(step: number, loss: number, accuracy: number | null): void {
    this.steps.push({ step, loss, accuracy });
    this.schedule();
  }

  setBoundary(boundary: Boundary): void {
    this.boundary = boundary;
    this.schedule();
  }

  private schedule(): void {
    this.elements.panel.hidden = false;
    if (this.frame === 0) this.frame = requestAnimationFrame(() => this.draw());
  }

  private draw(): void {
    this.frame = 0;
    const last = this.steps.at(-1);
    if (last) {
      const acc = last.accuracy === null ? "" : ` · accuracy ${(last.accuracy * 100).toFixed(1)}%`;
      this.elements.status.textContent = `step ${last.step} · loss ${last.loss.toPrecision(6)}${acc}`;
    }
    this.drawChart();
    if (this.boundary) this.drawBoundary(this.boundary);
  }

  private drawChart(): void {
    const { ctx, width, height } = setUp(this.elements.chart);
    const pad = { left: 44, right: 62, top: 12, bottom: 24 };
    const w = width - pad.left - pad.right;
    const h = height - pad.top - pad.bottom;
    ctx.font = "11px system-ui, sans-serif";
    ctx.strokeStyle = "#999";
    ctx.strokeRect(pad.left, pad.top, w, h);
    const steps = this.steps;
    if (steps.length === 0) return;
    const first = steps[0]!.step;
    const lastStep = Math.max(steps.at(-1)!.step, first + 1);
    const maxLoss = Math.max(...steps.map((s) => (Number.isFinite(s.loss) ? s.loss : 0)), 1e-12);
    const x = (step: number) => pad.left + ((step - first) / (lastStep - first)) * w;
    const line = (color: string, y: (s: (typeof steps)[number]) => number | null) => {
      ctx.strokeStyle = color;
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      let started = false;
      for (const s of steps) {
        const v = y(s);
        if (v === null || !Number.isFinite(v)) continue;
        if (started) ctx.lineTo(x(s.step), v);
        else ctx.moveTo(x(s.step), v), (started = true);
      }
      ctx.stroke();
    };
    line("#c0392b", (s) => pad.top + h - (Math.max(0, s.loss) / maxLoss) * h);
    line("#2471a3", (s) => (s.accuracy === null ? null : pad.top + h - s.accuracy * h));
    ctx.fillStyle = "#c0392b";
    ctx.textAlign = "right";
    ctx.fillText(maxLoss.toPrecision(3), pad.left - 4, pad.top + 9);
    ctx.fillText("loss", pad.left - 4, pad.top + h / 2);
    ctx.fillText("0", pad.left - 4, pad.top + h);
    ctx.fillStyle = "#2471a3";
    ctx.textAlign = "left";
    ctx.fillText("100%", pad.left + w + 4, pad.top + 9);
    ctx.fillText("accuracy", pad.left + w + 4, pad.top + h / 2);
    ctx.fillText("0%", pad.left + w + 4, pad.top + h);
    ctx.fillStyle = "#333";
    ctx.textAlign = "center";
    ctx.fillText(`step ${first}`, pad.left + 24, height - 6);
    ctx.fillText(`step ${steps.at(-1)!.step}`, pad.left + w - 24, height - 6);
  }

  private drawBoundary(b: Boundary): void {
    const { ctx, width, height } = setUp(this.elements.boundary);
    if (b.xs.length === 0 || b.ys.length === 0) return;
    const cellW = b.xs.length > 1 ? b.xs[1]! - b.xs[0]! : 1;
    const cellH = b.ys.length > 1 ? b.ys[1]! - b.ys[0]! : 1;
    const x0 = b.xs[0]! - cellW / 2;
    const x1 = b.xs.at(-1)! + cellW / 2;
    const y0 = b.ys[0]! - cellH / 2;
    const y1 = b.ys.at(-1)! + cellH / 2;
    const scale = Math.min(width / (x1 - x0), height / (y1 - y0));
    const px = (x: number) => (x - x0) * scale;
    const py = (y: number) => height - (y - y0) * scale;
    b.ys.forEach((gy, r) => {
      b.xs.forEach((gx, c) => {
        ctx.fillStyle = REGION[b.predictions[r * b.xs.length + c]!]!;
        // whole pixels, so that neighbouring cells leave no seam between them
        const left = Math.floor(px(gx - cellW / 2));
        const top = Math.floor(py(gy + cellH / 2));
        ctx.fillRect(left, top, Math.ceil(px(gx + cellW / 2)) - left, Math.ceil(py(gy - cellH / 2)) - top);
      });
    });
    b.points.forEach(([x, y], i) => {
      ctx.fillStyle = POINT[b.labels[i]! > 0 ? 1 : 0]!;
      ctx.beginPath();
      ctx.arc(px(x), py(y), 3.5, 0, 2 * Math.PI);
      ctx.fill();
      ctx.strokeStyle = "#222";
      ctx.lineWidth = 0.5;
      ctx.stroke();
    });
  }
}

function setUp(canvas: HTMLCanvasElement): { ctx: CanvasRenderingContext2D; width: number; height: number } {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth || 360;
  const height = canvas.clientHeight || 240;
  if (canvas.width !== Math.round(width * ratio)) canvas.width = Math.round(width * ratio);
  if (canvas.height !== Math.round(height * ratio)) canvas.height = Math.round(height * ratio);
  const ctx = canvas.getContext("2d")!;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  return { ctx, width, height };
}
