// Flash access for core code: the host ABI plus the one policy every caller
// needs: a host fault becomes E_FLASH, a failed read only after it was made
// again (READ_TRIES); programs and erases are never retried here (the
// boot-control log reads back what it wrote and writes further on).
import { hostRead, hostProgram, hostErase } from "./host";
import { OK, E_FLASH } from "./status";

export let flashReadCount: u32 = 0;

/**
 * Reads made in all before a failed read is a fault. A read changes nothing,
 * so making it again is safe; and a bus glitch or a driver's timeout says
 * nothing about what the flash holds, while the boot decision acts on what
 * its checks read: it rejects a pending image, rolls back a trial, falls back
 * to an older image. A slot that still cannot be read counts as not
 * verifying, as a corrupt one does, so a device whose primary slot has become
 * unreadable still boots its fallback.
 */
const READ_TRIES: i32 = 3;

export function flashRead(addr: u32, buf: Uint8Array, off: i32, len: i32): i32 {
  for (let tries: i32 = 0; tries < READ_TRIES; tries++) {
    flashReadCount++;
    if (hostRead(addr, buf, u32(off), u32(len)) == 0) return OK;
  }
  return E_FLASH;
}

export function flashProgram(addr: u32, buf: Uint8Array, off: i32, len: i32): i32 {
  return hostProgram(addr, buf, u32(off), u32(len)) == 0 ? OK : E_FLASH;
}

export function flashErase(addr: u32): i32 {
  return hostErase(addr) == 0 ? OK : E_FLASH;
}

export function resetFlashReadCount(): void {
  flashReadCount = 0;
}
