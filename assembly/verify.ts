// The single gate every boot, every install and every confirm goes through:
// is the image in this slot intact, and — once a key is provisioned — signed
// by that key, built for this device, and not older than the anti-rollback
// floor? See docs/threat-model.md for why each check exists.
import { verifyImageDigest, imgDigest, tlvSigAt, tlvKeyHashAt, tlvVendorAt, tlvClassAt, tlvSecCntSeen, tlvSecCnt } from "./image";
import { Ed25519Verifier } from "./ed25519";
import { flashRead } from "./flash";
import { slotAddr } from "./layout";
import { equalBytes } from "./bytes";
import { ctlFloor } from "./bootctl";
import { trustHasKey, trustHasVendor, trustHasClass, trustKey, trustKeyHash, vendorMatches, classMatches } from "./trust";
import {
  OK, E_FLASH, E_NO_SIGNATURE, E_BAD_SIGNATURE, E_WRONG_KEY, E_WRONG_VENDOR, E_WRONG_CLASS, E_DOWNGRADE,
} from "./status";

export const imageVerifier: Ed25519Verifier = new Ed25519Verifier();
const vfBuf: Uint8Array = new Uint8Array(64);

/** Checks beyond the digest, against what the device trusts (no-op without a key). */
function checkProvenance(slot: i32): i32 {
  if (!trustHasKey) return OK;
  const base: u32 = slotAddr(slot);
  if (tlvSigAt < 0) return E_NO_SIGNATURE;
  if (tlvKeyHashAt >= 0) {
    if (flashRead(u32(base + u32(tlvKeyHashAt)), vfBuf, 0, 32) != OK) return E_FLASH;
    if (!equalBytes(vfBuf, 0, trustKeyHash, 0, 32)) return E_WRONG_KEY;
  }
  // imgtool convention: the Ed25519 signature covers the 32-byte image digest.
  if (flashRead(u32(base + u32(tlvSigAt)), vfBuf, 0, 64) != OK) return E_FLASH;
  if (imageVerifier.begin(trustKey, 0, vfBuf, 0) != 0) return E_BAD_SIGNATURE;
  imageVerifier.update(imgDigest, 0, 32);
  if (!imageVerifier.finish()) return E_BAD_SIGNATURE;
  // Vendor, class and security counter are trusted only from the protected area.
  if (tlvVendorAt >= 0) {
    if (flashRead(u32(base + u32(tlvVendorAt)), vfBuf, 0, 16) != OK) return E_FLASH;
    if (!vendorMatches(vfBuf, 0)) return E_WRONG_VENDOR;
  } else if (trustHasVendor) {
    return E_WRONG_VENDOR;
  }
  if (tlvClassAt >= 0) {
    if (flashRead(u32(base + u32(tlvClassAt)), vfBuf, 0, 16) != OK) return E_FLASH;
    if (!classMatches(vfBuf, 0)) return E_WRONG_CLASS;
  } else if (trustHasClass) {
    return E_WRONG_CLASS;
  }
  const counter: u32 = tlvSecCntSeen ? tlvSecCnt : 0;
  if (counter < ctlFloor) return E_DOWNGRADE;
  return OK;
}

/** OK when the slot's image may boot (or be installed, or be confirmed). */
export function checkSlotImage(slot: i32): i32 {
  const ds: i32 = verifyImageDigest(slot);
  if (ds != OK) return ds;
  return checkProvenance(slot);
}

/** The security counter of the image last checked (0 when it has none). */
export function checkedSecurityCounter(): u32 {
  return tlvSecCntSeen ? tlvSecCnt : 0;
}
