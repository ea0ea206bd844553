// Arithmetic modulo the P-256 prime p = 2^256 - 2^224 + 2^192 + 2^96 - 1 for
// ECDSA verification, written for engines without 64-bit integers (the
// portable core rules: no i64), in the manner of fe25519.ts.
//
// An element is 16 limbs of 16 bits, little-endian. Every power of two in p
// is a multiple of 16, so 2^256 = 2^224 - 2^192 - 2^96 + 1 (mod p) folds a
// limb above the top back onto limbs at whole-limb offsets (+14, -12, -6, +0
// places lower by 16): the reduction is additions of whole columns, no
// shifts. Products are formed in f64, exact below 2^53: with |limb| < 2^20 on
// input a column is below 16 * 2^40 and the folds grow the largest column to
// below 2^48.7 (scripts/gen-p256-field.mjs generated the code and the bound).
//
// Limb bounds (the invariant every caller relies on):
//   - p256Mul/p256Sqr outputs have |limb| < 2^16 + 2^5 (two carry passes
//     leave the last fold, at most 17 in size, uncarried);
//   - inputs of p256Mul/p256Sqr may have |limb| < 2^20, i.e. any sum or
//     difference of up to 15 outputs, so p256Add/p256Sub never carry.
//   p256Reduce gives the canonical form, limbs in [0, 2^16) holding a value
//   below p.
// Limbs are i32 fields so that each access is a plain load in WASM; the JS
// builds turn the class into an Int32Array(16) (scripts/core-transforms.mjs).
// All storage is allocated at module initialisation; every function accepts
// aliased arguments (o may be a or b).

const P256_RADIX: f64 = 65536.0;
const P256_INV_RADIX: f64 = 1.0 / 65536.0;

export class P256Fe {
  l0: i32 = 0;
  l1: i32 = 0;
  l2: i32 = 0;
  l3: i32 = 0;
  l4: i32 = 0;
  l5: i32 = 0;
  l6: i32 = 0;
  l7: i32 = 0;
  l8: i32 = 0;
  l9: i32 = 0;
  l10: i32 = 0;
  l11: i32 = 0;
  l12: i32 = 0;
  l13: i32 = 0;
  l14: i32 = 0;
  l15: i32 = 0;
}

// p as 16-bit limbs, little-endian.
const p256PrimeLimbs: i32[] = [
  0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0, 0, 0, 0, 0, 0, 1, 0, 0xffff, 0xffff,
];
// Scratch for the limb-indexed routines.
const p256Limbs: Int32Array = new Int32Array(16);
const p256Spare: Int32Array = new Int32Array(16);
const p256Diff: P256Fe = new P256Fe();


export function p256Copy(o: P256Fe, a: P256Fe): void {
  o.l0 = a.l0;
  o.l1 = a.l1;
  o.l2 = a.l2;
  o.l3 = a.l3;
  o.l4 = a.l4;
  o.l5 = a.l5;
  o.l6 = a.l6;
  o.l7 = a.l7;
  o.l8 = a.l8;
  o.l9 = a.l9;
  o.l10 = a.l10;
  o.l11 = a.l11;
  o.l12 = a.l12;
  o.l13 = a.l13;
  o.l14 = a.l14;
  o.l15 = a.l15;
}


export function p256Add(o: P256Fe, a: P256Fe, b: P256Fe): void {
  o.l0 = a.l0 + b.l0;
  o.l1 = a.l1 + b.l1;
  o.l2 = a.l2 + b.l2;
  o.l3 = a.l3 + b.l3;
  o.l4 = a.l4 + b.l4;
  o.l5 = a.l5 + b.l5;
  o.l6 = a.l6 + b.l6;
  o.l7 = a.l7 + b.l7;
  o.l8 = a.l8 + b.l8;
  o.l9 = a.l9 + b.l9;
  o.l10 = a.l10 + b.l10;
  o.l11 = a.l11 + b.l11;
  o.l12 = a.l12 + b.l12;
  o.l13 = a.l13 + b.l13;
  o.l14 = a.l14 + b.l14;
  o.l15 = a.l15 + b.l15;
}


export function p256Sub(o: P256Fe, a: P256Fe, b: P256Fe): void {
  o.l0 = a.l0 - b.l0;
  o.l1 = a.l1 - b.l1;
  o.l2 = a.l2 - b.l2;
  o.l3 = a.l3 - b.l3;
  o.l4 = a.l4 - b.l4;
  o.l5 = a.l5 - b.l5;
  o.l6 = a.l6 - b.l6;
  o.l7 = a.l7 - b.l7;
  o.l8 = a.l8 - b.l8;
  o.l9 = a.l9 - b.l9;
  o.l10 = a.l10 - b.l10;
  o.l11 = a.l11 - b.l11;
  o.l12 = a.l12 - b.l12;
  o.l13 = a.l13 - b.l13;
  o.l14 = a.l14 - b.l14;
  o.l15 = a.l15 - b.l15;
}


export function p256Neg(o: P256Fe, a: P256Fe): void {
  o.l0 = -a.l0;
  o.l1 = -a.l1;
  o.l2 = -a.l2;
  o.l3 = -a.l3;
  o.l4 = -a.l4;
  o.l5 = -a.l5;
  o.l6 = -a.l6;
  o.l7 = -a.l7;
  o.l8 = -a.l8;
  o.l9 = -a.l9;
  o.l10 = -a.l10;
  o.l11 = -a.l11;
  o.l12 = -a.l12;
  o.l13 = -a.l13;
  o.l14 = -a.l14;
  o.l15 = -a.l15;
}

/** o = 3a: three times the bound of a, no carry. */
export function p256Triple(o: P256Fe, a: P256Fe): void {
  o.l0 = a.l0 * 3;
  o.l1 = a.l1 * 3;
  o.l2 = a.l2 * 3;
  o.l3 = a.l3 * 3;
  o.l4 = a.l4 * 3;
  o.l5 = a.l5 * 3;
  o.l6 = a.l6 * 3;
  o.l7 = a.l7 * 3;
  o.l8 = a.l8 * 3;
  o.l9 = a.l9 * 3;
  o.l10 = a.l10 * 3;
  o.l11 = a.l11 * 3;
  o.l12 = a.l12 * 3;
  o.l13 = a.l13 * 3;
  o.l14 = a.l14 * 3;
  o.l15 = a.l15 * 3;
}


function p256ToLimbs(r: Int32Array, a: P256Fe): void {
  unchecked((r[0] = a.l0));
  unchecked((r[1] = a.l1));
  unchecked((r[2] = a.l2));
  unchecked((r[3] = a.l3));
  unchecked((r[4] = a.l4));
  unchecked((r[5] = a.l5));
  unchecked((r[6] = a.l6));
  unchecked((r[7] = a.l7));
  unchecked((r[8] = a.l8));
  unchecked((r[9] = a.l9));
  unchecked((r[10] = a.l10));
  unchecked((r[11] = a.l11));
  unchecked((r[12] = a.l12));
  unchecked((r[13] = a.l13));
  unchecked((r[14] = a.l14));
  unchecked((r[15] = a.l15));
}


function p256FromLimbs(o: P256Fe, r: Int32Array): void {
  o.l0 = unchecked(r[0]);
  o.l1 = unchecked(r[1]);
  o.l2 = unchecked(r[2]);
  o.l3 = unchecked(r[3]);
  o.l4 = unchecked(r[4]);
  o.l5 = unchecked(r[5]);
  o.l6 = unchecked(r[6]);
  o.l7 = unchecked(r[7]);
  o.l8 = unchecked(r[8]);
  o.l9 = unchecked(r[9]);
  o.l10 = unchecked(r[10]);
  o.l11 = unchecked(r[11]);
  o.l12 = unchecked(r[12]);
  o.l13 = unchecked(r[13]);
  o.l14 = unchecked(r[14]);
  o.l15 = unchecked(r[15]);
}

/** Load 16 limbs baked into a constant array, starting at index at. */
export function p256FromConstants(o: P256Fe, src: i32[], at: i32): void {
  o.l0 = unchecked(src[at + 0]);
  o.l1 = unchecked(src[at + 1]);
  o.l2 = unchecked(src[at + 2]);
  o.l3 = unchecked(src[at + 3]);
  o.l4 = unchecked(src[at + 4]);
  o.l5 = unchecked(src[at + 5]);
  o.l6 = unchecked(src[at + 6]);
  o.l7 = unchecked(src[at + 7]);
  o.l8 = unchecked(src[at + 8]);
  o.l9 = unchecked(src[at + 9]);
  o.l10 = unchecked(src[at + 10]);
  o.l11 = unchecked(src[at + 11]);
  o.l12 = unchecked(src[at + 12]);
  o.l13 = unchecked(src[at + 13]);
  o.l14 = unchecked(src[at + 14]);
  o.l15 = unchecked(src[at + 15]);
}
/** o = a * b mod p (limbs of o in (-2^6, 2^16 + 2^6)). */
export function p256Mul(o: P256Fe, a: P256Fe, b: P256Fe): void {
  const a0: f64 = <f64>a.l0;
  const a1: f64 = <f64>a.l1;
  const a2: f64 = <f64>a.l2;
  const a3: f64 = <f64>a.l3;
  const a4: f64 = <f64>a.l4;
  const a5: f64 = <f64>a.l5;
  const a6: f64 = <f64>a.l6;
  const a7: f64 = <f64>a.l7;
  const a8: f64 = <f64>a.l8;
  const a9: f64 = <f64>a.l9;
  const a10: f64 = <f64>a.l10;
  const a11: f64 = <f64>a.l11;
  const a12: f64 = <f64>a.l12;
  const a13: f64 = <f64>a.l13;
  const a14: f64 = <f64>a.l14;
  const a15: f64 = <f64>a.l15;
  const b0: f64 = <f64>b.l0;
  const b1: f64 = <f64>b.l1;
  const b2: f64 = <f64>b.l2;
  const b3: f64 = <f64>b.l3;
  const b4: f64 = <f64>b.l4;
  const b5: f64 = <f64>b.l5;
  const b6: f64 = <f64>b.l6;
  const b7: f64 = <f64>b.l7;
  const b8: f64 = <f64>b.l8;
  const b9: f64 = <f64>b.l9;
  const b10: f64 = <f64>b.l10;
  const b11: f64 = <f64>b.l11;
  const b12: f64 = <f64>b.l12;
  const b13: f64 = <f64>b.l13;
  const b14: f64 = <f64>b.l14;
  const b15: f64 = <f64>b.l15;
  let c0: f64 = a0 * b0;
  let c1: f64 = a0 * b1 + a1 * b0;
  let c2: f64 = a0 * b2 + a1 * b1 + a2 * b0;
  let c3: f64 = a0 * b3 + a1 * b2 + a2 * b1 + a3 * b0;
  let c4: f64 = a0 * b4 + a1 * b3 + a2 * b2 + a3 * b1 + a4 * b0;
  let c5: f64 = a0 * b5 + a1 * b4 + a2 * b3 + a3 * b2 + a4 * b1 + a5 * b0;
  let c6: f64 = a0 * b6 + a1 * b5 + a2 * b4 + a3 * b3 + a4 * b2 + a5 * b1 + a6 * b0;
  let c7: f64 = a0 * b7 + a1 * b6 + a2 * b5 + a3 * b4 + a4 * b3 + a5 * b2 + a6 * b1 + a7 * b0;
  let c8: f64 = a0 * b8 + a1 * b7 + a2 * b6 + a3 * b5 + a4 * b4 + a5 * b3 + a6 * b2 + a7 * b1 + a8 * b0;
  let c9: f64 = a0 * b9 + a1 * b8 + a2 * b7 + a3 * b6 + a4 * b5 + a5 * b4 + a6 * b3 + a7 * b2 + a8 * b1 + a9 * b0;
  let c10: f64 = a0 * b10 + a1 * b9 + a2 * b8 + a3 * b7 + a4 * b6 + a5 * b5 + a6 * b4 + a7 * b3 + a8 * b2 + a9 * b1 + a10 * b0;
  let c11: f64 = a0 * b11 + a1 * b10 + a2 * b9 + a3 * b8 + a4 * b7 + a5 * b6 + a6 * b5 + a7 * b4 + a8 * b3 + a9 * b2 + a10 * b1 + a11 * b0;
  let c12: f64 = a0 * b12 + a1 * b11 + a2 * b10 + a3 * b9 + a4 * b8 + a5 * b7 + a6 * b6 + a7 * b5 + a8 * b4 + a9 * b3 + a10 * b2 + a11 * b1 + a12 * b0;
  let c13: f64 = a0 * b13 + a1 * b12 + a2 * b11 + a3 * b10 + a4 * b9 + a5 * b8 + a6 * b7 + a7 * b6 + a8 * b5 + a9 * b4 + a10 * b3 + a11 * b2 + a12 * b1 + a13 * b0;
  let c14: f64 = a0 * b14 + a1 * b13 + a2 * b12 + a3 * b11 + a4 * b10 + a5 * b9 + a6 * b8 + a7 * b7 + a8 * b6 + a9 * b5 + a10 * b4 + a11 * b3 + a12 * b2 + a13 * b1 + a14 * b0;
  let c15: f64 = a0 * b15 + a1 * b14 + a2 * b13 + a3 * b12 + a4 * b11 + a5 * b10 + a6 * b9 + a7 * b8 + a8 * b7 + a9 * b6 + a10 * b5 + a11 * b4 + a12 * b3 + a13 * b2 + a14 * b1 + a15 * b0;
  let c16: f64 = a1 * b15 + a2 * b14 + a3 * b13 + a4 * b12 + a5 * b11 + a6 * b10 + a7 * b9 + a8 * b8 + a9 * b7 + a10 * b6 + a11 * b5 + a12 * b4 + a13 * b3 + a14 * b2 + a15 * b1;
  let c17: f64 = a2 * b15 + a3 * b14 + a4 * b13 + a5 * b12 + a6 * b11 + a7 * b10 + a8 * b9 + a9 * b8 + a10 * b7 + a11 * b6 + a12 * b5 + a13 * b4 + a14 * b3 + a15 * b2;
  let c18: f64 = a3 * b15 + a4 * b14 + a5 * b13 + a6 * b12 + a7 * b11 + a8 * b10 + a9 * b9 + a10 * b8 + a11 * b7 + a12 * b6 + a13 * b5 + a14 * b4 + a15 * b3;
  let c19: f64 = a4 * b15 + a5 * b14 + a6 * b13 + a7 * b12 + a8 * b11 + a9 * b10 + a10 * b9 + a11 * b8 + a12 * b7 + a13 * b6 + a14 * b5 + a15 * b4;
  let c20: f64 = a5 * b15 + a6 * b14 + a7 * b13 + a8 * b12 + a9 * b11 + a10 * b10 + a11 * b9 + a12 * b8 + a13 * b7 + a14 * b6 + a15 * b5;
  let c21: f64 = a6 * b15 + a7 * b14 + a8 * b13 + a9 * b12 + a10 * b11 + a11 * b10 + a12 * b9 + a13 * b8 + a14 * b7 + a15 * b6;
  let c22: f64 = a7 * b15 + a8 * b14 + a9 * b13 + a10 * b12 + a11 * b11 + a12 * b10 + a13 * b9 + a14 * b8 + a15 * b7;
  let c23: f64 = a8 * b15 + a9 * b14 + a10 * b13 + a11 * b12 + a12 * b11 + a13 * b10 + a14 * b9 + a15 * b8;
  let c24: f64 = a9 * b15 + a10 * b14 + a11 * b13 + a12 * b12 + a13 * b11 + a14 * b10 + a15 * b9;
  let c25: f64 = a10 * b15 + a11 * b14 + a12 * b13 + a13 * b12 + a14 * b11 + a15 * b10;
  let c26: f64 = a11 * b15 + a12 * b14 + a13 * b13 + a14 * b12 + a15 * b11;
  let c27: f64 = a12 * b15 + a13 * b14 + a14 * b13 + a15 * b12;
  let c28: f64 = a13 * b15 + a14 * b14 + a15 * b13;
  let c29: f64 = a14 * b15 + a15 * b14;
  let c30: f64 = a15 * b15;
  c28 += c30;
  c26 -= c30;
  c20 -= c30;
  c14 += c30;
  c27 += c29;
  c25 -= c29;
  c19 -= c29;
  c13 += c29;
  c26 += c28;
  c24 -= c28;
  c18 -= c28;
  c12 += c28;
  c25 += c27;
  c23 -= c27;
  c17 -= c27;
  c11 += c27;
  c24 += c26;
  c22 -= c26;
  c16 -= c26;
  c10 += c26;
  c23 += c25;
  c21 -= c25;
  c15 -= c25;
  c9 += c25;
  c22 += c24;
  c20 -= c24;
  c14 -= c24;
  c8 += c24;
  c21 += c23;
  c19 -= c23;
  c13 -= c23;
  c7 += c23;
  c20 += c22;
  c18 -= c22;
  c12 -= c22;
  c6 += c22;
  c19 += c21;
  c17 -= c21;
  c11 -= c21;
  c5 += c21;
  c18 += c20;
  c16 -= c20;
  c10 -= c20;
  c4 += c20;
  c17 += c19;
  c15 -= c19;
  c9 -= c19;
  c3 += c19;
  c16 += c18;
  c14 -= c18;
  c8 -= c18;
  c2 += c18;
  c15 += c17;
  c13 -= c17;
  c7 -= c17;
  c1 += c17;
  c14 += c16;
  c12 -= c16;
  c6 -= c16;
  c0 += c16;
  let q: f64 = 0.0;
  q = Math.floor(c0 * P256_INV_RADIX);
  c0 -= q * P256_RADIX;
  c1 += q;
  q = Math.floor(c1 * P256_INV_RADIX);
  c1 -= q * P256_RADIX;
  c2 += q;
  q = Math.floor(c2 * P256_INV_RADIX);
  c2 -= q * P256_RADIX;
  c3 += q;
  q = Math.floor(c3 * P256_INV_RADIX);
  c3 -= q * P256_RADIX;
  c4 += q;
  q = Math.floor(c4 * P256_INV_RADIX);
  c4 -= q * P256_RADIX;
  c5 += q;
  q = Math.floor(c5 * P256_INV_RADIX);
  c5 -= q * P256_RADIX;
  c6 += q;
  q = Math.floor(c6 * P256_INV_RADIX);
  c6 -= q * P256_RADIX;
  c7 += q;
  q = Math.floor(c7 * P256_INV_RADIX);
  c7 -= q * P256_RADIX;
  c8 += q;
  q = Math.floor(c8 * P256_INV_RADIX);
  c8 -= q * P256_RADIX;
  c9 += q;
  q = Math.floor(c9 * P256_INV_RADIX);
  c9 -= q * P256_RADIX;
  c10 += q;
  q = Math.floor(c10 * P256_INV_RADIX);
  c10 -= q * P256_RADIX;
  c11 += q;
  q = Math.floor(c11 * P256_INV_RADIX);
  c11 -= q * P256_RADIX;
  c12 += q;
  q = Math.floor(c12 * P256_INV_RADIX);
  c12 -= q * P256_RADIX;
  c13 += q;
  q = Math.floor(c13 * P256_INV_RADIX);
  c13 -= q * P256_RADIX;
  c14 += q;
  q = Math.floor(c14 * P256_INV_RADIX);
  c14 -= q * P256_RADIX;
  c15 += q;
  q = Math.floor(c15 * P256_INV_RADIX);
  c15 -= q * P256_RADIX;
  c14 += q;
  c12 -= q;
  c6 -= q;
  c0 += q;
  q = Math.floor(c0 * P256_INV_RADIX);
  c0 -= q * P256_RADIX;
  c1 += q;
  q = Math.floor(c1 * P256_INV_RADIX);
  c1 -= q * P256_RADIX;
  c2 += q;
  q = Math.floor(c2 * P256_INV_RADIX);
  c2 -= q * P256_RADIX;
  c3 += q;
  q = Math.floor(c3 * P256_INV_RADIX);
  c3 -= q * P256_RADIX;
  c4 += q;
  q = Math.floor(c4 * P256_INV_RADIX);
  c4 -= q * P256_RADIX;
  c5 += q;
  q = Math.floor(c5 * P256_INV_RADIX);
  c5 -= q * P256_RADIX;
  c6 += q;
  q = Math.floor(c6 * P256_INV_RADIX);
  c6 -= q * P256_RADIX;
  c7 += q;
  q = Math.floor(c7 * P256_INV_RADIX);
  c7 -= q * P256_RADIX;
  c8 += q;
  q = Math.floor(c8 * P256_INV_RADIX);
  c8 -= q * P256_RADIX;
  c9 += q;
  q = Math.floor(c9 * P256_INV_RADIX);
  c9 -= q * P256_RADIX;
  c10 += q;
  q = Math.floor(c10 * P256_INV_RADIX);
  c10 -= q * P256_RADIX;
  c11 += q;
  q = Math.floor(c11 * P256_INV_RADIX);
  c11 -= q * P256_RADIX;
  c12 += q;
  q = Math.floor(c12 * P256_INV_RADIX);
  c12 -= q * P256_RADIX;
  c13 += q;
  q = Math.floor(c13 * P256_INV_RADIX);
  c13 -= q * P256_RADIX;
  c14 += q;
  q = Math.floor(c14 * P256_INV_RADIX);
  c14 -= q * P256_RADIX;
  c15 += q;
  q = Math.floor(c15 * P256_INV_RADIX);
  c15 -= q * P256_RADIX;
  c14 += q;
  c12 -= q;
  c6 -= q;
  c0 += q;
  o.l0 = <i32>c0;
  o.l1 = <i32>c1;
  o.l2 = <i32>c2;
  o.l3 = <i32>c3;
  o.l4 = <i32>c4;
  o.l5 = <i32>c5;
  o.l6 = <i32>c6;
  o.l7 = <i32>c7;
  o.l8 = <i32>c8;
  o.l9 = <i32>c9;
  o.l10 = <i32>c10;
  o.l11 = <i32>c11;
  o.l12 = <i32>c12;
  o.l13 = <i32>c13;
  o.l14 = <i32>c14;
  o.l15 = <i32>c15;
}

/** o = a^2 mod p, the same columns as p256Mul with each cross product counted once, doubled. */
export function p256Sqr(o: P256Fe, a: P256Fe): void {
  const a0: f64 = <f64>a.l0;
  const a1: f64 = <f64>a.l1;
  const a2: f64 = <f64>a.l2;
  const a3: f64 = <f64>a.l3;
  const a4: f64 = <f64>a.l4;
  const a5: f64 = <f64>a.l5;
  const a6: f64 = <f64>a.l6;
  const a7: f64 = <f64>a.l7;
  const a8: f64 = <f64>a.l8;
  const a9: f64 = <f64>a.l9;
  const a10: f64 = <f64>a.l10;
  const a11: f64 = <f64>a.l11;
  const a12: f64 = <f64>a.l12;
  const a13: f64 = <f64>a.l13;
  const a14: f64 = <f64>a.l14;
  const a15: f64 = <f64>a.l15;
  const d0: f64 = a0 * 2.0;
  const d1: f64 = a1 * 2.0;
  const d2: f64 = a2 * 2.0;
  const d3: f64 = a3 * 2.0;
  const d4: f64 = a4 * 2.0;
  const d5: f64 = a5 * 2.0;
  const d6: f64 = a6 * 2.0;
  const d7: f64 = a7 * 2.0;
  const d8: f64 = a8 * 2.0;
  const d9: f64 = a9 * 2.0;
  const d10: f64 = a10 * 2.0;
  const d11: f64 = a11 * 2.0;
  const d12: f64 = a12 * 2.0;
  const d13: f64 = a13 * 2.0;
  const d14: f64 = a14 * 2.0;
  let c0: f64 = a0 * a0;
  let c1: f64 = d0 * a1;
  let c2: f64 = d0 * a2 + a1 * a1;
  let c3: f64 = d0 * a3 + d1 * a2;
  let c4: f64 = d0 * a4 + d1 * a3 + a2 * a2;
  let c5: f64 = d0 * a5 + d1 * a4 + d2 * a3;
  let c6: f64 = d0 * a6 + d1 * a5 + d2 * a4 + a3 * a3;
  let c7: f64 = d0 * a7 + d1 * a6 + d2 * a5 + d3 * a4;
  let c8: f64 = d0 * a8 + d1 * a7 + d2 * a6 + d3 * a5 + a4 * a4;
  let c9: f64 = d0 * a9 + d1 * a8 + d2 * a7 + d3 * a6 + d4 * a5;
  let c10: f64 = d0 * a10 + d1 * a9 + d2 * a8 + d3 * a7 + d4 * a6 + a5 * a5;
  let c11: f64 = d0 * a11 + d1 * a10 + d2 * a9 + d3 * a8 + d4 * a7 + d5 * a6;
  let c12: f64 = d0 * a12 + d1 * a11 + d2 * a10 + d3 * a9 + d4 * a8 + d5 * a7 + a6 * a6;
  let c13: f64 = d0 * a13 + d1 * a12 + d2 * a11 + d3 * a10 + d4 * a9 + d5 * a8 + d6 * a7;
  let c14: f64 = d0 * a14 + d1 * a13 + d2 * a12 + d3 * a11 + d4 * a10 + d5 * a9 + d6 * a8 + a7 * a7;
  let c15: f64 = d0 * a15 + d1 * a14 + d2 * a13 + d3 * a12 + d4 * a11 + d5 * a10 + d6 * a9 + d7 * a8;
  let c16: f64 = d1 * a15 + d2 * a14 + d3 * a13 + d4 * a12 + d5 * a11 + d6 * a10 + d7 * a9 + a8 * a8;
  let c17: f64 = d2 * a15 + d3 * a14 + d4 * a13 + d5 * a12 + d6 * a11 + d7 * a10 + d8 * a9;
  let c18: f64 = d3 * a15 + d4 * a14 + d5 * a13 + d6 * a12 + d7 * a11 + d8 * a10 + a9 * a9;
  let c19: f64 = d4 * a15 + d5 * a14 + d6 * a13 + d7 * a12 + d8 * a11 + d9 * a10;
  let c20: f64 = d5 * a15 + d6 * a14 + d7 * a13 + d8 * a12 + d9 * a11 + a10 * a10;
  let c21: f64 = d6 * a15 + d7 * a14 + d8 * a13 + d9 * a12 + d10 * a11;
  let c22: f64 = d7 * a15 + d8 * a14 + d9 * a13 + d10 * a12 + a11 * a11;
  let c23: f64 = d8 * a15 + d9 * a14 + d10 * a13 + d11 * a12;
  let c24: f64 = d9 * a15 + d10 * a14 + d11 * a13 + a12 * a12;
  let c25: f64 = d10 * a15 + d11 * a14 + d12 * a13;
  let c26: f64 = d11 * a15 + d12 * a14 + a13 * a13;
  let c27: f64 = d12 * a15 + d13 * a14;
  let c28: f64 = d13 * a15 + a14 * a14;
  let c29: f64 = d14 * a15;
  let c30: f64 = a15 * a15;
  c28 += c30;
  c26 -= c30;
  c20 -= c30;
  c14 += c30;
  c27 += c29;
  c25 -= c29;
  c19 -= c29;
  c13 += c29;
  c26 += c28;
  c24 -= c28;
  c18 -= c28;
  c12 += c28;
  c25 += c27;
  c23 -= c27;
  c17 -= c27;
  c11 += c27;
  c24 += c26;
  c22 -= c26;
  c16 -= c26;
  c10 += c26;
  c23 += c25;
  c21 -= c25;
  c15 -= c25;
  c9 += c25;
  c22 += c24;
  c20 -= c24;
  c14 -= c24;
  c8 += c24;
  c21 += c23;
  c19 -= c23;
  c13 -= c23;
  c7 += c23;
  c20 += c22;
  c18 -= c22;
  c12 -= c22;
  c6 += c22;
  c19 += c21;
  c17 -= c21;
  c11 -= c21;
  c5 += c21;
  c18 += c20;
  c16 -= c20;
  c10 -= c20;
  c4 += c20;
  c17 += c19;
  c15 -= c19;
  c9 -= c19;
  c3 += c19;
  c16 += c18;
  c14 -= c18;
  c8 -= c18;
  c2 += c18;
  c15 += c17;
  c13 -= c17;
  c7 -= c17;
  c1 += c17;
  c14 += c16;
  c12 -= c16;
  c6 -= c16;
  c0 += c16;
  let q: f64 = 0.0;
  q = Math.floor(c0 * P256_INV_RADIX);
  c0 -= q * P256_RADIX;
  c1 += q;
  q = Math.floor(c1 * P256_INV_RADIX);
  c1 -= q * P256_RADIX;
  c2 += q;
  q = Math.floor(c2 * P256_INV_RADIX);
  c2 -= q * P256_RADIX;
  c3 += q;
  q = Math.floor(c3 * P256_INV_RADIX);
  c3 -= q * P256_RADIX;
  c4 += q;
  q = Math.floor(c4 * P256_INV_RADIX);
  c4 -= q * P256_RADIX;
  c5 += q;
  q = Math.floor(c5 * P256_INV_RADIX);
  c5 -= q * P256_RADIX;
  c6 += q;
  q = Math.floor(c6 * P256_INV_RADIX);
  c6 -= q * P256_RADIX;
  c7 += q;
  q = Math.floor(c7 * P256_INV_RADIX);
  c7 -= q * P256_RADIX;
  c8 += q;
  q = Math.floor(c8 * P256_INV_RADIX);
  c8 -= q * P256_RADIX;
  c9 += q;
  q = Math.floor(c9 * P256_INV_RADIX);
  c9 -= q * P256_RADIX;
  c10 += q;
  q = Math.floor(c10 * P256_INV_RADIX);
  c10 -= q * P256_RADIX;
  c11 += q;
  q = Math.floor(c11 * P256_INV_RADIX);
  c11 -= q * P256_RADIX;
  c12 += q;
  q = Math.floor(c12 * P256_INV_RADIX);
  c12 -= q * P256_RADIX;
  c13 += q;
  q = Math.floor(c13 * P256_INV_RADIX);
  c13 -= q * P256_RADIX;
  c14 += q;
  q = Math.floor(c14 * P256_INV_RADIX);
  c14 -= q * P256_RADIX;
  c15 += q;
  q = Math.floor(c15 * P256_INV_RADIX);
  c15 -= q * P256_RADIX;
  c14 += q;
  c12 -= q;
  c6 -= q;
  c0 += q;
  q = Math.floor(c0 * P256_INV_RADIX);
  c0 -= q * P256_RADIX;
  c1 += q;
  q = Math.floor(c1 * P256_INV_RADIX);
  c1 -= q * P256_RADIX;
  c2 += q;
  q = Math.floor(c2 * P256_INV_RADIX);
  c2 -= q * P256_RADIX;
  c3 += q;
  q = Math.floor(c3 * P256_INV_RADIX);
  c3 -= q * P256_RADIX;
  c4 += q;
  q = Math.floor(c4 * P256_INV_RADIX);
  c4 -= q * P256_RADIX;
  c5 += q;
  q = Math.floor(c5 * P256_INV_RADIX);
  c5 -= q * P256_RADIX;
  c6 += q;
  q = Math.floor(c6 * P256_INV_RADIX);
  c6 -= q * P256_RADIX;
  c7 += q;
  q = Math.floor(c7 * P256_INV_RADIX);
  c7 -= q * P256_RADIX;
  c8 += q;
  q = Math.floor(c8 * P256_INV_RADIX);
  c8 -= q * P256_RADIX;
  c9 += q;
  q = Math.floor(c9 * P256_INV_RADIX);
  c9 -= q * P256_RADIX;
  c10 += q;
  q = Math.floor(c10 * P256_INV_RADIX);
  c10 -= q * P256_RADIX;
  c11 += q;
  q = Math.floor(c11 * P256_INV_RADIX);
  c11 -= q * P256_RADIX;
  c12 += q;
  q = Math.floor(c12 * P256_INV_RADIX);
  c12 -= q * P256_RADIX;
  c13 += q;
  q = Math.floor(c13 * P256_INV_RADIX);
  c13 -= q * P256_RADIX;
  c14 += q;
  q = Math.floor(c14 * P256_INV_RADIX);
  c14 -= q * P256_RADIX;
  c15 += q;
  q = Math.floor(c15 * P256_INV_RADIX);
  c15 -= q * P256_RADIX;
  c14 += q;
  c12 -= q;
  c6 -= q;
  c0 += q;
  o.l0 = <i32>c0;
  o.l1 = <i32>c1;
  o.l2 = <i32>c2;
  o.l3 = <i32>c3;
  o.l4 = <i32>c4;
  o.l5 = <i32>c5;
  o.l6 = <i32>c6;
  o.l7 = <i32>c7;
  o.l8 = <i32>c8;
  o.l9 = <i32>c9;
  o.l10 = <i32>c10;
  o.l11 = <i32>c11;
  o.l12 = <i32>c12;
  o.l13 = <i32>c13;
  o.l14 = <i32>c14;
  o.l15 = <i32>c15;
}

/** o = v for a small non-negative integer v < 2^16. */
export function p256SetSmall(o: P256Fe, v: i32): void {
  const r = p256Limbs;
  unchecked((r[0] = v));
  for (let i: i32 = 1; i < 16; i++) unchecked((r[i] = 0));
  p256FromLimbs(o, r);
}

/** Whether the 32-byte big-endian integer b[off..off+32) is below p. */
export function p256BytesBelowPrime(b: Uint8Array, off: i32): bool {
  for (let i: i32 = 15; i >= 0; i--) {
    const v: i32 = (i32(unchecked(b[off + 30 - 2 * i])) << 8) | i32(unchecked(b[off + 31 - 2 * i]));
    const q: i32 = unchecked(p256PrimeLimbs[i]);
    if (v != q) return v < q;
  }
  return false;
}

/** The 32-byte big-endian integer b[off..off+32) as an element (callers check it is below p). */
export function p256FromBytes(o: P256Fe, b: Uint8Array, off: i32): void {
  const r = p256Limbs;
  for (let i: i32 = 0; i < 16; i++) {
    unchecked((r[i] = (i32(unchecked(b[off + 30 - 2 * i])) << 8) | i32(unchecked(b[off + 31 - 2 * i]))));
  }
  p256FromLimbs(o, r);
}

// In place on 16 limbs (|limb| < 2^31): the canonical form, limbs in
// [0, 2^16) holding the unique value in [0, p).
function p256ReduceLimbs(r: Int32Array): void {
  // Carry until nothing leaves the top limb; each pass folds what did back
  // in and shrinks it (a few passes at most).
  let q: f64 = 1.0;
  while (q != 0.0) {
    q = 0.0;
    for (let i: i32 = 0; i < 16; i++) {
      const v: f64 = <f64>unchecked(r[i]) + q;
      q = Math.floor(v * P256_INV_RADIX);
      unchecked((r[i] = <i32>(v - q * P256_RADIX)));
    }
    if (q != 0.0) {
      const k: i32 = <i32>q;
      unchecked((r[0] = r[0] + k));
      unchecked((r[6] = r[6] - k));
      unchecked((r[12] = r[12] - k));
      unchecked((r[14] = r[14] + k));
    }
  }
  // Now 0 <= v < 2^256 < 2p: subtract p once when that does not borrow.
  const t = p256Spare;
  let borrow: i32 = 0;
  for (let i: i32 = 0; i < 16; i++) {
    const d: i32 = unchecked(r[i]) - unchecked(p256PrimeLimbs[i]) - borrow;
    unchecked((t[i] = d & 0xffff));
    borrow = d < 0 ? 1 : 0;
  }
  if (borrow == 0) for (let i: i32 = 0; i < 16; i++) unchecked((r[i] = t[i]));
}

/** Bring o to its canonical form in place. */
export function p256Reduce(o: P256Fe): void {
  p256ToLimbs(p256Limbs, o);
  p256ReduceLimbs(p256Limbs);
  p256FromLimbs(o, p256Limbs);
}

export function p256IsZero(a: P256Fe): bool {
  const r = p256Limbs;
  p256ToLimbs(r, a);
  p256ReduceLimbs(r);
  let acc: i32 = 0;
  for (let i: i32 = 0; i < 16; i++) acc |= unchecked(r[i]);
  return acc == 0;
}

export function p256Equal(a: P256Fe, b: P256Fe): bool {
  p256Sub(p256Diff, a, b);
  return p256IsZero(p256Diff);
}

/** Canonical 32-byte big-endian encoding of a. */
export function p256ToBytes(b: Uint8Array, off: i32, a: P256Fe): void {
  const r = p256Limbs;
  p256ToLimbs(r, a);
  p256ReduceLimbs(r);
  for (let i: i32 = 0; i < 16; i++) {
    const v: i32 = unchecked(r[i]);
    unchecked((b[off + 30 - 2 * i] = u8(v >> 8)));
    unchecked((b[off + 31 - 2 * i] = u8(v)));
  }
}
