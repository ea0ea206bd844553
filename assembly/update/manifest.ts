// The update manifest (docs/formats.md "Manifest"): parsed from the first 256
// bytes of a package and checked, signature first, before any payload byte
// may reach flash. Each check has its own status; docs/threat-model.md maps
// them to the threats they answer.
import { getU16, getU32, equalBytes } from "../common/bytes";
import { updateVerifier } from "./provenance";
import { ecdsaP256Begin, ecdsaP256VerifyDigest } from "../crypto/ecdsa-p256";
import { callHash } from "../common/call-hash";
import { imgHashByHost } from "../boot/image";
import { hostSha256Begin, hostSha256Update, hostSha256Finish } from "../common/host";
import { decryptor } from "../crypt/decryptor";
import {
  trustHasKey, trustKey, trustKeyIsP256, trustP256Key, trustKeyId, trustHwRev, trustBootloaderVersion, vendorMatches, classMatches,
} from "./trust";
import { ctlFloor } from "../boot/bootctl";
import { slotSize } from "../common/layout";
import {
  OK, E_PKG_FORMAT, E_UNKNOWN_KEY, E_PKG_SIGNATURE, E_WRONG_VENDOR, E_WRONG_CLASS, E_HW_REVISION,
  E_BOOTLOADER_TOO_OLD, E_DOWNGRADE, E_IMAGE_TOO_LARGE, E_PAYLOAD_SIZE, E_ENCODING, E_P256_NOT_LOADED,
} from "../common/status";

export const MANIFEST_SIZE: i32 = 256;
export const MANIFEST_SIGNED: i32 = 192;
export const MANIFEST_MAGIC: u32 = 0x4b504253; // "SBPK"
export const ENC_RAW: u32 = 0;
export const ENC_COMPRESSED: u32 = 1;
export const ENC_DELTA: u32 = 2;
export const CODEC_NONE: u32 = 0;

export const mfBytes: Uint8Array = new Uint8Array(MANIFEST_SIZE);
/**
 * Encrypted packages (docs/formats.md "Encrypted packages"): byte 180 names
 * the encryption, and a 160-byte encryption block follows the manifest,
 * covered by its signature: recipient ID (32), key-wrap entry (96: ephemeral
 * key, tag, wrapped key zero-padded), SHA-256 of the encrypted stream (32).
 * The receiver collects the block into the decryptor (decryptor().block).
 */
export const ENC_BLOCK_SIZE: i32 = 160;
/** Byte 180: 0 not encrypted, 1 AES-128-CTR, 2 AES-256-CTR. */
export let mfEncryption: u32 = 0;

/** Bytes before the payload: the manifest, and the encryption block when byte 180 says so (read before any check). */
export function mfHeadSize(): u32 {
  return mfBytes[180] == 1 || mfBytes[180] == 2 ? u32(MANIFEST_SIZE + ENC_BLOCK_SIZE) : u32(MANIFEST_SIZE);
}
/** SHA-256 of the whole manifest: the identity of a download (for resume). */
export const mfDigest: Uint8Array = new Uint8Array(32);

export let mfSecurityCounter: u32 = 0;
export let mfImageSize: u32 = 0;
export let mfEncoding: u32 = 0;
export let mfCodec: u32 = 0;
export let mfPayloadSize: u32 = 0;
export let mfBlockSize: u32 = 0;
export let mfDataSize: u32 = 0;
export let mfBlockCount: u32 = 0;
export let mfBaseSize: u32 = 0;

export function mfImageDigestAt(): i32 {
  return 64;
}
export function mfChainHeadAt(): i32 {
  return 112;
}
export function mfBaseDigestAt(): i32 {
  return 144;
}

/**
 * mfDigest = SHA-256 of the manifest's first `len` bytes and, when the
 * package is encrypted, its encryption block. Where hashing is the host's
 * (hashByHost) through the host's stream, which a chain block only opens
 * after the manifest: an interpreter takes tens of milliseconds per 64-byte
 * block. A host that fails leaves it to the core (the bytes are all here).
 */
function manifestDigest(len: u32): void {
  const extra: u32 = mfEncryption != 0 ? u32(ENC_BLOCK_SIZE) : 0;
  const total: u32 = u32(len + extra);
  // Effect-free arguments: the ES5 build writes the host calls in place
  // (scripts/core-transforms.mjs, inlineHostCalls).
  if (imgHashByHost && hostSha256Begin(total) == OK) {
    let ok: bool = hostSha256Update(mfBytes, 0, len) == OK;
    if (ok && extra != 0) {
      const block: Uint8Array = decryptor().block;
      ok = hostSha256Update(block, 0, extra) == OK;
    }
    // Finish in any case: it ends the host's stream.
    if (hostSha256Finish(mfDigest, 0) == OK && ok) return;
  }
  callHash.reset();
  callHash.update(mfBytes, 0, i32(len));
  if (extra != 0) callHash.update(decryptor().block, 0, ENC_BLOCK_SIZE);
  callHash.finish(mfDigest, 0);
}

/** Check the manifest in mfBytes. Order matters: nothing unsigned is trusted. */
export function checkManifest(): i32 {
  const m: Uint8Array = mfBytes;
  if (getU32(m, 0) != MANIFEST_MAGIC || getU16(m, 4) != 1 || getU16(m, 6) != u32(MANIFEST_SIZE)) return E_PKG_FORMAT;
  // Byte 180: the encryption (0, 1 or 2); bytes 181-183 reserved, zero.
  if (getU32(m, 180) > 2) return E_PKG_FORMAT;
  mfEncryption = u32(m[180]);
  if (trustHasKey) {
    if (!equalBytes(m, 184, trustKeyId, 0, 8)) return E_UNKNOWN_KEY;
    if (trustKeyIsP256) {
      // The same 64-byte field holds r || s (big-endian) of ECDSA-SHA256 over
      // the signed part; mfDigest is overwritten with the real digest below.
      manifestDigest(MANIFEST_SIGNED);
      const bs: i32 = ecdsaP256Begin(trustP256Key, 0, m, MANIFEST_SIGNED);
      if (bs == E_P256_NOT_LOADED) return bs;
      if (bs != 0) return E_PKG_SIGNATURE;
      if (!ecdsaP256VerifyDigest(mfDigest, 0)) return E_PKG_SIGNATURE;
    } else {
      if (updateVerifier.begin(trustKey, 0, m, MANIFEST_SIGNED) != 0) return E_PKG_SIGNATURE;
      updateVerifier.update(m, 0, MANIFEST_SIGNED);
      if (mfEncryption != 0) updateVerifier.update(decryptor().block, 0, ENC_BLOCK_SIZE);
      if (!updateVerifier.finish()) return E_PKG_SIGNATURE;
    }
  }
  if (!vendorMatches(m, 8)) return E_WRONG_VENDOR;
  if (!classMatches(m, 24)) return E_WRONG_CLASS;
  // Checked here before any payload byte is written; the image carries the same
  // requirements as protected TLVs, checked at completion and at boot
  // (provenance.ts), since the image can travel without this manifest.
  const hwMin: u32 = getU16(m, 40);
  const hwMax: u32 = getU16(m, 42);
  if (trustHwRev < hwMin || trustHwRev > hwMax) return E_HW_REVISION;
  if (getU32(m, 44) > trustBootloaderVersion) return E_BOOTLOADER_TOO_OLD;
  mfSecurityCounter = getU32(m, 56);
  if (mfSecurityCounter < ctlFloor) return E_DOWNGRADE;
  mfImageSize = getU32(m, 60);
  if (mfImageSize > slotSize || mfImageSize < 32) return E_IMAGE_TOO_LARGE;
  mfEncoding = u32(m[96]);
  mfCodec = u32(m[97]);
  if (mfEncoding == ENC_RAW) {
    if (mfCodec != CODEC_NONE) return E_ENCODING;
  } else if (mfEncoding == ENC_COMPRESSED || mfEncoding == ENC_DELTA) {
    if (mfCodec != 1 && mfCodec != 2) return E_ENCODING;
  } else {
    return E_ENCODING;
  }
  // Codec parameters are fixed per codec: heatshrink w8/l7, nothing otherwise.
  const p1: u32 = u32(m[98]);
  const p2: u32 = u32(m[99]);
  if (mfCodec == 2 ? p1 != 8 || p2 != 7 : p1 != 0 || p2 != 0) return E_ENCODING;
  mfPayloadSize = getU32(m, 100);
  mfBlockSize = getU32(m, 104);
  mfDataSize = getU32(m, 108);
  mfBaseSize = getU32(m, 176);
  if (mfBlockSize < 256 || mfBlockSize > 65536 || (mfBlockSize & u32(mfBlockSize - 1)) != 0) return E_PAYLOAD_SIZE;
  if (mfDataSize == 0 || mfDataSize > 0x40000000) return E_PAYLOAD_SIZE;
  mfBlockCount = u32(u32(mfDataSize + mfBlockSize - 1) / mfBlockSize);
  if (u32(mfDataSize + u32(mfBlockCount * 32)) != mfPayloadSize) return E_PAYLOAD_SIZE;
  if (mfEncoding == ENC_RAW && mfDataSize != mfImageSize) return E_PAYLOAD_SIZE;
  manifestDigest(MANIFEST_SIZE);
  return OK;
}

/** The manifest's image version, packed as the MCUboot header stores it. */
export function mfVersionMatches(major: u32, minor: u32, revision: u32, build: u32): bool {
  return u32(mfBytes[48]) == major && u32(mfBytes[49]) == minor && getU16(mfBytes, 50) == revision && getU32(mfBytes, 52) == build;
}
