// One fresh process (with --expose-gc) of bench/memory.mjs's retention scenarios: trains
// micrograd's demo model and measures what stays held (heap + ArrayBuffers, GC forced) by what
// the user keeps. Prints one JSON line.
//
//   node --expose-gc bench/lib/retain-worker.mjs <runtime index.js URL> <scenario> <steps>
//
// scenarios: none (keep nothing), last (keep the last step's loss), every (keep every step's
// loss), chain (keep a learning rate chained as a Value across the steps: lr = lr * 0.99)

import { demoData } from "./moons.mjs";

const [url, scenario, stepsArg] = process.argv.slice(2);
const rt = await import(url);
const STEPS = Number(stepsArg);
const gc = globalThis.gc;
if (typeof gc !== "function") throw new Error("run with --expose-gc");
const used = () => {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

const { Value, add, mul, relu } = rt;
const { X, y } = demoData(rt, 100);
rt.random.seed(1337);
const model = new rt.MLP(2, [16, 16, 1]);
const params = model.parameters();

function step(k) {
  const scores = X.map((row) => model(row.map((v) => new Value(v))));
  const losses = scores.map((s, i) => relu(add(1, mul(-y[i], s))));
  const total = add(
    mul(
      losses.reduce((a, l) => add(a, l), 0),
      1 / losses.length,
    ),
    mul(
      1e-4,
      params.reduce((a, p) => add(a, mul(p, p)), 0),
    ),
  );
  model.zeroGrad();
  total.backward();
  for (const p of params) p.data -= (1.0 - (0.9 * (k % 100)) / 100) * p.grad;
  return total;
}

function train(kind, steps) {
  const kept = [];
  let lr = new Value(0.1);
  for (let k = 0; k < steps; k++) {
    const loss = step(k);
    if (kind === "every") kept.push(loss);
    else if (kind === "last") kept[0] = loss;
    else if (kind === "chain") lr = mul(lr, 0.99);
  }
  return { kept, lr };
}

// Every path runs before the baseline is taken (compiled code counts in the heap too).
for (const kind of ["every", "last", "chain"]) train(kind, 10);
const before = used();
const held = train(scenario, STEPS);
const after = used();
if (!(held.lr.data > 0) || held.kept.some((l) => !Number.isFinite(l.data))) throw new Error("lost what was kept");
process.stdout.write(JSON.stringify({ scenario, steps: STEPS, heldBytes: after - before, rss: process.memoryUsage().rss }) + "\n");
