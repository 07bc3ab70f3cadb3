// npm run demo (until the examples with operators land): the walkthrough expression of the
// lecture, backpropagated, every node's data and grad printed, and the lecture's pictures of
// the graph written to out/ (or $MICROGRAD_OUT).
import { join } from "node:path";
import { Value, drawDot } from "micrograd-ts";

const outDir = process.env.MICROGRAD_OUT ?? "out";

function walkthrough() {
  const a = new Value(2.0, { label: "a" });
  const b = new Value(-3.0, { label: "b" });
  const c = new Value(10.0, { label: "c" });
  const e = a.mul(b); e.label = "e";
  const d = e.add(c); d.label = "d";
  const f = new Value(-2.0, { label: "f" });
  const L = d.mul(f); L.label = "L";
  return { a, b, c, e, d, f, L };
}

const pictures = [];
async function picture(root, name) {
  pictures.push(await drawDot(root).save(join(outDir, name)));
}

// The expression with its labels, every grad still 0.
const first = walkthrough();
await picture(first.L, "walkthrough.svg");

// The lecture's manual backpropagation: each grad worked out by the chain rule by hand.
const { a, b, c, e, d, f, L } = first;
L.grad = 1.0;
f.grad = d.data * L.grad; // dL/df = d
d.grad = f.data * L.grad; // dL/dd = f
c.grad = d.grad; // a + node routes the gradient unchanged
e.grad = d.grad;
a.grad = b.data * e.grad; // dL/da = dL/de * de/da
b.grad = a.data * e.grad;
await picture(L, "walkthrough-manual.svg");

// The same numbers from backward().
const auto = walkthrough();
auto.L.backward();
for (const v of Object.values(auto)) console.log(`${v.label.padEnd(2)} data ${String(v.data).padStart(3)}  grad ${v.grad}`);
await picture(auto.L, "walkthrough-backward.svg");
await picture(auto.L, "walkthrough-backward.png");

// The neuron: o = tanh(x1*w1 + x2*w2 + b).
const x1 = new Value(2.0, { label: "x1" });
const x2 = new Value(0.0, { label: "x2" });
const w1 = new Value(-3.0, { label: "w1" });
const w2 = new Value(1.0, { label: "w2" });
const bias = new Value(6.8813735870195432, { label: "b" });
const x1w1 = x1.mul(w1); x1w1.label = "x1*w1";
const x2w2 = x2.mul(w2); x2w2.label = "x2*w2";
const sum = x1w1.add(x2w2); sum.label = "x1*w1 + x2*w2";
const n = sum.add(bias); n.label = "n";
const o = n.tanh(); o.label = "o";
o.backward();
await picture(o, "neuron.svg");

console.log("\npictures of the graph:");
for (const path of pictures) console.log(`  ${path}`);
