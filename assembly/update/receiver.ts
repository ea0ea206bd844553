// The update receiver: takes a package (docs/formats.md) in chunks of any
// size, checks the manifest before any payload byte reaches flash, checks
// every payload block against the signed hash chain, decodes (raw, compressed
// or delta) into the inactive slot, persists resume points, and makes the slot
// pending only after the rebuilt image passes the same checks as a boot.
//
// States (docs/formats.md "Receiver states"):
//   RX_IDLE -> RX_MANIFEST -> RX_DATA <-> RX_NEXT -> RX_DONE;  any -> RX_FAILED
import { Sha256 } from "../crypto/sha256";
import { equalBytes, copyBytes } from "../common/bytes";
import {
  mfBytes, mfDigest, MANIFEST_SIZE, checkManifest, mfImageSize, mfEncoding, mfCodec, mfBlockSize, mfDataSize,
  mfBlockCount, mfBaseSize, mfSecurityCounter, mfImageDigestAt, mfChainHeadAt, mfBaseDigestAt, mfVersionMatches,
  ENC_RAW, ENC_DELTA,
} from "./manifest";
import { mfHeadSize, mfEncryption } from "./manifest";
import { decHasKey, decPrivateKey } from "./decryption-key";
import { decryptAvailable, decryptor } from "../crypt/decryptor";
import { getU32 } from "../common/bytes";
import { flashRead } from "../common/flash";
import { ctlLoad, ctlSeq, ctlPrimary, ctlSlotState, ST_EMPTY, ST_TRIAL } from "../boot/bootctl";
import { installTarget, prepareTarget, commitTarget } from "./writer";
import { slotWriteBegin, slotWrite, slotWriteFlush, slotWriteDurable, slotWriteCheck } from "./slotwrite";
import {
  resumeFind, resumeSlotMatches, resumeForget, resumeSave, rsBlock, rsDataOffset, rsImageBytes, rsExpect,
  rsCodecPatch, rsCodecOut, rsCheckRead,
} from "./resume";
import { verifyImageDigest, imgHashByHost, imgDigest, imgTotalSize, imgVerMajor, imgVerMinor, imgVerRevision, imgVerBuild } from "../boot/image";
import { checkSlotImage, checkedSecurityCounter } from "../boot/verify";
import { deltaApplier, deltaAvailable } from "../codecs/delta_applier";
import { DELTA_BLOCK_SIZE } from "../codecs/delta_format";
import { slotAddr, sectorSize, NO_SLOT } from "../common/layout";
import { trustHasKey, trustManifestVouches } from "./trust";
import { vouchForImage } from "./provenance";
import {
  OK, E_FLASH, E_TRUNCATED, E_TRIAL_IN_PROGRESS, E_BASE_MISMATCH, E_CHAIN_MISMATCH, E_TRAILING,
  E_IMAGE_MISMATCH, E_RX_STATE, E_DIGEST_MISMATCH, E_CODECS_NOT_LOADED, E_HOST_HASH,
  E_ENCRYPTED_IMAGE, E_ENC_NOT_LOADED, E_ENC_KEY_MISSING,
} from "../common/status";
import { hostSha256Begin, hostSha256Update, hostSha256Finish } from "../common/host";

export const RX_IDLE: i32 = 0;
export const RX_MANIFEST: i32 = 1;
export const RX_DATA: i32 = 2;
export const RX_NEXT: i32 = 3;
export const RX_DONE: i32 = 4;
export const RX_FAILED: i32 = 5;

export let rxState: i32 = RX_IDLE;
let rxFailure: i32 = 0;
/** Package offset of the next byte the receiver expects. */
export let rxPos: u32 = 0;
export let rxSlot: i32 = NO_SLOT;
/** True when the current download continues an interrupted one. */
export let rxResumed: bool = false;
let rxMfLen: i32 = 0;
let rxBlock: u32 = 0;
let rxBlockData: u32 = 0;
let rxBlockLen: u32 = 0;
let rxNextLen: i32 = 0;
let rxDataPos: u32 = 0;
let rxSkipUntil: u32 = 0;
export let rxImagePos: u32 = 0;
let rxLastSaved: u32 = 0;
/** Cleared when the resume log fails: the rest of the download goes on without resume points. */
let rxSaving: bool = true;
let rxDelta: bool = false;
// A codec block start seen by drainDelta(), saved once its data is verified.
let rxPendingPatch: u32 = 0;
let rxPendingOut: u32 = 0;
// The slot check over [0, rxPendingOut), taken when the pending point was on flash.
let rxPendingCheck: u32 = 0;
let rxPending: bool = false;
/** Resume records written during this download (for figures). */
export let rxSaves: u32 = 0;
const rxChain: Sha256 = new Sha256();
/** The current block is hashed by the host (see chainBegin). */
let rxChainByHost: bool = false;
/** The host refused a piece of the current block. */
let rxChainHostFault: bool = false;
const rxExpect: Uint8Array = new Uint8Array(32);
/** The expected digest of the block before the current one: a codec block may start there. */
const rxPrevExpect: Uint8Array = new Uint8Array(32);
const rxNext: Uint8Array = new Uint8Array(32);
const rxDigest: Uint8Array = new Uint8Array(32);
const rxOut: Uint8Array = new Uint8Array(256);

function fail(status: i32): i32 {
  rxState = RX_FAILED;
  rxFailure = status;
  return status;
}

function blockLen(k: u32): u32 {
  const start: u32 = u32(k * mfBlockSize);
  const left: u32 = u32(mfDataSize - start);
  return left < mfBlockSize ? left : mfBlockSize;
}

function blockPackageOffset(k: u32): u32 {
  return u32(mfHeadSize() + u32(k * u32(mfBlockSize + 32)));
}

/**
 * A chain block's digest: by the host's SHA-256 when image hashing is the
 * host's (hashByHost) and it takes this block (a native one is far faster
 * than the core's in an interpreter), else by the core's.
 */
function chainBegin(len: u32): void {
  rxChainByHost = imgHashByHost && hostSha256Begin(len) == OK;
  rxChainHostFault = false;
  if (!rxChainByHost) rxChain.reset();
}

function chainUpdate(buf: Uint8Array, off: i32, len: i32): void {
  if (!rxChainByHost) rxChain.update(buf, off, len);
  else if (hostSha256Update(buf, u32(off), u32(len)) != OK) rxChainHostFault = true;
}

/** The block's digest into rxDigest; false if the host failed to make it. */
function chainFinish(): bool {
  if (!rxChainByHost) {
    rxChain.finish(rxDigest, 0);
    return true;
  }
  return hostSha256Finish(rxDigest, 0) == OK && !rxChainHostFault;
}

function enterBlock(k: u32): void {
  rxBlock = k;
  rxBlockData = 0;
  rxBlockLen = blockLen(k);
  rxNextLen = 0;
  rxDataPos = u32(k * mfBlockSize);
  rxPos = blockPackageOffset(k);
  // Each block hashes its data and the 32-byte digest of the next one.
  chainBegin(u32(rxBlockLen + 32));
  rxState = RX_DATA;
}

export function rxBegin(): void {
  rxState = RX_MANIFEST;
  rxFailure = 0;
  rxPos = 0;
  rxMfLen = 0;
  rxSlot = NO_SLOT;
  rxResumed = false;
  rxSaves = 0;
}

/** Everything that must hold before the first payload byte is written. */
function startPayload(): i32 {
  // The boot state first: the manifest is checked against its anti-rollback floor.
  if (ctlLoad() != OK) return E_FLASH;
  const ms: i32 = checkManifest();
  if (ms != OK) return ms;
  // An encrypted payload (docs/formats.md "Encrypted packages"): for this
  // device, and its key wrap opens, or nothing is written.
  if (mfEncryption != 0) {
    if (!decHasKey) return E_ENCRYPTED_IMAGE;
    const es: i32 = decryptor().openPackage(decryptor().block, 0, mfEncryption == 1 ? 16 : 32, decPrivateKey, 0);
    if (es != OK) return es;
  }
  rxDelta = mfEncoding != ENC_RAW;
  let oldAddr: u32 = 0;
  let oldSize: u32 = 0;
  if (mfEncoding == ENC_DELTA) {
    // The base must be the image this device runs, byte for byte.
    if (ctlPrimary == NO_SLOT) return E_BASE_MISMATCH;
    if (verifyImageDigest(ctlPrimary) != OK) return E_BASE_MISMATCH;
    if (!equalBytes(imgDigest, 0, mfBytes, mfBaseDigestAt(), 32) || imgTotalSize != mfBaseSize) return E_BASE_MISMATCH;
    oldAddr = slotAddr(ctlPrimary);
    oldSize = mfBaseSize;
  }
  const t: i32 = ctlSeq == 0 ? NO_SLOT : installTarget();
  if (t != NO_SLOT && ctlSlotState(t) == ST_TRIAL) return E_TRIAL_IN_PROGRESS;
  // Resuming is an optimisation: a resume log that fails, a record that does
  // not fit this package, or a slot that no longer holds what the record
  // vouches for all mean the download starts over.
  let resume: bool = false;
  if (t != NO_SLOT && ctlSlotState(t) == ST_EMPTY && resumeFind(mfDigest, t) == 1) {
    resume = rsBlock < mfBlockCount && rsImageBytes < mfImageSize && rsImageBytes % sectorSize == 0 &&
      rsDataOffset >= u32(rsBlock * mfBlockSize) && rsDataOffset <= u32(u32(rsBlock * mfBlockSize) + blockLen(rsBlock)) &&
      resumeSlotMatches(t);
  }
  if (resume) {
    rxSlot = t;
    rxResumed = true;
  } else {
    const pt: i32 = prepareTarget();
    if (pt < 0) return pt;
    rxSlot = pt;
    // Older records must not apply to a slot this download is about to
    // rewrite (best-effort: the slot check covers a record it cannot void).
    resumeForget();
  }
  rxSaving = true;
  if (rxDelta) {
    // A board may load the codecs only for packages that need them; without them, refuse before writing.
    if (!deltaAvailable()) return E_CODECS_NOT_LOADED;
    const ds: i32 = deltaApplier().begin(oldAddr, oldSize, mfImageSize, i32(mfCodec));
    if (ds != 0) return ds;
    if (resume && rsCodecOut > 0) {
      const rs: i32 = deltaApplier().resume(rsCodecPatch, rsCodecOut);
      if (rs != 0) return rs;
    }
  }
  if (resume) {
    slotWriteBegin(rxSlot, rsImageBytes, true, rsCheckRead);
    rxImagePos = rsImageBytes;
    rxLastSaved = rsImageBytes;
    rxSkipUntil = rsDataOffset;
    rxPending = false;
    for (let i: i32 = 0; i < 32; i++) rxExpect[i] = rsExpect[i];
    enterBlock(rsBlock);
  } else {
    slotWriteBegin(rxSlot, 0, true, 0);
    rxImagePos = 0;
    rxLastSaved = 0;
    rxSkipUntil = 0;
    rxPending = false;
    for (let i: i32 = 0; i < 32; i++) rxExpect[i] = mfBytes[mfChainHeadAt() + i];
    enterBlock(0);
  }
  return OK;
}

/**
 * Persist a resume point. Only ever called once every payload byte before
 * `dataOffset` has passed its chain check, so the flash up to `imageBytes`
 * (a sector boundary, fully programmed) came from authentic data. A resume
 * log that fails costs only the resume points: the download goes on.
 */
function savePoint(block: u32, expect: Uint8Array, dataOffset: u32, imageBytes: u32, slotCheck: u32): i32 {
  if (!rxSaving || imageBytes <= rxLastSaved || imageBytes >= mfImageSize || imageBytes % sectorSize != 0) return OK;
  if (resumeSave(mfDigest, rxSlot, block, dataOffset, imageBytes, expect, dataOffset, imageBytes, slotCheck) != OK) {
    // Every further try would cost program attempts and erases, for nothing.
    rxSaving = false;
    return OK;
  }
  rxLastSaved = imageBytes;
  rxSaves++;
  return OK;
}

function writeRaw(buf: Uint8Array, off: i32, len: i32): i32 {
  const ws: i32 = slotWrite(buf, off, len);
  if (ws != OK) return ws;
  rxImagePos = u32(rxImagePos + u32(len));
  return OK;
}

/** Pull decoded bytes out of the delta applier onto flash, noting codec block starts. */
function drainDelta(): i32 {
  let p: i32 = 1;
  while (p != 0) {
    // The applier stops at a codec block boundary only inside a call that
    // produced output; never let a call end exactly on a block's last byte,
    // or the boundary (a resume point) would pass unseen.
    const toBoundary: u32 = u32(DELTA_BLOCK_SIZE - (rxImagePos & u32(DELTA_BLOCK_SIZE - 1)));
    let max: i32 = rxOut.length;
    if (toBoundary > 1 && toBoundary <= u32(max)) max = i32(toBoundary - 1);
    p = deltaApplier().poll(rxOut, 0, max);
    if (p < 0) return p;
    if (p > 0) {
      const ws: i32 = slotWrite(rxOut, 0, p);
      if (ws != OK) return ws;
      rxImagePos = u32(rxImagePos + u32(p));
    }
    if (deltaApplier().atBlockStart() && deltaApplier().outputOffset() == rxImagePos && slotWriteDurable() == rxImagePos &&
      rxImagePos % sectorSize == 0 && rxImagePos > rxLastSaved) {
      const cp: u32 = deltaApplier().patchOffset();
      const blockStart: u32 = u32(rxBlock * mfBlockSize);
      if (cp > blockStart) {
        // Part of the data before cp is in the block being received: wait for its check.
        rxPending = true;
        rxPendingPatch = cp;
        rxPendingOut = rxImagePos;
        rxPendingCheck = slotWriteCheck();
      } else if (cp == blockStart) {
        const ss: i32 = savePoint(rxBlock, rxExpect, cp, rxImagePos, slotWriteCheck());
        if (ss != OK) return ss;
      } else if (rxBlock > 0 && cp >= u32(blockStart - mfBlockSize)) {
        // The applier read ahead: the codec block began in the previous, already checked, block.
        const ss: i32 = savePoint(u32(rxBlock - 1), rxPrevExpect, cp, rxImagePos, slotWriteCheck());
        if (ss != OK) return ss;
      }
    }
  }
  return OK;
}

/** Block `k` (ending at data offset `end`) just passed its chain check: persist what is now safe. */
function afterVerifiedBlock(k: u32, end: u32): i32 {
  if (!rxDelta) {
    // Raw: the image offset is the data offset, and all of it is on flash.
    return slotWriteDurable() == end ? savePoint(u32(k + 1), rxExpect, end, end, slotWriteCheck()) : OK;
  }
  if (!rxPending || rxPendingPatch > end) return OK;
  rxPending = false;
  if (rxPendingPatch == end) return savePoint(u32(k + 1), rxExpect, end, rxPendingOut, rxPendingCheck);
  // The codec block starts inside block k: fetch k again, skip to its start.
  if (rxPendingPatch < u32(k * mfBlockSize)) return OK;
  return savePoint(k, rxPrevExpect, rxPendingPatch, rxPendingOut, rxPendingCheck);
}

function writeDelta(buf: Uint8Array, off: i32, len: i32): i32 {
  let o: i32 = off;
  let n: i32 = len;
  while (n > 0) {
    const acc: i32 = deltaApplier().sink(buf, o, n);
    if (acc < 0) return acc;
    o += acc;
    n -= acc;
    const ds: i32 = drainDelta();
    if (ds != OK) return ds;
    if (acc == 0 && n > 0) {
      // The applier took nothing and produced nothing: it cannot progress.
      const again: i32 = deltaApplier().sink(buf, o, n);
      if (again <= 0) return again < 0 ? again : E_RX_STATE;
      o += again;
      n -= again;
    }
  }
  return OK;
}

/** Data bytes of the current block: hash them all, decode those past the resume point. */
function takeData(buf: Uint8Array, off: i32, len: i32): i32 {
  chainUpdate(buf, off, len);
  let skip: i32 = 0;
  if (rxDataPos < rxSkipUntil) {
    const behind: u32 = u32(rxSkipUntil - rxDataPos);
    skip = behind >= u32(len) ? len : i32(behind);
  }
  let s: i32 = OK;
  // Decrypted after the chain hash (over the ciphertext), before decoding;
  // AES-CTR from data offset 0, so a resumed download seeks to its offset.
  if (len > skip && mfEncryption != 0) {
    decryptor().seek(u32(rxDataPos + u32(skip)));
    decryptor().xor(buf, off + skip, len - skip);
  }
  if (len > skip) s = rxDelta ? writeDelta(buf, off + skip, len - skip) : writeRaw(buf, off + skip, len - skip);
  rxDataPos = u32(rxDataPos + u32(len));
  rxBlockData = u32(rxBlockData + u32(len));
  rxPos = u32(rxPos + u32(len));
  return s;
}

function endBlock(): i32 {
  if (!chainFinish()) return E_HOST_HASH;
  if (!equalBytes(rxDigest, 0, rxExpect, 0, 32)) return E_CHAIN_MISMATCH;
  copyBytes(rxPrevExpect, 0, rxExpect, 0, 32);
  copyBytes(rxExpect, 0, rxNext, 0, 32);
  const k: u32 = u32(rxBlock + 1);
  if (k == mfBlockCount) {
    rxState = RX_DONE;
    return OK;
  }
  const ss: i32 = afterVerifiedBlock(rxBlock, u32(k * mfBlockSize));
  if (ss != OK) return ss;
  enterBlock(k);
  return OK;
}

/**
 * Consume package bytes starting at package offset rxPos. Returns the number
 * of bytes consumed (it stops early right after the manifest, since a resumed
 * download continues at a later offset: the caller re-reads rxPos), or a
 * negative status. Errors are sticky until rxBegin().
 */
export function rxWrite(buf: Uint8Array, off: i32, len: i32): i32 {
  if (rxState == RX_FAILED) return rxFailure;
  if (rxState == RX_IDLE) return E_RX_STATE;
  let i: i32 = 0;
  while (i < len) {
    if (rxState == RX_MANIFEST) {
      while (i < len && rxMfLen < MANIFEST_SIZE) {
        mfBytes[rxMfLen] = buf[off + i];
        rxMfLen++;
        i++;
      }
      // An encrypted package's encryption block follows the manifest; it goes
      // into the decryption unit, which must then be there. A device without
      // a key refuses here, in every build: the JS update module would
      // otherwise load its decryption unit only to hold a block it cannot open.
      if (rxMfLen >= MANIFEST_SIZE && u32(rxMfLen) < mfHeadSize()) {
        if (!decHasKey) return fail(E_ENCRYPTED_IMAGE);
        if (!decryptAvailable()) return fail(E_ENC_NOT_LOADED);
      }
      while (i < len && rxMfLen >= MANIFEST_SIZE && u32(rxMfLen) < mfHeadSize()) {
        decryptor().block[rxMfLen - MANIFEST_SIZE] = buf[off + i];
        rxMfLen++;
        i++;
      }
      rxPos = u32(rxMfLen);
      if (rxMfLen < MANIFEST_SIZE || u32(rxMfLen) < mfHeadSize()) return i;
      const ss: i32 = startPayload();
      if (ss != OK) return fail(ss);
      return i;
    } else if (rxState == RX_DATA) {
      let n: i32 = i32(rxBlockLen - rxBlockData);
      if (n > len - i) n = len - i;
      const ts: i32 = takeData(buf, off + i, n);
      if (ts != OK) return fail(ts);
      i += n;
      if (rxBlockData == rxBlockLen) rxState = RX_NEXT;
    } else if (rxState == RX_NEXT) {
      let n: i32 = 32 - rxNextLen;
      if (n > len - i) n = len - i;
      copyBytes(rxNext, rxNextLen, buf, off + i, n);
      chainUpdate(buf, off + i, n);
      rxNextLen += n;
      i += n;
      rxPos = u32(rxPos + u32(n));
      if (rxNextLen == 32) {
        const es: i32 = endBlock();
        if (es != OK) return fail(es);
      }
    } else {
      // RX_DONE: the payload is complete; anything more is not ours.
      return fail(E_TRAILING);
    }
  }
  return i;
}

/** All bytes in: finish decoding, verify the rebuilt image, make it pending. */
export function rxComplete(): i32 {
  if (rxState == RX_FAILED) return rxFailure;
  if (rxState != RX_DONE) return rxState == RX_IDLE ? E_RX_STATE : E_TRUNCATED;
  if (rxDelta) {
    const ds: i32 = drainDelta();
    if (ds != OK) return fail(ds);
    const fs: i32 = deltaApplier().finish();
    if (fs != 0) return fail(fs);
  }
  if (rxImagePos != mfImageSize) return failFinal(E_IMAGE_MISMATCH);
  const fl: i32 = slotWriteFlush();
  if (fl != OK) return fail(fl);
  // A package carries a plaintext image (the package may be encrypted): one
  // flagged ENCRYPTED_AES128/256 was never decrypted. Refused as installing
  // it would be: without a key as unsupported, with one as lacking its entry.
  if (flashRead(slotAddr(rxSlot), rxOut, 0, 20) != OK) return fail(E_FLASH);
  if ((getU32(rxOut, 16) & 0x0c) != 0) return failFinal(decHasKey ? E_ENC_KEY_MISSING : E_ENCRYPTED_IMAGE);
  if (trustManifestVouches) vouchForImage(mfBytes, mfImageDigestAt());
  const vs: i32 = checkSlotImage(rxSlot);
  vouchForImage(mfBytes, -1);
  // A read the driver failed, even after its retries (common/flash.ts), says
  // nothing of the image: the download is kept, and the resume checks it
  // again instead of fetching it all again.
  if (vs == E_FLASH) return fail(vs);
  if (vs != OK) return failFinal(vs);
  // The image must be exactly the one the manifest describes.
  if (!equalBytes(imgDigest, 0, mfBytes, mfImageDigestAt(), 32)) return failFinal(E_DIGEST_MISMATCH);
  if (imgTotalSize != mfImageSize) return failFinal(E_IMAGE_MISMATCH);
  if (!mfVersionMatches(imgVerMajor, imgVerMinor, imgVerRevision, imgVerBuild)) return failFinal(E_IMAGE_MISMATCH);
  if (trustHasKey && checkedSecurityCounter() != mfSecurityCounter) return failFinal(E_IMAGE_MISMATCH);
  const cs: i32 = commitTarget(rxSlot);
  if (cs != OK) return fail(cs);
  rxState = RX_IDLE;
  return OK;
}

/**
 * The rebuilt image failed its final check (e.g. bit rot in the part written
 * before a reset): resuming would only rebuild the same image, so the next
 * attempt must start from the beginning.
 */
function failFinal(status: i32): i32 {
  resumeForget();
  return fail(status);
}

export function rxCancel(): void {
  rxState = RX_IDLE;
}
