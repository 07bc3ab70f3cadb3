// 2. Backpropagation by hand: the chain rule, one node at a time from L back to the leaves,
// then a numerical check of each derivative, then one step that nudges the leaves along
// their gradients.
import { drawDot, print, Value } from "micrograd-ts";
import { outPath } from "./lib/out.js";

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

async function draw(step: string): Promise<void> {
  const path = outPath(`manual-${step}.svg`);
  await drawDot(L).save(path);
  print("wrote", path);
}

// dL/dL = 1
L.grad = 1.0;
await draw("1-L");

// L = d * f: dL/dd = f, dL/df = d
d.grad = f.data * L.grad;
f.grad = d.data * L.grad;
print("d.grad", d.grad, "f.grad", f.grad);
await draw("2-d-f");

// d = e + c: a + passes the gradient on unchanged (local derivative 1)
c.grad = 1.0 * d.grad;
e.grad = 1.0 * d.grad;
print("c.grad", c.grad, "e.grad", e.grad);
await draw("3-c-e");

// e = a * b: de/da = b, de/db = a
a.grad = b.data * e.grad;
b.grad = a.data * e.grad;
print("a.grad", a.grad, "b.grad", b.grad);
await draw("4-a-b");

// The numerical check: nudge one leaf by h and see how L moves.
function lol(leaf: "a" | "b" | "c" | "f"): number {
  const h = 0.001;
  const forward = (dx: Record<string, number>) => {
    const a = new Value(2.0 + (dx.a ?? 0), { label: "a" });
    const b = new Value(-3.0 + (dx.b ?? 0), { label: "b" });
    const c = new Value(10.0 + (dx.c ?? 0), { label: "c" });
    const e = a * b;
    const d = e + c;
    const f = new Value(-2.0 + (dx.f ?? 0), { label: "f" });
    const L = d * f;
    return L.data;
  };
  const L1 = forward({});
  const L2 = forward({ [leaf]: h });
  return (L2 - L1) / h;
}
print("dL/df numerically", lol("f"));
print("dL/da numerically", lol("a"));
print("dL/db numerically", lol("b"));
print("dL/dc numerically", lol("c"));

// One step of optimisation: move every leaf a little along its gradient; L goes up.
a.data += 0.01 * a.grad;
b.data += 0.01 * b.grad;
c.data += 0.01 * c.grad;
f.data += 0.01 * f.grad;
const e2 = a * b;
const d2 = e2 + c;
const L2 = d2 * f;
print("L after one step", L2.data);
