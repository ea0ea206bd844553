// The resume log: where an interrupted download picks up again. One 128-byte
// record (docs/formats.md "Resume record") per image sector completed; the
// newest record for the same manifest and target slot wins.
import { RecordLog } from "../common/recordlog";
import { getU32, putU32, fillBytes, equalBytes } from "../common/bytes";
import { resumeAddr, resumeSectorCount, sectorSize, layoutGeneration } from "../common/layout";
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

const RS_MAGIC_SBRS: u32 = 0x53524253; // bytes "SBRS"

// The boot role configures the layout and knows nothing of this log, so the
// log follows the layout itself: once per configureLayout().
let resumeGeneration: u32 = 0;

function resumeConfigure(): void {
  if (resumeGeneration == layoutGeneration) return;
  resumeLog.configure(resumeAddr, resumeSectorCount, sectorSize, RESUME_RECORD_SIZE, RS_MAGIC_SBRS);
  resumeGeneration = layoutGeneration;
}

export function resumeEnabled(): bool {
  return resumeSectorCount >= 2;
}

export function resumeEraseCount(): u32 {
  resumeConfigure();
  return resumeLog.erases;
}

/** 1 when a record for this manifest and slot exists (fields loaded), 0 when not, or E_FLASH. */
export function resumeFind(manifestDigest: Uint8Array, slot: i32): i32 {
  if (!resumeEnabled()) return 0;
  resumeConfigure();
  if (resumeLog.load() != OK) return E_FLASH;
  if (!resumeLog.found) return 0;
  const r: Uint8Array = resumeLog.newest;
  if (!equalBytes(r, 8, manifestDigest, 0, 32) || i32(r[40]) != slot) return 0;
  rsBlock = getU32(r, 44);
  rsDataOffset = getU32(r, 48);
  rsImageBytes = getU32(r, 52);
  for (let i: i32 = 0; i < 32; i++) rsExpect[i] = r[56 + i];
  rsCodecPatch = getU32(r, 88);
  rsCodecOut = getU32(r, 92);
  return 1;
}

/**
 * Before a fresh download or an image install overwrites the target slot:
 * make sure no older record can send a later download back into data that is
 * about to be replaced. Appends a void record (zero manifest digest) unless
 * the newest record is already void.
 */
export function resumeForget(): i32 {
  if (!resumeEnabled()) return OK;
  resumeConfigure();
  if (resumeLog.load() != OK) return E_FLASH;
  if (!resumeLog.found) return OK;
  let isVoid: bool = true;
  for (let i: i32 = 8; i < 40; i++) if (resumeLog.newest[i] != 0) isVoid = false;
  if (isVoid) return OK;
  fillBytes(rsBuf, 0, RESUME_RECORD_SIZE, 0xff);
  for (let i: i32 = 8; i < 40; i++) rsBuf[i] = 0;
  return resumeLog.append(rsBuf);
}

export function resumeSave(
  manifestDigest: Uint8Array, slot: i32, block: u32, dataOffset: u32, imageBytes: u32,
  expect: Uint8Array, codecPatch: u32, codecOut: u32,
): i32 {
  if (!resumeEnabled()) return OK;
  fillBytes(rsBuf, 0, RESUME_RECORD_SIZE, 0xff);
  for (let i: i32 = 0; i < 32; i++) rsBuf[8 + i] = manifestDigest[i];
  rsBuf[40] = u8(slot);
  putU32(rsBuf, 44, block);
  putU32(rsBuf, 48, dataOffset);
  putU32(rsBuf, 52, imageBytes);
  for (let i: i32 = 0; i < 32; i++) rsBuf[56 + i] = expect[i];
  putU32(rsBuf, 88, codecPatch);
  putU32(rsBuf, 92, codecOut);
  resumeConfigure();
  return resumeLog.append(rsBuf);
}
