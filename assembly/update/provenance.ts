// Where an image came from: signed by the provisioned key, built for this
// vendor and class, not older than the anti-rollback floor; and what it needs
// of the device: a hardware revision in its range, a bootloader at least its
// minimum. Registered with the boot role's gate (boot/verify.ts) by the update
// role at start, so it runs at every install (raw image or package), every
// confirm and, in the every-boot check mode, every boot.
import {
  imgDigest, tlvSigAt, tlvEcdsaSigAt, tlvEcdsaSigLen, tlvKeyHashAt, tlvVendorAt, tlvClassAt, tlvSecCntSeen, tlvSecCnt, tlvHwRevSeen, tlvHwRevMin, tlvHwRevMax,
  tlvMinBootloaderSeen, tlvMinBootloader,
} from "../boot/image";
import { Ed25519Verifier } from "../crypto/ed25519";
import { ecdsaP256BeginDer, ecdsaP256VerifyDigest } from "../crypto/ecdsa-p256";
import { flashRead } from "../common/flash";
import { slotAddr } from "../common/layout";
import { equalBytes } from "../common/bytes";
import { ctlFloor } from "../boot/bootctl";
import {
  trustHasKey, trustHasVendor, trustHasClass, trustKey, trustKeyIsP256, trustP256Key, trustKeyHash, trustHwRev, trustBootloaderVersion, vendorMatches, classMatches,
} from "./trust";
import {
  OK, E_FLASH, E_NO_SIGNATURE, E_BAD_SIGNATURE, E_WRONG_KEY, E_WRONG_VENDOR, E_WRONG_CLASS, E_DOWNGRADE, E_HW_REVISION,
  E_BOOTLOADER_TOO_OLD, E_P256_NOT_LOADED,
} from "../common/status";

/**
 * The update role's one Ed25519 verifier, shared with the manifest check:
 * each check runs begin..finish within one call, so they never interleave,
 * and on Espruino a verifier's state is several hundred variables.
 */
export const updateVerifier: Ed25519Verifier = new Ed25519Verifier();
// Large enough for the longest DER signature (72 bytes; image.ts bounds the entry).
const provenanceBuffer: Uint8Array = new Uint8Array(72);
// The image digest a verified manifest binds (vouchedDigest[vouchedDigestAt..+32)),
// while the receiver checks the image it describes on a device whose trust
// lets the manifest vouch for it (trust flag bit 4); at -1 otherwise.
let vouchedDigest: Uint8Array = provenanceBuffer;
let vouchedDigestAt: i32 = -1;

/** The receiver's final check: the manifest and its image digest offset, or -1 after the check. */
export function vouchForImage(manifest: Uint8Array, at: i32): void {
  vouchedDigest = manifest;
  vouchedDigestAt = at;
}

/**
 * The image's protected hardware-revision and bootloader requirements (absent =
 * none). Checked with or without a key, as the manifest's copies are: they
 * protect the device from firmware it cannot run, whoever built it.
 */
function checkRequirements(): i32 {
  if (tlvHwRevSeen && (trustHwRev < tlvHwRevMin || trustHwRev > tlvHwRevMax)) return E_HW_REVISION;
  if (tlvMinBootloaderSeen && tlvMinBootloader > trustBootloaderVersion) return E_BOOTLOADER_TOO_OLD;
  return OK;
}

// imgtool convention: the Ed25519 signature covers the 32-byte image digest
// (the digest is the signed message).
function checkEd25519Signature(base: u32): i32 {
  if (flashRead(u32(base + u32(tlvSigAt)), provenanceBuffer, 0, 64) != OK) return E_FLASH;
  if (updateVerifier.begin(trustKey, 0, provenanceBuffer, 0) != 0) return E_BAD_SIGNATURE;
  updateVerifier.update(imgDigest, 0, 32);
  return updateVerifier.finish() ? OK : E_BAD_SIGNATURE;
}

// imgtool convention: ECDSA_SIG is the DER signature whose hash is the image
// digest itself (ECDSA over the image with SHA-256).
function checkEcdsaSignature(base: u32): i32 {
  const len: i32 = tlvEcdsaSigLen;
  if (flashRead(u32(base + u32(tlvEcdsaSigAt)), provenanceBuffer, 0, len) != OK) return E_FLASH;
  const bs: i32 = ecdsaP256BeginDer(trustP256Key, 0, provenanceBuffer, 0, len);
  if (bs == E_P256_NOT_LOADED) return bs;
  if (bs != 0) return E_BAD_SIGNATURE;
  return ecdsaP256VerifyDigest(imgDigest, 0) ? OK : E_BAD_SIGNATURE;
}

/** Checks beyond the digest, against what the device trusts and what it is (only the requirements without a key). */
export function checkProvenance(slot: i32): i32 {
  if (!trustHasKey) return checkRequirements();
  const base: u32 = slotAddr(slot);
  // Signed only for the other key type: signed by another key, whatever its hash says.
  if ((trustKeyIsP256 ? tlvEcdsaSigAt : tlvSigAt) < 0) return (trustKeyIsP256 ? tlvSigAt : tlvEcdsaSigAt) >= 0 ? E_WRONG_KEY : E_NO_SIGNATURE;
  if (tlvKeyHashAt >= 0) {
    if (flashRead(u32(base + u32(tlvKeyHashAt)), provenanceBuffer, 0, 32) != OK) return E_FLASH;
    if (!equalBytes(provenanceBuffer, 0, trustKeyHash, 0, 32)) return E_WRONG_KEY;
  }
  // The key hash above still names the trusted key; the signature math is
  // skipped only when the verified manifest, signed by that key, binds this digest.
  const vouched: bool = vouchedDigestAt >= 0 && equalBytes(imgDigest, 0, vouchedDigest, vouchedDigestAt, 32);
  const ss: i32 = vouched ? OK : trustKeyIsP256 ? checkEcdsaSignature(base) : checkEd25519Signature(base);
  if (ss != OK) return ss;
  // Vendor, class and security counter are trusted only from the protected area.
  if (tlvVendorAt >= 0) {
    if (flashRead(u32(base + u32(tlvVendorAt)), provenanceBuffer, 0, 16) != OK) return E_FLASH;
    if (!vendorMatches(provenanceBuffer, 0)) return E_WRONG_VENDOR;
  } else if (trustHasVendor) {
    return E_WRONG_VENDOR;
  }
  if (tlvClassAt >= 0) {
    if (flashRead(u32(base + u32(tlvClassAt)), provenanceBuffer, 0, 16) != OK) return E_FLASH;
    if (!classMatches(provenanceBuffer, 0)) return E_WRONG_CLASS;
  } else if (trustHasClass) {
    return E_WRONG_CLASS;
  }
  // The manifest's order: identity, then requirements, then the floor.
  const rs: i32 = checkRequirements();
  if (rs != OK) return rs;
  const counter: u32 = tlvSecCntSeen ? tlvSecCnt : 0;
  if (counter < ctlFloor) return E_DOWNGRADE;
  return OK;
}
