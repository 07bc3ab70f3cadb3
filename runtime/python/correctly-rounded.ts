// Correctly rounded log, sin and cos: the exact value rounded to the nearest double.
//
// numpy calls the C library for these, and glibc's results are (for every input we compare)
// the correctly rounded ones; JavaScript's Math.log, Math.sin and Math.cos are only faithful
// and differ from C in the last bit for some inputs (about 7% of logs in (0, 1), 3% of sines).
// That one bit changes sklearn's moons data, so numpy-compatible code calls these instead.
//
// Method: exact fixed-point arithmetic on BigInt (the input double is an exact dyadic rational),
// Taylor / atanh series with a proven error bound, then Ziv's test: round both ends of the
// error interval; if they round to the same double that double is the answer, otherwise
// repeat with twice the precision. Deterministic and independent of the platform's libm.

const FLOAT = new Float64Array(1);
const BITS = new BigUint64Array(FLOAT.buffer);

/** x = mantissa * 2**exponent exactly, mantissa a non-negative integer (x finite, sign dropped). */
function decompose(x: number): { mantissa: bigint; exponent: number } {
  FLOAT[0] = x;
  const bits = BITS[0]!;
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & 0xfffffffffffffn;
  if (biased === 0) return { mantissa: fraction, exponent: -1074 };
  return { mantissa: fraction | 0x10000000000000n, exponent: biased - 1075 };
}

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/** a * 2**-fractionBits rounded to the nearest double, ties to even (results here are normal numbers). */
function roundFixed(a: bigint, fractionBits: number): number {
  if (a === 0n) return 0;
  const negative = a < 0n;
  if (negative) a = -a;
  const length = bitLength(a);
  let q = a;
  let shift = 0;
  if (length > 53) {
    shift = length - 53;
    q = a >> BigInt(shift);
    const rest = a - (q << BigInt(shift));
    const half = 1n << BigInt(shift - 1);
    if (rest > half || (rest === half && (q & 1n) === 1n)) q += 1n;
  }
  // Two power-of-two factors keep every intermediate in range; both products are exact.
  const e = shift - fractionBits;
  const e1 = Math.trunc(e / 2);
  const value = Number(q) * 2 ** e1 * 2 ** (e - e1);
  return negative ? -value : value;
}

/** The double nearest to the exact value, from an approximation `a` (in units of 2**-bits) off by at most `error` units; NaN when undecidable at this precision. */
function decide(a: bigint, error: bigint, bits: number): number {
  const lo = roundFixed(a - error, bits);
  const hi = roundFixed(a + error, bits);
  return lo === hi ? lo : NaN;
}

// Constants at a given precision, cached at the highest precision asked so far.
let piCache: { bits: number; value: bigint } = { bits: 0, value: 0n };
let ln2Cache: { bits: number; value: bigint } = { bits: 0, value: 0n };

/** atan(1/k) * 2**bits, truncated, error under (terms + 1) units. */
function atanInverse(k: bigint, bits: number): bigint {
  const one = 1n << BigInt(bits);
  const k2 = k * k;
  let power = one / k;
  let sum = power;
  for (let n = 1n; power !== 0n; n++) {
    power /= k2;
    const term = power / (2n * n + 1n);
    sum += n % 2n === 1n ? -term : term;
  }
  return sum;
}

/** pi * 2**bits, within 1 unit. */
function pi(bits: number): bigint {
  if (piCache.bits < bits) {
    const guard = bits + 32;
    // Machin: pi/4 = 4 atan(1/5) - atan(1/239).
    const value = 4n * (4n * atanInverse(5n, guard) - atanInverse(239n, guard));
    piCache = { bits: guard, value };
  }
  return piCache.value >> BigInt(piCache.bits - bits);
}

/** ln 2 * 2**bits, within 1 unit. */
function ln2(bits: number): bigint {
  if (ln2Cache.bits < bits) {
    const guard = bits + 32;
    // ln 2 = 2 atanh(1/3) = 2 * sum 1 / ((2n+1) 3**(2n+1)).
    const one = 1n << BigInt(guard);
    let power = one / 3n;
    let sum = power;
    for (let n = 1n; power !== 0n; n++) {
      power /= 9n;
      sum += power / (2n * n + 1n);
    }
    ln2Cache = { bits: guard, value: 2n * sum };
  }
  return ln2Cache.value >> BigInt(ln2Cache.bits - bits);
}

// Error allowance, in units of the working precision, for every series below: each term costs
// at most a few units of truncation and there are far fewer than 2**9 terms.
const SLACK = 1n << 12n;

function logAt(mantissa: bigint, exponent: number, bits: number): bigint {
  // x = m * 2**e with m in [sqrt(1/2), sqrt(2)); log x = e ln2 + 2 atanh((m-1)/(m+1)).
  const length = bitLength(mantissa);
  let e = exponent + length - 1;
  const one = 1n << BigInt(bits);
  // m as a fixed-point number; exact since bits >= 64 and the mantissa has at most 53 bits.
  let m = (mantissa << BigInt(bits)) >> BigInt(length - 1);
  // sqrt(2) ~ 1.4142135623730951: comparing with 1.41421356 * one is enough to pick a range.
  if (m * 100000000n > 141421356n * one) {
    m >>= 1n; // exact: m has fewer than `bits` significant fraction bits
    e += 1;
  }
  // atanh is odd: sum the series for |z| (shifts of negative numbers would never reach 0).
  const negative = m < one;
  const z = ((negative ? one - m : m - one) << BigInt(bits)) / (m + one);
  const z2 = (z * z) >> BigInt(bits);
  let power = z;
  let sum = z;
  for (let n = 1n; power !== 0n; n++) {
    power = (power * z2) >> BigInt(bits);
    sum += power / (2n * n + 1n);
  }
  return BigInt(e) * ln2(bits) + (negative ? -2n : 2n) * sum;
}

/**
 * The natural logarithm, correctly rounded (what glibc's `log`, and so numpy, returns).
 * Special values as Math.log: NaN and negatives give NaN, 0 gives -Infinity.
 */
export function crLog(x: number): number {
  if (Number.isNaN(x) || x < 0) return NaN;
  if (x === 0) return -Infinity;
  if (x === Infinity) return Infinity;
  if (x === 1) return 0;
  const { mantissa, exponent } = decompose(x);
  // Enough bits below the result's leading bit; the estimate only sizes the first attempt.
  const magnitude = Math.floor(Math.log2(Math.abs(Math.log(x)) || Number.MIN_VALUE));
  let bits = 96 + Math.max(0, -magnitude);
  for (;;) {
    const value = decide(logAt(mantissa, exponent, bits), SLACK, bits);
    if (!Number.isNaN(value)) return value;
    bits *= 2;
  }
}

/** sin and cos of r * 2**-bits for |r| <= pi/4 (approximately), each * 2**bits. */
function sinCosSeries(r: bigint, bits: number, wantSin: boolean): bigint {
  const one = 1n << BigInt(bits);
  const r2 = (r * r) >> BigInt(bits);
  let term = wantSin ? r : one;
  let sum = term;
  for (let n = 1n; term !== 0n; n++) {
    const k = wantSin ? 2n * n * (2n * n + 1n) : (2n * n - 1n) * (2n * n);
    term = -((term * r2) >> BigInt(bits)) / k;
    sum += term;
  }
  return sum;
}

function sinOrCosAt(mantissa: bigint, exponent: number, bits: number, cosine: boolean): bigint {
  // Reduce: x = k pi/2 + r, |r| <= pi/4. pi/2 needs the bits of x above the point too.
  const guard = bits + Math.max(0, exponent + 53) + 8;
  const x = exponent + guard >= 0 ? mantissa << BigInt(exponent + guard) : mantissa >> BigInt(-(exponent + guard));
  const halfPi = pi(guard) >> 1n;
  const k = (x + (halfPi >> 1n)) / halfPi;
  const r = (x - k * halfPi) >> BigInt(guard - bits);
  const quadrant = Number(k % 4n) + (cosine ? 1 : 0);
  // sin(r + q pi/2): q = 0: sin r, 1: cos r, 2: -sin r, 3: -cos r; cos(y) = sin(y + pi/2).
  switch (quadrant % 4) {
    case 0:
      return sinCosSeries(r, bits, true);
    case 1:
      return sinCosSeries(r, bits, false);
    case 2:
      return -sinCosSeries(r, bits, true);
    default:
      return -sinCosSeries(r, bits, false);
  }
}

function sinOrCos(x: number, cosine: boolean): number {
  if (!Number.isFinite(x)) return NaN;
  const ax = Math.abs(x);
  // Below these the next Taylor term is under a quarter of an ulp: the rounded result is x or 1.
  if (!cosine && ax < 2 ** -26) return x;
  if (cosine && ax < 2 ** -27) return 1;
  const { mantissa, exponent } = decompose(x);
  const estimate = Math.abs(cosine ? Math.cos(x) : Math.sin(x));
  let bits = 96 + Math.max(0, -Math.floor(Math.log2(estimate || Number.MIN_VALUE)));
  for (;;) {
    const value = decide(sinOrCosAt(mantissa, exponent, bits, cosine), SLACK, bits);
    if (!Number.isNaN(value)) return cosine || x > 0 ? value : -value;
    bits *= 2;
  }
}

/** The sine, correctly rounded (what glibc's `sin`, and so numpy's `np.sin`, returns). */
export function crSin(x: number): number {
  return sinOrCos(x, false);
}

/** The cosine, correctly rounded (what glibc's `cos`, and so numpy's `np.cos`, returns). */
export function crCos(x: number): number {
  return sinOrCos(x, true);
}
