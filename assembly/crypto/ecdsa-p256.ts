// ECDSA P-256 signature verification (FIPS 186-5 6.4.2) of a 32-byte message
// hash, as MCUboot checks imgtool's ECDSA_SIG entry.
//
// Acceptance rule (docs/crypto-ecdsa.md), the same as @noble/curves
// p256.verify(sig, hash, pub, { lowS: false, prehash: false }):
//   - the public key is an affine point with coordinates below p on the
//     curve (so not the identity, and of order n);
//   - r and s are in [1, n - 1]; s above n/2 ("high S") is accepted, as
//     mbedTLS and tinycrypt, MCUboot's back-ends, accept it;
//   - R = u1 G + u2 Q with u1 = e/s, u2 = r/s is not the identity and its
//     x-coordinate is r modulo n. e is the hash as a big-endian integer
//     (256 bits: no truncation for P-256).
// The signature's encoding (strict DER, der.ts) is the caller's business:
// this file takes r || s.
//
// Algorithm: u1 G + u2 Q by Strauss-Shamir interleaving over width-w NAFs
// (w = 5 against the baked table of G, w = 4 against a table of Q built per
// verification), complete projective formulas, and the x check done without
// an inversion: x(R) = r (mod n) iff X = r Z, or X = (r + n) Z when r + n < p.
import {
  P256Point, p256SetIdentity, p256PointDouble, p256PointAdd, p256PointFromAffineBytes, p256IsIdentity,
} from "./p256-point";
import { P256Fe, p256FromBytes, p256Mul, p256Equal, p256BytesBelowPrime } from "./p256-field";
import { p256ScalarInRange, p256ScalarsForVerify, p256Wnaf, p256ScalarPlusOrderFits, p256ScalarPlusOrder } from "./p256-scalar";
import { P256_BASE_WINDOW, p256BaseLoad } from "./p256-base";
import { derSignatureToRaw } from "./der";

/** Why a key or signature can never verify (begin results; the core's status range -100..-109). */
export const P256_BAD_KEY: i32 = -100;
export const P256_BAD_SIGNATURE: i32 = -101;

const P256_KEY_WINDOW: i32 = 4;

// The working state of one verification (verifications never nest). The
// key's odd multiples are built per verification: Q, 3Q, 5Q, 7Q.
const p256Acc: P256Point = new P256Point();
const p256Step: P256Point = new P256Point();
const p256KeyTable: P256Point[] = [new P256Point(), new P256Point(), new P256Point(), new P256Point()];
const p256NafU1: Int8Array = new Int8Array(257);
const p256NafU2: Int8Array = new Int8Array(257);
const p256U1: Int32Array = new Int32Array(16);
const p256U2: Int32Array = new Int32Array(16);
const p256Rx: P256Fe = new P256Fe();
const p256RxZ: P256Fe = new P256Fe();
const p256RPlusN: Uint8Array = new Uint8Array(32);
// What begin() accepted: the key's x || y, then r || s.
const p256Keep: Uint8Array = new Uint8Array(128);
// r || s decoded from DER by ecdsaP256BeginDer.
const p256DerRaw: Uint8Array = new Uint8Array(64);
let p256Ready: bool = false;

/**
 * Start a verification: `key` holds x || y (64 bytes, big-endian; the 0x04
 * of the uncompressed form is the caller's to strip) and `sig` r || s (64
 * bytes, big-endian). Returns 0, or P256_BAD_KEY / P256_BAD_SIGNATURE when
 * no hash can verify (ecdsaP256VerifyDigest then answers false).
 */
export function ecdsaP256Begin(key: Uint8Array, keyOff: i32, sig: Uint8Array, sigOff: i32): i32 {
  p256Ready = false;
  if (!p256ScalarInRange(sig, sigOff) || !p256ScalarInRange(sig, sigOff + 32)) return P256_BAD_SIGNATURE;
  if (!p256PointFromAffineBytes(p256Acc, key, keyOff)) return P256_BAD_KEY;
  for (let i: i32 = 0; i < 64; i++) {
    unchecked((p256Keep[i] = key[keyOff + i]));
    unchecked((p256Keep[64 + i] = sig[sigOff + i]));
  }
  p256Ready = true;
  return 0;
}

/**
 * ecdsaP256Begin for a strict-DER signature at sig[sigOff..sigOff+sigLen)
 * (imgtool's ECDSA_SIG value); P256_BAD_SIGNATURE when it is not strict DER.
 */
export function ecdsaP256BeginDer(key: Uint8Array, keyOff: i32, sig: Uint8Array, sigOff: i32, sigLen: i32): i32 {
  p256Ready = false;
  if (!derSignatureToRaw(sig, sigOff, sigLen, p256DerRaw, 0)) return P256_BAD_SIGNATURE;
  return ecdsaP256Begin(key, keyOff, p256DerRaw, 0);
}

// Acc += digit * (odd multiple from the table) for a non-zero NAF digit.
function p256AddBaseDigit(digit: i32): void {
  p256BaseLoad(p256Step, (digit > 0 ? digit : -digit) >> 1);
  p256PointAdd(p256Acc, p256Acc, p256Step, digit < 0);
}

function p256AddKeyDigit(digit: i32): void {
  p256PointAdd(p256Acc, p256Acc, unchecked(p256KeyTable[(digit > 0 ? digit : -digit) >> 1]), digit < 0);
}

/** Forget any begun verification (the next ecdsaP256VerifyDigest answers false). */
export function ecdsaP256Cancel(): void {
  p256Ready = false;
}

/** Whether the signature given to ecdsaP256Begin() signs the 32-byte hash at h[off..). */
export function ecdsaP256VerifyDigest(h: Uint8Array, off: i32): bool {
  if (!p256Ready) return false;
  p256Ready = false;
  const keep = p256Keep;
  p256ScalarsForVerify(p256U1, p256U2, h, off, keep, 64, keep, 96);
  p256Wnaf(p256NafU1, p256U1, P256_BASE_WINDOW);
  p256Wnaf(p256NafU2, p256U2, P256_KEY_WINDOW);

  // Q, 3Q, 5Q, 7Q, stepping by 2Q.
  const q0 = unchecked(p256KeyTable[0]);
  p256PointFromAffineBytes(q0, keep, 0);
  p256PointDouble(p256Step, q0);
  for (let i: i32 = 1; i < 4; i++) p256PointAdd(unchecked(p256KeyTable[i]), unchecked(p256KeyTable[i - 1]), p256Step, false);

  let top: i32 = 256;
  while (top >= 0 && unchecked(p256NafU1[top]) == 0 && unchecked(p256NafU2[top]) == 0) top--;
  p256SetIdentity(p256Acc);
  for (let i: i32 = top; i >= 0; i--) {
    if (i != top) p256PointDouble(p256Acc, p256Acc);
    const d1: i32 = unchecked(p256NafU1[i]);
    const d2: i32 = unchecked(p256NafU2[i]);
    if (d1 != 0) p256AddBaseDigit(d1);
    if (d2 != 0) p256AddKeyDigit(d2);
  }
  if (p256IsIdentity(p256Acc)) return false;

  // x(R) = X/Z; accept when X = r Z, or X = (r + n) Z for r + n < p.
  p256FromBytes(p256Rx, keep, 64);
  p256Mul(p256RxZ, p256Rx, p256Acc.z);
  if (p256Equal(p256RxZ, p256Acc.x)) return true;
  if (!p256ScalarPlusOrderFits(keep, 64)) return false;
  p256ScalarPlusOrder(p256RPlusN, 0, keep, 64);
  if (!p256BytesBelowPrime(p256RPlusN, 0)) return false;
  p256FromBytes(p256Rx, p256RPlusN, 0);
  p256Mul(p256RxZ, p256Rx, p256Acc.z);
  return p256Equal(p256RxZ, p256Acc.x);
}
