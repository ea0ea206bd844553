// Counter-state probabilities and logistic mixing for the delta "rc" codec,
// in integers only: mirrors tools/delta/mix.ts exactly (the host encoder
// computes the same numbers).
//
// A counter is a u16: a 12-bit probability that the next bit is 0 and a
// 4-bit update count that sets the adaptation rate (1/2 ... 1/16). Mixing
// adds three predictions in the logistic domain with learned weights.

/** 4096 / (1 + e^(-(i - 16) / 2)), truncated, clamped to [1, 4095]. */
const deltaSquashPoints: i32[] = [
  1, 2, 3, 6, 10, 16, 27, 45, 73, 120, 194, 310, 488, 747, 1101, 1546, 2048, 2549, 2994, 3348, 3607, 3785,
  3901, 3975, 4022, 4050, 4068, 4079, 4085, 4089, 4092, 4093, 4094,
];

export const DELTA_COUNTER_INIT: u16 = 0x8000;
const DELTA_COUNTER_MAX_N: u32 = 14;
const deltaRecip: Int32Array = new Int32Array(15);
for (let n: i32 = 0; n < 15; n++) deltaRecip[n] = i32(65536 / (n + 2));

export function deltaSquash(x: i32): i32 {
  if (x > 2047) x = 2047;
  if (x < -2047) x = -2047;
  const w = x & 127;
  const k = (x >> 7) + 16;
  return (unchecked(deltaSquashPoints[k]) * (128 - w) + unchecked(deltaSquashPoints[k + 1]) * w + 64) >> 7;
}

/** stretch at p = 16k: the smallest x whose squash reaches 16k. */
const deltaStretchPoints: Int16Array = new Int16Array(257);
let deltaStretchX: i32 = -2047;
for (let k: i32 = 0; k <= 256; k++) {
  while (deltaStretchX < 2047 && deltaSquash(deltaStretchX) < 16 * k) deltaStretchX++;
  deltaStretchPoints[k] = i16(deltaStretchX);
}

export function deltaStretch(p: i32): i32 {
  const k = p >> 4;
  const a = i32(unchecked(deltaStretchPoints[k]));
  return a + (((i32(unchecked(deltaStretchPoints[k + 1])) - a) * (p & 15)) >> 4);
}

export function deltaCounterUpdate(c: u32, bit: i32): u16 {
  const p = i32(c >>> 4);
  const n = c & 15;
  const target = bit != 0 ? 1 : 4095;
  const q = p + (((target - p) * unchecked(deltaRecip[n])) >> 16);
  return u16((u32(q) << 4) | (n < DELTA_COUNTER_MAX_N ? n + 1 : n));
}

export const DELTA_MIX_W_INIT: i32 = 21845; // 1/3 in 16.16 fixed point
const DELTA_MIX_W_LIMIT: i32 = 1 << 19;
const DELTA_MIX_RATE_SHIFT: i32 = 10;

/** Learned mix of three stretched predictions with weights w[at..at+3); 12-bit probability of a 0 bit. */
export function deltaMixPredict(w: Int32Array, at: i32, s1: i32, s2: i32, s3: i32): i32 {
  // |w| <= 2^19 and |s| <= 2047: every product fits in 31 bits.
  const x = ((unchecked(w[at]) * s1) >> 16) + ((unchecked(w[at + 1]) * s2) >> 16) + ((unchecked(w[at + 2]) * s3) >> 16);
  return deltaSquash(x);
}

function deltaClampW(v: i32): i32 {
  return v > DELTA_MIX_W_LIMIT ? DELTA_MIX_W_LIMIT : v < -DELTA_MIX_W_LIMIT ? -DELTA_MIX_W_LIMIT : v;
}

/** Moves the weights towards the prediction that the coded bit called for. */
export function deltaMixUpdate(w: Int32Array, at: i32, s1: i32, s2: i32, s3: i32, p: i32, bit: i32): void {
  const err = (bit != 0 ? 0 : 4095) - p;
  unchecked((w[at] = deltaClampW(w[at] + ((s1 * err) >> DELTA_MIX_RATE_SHIFT))));
  unchecked((w[at + 1] = deltaClampW(w[at + 1] + ((s2 * err) >> DELTA_MIX_RATE_SHIFT))));
  unchecked((w[at + 2] = deltaClampW(w[at + 2] + ((s3 * err) >> DELTA_MIX_RATE_SHIFT))));
}

export function deltaFillCounters(a: Uint16Array): void {
  for (let i: i32 = 0; i < a.length; i++) unchecked((a[i] = DELTA_COUNTER_INIT));
}
