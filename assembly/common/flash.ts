// Flash access for core code: the host ABI plus the one policy every caller
// needs (any host fault becomes E_FLASH; nothing is retried silently).
import { hostRead, hostProgram, hostErase } from "./host";
import { OK, E_FLASH } from "./status";

export let flashReadCount: u32 = 0;

export function flashRead(addr: u32, buf: Uint8Array, off: i32, len: i32): i32 {
  flashReadCount++;
  return hostRead(addr, buf, u32(off), u32(len)) == 0 ? OK : E_FLASH;
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
