// Address predictor of the delta "rc" codec, device side; mirrors
// tools/delta/predict.ts exactly (see there for the idea). It learns, per
// page of old addresses (4 KiB for pointers, 1 KiB for code targets), how far
// the target moved, and offers the bytes of the next reference into that
// page: pointer words (4-aligned), Thumb-2 BL/B.W, Xtensa CALLn and L32R.

import { mul32 } from "../common/int32";

export const PRED_SLOTS: i32 = 256;
const PRED_WORD_PAGE_SHIFT: u32 = 12;
const PRED_CODE_PAGE_SHIFT: u32 = 10;
const PRED_KIND_WORD: i32 = 0;
const PRED_KIND_THUMB: i32 = 1;
const PRED_KIND_CALL: i32 = 2;
const PRED_KIND_L32R: i32 = 3;
// Regions of the byte array: confidence per slot, then the offered diff bytes.
// The model reads the offer straight from them (delta_rc_model.ts): on
// Espruino every method costs about ten variables for as long as the codecs
// are loaded, so one-line accessors are not methods.
export const PRB_PRED: i32 = 256;
export const PRB_SIZE: i32 = 260;

/** hw1 = 11110 S imm10, hw2 = 1 x J1 1 J2 imm11: BL (x = 1) or B.W (x = 0). */
export function predIsThumbBl(w: u32): bool {
  return (w & 0xf800) == 0xf000 && ((w >>> 16) & 0x9000) == 0x9000;
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
  const j1 = (((u >> 23) & 1) ^ 1) ^ s;
  const j2 = (((u >> 22) & 1) ^ 1) ^ s;
  const h1 = u32(0xf000 | (s << 10) | ((u >> 12) & 0x3ff));
  const h2 = u32(i32((oldWord >>> 16) & 0xd000) | (j1 << 13) | (j2 << 11) | ((u >> 1) & 0x7ff));
  return u32(h1 | (h2 << 16));
}

export function predCallOffset(w: u32): i32 {
  const off = i32((w >>> 6) & 0x3ffff);
  return (off & 0x20000) != 0 ? off - 0x40000 : off;
}

function predL32rTarget(pc: i32, w: u32): i32 {
  return i32(((pc + 3) & ~3) + 4 * (i32((w >>> 8) & 0xffff) - 65536));
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
  /** Last four old and new bytes of the current copy (newest in the top byte) and how many there are. */
  hOld: u32 = 0;
  hNew: u32 = 0;
  seen: i32 = 0;
  /** The offer prepare() made: reference kind, page slot, byte count (b[PRB_PRED..+len)). */
  kind: i32 = 0;
  slot: i32 = 0;
  len: i32 = 0;
  /** Offered bytes still to replay once the model took the offer (left = len when taken). */
  left: i32 = 0;

  reset(mode: i32): void {
    this.mode = mode;
    for (let i: i32 = 0; i < PRED_SLOTS; i++) {
      unchecked((this.shift[i] = 0));
      unchecked((this.b[i] = 0));
    }
    this.seen = 0;
    this.left = 0;
  }

  /** True when a reference starts here and its page's shift changes its bytes. */
  offer(pos: u32, oldPos: u32, oldWord: u32, copyLeft: u32): bool {
    const m = this.mode;
    if (m == 0 || this.left > 0) return false;
    if (m == 2 && (pos & 1) == 0 && copyLeft >= 4 && predIsThumbBl(oldWord) && this.offerThumb(pos, oldPos, oldWord)) return true;
    if (m == 3 && copyLeft >= 3 && ((oldWord & 0x0f) == 0x05 || (oldWord & 0x0f) == 0x01) && this.offerXtensa(pos, oldPos, oldWord)) return true;
    return (pos & 3) == 0 && copyLeft >= 4 && this.offerWord(oldWord);
  }

  /**
   * A pointer word: its own value is the old address. (A method of its own:
   * Espruino reads the whole text of a function at every call, and offer()
   * is called at every copied byte, mostly to say no.)
   */
  offerWord(oldWord: u32): bool {
    const slot = predSlotOf(PRED_KIND_WORD, i32(oldWord));
    const s = unchecked(this.shift[slot]);
    return s != 0 && this.prepare(PRED_KIND_WORD, slot, 4, oldWord, u32(oldWord + u32(s)));
  }

  prepare(kind: i32, slot: i32, len: i32, oldWord: u32, newWord: u32): bool {
    let changes = false;
    for (let k: i32 = 0; k < len; k++) {
      const sh = u32(8 * k);
      const d = u8(((newWord >>> sh) & 0xff) - ((oldWord >>> sh) & 0xff));
      unchecked((this.b[PRB_PRED + k] = d));
      if (d != 0) changes = true;
    }
    this.kind = kind;
    this.slot = slot;
    this.len = len;
    return changes;
  }

  offerThumb(pos: u32, oldPos: u32, oldWord: u32): bool {
    const target = i32(i32(oldPos) + 4 + predThumbOffset(oldWord));
    const slot = predSlotOf(PRED_KIND_THUMB, target);
    const s = unchecked(this.shift[slot]);
    if (s == 0) return false;
    const off = i32(target + s - (i32(pos) + 4));
    if (off < -(1 << 24) || off >= 1 << 24) return false;
    return this.prepare(PRED_KIND_THUMB, slot, 4, oldWord, predThumbEncode(oldWord, off));
  }

  /**
   * Xtensa CALLn (op0 5: an 18-bit word offset from (pc & ~3) + 4) or L32R
   * (op0 1: a negative 16-bit word offset from (pc + 3) & ~3), three bytes.
   * One method for both: on Espruino each method costs about ten variables.
   */
  offerXtensa(pos: u32, oldPos: u32, oldWord: u32): bool {
    const call = (oldWord & 0x0f) == 0x05;
    const kind = call ? PRED_KIND_CALL : PRED_KIND_L32R;
    const target = call ? i32((i32(oldPos) & ~3) + 4 + 4 * predCallOffset(oldWord)) : predL32rTarget(i32(oldPos), oldWord);
    const slot = predSlotOf(kind, target);
    const s = unchecked(this.shift[slot]);
    if (s == 0) return false;
    const delta = i32(target + s - (call ? (i32(pos) & ~3) + 4 : (i32(pos) + 3) & ~3));
    if ((delta & 3) != 0) return false;
    if (call ? delta < -(1 << 19) || delta >= 1 << 19 : delta < -(1 << 18) || delta >= 0) return false;
    const nw = call
      ? u32((oldWord & 0x3f) | (u32((delta >> 2) & 0x3ffff) << 6))
      : u32((oldWord & 0xff) | (u32((delta >> 2) & 0xffff) << 8));
    return this.prepare(kind, slot, 3, oldWord, nw);
  }

  /** Every copied byte, once known: learns from each reference that ends here. */
  observe(pos: u32, oldPos: u32, oldByte: u32, newByte: u32): void {
    this.hOld = u32((this.hOld >>> 8) | (oldByte << 24));
    this.hNew = u32((this.hNew >>> 8) | (newByte << 24));
    if (this.seen < 4) this.seen++;
    const m = this.mode;
    if (m == 0) return;
    const p = i32(pos);
    const op = i32(oldPos);
    if (this.seen >= 4) {
      const o4 = this.hOld;
      const n4 = this.hNew;
      if (((p - 3) & 3) == 0) this.learn(predSlotOf(PRED_KIND_WORD, i32(o4)), i32(n4 - o4));
      if (m == 2 && ((p - 3) & 1) == 0 && predIsThumbBl(o4) && predIsThumbBl(n4)) {
        const to = i32(op - 3 + 4 + predThumbOffset(o4));
        this.learn(predSlotOf(PRED_KIND_THUMB, to), i32(p - 3 + 4 + predThumbOffset(n4) - to));
      }
    }
    if (m == 3 && this.seen >= 3) {
      const o3 = this.hOld >>> 8;
      const n3 = this.hNew >>> 8;
      if ((o3 & 0x0f) == 0x05 && (o3 & 0x3f) == (n3 & 0x3f)) {
        const to = i32(((op - 2) & ~3) + 4 + 4 * predCallOffset(o3));
        this.learn(predSlotOf(PRED_KIND_CALL, to), i32(((p - 2) & ~3) + 4 + 4 * predCallOffset(n3) - to));
      } else if ((o3 & 0x0f) == 0x01 && (o3 & 0xff) == (n3 & 0xff)) {
        const to = predL32rTarget(op - 2, o3);
        this.learn(predSlotOf(PRED_KIND_L32R, to), i32(predL32rTarget(p - 2, n3) - to));
      }
    }
  }

  /** Zero shifts are never stored; a different shift replaces the stored one once confidence has run down. */
  learn(slot: i32, s: i32): void {
    if (s == 0) return;
    const b = this.b;
    const c = unchecked(b[slot]);
    if (unchecked(this.shift[slot]) == s) {
      if (c < 3) unchecked((b[slot] = u8(c + 1)));
    } else if (c > 0) {
      unchecked((b[slot] = u8(c - 1)));
    } else {
      unchecked((this.shift[slot] = s));
    }
  }
}
