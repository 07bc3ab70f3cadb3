import fc from "fast-check";
import { add, div, exp, gradcheck, mul, neg, pow, sigmoid, sub, tanh, Value } from "micrograd-ts";
import { describe, expect, it } from "vitest";

// A random expression graph is a list of instructions over a growing pool of nodes: each new
// node combines two earlier ones (any of them, so nodes are reused), ending in the last node.
type Instr = { op: number; i: number; j: number };

const BINARY = [add, sub, mul, (a: Value, b: Value) => div(a, add(2.5, tanh(b)))];
const UNARY = [tanh, sigmoid, neg, (a: Value) => exp(mul(0.3, a)), (a: Value) => pow(add(1.5, tanh(a)), 2)];

function build(program: Instr[], leaves: Value[]): Value {
  const pool: Value[] = [...leaves];
  for (const { op, i, j } of program) {
    const a = pool[i % pool.length]!;
    const b = pool[j % pool.length]!;
    pool.push(op < BINARY.length ? BINARY[op]!(a, b) : UNARY[op - BINARY.length]!(a));
  }
  return pool[pool.length - 1]!;
}

const instr = fc.record({ op: fc.integer({ min: 0, max: BINARY.length + UNARY.length - 1 }), i: fc.nat(64), j: fc.nat(64) });

describe("random graphs with reused nodes against finite differences", () => {
  it("backward matches central differences", () => {
    fc.assert(
      fc.property(fc.array(instr, { minLength: 1, maxLength: 25 }), fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 1, maxLength: 4 }), (program, at) => {
        const r = gradcheck((...xs) => build(program, xs), at, { h: 1e-6, tolerance: 1e-5 });
        // deep random graphs can overflow to non-finite values; those are not gradient errors
        if (
          !Number.isFinite(
            build(
              program,
              at.map((x) => new Value(x)),
            ).data,
          )
        )
          return true;
        if (!r.ok) throw new Error(r.summary);
        return true;
      }),
      { seed: 20261128, numRuns: 300 },
    );
  });

  it("the same graph gives the same grads, bit for bit (deterministic summation order)", () => {
    fc.assert(
      fc.property(fc.array(instr, { minLength: 1, maxLength: 30 }), (program) => {
        const run = () => {
          const leaves = [0.3, -0.7, 1.1].map((x) => new Value(x));
          build(program, leaves).backward();
          return leaves.map((l) => l.grad);
        };
        expect(run()).toEqual(run());
      }),
      { seed: 7, numRuns: 100 },
    );
  });
});
