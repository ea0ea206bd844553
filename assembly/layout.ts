// Where things live on the device's flash and the limits the bootloader
// enforces. Set once by configureLayout(); see docs/design.md "Flash layout".
import { OK, E_CONFIG } from "./status";

export const SLOT_A: i32 = 0;
export const SLOT_B: i32 = 1;
export const NO_SLOT: i32 = -1;

export let ctlAddr: u32 = 0;
export let ctlSectorCount: u32 = 2;
export let slotSize: u32 = 0;
export let sectorSize: u32 = 4096;
export let writeSize: u32 = 1;
export let maxAttempts: u32 = 3;
export let maxPowerAttempts: u32 = 10;
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

export function configureLayout(
  ctl: u32,
  ctlSectors: u32,
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
  if (ctlSectors < 2) return E_CONFIG;
  if (ctl % sector != 0 || slotA % sector != 0 || slotB % sector != 0) return E_CONFIG;
  if (slotBytes == 0 || slotBytes % sector != 0 || slotBytes > 0x40000000) return E_CONFIG;
  if (attempts == 0 || attempts > 200 || powerAttempts == 0 || powerAttempts > 200) return E_CONFIG;
  // The three regions must not overlap.
  const ctlEnd: u32 = u32(ctl + u32(ctlSectors * sector));
  if (!(slotA >= ctlEnd || u32(slotA + slotBytes) <= ctl)) return E_CONFIG;
  if (!(slotB >= ctlEnd || u32(slotB + slotBytes) <= ctl)) return E_CONFIG;
  if (!(slotB >= u32(slotA + slotBytes) || u32(slotB + slotBytes) <= slotA)) return E_CONFIG;
  ctlAddr = ctl;
  ctlSectorCount = ctlSectors;
  slotAddrA = slotA;
  slotAddrB = slotB;
  slotSize = slotBytes;
  sectorSize = sector;
  writeSize = write;
  maxAttempts = attempts;
  maxPowerAttempts = powerAttempts;
  return OK;
}
