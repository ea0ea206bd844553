// Points of the Ed25519 curve -x^2 + y^2 = 1 + d x^2 y^2 over GF(2^255 - 19)
// in extended coordinates (X : Y : Z : T), x = X/Z, y = Y/Z, xy = T/Z
// (Hisil, Wong, Carter, Dawson 2008). Only what verification needs: strict
// RFC 8032 decoding, doubling, and addition of a point held in "cached" form.
//
// Storage: a point is four consecutive field elements in the fe arena, named
// by the offset of X (Y at +15, Z at +30, T at +45). A cached point is
// (Y+X, Y-X, Z, 2dT) in the same four slots; an affine cached point (Z = 1,
// used for the baked base-point table) is (y+x, y-x, 2dxy) in three.
import {
  FE_LIMBS,
  feAlloc,
  feAllocRun,
  feFromConstants,
  feFromBytes,
  feSetSmall,
  feCopy,
  feAdd,
  feSub,
  feNeg,
  feMul,
  feSqr,
  feReduce,
  feIsZero,
  feEqual,
  feIsOdd,
  fePow22523,
  feM,
} from "./fe25519";

const EDX: i32 = 0;
const EDY: i32 = FE_LIMBS;
const EDZ: i32 = 2 * FE_LIMBS;
const EDT: i32 = 3 * FE_LIMBS;
export const ED_POINT_LIMBS: i32 = 4 * FE_LIMBS;

/** Decoding failures (negative, as core status codes). */
export const ED_DECODE_NONCANONICAL: i32 = -1;
export const ED_DECODE_NOT_ON_CURVE: i32 = -2;

// d, 2d and sqrt(-1) as canonical 17-bit limbs.
const edConstLimbs: i32[] = [
  96419, 68012, 54130, 93885, 7562, 27146, 114729, 77824, 96744, 15547, 78288, 118385, 46847, 92017, 83981,
  61785, 4953, 108261, 56698, 15125, 54292, 98386, 24577, 62417, 31095, 25504, 105699, 93695, 52962, 36891,
  41136, 107783, 100041, 71837, 65095, 13673, 68704, 85598, 130007, 19614, 54080, 123237, 64541, 74754, 44556,
];

const edD: i32 = feAlloc();
const edD2: i32 = feAlloc();
const edSqrtM1: i32 = feAlloc();
feFromConstants(edD, edConstLimbs, 0);
feFromConstants(edD2, edConstLimbs, FE_LIMBS);
feFromConstants(edSqrtM1, edConstLimbs, 2 * FE_LIMBS);

// Scratch shared by every point operation (none of them nests another).
const edT0: i32 = feAlloc();
const edT1: i32 = feAlloc();
const edT2: i32 = feAlloc();
const edT3: i32 = feAlloc();
const edT4: i32 = feAlloc();
const edT5: i32 = feAlloc();

/** Reserve a point (four consecutive elements); module initialisation only. */
export function edPointAlloc(): i32 {
  return feAllocRun(4);
}

export function edSetIdentity(p: i32): void {
  feSetSmall(p + EDX, 0);
  feSetSmall(p + EDY, 1);
  feSetSmall(p + EDZ, 1);
  feSetSmall(p + EDT, 0);
}

export function edCopyPoint(dst: Int32Array, dstOff: i32, src: Int32Array, srcOff: i32): void {
  for (let i: i32 = 0; i < ED_POINT_LIMBS; i++) unchecked((dst[dstOff + i] = src[srcOff + i]));
}

export function edNegate(p: i32): void {
  feNeg(p + EDX, p + EDX);
  feNeg(p + EDT, p + EDT);
}

/**
 * Decode a 32-byte point encoding b[off..off+32) into p (RFC 8032 5.1.3),
 * strictly: y must be below p, and x = 0 with the sign bit set is refused.
 * Returns 0 or ED_DECODE_*.
 */
export function edDecode(p: i32, b: Uint8Array, off: i32): i32 {
  // y >= p only for y in [2^255 - 19, 2^255): bytes 1..30 all 0xff.
  let high: u32 = u32(unchecked(b[off + 31]) & 0x7f) ^ 0x7f;
  for (let i: i32 = 1; i < 31; i++) high |= u32(unchecked(b[off + i])) ^ 0xff;
  if (high == 0 && unchecked(b[off]) >= 0xed) return ED_DECODE_NONCANONICAL;

  const x = p + EDX;
  const y = p + EDY;
  const u = edT0;
  const v = edT1;
  const v3 = edT2;
  const t = edT3;
  feFromBytes(y, b, off);
  feSetSmall(p + EDZ, 1);
  // x^2 = u / v with u = y^2 - 1, v = d y^2 + 1.
  feSqr(u, y);
  feMul(v, u, edD);
  unchecked((feM[u] = feM[u] - 1));
  unchecked((feM[v] = feM[v] + 1));
  // Candidate root x = u v^3 (u v^7)^((p-5)/8).
  feSqr(v3, v);
  feMul(v3, v3, v);
  feSqr(t, v3);
  feMul(t, t, v);
  feMul(t, t, u);
  fePow22523(t, t);
  feMul(t, t, v3);
  feMul(x, t, u);
  // v x^2 is u (x is a root), -u (x * sqrt(-1) is), or neither.
  feSqr(t, x);
  feMul(t, t, v);
  if (!feEqual(t, u)) {
    feAdd(t, t, u);
    if (!feIsZero(t)) return ED_DECODE_NOT_ON_CURVE;
    feMul(x, x, edSqrtM1);
  }
  const sign: bool = (unchecked(b[off + 31]) & 0x80) != 0;
  if (sign && feIsZero(x)) return ED_DECODE_NONCANONICAL;
  if (feIsOdd(x) != sign) feNeg(x, x);
  feReduce(x);
  feMul(p + EDT, x, y);
  return 0;
}

/** r = 2p. T is computed only when wantT (the next step is an addition). */
export function edDouble(r: i32, p: i32, wantT: bool): void {
  const a = edT0;
  const b = edT1;
  const c = edT2;
  const e = edT3;
  const g = edT4;
  const f = edT5;
  feSqr(a, p + EDX);
  feSqr(b, p + EDY);
  feSqr(c, p + EDZ);
  feAdd(c, c, c);
  feAdd(e, p + EDX, p + EDY);
  feSqr(e, e);
  feSub(e, e, a);
  feSub(e, e, b); // E = 2XY
  feSub(g, b, a); // G = Y^2 - X^2 (a = -1)
  feSub(f, g, c); // F = G - 2Z^2
  feAdd(a, a, b);
  feNeg(a, a); // H = -X^2 - Y^2
  feMul(r + EDX, e, f);
  feMul(r + EDY, g, a);
  feMul(r + EDZ, f, g);
  if (wantT) feMul(r + EDT, e, a);
}

// Shared tail of both additions: with A, B, C, D in edT0..edT3, finish
// X3 = EF, Y3 = GH, Z3 = FG, T3 = EH where E = B - A, H = B + A and
// (F, G) = (D - C, D + C), or swapped when subtracting (C negated).
function edAddFinish(r: i32, sub: bool, wantT: bool): void {
  const e = edT4;
  const h = edT5;
  feSub(e, edT1, edT0);
  feAdd(h, edT1, edT0);
  const f = edT0;
  const g = edT1;
  if (sub) {
    feAdd(f, edT3, edT2);
    feSub(g, edT3, edT2);
  } else {
    feSub(f, edT3, edT2);
    feAdd(g, edT3, edT2);
  }
  feMul(r + EDX, e, f);
  feMul(r + EDY, g, h);
  feMul(r + EDZ, f, g);
  if (wantT) feMul(r + EDT, e, h);
}

/** r = p + c (or p - c when sub) for c in cached form; p must carry T. */
export function edAddCached(r: i32, p: i32, c: i32, sub: bool, wantT: bool): void {
  feSub(edT0, p + EDY, p + EDX);
  feAdd(edT1, p + EDY, p + EDX);
  // -c swaps Y+X with Y-X and negates 2dT.
  feMul(edT0, edT0, sub ? c : c + FE_LIMBS);
  feMul(edT1, edT1, sub ? c + FE_LIMBS : c);
  feMul(edT2, p + EDT, c + 3 * FE_LIMBS);
  feMul(edT3, p + EDZ, c + 2 * FE_LIMBS);
  feAdd(edT3, edT3, edT3);
  edAddFinish(r, sub, wantT);
}

/** r = p + n (or p - n) for n an affine cached point (y+x, y-x, 2dxy). */
export function edAddAffine(r: i32, p: i32, n: i32, sub: bool, wantT: bool): void {
  feSub(edT0, p + EDY, p + EDX);
  feAdd(edT1, p + EDY, p + EDX);
  feMul(edT0, edT0, sub ? n : n + FE_LIMBS);
  feMul(edT1, edT1, sub ? n + FE_LIMBS : n);
  feMul(edT2, p + EDT, n + 2 * FE_LIMBS);
  feAdd(edT3, p + EDZ, p + EDZ);
  edAddFinish(r, sub, wantT);
}

/** c = p in cached form (Y+X, Y-X, Z, 2dT). */
export function edToCached(c: i32, p: i32): void {
  feAdd(c, p + EDY, p + EDX);
  feSub(c + FE_LIMBS, p + EDY, p + EDX);
  feCopy(c + 2 * FE_LIMBS, p + EDZ);
  feMul(c + 3 * FE_LIMBS, p + EDT, edD2);
}

/** Whether p is the neutral element (0, 1): X = 0 and Y = Z. */
export function edIsIdentity(p: i32): bool {
  return feIsZero(p + EDX) && feEqual(p + EDY, p + EDZ);
}

/** Whether 8p is the identity, i.e. p lies in the small (torsion) subgroup. */
export function edIsSmallOrder(p: i32, scratch: i32): bool {
  edDouble(scratch, p, false);
  edDouble(scratch, scratch, false);
  edDouble(scratch, scratch, false);
  return edIsIdentity(scratch);
}
