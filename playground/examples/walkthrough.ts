// The lecture's first expression. Each Value remembers the Values it was made from and the op
// that made it; the graph on the right is L's (the program's last Value), drawn as micrograd's
// draw_dot draws it. L.backward() fills in every grad: step through it under the graph.
import { print, Value } from "micrograd-ts";

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
print(L);
print(d._prev, d._op);

L.backward();
print("a.grad", a.grad, "b.grad", b.grad, "c.grad", c.grad);
print("e.grad", e.grad, "d.grad", d.grad, "f.grad", f.grad);
