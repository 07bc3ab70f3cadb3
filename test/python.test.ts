import { MLP, print, pyFixed, pyRepr, pyStr, sum, Value } from "micrograd-ts";
import { describe, expect, it, vi } from "vitest";

describe("Python's number formatting", () => {
  it("repr(float)", () => {
    const cases: [number, string][] = [
      [2, "2.0"],
      [-8, "-8.0"],
      [0.1, "0.1"],
      [-0, "-0.0"],
      [0, "0.0"],
      [1e-5, "1e-05"],
      [0.0001, "0.0001"],
      [1e16, "1e+16"],
      [1.5e16, "1.5e+16"],
      [9999999999999998, "9999999999999998.0"],
      [123456.789, "123456.789"],
      [1e22, "1e+22"],
      [2.5e-7, "2.5e-07"],
      [1.7976931348623157e308, "1.7976931348623157e+308"],
      [5e-324, "5e-324"],
      [NaN, "nan"],
      [Infinity, "inf"],
      [-Infinity, "-inf"],
      [0.8958441028683222, "0.8958441028683222"],
      [100, "100.0"],
    ];
    for (const [x, want] of cases) expect([x, pyRepr(x)]).toEqual([x, want]);
  });
  it("%.4f", () => {
    const cases: [number, string][] = [
      [2, "2.0000"],
      [-3, "-3.0000"],
      [0.12345, "0.1235"],
      [-0, "-0.0000"],
      [-0.00001, "-0.0000"],
      [6.8813735870195432, "6.8814"],
      [1e21, "1000000000000000000000.0000"],
      [NaN, "nan"],
      [-Infinity, "-inf"],
      [0.00005, "0.0001"],
      [0.5, "0.5000"],
      [0.03125, "0.0312"],
      [0.09375, "0.0938"],
      [-0.03125, "-0.0312"],
      [5e-324, "0.0000"],
      [123.45678, "123.4568"],
    ];
    for (const [x, want] of cases) expect([x, pyFixed(x)]).toEqual([x, want]);
    expect(pyFixed(2.5, 0)).toBe("2"); // exact tie: half to even, as Python
  });
});

describe("print and sum", () => {
  it("print writes Python's text", () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    print("step", 0, "loss", 0.5, [1, 2.5, "a"], true, new Value(3));
    expect(log).toHaveBeenCalledWith("step 0 loss 0.5 [1, 2.5, 'a'] True Value(data=3.0, grad=0.0)");
    expect(pyStr(1e-5)).toBe("1e-05");
    expect(pyStr(1e16)).toBe("1e+16");
    expect(pyStr(NaN)).toBe("nan");
    log.mockRestore();
    expect(pyStr(null)).toBe("None");
  });
  it("print writes dicts, sets, quoted strings and containers that hold themselves as Python does (python3 printed each)", () => {
    const cyclic: unknown[] = [1];
    cyclic.push(cyclic);
    const self: Record<string, unknown> = { a: 1 };
    self.self = self;
    expect(pyStr({ a: 1, b: [1.5, "x"], "c'd": null })).toBe(`{'a': 1, 'b': [1.5, 'x'], "c'd": None}`);
    expect(pyStr(new Map([["k", 2]]))).toBe("{'k': 2}");
    expect(pyStr(new Set([1, 2]))).toBe("{1, 2}");
    expect(pyStr(new Set())).toBe("set()");
    expect(pyStr(cyclic)).toBe("[1, [...]]");
    expect(pyStr(self)).toBe("{'a': 1, 'self': {...}}");
    expect(pyStr(["it's", 'say "hi"', "a\nb", "back\\slash"])).toBe(`["it's", 'say "hi"', 'a\\nb', 'back\\\\slash']`);
    expect(pyStr(10n)).toBe("10");
    expect(pyStr({ v: new Value(2) })).toBe("{'v': Value(data=2.0, grad=0.0)}");
    // never [object Object]: a function is named, a class instance prints by its own toString
    expect(pyStr(function step() {})).toBe("<function step>");
    expect(pyStr(new MLP(2, [1]))).toBe(String(new MLP(2, [1])));
  });
  it("sum starts from 0 and adds left to right, as Python's", () => {
    const xs = [new Value(1), new Value(2), new Value(3)];
    const s = sum(xs);
    expect(s.data).toBe(6);
    // (((0 + x0) + x1) + x2): the first node adds the constant 0
    expect(s.children[1]).toBe(xs[2]);
    expect(s.children[0]!.children[0]!.children[0]!.data).toBe(0);
    s.backward();
    expect(xs.map((x) => x.grad)).toEqual([1, 1, 1]);
    expect(sum([0.1, 0.2, 0.3])).toBe(0.1 + 0.2 + 0.3);
    expect(sum([], 5)).toBe(5);
    expect(sum([new Value(2)], new Value(1)).data).toBe(3);
  });
});
