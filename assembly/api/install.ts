// Full-image install through the exchange buffer (the update role).
import { ioBuf, IO_SIZE } from "../common/buffers";
import { writerOpen, writerWrite, writerComplete, writerCancel, writerKeyEntry } from "../update/writer";
import { E_BAD_ARGUMENT } from "../common/status";

export function installOpen(size: u32): i32 {
  return writerOpen(size);
}
/** Write ioBuf[0..len) to the slot being installed. */
export function installWrite(len: i32): i32 {
  if (len < 0 || len > IO_SIZE) return E_BAD_ARGUMENT;
  return writerWrite(ioBuf, 0, len);
}
export function installComplete(): i32 {
  return writerComplete();
}
export function installCancel(): i32 {
  return writerCancel();
}
/**
 * An encrypted image's ENC_X25519 entry (the TLV's value) in ioBuf[0..len),
 * after installOpen and before the first installWrite: the body is then
 * decrypted as it is written. The entry sits after the body in the image.
 */
export function installKeyEntry(len: i32): i32 {
  if (len < 0 || len > IO_SIZE) return E_BAD_ARGUMENT;
  return writerKeyEntry(ioBuf, 0, len);
}
