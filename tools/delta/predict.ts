// Address predictor of the "rc" codec: when code moves, the same few
// relocations show up again and again (every call to a function that moved,
// every pointer into a data block that moved). The predictor learns, per
// page of the old address space (4 KiB for pointers, 1 KiB for code
// targets), how far the target moved (new - old), from every reference it has
// seen in this block, and offers the resulting bytes for the next reference
// into that page: one coded bit when right, instead of two to four changed
// bytes.
//
// Reference kinds (which are looked for is the block's predictor mode):
//   word   a 4-byte little-endian value at a 4-aligned new offset (pointers)
//   thumb  an ARM Thumb-2 BL or B.W instruction (2-aligned), target = pc + 4 + offset
//   call   an Xtensa CALLn instruction (op0 = 5), target = (pc & ~3) + 4 + 4 * offset
//   l32r   an Xtensa L32R load (op0 = 1), literal at ((pc + 3) & ~3) + 4 * (imm16 - 65536)
// Learning looks at every candidate that ends at a byte (overlaps included);
// a prediction, when offered and taken, covers the reference's bytes.
// All arithmetic wraps at 32 bits (| 0) exactly as on the device
// (assembly/delta_predict.ts mirrors this file).

import { RC_PROB_INIT } from "./range-coder.js";

export const PRED_MODES = 4; // 0 none, 1 words, 2 words + thumb, 3 words + call + l32r
export const PRED_SLOTS = 256;
const WORD_PAGE_SHIFT = 12;
const CODE_PAGE_SHIFT = 10;
const KIND_WORD = 0;
const KIND_THUMB = 1;
const KIND_CALL = 2;
const KIND_L32R = 3;

export class AddressPredictor {
  mode = 0;
  readonly shift = new Int32Array(PRED_SLOTS);
  readonly conf = new Uint8Array(PRED_SLOTS);
  readonly flag = new Uint16Array(16).fill(RC_PROB_INIT);
  /** Last four old and new bytes of the current copy (newest in the top byte) and how many there are. */
  hOld = 0;
  hNew = 0;
  seen = 0;
  /** An offered prediction: kind, table slot, diff bytes; `left` > 0 while a taken one is replayed. */
  kind = 0;
  slot = 0;
  len = 0;
  left = 0;
  readonly pred = new Uint8Array(4);

  reset(mode: number): void {
    this.mode = mode;
    this.shift.fill(0);
    this.conf.fill(0);
    this.flag.fill(RC_PROB_INIT);
    this.seen = 0;
    this.left = 0;
  }

  /** A copy ended: references never span two copies. */
  endCopy(): void {
    this.seen = 0;
  }

  /**
   * True when a reference starts at this byte and its page has a shift that
   * changes its bytes; the caller then codes a hit flag (flagContext()) and
   * calls take() on a hit.
   */
  offer(pos: number, oldPos: number, oldWord: number, copyLeft: number): boolean {
    const m = this.mode;
    if (m === 0 || this.left > 0) return false;
    if (m === 2 && (pos & 1) === 0 && copyLeft >= 4 && isThumbBl(oldWord) && this.offerThumb(pos, oldPos, oldWord)) return true;
    if (m === 3 && copyLeft >= 3 && (oldWord & 0x0f) === 0x05 && this.offerCall(pos, oldPos, oldWord)) return true;
    if (m === 3 && copyLeft >= 3 && (oldWord & 0x0f) === 0x01 && this.offerL32r(pos, oldPos, oldWord)) return true;
    return (pos & 3) === 0 && copyLeft >= 4 && this.offerWord(oldWord);
  }

  private prepare(kind: number, slot: number, len: number, oldWord: number, newWord: number): boolean {
    let changes = false;
    for (let k = 0; k < len; k++) {
      const d = (((newWord >>> (8 * k)) & 0xff) - ((oldWord >>> (8 * k)) & 0xff)) & 0xff;
      this.pred[k] = d;
      if (d !== 0) changes = true;
    }
    this.kind = kind;
    this.slot = slot;
    this.len = len;
    return changes;
  }

  private offerWord(oldWord: number): boolean {
    const slot = slotOf(KIND_WORD, oldWord);
    const s = this.shift[slot];
    return s !== 0 && this.prepare(KIND_WORD, slot, 4, oldWord, (oldWord + s) >>> 0);
  }

  private offerThumb(pos: number, oldPos: number, oldWord: number): boolean {
    const target = (oldPos + 4 + thumbOffset(oldWord)) | 0;
    const slot = slotOf(KIND_THUMB, target);
    const s = this.shift[slot];
    if (s === 0) return false;
    const off = (target + s - (pos + 4)) | 0;
    if (off < -(1 << 24) || off >= 1 << 24) return false;
    return this.prepare(KIND_THUMB, slot, 4, oldWord, thumbEncode(oldWord, off));
  }

  private offerCall(pos: number, oldPos: number, oldWord: number): boolean {
    const target = ((oldPos & ~3) + 4 + 4 * callOffset(oldWord)) | 0;
    const slot = slotOf(KIND_CALL, target);
    const s = this.shift[slot];
    if (s === 0) return false;
    const delta = (target + s - ((pos & ~3) + 4)) | 0;
    if ((delta & 3) !== 0 || delta < -(1 << 19) || delta >= 1 << 19) return false;
    return this.prepare(KIND_CALL, slot, 3, oldWord, ((oldWord & 0x3f) | (((delta >> 2) & 0x3ffff) << 6)) >>> 0);
  }

  private offerL32r(pos: number, oldPos: number, oldWord: number): boolean {
    const target = l32rTarget(oldPos, oldWord);
    const slot = slotOf(KIND_L32R, target);
    const s = this.shift[slot];
    if (s === 0) return false;
    const delta = (target + s - ((pos + 3) & ~3)) | 0;
    if ((delta & 3) !== 0 || delta < -(1 << 18) || delta >= 0) return false;
    return this.prepare(KIND_L32R, slot, 3, oldWord, ((oldWord & 0xff) | (((delta >> 2) & 0xffff) << 8)) >>> 0);
  }

  flagContext(): number {
    return this.kind * 4 + this.conf[this.slot];
  }

  /** Encoder: do the coming diffs equal the offered prediction? */
  matches(ahead: Uint8Array, at: number): boolean {
    for (let k = 0; k < this.len; k++) if (ahead[at + k] !== this.pred[k]) return false;
    return true;
  }

  take(): void {
    this.left = this.len;
  }

  /** Next diff byte of a taken prediction. */
  nextPredicted(): number {
    return this.pred[this.len - this.left--];
  }

  /** Every copied byte, once known: learns from each reference that ends here. */
  observe(pos: number, oldPos: number, oldByte: number, newByte: number): void {
    this.hOld = ((this.hOld >>> 8) | (oldByte << 24)) >>> 0;
    this.hNew = ((this.hNew >>> 8) | (newByte << 24)) >>> 0;
    if (this.seen < 4) this.seen++;
    const m = this.mode;
    if (m === 0) return;
    if (this.seen >= 4) {
      const o4 = this.hOld;
      const n4 = this.hNew;
      if (((pos - 3) & 3) === 0) this.learn(slotOf(KIND_WORD, o4), (n4 - o4) | 0);
      if (m === 2 && ((pos - 3) & 1) === 0 && isThumbBl(o4) && isThumbBl(n4)) {
        const to = (oldPos - 3 + 4 + thumbOffset(o4)) | 0;
        this.learn(slotOf(KIND_THUMB, to), (pos - 3 + 4 + thumbOffset(n4) - to) | 0);
      }
    }
    if (m === 3 && this.seen >= 3) {
      const o3 = this.hOld >>> 8;
      const n3 = this.hNew >>> 8;
      if ((o3 & 0x0f) === 0x05 && (o3 & 0x3f) === (n3 & 0x3f)) {
        const to = (((oldPos - 2) & ~3) + 4 + 4 * callOffset(o3)) | 0;
        this.learn(slotOf(KIND_CALL, to), (((pos - 2) & ~3) + 4 + 4 * callOffset(n3) - to) | 0);
      } else if ((o3 & 0x0f) === 0x01 && (o3 & 0xff) === (n3 & 0xff)) {
        const to = l32rTarget(oldPos - 2, o3);
        this.learn(slotOf(KIND_L32R, to), (l32rTarget(pos - 2, n3) - to) | 0);
      }
    }
  }

  /**
   * Zero shifts are never stored (an unchanged word or call says nothing
   * about moved code, and 0 marks an empty slot); a different shift replaces
   * the stored one only once its confidence has run down.
   */
  private learn(slot: number, s: number): void {
    if (s === 0) return;
    if (this.shift[slot] === s) {
      if (this.conf[slot] < 3) this.conf[slot]++;
    } else if (this.conf[slot] > 0) {
      this.conf[slot]--;
    } else {
      this.shift[slot] = s;
    }
  }
}

function slotOf(kind: number, address: number): number {
  const page = ((address >>> (kind === KIND_WORD ? WORD_PAGE_SHIFT : CODE_PAGE_SHIFT)) ^ (kind << 28)) >>> 0;
  return Math.imul(page, 0x9e3779b1) >>> 24;
}

/** hw1 = 11110 S imm10, hw2 = 1 x J1 1 J2 imm11: BL (x = 1) or B.W (x = 0, tail calls). */
export function isThumbBl(w: number): boolean {
  return (w & 0xf800) === 0xf000 && ((w >>> 16) & 0x9000) === 0x9000;
}

export function thumbOffset(w: number): number {
  const h1 = w & 0xffff;
  const h2 = w >>> 16;
  const s = (h1 >> 10) & 1;
  const i1 = 1 - (((h2 >> 13) & 1) ^ s);
  const i2 = 1 - (((h2 >> 11) & 1) ^ s);
  const off = (i1 << 23) | (i2 << 22) | ((h1 & 0x3ff) << 12) | ((h2 & 0x7ff) << 1);
  return s ? off - (1 << 24) : off;
}

function thumbEncode(oldWord: number, off: number): number {
  const s = off < 0 ? 1 : 0;
  const u = off & 0xffffff;
  const j1 = (((u >> 23) & 1) ^ 1) ^ s;
  const j2 = (((u >> 22) & 1) ^ 1) ^ s;
  const h1 = 0xf000 | (s << 10) | ((u >> 12) & 0x3ff);
  const h2 = ((oldWord >>> 16) & 0xd000) | (j1 << 13) | (j2 << 11) | ((u >> 1) & 0x7ff);
  return (h1 | (h2 << 16)) >>> 0;
}

/** CALLn: op0 = 5 in bits 0-3, n in bits 4-5, 18-bit signed word offset in bits 6-23. */
export function callOffset(w: number): number {
  const off = (w >>> 6) & 0x3ffff;
  return off & 0x20000 ? off - 0x40000 : off;
}

function l32rTarget(pc: number, w: number): number {
  return (((pc + 3) & ~3) + 4 * (((w >>> 8) & 0xffff) - 65536)) | 0;
}
