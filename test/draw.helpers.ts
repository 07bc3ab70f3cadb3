// Shared by the drawDot and engine tests.
import { Value } from "micrograd-ts";

/** The lecture's expression, labels a..L (docs/reference-figures.md). */
export function walkthrough() {
  const a = new Value(2.0, { label: "a" });
  const b = new Value(-3.0, { label: "b" });
  const c = new Value(10.0, { label: "c" });
  const e = a.mul(b);
  e.label = "e";
  const d = e.add(c);
  d.label = "d";
  const f = new Value(-2.0, { label: "f" });
  const L = d.mul(f);
  L.label = "L";
  return { a, b, c, d, e, f, L };
}
