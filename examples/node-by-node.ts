// 2b. Backpropagation by hand, the lecture's second way: each node's _backward() applies its own
// local derivative (o = tanh(n): n.grad += (1 - o**2) * o.grad; n = x1w1x2w2 + b: both get
// n.grad; ...). Called node by node from o back to the leaves, it fills in every grad of the
// neuron; the order it needs is micrograd's build_topo, reversed, and that loop is backward().
import { print, topologicalOrder, Value } from "micrograd-ts";

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

o.grad = 1.0;
o._backward();
print("n.grad", n.grad);
n._backward();
print("b.grad", b.grad, "x1w1x2w2.grad", x1w1x2w2.grad);
b._backward(); // a leaf: nothing to pass on
x1w1x2w2._backward();
print("x1w1.grad", x1w1.grad, "x2w2.grad", x2w2.grad);
x2w2._backward();
x1w1._backward();
print("x1.grad", x1.grad, "w1.grad", w1.grad);
print("x2.grad", x2.grad, "w2.grad", w2.grad);

// build_topo's order (children before parents), walked in reverse from zeroed grads: backward()
const topo = topologicalOrder(o);
print("nodes in topological order", topo.length, "ending with", topo[topo.length - 1]!.label);
for (const node of topo) node.grad = 0.0;
o.grad = 1.0;
for (const node of [...topo].reverse()) node._backward();
print("x1.grad", x1.grad, "w1.grad", w1.grad);
print("x2.grad", x2.grad, "w2.grad", w2.grad);
