// Adaptive binary range coder (LZMA-style: 11-bit probabilities, shift-5
// adaptation, byte-wise carry propagation). The host encoder keeps `low` as a
// double (< 2^33, exact); the decoder mirrors the device's 32-bit arithmetic.

export const RC_PROB_BITS = 11;
export const RC_PROB_ONE = 1 << RC_PROB_BITS;
export const RC_PROB_INIT = RC_PROB_ONE >> 1;
export const RC_MOVE_BITS = 4;
const TOP = 1 << 24;
const TWO32 = 0x100000000;

/** Either side of the coder: `bit` encodes `b` (encoder) or ignores it and returns the decoded bit. */
export interface BitCoder {
  bit(probs: Uint16Array, i: number, b: number): number;
  /** A bit with a given 12-bit probability of 0 (no adaptation here). */
  bitP(p12: number, b: number): number;
  /** Equiprobable bits, most significant first; returns the value. */
  direct(count: number, value: number): number;
}

export class RangeEncoder implements BitCoder {
  private low = 0;
  private range = 0xffffffff;
  private cache = 0;
  private pending = 1; // bytes owed: the cache byte plus any 0xFF run after it
  private first = true; // the very first byte is always 0: not emitted
  private out: number[] = [];

  bit(probs: Uint16Array, i: number, b: number): number {
    const p = probs[i];
    const bound = (this.range >>> RC_PROB_BITS) * p;
    if (b === 0) {
      this.range = bound;
      probs[i] = p + ((RC_PROB_ONE - p) >> RC_MOVE_BITS);
    } else {
      this.low += bound;
      this.range -= bound;
      probs[i] = p - (p >> RC_MOVE_BITS);
    }
    if (this.range < TOP) {
      this.range = this.range * 256;
      this.shiftLow();
    }
    return b;
  }

  bitP(p12: number, b: number): number {
    const bound = (this.range >>> 12) * p12;
    if (b === 0) this.range = bound;
    else {
      this.low += bound;
      this.range -= bound;
    }
    while (this.range < TOP) {
      this.range = this.range * 256;
      this.shiftLow();
    }
    return b;
  }

  direct(count: number, value: number): number {
    for (let k = count - 1; k >= 0; k--) {
      this.range = this.range >>> 1;
      if ((Math.floor(value / 2 ** k) & 1) !== 0) this.low += this.range;
      if (this.range < TOP) {
        this.range = this.range * 256;
        this.shiftLow();
      }
    }
    return value;
  }

  private shiftLow(): void {
    if (this.low < 0xff000000 || this.low >= TWO32) {
      const carry = this.low >= TWO32 ? 1 : 0;
      let byte = this.cache;
      while (this.pending > 0) {
        if (this.first) this.first = false;
        else this.out.push((byte + carry) & 0xff);
        byte = 0xff;
        this.pending--;
      }
      this.cache = Math.floor(this.low / TOP) & 0xff;
    }
    this.pending++;
    this.low = (this.low % TOP) * 256;
  }

  /** Flushes and returns the coded bytes; the decoder consumes exactly these. */
  finish(): Uint8Array {
    for (let i = 0; i < 5; i++) this.shiftLow();
    return Uint8Array.from(this.out);
  }
}

/** Host-side decoder with the device's arithmetic; reads past the end count as overrun. */
export class RangeDecoder implements BitCoder {
  private range = 0xffffffff;
  private code = 0;
  private pos: number;
  overrun = false;

  constructor(private readonly buf: Uint8Array, start: number, private readonly end: number) {
    this.pos = start;
    for (let i = 0; i < 4; i++) this.code = ((this.code << 8) | this.next()) >>> 0;
  }

  private next(): number {
    if (this.pos >= this.end) {
      this.overrun = true;
      return 0;
    }
    return this.buf[this.pos++];
  }

  /** Bytes consumed so far (relative to the buffer start). */
  position(): number {
    return this.pos;
  }

  bit(probs: Uint16Array, i: number, _b: number): number {
    const p = probs[i];
    const bound = (this.range >>> RC_PROB_BITS) * p;
    let b: number;
    if (this.code < bound) {
      this.range = bound;
      probs[i] = p + ((RC_PROB_ONE - p) >> RC_MOVE_BITS);
      b = 0;
    } else {
      this.code = (this.code - bound) >>> 0;
      this.range = (this.range - bound) >>> 0;
      probs[i] = p - (p >> RC_MOVE_BITS);
      b = 1;
    }
    if (this.range < TOP) {
      this.range = (this.range << 8) >>> 0;
      this.code = ((this.code << 8) | this.next()) >>> 0;
    }
    return b;
  }

  bitP(p12: number, _b: number): number {
    const bound = (this.range >>> 12) * p12;
    let b = 0;
    if (this.code < bound) this.range = bound;
    else {
      this.code = (this.code - bound) >>> 0;
      this.range = (this.range - bound) >>> 0;
      b = 1;
    }
    while (this.range < TOP) {
      this.range = (this.range << 8) >>> 0;
      this.code = ((this.code << 8) | this.next()) >>> 0;
    }
    return b;
  }

  direct(count: number, _value: number): number {
    let v = 0;
    for (let k = 0; k < count; k++) {
      this.range = this.range >>> 1;
      let b = 0;
      if (this.code >= this.range) {
        this.code = (this.code - this.range) >>> 0;
        b = 1;
      }
      v = v * 2 + b;
      if (this.range < TOP) {
        this.range = (this.range << 8) >>> 0;
        this.code = ((this.code << 8) | this.next()) >>> 0;
      }
    }
    return v;
  }
}
