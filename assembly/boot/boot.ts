// The boot decision. It follows the table in docs/design.md "Boot decision"
// row by row; each row is marked with its number (Dn) in the comments.
import {
  ctlLoad, ctlCommit, ctlCommitAlone, ctlRefresh, ctlSeq, ctlPrimary, ctlFails, ctlPowers, ctlSlotState, ctlSetSlotState,
  ctlSetPrimary, ctlSetCounters, ctlSetFloor, ctlFloor,
  ST_EMPTY, ST_PENDING, ST_TRIAL, ST_CONFIRMED, ST_REJECTED,
  EV_FACTORY, EV_TRIAL_BOOT, EV_ROLLED_BACK, EV_FALLBACK, EV_CONFIRMED, EV_REJECTED,
} from "./bootctl";
import { checkSlotImage, checkRecordedImage, checkedSecurityCounter } from "./verify";
import { SLOT_A, SLOT_B, NO_SLOT, otherSlot, maxAttempts, maxPowerAttempts } from "../common/layout";
import { OK, OK_NOTHING_TO_DO, E_FLASH, E_NOT_IN_TRIAL, E_NO_STATE, E_EMPTY_SLOT } from "../common/status";

// Reset reasons, as reported by the host for the power-up being decided.
export const RESET_POWER_ON: i32 = 0;
export const RESET_WATCHDOG: i32 = 1;
export const RESET_SOFTWARE: i32 = 2;
export const RESET_BROWNOUT: i32 = 3;

// Reason codes for a decision (bindings/reasons.ts names them).
export const R_CONFIRMED: i32 = 1;
export const R_TRIAL_START: i32 = 2;
export const R_TRIAL_CONTINUE: i32 = 3;
export const R_TRIAL_RETRY: i32 = 4;
export const R_ROLLBACK_ATTEMPTS: i32 = 5;
export const R_ROLLBACK_POWER: i32 = 6;
export const R_PENDING_INVALID: i32 = 7;
export const R_TRIAL_INVALID: i32 = 8;
export const R_PRIMARY_INVALID_FALLBACK: i32 = 10;
export const R_FACTORY_ADOPT: i32 = 11;
export const R_NO_BOOTABLE_IMAGE: i32 = 12;
export const R_FLASH_FAULT: i32 = 13;
export const R_ROLLBACK_REJECTED: i32 = 14;

export let bootReason: i32 = 0;
export let bootSlot: i32 = NO_SLOT;

function boots(slot: i32, reason: i32): i32 {
  bootSlot = slot;
  bootReason = reason;
  return slot;
}

/** The slot in PENDING or TRIAL state, if any (never the primary). */
export function candidateSlot(): i32 {
  for (let s: i32 = SLOT_A; s <= SLOT_B; s++) {
    if (s == ctlPrimary) continue;
    const st: u8 = ctlSlotState(s);
    if (st == ST_PENDING || st == ST_TRIAL) return s;
  }
  return NO_SLOT;
}

/** Reject the candidate and boot the primary (or fall back); `why` is the reason. */
function rollBack(cand: i32, why: i32): i32 {
  ctlSetSlotState(cand, ST_REJECTED);
  ctlSetCounters(0, 0);
  if (ctlCommit(EV_ROLLED_BACK) != OK) return failFlash();
  return bootPrimary(why, true);
}

function failFlash(): i32 {
  return boots(NO_SLOT, R_FLASH_FAULT);
}

/**
 * D8-D10: boot the confirmed image, or an older confirmed one, or nothing.
 * `thorough`: hash the primary even in the verified-once mode (after a crash
 * reset or a rollback, when its flash copy is the first suspect).
 */
function bootPrimary(why: i32, thorough: bool): i32 {
  const p: i32 = ctlPrimary;
  if (p != NO_SLOT && checkRecordedImage(p, thorough) == OK) return boots(p, why); // D8
  // The primary is gone (bit rot, or never existed).
  const o: i32 = p == NO_SLOT ? NO_SLOT : otherSlot(p);
  if (o != NO_SLOT && ctlSlotState(o) == ST_CONFIRMED && checkRecordedImage(o, true) == OK) {
    // D9: an older confirmed image is intact; it becomes the primary.
    ctlSetPrimary(o);
    if (ctlCommit(EV_FALLBACK) != OK) return failFlash();
    return boots(o, R_PRIMARY_INVALID_FALLBACK);
  }
  return boots(NO_SLOT, R_NO_BOOTABLE_IMAGE); // D10
}

/**
 * With no record yet, adopt the first intact image as the confirmed one and
 * record it. Returns the slot, E_EMPTY_SLOT when none verifies, or E_FLASH.
 */
export function adoptFactoryImage(): i32 {
  for (let s: i32 = SLOT_A; s <= SLOT_B; s++) {
    if (checkSlotImage(s) == OK) {
      ctlSetPrimary(s);
      ctlSetSlotState(s, ST_CONFIRMED);
      ctlSetSlotState(otherSlot(s), ST_EMPTY);
      // The factory image sets the first anti-rollback floor.
      if (checkedSecurityCounter() > ctlFloor) ctlSetFloor(checkedSecurityCounter());
      // Alone: the install records of provisioning (this image "pending", no
      // confirmed one) must not lie underneath, where losing this state would
      // turn the factory image into a trial.
      if (ctlCommitAlone(EV_FACTORY) != OK) return E_FLASH;
      return s;
    }
  }
  return E_EMPTY_SLOT;
}

/** D1-D2: no record yet. */
function bootFactory(): i32 {
  const s: i32 = adoptFactoryImage();
  if (s == E_FLASH) return failFlash();
  if (s == E_EMPTY_SLOT) return boots(NO_SLOT, R_NO_BOOTABLE_IMAGE); // D2
  return boots(s, R_FACTORY_ADOPT); // D1
}

/** The rows of the decision table, for decideBoot(). */
function decideRows(resetReason: i32): i32 {
  if (ctlLoad() != OK) return failFlash();
  if (ctlSeq == 0) return bootFactory();
  const crashed: bool = resetReason == RESET_WATCHDOG || resetReason == RESET_SOFTWARE;
  const cand: i32 = candidateSlot();
  if (cand == NO_SLOT) return bootPrimary(R_CONFIRMED, crashed); // D8
  const st: u8 = ctlSlotState(cand);
  if (st == ST_PENDING) {
    if (checkRecordedImage(cand, true) != OK) {
      // D3: a pending image that does not verify is never booted.
      ctlSetSlotState(cand, ST_REJECTED);
      if (ctlCommit(EV_ROLLED_BACK) != OK) return failFlash();
      return bootPrimary(R_PENDING_INVALID, true);
    }
    // D4: first boot of a new image.
    ctlSetSlotState(cand, ST_TRIAL);
    ctlSetCounters(0, 0);
    if (ctlCommit(EV_TRIAL_BOOT) != OK) return failFlash();
    return boots(cand, R_TRIAL_START);
  }
  // st == ST_TRIAL: the previous run was the trial image.
  let reason: i32 = R_TRIAL_CONTINUE;
  if (crashed) {
    // D5: the trial hung or crashed; that run was a failed attempt.
    if (u32(ctlFails + 1) >= maxAttempts) return rollBack(cand, R_ROLLBACK_ATTEMPTS);
    ctlSetCounters(u32(ctlFails + 1), ctlPowers);
    reason = R_TRIAL_RETRY;
  } else {
    // D6: power loss says nothing about the image; it has its own, higher limit.
    if (u32(ctlPowers + 1) >= maxPowerAttempts) return rollBack(cand, R_ROLLBACK_POWER);
    ctlSetCounters(ctlFails, u32(ctlPowers + 1));
  }
  if (checkRecordedImage(cand, true) != OK) return rollBack(cand, R_TRIAL_INVALID); // D7
  if (ctlCommit(EV_TRIAL_BOOT) != OK) return failFlash();
  return boots(cand, reason);
}

/**
 * Decide which slot boots after a reset with the given reason. Returns the
 * slot, or NO_SLOT with bootReason R_NO_BOOTABLE_IMAGE (stay in recovery).
 * A boot that wrote no state of its own then scrubs the loaded one (writes it
 * again when a copy is missing), so a flipped bit is repaired at the next
 * power-up rather than left waiting for a second one. A failed scrub changes
 * nothing: the state still reads from its remaining copy.
 */
export function decideBoot(resetReason: i32): i32 {
  bootSlot = NO_SLOT;
  const slot: i32 = decideRows(resetReason);
  if (bootReason != R_FLASH_FAULT) ctlRefresh();
  return slot;
}

/** The application's health check passed: make the trial image permanent. */
export function confirmRunning(): i32 {
  if (ctlLoad() != OK) return E_FLASH;
  if (ctlSeq == 0) return E_NO_STATE;
  const cand: i32 = candidateSlot();
  if (cand == NO_SLOT) return ctlPrimary != NO_SLOT ? OK_NOTHING_TO_DO : E_NO_STATE;
  if (ctlSlotState(cand) != ST_TRIAL) return E_NOT_IN_TRIAL;
  // Never make permanent an image whose flash copy no longer verifies.
  const vs: i32 = checkRecordedImage(cand, true);
  if (vs != OK) return vs;
  ctlSetSlotState(cand, ST_CONFIRMED);
  ctlSetPrimary(cand);
  // Anti-rollback: the floor moves only here, when a newer image is confirmed.
  const counter: u32 = checkedSecurityCounter();
  if (counter > ctlFloor) ctlSetFloor(counter);
  ctlSetCounters(0, 0);
  return ctlCommit(EV_CONFIRMED) == OK ? OK : E_FLASH;
}

/** The application gives up on the trial (or a pending image): roll back at next boot. */
export function rejectCandidate(): i32 {
  if (ctlLoad() != OK) return E_FLASH;
  if (ctlSeq == 0) return E_NO_STATE;
  const cand: i32 = candidateSlot();
  if (cand == NO_SLOT) return E_NOT_IN_TRIAL;
  ctlSetSlotState(cand, ST_REJECTED);
  ctlSetCounters(0, 0);
  return ctlCommit(EV_REJECTED) == OK ? OK : E_FLASH;
}

