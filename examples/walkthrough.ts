// 1. The walkthrough expression of the lecture: Values with labels, what each node remembers
// (its children and the op that made it), and a picture of the graph.
import { drawDot, print, Value } from "micrograd-ts";
import { outPath } from "./lib/out.js";

const a = new Value(2.0, { label: "a" });
const b = new Value(-3.0, { label: "b" });
const c = new Value(10.0, { label: "c" });
const e = a * b;
e.label = "e";
const d = e + c;
d.label = "d";
print(d);
print(d._prev);
print(d._op);
print(e._prev, e._op);

let path = outPath("walkthrough-d.svg");
await drawDot(d).save(path);
print("wrote", path);

const f = new Value(-2.0, { label: "f" });
const L = d * f;
L.label = "L";
print(L);

path = outPath("walkthrough-L.svg");
await drawDot(L).save(path);
print("wrote", path);
