// Arithmetic modulo p = 2^255 - 19 for Ed25519 verification, written for
// engines without 64-bit integers (the portable core rules: no i64).
//
// An element is 15 limbs of 17 bits, little-endian: 15 x 17 = 255, so a
// carry out of the top limb folds back into limb 0 multiplied by 19
// (2^255 = 19 mod p). Products are formed in f64, which is exact for
// integers below 2^53: a column of a product has 15 terms, at most 14 of them
// scaled by 19, so with |limbs| < 2^21 every column is below 267 * 2^42 < 2^51.
//
// Limb bounds (the invariant every caller relies on):
//   - feMul/feSqr/feReduce outputs have limbs in [0, 2^17 + 2^5);
//   - inputs of feMul/feSqr may have |limb| < 2^21, i.e. any sum or
//     difference of up to 15 outputs, so feAdd/feSub never need a carry.
// Limbs are integers that always fit in i32, so the arena is an Int32Array:
// half the RAM of f64 storage, and the i32 <-> f64 conversions are exact.
//
// Elements live in one arena allocated at module initialisation and are
// named by their offset into it; every function accepts aliased arguments.

export const FE_LIMBS: i32 = 15;
/** Arena capacity in elements; feAlloc() hands them out during module init. */
export const FE_SLOTS: i32 = 48;
const FE_RADIX: f64 = 131072.0;
const FE_INV_RADIX: f64 = 1.0 / 131072.0;

export const feM: Int32Array = new Int32Array(FE_SLOTS * FE_LIMBS);
let feUsed: i32 = 0;

/** Reserve one element; call only during module initialisation. */
export function feAlloc(): i32 {
  const o = feUsed * FE_LIMBS;
  feUsed++;
  return o;
}

/** Reserve n consecutive elements; returns the first. */
export function feAllocRun(n: i32): i32 {
  const o = feAlloc();
  for (let i: i32 = 1; i < n; i++) feAlloc();
  return o;
}

/** Elements reserved so far (the arena must hold them: FE_SLOTS). */
export function feAllocated(): i32 {
  return feUsed;
}

// Scratch for feReduce / feIsZero / fePow22523 (feT0..feT2 never escape).
const feT0: i32 = feAlloc();
const feT1: i32 = feAlloc();
const feT2: i32 = feAlloc();
const feT3: i32 = feAlloc();

export function feCopy(o: i32, a: i32): void {
  const m = feM;
  for (let i: i32 = 0; i < FE_LIMBS; i++) unchecked((m[o + i] = m[a + i]));
}

/** o = v for a small non-negative integer v < 2^17. */
export function feSetSmall(o: i32, v: i32): void {
  const m = feM;
  unchecked((m[o] = v));
  for (let i: i32 = 1; i < FE_LIMBS; i++) unchecked((m[o + i] = 0));
}

/** Load limbs baked as a constant array (15 per element). */
export function feFromConstants(o: i32, src: i32[], at: i32): void {
  const m = feM;
  for (let i: i32 = 0; i < FE_LIMBS; i++) unchecked((m[o + i] = src[at + i]));
}

export function feAdd(o: i32, a: i32, b: i32): void {
  const m = feM;
  for (let i: i32 = 0; i < FE_LIMBS; i++) unchecked((m[o + i] = m[a + i] + m[b + i]));
}

export function feSub(o: i32, a: i32, b: i32): void {
  const m = feM;
  for (let i: i32 = 0; i < FE_LIMBS; i++) unchecked((m[o + i] = m[a + i] - m[b + i]));
}

export function feNeg(o: i32, a: i32): void {
  const m = feM;
  for (let i: i32 = 0; i < FE_LIMBS; i++) unchecked((m[o + i] = -m[a + i]));
}

/**
 * The low 255 bits of b[off..off+32) as an element (bit 255, the sign of x
 * in a point encoding, is ignored). The value may be >= p; callers that need
 * canonical input check that on the bytes.
 */
export function feFromBytes(o: i32, b: Uint8Array, off: i32): void {
  const m = feM;
  for (let i: i32 = 0; i < FE_LIMBS; i++) {
    const bit = i * 17;
    const k = off + (bit >> 3);
    // 17 bits starting at (bit & 7) lie within three bytes, the last of
    // which is at most byte 31.
    const v: u32 =
      u32(unchecked(b[k])) | (u32(unchecked(b[k + 1])) << 8) | (u32(unchecked(b[k + 2])) << 16);
    unchecked((m[o + i] = i32((v >>> u32(bit & 7)) & 0x1ffff)));
  }
}

/** o = a * b mod p. */
export function feMul(o: i32, a: i32, b: i32): void {
  const m = feM;
  const a0: f64 = <f64>unchecked(m[a + 0]);
  const a1: f64 = <f64>unchecked(m[a + 1]);
  const a2: f64 = <f64>unchecked(m[a + 2]);
  const a3: f64 = <f64>unchecked(m[a + 3]);
  const a4: f64 = <f64>unchecked(m[a + 4]);
  const a5: f64 = <f64>unchecked(m[a + 5]);
  const a6: f64 = <f64>unchecked(m[a + 6]);
  const a7: f64 = <f64>unchecked(m[a + 7]);
  const a8: f64 = <f64>unchecked(m[a + 8]);
  const a9: f64 = <f64>unchecked(m[a + 9]);
  const a10: f64 = <f64>unchecked(m[a + 10]);
  const a11: f64 = <f64>unchecked(m[a + 11]);
  const a12: f64 = <f64>unchecked(m[a + 12]);
  const a13: f64 = <f64>unchecked(m[a + 13]);
  const a14: f64 = <f64>unchecked(m[a + 14]);
  const b0: f64 = <f64>unchecked(m[b + 0]);
  const b1: f64 = <f64>unchecked(m[b + 1]);
  const b2: f64 = <f64>unchecked(m[b + 2]);
  const b3: f64 = <f64>unchecked(m[b + 3]);
  const b4: f64 = <f64>unchecked(m[b + 4]);
  const b5: f64 = <f64>unchecked(m[b + 5]);
  const b6: f64 = <f64>unchecked(m[b + 6]);
  const b7: f64 = <f64>unchecked(m[b + 7]);
  const b8: f64 = <f64>unchecked(m[b + 8]);
  const b9: f64 = <f64>unchecked(m[b + 9]);
  const b10: f64 = <f64>unchecked(m[b + 10]);
  const b11: f64 = <f64>unchecked(m[b + 11]);
  const b12: f64 = <f64>unchecked(m[b + 12]);
  const b13: f64 = <f64>unchecked(m[b + 13]);
  const b14: f64 = <f64>unchecked(m[b + 14]);
  const e1: f64 = b1 * 19.0;
  const e2: f64 = b2 * 19.0;
  const e3: f64 = b3 * 19.0;
  const e4: f64 = b4 * 19.0;
  const e5: f64 = b5 * 19.0;
  const e6: f64 = b6 * 19.0;
  const e7: f64 = b7 * 19.0;
  const e8: f64 = b8 * 19.0;
  const e9: f64 = b9 * 19.0;
  const e10: f64 = b10 * 19.0;
  const e11: f64 = b11 * 19.0;
  const e12: f64 = b12 * 19.0;
  const e13: f64 = b13 * 19.0;
  const e14: f64 = b14 * 19.0;
  let c0: f64 = a0 * b0 + a1 * e14 + a2 * e13 + a3 * e12 + a4 * e11 + a5 * e10 + a6 * e9 + a7 * e8 + a8 * e7 + a9 * e6 + a10 * e5 + a11 * e4 + a12 * e3 + a13 * e2 + a14 * e1;
  let c1: f64 = a0 * b1 + a1 * b0 + a2 * e14 + a3 * e13 + a4 * e12 + a5 * e11 + a6 * e10 + a7 * e9 + a8 * e8 + a9 * e7 + a10 * e6 + a11 * e5 + a12 * e4 + a13 * e3 + a14 * e2;
  let c2: f64 = a0 * b2 + a1 * b1 + a2 * b0 + a3 * e14 + a4 * e13 + a5 * e12 + a6 * e11 + a7 * e10 + a8 * e9 + a9 * e8 + a10 * e7 + a11 * e6 + a12 * e5 + a13 * e4 + a14 * e3;
  let c3: f64 = a0 * b3 + a1 * b2 + a2 * b1 + a3 * b0 + a4 * e14 + a5 * e13 + a6 * e12 + a7 * e11 + a8 * e10 + a9 * e9 + a10 * e8 + a11 * e7 + a12 * e6 + a13 * e5 + a14 * e4;
  let c4: f64 = a0 * b4 + a1 * b3 + a2 * b2 + a3 * b1 + a4 * b0 + a5 * e14 + a6 * e13 + a7 * e12 + a8 * e11 + a9 * e10 + a10 * e9 + a11 * e8 + a12 * e7 + a13 * e6 + a14 * e5;
  let c5: f64 = a0 * b5 + a1 * b4 + a2 * b3 + a3 * b2 + a4 * b1 + a5 * b0 + a6 * e14 + a7 * e13 + a8 * e12 + a9 * e11 + a10 * e10 + a11 * e9 + a12 * e8 + a13 * e7 + a14 * e6;
  let c6: f64 = a0 * b6 + a1 * b5 + a2 * b4 + a3 * b3 + a4 * b2 + a5 * b1 + a6 * b0 + a7 * e14 + a8 * e13 + a9 * e12 + a10 * e11 + a11 * e10 + a12 * e9 + a13 * e8 + a14 * e7;
  let c7: f64 = a0 * b7 + a1 * b6 + a2 * b5 + a3 * b4 + a4 * b3 + a5 * b2 + a6 * b1 + a7 * b0 + a8 * e14 + a9 * e13 + a10 * e12 + a11 * e11 + a12 * e10 + a13 * e9 + a14 * e8;
  let c8: f64 = a0 * b8 + a1 * b7 + a2 * b6 + a3 * b5 + a4 * b4 + a5 * b3 + a6 * b2 + a7 * b1 + a8 * b0 + a9 * e14 + a10 * e13 + a11 * e12 + a12 * e11 + a13 * e10 + a14 * e9;
  let c9: f64 = a0 * b9 + a1 * b8 + a2 * b7 + a3 * b6 + a4 * b5 + a5 * b4 + a6 * b3 + a7 * b2 + a8 * b1 + a9 * b0 + a10 * e14 + a11 * e13 + a12 * e12 + a13 * e11 + a14 * e10;
  let c10: f64 = a0 * b10 + a1 * b9 + a2 * b8 + a3 * b7 + a4 * b6 + a5 * b5 + a6 * b4 + a7 * b3 + a8 * b2 + a9 * b1 + a10 * b0 + a11 * e14 + a12 * e13 + a13 * e12 + a14 * e11;
  let c11: f64 = a0 * b11 + a1 * b10 + a2 * b9 + a3 * b8 + a4 * b7 + a5 * b6 + a6 * b5 + a7 * b4 + a8 * b3 + a9 * b2 + a10 * b1 + a11 * b0 + a12 * e14 + a13 * e13 + a14 * e12;
  let c12: f64 = a0 * b12 + a1 * b11 + a2 * b10 + a3 * b9 + a4 * b8 + a5 * b7 + a6 * b6 + a7 * b5 + a8 * b4 + a9 * b3 + a10 * b2 + a11 * b1 + a12 * b0 + a13 * e14 + a14 * e13;
  let c13: f64 = a0 * b13 + a1 * b12 + a2 * b11 + a3 * b10 + a4 * b9 + a5 * b8 + a6 * b7 + a7 * b6 + a8 * b5 + a9 * b4 + a10 * b3 + a11 * b2 + a12 * b1 + a13 * b0 + a14 * e14;
  let c14: f64 = a0 * b14 + a1 * b13 + a2 * b12 + a3 * b11 + a4 * b10 + a5 * b9 + a6 * b8 + a7 * b7 + a8 * b6 + a9 * b5 + a10 * b4 + a11 * b3 + a12 * b2 + a13 * b1 + a14 * b0;
  let q: f64 = Math.floor(c0 * FE_INV_RADIX);
  c0 -= q * FE_RADIX;
  c1 += q;
  q = Math.floor(c1 * FE_INV_RADIX);
  c1 -= q * FE_RADIX;
  c2 += q;
  q = Math.floor(c2 * FE_INV_RADIX);
  c2 -= q * FE_RADIX;
  c3 += q;
  q = Math.floor(c3 * FE_INV_RADIX);
  c3 -= q * FE_RADIX;
  c4 += q;
  q = Math.floor(c4 * FE_INV_RADIX);
  c4 -= q * FE_RADIX;
  c5 += q;
  q = Math.floor(c5 * FE_INV_RADIX);
  c5 -= q * FE_RADIX;
  c6 += q;
  q = Math.floor(c6 * FE_INV_RADIX);
  c6 -= q * FE_RADIX;
  c7 += q;
  q = Math.floor(c7 * FE_INV_RADIX);
  c7 -= q * FE_RADIX;
  c8 += q;
  q = Math.floor(c8 * FE_INV_RADIX);
  c8 -= q * FE_RADIX;
  c9 += q;
  q = Math.floor(c9 * FE_INV_RADIX);
  c9 -= q * FE_RADIX;
  c10 += q;
  q = Math.floor(c10 * FE_INV_RADIX);
  c10 -= q * FE_RADIX;
  c11 += q;
  q = Math.floor(c11 * FE_INV_RADIX);
  c11 -= q * FE_RADIX;
  c12 += q;
  q = Math.floor(c12 * FE_INV_RADIX);
  c12 -= q * FE_RADIX;
  c13 += q;
  q = Math.floor(c13 * FE_INV_RADIX);
  c13 -= q * FE_RADIX;
  c14 += q;
  q = Math.floor(c14 * FE_INV_RADIX);
  c14 -= q * FE_RADIX;
  c0 += q * 19.0;
  q = Math.floor(c0 * FE_INV_RADIX);
  c0 -= q * FE_RADIX;
  c1 += q;
  q = Math.floor(c1 * FE_INV_RADIX);
  c1 -= q * FE_RADIX;
  c2 += q;
  unchecked((m[o + 0] = <i32>c0));
  unchecked((m[o + 1] = <i32>c1));
  unchecked((m[o + 2] = <i32>c2));
  unchecked((m[o + 3] = <i32>c3));
  unchecked((m[o + 4] = <i32>c4));
  unchecked((m[o + 5] = <i32>c5));
  unchecked((m[o + 6] = <i32>c6));
  unchecked((m[o + 7] = <i32>c7));
  unchecked((m[o + 8] = <i32>c8));
  unchecked((m[o + 9] = <i32>c9));
  unchecked((m[o + 10] = <i32>c10));
  unchecked((m[o + 11] = <i32>c11));
  unchecked((m[o + 12] = <i32>c12));
  unchecked((m[o + 13] = <i32>c13));
  unchecked((m[o + 14] = <i32>c14));
}

/** o = a^2 mod p (the products a_i a_j, i != j, are formed once and doubled). */
export function feSqr(o: i32, a: i32): void {
  const m = feM;
  const a0: f64 = <f64>unchecked(m[a + 0]);
  const a1: f64 = <f64>unchecked(m[a + 1]);
  const a2: f64 = <f64>unchecked(m[a + 2]);
  const a3: f64 = <f64>unchecked(m[a + 3]);
  const a4: f64 = <f64>unchecked(m[a + 4]);
  const a5: f64 = <f64>unchecked(m[a + 5]);
  const a6: f64 = <f64>unchecked(m[a + 6]);
  const a7: f64 = <f64>unchecked(m[a + 7]);
  const a8: f64 = <f64>unchecked(m[a + 8]);
  const a9: f64 = <f64>unchecked(m[a + 9]);
  const a10: f64 = <f64>unchecked(m[a + 10]);
  const a11: f64 = <f64>unchecked(m[a + 11]);
  const a12: f64 = <f64>unchecked(m[a + 12]);
  const a13: f64 = <f64>unchecked(m[a + 13]);
  const a14: f64 = <f64>unchecked(m[a + 14]);
  const d0: f64 = a0 * 2.0;
  const d1: f64 = a1 * 2.0;
  const d2: f64 = a2 * 2.0;
  const d3: f64 = a3 * 2.0;
  const d4: f64 = a4 * 2.0;
  const d5: f64 = a5 * 2.0;
  const d6: f64 = a6 * 2.0;
  const e8: f64 = a8 * 19.0;
  const e9: f64 = a9 * 19.0;
  const e10: f64 = a10 * 19.0;
  const e11: f64 = a11 * 19.0;
  const e12: f64 = a12 * 19.0;
  const e13: f64 = a13 * 19.0;
  const e14: f64 = a14 * 19.0;
  const f8: f64 = a8 * 38.0;
  const f9: f64 = a9 * 38.0;
  const f10: f64 = a10 * 38.0;
  const f11: f64 = a11 * 38.0;
  const f12: f64 = a12 * 38.0;
  const f13: f64 = a13 * 38.0;
  const f14: f64 = a14 * 38.0;
  let c0: f64 = a0 * a0 + a1 * f14 + a2 * f13 + a3 * f12 + a4 * f11 + a5 * f10 + a6 * f9 + a7 * f8;
  let c1: f64 = d0 * a1 + a2 * f14 + a3 * f13 + a4 * f12 + a5 * f11 + a6 * f10 + a7 * f9 + a8 * e8;
  let c2: f64 = d0 * a2 + a1 * a1 + a3 * f14 + a4 * f13 + a5 * f12 + a6 * f11 + a7 * f10 + a8 * f9;
  let c3: f64 = d0 * a3 + d1 * a2 + a4 * f14 + a5 * f13 + a6 * f12 + a7 * f11 + a8 * f10 + a9 * e9;
  let c4: f64 = d0 * a4 + d1 * a3 + a2 * a2 + a5 * f14 + a6 * f13 + a7 * f12 + a8 * f11 + a9 * f10;
  let c5: f64 = d0 * a5 + d1 * a4 + d2 * a3 + a6 * f14 + a7 * f13 + a8 * f12 + a9 * f11 + a10 * e10;
  let c6: f64 = d0 * a6 + d1 * a5 + d2 * a4 + a3 * a3 + a7 * f14 + a8 * f13 + a9 * f12 + a10 * f11;
  let c7: f64 = d0 * a7 + d1 * a6 + d2 * a5 + d3 * a4 + a8 * f14 + a9 * f13 + a10 * f12 + a11 * e11;
  let c8: f64 = d0 * a8 + d1 * a7 + d2 * a6 + d3 * a5 + a4 * a4 + a9 * f14 + a10 * f13 + a11 * f12;
  let c9: f64 = d0 * a9 + d1 * a8 + d2 * a7 + d3 * a6 + d4 * a5 + a10 * f14 + a11 * f13 + a12 * e12;
  let c10: f64 = d0 * a10 + d1 * a9 + d2 * a8 + d3 * a7 + d4 * a6 + a5 * a5 + a11 * f14 + a12 * f13;
  let c11: f64 = d0 * a11 + d1 * a10 + d2 * a9 + d3 * a8 + d4 * a7 + d5 * a6 + a12 * f14 + a13 * e13;
  let c12: f64 = d0 * a12 + d1 * a11 + d2 * a10 + d3 * a9 + d4 * a8 + d5 * a7 + a6 * a6 + a13 * f14;
  let c13: f64 = d0 * a13 + d1 * a12 + d2 * a11 + d3 * a10 + d4 * a9 + d5 * a8 + d6 * a7 + a14 * e14;
  let c14: f64 = d0 * a14 + d1 * a13 + d2 * a12 + d3 * a11 + d4 * a10 + d5 * a9 + d6 * a8 + a7 * a7;
  let q: f64 = Math.floor(c0 * FE_INV_RADIX);
  c0 -= q * FE_RADIX;
  c1 += q;
  q = Math.floor(c1 * FE_INV_RADIX);
  c1 -= q * FE_RADIX;
  c2 += q;
  q = Math.floor(c2 * FE_INV_RADIX);
  c2 -= q * FE_RADIX;
  c3 += q;
  q = Math.floor(c3 * FE_INV_RADIX);
  c3 -= q * FE_RADIX;
  c4 += q;
  q = Math.floor(c4 * FE_INV_RADIX);
  c4 -= q * FE_RADIX;
  c5 += q;
  q = Math.floor(c5 * FE_INV_RADIX);
  c5 -= q * FE_RADIX;
  c6 += q;
  q = Math.floor(c6 * FE_INV_RADIX);
  c6 -= q * FE_RADIX;
  c7 += q;
  q = Math.floor(c7 * FE_INV_RADIX);
  c7 -= q * FE_RADIX;
  c8 += q;
  q = Math.floor(c8 * FE_INV_RADIX);
  c8 -= q * FE_RADIX;
  c9 += q;
  q = Math.floor(c9 * FE_INV_RADIX);
  c9 -= q * FE_RADIX;
  c10 += q;
  q = Math.floor(c10 * FE_INV_RADIX);
  c10 -= q * FE_RADIX;
  c11 += q;
  q = Math.floor(c11 * FE_INV_RADIX);
  c11 -= q * FE_RADIX;
  c12 += q;
  q = Math.floor(c12 * FE_INV_RADIX);
  c12 -= q * FE_RADIX;
  c13 += q;
  q = Math.floor(c13 * FE_INV_RADIX);
  c13 -= q * FE_RADIX;
  c14 += q;
  q = Math.floor(c14 * FE_INV_RADIX);
  c14 -= q * FE_RADIX;
  c0 += q * 19.0;
  q = Math.floor(c0 * FE_INV_RADIX);
  c0 -= q * FE_RADIX;
  c1 += q;
  q = Math.floor(c1 * FE_INV_RADIX);
  c1 -= q * FE_RADIX;
  c2 += q;
  unchecked((m[o + 0] = <i32>c0));
  unchecked((m[o + 1] = <i32>c1));
  unchecked((m[o + 2] = <i32>c2));
  unchecked((m[o + 3] = <i32>c3));
  unchecked((m[o + 4] = <i32>c4));
  unchecked((m[o + 5] = <i32>c5));
  unchecked((m[o + 6] = <i32>c6));
  unchecked((m[o + 7] = <i32>c7));
  unchecked((m[o + 8] = <i32>c8));
  unchecked((m[o + 9] = <i32>c9));
  unchecked((m[o + 10] = <i32>c10));
  unchecked((m[o + 11] = <i32>c11));
  unchecked((m[o + 12] = <i32>c12));
  unchecked((m[o + 13] = <i32>c13));
  unchecked((m[o + 14] = <i32>c14));
}

/** o = a^(2^n), n >= 1. */
export function feSqrN(o: i32, a: i32, n: i32): void {
  feSqr(o, a);
  for (let i: i32 = 1; i < n; i++) feSqr(o, o);
}

/**
 * Bring o to its canonical form in place: limbs in [0, 2^17) holding the
 * unique value in [0, p). Accepts any limbs with |limb| < 2^31.
 */
export function feReduce(o: i32): void {
  const m = feM;
  // Carry until nothing leaves the top limb; each pass shrinks the excess
  // folded back into limb 0 (at most three passes in practice).
  let q: f64 = 1.0;
  while (q != 0.0) {
    q = 0.0;
    for (let i: i32 = 0; i < FE_LIMBS; i++) {
      const v: f64 = <f64>unchecked(m[o + i]) + q;
      q = Math.floor(v * FE_INV_RADIX);
      unchecked((m[o + i] = <i32>(v - q * FE_RADIX)));
    }
    if (q != 0.0) unchecked((m[o] = <i32>(<f64>unchecked(m[o]) + q * 19.0)));
  }
  // Now 0 <= v < 2^255; v >= p exactly when v + 19 reaches 2^255.
  let c: i32 = 19;
  for (let i: i32 = 0; i < FE_LIMBS; i++) {
    c = (c + unchecked(m[o + i])) >> 17;
  }
  if (c == 0) return;
  c = 19;
  for (let i: i32 = 0; i < FE_LIMBS; i++) {
    const v = c + unchecked(m[o + i]);
    unchecked((m[o + i] = v & 0x1ffff));
    c = v >> 17;
  }
}

export function feIsZero(a: i32): bool {
  const m = feM;
  feCopy(feT3, a);
  feReduce(feT3);
  let acc: i32 = 0;
  for (let i: i32 = 0; i < FE_LIMBS; i++) acc |= unchecked(m[feT3 + i]);
  return acc == 0;
}

export function feEqual(a: i32, b: i32): bool {
  feSub(feT3, a, b);
  return feIsZero(feT3);
}

/** The low bit of the canonical value (the "sign" of x in RFC 8032). */
export function feIsOdd(a: i32): bool {
  feCopy(feT3, a);
  feReduce(feT3);
  return (unchecked(feM[feT3]) & 1) != 0;
}

/** Canonical 32-byte little-endian encoding of a (bit 255 clear). */
export function feToBytes(b: Uint8Array, off: i32, a: i32): void {
  const m = feM;
  feCopy(feT3, a);
  feReduce(feT3);
  for (let i: i32 = 0; i < 32; i++) unchecked((b[off + i] = 0));
  for (let i: i32 = 0; i < FE_LIMBS; i++) {
    const bit = i * 17;
    const k = off + (bit >> 3);
    const v: u32 = u32(unchecked(m[feT3 + i])) << u32(bit & 7);
    unchecked((b[k] = u8(b[k] | u8(v))));
    unchecked((b[k + 1] = u8(v >>> 8)));
    if (k + 2 < off + 32) unchecked((b[k + 2] = u8(v >>> 16)));
  }
}

/**
 * o = z^((p-5)/8) = z^(2^252 - 3), the exponent of the square root in point
 * decoding. Chain: build z^(2^k - 1) for k = 5, 10, 20, 40, 50, 100, 200, 250.
 */
export function fePow22523(o: i32, z: i32): void {
  feSqr(feT0, z); //                 z^2
  feSqrN(feT1, feT0, 2); //          z^8
  feMul(feT1, z, feT1); //           z^9
  feMul(feT0, feT0, feT1); //        z^11
  feSqr(feT0, feT0); //              z^22
  feMul(feT0, feT1, feT0); //        z^31 = z^(2^5 - 1)
  feSqrN(feT1, feT0, 5);
  feMul(feT0, feT1, feT0); //        2^10 - 1
  feSqrN(feT1, feT0, 10);
  feMul(feT1, feT1, feT0); //        2^20 - 1
  feSqrN(feT2, feT1, 20);
  feMul(feT1, feT2, feT1); //        2^40 - 1
  feSqrN(feT1, feT1, 10);
  feMul(feT0, feT1, feT0); //        2^50 - 1
  feSqrN(feT1, feT0, 50);
  feMul(feT1, feT1, feT0); //        2^100 - 1
  feSqrN(feT2, feT1, 100);
  feMul(feT1, feT2, feT1); //        2^200 - 1
  feSqrN(feT1, feT1, 50);
  feMul(feT0, feT1, feT0); //        2^250 - 1
  feSqrN(feT0, feT0, 2); //          2^252 - 4
  feMul(o, feT0, z); //              2^252 - 3
}
