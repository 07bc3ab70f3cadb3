// Number formatting as Python prints it, so the TypeScript prints the same text as the
// Python original: `repr(float)` for Value's repr and the demo's log lines, and `"%.4f" % x`
// for the graph pictures.

/**
 * Python's `repr(x)` for a float: the shortest digits that round-trip (as JavaScript's
 * `String(x)`), but always with a decimal point (`2.0`, not `2`) and in scientific notation
 * when the decimal exponent is below -4 or at least 16 (`1e-05`, `1e+16`).
 */
export function pyRepr(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  // toExponential() with no argument gives the shortest round-trip digits.
  const [mantissa = "", expText] = Math.abs(x).toExponential().split("e");
  const exp = Number(expText);
  const digits = mantissa.replace(".", "");
  const sign = x < 0 ? "-" : "";
  if (exp < -4 || exp >= 16) {
    const e = Math.abs(exp) < 10 ? `0${Math.abs(exp)}` : `${Math.abs(exp)}`;
    return `${sign}${mantissa}e${exp < 0 ? "-" : "+"}${e}`;
  }
  if (exp < 0) return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
  const intLen = exp + 1;
  if (digits.length <= intLen) return `${sign}${digits}${"0".repeat(intLen - digits.length)}.0`;
  return `${sign}${digits.slice(0, intLen)}.${digits.slice(intLen)}`;
}

/**
 * Python's `"%.{decimals}f" % x`: the exact binary value rounded to `decimals` places, ties to
 * even. JavaScript's toFixed differs in three ways, handled here: it rounds exact ties up
 * (0.03125 is a tie at 4 places: Python gives 0.0312), it drops the sign of -0, and it switches
 * to exponent notation at 1e21. nan/inf are spelled as in Python.
 */
export function pyFixed(x: number, decimals = 4): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  const sign = x < 0 || Object.is(x, -0) ? "-" : "";
  const abs = Math.abs(x);
  // Fast path: toFixed is right unless |x| * 10^decimals lies (almost) exactly halfway between
  // two integers; only then is the exact, slower, comparison needed.
  const scaled = abs * 10 ** decimals;
  if (scaled < 1e15 && Math.abs(scaled - Math.floor(scaled) - 0.5) > 1e-9 * (scaled + 1)) {
    return sign + abs.toFixed(decimals);
  }
  const [num, den] = exactFraction(abs);
  const scale = 10n ** BigInt(decimals);
  // n = round(|x| * 10^decimals), ties to even, in exact integer arithmetic
  const exact = num * scale;
  let n = exact / den;
  const twiceRest = 2n * (exact - n * den);
  if (twiceRest > den || (twiceRest === den && n % 2n === 1n)) n += 1n;
  const digits = n.toString().padStart(decimals + 1, "0");
  const int = digits.slice(0, digits.length - decimals);
  return decimals > 0 ? `${sign}${int}.${digits.slice(-decimals)}` : `${sign}${int}`;
}

/** A finite double as an exact fraction num / den, den a power of two. */
function exactFraction(x: number): [bigint, bigint] {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const exponent = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & 0xfffffffffffffn;
  const mantissa = exponent === 0 ? fraction : fraction | (1n << 52n);
  const e = (exponent === 0 ? 1 : exponent) - 1075; // x = mantissa * 2^e
  return e >= 0 ? [mantissa << BigInt(e), 1n] : [mantissa, 1n << BigInt(-e)];
}
