// The "rc" codec's probability model, written once for both directions: every
// method takes the value to encode and returns the value coded, so the encoder
// and the reference decoder run the very same context logic. The device
// decoder (assembly/delta_rc_model.ts) mirrors it decision for decision.

import { COUNTER_INIT, counterUpdate, MIX_W_INIT, mixPredict, mixUpdate, stretch } from "./mix.js";
import { AddressPredictor } from "./predict.js";
import { RC_PROB_INIT, type BitCoder } from "./range-coder.js";

function probs(n: number): Uint16Array {
  return new Uint16Array(n).fill(RC_PROB_INIT);
}

/**
 * Unsigned numbers of at most maxBits bits: the bit length by a treeBits-level
 * tree, up to NUM_LOW_TREE_BITS modelled bits under the top one, the rest direct.
 */
export const NUM_LOW_TREE_BITS = 3;
export class NumberModel {
  readonly lenTree: Uint16Array;
  readonly low: Uint16Array;
  constructor(readonly treeBits: number, readonly maxBits: number) {
    this.lenTree = probs(1 << treeBits);
    this.low = probs((maxBits + 1) << NUM_LOW_TREE_BITS);
  }

  /** Returns the value, or -1 for a bit length over maxBits (corrupt stream). */
  code(io: BitCoder, v: number): number {
    const nb = v === 0 ? 0 : 32 - Math.clz32(v);
    let node = 1;
    for (let k = this.treeBits - 1; k >= 0; k--) node = (node << 1) | io.bit(this.lenTree, node, (nb >> k) & 1);
    const bits = node - (1 << this.treeBits);
    if (bits <= 1) return bits;
    if (bits > this.maxBits) return -1;
    const rest = bits - 1;
    const modelled = Math.min(rest, NUM_LOW_TREE_BITS);
    const directBits = rest - modelled;
    const base = bits << NUM_LOW_TREE_BITS;
    const hiPart = Math.floor(v / 2 ** directBits);
    let t = 1; // the implicit top bit, then the modelled bits
    for (let k = modelled - 1; k >= 0; k--) t = (t << 1) | io.bit(this.low, base + t, (hiPart >> k) & 1);
    const lowPart = io.direct(directBits, v % 2 ** directBits);
    return t * 2 ** directBits + lowPart;
  }
}

/** Recent diff patterns (runs of changed bytes), most recent first. */
export const PAT_SLOTS = 64;
export const PAT_MAX = 8;
/** Shorter runs are not remembered (the byte coder does them well). */
export const PAT_MIN = 2;
/** A run ends after this many zero diffs in a row. */
export const PAT_GAP = 3;

/** Zero-flag contexts: run of zeros x lane; lane x top byte of the old word; next old byte x parity. */
export const ZERO_RUN_CTX = 32;
export const ZERO_WORD_CTX = 512;
export const ZERO_NEXT_CTX = 256;
export const DIFF_BYTE_CTX = 4;
export const LIT_CTX = 4;

export class RcModel {
  readonly copyLen = new NumberModel(5, 17);
  readonly insertLen = new NumberModel(5, 17);
  readonly seek = new NumberModel(6, 32);
  readonly seekSign = probs(1);
  readonly zeroRunCtx = new Uint16Array(ZERO_RUN_CTX).fill(COUNTER_INIT);
  readonly zeroWordCtx = new Uint16Array(ZERO_WORD_CTX).fill(COUNTER_INIT);
  readonly zeroNextCtx = new Uint16Array(ZERO_NEXT_CTX).fill(COUNTER_INIT);
  readonly diffByte = probs(DIFF_BYTE_CTX * 256);
  readonly lit = probs(LIT_CTX * 256);
  readonly patHit = probs(8);
  readonly patIndex = probs(PAT_SLOTS);
  /** Pattern cache: PAT_SLOTS slots of PAT_MAX bytes, with their lengths (0 = empty). */
  readonly patBytes = new Uint8Array(PAT_SLOTS * PAT_MAX);
  readonly patLen = new Uint8Array(PAT_SLOTS);
  /** The run being collected, its length and trailing zeros; or a hit being replayed from it. */
  readonly run = new Uint8Array(PAT_MAX);
  runLen = 0;
  runZeros = 0;
  replayAt = 0;
  replayLeft = 0;
  readonly predictor = new AddressPredictor();
  /** Mixing weights of the zero flag, one set of three per zero-run bucket. */
  readonly mixW = new Int32Array(8 * 3).fill(MIX_W_INIT);
  /** Consecutive zero diffs before the next diff byte. */
  zeroRun = 0;
  prevOut = 0;

  codeSeek(io: BitCoder, v: number): number {
    const mag = this.seek.code(io, Math.abs(v));
    if (mag < 0) return NaN; // corrupt stream
    if (mag === 0) return 0;
    return io.bit(this.seekSign, 0, v < 0 ? 1 : 0) ? -mag : mag;
  }

  constructor(predictorMode = 0) {
    this.predictor.reset(predictorMode);
  }

  /**
   * One diff byte at new-image position `pos` (old position `oldPos`);
   * returns the coded diff, or -1 for a corrupt stream. `oldWord` holds the
   * old bytes oldPos..oldPos+3, little-endian, 0 past the old image;
   * `copyLeft` counts this byte and the rest of the copy. The encoder passes
   * the copy's diffs in ahead[at..end) (ahead[at] is `d`) so it can pick a
   * prediction or a cached pattern; the decoder passes null.
   */
  codeDiff(io: BitCoder, pos: number, oldPos: number, oldWord: number, copyLeft: number, d: number,
    ahead: Uint8Array | null = null, at = 0, end = 0): number {
    const pr = this.predictor;
    let v: number;
    if (pr.left > 0) v = this.replayPredicted();
    else if (this.replayLeft === 0 && pr.offer(pos, oldPos, oldWord, copyLeft) &&
      io.bit(pr.flag, pr.flagContext(), ahead !== null && pr.matches(ahead, at) ? 1 : 0)) {
      pr.take();
      if (this.runLen > 0) this.endRun();
      v = this.replayPredicted();
    } else {
      const lane = pos & 3;
      v = this.codePlainDiff(io, pos, d, (oldWord >>> 8) & 0xff, (oldWord >>> (8 * (3 - lane))) & 0xff, ahead, at, end);
      if (v < 0) return v;
    }
    pr.observe(pos, oldPos, oldWord & 0xff, ((oldWord & 0xff) + v) & 0xff);
    return v;
  }

  private replayPredicted(): number {
    const v = this.predictor.nextPredicted();
    this.zeroRun = v === 0 ? this.zeroRun + 1 : 0;
    return v;
  }

  private codePlainDiff(io: BitCoder, pos: number, d: number, oldNext: number, oldTop: number,
    ahead: Uint8Array | null, at: number, end: number): number {
    if (this.replayLeft > 0) {
      const v = this.run[this.replayAt++];
      this.replayLeft--;
      this.zeroRun = v === 0 ? this.zeroRun + 1 : 0;
      return v;
    }
    const z = this.zeroRun;
    const zb = z < 4 ? z : z < 8 ? 4 : z < 16 ? 5 : z < 64 ? 6 : 7;
    const lane = pos & 3;
    const i1 = (zb << 2) | lane;
    const i2 = (((lane << 5) | (oldTop >> 3)) << 2) | (zb < 3 ? zb : 3);
    const i3 = ((oldNext >> 1) << 1) | (pos & 1);
    const c1 = this.zeroRunCtx[i1];
    const c2 = this.zeroWordCtx[i2];
    const c3 = this.zeroNextCtx[i3];
    const s1 = stretch(c1 >> 4);
    const s2 = stretch(c2 >> 4);
    const s3 = stretch(c3 >> 4);
    const ws = zb * 3;
    const pm = mixPredict(this.mixW, ws, s1, s2, s3);
    const nz = io.bitP(pm, d === 0 ? 0 : 1);
    mixUpdate(this.mixW, ws, s1, s2, s3, pm, nz);
    this.zeroRunCtx[i1] = counterUpdate(c1, nz);
    this.zeroWordCtx[i2] = counterUpdate(c2, nz);
    this.zeroNextCtx[i3] = counterUpdate(c3, nz);
    if (nz === 0) {
      this.zeroRun++;
      if (this.runLen > 0) {
        this.run[this.runLen++] = 0;
        this.runZeros++;
        if (this.runZeros === PAT_GAP || this.runLen === PAT_MAX) this.endRun();
      }
      return 0;
    }
    if (this.runLen === 0) {
      // A run starts: a cached pattern, or new bytes.
      const slot = ahead ? this.findPattern(ahead, at, end) : -1;
      if (io.bit(this.patHit, zb, slot >= 0 ? 1 : 0)) {
        let node = 1;
        for (let k = 5; k >= 0; k--) node = (node << 1) | io.bit(this.patIndex, node, (slot >> k) & 1);
        const hit = node - PAT_SLOTS;
        const len = this.patLen[hit];
        if (len === 0) return -1;
        this.run.set(this.patBytes.subarray(hit * PAT_MAX, hit * PAT_MAX + len));
        this.toFront(hit);
        this.replayAt = 1;
        this.replayLeft = len - 1;
        this.zeroRun = 0;
        return this.run[0];
      }
    }
    const base = ((z === 0 ? 2 : 0) | (pos & 1)) << 8;
    let node = 1;
    for (let k = 7; k >= 0; k--) node = (node << 1) | io.bit(this.diffByte, base + node, (d >> k) & 1);
    const v = node & 0xff;
    this.zeroRun = 0;
    this.run[this.runLen++] = v;
    this.runZeros = 0;
    if (this.runLen === PAT_MAX) this.endRun();
    return v;
  }

  /** The copy ended: a run being collected ends with it. */
  endCopy(): void {
    if (this.runLen > 0) this.endRun();
    this.predictor.endCopy();
  }

  private endRun(): void {
    const len = this.runLen - this.runZeros;
    this.runLen = 0;
    this.runZeros = 0;
    if (len < PAT_MIN) return;
    this.patBytes.copyWithin(PAT_MAX, 0, (PAT_SLOTS - 1) * PAT_MAX);
    this.patLen.copyWithin(1, 0, PAT_SLOTS - 1);
    this.patBytes.set(this.run.subarray(0, len), 0);
    this.patLen[0] = len;
  }

  private toFront(slot: number): void {
    const len = this.patLen[slot];
    const tmp = this.patBytes.slice(slot * PAT_MAX, slot * PAT_MAX + PAT_MAX);
    this.patBytes.copyWithin(PAT_MAX, 0, slot * PAT_MAX);
    this.patLen.copyWithin(1, 0, slot);
    this.patBytes.set(tmp, 0);
    this.patLen[0] = len;
  }

  /** Encoder: the slot whose pattern matches ahead[at..] longest (first such), or -1. */
  private findPattern(ahead: Uint8Array, at: number, end: number): number {
    let best = -1;
    let bestLen = 0;
    for (let s = 0; s < PAT_SLOTS; s++) {
      const len = this.patLen[s];
      if (len <= bestLen || at + len > end) continue;
      let k = 0;
      while (k < len && this.patBytes[s * PAT_MAX + k] === ahead[at + k]) k++;
      if (k === len) {
        best = s;
        bestLen = len;
      }
    }
    return best;
  }

  /** A literal at new-image position `pos`. */
  codeLiteral(io: BitCoder, pos: number, b: number): number {
    const base = (((pos & 1) << 1) | (this.prevOut >> 7)) << 8;
    let node = 1;
    for (let k = 7; k >= 0; k--) node = (node << 1) | io.bit(this.lit, base + node, (b >> k) & 1);
    return node & 0xff;
  }
}

/** Old bytes at..at+3 as a little-endian word, 0 past the end (context and prediction only). */
export function oldWordAt(old: Uint8Array, at: number): number {
  const b = (k: number) => (at + k < old.length ? old[at + k] : 0);
  return (b(0) | (b(1) << 8) | (b(2) << 16) | (b(3) << 24)) >>> 0;
}
