// Sequential programming of one slot: erase each sector just before the first
// byte lands in it, program in whole write units, keep the unaligned tail in
// RAM until it fills (or until flush pads it with 0xFF).
import { flashProgram, flashErase } from "../common/flash";
import { nativeCopy } from "../common/host";
import { slotAddr, slotSize, sectorSize, writeSize } from "../common/layout";
import { OK, E_FLASH, E_OVERFLOW } from "../common/status";

let swBase: u32 = 0;
let swPos: u32 = 0; // bytes accepted (programmed + held in the tail)
let swErasedEnd: u32 = 0; // slot offset up to which sectors are erased
let swTailLen: i32 = 0;
const swTail: Uint8Array = new Uint8Array(16);
const swChunk: Uint8Array = new Uint8Array(256);

export function slotWriteBegin(slot: i32, startAt: u32): void {
  swBase = slotAddr(slot);
  swPos = startAt;
  swErasedEnd = startAt;
  swTailLen = 0;
}

export function slotWritePosition(): u32 {
  return swPos;
}

/** Offset up to which bytes are on flash (excludes the RAM tail). */
export function slotWriteDurable(): u32 {
  return u32(swPos - u32(swTailLen));
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
  const unit: i32 = i32(writeSize);
  // Complete a partial unit first.
  while (swTailLen > 0 && i < len) {
    unchecked((swTail[swTailLen] = buf[off + i]));
    swTailLen++;
    i++;
    if (swTailLen == unit) {
      const ps: i32 = programAt(u32(swPos + u32(i) - u32(unit)), swTail, 0, unit);
      if (ps != OK) return ps;
      swTailLen = 0;
    }
  }
  // Whole units straight from the caller's buffer, staged through swChunk so
  // a program never crosses a sector we have not erased.
  while (len - i >= unit) {
    let n: i32 = len - i;
    if (n > swChunk.length) n = swChunk.length;
    n -= n % unit;
    if (!nativeCopy(swChunk, 0, buf, off + i, n)) for (let k: i32 = 0; k < n; k++) unchecked((swChunk[k] = buf[off + i + k]));
    const ps: i32 = programAt(u32(swPos + u32(i)), swChunk, 0, n);
    if (ps != OK) return ps;
    i += n;
  }
  while (i < len) {
    unchecked((swTail[swTailLen] = buf[off + i]));
    swTailLen++;
    i++;
  }
  swPos = u32(swPos + u32(len));
  return OK;
}

/** Program the held tail, padded with 0xFF to a whole write unit. */
export function slotWriteFlush(): i32 {
  if (swTailLen == 0) return OK;
  const unit: i32 = i32(writeSize);
  for (let k: i32 = swTailLen; k < unit; k++) swTail[k] = 0xff;
  const ps: i32 = programAt(u32(swPos - u32(swTailLen)), swTail, 0, unit);
  if (ps != OK) return ps;
  swTailLen = 0;
  return OK;
}
