// Range decoder for delta patches: LZMA-style binary decoding with 11-bit
// probabilities, all in 32-bit unsigned arithmetic ((range >>> 11) * prob
// < 2^32, exact in a double too). It reads the applier's input buffer between
// `pos` and `limit`; a read at `limit` sets `overrun` instead of reading on.

export const RC_PROB_INIT: u16 = 1024;
export const RC_TOP: u32 = 0x1000000;

export class DeltaRangeDecoder {
  buf: Uint8Array;
  pos: i32 = 0;
  limit: i32 = 0;
  range: u32 = 0xffffffff;
  code: u32 = 0;
  overrun: bool = false;
  /** Set by model code on an impossible symbol (e.g. a number longer than 32 bits). */
  invalid: bool = false;

  constructor(buf: Uint8Array) {
    this.buf = buf;
  }

  next(): u32 {
    if (this.pos >= this.limit) {
      this.overrun = true;
      return 0;
    }
    const b = u32(unchecked(this.buf[this.pos]));
    this.pos++;
    return b;
  }

  bit(probs: Uint16Array, i: i32): i32 {
    const p = u32(unchecked(probs[i]));
    const bound = u32((this.range >>> 11) * p);
    let b: i32 = 0;
    if (this.code < bound) {
      this.range = bound;
      unchecked((probs[i] = u16(p + ((2048 - p) >>> 4))));
    } else {
      this.code = u32(this.code - bound);
      this.range = u32(this.range - bound);
      unchecked((probs[i] = u16(p - (p >>> 4))));
      b = 1;
    }
    if (this.range < RC_TOP) {
      this.range = u32(this.range << 8);
      this.code = u32((this.code << 8) | this.next());
    }
    return b;
  }

  /** A bit with the given 12-bit probability of 0 (the caller adapts). */
  bitP(p12: u32): i32 {
    const bound = u32((this.range >>> 12) * p12);
    let b: i32 = 0;
    if (this.code < bound) {
      this.range = bound;
    } else {
      this.code = u32(this.code - bound);
      this.range = u32(this.range - bound);
      b = 1;
    }
    // Extreme probabilities can leave range under 2^16: normalize until >= 2^24.
    while (this.range < RC_TOP) {
      this.range = u32(this.range << 8);
      this.code = u32((this.code << 8) | this.next());
    }
    return b;
  }
}

export function rcResetProbs(p: Uint16Array): void {
  for (let i: i32 = 0; i < p.length; i++) unchecked((p[i] = RC_PROB_INIT));
}
