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
//   - feMul/feSqr outputs have limbs in [0, 2^17 + 2^5); feReduce gives the
//     canonical form, limbs in [0, 2^17) holding a value below p;
//   - inputs of feMul/feSqr may have |limb| < 2^21, i.e. any sum or
//     difference of up to 15 outputs, so feAdd/feSub never need a carry.
// Limbs are integers that always fit in i32, so they are stored as i32 (half
// the RAM of f64; the conversions are exact). They are named fields rather
// than an array so that every limb access compiles to a plain load in WASM;
// the straight-line multiply and square were generated from the column
// formulas in the comments above each.
//
// All element storage is allocated at module initialisation; every function
// accepts aliased arguments (o may be a or b).
//
// The JS builds may hand multiplies and squares to the host
// (hostFieldMultiply, common/host.portable.ts): Espruino's native dot
// product does a column in one call, where this straight-line code is read
// and interpreted token by token at every call. The host's result must be
// limb for limb the one below (test/engines checks it inside Espruino).
import { hostFieldMultiply, hostFieldAdd, hostFieldSubtract, hostCopyLimbs } from "../common/host";

const FE_RADIX: f64 = 131072.0;
const FE_INV_RADIX: f64 = 1.0 / 131072.0;

export class Fe {
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
}

// Scratch for the limb-indexed routines and for fePow22523.
const feLimbs: Int32Array = new Int32Array(15);
const feT0: Fe = new Fe();
const feT1: Fe = new Fe();
const feT2: Fe = new Fe();
const feT3: Fe = new Fe();

export function feCopy(o: Fe, a: Fe): void {
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
}

function feToLimbs(r: Int32Array, a: Fe): void {
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
}

function feFromLimbs(o: Fe, r: Int32Array): void {
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
}

/** o = v for a small non-negative integer v < 2^17. */
export function feSetSmall(o: Fe, v: i32): void {
  const r = feLimbs;
  unchecked((r[0] = v));
  for (let i: i32 = 1; i < 15; i++) unchecked((r[i] = 0));
  feFromLimbs(o, r);
}

/**
 * Load 15 limbs baked into a constant array, starting at index at: natively
 * in the JS builds (the ES5 build writes this "host, else the core" call
 * into its callers: scripts/core-transforms.mjs, inlineHostOrCore).
 */
export function feFromConstants(o: Fe, src: i32[], at: i32): bool {
  return hostCopyLimbs<Fe>(o, src, at) || feFromConstantsLimbs(o, src, at);
}

function feFromConstantsLimbs(o: Fe, src: i32[], at: i32): bool {
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
  return true;
}

function feAddLimbs(o: Fe, a: Fe, b: Fe): bool {
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
  return true;
}

function feSubLimbs(o: Fe, a: Fe, b: Fe): bool {
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
  return true;
}

/** o = a + b (limb by limb, no carry; by the host where it offers it: inlineHostOrCore). */
export function feAdd(o: Fe, a: Fe, b: Fe): bool {
  return hostFieldAdd<Fe>(o, a, b) || feAddLimbs(o, a, b);
}

/** o = a - b (limb by limb, no carry). */
export function feSub(o: Fe, a: Fe, b: Fe): bool {
  return hostFieldSubtract<Fe>(o, a, b) || feSubLimbs(o, a, b);
}

export function feNeg(o: Fe, a: Fe): void {
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
}

/**
 * The low 255 bits of b[off..off+32) as an element (bit 255, the sign of x
 * in a point encoding, is ignored). The value may be >= p; callers that need
 * canonical input check that on the bytes.
 */
export function feFromBytes(o: Fe, b: Uint8Array, off: i32): void {
  const r = feLimbs;
  for (let i: i32 = 0; i < 15; i++) {
    const bit = i * 17;
    const k = off + (bit >> 3);
    // 17 bits starting at (bit & 7) lie within three bytes, the last of
    // which is at most byte 31.
    const v: u32 =
      u32(unchecked(b[k])) | (u32(unchecked(b[k + 1])) << 8) | (u32(unchecked(b[k + 2])) << 16);
    unchecked((r[i] = i32((v >>> u32(bit & 7)) & 0x1ffff)));
  }
  feFromLimbs(o, r);
}

// Column i of a * b: sum over j of a_j * b_(i-j), where b_(i-j+15) is
// taken as 19 * b_(i-j+15) (e_k below) once i - j wraps below zero. Then one
// carry pass, the top carry folded into limb 0 times 19, and two more carries
// so that limbs 0 and 1 are back under 2^17 as well.
function feMulLimbs(o: Fe, a: Fe, b: Fe): bool {
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
  return true;
}

// Column i of a^2: the products a_j a_k with j + k = i counted twice for
// j != k (d_j = 2 a_j), and those with j + k = i + 15 scaled by 19 (e_j) or
// 38 (f_j = 2 * 19 a_j). Same carries as feMul.
function feSqrLimbs(o: Fe, a: Fe): bool {
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
  return true;
}

// feMul and feSqr are one expression, "the host, else the core", which the JS
// builds write into every caller (inlineHostOrCore, scripts/core-transforms.mjs):
// on an interpreter that reads code from flash (Espruino), a call level cost
// some 40 % of a field product's time. The core's own multiply stays
// a function of its own (both return true).
/** o = a * b mod p. */
export function feMul(o: Fe, a: Fe, b: Fe): bool {
  return hostFieldMultiply<Fe>(o, a, b) || feMulLimbs(o, a, b);
}

/** o = a^2 mod p (by the host: the same limbs as a * a). */
export function feSqr(o: Fe, a: Fe): bool {
  return hostFieldMultiply<Fe>(o, a, a) || feSqrLimbs(o, a);
}

/** o = a^(2^n), n >= 1. */
export function feSqrN(o: Fe, a: Fe, n: i32): void {
  feSqr(o, a);
  for (let i: i32 = 1; i < n; i++) feSqr(o, o);
}

// In place on 15 limbs (|limb| < 2^31): the canonical form, limbs in
// [0, 2^17) holding the unique value in [0, p).
function feReduceLimbs(r: Int32Array): void {
  // Carry until nothing leaves the top limb; each pass shrinks the excess
  // folded back into limb 0 (at most three passes).
  let q: f64 = 1.0;
  while (q != 0.0) {
    q = 0.0;
    for (let i: i32 = 0; i < 15; i++) {
      const v: f64 = <f64>unchecked(r[i]) + q;
      q = Math.floor(v * FE_INV_RADIX);
      unchecked((r[i] = <i32>(v - q * FE_RADIX)));
    }
    if (q != 0.0) unchecked((r[0] = <i32>(<f64>unchecked(r[0]) + q * 19.0)));
  }
  // Now 0 <= v < 2^255; v >= p exactly when v + 19 reaches 2^255.
  let c: i32 = 19;
  for (let i: i32 = 0; i < 15; i++) c = (c + unchecked(r[i])) >> 17;
  if (c == 0) return;
  c = 19;
  for (let i: i32 = 0; i < 15; i++) {
    const v = c + unchecked(r[i]);
    unchecked((r[i] = v & 0x1ffff));
    c = v >> 17;
  }
}

/** Bring o to its canonical form in place. */
export function feReduce(o: Fe): void {
  feToLimbs(feLimbs, o);
  feReduceLimbs(feLimbs);
  feFromLimbs(o, feLimbs);
}

export function feIsZero(a: Fe): bool {
  const r = feLimbs;
  feToLimbs(r, a);
  feReduceLimbs(r);
  let acc: i32 = 0;
  for (let i: i32 = 0; i < 15; i++) acc |= unchecked(r[i]);
  return acc == 0;
}

export function feEqual(a: Fe, b: Fe): bool {
  feSub(feT3, a, b);
  return feIsZero(feT3);
}

/** The low bit of the canonical value (the "sign" of x in RFC 8032). */
export function feIsOdd(a: Fe): bool {
  feToLimbs(feLimbs, a);
  feReduceLimbs(feLimbs);
  return (unchecked(feLimbs[0]) & 1) != 0;
}

/** Canonical 32-byte little-endian encoding of a (bit 255 clear). */
export function feToBytes(b: Uint8Array, off: i32, a: Fe): void {
  const r = feLimbs;
  feToLimbs(r, a);
  feReduceLimbs(r);
  for (let i: i32 = 0; i < 32; i++) unchecked((b[off + i] = 0));
  for (let i: i32 = 0; i < 15; i++) {
    const bit = i * 17;
    const k = off + (bit >> 3);
    const v: u32 = u32(unchecked(r[i])) << u32(bit & 7);
    unchecked((b[k] = u8(b[k] | u8(v))));
    unchecked((b[k + 1] = u8(v >>> 8)));
    if (k + 2 < off + 32) unchecked((b[k + 2] = u8(v >>> 16)));
  }
}

/**
 * o = z^((p-5)/8) = z^(2^252 - 3), the exponent of the square root in point
 * decoding. Chain: build z^(2^k - 1) for k = 5, 10, 20, 40, 50, 100, 200, 250.
 */
export function fePow22523(o: Fe, z: Fe): void {
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
