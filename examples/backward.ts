// 3. The same graph with L.backward(): every grad at once, equal to the ones found by hand.
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

L.backward();
for (const v of [a, b, c, e, d, f, L]) print(v.label, v);

// By hand (examples/manual-backprop.ts): dL/da = b * f, dL/db = a * f, dL/dc = dL/de = dL/dd = f, dL/df = d.
const byHand = { a: b.data * f.data, b: a.data * f.data, c: f.data, e: f.data, d: f.data, f: d.data, L: 1 };
const same = [a, b, c, e, d, f, L].every((v) => v.grad === byHand[v.label as keyof typeof byHand]);
print("backward() equals the grads by hand:", same);

const path = outPath("backward-L.svg");
await drawDot(L).save(path);
print("wrote", path);
