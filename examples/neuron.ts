// 4. A neuron: inputs x1, x2, weights w1, w2, a bias b, and tanh. The bias is chosen so that
// o comes out at 0.7071…, which makes the numbers easy to follow.
import { drawDot, print, Value } from "micrograd-ts";
import { outPath } from "./lib/out.js";

function neuron() {
  const x1 = new Value(2.0, { label: "x1" });
  const x2 = new Value(0.0, { label: "x2" });
  const w1 = new Value(-3.0, { label: "w1" });
  const w2 = new Value(1.0, { label: "w2" });
  const b = new Value(6.8813735870195432, { label: "b" });
  const x1w1 = x1 * w1;
  x1w1.label = "x1*w1";
  const x2w2 = x2 * w2;
  x2w2.label = "x2*w2";
  const x1w1x2w2 = x1w1 + x2w2;
  x1w1x2w2.label = "x1*w1 + x2*w2";
  const n = x1w1x2w2 + b;
  n.label = "n";
  return { x1, x2, w1, w2, b, x1w1, x2w2, x1w1x2w2, n };
}

// With tanh as one op: do/dn = 1 - o**2
{
  const { x1, x2, w1, w2, b, n } = neuron();
  const o = n.tanh();
  o.label = "o";
  print("n", n.data);
  print("o", o.data);
  o.backward();
  print("n.grad", n.grad, "(1 - o**2 =", 1 - o.data ** 2, ")");
  print("x1.grad", x1.grad, "w1.grad", w1.grad);
  print("x2.grad", x2.grad, "w2.grad", w2.grad);
  print("b.grad", b.grad);
  const path = outPath("neuron-tanh.svg");
  await drawDot(o).save(path);
  print("wrote", path);
}

// With tanh written out: o = (e**2n - 1) / (e**2n + 1), through exp, -, + and /
{
  const { x1, x2, w1, w2, n } = neuron();
  const e = (2 * n).exp();
  e.label = "e";
  const o = (e - 1) / (e + 1);
  o.label = "o";
  print("o", o.data);
  o.backward();
  print("x1.grad", x1.grad, "w1.grad", w1.grad);
  print("x2.grad", x2.grad, "w2.grad", w2.grad);
  const path = outPath("neuron-exp.svg");
  await drawDot(o).save(path);
  print("wrote", path);
}
