// The one table of status codes. Every status number the core can return is
// listed here once: its stable string code, the core constant that returns it,
// a message saying what happened and what to do, and any older names that stay
// accepted (aliases) for one release. bindings/errors.ts, bindings/delta.ts,
// bindings/heatshrink.ts and bindings/ed25519.ts read their codes from it;
// test/status-table.test.ts checks it against the core's constants (assembly/),
// the CLI's codes and docs/status-codes.md, which is rendered from this table
// (regenerate it: `npx tsc -p . && node scripts/status-codes-doc.mjs`).
//
// Scopes: "core" statuses travel across the update/boot ABI (statusInfo,
// SlotbootError); "ed25519" statuses are only returned by ed25519VerifyBegin()
// and reuse numbers -50..-53, so numbers are unique within a scope.

export type StatusScope = "core" | "ed25519";

export interface StatusEntry {
  readonly status: number;
  readonly scope: StatusScope;
  /** The stable code the bindings and the CLI report. */
  readonly code: string;
  /** The constant in assembly/ that holds this number (the explicit name mapping). */
  readonly core: string;
  /** What happened, then what to do. */
  readonly message: string;
  /** Older names of this status, still accepted by statusMatches()/statusesNamed() for one release. */
  readonly aliases?: readonly string[];
}

const HS_ALIAS = ["HEATSHRINK_ERROR"] as const;

export const STATUS_TABLE: readonly StatusEntry[] = [
  { status: -1, scope: "core", core: "E_FLASH", code: "FLASH_FAULT", message: "a flash operation failed; check the flash driver and the part, then retry" },
  { status: -2, scope: "core", core: "E_CONFIG", code: "BAD_LAYOUT", message: "the flash layout is invalid (alignment, overlap or limits); fix the device configuration" },
  { status: -3, scope: "core", core: "E_CTL_WRITE", code: "CONTROL_WRITE_FAILED", message: "the boot-control record could not be written and read back; the flash may be worn out" },
  { status: -10, scope: "core", core: "E_IMAGE_TOO_LARGE", code: "IMAGE_TOO_LARGE", message: "the image is larger than a slot; build a smaller image or use a device with larger slots" },
  { status: -11, scope: "core", core: "E_BAD_HEADER", code: "BAD_HEADER", message: "not an MCUboot image (bad magic or sizes in the header); pass an image made by `slotboot image create`" },
  { status: -12, scope: "core", core: "E_BAD_TLV", code: "BAD_TLV", message: "the image's TLV area is malformed; rebuild the image" },
  { status: -13, scope: "core", core: "E_NO_DIGEST", code: "NO_DIGEST", message: "the image has no SHA-256 TLV; rebuild it with `slotboot image create`" },
  { status: -14, scope: "core", core: "E_DIGEST_MISMATCH", code: "DIGEST_MISMATCH", message: "the image's SHA-256 does not match its contents (a corrupt file, or flash that changed under it); fetch it again: the next attempt starts from the beginning" },
  { status: -15, scope: "core", core: "E_EMPTY_SLOT", code: "EMPTY_SLOT", message: "the slot holds no image" },
  { status: -16, scope: "core", core: "E_NO_SIGNATURE", code: "NO_SIGNATURE", message: "the image carries no signature of the device's key type (Ed25519 or ECDSA P-256) but this device accepts only signed images; sign it (`slotboot image create --key …`)" },
  { status: -17, scope: "core", core: "E_BAD_SIGNATURE", code: "BAD_SIGNATURE", message: "the image's signature does not verify with the device's key; it was altered or signed by someone else" },
  { status: -18, scope: "core", core: "E_WRONG_KEY", code: "WRONG_KEY", message: "the image was signed with a key this device does not trust (KEYHASH mismatch, or only a signature of the other key type)" },
  { status: -19, scope: "core", core: "E_DOWNGRADE", code: "DOWNGRADE", message: "the security counter is below the device's anti-rollback floor; build the update with a counter at least as high as the running image's" },
  { status: -20, scope: "core", core: "E_NOT_OPEN", code: "NOT_OPEN", message: "no update is open; call open() first" },
  { status: -21, scope: "core", core: "E_OVERFLOW", code: "OVERFLOW", message: "more bytes were written than the update declared" },
  { status: -22, scope: "core", core: "E_TRUNCATED", code: "TRUNCATED", message: "the update ended before all declared bytes arrived; send the rest and complete again" },
  { status: -23, scope: "core", core: "E_TRIAL_IN_PROGRESS", code: "TRIAL_IN_PROGRESS", message: "an image is on trial; confirm or reject it before installing another" },
  { status: -24, scope: "core", core: "E_BAD_ARGUMENT", code: "BAD_ARGUMENT", message: "an argument is out of range" },
  { status: -30, scope: "core", core: "E_NOT_IN_TRIAL", code: "NOT_IN_TRIAL", message: "no image is on trial (boot the new image first)" },
  { status: -31, scope: "core", core: "E_NO_STATE", code: "NO_STATE", message: "the device has no boot-control state yet; create or provision it first" },
  { status: -32, scope: "core", core: "E_PROVISIONED", code: "ALREADY_PROVISIONED", message: "the device already has a boot history: factory adoption would start it again from the first valid slot, possibly an older image; to re-provision, erase the boot-control area first" },
  // Heatshrink decoder (assembly/codecs/heatshrink.ts). The device used to report all five as HEATSHRINK_ERROR.
  { status: -40, scope: "core", core: "HS_E_PARAMS", code: "HS_BAD_PARAMS", aliases: HS_ALIAS, message: "the heatshrink window/lookahead bits are not supported by the core decoder; rebuild the package with the codec's parameters" },
  { status: -41, scope: "core", core: "HS_E_NOT_RESET", code: "HS_NOT_RESET", aliases: HS_ALIAS, message: "the heatshrink decoder was used before a successful reset (a bug in the caller)" },
  { status: -42, scope: "core", core: "HS_E_REFERENCE", code: "HS_BAD_REFERENCE", aliases: HS_ALIAS, message: "the compressed stream has a back-reference before the start of the stream; the package is corrupt" },
  { status: -43, scope: "core", core: "HS_E_TRUNCATED", code: "HS_TRUNCATED", aliases: HS_ALIAS, message: "the compressed stream ends inside a token; the package is corrupt or cut short" },
  { status: -44, scope: "core", core: "HS_E_ARGUMENT", code: "HS_BAD_ARGUMENT", aliases: HS_ALIAS, message: "the heatshrink decoder got an offset or length outside the exchange buffer (a bug in the caller)" },
  // Delta applier (assembly/codecs/delta_format.ts).
  { status: -50, scope: "core", core: "DELTA_E_STATE", code: "DELTA_STATE", aliases: ["DELTA_BAD_STATE"], message: "the delta applier was used out of order (a bug in the caller)" },
  { status: -51, scope: "core", core: "DELTA_E_ARGUMENT", code: "DELTA_ARGUMENT", aliases: ["DELTA_BAD_ARGUMENT"], message: "the delta applier got an out-of-range argument" },
  { status: -52, scope: "core", core: "DELTA_E_HEADER", code: "DELTA_HEADER", aliases: ["DELTA_BAD_HEADER"], message: "the delta patch header is invalid or disagrees with the manifest; rebuild the package" },
  { status: -53, scope: "core", core: "DELTA_E_CODEC", code: "DELTA_CODEC", aliases: ["DELTA_BAD_CODEC"], message: "the delta patch uses a codec this device does not support" },
  { status: -54, scope: "core", core: "DELTA_E_OLD_RANGE", code: "DELTA_OLD_RANGE", message: "the delta patch reads outside the base image; the patch is corrupt or hostile" },
  { status: -55, scope: "core", core: "DELTA_E_NEW_RANGE", code: "DELTA_NEW_RANGE", message: "the delta patch writes past the end of the new image; the patch is corrupt or hostile" },
  { status: -56, scope: "core", core: "DELTA_E_CORRUPT", code: "DELTA_CORRUPT", message: "the delta patch cannot be decoded; the package is corrupt" },
  { status: -57, scope: "core", core: "DELTA_E_CHECKSUM", code: "DELTA_CHECKSUM", message: "a delta block rebuilt the wrong bytes; the base image or the patch is not the one expected" },
  { status: -58, scope: "core", core: "DELTA_E_TRUNCATED", code: "TRUNCATED", aliases: ["DELTA_TRUNCATED"], message: "the delta patch ended before the new image was complete; send the rest (the download resumes)" },
  { status: -59, scope: "core", core: "DELTA_E_TRAILING", code: "TRAILING_BYTES", aliases: ["DELTA_TRAILING"], message: "bytes follow the end of the delta patch; rebuild the package" },
  { status: -60, scope: "core", core: "DELTA_E_FLASH", code: "FLASH_FAULT", aliases: ["DELTA_FLASH"], message: "reading the base image from flash failed; check the flash driver and the part, then retry" },
  { status: -61, scope: "core", core: "DELTA_E_RESUME", code: "DELTA_RESUME", aliases: ["DELTA_BAD_RESUME"], message: "the resume point is not a block boundary of this patch; restart the download from the beginning" },
  // Update packages.
  { status: -69, scope: "core", core: "E_CODECS_NOT_LOADED", code: "CODECS_NOT_LOADED", message: "this package is compressed or a delta, and the update module has no codecs: give it the codecs module (useCodecs) or send a raw package" },
  { status: -70, scope: "core", core: "E_PKG_FORMAT", code: "BAD_MAGIC", message: "not a slotboot update package (bad magic, format version or manifest size); build it with `slotboot pack`" },
  { status: -71, scope: "core", core: "E_UNKNOWN_KEY", code: "UNKNOWN_KEY", message: "the package is signed with a key this device does not know; sign it with the device's key" },
  { status: -72, scope: "core", core: "E_PKG_SIGNATURE", code: "BAD_SIGNATURE", message: "the package's manifest signature does not verify; it was altered or signed by someone else" },
  { status: -73, scope: "core", core: "E_WRONG_VENDOR", code: "WRONG_VENDOR", message: "the update is for another vendor's devices" },
  { status: -74, scope: "core", core: "E_WRONG_CLASS", code: "WRONG_CLASS", message: "the update is for another class of device" },
  { status: -75, scope: "core", core: "E_HW_REVISION", code: "HW_REVISION", message: "the update does not support this hardware revision" },
  { status: -76, scope: "core", core: "E_BOOTLOADER_TOO_OLD", code: "BOOTLOADER_TOO_OLD", message: "the update needs a newer bootloader than this device has" },
  { status: -77, scope: "core", core: "E_PAYLOAD_SIZE", code: "PAYLOAD_SIZE", message: "the payload sizes in the manifest are inconsistent; rebuild the package" },
  { status: -78, scope: "core", core: "E_ENCODING", code: "UNSUPPORTED_ENCODING", message: "the payload encoding or codec is not supported by this device" },
  { status: -79, scope: "core", core: "E_BASE_MISMATCH", code: "DELTA_BASE_MISMATCH", message: "the delta update was made for a different base image than the one this device runs; send a full update or a delta from the running image" },
  { status: -80, scope: "core", core: "E_CHAIN_MISMATCH", code: "CHAIN_MISMATCH", message: "a payload block does not match its signed digest: corrupted in transit; fetch it again (the download resumes)" },
  { status: -81, scope: "core", core: "E_TRAILING", code: "TRAILING_BYTES", aliases: ["TRAILING_DATA"], message: "bytes follow the end of the package; send exactly the package" },
  { status: -82, scope: "core", core: "E_IMAGE_MISMATCH", code: "IMAGE_MISMATCH", message: "the rebuilt image does not match the manifest (size, version or security counter)" },
  { status: -83, scope: "core", core: "E_RX_STATE", code: "RECEIVER_STATE", message: "the receiver was used out of order: call begin() first" },
  { status: -84, scope: "core", core: "E_HOST_HASH", code: "HOST_HASH_FAILED", message: "the host's SHA-256 accepted a package block and then failed; fix the host's sha256Begin/Update/Finish, or leave hashing to the core (hashByHost off), and retry: the download resumes" },
  // Image rules shared by device and host tools (docs/formats.md "Image TLVs").
  { status: -91, scope: "core", core: "E_DUPLICATE_TLV", code: "DUPLICATE_TLV", message: "the image carries a security TLV (digest, signature, key hash, counter, vendor, class, hardware revision or bootloader) twice; readers could take different ones, so it is refused: rebuild the image" },
  { status: -92, scope: "core", core: "E_MISPLACED_TLV", code: "MISPLACED_TLV", message: "a security TLV sits in the wrong TLV area (counter, vendor, class, hardware revision and bootloader belong in the protected area; digest, signature and key hash outside it); rebuild the image" },
  { status: -93, scope: "core", core: "E_UNSUPPORTED_FLAGS", code: "UNSUPPORTED_FLAGS", message: "the image header sets flags this device does not implement (compression, RAM load, ROM-fixed, PIC or unknown); build the image without them" },
  { status: -94, scope: "core", core: "E_ENCRYPTED_IMAGE", code: "ENCRYPTED_IMAGE_UNSUPPORTED", message: "the image or package is encrypted (imgtool --encrypt, pack --encrypt) and this device holds no decryption key; provision its X25519 key (`sim create --enc-key`) or send the update unencrypted" },
  { status: -95, scope: "core", core: "E_NON_BOOTABLE", code: "NON_BOOTABLE_IMAGE", message: "the image is marked non-bootable (imgtool --non-bootable); a slot only takes images it can boot" },
  // ECDSA P-256 (-100..-109): p256VerifyBegin() (assembly/crypto/ecdsa-p256.ts) and the image rules for imgtool's other modes.
  { status: -100, scope: "core", core: "P256_BAD_KEY", code: "P256_BAD_KEY", message: "the ECDSA P-256 public key is not an uncompressed point on the curve; no signature can verify under it: check the key file" },
  { status: -101, scope: "core", core: "P256_BAD_SIGNATURE", code: "P256_BAD_SIGNATURE", message: "the ECDSA P-256 signature is not strict DER, or r or s is outside [1, n-1]; the signature is invalid" },
  { status: -102, scope: "core", core: "E_UNSUPPORTED_DIGEST", code: "UNSUPPORTED_DIGEST", message: "the image's digest is SHA-384 or SHA-512 (imgtool --sha 384/512), which this device does not check; sign it with the default --sha 256" },
  { status: -103, scope: "core", core: "E_UNSUPPORTED_SIGNATURE_MODE", code: "UNSUPPORTED_SIGNATURE_MODE", message: "the image is signed in pure mode (imgtool --pure: the signature covers the image, not its digest), which this device does not verify; sign it without --pure" },
  { status: -104, scope: "core", core: "E_P256_NOT_LOADED", code: "P256_NOT_LOADED", message: "the device trusts an ECDSA P-256 key and its update module has no P-256 code: give it the p256 module (useP256)" },
  // Encrypted images and packages (docs/formats.md "Encrypted images").
  { status: -110, scope: "core", core: "E_ENC_ZERO_SECRET", code: "ENC_ZERO_SHARED_SECRET", message: "the encryption entry's ephemeral public key is a small-order X25519 point (all-zero shared secret), so its keys would be public; refused: re-encrypt the image or package with a fresh key" },
  { status: -111, scope: "core", core: "E_ENC_KEY_MISSING", code: "ENC_KEY_ENTRY_MISSING", message: "the image is flagged encrypted but no ENC_X25519 key-wrap entry reached the device before the body (or the image has none: RSA, AES-KW and P-256 key wraps are not implemented); install it with `slotboot sim install`, which sends the entry first, or encrypt it for an X25519 key" },
  { status: -112, scope: "core", core: "E_ENC_TAG", code: "ENC_TAG_MISMATCH", message: "the encryption entry's HMAC tag does not verify with this device's decryption key: the image was encrypted for another key, or the entry was altered; encrypt it for this device's public key" },
  { status: -113, scope: "core", core: "E_ENC_SCHEME", code: "ENC_SCHEME_UNSUPPORTED", message: "the image's header sets both ENCRYPTED_AES128 and ENCRYPTED_AES256, which no encryption scheme makes; rebuild it (this device implements ECIES-X25519 with AES-128 or AES-256 in CTR mode)" },
  { status: -114, scope: "core", core: "E_ENC_WRONG_DEVICE", code: "ENC_WRONG_DEVICE", message: "the package is encrypted for another device (its recipient key ID is not this device's X25519 key); pack it with `--encrypt` and this device's public key" },
  { status: -115, scope: "core", core: "E_ENC_NOT_LOADED", code: "ENC_NOT_LOADED", message: "the update is encrypted and the update module has no decryption unit: give it the crypt module (useDecryption) or send an unencrypted update" },
  // ed25519VerifyBegin() only (assembly/crypto/ed25519.ts); the verifier then reports false.
  { status: -50, scope: "ed25519", core: "ED_BAD_KEY", code: "ED25519_BAD_KEY", message: "the public key is not a canonical encoding of a curve point; no signature can verify under it" },
  { status: -51, scope: "ed25519", core: "ED_SMALL_ORDER_KEY", code: "ED25519_SMALL_ORDER_KEY", message: "the public key is a small-order point, which is refused; use a real key" },
  { status: -52, scope: "ed25519", core: "ED_BAD_R", code: "ED25519_BAD_R", message: "the signature's R is not a canonical encoding of a curve point; the signature is invalid" },
  { status: -53, scope: "ed25519", core: "ED_BAD_S", code: "ED25519_BAD_S", message: "the signature's S is not below the group order; the signature is invalid" },
];

/**
 * Codes the CLI reports that are not core statuses: host-side file and usage
 * failures, and the host's own finer-grained `verify` checks.
 */
export const HOST_CODES: readonly string[] = [
  "USAGE", "FILE_NOT_FOUND", "FILE_EXISTS", "SAME_FILE", "OUTPUT_IS_SYMLINK", "NOT_A_REGULAR_FILE",
  "IS_A_DIRECTORY", "READ_ONLY", "PERMISSION_DENIED", "NO_SPACE", "IO_ERROR", "BAD_PATH",
  "TOO_MANY_OPEN_FILES", "FILE_BUSY", "INPUT_TOO_LARGE", "PACKAGE_TOO_LARGE", "BAD_DEVICE_FILE",
  "DEVICE_FILE_CORRUPT", "DEVICE_BUSY", "NO_BOOTABLE_IMAGE", "BAD_KEY", "WEAK_KEY", "INTERNAL",
  "POWER_CUT", "BAD_UUID", "VERSION_MISMATCH", "DELTA_NOT_FACTORY", "NOT_AN_IMAGE", "NOT_A_PACKAGE",
  "BAD_FORMAT", "BAD_ENCODING", "BASE_MISMATCH", "DECODE_FAILED",
  // tools/package.ts (PackageFormatError, reported by the CLI as is)
  "BAD_BLOCK_SIZE", "BAD_FIELD", "BAD_VERSION", "IMAGE_SIZE",
  // slotboot gateway (cli/gateway-cmd.ts, ota/gateway/device-keys.ts)
  "BAD_LINK_KEY", "GATEWAY_DEVICE_LIST",
];

const CORE: ReadonlyMap<number, StatusEntry> = new Map(
  STATUS_TABLE.filter((e) => e.scope === "core").map((e) => [e.status, e] as const),
);

/** The core-ABI entry for `status`, or undefined. */
export function statusEntry(status: number, scope: StatusScope = "core"): StatusEntry | undefined {
  return scope === "core" ? CORE.get(status) : STATUS_TABLE.find((e) => e.scope === scope && e.status === status);
}

/** The entries of one scope, keyed by core constant name, for the bindings' own tables. */
export function statusesOf(scope: StatusScope): readonly StatusEntry[] {
  return STATUS_TABLE.filter((e) => e.scope === scope);
}

/** Whether `name` is `code` or one of its accepted aliases (old names stay accepted for one release). */
export function statusMatches(code: string, name: string): boolean {
  if (code === name) return true;
  return STATUS_TABLE.some((e) => e.code === code && (e.aliases ?? []).includes(name));
}

/** Every core status number whose code or alias is `name`. */
export function statusesNamed(name: string, scope: StatusScope = "core"): number[] {
  return STATUS_TABLE.filter((e) => e.scope === scope && (e.code === name || (e.aliases ?? []).includes(name))).map((e) => e.status);
}

/**
 * The current code for `name`, which may be an old name: undefined if no status
 * has that name, or if it stood for statuses that now have different codes
 * (HEATSHRINK_ERROR).
 */
export function canonicalCode(name: string, scope: StatusScope = "core"): string | undefined {
  const codes = new Set(STATUS_TABLE.filter((e) => e.scope === scope && (e.code === name || (e.aliases ?? []).includes(name))).map((e) => e.code));
  return codes.size === 1 ? [...codes][0] : undefined;
}

const SCOPE_TITLES: Record<StatusScope, string> = {
  core: "Core statuses (update, boot and codec ABI; `SlotbootError.code`, CLI `error`/`code`)",
  ed25519: "`ed25519VerifyBegin()` results (the verifier then answers false)",
};

/** docs/status-codes.md, rendered from the table. */
export function renderStatusCodesDoc(): string {
  const cell = (s: string) => s.replace(/\|/g, "\\|");
  const lines = [
    "# Status codes",
    "",
    "<!-- Generated from bindings/status-table.ts by scripts/status-codes-doc.mjs; do not edit by hand.",
    "     Regenerate: npx tsc -p . && node scripts/status-codes-doc.mjs (test/status-table.test.ts checks it). -->",
    "",
    "Every status number the core returns, its stable code, the core constant, and what to do.",
    "Old names (aliases) are still accepted by `statusMatches()`, `statusesNamed()` and",
    "`canonicalCode()` (bindings/status-table.ts) for one release, then removed.",
  ];
  for (const scope of ["core", "ed25519"] as const) {
    lines.push("", `## ${SCOPE_TITLES[scope]}`, "", "| status | code | core constant | aliases (one release) | message |", "|---:|---|---|---|---|");
    for (const e of [...statusesOf(scope)].sort((a, b) => b.status - a.status)) {
      const aliases = (e.aliases ?? []).map((a) => "`" + a + "`").join(", ");
      lines.push(`| ${e.status} | \`${e.code}\` | \`${e.core}\` | ${aliases} | ${cell(e.message)} |`);
    }
  }
  lines.push("", "## Codes the CLI reports that are not core statuses", "", "See docs/cli.md for their meaning: " + HOST_CODES.map((c) => "`" + c + "`").join(", ") + ".", "");
  return lines.join("\n");
}
