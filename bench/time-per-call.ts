// The benches' timer for short calls: after `warmUp` calls, `rounds` rounds of
// at least `minMs` each, calls made `batch` at a time between clock reads (so
// the clock does not weigh on a call of a few microseconds); the best round's
// mean. `fn` gets the call's index (to cycle through prepared inputs).

export interface TimingOptions {
  warmUp: number;
  batch: number;
}

/** Best-of-`rounds` mean time per call in microseconds (each round at least `minMs`). */
export function timePerCall(rounds: number, minMs: number, fn: (i: number) => void, options: TimingOptions): number {
  for (let i = 0; i < options.warmUp; i++) fn(i);
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    let calls = 0;
    const t0 = performance.now();
    let t = t0;
    while (t - t0 < minMs) {
      for (let k = 0; k < options.batch; k++) fn(calls++);
      t = performance.now();
    }
    best = Math.min(best, ((t - t0) * 1000) / calls);
  }
  return best;
}
