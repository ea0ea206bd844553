// Points of the P-256 curve y^2 = x^3 - 3x + b in projective coordinates
// (X : Y : Z), x = X/Z, y = Y/Z, identity (0 : 1 : 0). Addition and doubling
// are the complete formulas of Renes, Costello and Batina (eprint 2015/1060,
// algorithms 1 and 3, with a = -3 as three additions): no special case for
// equal points, opposite points or the identity, so the double-scalar
// multiplication needs no branch on the values it meets.
//
// Limb bounds (p256-field.ts): point coordinates leave these functions as
// sums of at most four multiplication outputs; the largest intermediate sum
// below is thirteen, inside the fifteen a multiplication accepts.
import {
  P256Fe,
  p256FromConstants,
  p256FromBytes,
  p256BytesBelowPrime,
  p256SetSmall,
  p256Copy,
  p256Add,
  p256Sub,
  p256Neg,
  p256Triple,
  p256Mul,
  p256Sqr,
  p256IsZero,
  p256Equal,
} from "./p256-field";

export class P256Point {
  x: P256Fe = new P256Fe();
  y: P256Fe = new P256Fe();
  z: P256Fe = new P256Fe();
}

// b and 3b, canonical 16-bit limbs.
const p256CurveConstants: i32[] = [
  24651, 10194, 15422, 15310, 45302, 52307, 1712, 25885, 34492, 30360, 48469, 46059, 37863, 43578, 13784, 23238,
  8418, 30583, 46266, 45930, 4834, 25851, 5137, 12119, 37941, 25545, 14336, 7107, 48054, 65199, 41354, 4178,
];
const p256B: P256Fe = new P256Fe();
const p256B3: P256Fe = new P256Fe();
p256FromConstants(p256B, p256CurveConstants, 0);
p256FromConstants(p256B3, p256CurveConstants, 16);

// Scratch shared by every point operation (none of them nests another).
const p256T0: P256Fe = new P256Fe();
const p256T1: P256Fe = new P256Fe();
const p256T2: P256Fe = new P256Fe();
const p256T3: P256Fe = new P256Fe();
const p256T4: P256Fe = new P256Fe();
const p256T5: P256Fe = new P256Fe();
const p256X3: P256Fe = new P256Fe();
const p256Y3: P256Fe = new P256Fe();
const p256Z3: P256Fe = new P256Fe();

export function p256SetIdentity(o: P256Point): void {
  p256SetSmall(o.x, 0);
  p256SetSmall(o.y, 1);
  p256SetSmall(o.z, 0);
}

export function p256PointCopy(o: P256Point, a: P256Point): void {
  p256Copy(o.x, a.x);
  p256Copy(o.y, a.y);
  p256Copy(o.z, a.z);
}

/** o = -o. */
export function p256PointNegate(o: P256Point): void {
  p256Neg(o.y, o.y);
}

export function p256IsIdentity(a: P256Point): bool {
  return p256IsZero(a.z);
}

/** o = (x, y, 1) from 32 limbs of x then y baked at src[at..). */
export function p256PointFromConstants(o: P256Point, src: i32[], at: i32): void {
  p256FromConstants(o.x, src, at);
  p256FromConstants(o.y, src, at + 16);
  p256SetSmall(o.z, 1);
}

/**
 * o = the point with big-endian coordinates x = b[off..off+32) and
 * y = b[off+32..off+64), if both are below p and the point is on the curve.
 * No such point is the identity, and every curve point has order n (the
 * cofactor is 1): these two checks are the whole public-key validation.
 */
export function p256PointFromAffineBytes(o: P256Point, b: Uint8Array, off: i32): bool {
  if (!p256BytesBelowPrime(b, off) || !p256BytesBelowPrime(b, off + 32)) return false;
  p256FromBytes(o.x, b, off);
  p256FromBytes(o.y, b, off + 32);
  p256SetSmall(o.z, 1);
  // y^2 == x^3 - 3x + b
  p256Sqr(p256T0, o.x);
  p256Mul(p256T0, p256T0, o.x);
  p256Triple(p256T1, o.x);
  p256Sub(p256T0, p256T0, p256T1);
  p256Add(p256T0, p256T0, p256B);
  p256Sqr(p256T1, o.y);
  return p256Equal(p256T0, p256T1);
}

/** o = 2a (o may be a). */
export function p256PointDouble(o: P256Point, a: P256Point): void {
  const t0 = p256T0;
  const t1 = p256T1;
  const t2 = p256T2;
  const t3 = p256T3;
  const x3 = p256X3;
  const y3 = p256Y3;
  const z3 = p256Z3;
  p256Sqr(t0, a.x);
  p256Sqr(t1, a.y);
  p256Sqr(t2, a.z);
  p256Mul(t3, a.x, a.y);
  p256Add(t3, t3, t3);
  p256Mul(z3, a.x, a.z);
  p256Add(z3, z3, z3);
  p256Triple(x3, z3); // x3 = a z3 = -3 z3, kept as +3 z3 and subtracted below
  p256Mul(y3, p256B3, t2);
  p256Sub(y3, y3, x3); // y3 = a z3 + 3b t2
  p256Sub(x3, t1, y3);
  p256Add(y3, t1, y3);
  p256Mul(y3, x3, y3);
  p256Mul(x3, t3, x3);
  p256Mul(z3, p256B3, z3);
  p256Triple(t2, t2);
  p256Neg(t2, t2); // t2 = a t2
  p256Sub(t3, t0, t2);
  p256Triple(t3, t3);
  p256Sub(t3, z3, t3); // t3 = a (t0 - t2) + 3b z3
  p256Add(z3, t0, t0);
  p256Add(t0, z3, t0);
  p256Add(t0, t0, t2);
  p256Mul(t0, t0, t3);
  p256Add(y3, y3, t0);
  p256Mul(t2, a.y, a.z);
  p256Add(t2, t2, t2);
  p256Mul(t0, t2, t3);
  p256Sub(x3, x3, t0);
  p256Mul(z3, t2, t1);
  p256Add(z3, z3, z3);
  p256Add(o.z, z3, z3);
  p256Copy(o.x, x3);
  p256Copy(o.y, y3);
}

/** o = a + b, or a - b when `subtract` (o may be a or b). */
export function p256PointAdd(o: P256Point, a: P256Point, b: P256Point, subtract: bool): void {
  const t0 = p256T0;
  const t1 = p256T1;
  const t2 = p256T2;
  const t3 = p256T3;
  const t4 = p256T4;
  const t5 = p256T5;
  const x3 = p256X3;
  const y3 = p256Y3;
  const z3 = p256Z3;
  // -b is (X : -Y : Z): negate b's y once, into t5, and read it from there.
  if (subtract) p256Neg(t5, b.y);
  else p256Copy(t5, b.y);
  const by = t5;
  p256Mul(t0, a.x, b.x);
  p256Mul(t1, a.y, by);
  p256Mul(t2, a.z, b.z);
  p256Add(t3, a.x, a.y);
  p256Add(t4, b.x, by);
  p256Mul(t3, t3, t4);
  p256Add(t4, t0, t1);
  p256Sub(t3, t3, t4);
  p256Add(t4, a.y, a.z);
  p256Add(x3, by, b.z);
  p256Mul(t4, t4, x3); // t4 = (Y1 + Z1)(Y2 + Z2): the algorithm's t5, moved here so t5 can hold -Y2
  p256Add(x3, t1, t2);
  p256Sub(t4, t4, x3); // the algorithm's t5 (Y1 Z2 + Y2 Z1)
  p256Add(y3, a.x, a.z);
  p256Add(z3, b.x, b.z);
  p256Mul(y3, y3, z3);
  p256Add(z3, t0, t2);
  p256Sub(y3, y3, z3); // the algorithm's t4 (X1 Z2 + X2 Z1)
  // From here: t4 holds Y1 Z2 + Y2 Z1, y3 holds X1 Z2 + X2 Z1.
  p256Triple(z3, y3);
  p256Neg(z3, z3); // z3 = a t4
  p256Mul(x3, p256B3, t2);
  p256Add(z3, x3, z3);
  p256Sub(x3, t1, z3);
  p256Add(z3, t1, z3);
  p256Mul(t5, x3, z3); // the algorithm's Y3 (b.y is no longer read)
  p256Add(t1, t0, t0);
  p256Add(t1, t1, t0);
  p256Triple(t2, t2);
  p256Neg(t2, t2); // t2 = a t2
  p256Mul(y3, p256B3, y3);
  p256Add(t1, t1, t2);
  p256Sub(t2, t0, t2);
  p256Triple(t2, t2);
  p256Neg(t2, t2); // t2 = a (t0 - t2)
  p256Add(y3, y3, t2);
  p256Mul(t0, t1, y3);
  p256Add(t5, t5, t0);
  p256Mul(t0, t4, y3);
  p256Mul(x3, t3, x3);
  p256Sub(x3, x3, t0);
  p256Mul(t0, t3, t1);
  p256Mul(z3, t4, z3);
  p256Add(o.z, z3, t0);
  p256Copy(o.x, x3);
  p256Copy(o.y, t5);
}
