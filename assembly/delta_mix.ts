// Counter-state probabilities and logistic mixing for the delta "rc" codec,
// in integers only: mirrors tools/delta/mix.ts exactly (the host encoder
// computes the same numbers).
//
// A counter is a u16: a 12-bit probability that the next bit is 0 and a
// 4-bit update count that sets the adaptation rate (1/2 ... 1/16). Mixing
// averages three predictions in the logistic domain.

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

/** The mixed 12-bit probability (of a 0 bit) of three counters. */
export function deltaMix3(c1: u32, c2: u32, c3: u32): u32 {
  const s = deltaStretch(i32(c1 >>> 4)) + deltaStretch(i32(c2 >>> 4)) + deltaStretch(i32(c3 >>> 4));
  return u32(deltaSquash((s * 85) >> 8));
}

export function deltaFillCounters(a: Uint16Array): void {
  for (let i: i32 = 0; i < a.length; i++) unchecked((a[i] = DELTA_COUNTER_INIT));
}
