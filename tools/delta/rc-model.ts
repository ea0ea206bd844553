// The "rc" codec's probability model, written once for both directions: every
// method takes the value to encode and returns the value coded, so the encoder
// and the reference decoder run the very same context logic (the device
// decoder in assembly/delta_rc_model.ts mirrors it).

import { RC_PROB_INIT, type BitCoder } from "./range-coder.js";

function probs(n: number): Uint16Array {
  return new Uint16Array(n).fill(RC_PROB_INIT);
}

/** Unsigned numbers < 2^32: bit length by a 6-level tree, then up to LOW_TREE_BITS modelled bits, rest direct. */
export const NUM_LOW_TREE_BITS = 3;
export class NumberModel {
  readonly lenTree = probs(64);
  readonly low = probs(33 << NUM_LOW_TREE_BITS);

  code(io: BitCoder, v: number): number {
    const nb = v === 0 ? 0 : 32 - Math.clz32(v);
    let node = 1;
    for (let k = 5; k >= 0; k--) node = (node << 1) | io.bit(this.lenTree, node, (nb >> k) & 1);
    const bits = node - 64;
    if (bits <= 1) return bits;
    const rest = bits - 1;
    const modelled = Math.min(rest, NUM_LOW_TREE_BITS);
    const directBits = rest - modelled;
    let t = 1;
    const base = bits << NUM_LOW_TREE_BITS;
    const hiPart = Math.floor(v / 2 ** directBits);
    for (let k = modelled - 1; k >= 0; k--) t = (t << 1) | io.bit(this.low, base + t, (hiPart >> k) & 1);
    const top = t; // 1 followed by the modelled bits: the MSB is implicit
    const lowPart = io.direct(directBits, v % 2 ** directBits);
    return top * 2 ** directBits + lowPart;
  }
}

export const DIFF_ZERO_CTX = 64;
export const DIFF_BYTE_CTX = 8;
export const LIT_CTX = 8;

export class RcModel {
  readonly copyLen = new NumberModel();
  readonly insertLen = new NumberModel();
  readonly seek = new NumberModel();
  readonly seekSign = probs(2);
  readonly diffZero = probs(DIFF_ZERO_CTX);
  readonly diffByte = probs(DIFF_BYTE_CTX * 256);
  readonly lit = probs(LIT_CTX * 256);
  /** Consecutive zero diffs before the next diff byte. */
  zeroRun = 0;
  prevOut = 0;

  codeSeek(io: BitCoder, v: number): number {
    const mag = this.seek.code(io, Math.abs(v));
    if (mag === 0) return 0;
    return io.bit(this.seekSign, 0, v < 0 ? 1 : 0) ? -mag : mag;
  }

  /** One diff byte at output position `pos`; returns the coded diff. */
  codeDiff(io: BitCoder, pos: number, d: number): number {
    const z = this.zeroRun;
    const zb = z < 4 ? z : z < 8 ? 4 : z < 16 ? 5 : z < 64 ? 6 : 7;
    const zctx = (zb << 2) | (pos & 3);
    if (io.bit(this.diffZero, zctx, d === 0 ? 0 : 1) === 0) {
      this.zeroRun++;
      return 0;
    }
    const base = ((z === 0 ? 4 : 0) | (pos & 3)) << 8;
    let node = 1;
    for (let k = 7; k >= 0; k--) node = (node << 1) | io.bit(this.diffByte, base + node, (d >> k) & 1);
    this.zeroRun = 0;
    return node & 0xff;
  }

  codeLiteral(io: BitCoder, b: number): number {
    const base = (this.prevOut >> 5) << 8;
    let node = 1;
    for (let k = 7; k >= 0; k--) node = (node << 1) | io.bit(this.lit, base + node, (b >> k) & 1);
    return node & 0xff;
  }
}
