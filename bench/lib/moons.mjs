// The demo's data: the real moons (runtime/datasets.ts, sklearn's make_moons with numpy's
// seed 1337) when the runtime has them, else a deterministic stand-in of the same shape
// (n points, 2 features, labels -1 / 1) so the benchmark measures the same amount of work.

/** @returns {{ X: number[][], y: number[], source: string }} */
export function demoData(runtime, n = 100) {
  if (typeof runtime.makeMoons === "function") {
    try {
      const { X, y } = runtime.makeMoons(n, { noise: 0.1, seed: 1337, labels: "signed" });
      if (Array.isArray(X) && X.length === n && Array.isArray(y) && y.length === n) {
        return { X, y, source: `moons: makeMoons(${n}, { noise: 0.1, seed: 1337 })` };
      }
    } catch {
      // an older runtime: fall through to the stand-in
    }
  }
  return { ...standInMoons(n), source: "stand-in moons" };
}

/** Two interleaved half circles with a little noise, from a fixed LCG: no dependency on the runtime. */
function standInMoons(n) {
  let s = 1337;
  const rand = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296;
  const noise = () => 0.1 * Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const X = [];
  const y = [];
  for (let i = 0; i < n; i++) {
    const outer = i % 2 === 0;
    const t = (Math.floor(i / 2) * Math.PI) / Math.max(1, Math.ceil(n / 2) - 1);
    X.push(outer ? [Math.cos(t) + noise(), Math.sin(t) + noise()] : [1 - Math.cos(t) + noise(), 1 - Math.sin(t) - 0.5 + noise()]);
    y.push(outer ? -1 : 1);
  }
  return { X, y };
}
