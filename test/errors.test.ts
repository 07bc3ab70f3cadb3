import { add, findNonFinite, log, mul, pow, Value } from "micrograd-ts";
import { describe, expect, it } from "vitest";

describe("bad input", () => {
  it("new Value with a non-number names the argument", () => {
    expect(() => new Value("3" as unknown as number)).toThrow(new TypeError('new Value(data): data must be a number, got the string "3"'));
    expect(() => new Value(undefined as unknown as number)).toThrow(/data must be a number, got undefined/);
    expect(() => new Value(null as unknown as number)).toThrow(/got null/);
    expect(() => new Value(3n as unknown as number)).toThrow(/bigint 3n/);
    expect(() => new Value(new Value(1) as unknown as number)).toThrow(
      new TypeError("new Value(data): data must be a number, got a Value (Value(data=1.0, grad=0.0)): use that Value itself, or its number (v.data) for a new leaf"),
    );
    const v = new Value(2);
    expect(() => {
      v.data = new Value(3) as unknown as number;
    }).toThrow(new TypeError("Value.data must be a number, got a Value (Value(data=3.0, grad=0.0))"));
  });
  it("a non-number exponent", () => {
    const a = new Value(2);
    expect(() => a.pow("2" as unknown as number)).toThrow(new TypeError('pow: the exponent must be a number or a Value, got the string "2"'));
    expect(() => pow(a, undefined as unknown as number)).toThrow(/exponent must be a number or a Value, got undefined/);
  });
  it("operands that are neither numbers nor Values", () => {
    expect(() => add(new Value(1), {} as unknown as number)).toThrow(/add: the right operand must be a number or a Value, got an object/);
    expect(() => mul([1] as unknown as number, 2)).toThrow(/mul: the left operand must be a number or a Value, got an array/);
  });
  it("options and labels", () => {
    expect(() => new Value(1, "a" as unknown as { label: string })).toThrow(/options must be an object like \{ label: "a" \}/);
    expect(() => new Value(1, { label: 5 as unknown as string })).toThrow(/Value.label must be a string, got number 5/);
  });
});

describe("non-finite values", () => {
  it("follow IEEE like JavaScript", () => {
    expect(pow(new Value(0), -1).data).toBe(Infinity);
    expect(log(new Value(-1)).data).toBeNaN();
  });
  it("findNonFinite names the first node that made one", () => {
    const x = new Value(-1, { label: "x" });
    const y = new Value(2, { label: "y" });
    const l = log(x);
    l.label = "logx";
    const out = mul(l, y).add(3);
    const bad = findNonFinite(out);
    expect(bad?.value).toBe(l);
    expect(bad?.kind).toBe("data");
    expect(bad?.op).toBe("log");
    expect(bad?.label).toBe("logx");
    expect(bad?.message).toBe('non-finite value nan first made by op log of x=-1.0, node "logx"');
  });
  it("finds a non-finite gradient and backward({ checkFinite }) throws", () => {
    const x = new Value(0, { label: "x" });
    const y = pow(x, 0.5); // sqrt: finite value, infinite slope at 0
    y.label = "sqrt";
    const z = mul(y, 2);
    expect(findNonFinite(z)).toBeNull();
    z.backward();
    const bad = findNonFinite(z);
    expect(bad?.kind).toBe("grad");
    expect(bad?.value).toBe(x);
    expect(() => z.backward({ checkFinite: true })).toThrow(/non-finite gradient inf at node "x" \(a leaf\)/);
  });
  it("all finite: null", () => {
    expect(findNonFinite(add(1, new Value(2)))).toBeNull();
  });
});
