// Status codes returned across the core ABI. 0 is success, positive values are
// informative successes, negative values are errors. The numbers are stable:
// the bindings map each to a string code and a message (bindings/errors.ts).

export const OK: i32 = 0;
/** Success, but nothing had to change (e.g. confirm on a confirmed image). */
export const OK_NOTHING_TO_DO: i32 = 1;

// Flash and configuration
export const E_FLASH: i32 = -1;
export const E_CONFIG: i32 = -2;
export const E_CTL_WRITE: i32 = -3;

// Image format and integrity
export const E_IMAGE_TOO_LARGE: i32 = -10;
export const E_BAD_HEADER: i32 = -11;
export const E_BAD_TLV: i32 = -12;
export const E_NO_DIGEST: i32 = -13;
export const E_DIGEST_MISMATCH: i32 = -14;
export const E_EMPTY_SLOT: i32 = -15;
export const E_NO_SIGNATURE: i32 = -16;
export const E_BAD_SIGNATURE: i32 = -17;
export const E_WRONG_KEY: i32 = -18;
export const E_DOWNGRADE: i32 = -19;

// Update writer
export const E_NOT_OPEN: i32 = -20;
export const E_OVERFLOW: i32 = -21;
export const E_TRUNCATED: i32 = -22;
export const E_TRIAL_IN_PROGRESS: i32 = -23;
export const E_BAD_ARGUMENT: i32 = -24;

// Device-side state changes
export const E_NOT_IN_TRIAL: i32 = -30;
export const E_NO_STATE: i32 = -31;
export const E_PROVISIONED: i32 = -32;

// Update packages (-40..-44 are the heatshrink decoder's, -50..-61 the delta applier's)
export const E_PKG_FORMAT: i32 = -70;
export const E_UNKNOWN_KEY: i32 = -71;
export const E_PKG_SIGNATURE: i32 = -72;
export const E_WRONG_VENDOR: i32 = -73;
export const E_WRONG_CLASS: i32 = -74;
export const E_HW_REVISION: i32 = -75;
export const E_BOOTLOADER_TOO_OLD: i32 = -76;
export const E_PAYLOAD_SIZE: i32 = -77;
export const E_ENCODING: i32 = -78;
export const E_BASE_MISMATCH: i32 = -79;
export const E_CHAIN_MISMATCH: i32 = -80;
export const E_TRAILING: i32 = -81;
export const E_IMAGE_MISMATCH: i32 = -82;
export const E_RX_STATE: i32 = -83;
/** The host's SHA-256 took a package block and then failed to hash it. */
export const E_HOST_HASH: i32 = -84;

// Image rules shared by device and host tools (docs/formats.md "Image TLVs")
export const E_DUPLICATE_TLV: i32 = -91;
export const E_MISPLACED_TLV: i32 = -92;
export const E_UNSUPPORTED_FLAGS: i32 = -93;
export const E_ENCRYPTED_IMAGE: i32 = -94;
export const E_NON_BOOTABLE: i32 = -95;
/** A compressed or delta package reached an update module whose codecs are not loaded. */
export const E_CODECS_NOT_LOADED: i32 = -69;

// Image modes imgtool emits that this device refuses, each with its own code
// (-100..-109 is the ECDSA work's range; -100/-101 are in crypto/ecdsa-p256.ts).
export const E_UNSUPPORTED_DIGEST: i32 = -102;
export const E_UNSUPPORTED_SIGNATURE_MODE: i32 = -103;
/** The device trusts a P-256 key and the update module has no P-256 module (JS builds: useP256). */
export const E_P256_NOT_LOADED: i32 = -104;
// Encrypted images and packages (docs/formats.md "Encrypted images"; -94 above
// is the device without a decryption key)
/** The ephemeral public key gives the all-zero X25519 shared secret (a small-order point). */
export const E_ENC_ZERO_SECRET: i32 = -110;
/** The image is flagged encrypted but its key-wrap entry (ENC_X25519) was not there before the body. */
export const E_ENC_KEY_MISSING: i32 = -111;
/** The key-wrap entry's HMAC tag does not verify: encrypted for another key, or altered. */
export const E_ENC_TAG: i32 = -112;
/** Both AES flags in one header: no encryption scheme makes that. */
export const E_ENC_SCHEME: i32 = -113;
/** The package is encrypted for another device (its recipient ID is not this device's key). */
export const E_ENC_WRONG_DEVICE: i32 = -114;
/** The payload is encrypted and the update module has no decryption unit loaded. */
export const E_ENC_NOT_LOADED: i32 = -115;
