// One fresh process of the training benchmark (bench/training.mjs runs several, alternating):
// micrograd's demo step (max-margin loss + 1e-4 L2, forward, zeroGrad, backward, SGD update)
// on an MLP(2, [h1, h2, 1]) over `points` moons points, done one way per process. Prints one
// JSON line.
//
//   node bench/lib/train-worker.mjs <mode> <runtime index.js URL> <h1> <h2> <points> <warm-up> <steps>
//
// modes:
//   engine    the runtime as given (nn's neurons are dot nodes)
//   chain     the same with { fused: false }: the lecture's chain of * and + for each neuron
//   baseline  an earlier commit's runtime (bench/lib/baseline.mjs), its nn as it is
//   floor     the same step hand-written over Float64Arrays: no graph; the runtime only gives the
//             data and the initial weights

import { PerformanceObserver } from "node:perf_hooks";
import { demoData } from "./moons.mjs";

const [mode, runtimeUrl, h1Arg, h2Arg, pointsArg, warmArg, stepsArg] = process.argv.slice(2);
const rt = await import(runtimeUrl);
const [H1, H2, POINTS, WARM, STEPS] = [h1Arg, h2Arg, pointsArg, warmArg, stepsArg].map(Number);
const { X, y, source } = demoData(rt, POINTS);
const ALPHA = 1e-4;

rt.random.seed(1337);
const model = new rt.MLP(2, [H1, H2, 1], mode === "chain" ? { fused: false } : {});
const params = model.parameters();

// ---------------------------------------------------------------------------------------------
// The engine: demo.ipynb's loss() and training loop, op for op.

function engineLoss() {
  const { Value, add, mul, relu } = rt;
  const inputs = X.map((row) => row.map((v) => new Value(v)));
  const scores = inputs.map((x) => model(x));
  const losses = scores.map((s, i) => relu(add(1, mul(-y[i], s))));
  const dataLoss = mul(
    losses.reduce((acc, l) => add(acc, l), 0),
    1.0 / losses.length,
  );
  const regLoss = mul(
    ALPHA,
    params.reduce((acc, p) => add(acc, mul(p, p)), 0),
  );
  return add(dataLoss, regLoss);
}

function engineStep(k) {
  const total = engineLoss();
  model.zeroGrad();
  total.backward();
  const lr = 1.0 - (0.9 * k) / 100;
  for (const p of params) p.data -= lr * p.grad;
  return total.data;
}

// ---------------------------------------------------------------------------------------------
// The floor: the same numbers with no graph. Parameters in micrograd's order (each neuron's
// weights, then its bias, layer by layer), so the L2 term sums in the same order; the backward
// pass is dense, as the graph's is (a zero gradient still flows through every node).

const P = Float64Array.from(params, (p) => p.data);
const G = new Float64Array(P.length);
const a1 = new Float64Array(H1);
const a2 = new Float64Array(H2);
const d1 = new Float64Array(H1);
const d2 = new Float64Array(H2);
const L2 = 3 * H1; // first layer: H1 neurons x (2 weights + bias)
const L3 = L2 + H2 * (H1 + 1);

function floorStep(k, points = X.length) {
  G.fill(0);
  let lossSum = 0;
  const n = X.length;
  for (let i = 0; i < points; i++) {
    const x0 = X[i][0];
    const x1 = X[i][1];
    for (let j = 0; j < H1; j++) {
      const o = j * 3;
      let a = P[o + 2];
      a += P[o] * x0;
      a += P[o + 1] * x1;
      a1[j] = a < 0 ? 0 : a;
    }
    for (let j = 0; j < H2; j++) {
      const o = L2 + j * (H1 + 1);
      let a = P[o + H1];
      for (let q = 0; q < H1; q++) a += P[o + q] * a1[q];
      a2[j] = a < 0 ? 0 : a;
    }
    let s = P[L3 + H2];
    for (let q = 0; q < H2; q++) s += P[L3 + q] * a2[q];
    const margin = 1 + -y[i] * s;
    lossSum += margin < 0 ? 0 : margin;
    const ds = margin > 0 ? (1.0 / n) * -y[i] : 0;
    G[L3 + H2] += ds;
    for (let q = 0; q < H2; q++) {
      G[L3 + q] += ds * a2[q];
      d2[q] = ds * P[L3 + q];
    }
    d1.fill(0);
    for (let j = 0; j < H2; j++) {
      const g = a2[j] > 0 ? d2[j] : 0;
      const o = L2 + j * (H1 + 1);
      G[o + H1] += g;
      for (let q = 0; q < H1; q++) {
        G[o + q] += g * a1[q];
        d1[q] += g * P[o + q];
      }
    }
    for (let j = 0; j < H1; j++) {
      const g = a1[j] > 0 ? d1[j] : 0;
      const o = j * 3;
      G[o + 2] += g;
      G[o] += g * x0;
      G[o + 1] += g * x1;
    }
  }
  let reg = 0;
  for (let p = 0; p < P.length; p++) {
    reg += P[p] * P[p];
    G[p] += 2 * ALPHA * P[p];
  }
  const loss = lossSum * (1.0 / n) + ALPHA * reg;
  const lr = 1.0 - (0.9 * k) / 100;
  for (let p = 0; p < P.length; p++) P[p] -= lr * G[p];
  return loss;
}

// ---------------------------------------------------------------------------------------------

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

// Garbage collection: V8 reports each pause; the observer's callback runs once the loop yields.
const gcPauses = [];
new PerformanceObserver((list) => gcPauses.push(...list.getEntries())).observe({ entryTypes: ["gc"] });

/**
 * CPU time (all threads of this process, so the GC's helper threads count: not inflated by
 * waiting for a core that other work holds) and wall time of each step after the warm-up.
 */
async function timeSteps(step) {
  const wall = [];
  const cpu = [];
  const losses = [];
  let from = 0;
  let to = 0;
  for (let k = 0; k < WARM + STEPS; k++) {
    if (k === WARM) from = performance.now();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    losses.push(step(k % 100));
    const t1 = performance.now();
    const c1 = process.cpuUsage(c0);
    if (k >= WARM) {
      wall.push(t1 - t0);
      cpu.push((c1.user + c1.system) / 1000);
    }
  }
  to = performance.now();
  await new Promise((resolve) => setTimeout(resolve, 50)); // let the GC observer report
  const gcMs = gcPauses.filter((e) => e.startTime >= from && e.startTime < to).reduce((s, e) => s + e.duration, 0);
  return { ms: median(wall), minMs: Math.min(...wall), cpuMs: median(cpu), gcShare: gcMs / (to - from), losses };
}

let result;
if (mode === "floor") {
  // One pass over two points first, so that every line of floorStep has run before the compiler
  // optimizes its loop while the loop runs (on-stack replacement): otherwise the optimized loop
  // bails out at the first line after it, on every call.
  floorStep(0, 2);
  P.set(params.map((p) => p.data));
  result = await timeSteps(floorStep);
} else {
  const count = rt.countNodes ?? ((root) => rt.topologicalOrder(root).length);
  result = { ...(await timeSteps(engineStep)), nodes: count(engineLoss()) };
}
process.stdout.write(JSON.stringify({ mode, h1: H1, h2: H2, points: POINTS, source, ...result }) + "\n");
