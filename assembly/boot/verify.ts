// The single gate every boot, every install and every confirm goes through:
// is the image in this slot intact, and — once a key is provisioned — signed
// by that key, built for this device, and not older than the anti-rollback
// floor? See docs/threat-model.md for why each check exists.
//
// The boot role holds only the integrity half (digest); the provenance half
// (signature, vendor, class, floor) needs the public-key code, which lives in
// the update role and registers itself here with useProvenanceCheck(). That
// keeps the boot module small enough to run at every power-up on a board.
import { verifyImageDigest, parseImage, tlvShaAt, tlvSecCntSeen, tlvSecCnt } from "./image";
import { OK, E_NO_DIGEST, E_NO_SIGNATURE } from "../common/status";

/** Digest and signature at every boot (the default where the signature code is loaded). */
export const CHECK_EVERY_BOOT: i32 = 0;
/**
 * Verified once: the update role checks digest and signature before it
 * records an image pending; the first boot and every trial boot hash the
 * image again; a confirmed image is then booted after a header and TLV check
 * only, and hashed again after a watchdog or crash reset. docs/design.md
 * "Boot check modes" states the cost and the threat this accepts.
 */
export const CHECK_ONCE: i32 = 1;

let checkMode: i32 = CHECK_EVERY_BOOT;
/** Set when a public key is provisioned: an image must then prove where it came from. */
let provenanceRequired: bool = false;
let provenanceLoaded: bool = false;
let provenanceCheck: (slot: i32) => i32 = noProvenanceCheck;

function noProvenanceCheck(slot: i32): i32 {
  return OK;
}

/** The update role plugs in its signature, vendor, class and floor checks. */
export function useProvenanceCheck(check: (slot: i32) => i32): void {
  provenanceCheck = check;
  provenanceLoaded = true;
}

export function requireProvenance(on: bool): void {
  provenanceRequired = on;
}

export function setCheckMode(mode: i32): void {
  checkMode = mode == CHECK_ONCE ? CHECK_ONCE : CHECK_EVERY_BOOT;
}

export function currentCheckMode(): i32 {
  return checkMode;
}

/** Digest and provenance: what an install, a confirm or a factory adoption needs. */
export function checkSlotImage(slot: i32): i32 {
  const ds: i32 = verifyImageDigest(slot);
  if (ds != OK) return ds;
  if (!provenanceLoaded) return provenanceRequired ? E_NO_SIGNATURE : OK;
  return provenanceCheck(slot);
}

/**
 * The check a boot makes of an image the log already records as verified.
 * `thorough` asks for the digest even in CHECK_ONCE mode (first and trial
 * boots, and after a watchdog or crash reset).
 */
export function checkRecordedImage(slot: i32, thorough: bool): i32 {
  if (checkMode == CHECK_EVERY_BOOT) return checkSlotImage(slot);
  if (thorough) return verifyImageDigest(slot);
  const ps: i32 = parseImage(slot);
  if (ps != OK) return ps;
  return tlvShaAt < 0 ? E_NO_DIGEST : OK;
}

/** The security counter of the image last checked (0 when it has none). */
export function checkedSecurityCounter(): u32 {
  return tlvSecCntSeen ? tlvSecCnt : 0;
}
