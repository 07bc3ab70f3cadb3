// Backpropagation by hand, as the lecture does it first: the chain rule from L back to the
// leaves, one node at a time; a numerical check of dL/df; then one step that nudges every leaf
// along its gradient, and L goes up.
import { drawDot, print, Value } from "micrograd-ts";

const a = new Value(2.0, { label: "a" });
const b = new Value(-3.0, { label: "b" });
const c = new Value(10.0, { label: "c" });
const e = a * b;
e.label = "e";
const d = e + c;
d.label = "d";
const f = new Value(-2.0, { label: "f" });
const L = d * f;
L.label = "L";

L.grad = 1.0;
// L = d * f: dL/dd = f, dL/df = d
d.grad = f.data * L.grad;
f.grad = d.data * L.grad;
// d = e + c: a + passes the gradient on unchanged
c.grad = 1.0 * d.grad;
e.grad = 1.0 * d.grad;
// e = a * b: de/da = b, de/db = a
a.grad = b.data * e.grad;
b.grad = a.data * e.grad;
print("a.grad", a.grad, "b.grad", b.grad, "c.grad", c.grad, "f.grad", f.grad);
drawDot(L); // the graph with the grads filled in by hand

// the numerical check: nudge f by h and see how L moves
function lol() {
  const h = 0.001;
  const L1 = (new Value(2.0) * new Value(-3.0) + new Value(10.0)) * new Value(-2.0);
  const L2 = (new Value(2.0) * new Value(-3.0) + new Value(10.0)) * new Value(-2.0 + h);
  print((L2.data - L1.data) / h);
}
lol();

// one step of optimisation
a.data += 0.01 * a.grad;
b.data += 0.01 * b.grad;
c.data += 0.01 * c.grad;
f.data += 0.01 * f.grad;
const L2 = (a * b + c) * f;
print(L2.data);
