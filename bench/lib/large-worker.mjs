// One fresh process of bench/scale.mjs's largest case: micrograd's demo loss over 1000 moons
// points on MLP(2, [256, 256, 1]) built as the lecture's chain of + and * (nn's { fused: false }),
// about 133 million nodes (3.7 GB), then backward. The object engine aborted the process here
// (V8's fatal "invalid size" while growing backward's order array). Prints one JSON line.
//
//   node bench/lib/large-worker.mjs <runtime index.js URL> <points>

const [url, pointsArg] = process.argv.slice(2);
const rt = await import(url);
const { Value, add, mul, relu } = rt;
const points = Number(pointsArg);
rt.random.seed(1337);
const { X, y } = rt.makeMoons(points, { noise: 0.1, seed: 1337, labels: "signed" });
const model = new rt.MLP(2, [256, 256, 1], { fused: false });
const params = model.parameters();
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const c0 = cpu();
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
const c1 = cpu();
total.backward();
const c2 = cpu();
if (!Number.isFinite(total.data) || !params.some((p) => p.grad !== 0)) throw new Error("no gradient");
process.stdout.write(JSON.stringify({ nodes: rt.countNodes(total), forwardMs: c1 - c0, backwardMs: c2 - c1, peakRss: process.resourceUsage().maxRSS * 1024 }) + "\n");
