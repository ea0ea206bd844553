// MCUboot image format: parsing the header and TLV areas of an image in a slot
// and checking its SHA-256 TLV against the bytes on flash. See docs/design.md
// "Image format" and docs/formats.md "Image TLVs". Signature TLVs are recorded
// here and checked by the caller.
//
// These are the only image rules there are: the host tools run this same code
// (bindings/image-check.ts), so a file the tools pass is a file the device
// takes. Each security TLV may appear once, in its own area; header flags the
// device does not implement are refused, each kind with its own status.
import { callHash } from "../common/call-hash";
import { callBuffer } from "../common/call-buffer";
import { getU16, getU32, equalBytes } from "../common/bytes";
import { flashRead } from "../common/flash";
import { hostFlashSha256 } from "../common/host";
import { slotAddr, slotSize } from "../common/layout";
import {
  OK, E_FLASH, E_BAD_HEADER, E_BAD_TLV, E_NO_DIGEST, E_DIGEST_MISMATCH, E_EMPTY_SLOT, E_DUPLICATE_TLV, E_MISPLACED_TLV,
  E_UNSUPPORTED_FLAGS, E_ENCRYPTED_IMAGE, E_NON_BOOTABLE,
} from "../common/status";
import { E_UNSUPPORTED_DIGEST, E_UNSUPPORTED_SIGNATURE_MODE } from "../common/status";
import { E_ENC_KEY_MISSING, E_ENC_SCHEME } from "../common/status";

export const IMAGE_MAGIC: u32 = 0x96f3b83d;
export const IMAGE_HEADER_SIZE: i32 = 32;
export const TLV_INFO_MAGIC: u32 = 0x6907;
export const TLV_PROT_INFO_MAGIC: u32 = 0x6908;
export const TLV_KEYHASH: u32 = 0x01;
export const TLV_SHA256: u32 = 0x10;
export const TLV_ED25519: u32 = 0x24;
export const TLV_SEC_CNT: u32 = 0x50;
export const TLV_VENDOR_UUID: u32 = 0x74;
// ECDSA P-256 and imgtool's other modes (docs/formats.md "Image TLVs"):
// ECDSA_SIG is a DER signature (8..72 bytes) over the SHA-256 digest; a
// SHA-384 or SHA-512 digest, and SIG_PURE (the signature covers the image
// itself), are recognised so that each is refused with its own status.
export const TLV_ECDSA_SIG: u32 = 0x22;
export const TLV_SHA384: u32 = 0x11;
export const TLV_SHA512: u32 = 0x12;
export const TLV_SIG_PURE: u32 = 0x25;
export const TLV_CLASS_UUID: u32 = 0x75;
/** The key-wrap entry of an encrypted image (ECIES-X25519, the only scheme implemented). */
export const TLV_ENC_X25519: u32 = 0x33;
// slotboot's own protected TLVs, in the range MCUboot leaves to vendors
// (xxA0..xxFF; imgtool --custom-tlv takes them): what the image needs of the
// device, so the requirement travels with the image and not only with a package.
/** Hardware revisions the image runs on: u16 lowest, u16 highest (inclusive). */
export const TLV_HW_REVISION: u32 = 0x53a0;
/** Oldest bootloader that may take the image: u32, major << 16 | minor << 8 | patch. */
export const TLV_MIN_BOOTLOADER: u32 = 0x53a1;

// Header flags (MCUboot's IMAGE_F_*). This device implements none of them, so
// any set flag is refused; these three get their own status because their
// images would otherwise fail later as something else (an encrypted body
// fails its digest and would read as corruption).
export const IMAGE_F_ENCRYPTED_AES128: u32 = 0x04;
export const IMAGE_F_ENCRYPTED_AES256: u32 = 0x08;
export const IMAGE_F_NON_BOOTABLE: u32 = 0x10;

// What the last parse found. Offsets are relative to the slot start; -1 = absent.
export let imgHeaderSize: u32 = 0;
export let imgBodySize: u32 = 0;
export let imgProtSize: u32 = 0;
export let imgTotalSize: u32 = 0;
export let imgVerMajor: u32 = 0;
export let imgVerMinor: u32 = 0;
export let imgVerRevision: u32 = 0;
export let imgVerBuild: u32 = 0;
export let tlvShaAt: i32 = -1;
export let tlvSigAt: i32 = -1;
export let tlvKeyHashAt: i32 = -1;
export let tlvEcdsaSigAt: i32 = -1;
export let tlvEcdsaSigLen: i32 = 0;
/** A SHA-384 or SHA-512 digest TLV was seen (the device checks SHA-256 only). */
export let tlvOtherDigestSeen: bool = false;
export let tlvVendorAt: i32 = -1;
export let tlvClassAt: i32 = -1;
export let tlvSecCntSeen: bool = false;
export let tlvSecCnt: u32 = 0;
export let tlvHwRevSeen: bool = false;
export let tlvHwRevMin: u32 = 0;
export let tlvHwRevMax: u32 = 0;
export let tlvMinBootloaderSeen: bool = false;
export let tlvMinBootloader: u32 = 0;
// Encrypted images (docs/formats.md "Encrypted images").
export let tlvEncAt: i32 = -1;
export let tlvEncLen: u32 = 0;

/** The digest computed by the last successful verifyImageDigest(). */
export const imgDigest: Uint8Array = new Uint8Array(32);

/** Let the host hash flash ranges (a hardware SHA engine); the built-in code is the fallback. */
export let imgHashByHost: bool = false;
export let imgHostHashes: u32 = 0;

export function setHostHashing(on: bool): void {
  imgHashByHost = on;
}
const imgBuf: Uint8Array = callBuffer;
const tlvBuf: Uint8Array = new Uint8Array(8);

function resetParse(): void {
  imgHeaderSize = 0;
  imgBodySize = 0;
  imgProtSize = 0;
  imgTotalSize = 0;
  tlvShaAt = -1;
  tlvSigAt = -1;
  tlvKeyHashAt = -1;
  tlvEcdsaSigAt = -1;
  tlvEcdsaSigLen = 0;
  tlvOtherDigestSeen = false;
  tlvVendorAt = -1;
  tlvClassAt = -1;
  tlvSecCntSeen = false;
  tlvSecCnt = 0;
  tlvHwRevSeen = false;
  tlvHwRevMin = 0;
  tlvHwRevMax = 0;
  tlvMinBootloaderSeen = false;
  tlvMinBootloader = 0;
  tlvEncAt = -1;
  tlvEncLen = 0;
}

/**
 * Check a 32-byte header held in `h` against the slot size. `encryptedOk`:
 * the image may carry an encryption flag — as delivered, when the device
 * holds a decryption key; at rest in a slot, always, since the installer
 * stored it decrypted (docs/threat-model.md "Encrypted images").
 */
export function checkHeader(h: Uint8Array, off: i32, limit: u32, encryptedOk: bool): i32 {
  if (getU32(h, off) != IMAGE_MAGIC) return E_BAD_HEADER;
  const hdr: u32 = getU16(h, off + 8);
  const prot: u32 = getU16(h, off + 10);
  const body: u32 = getU32(h, off + 12);
  if (hdr < u32(IMAGE_HEADER_SIZE)) return E_BAD_HEADER;
  if (body > limit || hdr > limit || prot > limit) return E_BAD_HEADER;
  // hdr + body + prot + the unprotected info header must fit; no u32 overflow
  // is possible because each term is bounded by limit (< 2^30).
  if (u32(hdr + body + prot + 4) > limit) return E_BAD_HEADER;
  if (prot != 0 && prot < 4) return E_BAD_HEADER;
  const flags: u32 = getU32(h, off + 16);
  if (flags != 0) {
    const encrypted: u32 = flags & u32(IMAGE_F_ENCRYPTED_AES128 | IMAGE_F_ENCRYPTED_AES256);
    if (encrypted != 0 && !encryptedOk) return E_ENCRYPTED_IMAGE;
    // Both at once: no such image exists.
    if (encrypted == u32(IMAGE_F_ENCRYPTED_AES128 | IMAGE_F_ENCRYPTED_AES256)) return E_ENC_SCHEME;
    const others: u32 = flags ^ encrypted;
    if (others == 0) return OK;
    if ((others & IMAGE_F_NON_BOOTABLE) != 0) return E_NON_BOOTABLE;
    return E_UNSUPPORTED_FLAGS;
  }
  return OK;
}

/** Parse header and TLV areas of the image in `slot`. */
export function parseImage(slot: i32): i32 {
  resetParse();
  const base: u32 = slotAddr(slot);
  if (flashRead(base, imgBuf, 0, IMAGE_HEADER_SIZE) != OK) return E_FLASH;
  let allErased: bool = true;
  for (let i: i32 = 0; i < IMAGE_HEADER_SIZE; i++) if (unchecked(imgBuf[i]) != 0xff) allErased = false;
  if (allErased) return E_EMPTY_SLOT;
  const hs: i32 = checkHeader(imgBuf, 0, slotSize, true);
  if (hs != OK) return hs;
  imgHeaderSize = getU16(imgBuf, 8);
  imgProtSize = getU16(imgBuf, 10);
  imgBodySize = getU32(imgBuf, 12);
  imgVerMajor = u32(imgBuf[20]);
  imgVerMinor = u32(imgBuf[21]);
  imgVerRevision = getU16(imgBuf, 22);
  imgVerBuild = getU32(imgBuf, 24);
  let at: u32 = u32(imgHeaderSize + imgBodySize);
  if (imgProtSize != 0) {
    const ps: i32 = walkTlvArea(base, at, TLV_PROT_INFO_MAGIC, imgProtSize, true);
    if (ps != OK) return ps;
    at = u32(at + imgProtSize);
  }
  if (flashRead(u32(base + at), tlvBuf, 0, 4) != OK) return E_FLASH;
  if (getU16(tlvBuf, 0) != TLV_INFO_MAGIC) return E_BAD_TLV;
  const unprot: u32 = getU16(tlvBuf, 2);
  if (unprot < 4 || u32(at + unprot) > slotSize) return E_BAD_TLV;
  const us: i32 = walkTlvArea(base, at, TLV_INFO_MAGIC, unprot, false);
  if (us != OK) return us;
  imgTotalSize = u32(at + unprot);
  // A flagged image carries its ECIES-X25519 entry, sized for the flag's AES key (imgBuf still holds the header).
  const encrypted: u32 = getU32(imgBuf, 16) & u32(IMAGE_F_ENCRYPTED_AES128 | IMAGE_F_ENCRYPTED_AES256);
  if (encrypted == 0) return OK;
  if (tlvEncAt < 0) return E_ENC_KEY_MISSING;
  return tlvEncLen == (encrypted == IMAGE_F_ENCRYPTED_AES128 ? 80 : 96) ? OK : E_BAD_TLV;
}

/** Types that are trusted only from the protected area (covered by the digest and signature). */
function isProtectedOnlyTlv(type: u32): bool {
  return type == TLV_SEC_CNT || type == TLV_VENDOR_UUID || type == TLV_CLASS_UUID || type == TLV_HW_REVISION || type == TLV_MIN_BOOTLOADER;
}

/** Types that are trusted only from the unprotected area: each is itself checked against something signed. */
function isUnprotectedOnlyTlv(type: u32): bool {
  return type == TLV_SHA256 || type == TLV_ED25519 || type == TLV_KEYHASH || type == TLV_ECDSA_SIG || type == TLV_ENC_X25519;
}

/** A protected entry; a second entry of a type this device reads is refused, never chosen between. */
function takeProtectedTlv(base: u32, type: u32, len: u32, valueAt: i32): i32 {
  if (type == TLV_SIG_PURE) return E_UNSUPPORTED_SIGNATURE_MODE;
  if (type == TLV_SEC_CNT) {
    if (tlvSecCntSeen) return E_DUPLICATE_TLV;
    if (len != 4) return E_BAD_TLV;
    if (flashRead(u32(base + valueAt), tlvBuf, 4, 4) != OK) return E_FLASH;
    tlvSecCntSeen = true;
    tlvSecCnt = getU32(tlvBuf, 4);
  } else if (type == TLV_VENDOR_UUID) {
    if (tlvVendorAt >= 0) return E_DUPLICATE_TLV;
    if (len != 16) return E_BAD_TLV;
    tlvVendorAt = valueAt;
  } else if (type == TLV_CLASS_UUID) {
    if (tlvClassAt >= 0) return E_DUPLICATE_TLV;
    if (len != 16) return E_BAD_TLV;
    tlvClassAt = valueAt;
  } else if (type == TLV_HW_REVISION) {
    if (tlvHwRevSeen) return E_DUPLICATE_TLV;
    if (len != 4) return E_BAD_TLV;
    if (flashRead(u32(base + valueAt), tlvBuf, 4, 4) != OK) return E_FLASH;
    tlvHwRevSeen = true;
    tlvHwRevMin = getU16(tlvBuf, 4);
    tlvHwRevMax = getU16(tlvBuf, 6);
  } else if (type == TLV_MIN_BOOTLOADER) {
    if (tlvMinBootloaderSeen) return E_DUPLICATE_TLV;
    if (len != 4) return E_BAD_TLV;
    if (flashRead(u32(base + valueAt), tlvBuf, 4, 4) != OK) return E_FLASH;
    tlvMinBootloaderSeen = true;
    tlvMinBootloader = getU32(tlvBuf, 4);
  } else if (isUnprotectedOnlyTlv(type)) {
    return E_MISPLACED_TLV;
  }
  return OK;
}

/** An unprotected entry: only the digest, key hash and signature are read here. */
function takeUnprotectedTlv(type: u32, len: u32, valueAt: i32): i32 {
  if (type == TLV_SHA256) {
    if (tlvShaAt >= 0) return E_DUPLICATE_TLV;
    if (len != 32) return E_BAD_TLV;
    tlvShaAt = valueAt;
  } else if (type == TLV_ED25519) {
    if (tlvSigAt >= 0) return E_DUPLICATE_TLV;
    if (len != 64) return E_BAD_TLV;
    tlvSigAt = valueAt;
  } else if (type == TLV_KEYHASH) {
    if (tlvKeyHashAt >= 0) return E_DUPLICATE_TLV;
    if (len != 32) return E_BAD_TLV;
    tlvKeyHashAt = valueAt;
  } else if (type == TLV_ECDSA_SIG) {
    if (tlvEcdsaSigAt >= 0) return E_DUPLICATE_TLV;
    if (len < 8 || len > 72) return E_BAD_TLV;
    tlvEcdsaSigAt = valueAt;
    tlvEcdsaSigLen = i32(len);
  } else if (type == TLV_SHA384 || type == TLV_SHA512) {
    tlvOtherDigestSeen = true;
  } else if (type == TLV_SIG_PURE) {
    return E_UNSUPPORTED_SIGNATURE_MODE;
  } else if (type == TLV_ENC_X25519) {
    if (tlvEncAt >= 0) return E_DUPLICATE_TLV;
    if (len != 80 && len != 96) return E_BAD_TLV;
    tlvEncAt = valueAt;
    tlvEncLen = len;
  } else if (isProtectedOnlyTlv(type)) {
    // Anyone can add unprotected entries: one of these here is a forgery or a
    // misbuilt image, and a reader that took it would trust unsigned data.
    return E_MISPLACED_TLV;
  }
  return OK;
}

function walkTlvArea(base: u32, start: u32, magic: u32, total: u32, isProtected: bool): i32 {
  if (flashRead(u32(base + start), tlvBuf, 0, 4) != OK) return E_FLASH;
  if (getU16(tlvBuf, 0) != magic || getU16(tlvBuf, 2) != total) return E_BAD_TLV;
  let p: u32 = 4;
  while (p < total) {
    if (u32(p + 4) > total) return E_BAD_TLV;
    if (flashRead(u32(base + start + p), tlvBuf, 0, 4) != OK) return E_FLASH;
    const type: u32 = getU16(tlvBuf, 0);
    const len: u32 = getU16(tlvBuf, 2);
    const valueAt: i32 = i32(start + p + 4);
    if (u32(p + 4 + len) > total) return E_BAD_TLV;
    const ts: i32 = isProtected ? takeProtectedTlv(base, type, len, valueAt) : takeUnprotectedTlv(type, len, valueAt);
    if (ts != OK) return ts;
    p = u32(p + 4 + len);
  }
  return OK;
}

/** Hash [0, hdr + body + protected TLVs) and compare with the SHA-256 TLV. */
export function verifyImageDigest(slot: i32): i32 {
  const ps: i32 = parseImage(slot);
  if (ps != OK) return ps;
  if (tlvShaAt < 0) return tlvOtherDigestSeen ? E_UNSUPPORTED_DIGEST : E_NO_DIGEST;
  const base: u32 = slotAddr(slot);
  const end: u32 = u32(imgHeaderSize + imgBodySize + imgProtSize);
  if (imgHashByHost && hostFlashSha256(base, end, imgDigest, 0) == 0) {
    imgHostHashes++;
    return compareDigestTlv(base);
  }
  callHash.reset();
  let pos: u32 = 0;
  while (pos < end) {
    let n: u32 = u32(end - pos);
    if (n > u32(imgBuf.length)) n = u32(imgBuf.length);
    if (flashRead(u32(base + pos), imgBuf, 0, i32(n)) != OK) return E_FLASH;
    callHash.update(imgBuf, 0, i32(n));
    pos = u32(pos + n);
  }
  callHash.finish(imgDigest, 0);
  return compareDigestTlv(base);
}

function compareDigestTlv(base: u32): i32 {
  if (flashRead(u32(base + u32(tlvShaAt)), imgBuf, 0, 32) != OK) return E_FLASH;
  if (!equalBytes(imgBuf, 0, imgDigest, 0, 32)) return E_DIGEST_MISMATCH;
  return OK;
}
