// One fresh process of the training benchmark (bench/training.mjs spawns several):
// micrograd's demo step with the engine, and the same step hand-written over Float64Arrays
// (the floor), both timed in this process. Prints one JSON line.
//
//   node bench/lib/train-worker.mjs <runtime index.js URL> <warm-up steps> <timed steps>

import { demoData } from "./moons.mjs";

const [runtimeUrl, warmArg, stepsArg] = process.argv.slice(2);
const rt = await import(runtimeUrl);
const WARM = Number(warmArg);
const STEPS = Number(stepsArg);
const { X, y, source } = demoData(rt);
const ALPHA = 1e-4;

// ---------------------------------------------------------------------------------------------
// The engine: demo.ipynb's loss() and training loop, op for op.

rt.random.seed(1337);
const model = new rt.MLP(2, [16, 16, 1]);
const { Value, add, mul, relu } = rt;

function engineLoss() {
  const inputs = X.map((row) => row.map((v) => new Value(v)));
  const scores = inputs.map((x) => model(x));
  const losses = scores.map((s, i) => relu(add(1, mul(-y[i], s))));
  const dataLoss = mul(losses.reduce((acc, l) => add(acc, l), 0), 1.0 / losses.length);
  const regLoss = mul(ALPHA, model.parameters().reduce((acc, p) => add(acc, mul(p, p)), 0));
  let correct = 0;
  for (let i = 0; i < scores.length; i++) if (y[i] > 0 === scores[i].data > 0) correct++;
  return { total: add(dataLoss, regLoss), accuracy: correct / scores.length };
}

function engineStep(k) {
  const { total } = engineLoss();
  model.zeroGrad();
  total.backward();
  const lr = 1.0 - (0.9 * k) / 100;
  for (const p of model.parameters()) p.data -= lr * p.grad;
  return total.data;
}

// ---------------------------------------------------------------------------------------------
// The floor: the same numbers with no graph. Parameters in micrograd's order (each neuron's
// weights, then its bias, layer by layer), so the L2 term sums in the same order.

const P = Float64Array.from(model.parameters(), (p) => p.data);
const G = new Float64Array(P.length);
const h1 = new Float64Array(16);
const h2 = new Float64Array(16);
const d1 = new Float64Array(16);
const d2 = new Float64Array(16);
const L2 = 48; // first layer: 16 neurons x (2 weights + bias)
const L3 = 48 + 16 * 17;

function floorStep(k, points = X.length) {
  G.fill(0);
  let lossSum = 0;
  const n = X.length;
  for (let i = 0; i < points; i++) {
    const x0 = X[i][0];
    const x1 = X[i][1];
    for (let j = 0; j < 16; j++) {
      const o = j * 3;
      let a = P[o + 2];
      a += P[o] * x0;
      a += P[o + 1] * x1;
      h1[j] = a < 0 ? 0 : a;
    }
    for (let j = 0; j < 16; j++) {
      const o = L2 + j * 17;
      let a = P[o + 16];
      for (let q = 0; q < 16; q++) a += P[o + q] * h1[q];
      h2[j] = a < 0 ? 0 : a;
    }
    let s = P[L3 + 16];
    for (let q = 0; q < 16; q++) s += P[L3 + q] * h2[q];
    const margin = 1 + -y[i] * s;
    lossSum += margin < 0 ? 0 : margin;
    {
      // dense, as the graph is: a zero gradient still flows through every node
      const ds = margin > 0 ? (1.0 / n) * -y[i] : 0;
      G[L3 + 16] += ds;
      for (let q = 0; q < 16; q++) {
        G[L3 + q] += ds * h2[q];
        d2[q] = ds * P[L3 + q];
      }
      d1.fill(0);
      for (let j = 0; j < 16; j++) {
        {
          const g = h2[j] > 0 ? d2[j] : 0;
          const o = L2 + j * 17;
          G[o + 16] += g;
          for (let q = 0; q < 16; q++) {
            G[o + q] += g * h1[q];
            d1[q] += g * P[o + q];
          }
        }
      }
      for (let j = 0; j < 16; j++) {
        {
          const g = h1[j] > 0 ? d1[j] : 0;
          const o = j * 3;
          G[o + 2] += g;
          G[o] += g * x0;
          G[o + 1] += g * x1;
        }
      }
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

/**
 * Wall time and CPU time (all threads of this process, so the GC's helper threads count) of
 * each step after the warm-up. On a machine shared with other work the wall time includes
 * waiting for a core; the CPU time does not.
 */
function timeSteps(step) {
  const wall = [];
  const cpu = [];
  const losses = [];
  for (let k = 0; k < WARM + STEPS; k++) {
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
  return { ms: median(wall), minMs: Math.min(...wall), cpuMs: median(cpu), losses };
}

// One pass over two points first, so that every line of floorStep has run before the compiler
// optimizes its loop while the loop runs (on-stack replacement): otherwise the optimized loop
// bails out at the first line after it, on every call.
floorStep(0, 2);
P.set(model.parameters().map((p) => p.data));

const nodes = rt.topologicalOrder(engineLoss().total).length;
// Interleave nothing: the engine runs first, then the floor, each from the same weights.
const engine = timeSteps(engineStep);
const floor = timeSteps(floorStep);
let maxRel = 0;
for (let k = 0; k < engine.losses.length; k++) {
  const rel = Math.abs(engine.losses[k] - floor.losses[k]) / Math.abs(floor.losses[k]);
  if (rel > maxRel) maxRel = rel;
}
process.stdout.write(
  JSON.stringify({ engineMs: engine.ms, engineMinMs: engine.minMs, engineCpuMs: engine.cpuMs, floorMs: floor.ms, floorMinMs: floor.minMs, floorCpuMs: floor.cpuMs, nodes, maxRelLossDiff: maxRel, losses: engine.losses.slice(0, 11), source }) + "\n",
);
