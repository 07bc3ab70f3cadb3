import { describe, expect, it } from "vitest";
// Imported by path, not as "micrograd-ts": this file must NOT opt in to the operator transform,
// because it checks what happens when the transform is not applied.
import { Value } from "../runtime/index.ts";

describe("a Value used as a number fails loudly", () => {
  const a = new Value(2, { label: "a" });
  const b = new Value(3);
  // Typed as numbers, so that no transform (tspc's, or the Vite plugin's: this file does not opt
  // in) rewrites them: this is what code that the transform never saw does at run time.
  const x = a as unknown as number;
  const y = b as unknown as number;
  it("arithmetic without the transform throws a TypeError with the setup advice", () => {
    expect(() => x * y).toThrow(TypeError);
    // what no transform rewrote: the likely causes (an operand typed any under tspc, a file no transform saw) and the fixes
    expect(() => x * y).toThrow(
      /No micrograd-ts transform rewrote this use\. Likely causes: under tspc, an operand typed `any`.*"dispatchAny": true.*a file that no transform saw.*micrograd-ts\/babel.*a\.mul\(b\)\.add\(c\)/s,
    );
    expect(() => x + 1).toThrow(/label "a"/);
    expect(() => a.data + x).toThrow(TypeError);
    expect(() => x < y).toThrow(TypeError);
    expect(() => Number(a)).toThrow(TypeError);
    expect(() => Math.max(x, 1)).toThrow(/Operators and functions a Value does not have \(< > % == \+\+ -- bitwise, unary \+, Math\.\*\) need its number: a\.data\./);
  });
  it("string conversion still prints the repr", () => {
    expect(`${a}`).toBe("Value(data=2.0, grad=0.0)");
    expect(String(b)).toBe("Value(data=3.0, grad=0.0)");
    expect(JSON.stringify(a)).toBe('{"data":2,"grad":0,"label":"a"}');
  });
});
