// A neuron: two inputs, two weights, a bias and tanh. The bias makes o come out at 0.7071…, so
// the numbers are easy to follow; o.backward() fills in every grad (x2 = 0 gives w2 none).
import { print, Value } from "micrograd-ts";

// inputs x1, x2
const x1 = new Value(2.0, { label: "x1" });
const x2 = new Value(0.0, { label: "x2" });
// weights w1, w2
const w1 = new Value(-3.0, { label: "w1" });
const w2 = new Value(1.0, { label: "w2" });
// bias of the neuron
const b = new Value(6.8813735870195432, { label: "b" });
// x1*w1 + x2*w2 + b
const x1w1 = x1 * w1;
x1w1.label = "x1*w1";
const x2w2 = x2 * w2;
x2w2.label = "x2*w2";
const x1w1x2w2 = x1w1 + x2w2;
x1w1x2w2.label = "x1*w1 + x2*w2";
const n = x1w1x2w2 + b;
n.label = "n";
const o = n.tanh();
o.label = "o";
o.backward();

print("n", n.data, "o", o.data);
print("n.grad", n.grad);
print("x1.grad", x1.grad, "w1.grad", w1.grad);
print("x2.grad", x2.grad, "w2.grad", w2.grad);
