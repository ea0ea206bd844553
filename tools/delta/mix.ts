// Counter-state probabilities and logistic mixing for the "rc" codec, in
// integers only so that the device (assembly/delta_mix.ts) computes exactly
// the same numbers.
//
// A counter is a u16: a 12-bit probability that the next bit is 0, and a
// 4-bit count of updates that sets the adaptation rate (1/2, 1/3, ... down to
// 1/16): young contexts learn fast, old ones average over more history.
// Mixing adds the predictions in the logistic domain with learned weights:
//   p = squash(w1 stretch(p1) + w2 stretch(p2) + w3 stretch(p3))
// with stretch(p) = 256 ln(p / (1 - p)) from a 257-entry table and its
// inverse squash interpolated from 33 points.

/** 4096 / (1 + e^(-(i - 16) / 2)), truncated, clamped to [1, 4095]. */
const SQUASH_POINTS = [
  1, 2, 3, 6, 10, 16, 27, 45, 73, 120, 194, 310, 488, 747, 1101, 1546, 2048, 2549, 2994, 3348, 3607, 3785,
  3901, 3975, 4022, 4050, 4068, 4079, 4085, 4089, 4092, 4093, 4094,
];

export const COUNTER_INIT = 2048 << 4;
const COUNTER_MAX_N = 14;
const RECIP = Array.from({ length: COUNTER_MAX_N + 1 }, (_, n) => Math.floor(65536 / (n + 2)));

export function squash(x: number): number {
  if (x > 2047) x = 2047;
  if (x < -2047) x = -2047;
  const w = x & 127;
  const k = (x >> 7) + 16;
  return (SQUASH_POINTS[k] * (128 - w) + SQUASH_POINTS[k + 1] * w + 64) >> 7;
}

/** stretch at p = 16k: the smallest x whose squash reaches 16k. */
const STRETCH_POINTS = (() => {
  const s = new Int16Array(257);
  let x = -2047;
  for (let k = 0; k <= 256; k++) {
    while (x < 2047 && squash(x) < 16 * k) x++;
    s[k] = x;
  }
  return s;
})();

export function stretch(p: number): number {
  const k = p >> 4;
  return STRETCH_POINTS[k] + (((STRETCH_POINTS[k + 1] - STRETCH_POINTS[k]) * (p & 15)) >> 4);
}

/** Probability (of a 0 bit, 12 bits) held by a counter. */
export function counterP(c: number): number {
  return c >> 4;
}

export function counterUpdate(c: number, bit: number): number {
  const p = c >> 4;
  const n = c & 15;
  const target = bit ? 1 : 4095;
  const q = p + (((target - p) * RECIP[n]) >> 16);
  return (q << 4) | (n < COUNTER_MAX_N ? n + 1 : n);
}


/**
 * A learned mix of three counters: weights (16.16 fixed point, starting at
 * 1/3) from the set `w[at..at+3)`, moved after each bit towards what would
 * have predicted it better. Returns the 12-bit probability of a 0 bit; call
 * mixUpdate with the same arguments once the bit is known.
 */
export const MIX_W_INIT = 21845;
const MIX_W_LIMIT = 1 << 19;
const MIX_RATE_SHIFT = 10;

export function mixPredict(w: Int32Array, at: number, s1: number, s2: number, s3: number): number {
  const x = ((w[at] * s1) >> 16) + ((w[at + 1] * s2) >> 16) + ((w[at + 2] * s3) >> 16);
  return squash(x);
}

export function mixUpdate(w: Int32Array, at: number, s1: number, s2: number, s3: number, p: number, bit: number): void {
  const err = (bit ? 0 : 4095) - p;
  w[at] = clampW(w[at] + ((s1 * err) >> MIX_RATE_SHIFT));
  w[at + 1] = clampW(w[at + 1] + ((s2 * err) >> MIX_RATE_SHIFT));
  w[at + 2] = clampW(w[at + 2] + ((s3 * err) >> MIX_RATE_SHIFT));
}

function clampW(v: number): number {
  return v > MIX_W_LIMIT ? MIX_W_LIMIT : v < -MIX_W_LIMIT ? -MIX_W_LIMIT : v;
}
