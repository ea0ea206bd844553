// Address predictor of the delta "rc" codec, device side; mirrors
// tools/delta/predict.ts exactly (see there for the idea). It learns, per
// page of old addresses (4 KiB for pointers, 1 KiB for call targets), how far
// the target moved, and predicts the bytes of the next reference into that
// page: pointer words (4-aligned), Thumb-2 BL and Xtensa CALLn instructions.

import { mul32 } from "./int32";

export const PRED_SLOTS: i32 = 256;
const PRED_WORD_PAGE_SHIFT: u32 = 12;
const PRED_CODE_PAGE_SHIFT: u32 = 10;
const PRED_KIND_WORD: i32 = 0;
const PRED_KIND_THUMB: i32 = 1;
const PRED_KIND_CALL: i32 = 2;
// Regions of the byte array: confidence per slot, predicted diffs, new bytes seen.
const PRB_PRED: i32 = 256;
const PRB_GOT: i32 = 260;
const PRB_SIZE: i32 = 264;

export function predIsThumbBl(w: u32): bool {
  return (w & 0xf800) == 0xf000 && ((w >>> 16) & 0xd000) == 0xd000;
}

export function predThumbOffset(w: u32): i32 {
  const h1 = i32(w & 0xffff);
  const h2 = i32(w >>> 16);
  const s = (h1 >> 10) & 1;
  const i1 = 1 - (((h2 >> 13) & 1) ^ s);
  const i2 = 1 - (((h2 >> 11) & 1) ^ s);
  const off = (i1 << 23) | (i2 << 22) | ((h1 & 0x3ff) << 12) | ((h2 & 0x7ff) << 1);
  return s != 0 ? off - (1 << 24) : off;
}

function predThumbEncode(oldWord: u32, off: i32): u32 {
  const s = off < 0 ? 1 : 0;
  const u = off & 0xffffff;
  const i1 = (u >> 23) & 1;
  const i2 = (u >> 22) & 1;
  const j1 = (i1 ^ 1) ^ s;
  const j2 = (i2 ^ 1) ^ s;
  const h1 = u32(0xf000 | (s << 10) | ((u >> 12) & 0x3ff));
  const h2 = u32(i32((oldWord >>> 16) & 0xd000) | (j1 << 13) | (j2 << 11) | ((u >> 1) & 0x7ff));
  return u32(h1 | (h2 << 16));
}

export function predCallOffset(w: u32): i32 {
  const off = i32((w >>> 6) & 0x3ffff);
  return (off & 0x20000) != 0 ? off - 0x40000 : off;
}

function predCallEncode(oldWord: u32, off: i32): u32 {
  return u32((oldWord & 0x3f) | (u32(off & 0x3ffff) << 6));
}

function predSlotOf(kind: i32, address: i32): i32 {
  const shift = kind == PRED_KIND_WORD ? PRED_WORD_PAGE_SHIFT : PRED_CODE_PAGE_SHIFT;
  const page = u32((u32(address) >>> shift) ^ (u32(kind) << 28));
  return i32(mul32(page, 0x9e3779b1) >>> 24);
}

export class DeltaPredictor {
  mode: i32 = 0;
  shift: Int32Array = new Int32Array(PRED_SLOTS);
  b: Uint8Array = new Uint8Array(PRB_SIZE);
  left: i32 = 0;
  len: i32 = 0;
  kind: i32 = 0;
  slot: i32 = 0;
  hit: bool = false;
  pos: u32 = 0;
  oldPos: u32 = 0;
  oldWord: u32 = 0;

  reset(mode: i32): void {
    this.mode = mode;
    for (let i: i32 = 0; i < PRED_SLOTS; i++) {
      unchecked((this.shift[i] = 0));
      unchecked((this.b[i] = 0));
    }
    this.left = 0;
  }

  /** Opens a window at a reference; true when a prediction that changes the bytes is ready. */
  open(pos: u32, oldPos: u32, oldWord: u32, copyLeft: u32): bool {
    const m = this.mode;
    if (m == 0) return false;
    if (m == 2 && (pos & 1) == 0 && copyLeft >= 4 && predIsThumbBl(oldWord)) return this.openThumb(pos, oldPos, oldWord);
    if (m == 3 && copyLeft >= 3 && (oldWord & 0x0f) == 0x05) return this.openCall(pos, oldPos, oldWord);
    if ((pos & 3) == 0 && copyLeft >= 4) return this.openWord(pos, oldPos, oldWord);
    return false;
  }

  start(kind: i32, len: i32, pos: u32, oldPos: u32, oldWord: u32, slot: i32): void {
    this.kind = kind;
    this.len = len;
    this.left = len;
    this.pos = pos;
    this.oldPos = oldPos;
    this.oldWord = oldWord;
    this.slot = slot;
    this.hit = false;
  }

  predictWord(newWord: u32, len: i32): bool {
    let changes = false;
    for (let k: i32 = 0; k < len; k++) {
      const sh = u32(8 * k);
      const d = u8(((newWord >>> sh) & 0xff) - ((this.oldWord >>> sh) & 0xff));
      unchecked((this.b[PRB_PRED + k] = d));
      if (d != 0) changes = true;
    }
    return changes;
  }

  openWord(pos: u32, oldPos: u32, oldWord: u32): bool {
    const slot = predSlotOf(PRED_KIND_WORD, i32(oldWord));
    this.start(PRED_KIND_WORD, 4, pos, oldPos, oldWord, slot);
    const s = unchecked(this.shift[slot]);
    return s != 0 && this.predictWord(u32(oldWord + u32(s)), 4);
  }

  openThumb(pos: u32, oldPos: u32, oldWord: u32): bool {
    const target = i32(oldPos) + 4 + predThumbOffset(oldWord);
    const slot = predSlotOf(PRED_KIND_THUMB, target);
    this.start(PRED_KIND_THUMB, 4, pos, oldPos, oldWord, slot);
    const s = unchecked(this.shift[slot]);
    if (s == 0) return false;
    const off = i32(target + s - (i32(pos) + 4));
    if (off < -(1 << 24) || off >= 1 << 24) return false;
    return this.predictWord(predThumbEncode(oldWord, off), 4);
  }

  openCall(pos: u32, oldPos: u32, oldWord: u32): bool {
    const target = i32((i32(oldPos) & ~3) + 4 + 4 * predCallOffset(oldWord));
    const slot = predSlotOf(PRED_KIND_CALL, target);
    this.start(PRED_KIND_CALL, 3, pos, oldPos, oldWord, slot);
    const s = unchecked(this.shift[slot]);
    if (s == 0) return false;
    const delta = i32(target + s - ((i32(pos) & ~3) + 4));
    if ((delta & 3) != 0 || delta < -(1 << 19) || delta >= 1 << 19) return false;
    return this.predictWord(predCallEncode(oldWord, delta >> 2), 3);
  }

  flagContext(): i32 {
    return this.kind * 4 + i32(unchecked(this.b[this.slot]));
  }

  nextPredicted(): u32 {
    return u32(unchecked(this.b[PRB_PRED + this.len - this.left]));
  }

  collect(d: u32): void {
    const k = this.len - this.left;
    unchecked((this.b[PRB_GOT + k] = u8(((this.oldWord >>> u32(8 * k)) & 0xff) + d)));
    this.left--;
    if (this.left == 0) this.learn();
  }

  learn(): void {
    const g = this.b;
    const newWord = u32(
      u32(unchecked(g[PRB_GOT])) | (u32(unchecked(g[PRB_GOT + 1])) << 8) |
        (u32(unchecked(g[PRB_GOT + 2])) << 16) | (u32(unchecked(g[PRB_GOT + 3])) << 24),
    );
    let s: i32 = 0;
    if (this.kind == PRED_KIND_WORD) {
      s = i32(newWord - this.oldWord);
    } else if (this.kind == PRED_KIND_THUMB) {
      if (!predIsThumbBl(newWord)) return;
      s = i32(i32(this.pos) + predThumbOffset(newWord) - (i32(this.oldPos) + predThumbOffset(this.oldWord)));
    } else {
      const nw3 = newWord & 0xffffff;
      if ((nw3 & 0x3f) != (this.oldWord & 0x3f)) return;
      s = i32(
        (i32(this.pos) & ~3) + 4 * predCallOffset(nw3) - ((i32(this.oldPos) & ~3) + 4 * predCallOffset(this.oldWord)),
      );
    }
    const slot = this.slot;
    if (unchecked(this.shift[slot]) == s) {
      if (unchecked(g[slot]) < 3) unchecked((g[slot] = u8(g[slot] + 1)));
    } else {
      unchecked((this.shift[slot] = s));
      unchecked((g[slot] = 0));
    }
  }

  bytes(): i32 {
    return this.shift.length * 4 + this.b.length;
  }
}
