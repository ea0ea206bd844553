// Address predictor of the "rc" codec: when code moves, the same few
// relocations show up again and again (every call to a function that moved,
// every pointer into a data block that moved). The predictor learns, per
// page of the old address space (4 KiB for pointers, 1 KiB for call
// targets), how far the target moved
// (new - old), from what it has already seen in this block, and offers the
// resulting bytes for the next reference into that page: one coded bit when
// right, instead of two to four changed bytes.
//
// Reference kinds (which ones are looked for is the block's predictor mode):
//   word   a 4-byte little-endian value at a 4-aligned new offset (pointers)
//   thumb  an ARM Thumb-2 BL instruction (2-aligned), target = pc + 4 + offset
//   call   an Xtensa CALLn instruction (op0 = 5), target = (pc & ~3) + 4 + 4 * offset
// Mirrored by assembly/delta_predict.ts.

import { RC_PROB_INIT } from "./range-coder.js";

export const PRED_MODES = 4; // 0 none, 1 words, 2 words + thumb, 3 words + call
export const PRED_SLOTS = 256;
const WORD_PAGE_SHIFT = 12;
const CODE_PAGE_SHIFT = 10;
const KIND_WORD = 0;
const KIND_THUMB = 1;
const KIND_CALL = 2;

export class AddressPredictor {
  mode = 0;
  readonly shift = new Int32Array(PRED_SLOTS);
  readonly conf = new Uint8Array(PRED_SLOTS);
  readonly flag = new Uint16Array(12).fill(RC_PROB_INIT);
  // The open window: `len` bytes from new offset `pos` / old offset `oldPos`.
  left = 0;
  len = 0;
  kind = 0;
  slot = 0;
  hit = false;
  pos = 0;
  oldPos = 0;
  oldWord = 0;
  readonly pred = new Uint8Array(4);
  readonly got = new Uint8Array(4);

  reset(mode: number): void {
    this.mode = mode;
    this.shift.fill(0);
    this.conf.fill(0);
    this.flag.fill(RC_PROB_INIT);
    this.left = 0;
  }

  /**
   * At a diff byte with no window open: opens one when the old bytes hold a
   * reference of an enabled kind. True when it also has a prediction that
   * changes the bytes (the caller then codes a hit flag with flagContext()).
   */
  open(pos: number, oldPos: number, oldWord: number, copyLeft: number): boolean {
    const m = this.mode;
    if (m === 0) return false;
    if (m === 2 && (pos & 1) === 0 && copyLeft >= 4 && isThumbBl(oldWord)) return this.openThumb(pos, oldPos, oldWord);
    if (m === 3 && copyLeft >= 3 && (oldWord & 0x0f) === 0x05) return this.openCall(pos, oldPos, oldWord);
    if ((pos & 3) === 0 && copyLeft >= 4) return this.openWord(pos, oldPos, oldWord);
    return false;
  }

  private start(kind: number, len: number, pos: number, oldPos: number, oldWord: number, slot: number): void {
    this.kind = kind;
    this.len = len;
    this.left = len;
    this.pos = pos;
    this.oldPos = oldPos;
    this.oldWord = oldWord;
    this.slot = slot;
    this.hit = false;
  }

  private predictWord(newWord: number, len: number): boolean {
    let changes = false;
    for (let k = 0; k < len; k++) {
      const o = (this.oldWord >>> (8 * k)) & 0xff;
      const d = (((newWord >>> (8 * k)) & 0xff) - o) & 0xff;
      this.pred[k] = d;
      if (d !== 0) changes = true;
    }
    return changes;
  }

  private openWord(pos: number, oldPos: number, oldWord: number): boolean {
    const slot = slotOf(KIND_WORD, oldWord);
    this.start(KIND_WORD, 4, pos, oldPos, oldWord, slot);
    const s = this.shift[slot];
    return s !== 0 && this.predictWord((oldWord + s) >>> 0, 4);
  }

  private openThumb(pos: number, oldPos: number, oldWord: number): boolean {
    // 32-bit wrapping arithmetic throughout (| 0), exactly as on the device.
    const target = (oldPos + 4 + thumbOffset(oldWord)) | 0;
    const slot = slotOf(KIND_THUMB, target);
    this.start(KIND_THUMB, 4, pos, oldPos, oldWord, slot);
    const s = this.shift[slot];
    if (s === 0) return false;
    const off = (target + s - (pos + 4)) | 0;
    if (off < -(1 << 24) || off >= 1 << 24) return false;
    return this.predictWord(thumbEncode(oldWord, off), 4);
  }

  private openCall(pos: number, oldPos: number, oldWord: number): boolean {
    const target = ((oldPos & ~3) + 4 + 4 * callOffset(oldWord)) | 0;
    const slot = slotOf(KIND_CALL, target);
    this.start(KIND_CALL, 3, pos, oldPos, oldWord, slot);
    const s = this.shift[slot];
    if (s === 0) return false;
    const delta = (target + s - ((pos & ~3) + 4)) | 0;
    if ((delta & 3) !== 0 || delta < -(1 << 19) || delta >= 1 << 19) return false;
    return this.predictWord(callEncode(oldWord, delta >> 2), 3);
  }

  flagContext(): number {
    return this.kind * 4 + this.conf[this.slot];
  }

  /** Encoder: do the coming diffs equal the prediction? */
  matches(ahead: Uint8Array, at: number): boolean {
    for (let k = 0; k < this.len; k++) if (ahead[at + k] !== this.pred[k]) return false;
    return true;
  }

  /** Next diff byte of a hit window. */
  nextPredicted(): number {
    return this.pred[this.len - this.left];
  }

  /** Records the window's next diff byte; learns when the window is complete. */
  collect(d: number): void {
    const k = this.len - this.left;
    this.got[k] = (((this.oldWord >>> (8 * k)) & 0xff) + d) & 0xff;
    this.left--;
    if (this.left === 0) this.learn();
  }

  private learn(): void {
    const g = this.got;
    const newWord = (g[0] | (g[1] << 8) | (g[2] << 16) | (g[3] << 24)) >>> 0;
    let s: number;
    if (this.kind === KIND_WORD) {
      s = (newWord - this.oldWord) | 0;
    } else if (this.kind === KIND_THUMB) {
      if (!isThumbBl(newWord)) return;
      s = (this.pos + thumbOffset(newWord) - (this.oldPos + thumbOffset(this.oldWord))) | 0;
    } else {
      const nw3 = newWord & 0xffffff;
      if ((nw3 & 0x3f) !== (this.oldWord & 0x3f)) return;
      s = ((this.pos & ~3) + 4 * callOffset(nw3) - ((this.oldPos & ~3) + 4 * callOffset(this.oldWord))) | 0;
    }
    const slot = this.slot;
    if (this.shift[slot] === s) {
      if (this.conf[slot] < 3) this.conf[slot]++;
    } else {
      this.shift[slot] = s;
      this.conf[slot] = 0;
    }
  }
}

function slotOf(kind: number, address: number): number {
  const page = ((address >>> (kind === KIND_WORD ? WORD_PAGE_SHIFT : CODE_PAGE_SHIFT)) ^ (kind << 28)) >>> 0;
  return Math.imul(page, 0x9e3779b1) >>> 24;
}

/** hw1 = 11110 S imm10, hw2 = 11 J1 1 J2 imm11 (BL). */
export function isThumbBl(w: number): boolean {
  return (w & 0xf800) === 0xf000 && ((w >>> 16) & 0xd000) === 0xd000;
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
  const i1 = (u >> 23) & 1;
  const i2 = (u >> 22) & 1;
  const j1 = (i1 ^ 1) ^ s;
  const j2 = (i2 ^ 1) ^ s;
  const h1 = 0xf000 | (s << 10) | ((u >> 12) & 0x3ff);
  const h2 = ((oldWord >>> 16) & 0xd000) | (j1 << 13) | (j2 << 11) | ((u >> 1) & 0x7ff);
  return (h1 | (h2 << 16)) >>> 0;
}

/** CALLn: op0 = 5 in bits 0-3, n in bits 4-5, 18-bit signed word offset in bits 6-23. */
export function callOffset(w: number): number {
  const off = (w >>> 6) & 0x3ffff;
  return off & 0x20000 ? off - 0x40000 : off;
}

function callEncode(oldWord: number, off: number): number {
  return ((oldWord & 0x3f) | ((off & 0x3ffff) << 6)) >>> 0;
}
