// Sequential programming of one slot, in whole 256-byte pages at page
// offsets: erase each sector just before the first byte lands in it, program
// runs of whole pages straight from the caller's buffer, keep a partial page
// in RAM until it fills (or until flush pads it to a whole write unit).
//
// While it programs, it keeps the slot check of the resume log (docs/formats.md
// "Resume record") over every page it has programmed: c = 0, then for each
// page in order c = CRC-32(c as 4 little-endian bytes ‖ page). A resume record
// carries it, and a resumed download compares it with the slot read back
// (update/resume.ts, through slotCheckFold, the one rule for both). Computing
// it here from the bytes sent to flash costs no read-back while downloading;
// a page that flash did not take as sent is caught when the slot is read back
// on resume, or by the final digest.
import { flashProgram, flashErase } from "../common/flash";
import { crc32 } from "../common/crc32";
import { putU32, copyBytes } from "../common/bytes";
import { slotAddr, slotSize, sectorSize, writeSize } from "../common/layout";
import { OK, E_FLASH, E_OVERFLOW } from "../common/status";

/** Bytes per page of the slot check (sectors are multiples of it). */
export const SLOT_CHECK_PAGE: i32 = 256;

let swBase: u32 = 0;
let swPos: u32 = 0; // bytes accepted (programmed + staged)
let swErasedEnd: u32 = 0; // slot offset up to which sectors are erased
// The page being filled: its check prefix at 0..3, its bytes from 4.
const swPage: Uint8Array = new Uint8Array(4 + SLOT_CHECK_PAGE);
let swPageLen: i32 = 0;
// The slot check over [0, slotWriteDurable()), kept only for a download
// (an image install has no resume points).
let swCheck: u32 = 0;
let swChecking: bool = false;

/**
 * The slot check extended by one page: `page` holds the page's bytes at
 * [off + 4, off + 4 + SLOT_CHECK_PAGE); the 4 bytes before them are overwritten.
 */
export function slotCheckFold(check: u32, page: Uint8Array, off: i32): u32 {
  putU32(page, off, check);
  return crc32(page, off, 4 + SLOT_CHECK_PAGE);
}

/**
 * Start writing `slot` at `startAt` (a multiple of SLOT_CHECK_PAGE: 0, or a
 * resume point). With `checking`, keep the slot check, from `check` (that of
 * the bytes before startAt).
 */
export function slotWriteBegin(slot: i32, startAt: u32, checking: bool, check: u32): void {
  swBase = slotAddr(slot);
  swPos = startAt;
  swErasedEnd = startAt;
  swPageLen = 0;
  swChecking = checking;
  swCheck = check;
}

export function slotWritePosition(): u32 {
  return swPos;
}

/** Offset up to which bytes are on flash (excludes the staged page). */
export function slotWriteDurable(): u32 {
  return u32(swPos - u32(swPageLen));
}

/** The slot check over the slot's bytes [0, slotWriteDurable()) (until a flush). */
export function slotWriteCheck(): u32 {
  return swCheck;
}

/** Programs at slot offset `at`, erasing the sectors it reaches first (one function: a frame less on Espruino's stack). */
function programAt(at: u32, buf: Uint8Array, off: i32, len: i32): i32 {
  const end = u32(at + u32(len));
  while (swErasedEnd < end) {
    if (flashErase(u32(swBase + swErasedEnd)) != OK) return E_FLASH;
    swErasedEnd = u32(swErasedEnd + sectorSize);
  }
  return flashProgram(u32(swBase + at), buf, off, len);
}

export function slotWrite(buf: Uint8Array, off: i32, len: i32): i32 {
  if (u32(swPos + u32(len)) > slotSize) return E_OVERFLOW;
  let i: i32 = 0;
  // Complete the staged page first.
  if (swPageLen > 0) {
    i = SLOT_CHECK_PAGE - swPageLen;
    if (i > len) i = len;
    copyBytes(swPage, 4 + swPageLen, buf, off, i);
    swPageLen += i;
    if (swPageLen == SLOT_CHECK_PAGE) {
      const ps: i32 = programAt(u32(swPos + u32(i) - u32(SLOT_CHECK_PAGE)), swPage, 4, SLOT_CHECK_PAGE);
      if (ps != OK) return ps;
      if (swChecking) swCheck = slotCheckFold(swCheck, swPage, 0);
      swPageLen = 0;
    }
  }
  // Whole pages straight from the caller's buffer, in one program; then each
  // page into the check (copied next to the check's prefix).
  const run: i32 = (len - i) - (len - i) % SLOT_CHECK_PAGE;
  if (run > 0) {
    const ps: i32 = programAt(u32(swPos + u32(i)), buf, off + i, run);
    if (ps != OK) return ps;
    for (let p: i32 = 0; swChecking && p < run; p += SLOT_CHECK_PAGE) {
      copyBytes(swPage, 4, buf, off + i + p, SLOT_CHECK_PAGE);
      swCheck = slotCheckFold(swCheck, swPage, 0);
    }
    i += run;
  }
  if (i < len) {
    copyBytes(swPage, 4 + swPageLen, buf, off + i, len - i);
    swPageLen += len - i;
  }
  swPos = u32(swPos + u32(len));
  return OK;
}

/** Program the staged page, padded with 0xFF to a whole write unit. */
export function slotWriteFlush(): i32 {
  if (swPageLen == 0) return OK;
  const unit: i32 = i32(writeSize);
  let n: i32 = swPageLen;
  while (n % unit != 0) {
    swPage[4 + n] = 0xff;
    n++;
  }
  const ps: i32 = programAt(u32(swPos - u32(swPageLen)), swPage, 4, n);
  if (ps != OK) return ps;
  swPageLen = 0;
  // The check covers whole pages only: after a padded page it no longer
  // describes [0, slotWriteDurable()), and nothing may be saved from it.
  swChecking = false;
  return OK;
}
