// One fresh process (run with --expose-gc) of the memory and scale benchmarks: builds one large
// graph, measures the heap it takes per node, then runs backward and measures time and the
// memory backward adds. Prints one JSON line.
//
//   node --expose-gc bench/lib/graph-worker.mjs <runtime index.js URL> <kind> <nodes>
//
// kinds (n = nodes, all counted exactly):
//   dot    a neuron's dot product: 2000 leaves (w, x), then act = act + w[i]*x[j] for (n - 2000) / 2 terms
//   chain  n - 2 ops in a chain, y = y*c then y + c alternating, on two leaves
//   wide   n/2 leaves summed by a balanced tree of n/2 - 1 adds, then tanh: 1 deep, wide

const [url, kind, nArg] = process.argv.slice(2);
const rt = await import(url);
const { Value, add, mul, tanh } = rt;
const N = Number(nArg);
if (typeof globalThis.gc !== "function") throw new Error("run with --expose-gc");

function used() {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers; // the engine keeps data and grad in Float64Array pages
}

function build() {
  if (kind === "dot") {
    const w = Array.from({ length: 1000 }, (_, i) => new Value(Math.sin(i)));
    const x = Array.from({ length: 1000 }, (_, i) => new Value(Math.cos(i)));
    let act = w[0];
    const terms = (N - 2000) / 2;
    for (let i = 0; i < terms; i++) act = add(act, mul(w[i % 1000], x[(i * 7) % 1000]));
    return { root: act, leaf: w[1], nodes: 2000 + 2 * terms };
  }
  if (kind === "chain") {
    const x = new Value(0.5);
    const c = new Value(1.0000001);
    let y = x;
    for (let i = 0; i < N - 2; i++) y = i % 2 === 0 ? mul(y, c) : add(y, c);
    return { root: y, leaf: x, nodes: N };
  }
  if (kind === "wide") {
    let level = Array.from({ length: N / 2 }, (_, i) => new Value(((i % 1000) - 500) / 1e6));
    const leaf = level[0];
    while (level.length > 1) {
      const next = [];
      for (let i = 0; i + 1 < level.length; i += 2) next.push(add(level[i], level[i + 1]));
      if (level.length % 2) next.push(level[level.length - 1]);
      level = next;
    }
    return { root: tanh(level[0]), leaf, nodes: N };
  }
  throw new Error(`unknown graph kind ${kind}`);
}

// Warm the engine up on a small graph first, so the large one is built by optimized code.
{
  let y = new Value(1);
  for (let i = 0; i < 20000; i++) y = add(mul(y, 0.5), 1);
  y.backward();
}

// CPU time (all threads): on a shared machine the wall clock also counts waiting for a core.
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

gc();
gc();
const before = used();
const t0 = cpu();
const g = build();
const t1 = cpu();
gc();
gc();
const built = used();
const rssBefore = process.memoryUsage().rss;
const t2 = cpu();
g.root.backward();
const t3 = cpu();
const afterBackward = used(); // no GC in between: what backward allocated is still counted
const peakRss = process.resourceUsage().maxRSS * 1024;
const counted = (rt.countNodes ?? ((root) => rt.topologicalOrder(root).length))(g.root);
if (counted !== g.nodes) throw new Error(`${kind}: expected ${g.nodes} nodes, the graph has ${counted}`);
if (!Number.isFinite(g.leaf.grad) || !Number.isFinite(g.root.data)) throw new Error(`${kind}: non-finite result`);

process.stdout.write(
  JSON.stringify({
    kind,
    nodes: g.nodes,
    forwardMs: t1 - t0,
    backwardMs: t3 - t2,
    bytesPerNode: (built - before) / g.nodes,
    backwardExtraBytes: afterBackward - built,
    rssBefore,
    peakRss,
  }) + "\n",
);
