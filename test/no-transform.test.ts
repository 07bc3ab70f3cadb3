import { describe, expect, it } from "vitest";
// Imported by path, not as "micrograd-ts": this file must NOT opt in to the operator transform,
// because it checks what happens when the transform is not applied.
import { Value } from "../runtime/index.ts";

describe("a Value used as a number fails loudly", () => {
  const a = new Value(2, { label: "a" });
  const b = new Value(3);
  it("arithmetic without the transform throws a TypeError with the setup advice", () => {
    // @ts-expect-error: operators on Values are what the transform provides
    expect(() => a * b).toThrow(TypeError);
    // @ts-expect-error: as above
    expect(() => a * b).toThrow(/micrograd-ts operator transform.*tspc.*micrograd-ts\/babel/s);
    // @ts-expect-error: as above
    expect(() => a + 1).toThrow(/label "a"/);
    expect(() => a.data + (a as unknown as number)).toThrow(TypeError);
    expect(() => a < b).toThrow(TypeError);
    expect(() => Number(a)).toThrow(TypeError);
    expect(() => Math.max(a as unknown as number, 1)).toThrow(/Other operators .* are not defined on a Value: use its number, a.data/);
  });
  it("string conversion still prints the repr", () => {
    expect(`${a}`).toBe("Value(data=2.0, grad=0.0)");
    expect(String(b)).toBe("Value(data=3.0, grad=0.0)");
    expect(JSON.stringify(a)).toBe('{"data":2,"grad":0,"label":"a"}');
  });
});

