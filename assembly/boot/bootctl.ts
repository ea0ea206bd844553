// The boot-control log: fixed 32-byte records appended to a ring of at least
// two sectors. Every state is written twice (two records with one sequence
// number), so a flipped bit in one copy cannot roll the device back; the
// anti-rollback floor is the largest over every valid record, so it cannot
// fall either. A record is never rewritten in place, and a sector holding the
// only copies of the newest state is never erased. See docs/design.md
// "Boot control".
import { getU32, putU32, fillBytes } from "../common/bytes";
import { RecordLog } from "../common/recordlog";
import { ctlAddr, ctlSectorCount, sectorSize, NO_SLOT } from "../common/layout";
import { OK, E_FLASH } from "../common/status";

export const RECORD_SIZE: i32 = 32;
export const RECORD_MAGIC: u32 = 0x31544253; // "SBT1"
/** Records written per state: one can be lost to a flipped bit. */
export const RECORD_COPIES: i32 = 2;
/** Where a record keeps the anti-rollback floor. */
const RECORD_FLOOR_AT: i32 = 16;

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

const ctlLog: RecordLog = new RecordLog();
const recBuf: Uint8Array = new Uint8Array(RECORD_SIZE);

export function ctlConfigure(): void {
  ctlLog.configure(ctlAddr, ctlSectorCount, sectorSize, RECORD_SIZE, RECORD_MAGIC, RECORD_COPIES, RECORD_FLOOR_AT);
}

/** Boot-control sector erases since configuration. */
export function ctlEraseCount(): u32 {
  return ctlLog.erases;
}

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

function adopt(b: Uint8Array, off: i32): void {
  ctlSeq = getU32(b, off + 4);
  const p: u32 = u32(b[off + 8]);
  ctlPrimary = p == 0xff ? NO_SLOT : i32(p);
  ctlStateA = b[off + 9];
  ctlStateB = b[off + 10];
  ctlFails = u32(b[off + 11]);
  ctlPowers = u32(b[off + 12]);
  ctlEvent = b[off + 13];
  // The floor never falls: no record, however it was lost, can lower it.
  const floor: u32 = getU32(b, off + RECORD_FLOOR_AT);
  ctlFloor = floor > ctlLog.growingMax ? floor : ctlLog.growingMax;
}

/**
 * Load the newest state (the highest sequence number with a valid copy) into
 * the ctl* fields, ctlSeq == 0 when the log is empty, and the floor as the
 * largest over every valid record. Returns OK or E_FLASH.
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
  if (ctlLog.load() != OK) return E_FLASH;
  if (ctlLog.found) adopt(ctlLog.newest, 0);
  return OK;
}

function encode(event: u8): void {
  ctlEvent = event;
  fillBytes(recBuf, 0, RECORD_SIZE, 0xff);
  recBuf[8] = ctlPrimary == NO_SLOT ? 0xff : u8(ctlPrimary);
  recBuf[9] = ctlStateA;
  recBuf[10] = ctlStateB;
  recBuf[11] = u8(ctlFails > 255 ? 255 : ctlFails);
  recBuf[12] = u8(ctlPowers > 255 ? 255 : ctlPowers);
  recBuf[13] = ctlEvent;
  putU32(recBuf, RECORD_FLOOR_AT, ctlFloor);
}

/** Append the current ctl* fields as a new state, in two copies (see RecordLog.append). */
export function ctlCommit(event: u8): i32 {
  encode(event);
  const s: i32 = ctlLog.append(recBuf);
  if (s == OK) ctlSeq = ctlLog.newestSeq;
  return s;
}

/**
 * As ctlCommit, but the new state is the only one the log keeps: factory
 * adoption uses it, so that no install record (an image "pending" with no
 * confirmed one) lies underneath the factory image's confirmed state.
 */
export function ctlCommitAlone(event: u8): i32 {
  encode(event);
  const s: i32 = ctlLog.appendAlone(recBuf);
  if (s == OK) ctlSeq = ctlLog.newestSeq;
  return s;
}

/**
 * Scrub the loaded state: when it has fewer than two intact copies (a cut
 * between the copies, a flipped bit, a log in the single-copy format) or a
 * floor below the log's largest, write it again as a fresh pair. The boot
 * decision calls this after deciding, so a boot that wrote a state anyway
 * writes nothing more. The record is rebuilt from the loaded bytes, not from
 * the ctl* fields, which the decision may have changed.
 */
export function ctlRefresh(): i32 {
  if (!ctlLog.found) return OK;
  const floor: u32 = getU32(ctlLog.newest, RECORD_FLOOR_AT);
  if (ctlLog.newestCopies >= RECORD_COPIES && floor >= ctlLog.growingMax) return OK;
  for (let i: i32 = 0; i < RECORD_SIZE; i++) recBuf[i] = ctlLog.newest[i];
  if (floor < ctlLog.growingMax) putU32(recBuf, RECORD_FLOOR_AT, ctlLog.growingMax);
  const s: i32 = ctlLog.append(recBuf);
  if (s == OK) ctlSeq = ctlLog.newestSeq;
  return s;
}
