// npm run demo (until the examples with operators land): the walkthrough expression of the
// lecture, backpropagated, every node's data and grad printed.
import { Value } from "micrograd-ts";

const a = new Value(2.0, { label: "a" });
const b = new Value(-3.0, { label: "b" });
const c = new Value(10.0, { label: "c" });
const e = a.mul(b); e.label = "e";
const d = e.add(c); d.label = "d";
const f = new Value(-2.0, { label: "f" });
const L = d.mul(f); L.label = "L";
L.backward();
for (const v of [a, b, c, e, d, f, L]) console.log(`${v.label.padEnd(2)} data ${String(v.data).padStart(3)}  grad ${v.grad}`);
