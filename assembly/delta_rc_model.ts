// Probability model of the delta "rc" codec, device side. Mirrors
// tools/delta/rc-model.ts decision for decision: any change must be made in
// both (the round-trip tests on real firmware catch a mismatch at once).

import { DeltaRangeDecoder, rcResetProbs } from "./delta_rc";
import { deltaCounterUpdate, deltaFillCounters, deltaMix3 } from "./delta_mix";

const RC_NUM_LOW_BITS: i32 = 3;
const RC_PAT_SLOTS: i32 = 64;
const RC_PAT_MAX: i32 = 8;
const RC_PAT_MIN: i32 = 2;
const RC_PAT_GAP: i32 = 3;
const RC_ZERO_RUN_CTX: i32 = 32;
const RC_ZERO_WORD_CTX: i32 = 1024;
const RC_ZERO_NEXT_CTX: i32 = 256;
const RC_DIFF_BYTE_CTX: i32 = 4;
const RC_LIT_CTX: i32 = 4;

/** Unsigned numbers: bit length by a treeBits-level tree, up to 3 modelled bits under the top one, the rest direct. */
export class DeltaNumberModel {
  treeBits: i32;
  maxBits: i32;
  lenTree: Uint16Array;
  low: Uint16Array;

  constructor(treeBits: i32, maxBits: i32) {
    this.treeBits = treeBits;
    this.maxBits = maxBits;
    this.lenTree = new Uint16Array(1 << treeBits);
    this.low = new Uint16Array((maxBits + 1) << RC_NUM_LOW_BITS);
  }

  reset(): void {
    rcResetProbs(this.lenTree);
    rcResetProbs(this.low);
  }

  /** The value; a bit length over maxBits sets rc.invalid and gives 0. */
  decode(rc: DeltaRangeDecoder): u32 {
    const tb = this.treeBits;
    let node: i32 = 1;
    for (let k: i32 = 0; k < tb; k++) node = (node << 1) | rc.bit(this.lenTree, node);
    const bits = node - (1 << tb);
    if (bits <= 1) return u32(bits);
    if (bits > this.maxBits) {
      rc.invalid = true;
      return 0;
    }
    const rest = bits - 1;
    const modelled = rest < RC_NUM_LOW_BITS ? rest : RC_NUM_LOW_BITS;
    const directBits = rest - modelled;
    const base = bits << RC_NUM_LOW_BITS;
    let t: i32 = 1;
    for (let k: i32 = 0; k < modelled; k++) t = (t << 1) | rc.bit(this.low, base + t);
    const lowPart = rc.direct(directBits);
    return u32(u32(u32(t) << u32(directBits)) | lowPart);
  }

  bytes(): i32 {
    return (this.lenTree.length + this.low.length) * 2 + 16;
  }
}

export class DeltaRcModel {
  copyLen: DeltaNumberModel = new DeltaNumberModel(5, 17);
  insertLen: DeltaNumberModel = new DeltaNumberModel(5, 17);
  seek: DeltaNumberModel = new DeltaNumberModel(6, 32);
  seekSign: Uint16Array = new Uint16Array(1);
  zeroRunCtx: Uint16Array = new Uint16Array(RC_ZERO_RUN_CTX);
  zeroWordCtx: Uint16Array = new Uint16Array(RC_ZERO_WORD_CTX);
  zeroNextCtx: Uint16Array = new Uint16Array(RC_ZERO_NEXT_CTX);
  diffByte: Uint16Array = new Uint16Array(RC_DIFF_BYTE_CTX * 256);
  lit: Uint16Array = new Uint16Array(RC_LIT_CTX * 256);
  patHit: Uint16Array = new Uint16Array(8);
  patIndex: Uint16Array = new Uint16Array(RC_PAT_SLOTS);
  /** Pattern cache: slots of RC_PAT_MAX bytes, most recent first, with lengths (0 = empty). */
  patBytes: Uint8Array = new Uint8Array(RC_PAT_SLOTS * RC_PAT_MAX);
  patLen: Uint8Array = new Uint8Array(RC_PAT_SLOTS);
  /** The run being collected, or a hit being replayed from it. */
  run: Uint8Array = new Uint8Array(RC_PAT_MAX);
  runLen: i32 = 0;
  runZeros: i32 = 0;
  replayAt: i32 = 0;
  replayLeft: i32 = 0;
  zeroRun: u32 = 0;
  prevOut: u32 = 0;

  reset(): void {
    this.copyLen.reset();
    this.insertLen.reset();
    this.seek.reset();
    rcResetProbs(this.seekSign);
    deltaFillCounters(this.zeroRunCtx);
    deltaFillCounters(this.zeroWordCtx);
    deltaFillCounters(this.zeroNextCtx);
    rcResetProbs(this.diffByte);
    rcResetProbs(this.lit);
    rcResetProbs(this.patHit);
    rcResetProbs(this.patIndex);
    for (let i: i32 = 0; i < RC_PAT_SLOTS; i++) unchecked((this.patLen[i] = 0));
    this.runLen = 0;
    this.runZeros = 0;
    this.replayAt = 0;
    this.replayLeft = 0;
    this.zeroRun = 0;
    this.prevOut = 0;
  }

  decodeSeekMagnitude(rc: DeltaRangeDecoder): u32 {
    return this.seek.decode(rc);
  }

  decodeSeekNegative(rc: DeltaRangeDecoder): bool {
    return rc.bit(this.seekSign, 0) != 0;
  }

  /**
   * Diff byte at new-image position `pos`; `oldNext` is the old byte after
   * this one, `oldTop` the old byte 3 - (pos & 3) after it (0 past the old
   * image). Sets rc.invalid on a corrupt stream.
   */
  decodeDiff(rc: DeltaRangeDecoder, pos: u32, oldNext: u32, oldTop: u32): u32 {
    if (this.replayLeft > 0) {
      const v = u32(unchecked(this.run[this.replayAt]));
      this.replayAt++;
      this.replayLeft--;
      this.zeroRun = v == 0 ? this.zeroRun + 1 : 0;
      return v;
    }
    const z = this.zeroRun;
    const zb: u32 = z < 4 ? z : z < 8 ? 4 : z < 16 ? 5 : z < 64 ? 6 : 7;
    const lane = pos & 3;
    const i1 = i32((zb << 2) | lane);
    const i2 = i32((((lane << 6) | (oldTop >>> 2)) << 2) | (zb < 3 ? zb : 3));
    const i3 = i32(((oldNext >>> 1) << 1) | (pos & 1));
    const c1 = u32(unchecked(this.zeroRunCtx[i1]));
    const c2 = u32(unchecked(this.zeroWordCtx[i2]));
    const c3 = u32(unchecked(this.zeroNextCtx[i3]));
    const nz = rc.bitP(deltaMix3(c1, c2, c3));
    unchecked((this.zeroRunCtx[i1] = deltaCounterUpdate(c1, nz)));
    unchecked((this.zeroWordCtx[i2] = deltaCounterUpdate(c2, nz)));
    unchecked((this.zeroNextCtx[i3] = deltaCounterUpdate(c3, nz)));
    if (nz == 0) {
      this.zeroRun = z + 1;
      if (this.runLen > 0) {
        unchecked((this.run[this.runLen] = 0));
        this.runLen++;
        this.runZeros++;
        if (this.runZeros == RC_PAT_GAP || this.runLen == RC_PAT_MAX) this.endRun();
      }
      return 0;
    }
    if (this.runLen == 0 && rc.bit(this.patHit, i32(zb)) != 0) {
      let node: i32 = 1;
      for (let k: i32 = 0; k < 6; k++) node = (node << 1) | rc.bit(this.patIndex, node);
      const hit = node - RC_PAT_SLOTS;
      const len = i32(unchecked(this.patLen[hit]));
      if (len == 0) {
        rc.invalid = true;
        return 0;
      }
      const at = hit * RC_PAT_MAX;
      for (let k: i32 = 0; k < len; k++) unchecked((this.run[k] = this.patBytes[at + k]));
      this.toFront(hit);
      this.replayAt = 1;
      this.replayLeft = len - 1;
      this.zeroRun = 0;
      return u32(unchecked(this.run[0]));
    }
    const base = i32(((z == 0 ? 2 : 0) | (pos & 1)) << 8);
    const probs = this.diffByte;
    let node: i32 = 1;
    for (let k: i32 = 0; k < 8; k++) node = (node << 1) | rc.bit(probs, base + node);
    const v = u32(node & 0xff);
    this.zeroRun = 0;
    unchecked((this.run[this.runLen] = u8(v)));
    this.runLen++;
    this.runZeros = 0;
    if (this.runLen == RC_PAT_MAX) this.endRun();
    return v;
  }

  /** The copy ended: a run being collected ends with it. */
  endCopy(): void {
    if (this.runLen > 0) this.endRun();
  }

  endRun(): void {
    const len = this.runLen - this.runZeros;
    this.runLen = 0;
    this.runZeros = 0;
    if (len < RC_PAT_MIN) return;
    const pb = this.patBytes;
    const pl = this.patLen;
    for (let i: i32 = RC_PAT_SLOTS * RC_PAT_MAX - 1; i >= RC_PAT_MAX; i--) unchecked((pb[i] = pb[i - RC_PAT_MAX]));
    for (let i: i32 = RC_PAT_SLOTS - 1; i >= 1; i--) unchecked((pl[i] = pl[i - 1]));
    for (let k: i32 = 0; k < len; k++) unchecked((pb[k] = this.run[k]));
    unchecked((pl[0] = u8(len)));
  }

  /** Moves slot `slot` to the front; its bytes are in `run` already. */
  toFront(slot: i32): void {
    const pb = this.patBytes;
    const pl = this.patLen;
    const len = unchecked(pl[slot]);
    for (let i: i32 = slot * RC_PAT_MAX + RC_PAT_MAX - 1; i >= RC_PAT_MAX; i--) unchecked((pb[i] = pb[i - RC_PAT_MAX]));
    for (let i: i32 = slot; i >= 1; i--) unchecked((pl[i] = pl[i - 1]));
    for (let k: i32 = 0; k < RC_PAT_MAX; k++) unchecked((pb[k] = this.run[k]));
    unchecked((pl[0] = len));
  }

  decodeLiteral(rc: DeltaRangeDecoder, pos: u32): u32 {
    const base = i32((((pos & 1) << 1) | (this.prevOut >>> 7)) << 8);
    const probs = this.lit;
    let node: i32 = 1;
    for (let k: i32 = 0; k < 8; k++) node = (node << 1) | rc.bit(probs, base + node);
    return u32(node & 0xff);
  }

  bytes(): i32 {
    return (
      this.copyLen.bytes() + this.insertLen.bytes() + this.seek.bytes() +
      (this.seekSign.length + this.zeroRunCtx.length + this.zeroWordCtx.length + this.zeroNextCtx.length +
        this.diffByte.length + this.lit.length + this.patHit.length + this.patIndex.length) * 2 +
      this.patBytes.length + this.patLen.length + this.run.length + 48
    );
  }
}
