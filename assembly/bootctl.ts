// The boot-control log: fixed 32-byte records appended to a ring of at least
// two sectors. A record is never rewritten in place, and the sector holding
// the newest valid record is never erased: a new record is complete (and read
// back) before anything older can be lost. See docs/design.md "Boot control".
import { crc32 } from "./crc32";
import { getU32, putU32, fillBytes } from "./bytes";
import { flashRead, flashProgram, flashErase } from "./flash";
import { ctlAddr, ctlSectorCount, sectorSize, NO_SLOT } from "./layout";
import { OK, E_FLASH, E_CTL_WRITE } from "./status";

export const RECORD_SIZE: i32 = 32;
export const RECORD_MAGIC: u32 = 0x31544253; // "SBT1"

// Slot states as stored in a record.
export const ST_EMPTY: u8 = 0;
export const ST_PENDING: u8 = 1;
export const ST_TRIAL: u8 = 2;
export const ST_CONFIRMED: u8 = 3;
export const ST_REJECTED: u8 = 4;

// The event that produced a record (kept for status and post-mortems).
export const EV_FACTORY: u8 = 1;
export const EV_INSTALL_BEGIN: u8 = 2;
export const EV_INSTALLED: u8 = 3;
export const EV_TRIAL_BOOT: u8 = 4;
export const EV_CONFIRMED: u8 = 5;
export const EV_REJECTED: u8 = 6;
export const EV_ROLLED_BACK: u8 = 7;
export const EV_FALLBACK: u8 = 8;

// The newest valid record ("current state"). ctlSeq == 0 means none found.
export let ctlSeq: u32 = 0;
export let ctlPrimary: i32 = NO_SLOT;
export let ctlStateA: u8 = ST_EMPTY;
export let ctlStateB: u8 = ST_EMPTY;
export let ctlFails: u32 = 0;
export let ctlPowers: u32 = 0;
export let ctlEvent: u8 = 0;
export let ctlFloor: u32 = 0;
export let ctlErases: u32 = 0;

// Where the next record goes: sector index and byte offset within it.
let nextSector: u32 = 0;
let nextOffset: u32 = 0;
let newestSector: u32 = 0;

const recBuf: Uint8Array = new Uint8Array(RECORD_SIZE);
const scanBuf: Uint8Array = new Uint8Array(256);

export function ctlSlotState(slot: i32): u8 {
  return slot == 0 ? ctlStateA : ctlStateB;
}

export function ctlSetSlotState(slot: i32, st: u8): void {
  if (slot == 0) ctlStateA = st;
  else ctlStateB = st;
}

export function ctlSetPrimary(slot: i32): void {
  ctlPrimary = slot;
}

export function ctlSetCounters(fails: u32, powers: u32): void {
  ctlFails = fails;
  ctlPowers = powers;
}

export function ctlSetFloor(floor: u32): void {
  ctlFloor = floor;
}

function sectorAddr(s: u32): u32 {
  return u32(ctlAddr + u32(s * sectorSize));
}

function recordValid(b: Uint8Array, off: i32): bool {
  if (getU32(b, off) != RECORD_MAGIC) return false;
  return crc32(b, off, RECORD_SIZE - 4) == getU32(b, off + RECORD_SIZE - 4);
}

function isErased(b: Uint8Array, off: i32, len: i32): bool {
  for (let i: i32 = 0; i < len; i++) if (unchecked(b[off + i]) != 0xff) return false;
  return true;
}

function adopt(b: Uint8Array, off: i32): void {
  ctlSeq = getU32(b, off + 4);
  const p: u32 = u32(b[off + 8]);
  ctlPrimary = p == 0xff ? NO_SLOT : i32(p);
  ctlStateA = b[off + 9];
  ctlStateB = b[off + 10];
  ctlFails = u32(b[off + 11]);
  ctlPowers = u32(b[off + 12]);
  ctlEvent = b[off + 13];
  ctlFloor = getU32(b, off + 16);
}

/**
 * Scan every record slot of every control sector; adopt the valid record with
 * the highest sequence number and place the append point after it.
 * Returns OK (ctlSeq == 0 when the log is empty) or E_FLASH.
 */
export function ctlLoad(): i32 {
  ctlSeq = 0;
  ctlPrimary = NO_SLOT;
  ctlStateA = ST_EMPTY;
  ctlStateB = ST_EMPTY;
  ctlFails = 0;
  ctlPowers = 0;
  ctlEvent = 0;
  ctlFloor = 0;
  let found: bool = false;
  let bestSeq: u32 = 0;
  let bestSector: u32 = 0;
  let bestOffset: u32 = 0;
  for (let s: u32 = 0; s < ctlSectorCount; s++) {
    for (let pos: u32 = 0; pos < sectorSize; pos = u32(pos + u32(scanBuf.length))) {
      if (flashRead(u32(sectorAddr(s) + pos), scanBuf, 0, scanBuf.length) != OK) return E_FLASH;
      for (let r: i32 = 0; r < scanBuf.length; r += RECORD_SIZE) {
        if (!recordValid(scanBuf, r)) continue;
        const seq: u32 = getU32(scanBuf, r + 4);
        if (!found || seq > bestSeq) {
          found = true;
          bestSeq = seq;
          bestSector = s;
          bestOffset = u32(pos + u32(r));
          adopt(scanBuf, r);
        }
      }
    }
  }
  if (!found) {
    newestSector = 0;
    return findAppendPoint(0, 0);
  }
  newestSector = bestSector;
  return findAppendPoint(bestSector, u32(bestOffset + RECORD_SIZE));
}

/** First fully erased record slot in `s` at or after `from`; else none (sector full). */
function findAppendPoint(s: u32, from: u32): i32 {
  nextSector = s;
  nextOffset = sectorSize; // means "full"
  const chunk: u32 = u32(scanBuf.length);
  for (let pos: u32 = u32(from - (from % chunk)); pos < sectorSize; pos = u32(pos + chunk)) {
    if (flashRead(u32(sectorAddr(s) + pos), scanBuf, 0, scanBuf.length) != OK) return E_FLASH;
    for (let r: u32 = 0; r < chunk; r = u32(r + RECORD_SIZE)) {
      if (u32(pos + r) < from) continue;
      if (isErased(scanBuf, i32(r), RECORD_SIZE)) {
        nextOffset = u32(pos + r);
        return OK;
      }
    }
  }
  return OK;
}

/** Erase sector `s` and check that it reads back blank; a few tries. */
function eraseBlank(s: u32): i32 {
  for (let attempt: i32 = 0; attempt < 3; attempt++) {
    if (flashErase(sectorAddr(s)) != OK) continue;
    ctlErases++;
    let blank: bool = true;
    for (let pos: u32 = 0; pos < sectorSize && blank; pos = u32(pos + u32(scanBuf.length))) {
      if (flashRead(u32(sectorAddr(s) + pos), scanBuf, 0, scanBuf.length) != OK) return E_FLASH;
      if (!isErased(scanBuf, 0, scanBuf.length)) blank = false;
    }
    if (blank) return OK;
  }
  return E_CTL_WRITE;
}

function encode(): void {
  fillBytes(recBuf, 0, RECORD_SIZE, 0xff);
  putU32(recBuf, 0, RECORD_MAGIC);
  putU32(recBuf, 4, ctlSeq);
  recBuf[8] = ctlPrimary == NO_SLOT ? 0xff : u8(ctlPrimary);
  recBuf[9] = ctlStateA;
  recBuf[10] = ctlStateB;
  recBuf[11] = u8(ctlFails > 255 ? 255 : ctlFails);
  recBuf[12] = u8(ctlPowers > 255 ? 255 : ctlPowers);
  recBuf[13] = ctlEvent;
  putU32(recBuf, 16, ctlFloor);
  putU32(recBuf, RECORD_SIZE - 4, crc32(recBuf, 0, RECORD_SIZE - 4));
}

/**
 * Append the current ctl* fields as a new record with the next sequence
 * number. When the newest sector is full, the next sector in the ring (which
 * holds only older records) is erased first. Every record is read back; a
 * record that does not read back intact is abandoned and written again
 * further on, so a weak cell can cost space but never state.
 */
export function ctlCommit(event: u8): i32 {
  ctlEvent = event;
  ctlSeq = u32(ctlSeq + 1);
  encode();
  for (let tries: i32 = 0; tries < 8; tries++) {
    if (nextOffset >= sectorSize) {
      const s: u32 = u32((newestSector + 1) % ctlSectorCount);
      const es: i32 = eraseBlank(s);
      if (es != OK) return es;
      nextSector = s;
      nextOffset = 0;
    }
    const at: u32 = u32(sectorAddr(nextSector) + nextOffset);
    nextOffset = u32(nextOffset + RECORD_SIZE);
    if (flashProgram(at, recBuf, 0, RECORD_SIZE) != OK) continue;
    if (flashRead(at, scanBuf, 0, RECORD_SIZE) != OK) return E_FLASH;
    let same: bool = true;
    for (let i: i32 = 0; i < RECORD_SIZE; i++) if (scanBuf[i] != recBuf[i]) same = false;
    if (same) {
      newestSector = nextSector;
      return OK;
    }
  }
  return E_CTL_WRITE;
}
