// What the device trusts and what it is: the provisioned public key, vendor
// and class IDs, hardware revision and bootloader version. Set once at start
// (from the bootloader's own read-only data), read by every check.
import { callHash } from "../common/call-hash";
import { equalBytes } from "../common/bytes";

export let trustHasKey: bool = false;
export let trustHasVendor: bool = false;
export let trustHasClass: bool = false;
export let trustHwRev: u32 = 0;
export let trustBootloaderVersion: u32 = 0;
export const trustKey: Uint8Array = new Uint8Array(32);
/** The key is ECDSA P-256 (then trustP256Key holds it, x || y) rather than Ed25519 (trustKey). */
export let trustKeyIsP256: bool = false;
/**
 * A package's manifest signature vouches for the image it describes (flags bit
 * 4): at install the image's own signature is not verified again when the
 * image's digest is the one the verified manifest binds (docs/threat-model.md).
 */
export let trustManifestVouches: bool = false;
export const trustP256Key: Uint8Array = new Uint8Array(64);
/** SHA-256 of the key's SubjectPublicKeyInfo DER, as MCUboot's KEYHASH TLV. */
export const trustKeyHash: Uint8Array = new Uint8Array(32);
/** First 8 bytes of SHA-256 of the raw key: the manifest's key ID. */
export const trustKeyId: Uint8Array = new Uint8Array(8);
export const trustVendor: Uint8Array = new Uint8Array(16);
export const trustClass: Uint8Array = new Uint8Array(16);

const trustDigest: Uint8Array = new Uint8Array(32);
// DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410).
const trustSpki: Uint8Array = new Uint8Array(12);
trustSpki[0] = 0x30;
trustSpki[1] = 0x2a;
trustSpki[2] = 0x30;
trustSpki[3] = 0x05;
trustSpki[4] = 0x06;
trustSpki[5] = 0x03;
trustSpki[6] = 0x2b;
trustSpki[7] = 0x65;
trustSpki[8] = 0x70;
trustSpki[9] = 0x03;
trustSpki[10] = 0x21;
trustSpki[11] = 0x00;
// DER prefix of a P-256 SubjectPublicKeyInfo (RFC 5480: id-ecPublicKey,
// prime256v1), followed by the 65-byte uncompressed point.
const trustP256Spki: u8[] = [
  0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce,
  0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00, 0x04,
];

/**
 * `src[off..off+64)` holds key (32), vendor (16), class (16); `flags` bit 0 =
 * key present, bit 1 = vendor, bit 2 = class. Bit 3: the key is ECDSA P-256,
 * its uncompressed point (0x04 || x || y) at src[off+64..off+129) instead.
 * Bit 4: the manifest's signature vouches for the image (trustManifestVouches).
 */
export function configureTrust(src: Uint8Array, off: i32, flags: u32, hwRev: u32, blVersion: u32): void {
  trustHasKey = (flags & 1) != 0;
  trustHasVendor = (flags & 2) != 0;
  trustHasClass = (flags & 4) != 0;
  trustHwRev = hwRev;
  trustBootloaderVersion = blVersion;
  trustKeyIsP256 = (flags & 8) != 0;
  trustManifestVouches = (flags & 16) != 0;
  for (let i: i32 = 0; i < 32; i++) trustKey[i] = src[off + i];
  for (let i: i32 = 0; i < 64; i++) trustP256Key[i] = src[off + 65 + i];
  for (let i: i32 = 0; i < 16; i++) trustVendor[i] = src[off + 32 + i];
  for (let i: i32 = 0; i < 16; i++) trustClass[i] = src[off + 48 + i];
  callHash.reset();
  if (trustKeyIsP256) {
    // KEYHASH: SHA-256 of the SubjectPublicKeyInfo DER; key ID: of the 65-byte point.
    for (let i: i32 = 0; i < 27; i++) trustDigest[i] = trustP256Spki[i];
    callHash.update(trustDigest, 0, 27);
    callHash.update(trustP256Key, 0, 64);
    callHash.finish(trustKeyHash, 0);
    callHash.reset();
    callHash.update(src, off + 64, 65);
  } else {
    callHash.update(trustSpki, 0, 12);
    callHash.update(trustKey, 0, 32);
    callHash.finish(trustKeyHash, 0);
    callHash.reset();
    callHash.update(trustKey, 0, 32);
  }
  callHash.finish(trustDigest, 0);
  for (let i: i32 = 0; i < 8; i++) trustKeyId[i] = trustDigest[i];
}

export function vendorMatches(b: Uint8Array, off: i32): bool {
  return !trustHasVendor || equalBytes(b, off, trustVendor, 0, 16);
}

export function classMatches(b: Uint8Array, off: i32): bool {
  return !trustHasClass || equalBytes(b, off, trustClass, 0, 16);
}
