// Probability model of the delta "rc" codec, device side. Mirrors
// tools/delta/rc-model.ts decision for decision: any change must be made in
// both (the round-trip tests on real firmware catch a mismatch at once).
//
// All probabilities live in one Uint16Array and all pattern bytes in one
// Uint8Array (regions at fixed offsets): each typed array costs object
// headers, and the applier's whole budget is 16 KiB.

import { DeltaRangeDecoder, RC_TOP } from "./delta_rc";
import {
  DELTA_COUNTER_INIT, DELTA_MIX_W_INIT, deltaCounterUpdate, deltaMixPredict, deltaMixUpdate, deltaStretch,
} from "./delta_mix";
import { DeltaPredictor, PRB_PRED, PRB_SIZE, PRED_SLOTS } from "./delta_predict";

const RC_NUM_LOW_BITS: i32 = 3;
const RC_PAT_SLOTS: i32 = 64;
const RC_PAT_MAX: i32 = 8;
const RC_PAT_MIN: i32 = 2;
const RC_PAT_GAP: i32 = 3;

// Regions of the probability array: adaptive bit probabilities (11-bit) ...
// The applier decodes the op fields (lengths, seek) with rcDecodeNumber over
// the first regions itself: on Espruino a one-line wrapper method costs about
// ten variables for as long as the codecs are loaded.
export const RCP_COPY_TREE: i32 = 0; // 5-level bit-length tree of copy lengths
export const RCP_COPY_LOW: i32 = 32; // (17 + 1) << 3
export const RCP_INS_TREE: i32 = 176;
export const RCP_INS_LOW: i32 = 208;
export const RCP_SEEK_TREE: i32 = 352; // 6-level tree
export const RCP_SEEK_LOW: i32 = 416; // (32 + 1) << 3
export const RCP_SEEK_SIGN: i32 = 680;
const RCP_PAT_HIT: i32 = 681; // 8 zero-run buckets
const RCP_PAT_INDEX: i32 = 689; // 6-level tree
const RCP_PRED_FLAG: i32 = 753; // 4 reference kinds x 4 confidence levels
const RCP_DIFF_BYTE: i32 = 769; // 4 contexts x 256
export const RCP_LIT: i32 = 1793; // 4 contexts x 256 (literals: decoded in the applier's insert loop)
const RCP_COUNTERS: i32 = 2817;
// ... then counter states (12-bit probability + 4-bit count) of the zero flag.
const RCP_ZERO_RUN: i32 = 2817; // 32: zero-run bucket x lane
const RCP_ZERO_WORD: i32 = 2849; // 512: lane x top old byte of the word (5 bits) x short zero run
const RCP_ZERO_NEXT: i32 = 3361; // 256: next old byte x parity
const RCP_SIZE: i32 = 3617;

// Regions of the pattern array.
const RCB_LEN: i32 = RC_PAT_SLOTS * RC_PAT_MAX; // slot lengths (0 = empty)
const RCB_RUN: i32 = RCB_LEN + RC_PAT_SLOTS; // the run being collected or replayed
const RCB_SIZE: i32 = RCB_RUN + RC_PAT_MAX;
/** Zero-flag mixing weights: a set of three per zero-run bucket. */
const RC_MIX_WEIGHTS: i32 = 8 * 3;

/** Payload bytes of the model's arrays (probabilities, patterns, weights, predictor). */
export const RC_MODEL_BYTES: i32 = RCP_SIZE * 2 + RCB_SIZE + RC_MIX_WEIGHTS * 4 + PRED_SLOTS * 4 + PRB_SIZE;

/** Unsigned number: bit length by a treeBits-level tree, up to 3 modelled bits under the top one, the rest direct. */
export function rcDecodeNumber(rc: DeltaRangeDecoder, p: Uint16Array, tree: i32, low: i32, treeBits: i32, maxBits: i32): u32 {
  let node: i32 = 1;
  for (let k: i32 = 0; k < treeBits; k++) node = (node << 1) | rc.bit(p, tree + node);
  const bits = node - (1 << treeBits);
  if (bits <= 1) return u32(bits);
  if (bits > maxBits) {
    rc.invalid = true;
    return 0;
  }
  const rest = bits - 1;
  const modelled = rest < RC_NUM_LOW_BITS ? rest : RC_NUM_LOW_BITS;
  const directBits = rest - modelled;
  const base = low + (bits << RC_NUM_LOW_BITS);
  let t: i32 = 1;
  for (let k: i32 = 0; k < modelled; k++) t = (t << 1) | rc.bit(p, base + t);
  // The rest: equiprobable bits, most significant first (the only caller of
  // such bits, so no decoder method for them: about ten Espruino variables).
  let v: u32 = u32(t);
  for (let k: i32 = 0; k < directBits; k++) {
    rc.range = rc.range >>> 1;
    let b: u32 = 0;
    if (rc.code >= rc.range) {
      rc.code = u32(rc.code - rc.range);
      b = 1;
    }
    v = u32((v << 1) | b);
    if (rc.range < RC_TOP) {
      rc.range = u32(rc.range << 8);
      rc.code = u32((rc.code << 8) | rc.next());
    }
  }
  return v;
}

export class DeltaRcModel {
  p: Uint16Array = new Uint16Array(RCP_SIZE);
  pat: Uint8Array = new Uint8Array(RCB_SIZE);
  predictor: DeltaPredictor = new DeltaPredictor();
  mixW: Int32Array = new Int32Array(RC_MIX_WEIGHTS);
  runLen: i32 = 0;
  runZeros: i32 = 0;
  replayAt: i32 = 0;
  replayLeft: i32 = 0;
  zeroRun: u32 = 0;
  prevOut: u32 = 0;

  /** Starts a block; `mode` is its predictor mode (0..3). */
  reset(mode: i32): void {
    this.predictor.reset(mode);
    const p = this.p;
    for (let i: i32 = 0; i < RCP_COUNTERS; i++) unchecked((p[i] = 1024));
    for (let i: i32 = RCP_COUNTERS; i < RCP_SIZE; i++) unchecked((p[i] = DELTA_COUNTER_INIT));
    for (let i: i32 = 0; i < RC_PAT_SLOTS; i++) unchecked((this.pat[RCB_LEN + i] = 0));
    for (let i: i32 = 0; i < RC_MIX_WEIGHTS; i++) unchecked((this.mixW[i] = DELTA_MIX_W_INIT));
    this.runLen = 0;
    this.runZeros = 0;
    this.replayAt = 0;
    this.replayLeft = 0;
    this.zeroRun = 0;
    this.prevOut = 0;
  }

  /**
   * Diff byte at new-image position `pos` (old position `oldPos`); `oldWord`
   * holds old bytes oldPos..oldPos+3 little-endian (0 past the old image),
   * `copyLeft` counts this byte and the rest of the copy: at its last byte
   * (1) the copy ends here, and a run being collected ends with it. Sets
   * rc.invalid on a corrupt stream.
   */
  decodeDiff(rc: DeltaRangeDecoder, pos: u32, oldPos: u32, oldWord: u32, copyLeft: u32): u32 {
    const pr = this.predictor;
    let v: u32 = 0;
    // Replaying an offer taken earlier, or taking one now (flag context: the
    // reference kind and its page's confidence).
    let replay = pr.left > 0;
    if (
      !replay && this.replayLeft == 0 && pr.offer(pos, oldPos, oldWord, copyLeft) &&
      rc.bit(this.p, RCP_PRED_FLAG + pr.kind * 4 + i32(unchecked(pr.b[pr.slot]))) != 0
    ) {
      pr.left = pr.len;
      if (this.runLen > 0) this.endRun(RC_PAT_SLOTS - 1);
      replay = true;
    }
    if (replay) {
      v = u32(unchecked(pr.b[PRB_PRED + pr.len - pr.left]));
      pr.left--;
      this.zeroRun = v == 0 ? this.zeroRun + 1 : 0;
    } else {
      const lane = pos & 3;
      v = this.decodePlainDiff(rc, pos, (oldWord >>> 8) & 0xff, (oldWord >>> u32(8 * (3 - lane))) & 0xff);
    }
    const ob = oldWord & 0xff;
    pr.observe(pos, oldPos, ob, (ob + v) & 0xff);
    if (copyLeft == 1) {
      if (this.runLen > 0) this.endRun(RC_PAT_SLOTS - 1);
      pr.seen = 0;
    }
    return v;
  }

  decodePlainDiff(rc: DeltaRangeDecoder, pos: u32, oldNext: u32, oldTop: u32): u32 {
    const pat = this.pat;
    if (this.replayLeft > 0) {
      const v = u32(unchecked(pat[RCB_RUN + this.replayAt]));
      this.replayAt++;
      this.replayLeft--;
      this.zeroRun = v == 0 ? this.zeroRun + 1 : 0;
      return v;
    }
    const p = this.p;
    const z = this.zeroRun;
    const zb: u32 = z < 4 ? z : z < 8 ? 4 : z < 16 ? 5 : z < 64 ? 6 : 7;
    const lane = pos & 3;
    const i1 = RCP_ZERO_RUN + i32((zb << 2) | lane);
    const i2 = RCP_ZERO_WORD + i32((((lane << 5) | (oldTop >>> 3)) << 2) | (zb < 3 ? zb : 3));
    const i3 = RCP_ZERO_NEXT + i32(((oldNext >>> 1) << 1) | (pos & 1));
    const c1 = u32(unchecked(p[i1]));
    const c2 = u32(unchecked(p[i2]));
    const c3 = u32(unchecked(p[i3]));
    const s1 = deltaStretch(i32(c1 >>> 4));
    const s2 = deltaStretch(i32(c2 >>> 4));
    const s3 = deltaStretch(i32(c3 >>> 4));
    const ws = i32(zb) * 3;
    const pm = deltaMixPredict(this.mixW, ws, s1, s2, s3);
    const nz = rc.bitP(u32(pm));
    deltaMixUpdate(this.mixW, ws, s1, s2, s3, pm, nz);
    unchecked((p[i1] = deltaCounterUpdate(c1, nz)));
    unchecked((p[i2] = deltaCounterUpdate(c2, nz)));
    unchecked((p[i3] = deltaCounterUpdate(c3, nz)));
    if (nz == 0) {
      this.zeroRun = z + 1;
      if (this.runLen > 0) {
        unchecked((pat[RCB_RUN + this.runLen] = 0));
        this.runLen++;
        this.runZeros++;
        if (this.runZeros == RC_PAT_GAP || this.runLen == RC_PAT_MAX) this.endRun(RC_PAT_SLOTS - 1);
      }
      return 0;
    }
    if (this.runLen == 0 && rc.bit(p, RCP_PAT_HIT + i32(zb)) != 0) {
      let node: i32 = 1;
      for (let k: i32 = 0; k < 6; k++) node = (node << 1) | rc.bit(p, RCP_PAT_INDEX + node);
      const hit = node - RC_PAT_SLOTS;
      const len = i32(unchecked(pat[RCB_LEN + hit]));
      if (len == 0) {
        rc.invalid = true;
        return 0;
      }
      const at = hit * RC_PAT_MAX;
      for (let k: i32 = 0; k < len; k++) unchecked((pat[RCB_RUN + k] = pat[at + k]));
      // The pattern moves to the front (runLen is 0 here, so runZeros is too).
      this.runLen = len;
      this.endRun(hit);
      this.replayAt = 1;
      this.replayLeft = len - 1;
      this.zeroRun = 0;
      return u32(unchecked(pat[RCB_RUN]));
    }
    const base = RCP_DIFF_BYTE + i32(((z == 0 ? 2 : 0) | (pos & 1)) << 8);
    let node: i32 = 1;
    for (let k: i32 = 0; k < 8; k++) node = (node << 1) | rc.bit(p, base + node);
    const v = u32(node & 0xff);
    this.zeroRun = 0;
    unchecked((pat[RCB_RUN + this.runLen] = u8(v)));
    this.runLen++;
    this.runZeros = 0;
    if (this.runLen == RC_PAT_MAX) this.endRun(RC_PAT_SLOTS - 1);
    return v;
  }

  /**
   * The run in the run region ends: unless shorter than RC_PAT_MIN bytes it
   * becomes the front pattern, and the patterns before `slot` move back one
   * place over `slot` (RC_PAT_SLOTS - 1, the oldest, for a new run; the hit
   * itself for a replayed pattern: moved to the front).
   */
  endRun(slot: i32): void {
    const len = this.runLen - this.runZeros;
    this.runLen = 0;
    this.runZeros = 0;
    if (len < RC_PAT_MIN) return;
    const pat = this.pat;
    for (let i: i32 = slot * RC_PAT_MAX + RC_PAT_MAX - 1; i >= RC_PAT_MAX; i--) unchecked((pat[i] = pat[i - RC_PAT_MAX]));
    for (let i: i32 = slot; i >= 1; i--) unchecked((pat[RCB_LEN + i] = pat[RCB_LEN + i - 1]));
    for (let k: i32 = 0; k < len; k++) unchecked((pat[k] = pat[RCB_RUN + k]));
    unchecked((pat[RCB_LEN] = u8(len)));
  }
}
