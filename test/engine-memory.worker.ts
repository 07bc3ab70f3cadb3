// One fresh process of test/engine-storage.test.ts's memory checks (run with --expose-gc and
// tsx): trains a small MLP on the moons and reports the storage (heap + ArrayBuffers, GC forced)
// that one step's graph takes and what is still held after the loop, with only `kept` alive.
//
//   node --expose-gc --import tsx test/engine-memory.worker.ts last|every|chain

import { add, countNodes, MLP, makeMoons, mul, random, relu, sumOf, Value } from "../runtime/index.ts";

const scenario = process.argv[2]!;
const gc = (globalThis as { gc?: () => void }).gc!;
const used = () => {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

random.seed(1337);
const { X, y } = makeMoons(100, { noise: 0.1, seed: 1337, labels: "signed" });
const model = new MLP(2, [16, 16, 1]);
const params = model.parameters();

function step(k: number): Value {
  const scores = X.map((row) => model(row) as Value);
  const total = add(mul(sumOf(scores.map((s, i) => relu(add(1, mul(-y[i]!, s))))), 0.01), mul(1e-4, sumOf(params.map((p) => mul(p, p)))));
  model.zeroGrad();
  total.backward();
  for (const p of params) p.data -= (1 - (0.9 * (k % 100)) / 100) * 0.1 * p.grad;
  return total;
}

function run(scenario: string, steps: number): { kept: Value[]; lr: Value } {
  const kept: Value[] = [];
  let lr = new Value(0.1);
  for (let k = 0; k < steps; k++) {
    const loss = step(k);
    if (scenario === "every") kept.push(loss);
    else if (scenario === "last") kept[0] = loss;
    else lr = mul(lr, 0.99); // a learning-rate schedule kept as a Value, used for its number only
  }
  return { kept, lr };
}

// Warm up every path first (the first epoch also holds the model's construction; compiled code
// counts in the heap too), then measure from a baseline with nothing kept.
for (const s of ["every", "last", "chain"]) run(s, 20);
const base = used();
let probe: Value[] | null = run("every", 10).kept;
const perStep = (used() - base) / 10;
probe = null;
const steps = scenario === "chain" ? 300 : 30;
const start = used();
const held = run(scenario, steps);
const kept = used() - start;
if (!(held.lr.data > 0) || held.kept.some((l) => !Number.isFinite(l.data))) throw new Error("lost what was kept");
// What the kept losses still reach, against one step's graph: the graph itself is alive, whatever the heap's noise.
const keptNodes = held.kept.map((l) => countNodes(l));
const stepNodes = countNodes(step(steps));
process.stdout.write(JSON.stringify({ perStep, kept, steps, probe, keptNodes, stepNodes }) + "\n");
