// The full-image update writer (open / write / complete / cancel), in the
// shape of ECMA-419's embedded:update. It only ever touches the slot that is
// not the confirmed one, and the slot becomes PENDING only after the whole
// image verifies. See docs/design.md "Installing an image".
import {
  ctlLoad, ctlCommit, ctlSeq, ctlPrimary, ctlSlotState, ctlSetSlotState,
  ST_EMPTY, ST_PENDING, ST_TRIAL, EV_INSTALL_BEGIN, EV_INSTALLED,
} from "../boot/bootctl";
import { slotWriteBegin, slotWrite, slotWriteFlush, slotWritePosition } from "./slotwrite";
import { checkHeader, IMAGE_HEADER_SIZE } from "../boot/image";
import { checkSlotImage } from "../boot/verify";
import { adoptFactoryImage } from "../boot/boot";
import { resumeForget } from "./resume";
import { decHasKey, decPrivateKey } from "./decryption-key";
import { decryptAvailable, decryptor } from "../crypt/decryptor";
import { getU32 } from "../common/bytes";
import { SLOT_A, NO_SLOT, otherSlot, slotSize } from "../common/layout";
import {
  OK, E_FLASH, E_IMAGE_TOO_LARGE, E_NOT_OPEN, E_OVERFLOW, E_TRUNCATED, E_TRIAL_IN_PROGRESS,
  E_BAD_ARGUMENT, E_CTL_WRITE, E_ENCRYPTED_IMAGE, E_ENC_NOT_LOADED, E_ENC_KEY_MISSING,
} from "../common/status";

let wrOpen: bool = false;
let wrSlot: i32 = NO_SLOT;
let wrSize: u32 = 0;
let wrHdrLen: i32 = 0;
const wrHdr: Uint8Array = new Uint8Array(32);
// An encrypted image (crypt/decryptor.ts): its entry came first; its body is being decrypted.
let wrEntryGiven: bool = false;
let wrDecrypting: bool = false;

/** The slot an install goes to: never the confirmed one, never a running trial. */
export function installTarget(): i32 {
  if (ctlPrimary != NO_SLOT) return otherSlot(ctlPrimary);
  // No confirmed image (recovery): use a slot that is not on trial.
  return ctlSlotState(SLOT_A) == ST_TRIAL ? otherSlot(SLOT_A) : SLOT_A;
}

/** Prepare the target slot: record it as EMPTY before its first erase. */
export function prepareTarget(): i32 {
  if (ctlLoad() != OK) return E_FLASH;
  if (ctlSeq == 0 && adoptFactoryImage() == E_FLASH) return E_FLASH;
  const t: i32 = installTarget();
  if (ctlSlotState(t) == ST_TRIAL) return E_TRIAL_IN_PROGRESS;
  if (ctlSeq == 0 || ctlSlotState(t) != ST_EMPTY) {
    ctlSetSlotState(t, ST_EMPTY);
    if (ctlCommit(EV_INSTALL_BEGIN) != OK) return E_CTL_WRITE;
  }
  return t;
}

/** Mark the verified target PENDING: the commit point of an install. */
export function commitTarget(slot: i32): i32 {
  if (ctlLoad() != OK) return E_FLASH;
  ctlSetSlotState(slot, ST_PENDING);
  return ctlCommit(EV_INSTALLED) == OK ? OK : E_CTL_WRITE;
}

export function writerOpen(size: u32): i32 {
  wrOpen = false;
  if (size < u32(IMAGE_HEADER_SIZE)) return E_BAD_ARGUMENT;
  if (size > slotSize) return E_IMAGE_TOO_LARGE;
  const t: i32 = prepareTarget();
  if (t < 0) return t;
  // An interrupted package download must not resume into the data written now.
  const fs: i32 = resumeForget();
  if (fs != OK) return fs;
  wrSlot = t;
  wrSize = size;
  wrHdrLen = 0;
  wrEntryGiven = false;
  wrDecrypting = false;
  slotWriteBegin(t, 0, false, 0);
  wrOpen = true;
  return t;
}

/** An encrypted image's ENC_X25519 entry, before its first byte (body-decrypt.ts). */
export function writerKeyEntry(buf: Uint8Array, off: i32, len: i32): i32 {
  if (!wrOpen) return E_NOT_OPEN;
  if (slotWritePosition() != 0) return E_BAD_ARGUMENT;
  let es: i32 = !decHasKey ? E_ENCRYPTED_IMAGE : !decryptAvailable() ? E_ENC_NOT_LOADED : OK;
  if (es == OK) es = decryptor().openImage(buf, off, len, decPrivateKey, 0);
  wrEntryGiven = es == OK;
  if (es != OK) wrOpen = false;
  return es;
}

export function writerWrite(buf: Uint8Array, off: i32, len: i32): i32 {
  if (!wrOpen) return E_NOT_OPEN;
  if (u32(slotWritePosition() + u32(len)) > wrSize) {
    wrOpen = false;
    return E_OVERFLOW;
  }
  // Refuse a bad header before anything is erased beyond the first sector.
  if (wrHdrLen < IMAGE_HEADER_SIZE) {
    let k: i32 = 0;
    while (wrHdrLen < IMAGE_HEADER_SIZE && k < len) {
      wrHdr[wrHdrLen] = buf[off + k];
      wrHdrLen++;
      k++;
    }
    if (wrHdrLen == IMAGE_HEADER_SIZE) {
      let hs: i32 = checkHeader(wrHdr, 0, wrSize, decHasKey);
      // Flags ENCRYPTED_AES128 / AES256 (checkHeader took them only with a key).
      wrDecrypting = hs == OK && (getU32(wrHdr, 16) & 0x0c) != 0;
      if (wrDecrypting) hs = wrEntryGiven ? decryptor().imageHeader(wrHdr, 0) : E_ENC_KEY_MISSING;
      if (hs != OK) {
        wrOpen = false;
        return hs;
      }
    }
  }
  if (wrDecrypting) decryptor().imageChunk(buf, off, len, slotWritePosition());
  const ws: i32 = slotWrite(buf, off, len);
  if (ws != OK) wrOpen = false;
  return ws;
}

export function writerComplete(): i32 {
  if (!wrOpen) return E_NOT_OPEN;
  wrOpen = false;
  if (slotWritePosition() != wrSize) return E_TRUNCATED;
  const fs: i32 = slotWriteFlush();
  if (fs != OK) return fs;
  const vs: i32 = checkSlotImage(wrSlot);
  if (vs != OK) return vs;
  return commitTarget(wrSlot);
}

export function writerCancel(): i32 {
  wrOpen = false;
  return OK;
}
