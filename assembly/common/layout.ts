// Where things live on the device's flash and the limits the bootloader
// enforces. Set once by configureLayout(); see docs/design.md "Flash layout".
import { OK, E_CONFIG } from "./status";

export const SLOT_A: i32 = 0;
export const SLOT_B: i32 = 1;
export const NO_SLOT: i32 = -1;

export let ctlAddr: u32 = 0;
export let ctlSectorCount: u32 = 2;
export let resumeAddr: u32 = 0;
/** 0 = no resume log: downloads restart from zero after a reset. */
export let resumeSectorCount: u32 = 0;
export let slotSize: u32 = 0;
export let sectorSize: u32 = 4096;
export let writeSize: u32 = 1;
export let maxAttempts: u32 = 3;
export let maxPowerAttempts: u32 = 10;
/** Counts configureLayout() calls, so logs of other roles can configure themselves lazily. */
export let layoutGeneration: u32 = 0;
let slotAddrA: u32 = 0;
let slotAddrB: u32 = 0;

export function slotAddr(slot: i32): u32 {
  return slot == SLOT_A ? slotAddrA : slotAddrB;
}

export function otherSlot(slot: i32): i32 {
  return slot == SLOT_A ? SLOT_B : SLOT_A;
}

function isPow2(x: u32): bool {
  return x != 0 && (x & u32(x - 1)) == 0;
}

function disjoint(a: u32, aLen: u32, b: u32, bLen: u32): bool {
  return aLen == 0 || bLen == 0 || b >= u32(a + aLen) || u32(b + bLen) <= a;
}

export function configureLayout(
  ctl: u32,
  ctlSectors: u32,
  resume: u32,
  resumeSectors: u32,
  slotA: u32,
  slotB: u32,
  slotBytes: u32,
  sector: u32,
  write: u32,
  attempts: u32,
  powerAttempts: u32,
): i32 {
  if (!isPow2(sector) || sector < 256) return E_CONFIG;
  if (write != 1 && write != 2 && write != 4 && write != 8 && write != 16) return E_CONFIG;
  if (ctlSectors < 2 || ctlSectors > 64) return E_CONFIG;
  if (ctl % sector != 0 || slotA % sector != 0 || slotB % sector != 0) return E_CONFIG;
  if (slotBytes == 0 || slotBytes % sector != 0 || slotBytes > 0x40000000) return E_CONFIG;
  if (attempts == 0 || attempts > 200 || powerAttempts == 0 || powerAttempts > 200) return E_CONFIG;
  if (resume % sector != 0 || resumeSectors == 1 || resumeSectors > 64) return E_CONFIG;
  // The regions must not overlap.
  const ctlLen: u32 = u32(ctlSectors * sector);
  const resLen: u32 = u32(resumeSectors * sector);
  if (!disjoint(ctl, ctlLen, slotA, slotBytes) || !disjoint(ctl, ctlLen, slotB, slotBytes)) return E_CONFIG;
  if (!disjoint(slotA, slotBytes, slotB, slotBytes) || !disjoint(ctl, ctlLen, resume, resLen)) return E_CONFIG;
  if (!disjoint(resume, resLen, slotA, slotBytes) || !disjoint(resume, resLen, slotB, slotBytes)) return E_CONFIG;
  ctlAddr = ctl;
  ctlSectorCount = ctlSectors;
  resumeAddr = resume;
  resumeSectorCount = resumeSectors;
  slotAddrA = slotA;
  slotAddrB = slotB;
  slotSize = slotBytes;
  sectorSize = sector;
  writeSize = write;
  maxAttempts = attempts;
  maxPowerAttempts = powerAttempts;
  layoutGeneration++;
  return OK;
}
