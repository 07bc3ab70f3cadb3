// Does the TypeScript print the numbers the Python printed? Line by line: the words must be the
// same and the numbers equal. Where the two languages print the same thing differently the
// comparison looks through it: Python prints a float 6 as `6.0` (micrograd-ts's print: `6`), and
// a node's `_prev` is a set in Python (`{…}`, in an order that changes from run to run) and an
// array in TypeScript (`[…]`), so a line's numbers are compared as a multiset.

export interface Comparison {
  same: boolean;
  /** The first line (1-based) that differs, with both texts. */
  line?: number;
  typescript?: string;
  python?: string;
  /** The largest relative difference between two numbers that were accepted as equal. */
  worst: number;
}

/**
 * Numbers are equal when within `tolerance`, relative: the default 1e-12 admits the last-digit
 * differences that come from summing gradients in another order (docs/python-side-by-side.md).
 */
export function compareOutputs(typescript: string, python: string, tolerance = 1e-12): Comparison {
  const ts = lines(typescript);
  const py = lines(python);
  let worst = 0;
  for (let i = 0; i < Math.max(ts.length, py.length); i++) {
    const a = ts[i];
    const b = py[i];
    if (a === undefined || b === undefined) return { same: false, line: i + 1, typescript: a ?? "(nothing)", python: b ?? "(nothing)", worst };
    const pa = parse(a);
    const pb = parse(b);
    let ok = pa.words === pb.words && pa.numbers.length === pb.numbers.length;
    for (let k = 0; ok && k < pa.numbers.length; k++) {
      const x = pa.numbers[k]!;
      const y = pb.numbers[k]!;
      if (x === y || (Number.isNaN(x) && Number.isNaN(y))) continue;
      const rel = Math.abs(x - y) / Math.max(Math.abs(x), Math.abs(y));
      if (rel > tolerance) ok = false;
      else worst = Math.max(worst, rel);
    }
    if (!ok) return { same: false, line: i + 1, typescript: a, python: b, worst };
  }
  return { same: true, worst };
}

const NUMBER = /(?<![\w.])-?(?:\d+\.?\d*(?:e[-+]?\d+)?|inf|nan)(?![\w.])/g;

function parse(line: string): { words: string; numbers: number[] } {
  const normalised = line.replace(/[{]/g, "[").replace(/[}]/g, "]");
  const numbers = [...normalised.matchAll(NUMBER)].map((m) => Number(m[0].replace("inf", "Infinity").replace("nan", "NaN")));
  numbers.sort((x, y) => x - y);
  return { words: normalised.replace(NUMBER, "#"), numbers };
}

function lines(text: string): string[] {
  const all = text.replace(/\r\n?/g, "\n").split("\n");
  while (all.length > 0 && all[all.length - 1] === "") all.pop();
  return all;
}
