// Half-length scalars for Ed25519 verification.
//
// For the challenge k (mod L), find u and v with u = v k (mod L),
// 0 <= u < 2^126 and 0 < |v| < 2^127. Then [8]([S]B - [k]A - R) is the
// identity exactly when [8]([v S mod L]B - [u]A - [v]R) is: the second is
// [v] times the first (B has order L, and [8]A lies in the subgroup of order
// L, where the scalars u and v k act alike), and v is invertible mod L. The
// scalars of A and R are then half length, and v S mod L is split into
// halves against B and [2^128]B, so a verification doubles 128 times instead
// of 253. (The idea is the one Pornin published as "Optimized lattice basis
// reduction in dimension 2, and fast Schnorr and EdDSA signature
// verification", 2020; this is the plain extended Euclidean algorithm on
// (L, k), stopped at the first remainder below 2^126.)
//
// Why the bounds hold: consecutive remainders r_(i-1) > r_i of the
// algorithm and their cofactors t (r_i = t_i k mod L) satisfy
// r_(i-1) |t_i| + r_i |t_(i-1)| = L, so at the first r_i below 2^126,
// |t_i| <= L / r_(i-1) <= L / 2^126 < 2^127. The t alternate in sign, so
// only magnitudes are kept (|t_(i+1)| = |t_(i-1)| + q |t_i|) and the sign
// is the parity of the step.
//
// Numbers are limbs of 24 bits in f64: a limb times a quotient below 2^26 is
// below 2^50, exact in a double, and three bytes make a limb. Remainders
// have 11 limbs (264 bits), cofactors 6 (|t| < 2^127 < 2^144). Everything
// here is public data; none of it needs constant time. On Espruino each
// function costs variables of RAM while the update module is loaded, so the
// small steps are written where they are used.

import { edScalarScratch } from "./edscalar";

const HALF_LIMBS: i32 = 11;
const HALF_T_LIMBS: i32 = 6;
const HALF_RADIX: f64 = 16777216.0; // 2^24
const HALF_INV_RADIX: f64 = 5.9604644775390625e-8; // 2^-24, as a number (an expression would stay a variable in the JS builds)
// A quotient digit stays below 2^26 so that digit * limb is exact.
const HALF_DIGIT_MAX: f64 = 67108864.0; // 2^26
// The quotient estimate's relative error is below 2^-46 (each remainder's
// top three limbs: under 2^-48 short, rounded once more); shrinking it by
// 2^-40 makes it never exceed the truth.
const HALF_UNDER: f64 = 0.99999999999909051; // 1 - 2^-40
// No input takes near this many steps (about 75 on average); the cap only
// keeps a fault from looping forever.
const HALF_STEPS_MAX: i32 = 4096;
// Where the numbers sit in edScalarScratch (34 limbs): the two remainders,
// then the two cofactors. A swap exchanges offsets, not limbs.
const HALF_R0: i32 = 0;
const HALF_R1: i32 = HALF_LIMBS;
const HALF_T0: i32 = 2 * HALF_LIMBS;
const HALF_T1: i32 = 2 * HALF_LIMBS + HALF_T_LIMBS;

// Limbs at..at+count of the scratch from the len-byte little-endian b.
function halfLoad(at: i32, count: i32, b: Uint8Array, bOff: i32, len: i32): void {
  const x = edScalarScratch;
  for (let i: i32 = 0; i < count; i++) {
    let v: i32 = 0;
    for (let k: i32 = 2; k >= 0; k--) {
      const byte = 3 * i + k;
      v = (v << 8) | (byte < len ? i32(unchecked(b[bOff + byte])) : 0);
    }
    unchecked((x[at + i] = <f64>v));
  }
}

// dst += factor * src * 2^(24 shift) over limbs shift..size-1, carried back
// into 24-bit limbs. The caller keeps the result in [0, 2^(24 size)): a
// subtraction never goes below 0, and the carry out of the top is 0.
function halfMultiplyAdd(dst: i32, src: i32, factor: f64, shift: i32, size: i32): void {
  const x = edScalarScratch;
  let carry: f64 = 0.0;
  for (let i: i32 = shift; i < size; i++) {
    const v: f64 = unchecked(x[dst + i]) + factor * unchecked(x[src + i - shift]) + carry;
    carry = Math.floor(v * HALF_INV_RADIX);
    unchecked((x[dst + i] = v - carry * HALF_RADIX));
  }
}

/**
 * From k (32 bytes little-endian, below L) write u to out[outOff..+16) and
 * |v| to out[outOff+16..+32), both little-endian, with u = v k (mod L),
 * u < 2^126 and 0 < |v| < 2^127. Returns 1 when v > 0, -1 when v < 0, and
 * 0 only on a fault (the caller then rejects the signature).
 */
export function edHalfScalars(out: Uint8Array, outOff: i32, k: Uint8Array, kOff: i32): i32 {
  const x = edScalarScratch;
  // (ra, ta) = (L, 0) and (rb, tb) = (k, 1): r = t k (mod L) for both.
  let ra: i32 = HALF_R0;
  let rb: i32 = HALF_R1;
  let ta: i32 = HALF_T0;
  let tb: i32 = HALF_T1;
  // L in 24-bit limbs (written out: a table would take RAM on Espruino).
  x.fill(0.0, ra, ra + HALF_LIMBS);
  unchecked((x[ra] = 16110573.0));
  unchecked((x[ra + 1] = 6494812.0));
  unchecked((x[ra + 2] = 14047250.0));
  unchecked((x[ra + 3] = 10680220.0));
  unchecked((x[ra + 4] = 14612958.0));
  unchecked((x[ra + 5] = 20.0));
  unchecked((x[ra + 10] = 4096.0));
  halfLoad(rb, HALF_LIMBS, k, kOff, 32);
  x.fill(0.0, ta, ta + 2 * HALF_T_LIMBS);
  unchecked((x[tb] = 1.0));
  let positive: bool = true;
  let steps: i32 = 0;
  // Limbs in use: ra, the larger remainder, is below 2^(24 size).
  let size: i32 = HALF_LIMBS;
  // Until rb < 2^126 = 2^(5 * 24 + 6).
  for (;;) {
    let below: bool = unchecked(x[rb + 5]) < 64.0;
    for (let i: i32 = 6; i < size; i++) if (unchecked(x[rb + i]) != 0.0) below = false;
    if (below) break;
    // ra = ra mod rb, ta = ta + q tb, in quotient digits that never
    // overshoot, so ra stays at or above 0, until ra < rb.
    for (;;) {
      let order: f64 = 0.0;
      for (let i: i32 = size - 1; i >= 0 && order == 0.0; i--) order = unchecked(x[ra + i]) - unchecked(x[rb + i]);
      if (order < 0.0) break;
      if (++steps > HALF_STEPS_MAX) return 0;
      // ra / rb = q 2^(24 shift) with q below 2^26, from the top three
      // limbs of each (both are at least 2^126: limb 5 or above is set).
      let topA: i32 = size - 1;
      while (unchecked(x[ra + topA]) == 0.0) topA--;
      let topB: i32 = topA;
      while (unchecked(x[rb + topB]) == 0.0) topB--;
      let q: f64 =
        ((unchecked(x[ra + topA]) * HALF_RADIX + unchecked(x[ra + topA - 1])) * HALF_RADIX + unchecked(x[ra + topA - 2])) /
        ((unchecked(x[rb + topB]) * HALF_RADIX + unchecked(x[rb + topB - 1])) * HALF_RADIX + unchecked(x[rb + topB - 2]));
      // The leading parts' ratio is below 2^24: scale up while it stays
      // below 2^26.
      let shift: i32 = topA - topB;
      while (shift > 0 && q * HALF_RADIX < HALF_DIGIT_MAX) {
        q *= HALF_RADIX;
        shift--;
      }
      q = Math.floor(q * HALF_UNDER);
      // ra >= rb: one rb can always go (an estimate just below 1 gives 0).
      if (q < 1.0) q = 1.0;
      halfMultiplyAdd(ra, rb, -q, shift, size);
      // |ta + q 2^(24 shift) tb| < 2^127 keeps shift below 6 (tb != 0).
      halfMultiplyAdd(ta, tb, q, shift, HALF_T_LIMBS);
    }
    // rb becomes the larger remainder.
    while (size > 1 && unchecked(x[rb + size - 1]) == 0.0) size--;
    const r = ra;
    ra = rb;
    rb = r;
    const t = ta;
    ta = tb;
    tb = t;
    positive = !positive;
  }
  // u = rb < 2^126 and |v| = tb < 2^127: limbs 0..5, bytes 0..15 of each.
  let vBits: i32 = 0;
  for (let half: i32 = 0; half < 2; half++) {
    const at = half == 0 ? rb : tb;
    for (let i: i32 = 0; i < 6; i++) {
      const v: i32 = <i32>unchecked(x[at + i]);
      if (half == 1) vBits |= v;
      for (let b: i32 = 0; b < 3; b++) {
        const byte = 3 * i + b;
        if (byte < 16) unchecked((out[outOff + 16 * half + byte] = u8(v >> (8 * b))));
      }
    }
  }
  // v = 0 would make the verifier's Q the identity whatever the signature.
  // The algorithm never gives it (t starts at 1 and only grows), but a fault
  // or a miscompiled build must fail closed: 0, as at the step cap.
  if (vBits == 0) return 0;
  return positive ? 1 : -1;
}

/**
 * out[outOff..+64) = a * b for a = a[aOff..+16) and b = b[bOff..+32), both
 * little-endian (the product is below 2^384: its top 16 bytes are 0).
 */
export function edMultiplyHalf(out: Uint8Array, outOff: i32, a: Uint8Array, aOff: i32, b: Uint8Array, bOff: i32): void {
  // a in limbs 0..5, b in 6..16 and the product's 16 columns in 17..32.
  const x = edScalarScratch;
  const bAt: i32 = 6;
  const p: i32 = 17;
  halfLoad(0, 6, a, aOff, 16);
  halfLoad(bAt, HALF_LIMBS, b, bOff, 32);
  x.fill(0.0, p, p + 16);
  // A column collects at most 6 products below 2^48: exact.
  for (let i: i32 = 0; i < 6; i++) {
    const ai: f64 = unchecked(x[i]);
    for (let j: i32 = 0; j < HALF_LIMBS; j++) {
      unchecked((x[p + i + j] = x[p + i + j] + ai * x[bAt + j]));
    }
  }
  let carry: f64 = 0.0;
  for (let i: i32 = 0; i < 16; i++) {
    const v: f64 = unchecked(x[p + i]) + carry;
    carry = Math.floor(v * HALF_INV_RADIX);
    const limb: i32 = <i32>(v - carry * HALF_RADIX);
    for (let k: i32 = 0; k < 3; k++) unchecked((out[outOff + 3 * i + k] = u8(limb >> (8 * k))));
  }
  for (let i: i32 = 48; i < 64; i++) unchecked((out[outOff + i] = 0));
}
