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
  const [mantissa, expText] = Math.abs(x).toExponential().split("e");
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
 * Python's `"%.{decimals}f" % x`. JavaScript's toFixed rounds the exact binary value as
 * Python does; what differs is handled here: -0 keeps its sign, nan/inf are spelled as in
 * Python, and magnitudes of 1e21 and above print all their digits instead of switching to
 * exponent notation.
 */
export function pyFixed(x: number, decimals = 4): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  const sign = x < 0 || Object.is(x, -0) ? "-" : "";
  const abs = Math.abs(x);
  if (abs < 1e21) return sign + abs.toFixed(decimals);
  // Every double of 1e21 or more is an integer: print it exactly with BigInt.
  return `${sign}${BigInt(abs).toString()}${decimals > 0 ? "." + "0".repeat(decimals) : ""}`;
}
