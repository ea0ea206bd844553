// Every status the core can return, as a stable string code and a message that
// says what to do. Numbers mirror assembly/status.ts.

export interface StatusInfo {
  readonly code: string;
  readonly message: string;
}

const TABLE: Record<number, StatusInfo> = {
  [-1]: { code: "FLASH_FAULT", message: "a flash operation failed; check the flash driver and the part, then retry" },
  [-2]: { code: "BAD_LAYOUT", message: "the flash layout is invalid (alignment, overlap or limits); fix the device configuration" },
  [-3]: { code: "CONTROL_WRITE_FAILED", message: "the boot-control record could not be written and read back; the flash may be worn out" },
  [-10]: { code: "IMAGE_TOO_LARGE", message: "the image is larger than a slot; build a smaller image or use a device with larger slots" },
  [-11]: { code: "BAD_HEADER", message: "not an MCUboot image (bad magic or sizes in the header); pass an image made by `slotboot image create`" },
  [-12]: { code: "BAD_TLV", message: "the image's TLV area is malformed; rebuild the image" },
  [-13]: { code: "NO_DIGEST", message: "the image has no SHA-256 TLV; rebuild it with `slotboot image create`" },
  [-14]: { code: "DIGEST_MISMATCH", message: "the image's SHA-256 does not match its contents (a corrupt file, or flash that changed under it); fetch it again: the next attempt starts from the beginning" },
  [-15]: { code: "EMPTY_SLOT", message: "the slot holds no image" },
  [-16]: { code: "NO_SIGNATURE", message: "the image carries no Ed25519 signature but this device accepts only signed images; sign it (`slotboot image create --key …`)" },
  [-17]: { code: "BAD_SIGNATURE", message: "the image's signature does not verify with the device's key; it was altered or signed by someone else" },
  [-18]: { code: "WRONG_KEY", message: "the image was signed with a key this device does not trust (KEYHASH mismatch)" },
  [-19]: { code: "DOWNGRADE", message: "the security counter is below the device's anti-rollback floor; build the update with a counter at least as high as the running image's" },
  [-20]: { code: "NOT_OPEN", message: "no update is open; call open() first" },
  [-21]: { code: "OVERFLOW", message: "more bytes were written than the update declared" },
  [-22]: { code: "TRUNCATED", message: "the update ended before all declared bytes arrived; send the rest and complete again" },
  [-23]: { code: "TRIAL_IN_PROGRESS", message: "an image is on trial; confirm or reject it before installing another" },
  [-24]: { code: "BAD_ARGUMENT", message: "an argument is out of range" },
  [-30]: { code: "NOT_IN_TRIAL", message: "no image is on trial (boot the new image first)" },
  [-31]: { code: "NO_STATE", message: "the device has no boot-control state yet; create or provision it first" },
  [-40]: { code: "HEATSHRINK_ERROR", message: "the compressed stream is malformed; the package is corrupt" },
  [-41]: { code: "HEATSHRINK_ERROR", message: "the compressed stream is malformed; the package is corrupt" },
  [-42]: { code: "HEATSHRINK_ERROR", message: "the compressed stream is malformed; the package is corrupt" },
  [-43]: { code: "HEATSHRINK_ERROR", message: "the compressed stream is malformed; the package is corrupt" },
  [-44]: { code: "HEATSHRINK_ERROR", message: "the compressed stream is malformed; the package is corrupt" },
  [-50]: { code: "DELTA_STATE", message: "the delta applier was used out of order (a bug in the caller)" },
  [-51]: { code: "DELTA_ARGUMENT", message: "the delta applier got an out-of-range argument" },
  [-52]: { code: "DELTA_HEADER", message: "the delta patch header is invalid or disagrees with the manifest; rebuild the package" },
  [-53]: { code: "DELTA_CODEC", message: "the delta patch uses a codec this device does not support" },
  [-54]: { code: "DELTA_OLD_RANGE", message: "the delta patch reads outside the base image; the patch is corrupt or hostile" },
  [-55]: { code: "DELTA_NEW_RANGE", message: "the delta patch writes past the end of the new image; the patch is corrupt or hostile" },
  [-56]: { code: "DELTA_CORRUPT", message: "the delta patch cannot be decoded; the package is corrupt" },
  [-57]: { code: "DELTA_CHECKSUM", message: "a delta block rebuilt the wrong bytes; the base image or the patch is not the one expected" },
  [-58]: { code: "TRUNCATED", message: "the delta patch ended before the new image was complete" },
  [-59]: { code: "TRAILING_BYTES", message: "bytes follow the end of the delta patch" },
  [-60]: { code: "FLASH_FAULT", message: "reading the base image from flash failed" },
  [-61]: { code: "DELTA_RESUME", message: "the resume point is not a block boundary of this patch" },
  [-70]: { code: "BAD_MAGIC", message: "not a slotboot update package (bad magic, format version or manifest size); build it with `slotboot pack`" },
  [-71]: { code: "UNKNOWN_KEY", message: "the package is signed with a key this device does not know; sign it with the device's key" },
  [-72]: { code: "BAD_SIGNATURE", message: "the package's manifest signature does not verify; it was altered or signed by someone else" },
  [-73]: { code: "WRONG_VENDOR", message: "the update is for another vendor's devices" },
  [-74]: { code: "WRONG_CLASS", message: "the update is for another class of device" },
  [-75]: { code: "HW_REVISION", message: "the update does not support this hardware revision" },
  [-76]: { code: "BOOTLOADER_TOO_OLD", message: "the update needs a newer bootloader than this device has" },
  [-77]: { code: "PAYLOAD_SIZE", message: "the payload sizes in the manifest are inconsistent; rebuild the package" },
  [-78]: { code: "UNSUPPORTED_ENCODING", message: "the payload encoding or codec is not supported by this device" },
  [-79]: { code: "DELTA_BASE_MISMATCH", message: "the delta update was made for a different base image than the one this device runs; send a full update or a delta from the running image" },
  [-80]: { code: "CHAIN_MISMATCH", message: "a payload block does not match its signed digest: corrupted in transit; fetch it again (the download resumes)" },
  [-81]: { code: "TRAILING_BYTES", message: "bytes follow the end of the package; send exactly the package" },
  [-82]: { code: "IMAGE_MISMATCH", message: "the rebuilt image does not match the manifest (size, version or security counter)" },
  [-83]: { code: "RECEIVER_STATE", message: "the receiver was used out of order: call begin() first" },
  [-91]: { code: "DUPLICATE_TLV", message: "the image carries a security TLV (digest, signature, key hash, counter, vendor, class, hardware revision or bootloader) twice; readers could take different ones, so it is refused: rebuild the image" },
  [-92]: { code: "MISPLACED_TLV", message: "a security TLV sits in the wrong TLV area (counter, vendor, class, hardware revision and bootloader belong in the protected area; digest, signature and key hash outside it); rebuild the image" },
  [-93]: { code: "UNSUPPORTED_FLAGS", message: "the image header sets flags this device does not implement (compression, RAM load, ROM-fixed, PIC or unknown); build the image without them" },
  [-94]: { code: "ENCRYPTED_IMAGE_UNSUPPORTED", message: "the image is encrypted (imgtool --encrypt) and this device does not decrypt images; build it without encryption (the update package's transport is signed, not secret)" },
  [-95]: { code: "NON_BOOTABLE_IMAGE", message: "the image is marked non-bootable (imgtool --non-bootable); a slot only takes images it can boot" },
  [-69]: { code: "CODECS_NOT_LOADED", message: "this package is compressed or a delta, and the update module has no codecs: give it the codecs module (useCodecs) or send a raw package" },
};

export function statusInfo(status: number): StatusInfo {
  return TABLE[status] ?? { code: "UNKNOWN_" + status, message: `the core returned unknown status ${status}` };
}

/** A typed error carrying the core's stable code. */
export class SlotbootError extends Error {
  readonly code: string;
  readonly status: number;
  constructor(status: number, detail?: string) {
    const info = statusInfo(status);
    super(detail ? `${info.message} (${detail})` : info.message);
    this.name = "SlotbootError";
    this.code = info.code;
    this.status = status;
  }
}

/** Throw a SlotbootError for a negative status; return non-negative ones. */
export function check(status: number, detail?: string): number {
  if (status < 0) throw new SlotbootError(status, detail);
  return status;
}
