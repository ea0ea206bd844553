// Probability model of the delta "rc" codec, device side. Mirrors
// tools/delta/rc-model.ts decision for decision: any change must be made in
// both (the round-trip tests on real firmware catch a mismatch at once).

import { DeltaRangeDecoder, rcResetProbs } from "./delta_rc";

const RC_NUM_LOW_BITS: i32 = 3;
const RC_DIFF_ZERO_CTX: i32 = 64;
const RC_DIFF_BYTE_CTX: i32 = 8;
const RC_LIT_CTX: i32 = 8;

/** Unsigned numbers: bit length by a 6-level tree, up to 3 modelled bits under the top one, the rest direct. */
export class DeltaNumberModel {
  lenTree: Uint16Array = new Uint16Array(64);
  low: Uint16Array = new Uint16Array(33 << RC_NUM_LOW_BITS);

  reset(): void {
    rcResetProbs(this.lenTree);
    rcResetProbs(this.low);
  }

  decode(rc: DeltaRangeDecoder): u32 {
    let node: i32 = 1;
    for (let k: i32 = 0; k < 6; k++) node = (node << 1) | rc.bit(this.lenTree, node);
    const bits = node - 64;
    if (bits <= 1) return u32(bits);
    if (bits > 32) {
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
    return (this.lenTree.length + this.low.length) * 2;
  }
}

export class DeltaRcModel {
  copyLen: DeltaNumberModel = new DeltaNumberModel();
  insertLen: DeltaNumberModel = new DeltaNumberModel();
  seek: DeltaNumberModel = new DeltaNumberModel();
  seekSign: Uint16Array = new Uint16Array(2);
  diffZero: Uint16Array = new Uint16Array(RC_DIFF_ZERO_CTX);
  diffByte: Uint16Array = new Uint16Array(RC_DIFF_BYTE_CTX * 256);
  lit: Uint16Array = new Uint16Array(RC_LIT_CTX * 256);
  zeroRun: u32 = 0;
  prevOut: u32 = 0;

  reset(): void {
    this.copyLen.reset();
    this.insertLen.reset();
    this.seek.reset();
    rcResetProbs(this.seekSign);
    rcResetProbs(this.diffZero);
    rcResetProbs(this.diffByte);
    rcResetProbs(this.lit);
    this.zeroRun = 0;
    this.prevOut = 0;
  }

  /** Magnitude of the seek; its sign goes to `negative`. */
  decodeSeekMagnitude(rc: DeltaRangeDecoder): u32 {
    return this.seek.decode(rc);
  }

  decodeSeekNegative(rc: DeltaRangeDecoder): bool {
    return rc.bit(this.seekSign, 0) != 0;
  }

  /** Diff byte at new-image position `pos`. */
  decodeDiff(rc: DeltaRangeDecoder, pos: u32): u32 {
    const z = this.zeroRun;
    const zb: u32 = z < 4 ? z : z < 8 ? 4 : z < 16 ? 5 : z < 64 ? 6 : 7;
    const lane = pos & 3;
    if (rc.bit(this.diffZero, i32((zb << 2) | lane)) == 0) {
      this.zeroRun = z + 1;
      return 0;
    }
    const base = i32(((z == 0 ? 4 : 0) | lane) << 8);
    const probs = this.diffByte;
    let node: i32 = 1;
    for (let k: i32 = 0; k < 8; k++) node = (node << 1) | rc.bit(probs, base + node);
    this.zeroRun = 0;
    return u32(node & 0xff);
  }

  decodeLiteral(rc: DeltaRangeDecoder): u32 {
    const base = i32((this.prevOut >>> 5) << 8);
    const probs = this.lit;
    let node: i32 = 1;
    for (let k: i32 = 0; k < 8; k++) node = (node << 1) | rc.bit(probs, base + node);
    return u32(node & 0xff);
  }

  bytes(): i32 {
    return (
      this.copyLen.bytes() + this.insertLen.bytes() + this.seek.bytes() +
      (this.seekSign.length + this.diffZero.length + this.diffByte.length + this.lit.length) * 2
    );
  }
}
