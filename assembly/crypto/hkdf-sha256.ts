// HKDF with HMAC-SHA256 (RFC 5869): extract a pseudorandom key from input
// keying material and a salt, then expand it with an info string into as
// many output bytes as asked (at most 255 blocks of 32). No salt is the same
// as a salt of 32 zero bytes (RFC 5869 2.2), which is what an empty HMAC key
// amounts to. Output is written straight into the caller's buffer.
import { HmacSha256 } from "./hmac-sha256";
import { OK, E_BAD_ARGUMENT } from "../common/status";

const hkdfMac: HmacSha256 = new HmacSha256();
const hkdfBlock: Uint8Array = new Uint8Array(32);
const hkdfCounter: Uint8Array = new Uint8Array(1);

/** prk[prkOff..+32) = HMAC(salt, ikm). saltLen 0 means no salt. */
export function hkdfExtract(salt: Uint8Array, saltOff: i32, saltLen: i32, ikm: Uint8Array, ikmOff: i32, ikmLen: i32, prk: Uint8Array, prkOff: i32): void {
  hkdfMac.begin(salt, saltOff, saltLen);
  hkdfMac.update(ikm, ikmOff, ikmLen);
  hkdfMac.finish(prk, prkOff);
}

/**
 * Bytes [from, from + count) of the okmLen-byte output T(1) ‖ T(2) ‖ … with
 * T(i) = HMAC(prk, T(i-1) ‖ info ‖ i), to out[outOff..]. The window lets a
 * host read a long output through a small buffer; the device asks for all of
 * it at once (from 0). E_BAD_ARGUMENT when okmLen is above 255 × 32 or the
 * window does not fit.
 */
export function hkdfExpand(
  prk: Uint8Array, prkOff: i32, prkLen: i32, info: Uint8Array, infoOff: i32, infoLen: i32,
  okmLen: i32, from: i32, out: Uint8Array, outOff: i32, count: i32,
): i32 {
  if (okmLen < 0 || okmLen > 255 * 32 || from < 0 || count < 0 || from > okmLen - count) return E_BAD_ARGUMENT;
  if (outOff < 0 || outOff > out.length - count) return E_BAD_ARGUMENT;
  const end: i32 = from + count;
  let at: i32 = 0;
  let counter: i32 = 1;
  while (at < end) {
    hkdfMac.begin(prk, prkOff, prkLen);
    if (counter > 1) hkdfMac.update(hkdfBlock, 0, 32);
    hkdfMac.update(info, infoOff, infoLen);
    hkdfCounter[0] = u8(counter);
    hkdfMac.update(hkdfCounter, 0, 1);
    hkdfMac.finish(hkdfBlock, 0);
    for (let i: i32 = 0; i < 32; i++) {
      const k: i32 = at + i;
      if (k >= from && k < end) unchecked((out[outOff + k - from] = hkdfBlock[i]));
    }
    at += 32;
    counter++;
  }
  return OK;
}
