// Image checks for the host tools: the host puts an image in a slot of an
// in-memory flash and asks these, so `verify`, `inspect` and `pack` judge an
// image by the device's own code (bindings/image-check.ts), never by a copy
// of its rules. Nothing here is needed on a device.
import { ioBuf } from "../common/buffers";
import { flashRead } from "../common/flash";
import { slotAddr } from "../common/layout";
import {
  checkHeader, parseImage, imgDigest, imgHeaderSize, imgBodySize, imgProtSize, tlvShaAt, tlvSigAt, tlvEcdsaSigAt, tlvKeyHashAt, tlvVendorAt,
  tlvClassAt, tlvSecCntSeen, tlvSecCnt, tlvHwRevSeen, tlvHwRevMin, tlvHwRevMax, tlvMinBootloaderSeen, tlvMinBootloader,
  IMAGE_HEADER_SIZE,
} from "../boot/image";
import { checkSlotImage } from "../boot/verify";
import { OK, E_FLASH, E_BAD_HEADER, E_BAD_ARGUMENT } from "../common/status";

const checkedHeader: Uint8Array = new Uint8Array(32);

/**
 * The header against the image's own length, as the update writer checks it
 * from the first 32 bytes of an install of `size` bytes, before anything else.
 */
function checkHeaderOfSize(slot: i32, size: u32): i32 {
  if (slot != 0 && slot != 1) return E_BAD_ARGUMENT;
  if (size < u32(IMAGE_HEADER_SIZE)) return E_BAD_HEADER;
  if (flashRead(slotAddr(slot), checkedHeader, 0, IMAGE_HEADER_SIZE) != OK) return E_FLASH;
  // As delivered, to a device without a decryption key: the host has none.
  return checkHeader(checkedHeader, 0, size, false);
}

/** Header and TLV rules only (no hashing): what the image* getters below report. */
export function imageParse(slot: i32, size: u32): i32 {
  const hs: i32 = checkHeaderOfSize(slot, size);
  if (hs != OK) return hs;
  return parseImage(slot);
}

/**
 * Everything an install of this `size`-byte image checks before it marks the
 * slot pending: the header, the TLV rules, the digest and, once trustConfigure
 * has run, provenance and requirements.
 */
export function imageCheck(slot: i32, size: u32): i32 {
  const hs: i32 = checkHeaderOfSize(slot, size);
  if (hs != OK) return hs;
  return checkSlotImage(slot);
}

/** Copy the digest the last check computed to ioBuf[0..32). */
export function imageComputedDigest(): void {
  for (let i: i32 = 0; i < 32; i++) ioBuf[i] = imgDigest[i];
}
export function imageHeaderSize(): u32 { return imgHeaderSize; }
export function imageBodySize(): u32 { return imgBodySize; }
export function imageProtectedSize(): u32 { return imgProtSize; }
/** Slot offsets of the TLV values the device reads; -1 when absent. */
export function imageShaAt(): i32 { return tlvShaAt; }
/** The Ed25519 signature's offset, else the ECDSA one's (-1: unsigned). */
export function imageSignatureAt(): i32 { return tlvSigAt >= 0 ? tlvSigAt : tlvEcdsaSigAt; }
export function imageKeyHashAt(): i32 { return tlvKeyHashAt; }
export function imageVendorAt(): i32 { return tlvVendorAt; }
export function imageClassAt(): i32 { return tlvClassAt; }
export function imageHasSecurityCounter(): bool { return tlvSecCntSeen; }
export function imageSecurityCounter(): u32 { return tlvSecCnt; }
export function imageHasHwRevision(): bool { return tlvHwRevSeen; }
export function imageHwRevisionMin(): u32 { return tlvHwRevMin; }
export function imageHwRevisionMax(): u32 { return tlvHwRevMax; }
export function imageHasMinBootloader(): bool { return tlvMinBootloaderSeen; }
export function imageMinBootloader(): u32 { return tlvMinBootloader; }
