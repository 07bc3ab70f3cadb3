// SHA-512 (FIPS 180-4), synchronous and in any JavaScript engine: CPython's `random.seed(s)`
// turns a str or bytes seed into an integer through it (`int.from_bytes(s + sha512(s).digest())`).
// WebCrypto's digest is asynchronous and node:crypto is Node's alone, so the seed needs its own;
// speed does not matter here (a seed is hashed once). The constants are computed as the
// standard defines them (the first 64 bits of the fractional parts of the square roots of the
// first 8 primes, and of the cube roots of the first 80), not copied.

const MASK = (1n << 64n) - 1n;

/** The integer n-th root of x (the largest r with r ** n <= x), by Newton's method. */
function iroot(x: bigint, n: bigint): bigint {
  let r = 1n << (BigInt(x.toString(2).length) / n + 1n);
  for (;;) {
    const next = ((n - 1n) * r + x / r ** (n - 1n)) / n;
    if (next >= r) break;
    r = next;
  }
  while (r ** n > x) r--;
  return r;
}

function primes(count: number): bigint[] {
  const out: bigint[] = [];
  for (let p = 2n; out.length < count; p++) if (out.every((q) => p % q !== 0n)) out.push(p);
  return out;
}

let constants: { H: bigint[]; K: bigint[] } | undefined;
function init(): { H: bigint[]; K: bigint[] } {
  const ps = primes(80);
  // frac(root(p)) * 2**64 = root(p * 2**(64 n)) mod 2**64
  return {
    H: ps.slice(0, 8).map((p) => iroot(p << 128n, 2n) & MASK),
    K: ps.map((p) => iroot(p << 192n, 3n) & MASK),
  };
}

const rotr = (x: bigint, n: bigint) => ((x >> n) | (x << (64n - n))) & MASK;

/** The SHA-512 digest of `data`: 64 bytes. */
export function sha512(data: Uint8Array): Uint8Array {
  constants ??= init();
  const { K } = constants;
  const h = [...constants.H];
  // the message, a 1 bit, zeros, and its length in bits as 128 bits: a multiple of 128 bytes
  const length = Math.ceil((data.length + 17) / 128) * 128;
  const bytes = new Uint8Array(length);
  bytes.set(data);
  bytes[data.length] = 0x80;
  const view = new DataView(bytes.buffer);
  view.setBigUint64(length - 8, BigInt(data.length) * 8n);
  const w = new Array<bigint>(80);
  for (let block = 0; block < length; block += 128) {
    for (let t = 0; t < 16; t++) w[t] = view.getBigUint64(block + t * 8);
    for (let t = 16; t < 80; t++) {
      const w15 = w[t - 15]!;
      const w2 = w[t - 2]!;
      const s0 = rotr(w15, 1n) ^ rotr(w15, 8n) ^ (w15 >> 7n);
      const s1 = rotr(w2, 19n) ^ rotr(w2, 61n) ^ (w2 >> 6n);
      w[t] = (w[t - 16]! + s0 + w[t - 7]! + s1) & MASK;
    }
    let [a, b, c, d, e, f, g, hh] = h as [bigint, bigint, bigint, bigint, bigint, bigint, bigint, bigint];
    for (let t = 0; t < 80; t++) {
      const t1 = (hh + (rotr(e, 14n) ^ rotr(e, 18n) ^ rotr(e, 41n)) + ((e & f) ^ (~e & MASK & g)) + K[t]! + w[t]!) & MASK;
      const t2 = ((rotr(a, 28n) ^ rotr(a, 34n) ^ rotr(a, 39n)) + ((a & b) ^ (a & c) ^ (b & c))) & MASK;
      hh = g;
      g = f;
      f = e;
      e = (d + t1) & MASK;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) & MASK;
    }
    for (const [i, v] of [a, b, c, d, e, f, g, hh].entries()) h[i] = (h[i]! + v) & MASK;
  }
  const out = new Uint8Array(64);
  const outView = new DataView(out.buffer);
  for (const [i, v] of h.entries()) outView.setBigUint64(i * 8, v);
  return out;
}
