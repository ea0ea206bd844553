// Delta patch container constants and the applier's status codes. The host
// differ (tools/delta/format.ts) writes the same numbers; docs/delta.md has
// the tables.

export const DELTA_HEADER_SIZE: i32 = 16;
export const DELTA_MAGIC0: u32 = 0x53; // "SBD1"
export const DELTA_MAGIC1: u32 = 0x42;
export const DELTA_MAGIC2: u32 = 0x44;
export const DELTA_MAGIC3: u32 = 0x31;
export const DELTA_CODEC_RC: i32 = 1;
export const DELTA_CODEC_HEATSHRINK: i32 = 2;
/** New-image bytes per block: every block restarts the coder, so block starts are resume points. */
export const DELTA_BLOCK_LOG: i32 = 16;
export const DELTA_BLOCK_SIZE: u32 = 65536;
/** Heatshrink parameters of codec 2. */
export const DELTA_HS_WINDOW_BITS: i32 = 8;
export const DELTA_HS_LOOKAHEAD_BITS: i32 = 7;
/** A block payload longer than this is corrupt (incompressible data stays far below). */
export const DELTA_MAX_PAYLOAD: u32 = 2 * 65536 + 4096;

// Status codes. 0 = ok; all errors are negative and sticky until begin().
/** Called before begin(), or resume() at a bad moment. */
export const DELTA_E_STATE: i32 = -50;
/** Offset/length outside the given buffer, or begin() sizes that overflow. */
export const DELTA_E_ARGUMENT: i32 = -51;
/** Patch header: bad magic, version, block size, or sizes different from begin(). */
export const DELTA_E_HEADER: i32 = -52;
/** Codec id unknown, or different from the one begin() was given. */
export const DELTA_E_CODEC: i32 = -53;
/** A copy reaches outside [oldAddr, oldAddr + oldSize). */
export const DELTA_E_OLD_RANGE: i32 = -54;
/** An operation would write past its block, hence past newSize. */
export const DELTA_E_NEW_RANGE: i32 = -55;
/** Undecodable block: bad lengths, payload too short or too long, empty operation. */
export const DELTA_E_CORRUPT: i32 = -56;
/** A block's output does not match its CRC-32. */
export const DELTA_E_CHECKSUM: i32 = -57;
/** finish(): the patch stopped before the new image was complete. */
export const DELTA_E_TRUNCATED: i32 = -58;
/** Bytes follow the last block. */
export const DELTA_E_TRAILING: i32 = -59;
/** hostRead() of the old image failed. */
export const DELTA_E_FLASH: i32 = -60;
/** resume(): the offsets are not a block boundary of this image. */
export const DELTA_E_RESUME: i32 = -61;
