/**
 * Timing: calibrate, warm up, then at least 7 repetitions of a pass over the prepared requests, reporting
 * nanoseconds per operation (median, min, max). Slow engines time a different slice of the requests in each
 * repetition (at least `minOps`) so a repetition stays near `repMs`; fast ones repeat the whole set.
 */
const now = () => performance.now();

/** Keeps results observable so the loops cannot be optimised away. */
export let sink = 0;

/**
 * @param {(start: number, count: number) => number} pass  runs `count` operations from `start`, returns how many were allowed
 * @param {number} ops  operations available
 * @returns {{ median: number, min: number, max: number, reps: number, opsPerRep: number }} ns per operation
 */
export function measure(pass, ops, { reps = 9, repMs = 50, warmMs = 150, minOps = 20 } = {}) {
  let count = Math.min(ops, 16);
  let ms;
  for (;;) {
    const t = now();
    sink ^= pass(0, count);
    ms = now() - t;
    if (ms >= 10 || count === ops) break;
    count = Math.min(ops, count * 4);
  }
  const perOp = Math.max(ms / count, 1e-7);
  for (const end = now() + warmMs; now() < end;) sink ^= pass(0, Math.min(ops, Math.ceil(10 / perOp)));
  const perRep = Math.min(ops, Math.max(minOps, Math.ceil(repMs / perOp)));
  const passes = perRep < ops ? 1 : Math.max(1, Math.round(repMs / (perOp * ops)));
  const samples = [];
  for (let i = 0; i < reps; i++) {
    const t = now();
    const start = (i * perRep) % (ops - perRep + 1);
    for (let p = 0; p < passes; p++) sink ^= pass(start, perRep);
    samples.push(((now() - t) * 1e6) / (passes * perRep));
  }
  samples.sort((a, b) => a - b);
  return { median: samples[Math.floor(reps / 2)], min: samples[0], max: samples[reps - 1], reps, opsPerRep: passes * perRep };
}
