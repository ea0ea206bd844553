// X25519 (RFC 7748 section 5): the Montgomery ladder on Curve25519 over the
// field arithmetic of fe25519.ts, for the ECIES key agreement of encrypted
// images and packages (docs/formats.md "Encrypted images").
//
// The ladder runs all 255 steps whatever the scalar, and swaps with a mask
// rather than a branch, so its sequence of operations does not depend on the
// secret. The u-coordinate's top bit is ignored and non-canonical values are
// taken modulo p, as the RFC requires. A peer key of small order gives the
// all-zero shared secret; that result is refused (RFC 7748 section 6.1),
// since it would make every derived key public.
import {
  Fe, feAdd, feSub, feMul, feSqr, feSqrN, feCopy, feSetSmall, feFromBytes, feToBytes, fePow22523,
} from "./fe25519";
import { OK, E_ENC_ZERO_SECRET } from "../common/status";

// (A - 2) / 4 for Curve25519's A = 486662.
const X25519_A24: i32 = 121665;

const xlU: Fe = new Fe();
const xlX2: Fe = new Fe();
const xlZ2: Fe = new Fe();
const xlX3: Fe = new Fe();
const xlZ3: Fe = new Fe();
const xlA: Fe = new Fe();
const xlAA: Fe = new Fe();
const xlB: Fe = new Fe();
const xlBB: Fe = new Fe();
const xlE: Fe = new Fe();
const xlC: Fe = new Fe();
const xlD: Fe = new Fe();
const xlDA: Fe = new Fe();
const xlCB: Fe = new Fe();
const xlT: Fe = new Fe();
const xlA24: Fe = new Fe();
const xlScalar: Uint8Array = new Uint8Array(32);
/** The u-coordinate 9 of the base point, for public keys. */
const xlBase: Uint8Array = new Uint8Array(32);
xlBase[0] = 9;

/** Swap a and b when swap is 1, leave them when 0, with the same operations either way. */
function feCondSwap(a: Fe, b: Fe, swap: i32): void {
  const mask: i32 = -swap;
  let t: i32 = mask & (a.l0 ^ b.l0); a.l0 ^= t; b.l0 ^= t;
  t = mask & (a.l1 ^ b.l1); a.l1 ^= t; b.l1 ^= t;
  t = mask & (a.l2 ^ b.l2); a.l2 ^= t; b.l2 ^= t;
  t = mask & (a.l3 ^ b.l3); a.l3 ^= t; b.l3 ^= t;
  t = mask & (a.l4 ^ b.l4); a.l4 ^= t; b.l4 ^= t;
  t = mask & (a.l5 ^ b.l5); a.l5 ^= t; b.l5 ^= t;
  t = mask & (a.l6 ^ b.l6); a.l6 ^= t; b.l6 ^= t;
  t = mask & (a.l7 ^ b.l7); a.l7 ^= t; b.l7 ^= t;
  t = mask & (a.l8 ^ b.l8); a.l8 ^= t; b.l8 ^= t;
  t = mask & (a.l9 ^ b.l9); a.l9 ^= t; b.l9 ^= t;
  t = mask & (a.l10 ^ b.l10); a.l10 ^= t; b.l10 ^= t;
  t = mask & (a.l11 ^ b.l11); a.l11 ^= t; b.l11 ^= t;
  t = mask & (a.l12 ^ b.l12); a.l12 ^= t; b.l12 ^= t;
  t = mask & (a.l13 ^ b.l13); a.l13 ^= t; b.l13 ^= t;
  t = mask & (a.l14 ^ b.l14); a.l14 ^= t; b.l14 ^= t;
}

/** o = z^(p-2) = 1/z: z^(2^252-3) cubed up to 2^255-24, times z^3. */
function feInvert(o: Fe, z: Fe): void {
  fePow22523(xlT, z);
  feSqrN(xlT, xlT, 3);
  feSqr(xlA, z);
  feMul(xlA, xlA, z);
  feMul(o, xlT, xlA);
}

/**
 * out[outOff..+32) = X25519(scalar[sOff..+32), u[uOff..+32)). Returns OK, or
 * E_ENC_ZERO_SECRET when the result is all zeros (out then holds zeros).
 */
export function x25519(out: Uint8Array, outOff: i32, scalar: Uint8Array, sOff: i32, u: Uint8Array, uOff: i32): i32 {
  const k = xlScalar;
  for (let i: i32 = 0; i < 32; i++) unchecked((k[i] = scalar[sOff + i]));
  k[0] = u8(k[0] & 248);
  k[31] = u8((k[31] & 127) | 64);
  feFromBytes(xlU, u, uOff);
  feSetSmall(xlX2, 1);
  feSetSmall(xlZ2, 0);
  feCopy(xlX3, xlU);
  feSetSmall(xlZ3, 1);
  feSetSmall(xlA24, X25519_A24);
  let swap: i32 = 0;
  for (let t: i32 = 254; t >= 0; t--) {
    const bit: i32 = (i32(unchecked(k[t >> 3])) >> (t & 7)) & 1;
    swap ^= bit;
    feCondSwap(xlX2, xlX3, swap);
    feCondSwap(xlZ2, xlZ3, swap);
    swap = bit;
    feAdd(xlA, xlX2, xlZ2);
    feSqr(xlAA, xlA);
    feSub(xlB, xlX2, xlZ2);
    feSqr(xlBB, xlB);
    feSub(xlE, xlAA, xlBB);
    feAdd(xlC, xlX3, xlZ3);
    feSub(xlD, xlX3, xlZ3);
    feMul(xlDA, xlD, xlA);
    feMul(xlCB, xlC, xlB);
    feAdd(xlT, xlDA, xlCB);
    feSqr(xlX3, xlT);
    feSub(xlT, xlDA, xlCB);
    feSqr(xlT, xlT);
    feMul(xlZ3, xlU, xlT);
    feMul(xlX2, xlAA, xlBB);
    feMul(xlT, xlA24, xlE);
    feAdd(xlT, xlAA, xlT);
    feMul(xlZ2, xlE, xlT);
  }
  feCondSwap(xlX2, xlX3, swap);
  feCondSwap(xlZ2, xlZ3, swap);
  feInvert(xlZ2, xlZ2);
  feMul(xlX2, xlX2, xlZ2);
  feToBytes(out, outOff, xlX2);
  for (let i: i32 = 0; i < 32; i++) unchecked((k[i] = 0));
  let acc: i32 = 0;
  for (let i: i32 = 0; i < 32; i++) acc |= i32(unchecked(out[outOff + i]));
  return acc == 0 ? E_ENC_ZERO_SECRET : OK;
}

/** out[outOff..+32) = the public key of the private key scalar[sOff..+32). */
export function x25519PublicKey(out: Uint8Array, outOff: i32, scalar: Uint8Array, sOff: i32): i32 {
  return x25519(out, outOff, scalar, sOff, xlBase, 0);
}
