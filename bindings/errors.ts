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
  [-14]: { code: "DIGEST_MISMATCH", message: "the image's SHA-256 does not match its contents; the file is corrupt, download it again" },
  [-15]: { code: "EMPTY_SLOT", message: "the slot holds no image" },
  [-20]: { code: "NOT_OPEN", message: "no update is open; call open() first" },
  [-21]: { code: "OVERFLOW", message: "more bytes were written than the update declared" },
  [-22]: { code: "TRUNCATED", message: "the update ended before all declared bytes arrived; send the rest and complete again" },
  [-23]: { code: "TRIAL_IN_PROGRESS", message: "an image is on trial; confirm or reject it before installing another" },
  [-24]: { code: "BAD_ARGUMENT", message: "an argument is out of range" },
  [-30]: { code: "NOT_IN_TRIAL", message: "no image is on trial (boot the new image first)" },
  [-31]: { code: "NO_STATE", message: "the device has no boot-control state yet; create or provision it first" },
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
