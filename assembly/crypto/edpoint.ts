// Points of the Ed25519 curve -x^2 + y^2 = 1 + d x^2 y^2 over GF(2^255 - 19)
// in extended coordinates (X : Y : Z : T), x = X/Z, y = Y/Z, xy = T/Z
// (Hisil, Wong, Carter, Dawson 2008). Only what verification needs: strict
// RFC 8032 decoding, doubling, and addition of a point held in "cached" form
// (Y+X, Y-X, Z, 2dT), or in affine cached form (y+x, y-x, 2dxy) with Z = 1.
import {
  Fe,
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
} from "./fe25519";

export class EdPoint {
  x: Fe = new Fe();
  y: Fe = new Fe();
  z: Fe = new Fe();
  t: Fe = new Fe();
}

export class EdCached {
  ypx: Fe = new Fe();
  ymx: Fe = new Fe();
  z: Fe = new Fe();
  t2d: Fe = new Fe();
}

export class EdAffine {
  ypx: Fe = new Fe();
  ymx: Fe = new Fe();
  t2d: Fe = new Fe();
}

/** Decoding failures (negative, as core status codes). */
export const ED_DECODE_NONCANONICAL: i32 = -1;
export const ED_DECODE_NOT_ON_CURVE: i32 = -2;

// d, 2d and sqrt(-1) as canonical 17-bit limbs.
const edConstLimbs: i32[] = [
  96419, 68012, 54130, 93885, 7562, 27146, 114729, 77824, 96744, 15547, 78288, 118385, 46847, 92017, 83981,
  61785, 4953, 108261, 56698, 15125, 54292, 98386, 24577, 62417, 31095, 25504, 105699, 93695, 52962, 36891,
  41136, 107783, 100041, 71837, 65095, 13673, 68704, 85598, 130007, 19614, 54080, 123237, 64541, 74754, 44556,
];

const edD: Fe = new Fe();
const edD2: Fe = new Fe();
const edSqrtM1: Fe = new Fe();
feFromConstants(edD, edConstLimbs, 0);
feFromConstants(edD2, edConstLimbs, 15);
feFromConstants(edSqrtM1, edConstLimbs, 30);

// Scratch shared by every point operation (none of them nests another).
const edT0: Fe = new Fe();
const edT1: Fe = new Fe();
const edT2: Fe = new Fe();
const edT3: Fe = new Fe();
const edT4: Fe = new Fe();
const edT5: Fe = new Fe();

export function edSetIdentity(p: EdPoint): void {
  feSetSmall(p.x, 0);
  feSetSmall(p.y, 1);
  feSetSmall(p.z, 1);
  feSetSmall(p.t, 0);
}

/** p = (x, y) from 32-byte little-endian x and y (bit 255 of y ignored). */
export function edFromAffineBytes(p: EdPoint, b: Uint8Array, xOff: i32, yOff: i32): void {
  feFromBytes(p.x, b, xOff);
  feFromBytes(p.y, b, yOff);
  feSetSmall(p.z, 1);
  feMul(p.t, p.x, p.y);
}

/**
 * Decode a 32-byte point encoding b[off..off+32) into p (RFC 8032 5.1.3),
 * strictly: y must be below p, and x = 0 with the sign bit set is refused.
 * Returns 0 or ED_DECODE_*.
 */
export function edDecode(p: EdPoint, b: Uint8Array, off: i32): i32 {
  // y >= p only for y in [2^255 - 19, 2^255): bytes 1..30 all 0xff.
  let high: u32 = u32(unchecked(b[off + 31]) & 0x7f) ^ 0x7f;
  for (let i: i32 = 1; i < 31; i++) high |= u32(unchecked(b[off + i])) ^ 0xff;
  if (high == 0 && unchecked(b[off]) >= 0xed) return ED_DECODE_NONCANONICAL;

  const x = p.x;
  const y = p.y;
  const u = edT0;
  const v = edT1;
  const v3 = edT2;
  const t = edT3;
  const one = edT4;
  feFromBytes(y, b, off);
  feSetSmall(p.z, 1);
  feSetSmall(one, 1);
  // x^2 = u / v with u = y^2 - 1, v = d y^2 + 1.
  feSqr(u, y);
  feMul(v, u, edD);
  feSub(u, u, one);
  feAdd(v, v, one);
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
  feMul(p.t, x, y);
  return 0;
}

/**
 * r = 2p. T is computed only when wantT (the next step is an addition).
 * dbl-2008-hwcd for a = -1 with E, F, G, H all negated, which leaves X3 = EF,
 * Y3 = GH, Z3 = FG and T3 = EH unchanged and takes two additions fewer:
 * -E = (A + B) - (X + Y)^2, -G = A - B, -H = A + B, -F = -G + 2Z^2. On an
 * interpreter an addition costs a third of a (host) multiply.
 */
export function edDouble(r: EdPoint, p: EdPoint, wantT: bool): void {
  const a = edT0;
  const b = edT1;
  const c = edT2;
  const e = edT3;
  const h = edT4;
  feSqr(a, p.x);
  feSqr(b, p.y);
  feSqr(c, p.z);
  feAdd(c, c, c); // C = 2Z^2
  feAdd(e, p.x, p.y);
  feSqr(e, e);
  feAdd(h, a, b); // -H = A + B
  feSub(e, h, e); // -E
  const g = a;
  feSub(g, a, b); // -G = A - B
  const f = c;
  feAdd(f, g, c); // -F = -G + C
  feMul(r.x, e, f);
  feMul(r.y, g, h);
  feMul(r.z, f, g);
  if (wantT) feMul(r.t, e, h);
}

// Shared tail of both additions: with A, B, C, D in edT0..edT3, finish
// X3 = EF, Y3 = GH, Z3 = FG, T3 = EH where E = B - A, H = B + A and
// (F, G) = (D - C, D + C), or swapped when subtracting (C negated).
function edAddFinish(r: EdPoint, sub: bool, wantT: bool): void {
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
  feMul(r.x, e, f);
  feMul(r.y, g, h);
  feMul(r.z, f, g);
  if (wantT) feMul(r.t, e, h);
}

/** r = p + c (or p - c when sub) for c in cached form; p must carry T. */
export function edAddCached(r: EdPoint, p: EdPoint, c: EdCached, sub: bool, wantT: bool): void {
  feSub(edT0, p.y, p.x);
  feAdd(edT1, p.y, p.x);
  // -c swaps Y+X with Y-X and negates 2dT.
  feMul(edT0, edT0, sub ? c.ypx : c.ymx);
  feMul(edT1, edT1, sub ? c.ymx : c.ypx);
  feMul(edT2, p.t, c.t2d);
  feMul(edT3, p.z, c.z);
  feAdd(edT3, edT3, edT3);
  edAddFinish(r, sub, wantT);
}

/** r = p + n (or p - n when sub) for n in affine cached form. */
export function edAddAffine(r: EdPoint, p: EdPoint, n: EdAffine, sub: bool, wantT: bool): void {
  feSub(edT0, p.y, p.x);
  feAdd(edT1, p.y, p.x);
  feMul(edT0, edT0, sub ? n.ypx : n.ymx);
  feMul(edT1, edT1, sub ? n.ymx : n.ypx);
  feMul(edT2, p.t, n.t2d);
  feAdd(edT3, p.z, p.z);
  edAddFinish(r, sub, wantT);
}

/** c = p in cached form. */
export function edToCached(c: EdCached, p: EdPoint): void {
  feAdd(c.ypx, p.y, p.x);
  feSub(c.ymx, p.y, p.x);
  feCopy(c.z, p.z);
  feMul(c.t2d, p.t, edD2);
}

/** Whether p is the neutral element (0, 1): X = 0 and Y = Z. */
export function edIsIdentity(p: EdPoint): bool {
  return feIsZero(p.x) && feEqual(p.y, p.z);
}

/** Whether 8p is the identity, i.e. p lies in the small (torsion) subgroup. */
export function edIsSmallOrder(p: EdPoint, scratch: EdPoint): bool {
  edDouble(scratch, p, false);
  edDouble(scratch, scratch, false);
  edDouble(scratch, scratch, false);
  return edIsIdentity(scratch);
}
