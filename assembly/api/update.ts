// Receiving update packages, and provisioning what the device trusts.
import { ioBuf, IO_SIZE } from "../common/buffers";
import { rxBegin, rxWrite, rxComplete, rxCancel, rxPos, rxState, rxSlot, rxResumed, rxImagePos, rxSaves } from "../update/receiver";
import { configureTrust } from "../update/trust";
import { configureDecryptionKey } from "../update/decryption-key";
import { checkProvenance } from "../update/provenance";
import { useProvenanceCheck, requireProvenance } from "../boot/verify";
import { resumeEraseCount } from "../update/resume";
import { E_BAD_ARGUMENT } from "../common/status";

/** ioBuf[0..64) = key, vendor, class; flags bit0 key, bit1 vendor, bit2 class. */
export function trustConfigure(flags: u32, hwRev: u32, bootloaderVersion: u32): void {
  configureTrust(ioBuf, 0, flags, hwRev, bootloaderVersion);
  requireProvenance((flags & 1) != 0);
  useProvenanceCheck(checkProvenance);
}

/** ioBuf[0..32) = the device's X25519 private key for encrypted updates when `present`, else none. */
export function decryptionConfigure(present: bool): void {
  configureDecryptionKey(ioBuf, 0, present);
}

export function receiveBegin(): void {
  rxBegin();
}
/** Feed ioBuf[0..len) at package offset receivePosition(); returns bytes consumed or a status. */
export function receiveWrite(len: i32): i32 {
  if (len < 0 || len > IO_SIZE) return E_BAD_ARGUMENT;
  return rxWrite(ioBuf, 0, len);
}
export function receiveComplete(): i32 {
  return rxComplete();
}
export function receiveCancel(): void {
  rxCancel();
}
export function receivePosition(): u32 { return rxPos; }
export function receiveState(): i32 { return rxState; }
export function receiveSlot(): i32 { return rxSlot; }
export function receiveResumed(): bool { return rxResumed; }
export function receiveImageBytes(): u32 { return rxImagePos; }
export function receiveSaves(): u32 { return rxSaves; }
export function resumeErases(): u32 { return resumeEraseCount(); }
