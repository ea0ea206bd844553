// Boot, device-side state and slot inspection, as exported functions: the
// boot role's whole surface (the update role adds api/install.ts, api/update.ts).
// Inputs and outputs that are not plain numbers travel through ioBuf.
import { ioBuf, IO_SIZE } from "../common/buffers";
import { configureLayout, slotAddr, NO_SLOT } from "../common/layout";
import { ctlLoad, ctlSeq, ctlPrimary, ctlFails, ctlPowers, ctlEvent, ctlFloor, ctlEraseCount, ctlSlotState, ctlConfigure, EV_FACTORY } from "../boot/bootctl";
import { decideBoot, confirmRunning, rejectCandidate, adoptFactoryImage, bootReason, candidateSlot } from "../boot/boot";
import { checkSlotImage, setCheckMode, currentCheckMode, requireProvenance } from "../boot/verify";
import { flashRead, flashReadCount, resetFlashReadCount } from "../common/flash";
import {
  imgVerMajor, imgVerMinor, imgVerRevision, imgVerBuild, imgTotalSize, imgDigest, IMAGE_HEADER_SIZE,
  setHostHashing, imgHostHashes, parseImage,
} from "../boot/image";
import { OK, E_BAD_ARGUMENT, E_FLASH, E_PROVISIONED } from "../common/status";

export function layoutConfigure(
  ctl: u32, ctlSectors: u32, resume: u32, resumeSectors: u32, slotA: u32, slotB: u32, slotBytes: u32,
  sector: u32, write: u32, attempts: u32, powerAttempts: u32,
): i32 {
  const s: i32 = configureLayout(ctl, ctlSectors, resume, resumeSectors, slotA, slotB, slotBytes, sector, write, attempts, powerAttempts);
  if (s != OK) return s;
  ctlConfigure();
  return OK;
}

/** Decide the slot to boot for this reset; NO_SLOT (-1) means stay in recovery. */
export function bootDecide(resetReason: i32): i32 {
  return decideBoot(resetReason);
}

export function bootLastReason(): i32 {
  return bootReason;
}

export function appConfirm(): i32 {
  return confirmRunning();
}

export function appReject(): i32 {
  return rejectCandidate();
}

/**
 * Record the image already in a slot as the confirmed factory image: on a
 * blank control log, or one holding only provisioning's own install records
 * (no image confirmed yet). A device with a history is refused: adoption
 * starts from the first slot that passes the full check, which may hold an
 * older image than the one running. Adoption asked again with nothing
 * recorded since (a factory line retrying after a reset) answers the slot it
 * adopted, writing nothing.
 */
export function factoryAdopt(): i32 {
  if (ctlLoad() != OK) return E_FLASH;
  if (ctlPrimary != NO_SLOT) return ctlEvent == EV_FACTORY ? ctlPrimary : E_PROVISIONED;
  return adoptFactoryImage();
}

/** Load the newest boot-control record; read it with the state* getters. */
export function stateLoad(): i32 {
  return ctlLoad();
}
export function stateSeq(): u32 { return ctlSeq; }
export function statePrimary(): i32 { return ctlPrimary; }
export function stateCandidate(): i32 { return candidateSlot(); }
export function stateSlot(slot: i32): i32 { return i32(ctlSlotState(slot)); }
export function stateFails(): u32 { return ctlFails; }
export function statePowers(): u32 { return ctlPowers; }
export function stateEvent(): i32 { return i32(ctlEvent); }
export function stateFloor(): u32 { return ctlFloor; }
export function stateCtlErases(): u32 { return ctlEraseCount(); }

/**
 * Verify the image in a slot. On success the version is available from the
 * image* getters and the 32-byte digest is copied to ioBuf[0..32).
 */
export function slotVerify(slot: i32): i32 {
  if (slot != 0 && slot != 1) return E_BAD_ARGUMENT;
  const s: i32 = checkSlotImage(slot);
  if (s == OK) for (let i: i32 = 0; i < 32; i++) ioBuf[i] = imgDigest[i];
  return s;
}
export function imageMajor(): u32 { return imgVerMajor; }
export function imageMinor(): u32 { return imgVerMinor; }
export function imageRevision(): u32 { return imgVerRevision; }
export function imageBuild(): u32 { return imgVerBuild; }
export function imageTotalSize(): u32 { return imgTotalSize; }

/** Copy the 32-byte header of a slot into ioBuf (for inspection). */
export function slotHeader(slot: i32): i32 {
  if (slot != 0 && slot != 1) return E_BAD_ARGUMENT;
  return flashRead(slotAddr(slot), ioBuf, 0, IMAGE_HEADER_SIZE);
}

/** Parse a slot's header and TLVs without hashing: the version for the image* getters. */
export function slotParse(slot: i32): i32 {
  if (slot != 0 && slot != 1) return E_BAD_ARGUMENT;
  return parseImage(slot);
}

/** 0: digest (and signature, where loaded) at every boot; 1: verified once (docs/design.md). */
export function bootCheckMode(mode: i32): void {
  setCheckMode(mode);
}
export function bootCheckModeCurrent(): i32 {
  return currentCheckMode();
}

/** A key is provisioned: images this role cannot check for a signature are never adopted. */
export function bootKeyed(on: bool): void {
  requireProvenance(on);
}

export function statsFlashReads(): u32 { return flashReadCount; }
export function statsReset(): void { resetFlashReadCount(); }
export function noSlot(): i32 { return NO_SLOT; }

/** Use the host's flash_sha256 for image digests when it offers one (1) or never (0). */
export function hashByHost(on: bool): void {
  setHostHashing(on);
}
export function statsHostHashes(): u32 { return imgHostHashes; }
