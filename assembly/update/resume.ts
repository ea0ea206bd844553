// The resume log: where an interrupted download picks up again. One 128-byte
// record (docs/formats.md "Resume record") per image sector completed; the
// newest record for the same manifest and target slot wins.
//
// Resuming is only an optimisation, so everything here is best-effort: a log
// that cannot be read, written or erased means "start over", never a refused
// update. What makes that safe is the record's slot check: a checksum of the
// image bytes the record vouches for, compared with the slot before resuming.
// A record the log could not forget (a void record that failed to program)
// therefore cannot send a download back into data that has since been
// overwritten: the slot no longer matches it.
import { callBuffer } from "../common/call-buffer";
import { RecordLog } from "../common/recordlog";
import { getU32, putU32, fillBytes, copyBytes, equalBytes } from "../common/bytes";
import { flashRead } from "../common/flash";
import { SLOT_CHECK_PAGE, slotCheckFold } from "./slotwrite";
import { resumeAddr, resumeSectorCount, sectorSize, layoutGeneration, slotAddr } from "../common/layout";
import { OK, E_FLASH } from "../common/status";

export const RESUME_RECORD_SIZE: i32 = 128;
const resumeLog: RecordLog = new RecordLog();
const rsBuf: Uint8Array = new Uint8Array(RESUME_RECORD_SIZE);

// The record found by resumeFind().
export let rsBlock: u32 = 0;
export let rsDataOffset: u32 = 0;
export let rsImageBytes: u32 = 0;
export let rsCodecPatch: u32 = 0;
export let rsCodecOut: u32 = 0;
export const rsExpect: Uint8Array = new Uint8Array(32);
let rsSlotCheck: u32 = 0;

const RS_MAGIC_SBRS: u32 = 0x53524253; // bytes "SBRS"
/** Byte 41 of a record that carries the slot check (older records have 0xFF there and are not resumed). */
const RS_FLAGS_AT: i32 = 41;
const RS_HAS_SLOT_CHECK: u8 = 1;
const RS_SLOT_CHECK_AT: i32 = 96;
// The slot check of the matched record's bytes, read back by resumeSlotMatches().
export let rsCheckRead: u32 = 0;
// A page and the check's prefix before it, read through the shared call buffer.
const rsCheckBuf: Uint8Array = callBuffer;

// The boot role configures the layout and knows nothing of this log, so the
// log follows the layout itself: once per configureLayout().
let resumeGeneration: u32 = 0;

function resumeConfigure(): void {
  if (resumeGeneration == layoutGeneration) return;
  resumeLog.configure(resumeAddr, resumeSectorCount, sectorSize, RESUME_RECORD_SIZE, RS_MAGIC_SBRS, 1, -1);
  resumeGeneration = layoutGeneration;
}

export function resumeEnabled(): bool {
  return resumeSectorCount >= 2;
}

export function resumeEraseCount(): u32 {
  resumeConfigure();
  return resumeLog.erases;
}

/**
 * 1 when a record for this manifest and slot exists (fields loaded), else 0 —
 * also when the log cannot be read: the download then starts over.
 */
export function resumeFind(manifestDigest: Uint8Array, slot: i32): i32 {
  if (!resumeEnabled()) return 0;
  resumeConfigure();
  if (resumeLog.load() != OK) return 0;
  if (!resumeLog.found) return 0;
  const r: Uint8Array = resumeLog.newest;
  if (!equalBytes(r, 8, manifestDigest, 0, 32) || i32(r[40]) != slot) return 0;
  if (r[RS_FLAGS_AT] != RS_HAS_SLOT_CHECK) return 0;
  rsBlock = getU32(r, 44);
  rsDataOffset = getU32(r, 48);
  rsImageBytes = getU32(r, 52);
  for (let i: i32 = 0; i < 32; i++) rsExpect[i] = r[56 + i];
  rsCodecPatch = getU32(r, 88);
  rsCodecOut = getU32(r, 92);
  rsSlotCheck = getU32(r, RS_SLOT_CHECK_AT);
  return 1;
}

/**
 * After resumeFind(): do the slot's first rsImageBytes still hold what the
 * record vouches for? Reads them back (it is what flash holds that a resume
 * relies on); on true rsCheckRead is their check, for the writer to go on from.
 */
export function resumeSlotMatches(slot: i32): bool {
  if (rsImageBytes % u32(SLOT_CHECK_PAGE) != 0) return false;
  const base: u32 = slotAddr(slot);
  let check: u32 = 0;
  for (let at: u32 = 0; at < rsImageBytes; at = u32(at + u32(SLOT_CHECK_PAGE))) {
    if (flashRead(u32(base + at), rsCheckBuf, 4, SLOT_CHECK_PAGE) != OK) return false;
    check = slotCheckFold(check, rsCheckBuf, 0);
  }
  rsCheckRead = check;
  return check == rsSlotCheck;
}

/**
 * Before a fresh download or an image install overwrites the target slot:
 * append a void record (zero manifest digest) unless the newest record is
 * already void, so no older record points into data about to be replaced.
 * Best-effort: when the log fails, the slot check still keeps an old record
 * from being used, so this always returns OK.
 */
export function resumeForget(): i32 {
  if (!resumeEnabled()) return OK;
  resumeConfigure();
  if (resumeLog.load() != OK) return OK;
  if (!resumeLog.found) return OK;
  let isVoid: bool = true;
  for (let i: i32 = 8; i < 40; i++) if (resumeLog.newest[i] != 0) isVoid = false;
  if (isVoid) return OK;
  fillBytes(rsBuf, 0, RESUME_RECORD_SIZE, 0xff);
  for (let i: i32 = 8; i < 40; i++) rsBuf[i] = 0;
  resumeLog.append(rsBuf);
  return OK;
}

/**
 * Persist a resume point; `imageBytes` of the slot are on flash and final,
 * and `slotCheck` is their slot check (update/slotwrite.ts). Returns OK or
 * the failure (the caller carries on without resume points).
 */
export function resumeSave(
  manifestDigest: Uint8Array, slot: i32, block: u32, dataOffset: u32, imageBytes: u32,
  expect: Uint8Array, codecPatch: u32, codecOut: u32, slotCheck: u32,
): i32 {
  if (!resumeEnabled()) return OK;
  if (imageBytes % u32(SLOT_CHECK_PAGE) != 0) return E_FLASH;
  fillBytes(rsBuf, 0, RESUME_RECORD_SIZE, 0xff);
  copyBytes(rsBuf, 8, manifestDigest, 0, 32);
  rsBuf[40] = u8(slot);
  rsBuf[RS_FLAGS_AT] = RS_HAS_SLOT_CHECK;
  putU32(rsBuf, 44, block);
  putU32(rsBuf, 48, dataOffset);
  putU32(rsBuf, 52, imageBytes);
  copyBytes(rsBuf, 56, expect, 0, 32);
  putU32(rsBuf, 88, codecPatch);
  putU32(rsBuf, 92, codecOut);
  putU32(rsBuf, RS_SLOT_CHECK_AT, slotCheck);
  resumeConfigure();
  return resumeLog.append(rsBuf);
}
