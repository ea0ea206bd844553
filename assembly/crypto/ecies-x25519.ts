// MCUboot's ECIES-X25519 key unwrap (imgtool `sign --encrypt` with an X25519
// key; boot/bootutil/src/encrypted.c on the device side). The entry is
//   ephemeral X25519 public key (32) ‖ HMAC-SHA256 tag (32) ‖ wrapped key (16 or 32)
// and opening it is:
//   shared  = X25519(device private key, ephemeral key)   (all zeros: refused)
//   okm     = HKDF-SHA256(ikm = shared, no salt, info = "MCUBoot_ECIES_v1", keyLen + 32 bytes)
//   tag     = HMAC-SHA256(key = okm[keyLen .. keyLen+32), wrapped key), compared in constant time
//   key     = AES-CTR(okm[0 .. keyLen), counter block 0) XOR wrapped key
// keyLen is the image key's length, 16 (AES-128) or 32 (AES-256), as in
// MCUboot's BOOT_ENC_KEY_SIZE. The same construction wraps the key of an
// encrypted slotboot package (docs/formats.md "Encrypted packages").
//
// This file does all but the last line: eciesOpen() checks the tag and hands
// out okm[0 .. keyLen), the key that encrypts the wrapped key. The last line
// is the decryption stream's own AES-CTR (crypt/decryptor.ts), so that on
// boards the module holding this code (the JS unwrap module) carries no AES.
import { x25519 } from "./x25519";
import { HmacSha256 } from "./hmac-sha256";
import { hkdfExtract, hkdfExpand } from "./hkdf-sha256";
import { OK, E_ENC_TAG, E_BAD_ARGUMENT } from "../common/status";

/** Entry lengths for an AES-128 and an AES-256 image key. */
export const ECIES_ENTRY_AES128: i32 = 80;
export const ECIES_ENTRY_AES256: i32 = 96;

const eciesInfo: Uint8Array = new Uint8Array(16);
// "MCUBoot_ECIES_v1" as bytes (ASCII), without string work at run time.
eciesInfo[0] = 0x4d; eciesInfo[1] = 0x43; eciesInfo[2] = 0x55; eciesInfo[3] = 0x42;
eciesInfo[4] = 0x6f; eciesInfo[5] = 0x6f; eciesInfo[6] = 0x74; eciesInfo[7] = 0x5f;
eciesInfo[8] = 0x45; eciesInfo[9] = 0x43; eciesInfo[10] = 0x49; eciesInfo[11] = 0x45;
eciesInfo[12] = 0x53; eciesInfo[13] = 0x5f; eciesInfo[14] = 0x76; eciesInfo[15] = 0x31;
const eciesShared: Uint8Array = new Uint8Array(32);
const eciesPrk: Uint8Array = new Uint8Array(32);
const eciesOkm: Uint8Array = new Uint8Array(64);
const eciesTag: Uint8Array = new Uint8Array(32);
const eciesMac: HmacSha256 = new HmacSha256();

function eciesWipe(): void {
  for (let i: i32 = 0; i < 32; i++) {
    eciesShared[i] = 0;
    eciesPrk[i] = 0;
  }
  for (let i: i32 = 0; i < 64; i++) eciesOkm[i] = 0;
}

/**
 * Open the entry entry[off .. off + 32 + 32 + keyLen) with the device's
 * private key: once its tag holds, the key that encrypts the wrapped key
 * (okm[0 .. keyLen)) goes to kekOut[kekOutOff ..], and the image key is the
 * wrapped key XOR the AES-CTR keystream of that key from counter block 0.
 * Returns OK, E_ENC_ZERO_SECRET (small-order ephemeral key), E_ENC_TAG
 * (another device's key, or an altered entry) or E_BAD_ARGUMENT.
 */
export function eciesOpen(entry: Uint8Array, off: i32, keyLen: i32, privateKey: Uint8Array, privOff: i32, kekOut: Uint8Array, kekOutOff: i32): i32 {
  if (keyLen != 16 && keyLen != 32) return E_BAD_ARGUMENT;
  if (off < 0 || off > entry.length - 64 - keyLen || kekOutOff < 0 || kekOutOff > kekOut.length - keyLen) return E_BAD_ARGUMENT;
  const xs: i32 = x25519(eciesShared, 0, privateKey, privOff, entry, off);
  if (xs != OK) {
    eciesWipe();
    return xs;
  }
  hkdfExtract(eciesPrk, 0, 0, eciesShared, 0, 32, eciesPrk, 0);
  hkdfExpand(eciesPrk, 0, 32, eciesInfo, 0, 16, keyLen + 32, 0, eciesOkm, 0, keyLen + 32);
  eciesMac.begin(eciesOkm, keyLen, 32);
  eciesMac.update(entry, off + 64, keyLen);
  eciesMac.finish(eciesTag, 0);
  let diff: i32 = 0;
  for (let i: i32 = 0; i < 32; i++) diff |= i32(eciesTag[i] ^ entry[off + 32 + i]);
  if (diff != 0) {
    eciesWipe();
    return E_ENC_TAG;
  }
  for (let i: i32 = 0; i < keyLen; i++) kekOut[kekOutOff + i] = eciesOkm[i];
  eciesWipe();
  return OK;
}
