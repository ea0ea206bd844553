// Streaming heatshrink decoder (LZSS with a bit-oriented stream; the format
// and the state table are in docs/heatshrink.md). Shaped like the C library:
// sink() copies compressed bytes into a small input buffer, poll() turns as
// much of it as fits into output, finish() says whether the stream ended
// cleanly. All RAM is allocated once, by the constructor, for the largest
// window supported; nothing is allocated while decoding.
//
// Unlike the C library the bit reader keeps partial fields across calls, so a
// token may straddle any number of sink() calls, and finish() can tell the
// zero padding of the final byte from a stream cut mid-token.

/** Largest window supported: 2^12 = 4096 bytes of RAM for the window. */
export const HS_MAX_WINDOW_BITS: i32 = 12;
export const HS_MIN_WINDOW_BITS: i32 = 4;
export const HS_MIN_LOOKAHEAD_BITS: i32 = 3;
/** Compressed bytes buffered between sink() and poll(). */
export const HS_INPUT_SIZE: i32 = 256;

// Status codes (0 = ok, positive = informative, negative = error).
export const HS_OK: i32 = 0;
/** finish(): poll() still has output to give or input to consume. */
export const HS_MORE: i32 = 1;
/** reset(): window or lookahead bits outside what this decoder supports. */
export const HS_E_PARAMS: i32 = -40;
/** Called before a successful reset(). */
export const HS_E_NOT_RESET: i32 = -41;
/** Strict mode: a back-reference reaches before the first output byte. */
export const HS_E_REFERENCE: i32 = -42;
/** finish(): the input ended inside a token (not just zero padding). */
export const HS_E_TRUNCATED: i32 = -43;
/** sink()/poll(): offset or length outside the given buffer. */
export const HS_E_ARGUMENT: i32 = -44;

// Decoder states. A token is TAG, then LITERAL, or INDEX, COUNT and COPY.
const HS_ST_IDLE: i32 = 0; // not configured: before reset, or after a bad one
const HS_ST_TAG: i32 = 1; // next: 1 tag bit
const HS_ST_LITERAL: i32 = 2; // next: 8 literal bits, emitted at once
const HS_ST_INDEX: i32 = 3; // next: windowBits of distance - 1
const HS_ST_COUNT: i32 = 4; // next: lookaheadBits of length - 1
const HS_ST_COPY: i32 = 5; // emitting a back-reference
const HS_ST_FAILED: i32 = 6; // sticky error until reset

export class HeatshrinkDecoder {
  window: Uint8Array;
  input: Uint8Array;
  state: i32 = HS_ST_IDLE;
  failure: i32 = HS_OK;
  windowBits: i32 = 0;
  lookaheadBits: i32 = 0;
  mask: i32 = 0;
  strict: bool = false;
  inPos: i32 = 0;
  inLen: i32 = 0;
  // Bits pulled from input but not yet consumed: the low bitCount bits of
  // bitBuf, oldest first (at most 24).
  bitBuf: i32 = 0;
  bitCount: i32 = 0;
  head: i32 = 0;
  /** Bytes produced since reset, saturating at the window size (strict check). */
  filled: i32 = 0;
  /** Index field of the current back-reference: distance - 1. */
  index: i32 = 0;
  /** Bytes of the current back-reference still to emit. */
  remaining: i32 = 0;

  constructor() {
    this.window = new Uint8Array(1 << HS_MAX_WINDOW_BITS);
    this.input = new Uint8Array(HS_INPUT_SIZE);
  }

  /**
   * Starts a stream. Not strict: references before its start read as zeros
   * (as the C library). Strict: such a reference is HS_E_REFERENCE. (One
   * method for both: on Espruino each method costs about ten variables.)
   */
  reset(windowBits: i32, lookaheadBits: i32, strict: bool): i32 {
    if (
      windowBits < HS_MIN_WINDOW_BITS || windowBits > HS_MAX_WINDOW_BITS ||
      lookaheadBits < HS_MIN_LOOKAHEAD_BITS || lookaheadBits > windowBits
    ) {
      this.state = HS_ST_IDLE;
      return HS_E_PARAMS;
    }
    this.windowBits = windowBits;
    this.lookaheadBits = lookaheadBits;
    this.mask = (1 << windowBits) - 1;
    this.strict = strict;
    // The C library starts from a zero-filled window and its encoder refers
    // into it, so references before the first byte must yield zeros.
    const win = this.window;
    for (let i: i32 = 0; i <= this.mask; i++) unchecked((win[i] = 0));
    this.state = HS_ST_TAG;
    this.failure = HS_OK;
    this.inPos = 0;
    this.inLen = 0;
    this.bitBuf = 0;
    this.bitCount = 0;
    this.head = 0;
    this.filled = 0;
    this.index = 0;
    this.remaining = 0;
    return HS_OK;
  }

  /** Copies up to len bytes of buf[off..] into the input buffer; returns how many. */
  sink(buf: Uint8Array, off: i32, len: i32): i32 {
    if (this.state == HS_ST_IDLE) return HS_E_NOT_RESET;
    if (this.state == HS_ST_FAILED) return this.failure;
    if (off < 0 || len < 0 || off > buf.length || len > buf.length - off) return HS_E_ARGUMENT;
    const inp = this.input;
    // Move the unread tail to the front so the whole buffer can be refilled.
    const keep = this.inLen - this.inPos;
    if (this.inPos > 0) {
      for (let i: i32 = 0; i < keep; i++) unchecked((inp[i] = inp[this.inPos + i]));
      this.inPos = 0;
      this.inLen = keep;
    }
    let n = HS_INPUT_SIZE - this.inLen;
    if (n > len) n = len;
    const base = this.inLen;
    for (let i: i32 = 0; i < n; i++) unchecked((inp[base + i] = buf[off + i]));
    this.inLen = base + n;
    return n;
  }

  /**
   * Decodes into out[outOff..outOff+max); returns bytes produced (0 when it
   * needs input), or a negative status. An error found after some bytes were
   * produced is returned by the next call.
   */
  poll(out: Uint8Array, outOff: i32, max: i32): i32 {
    if (this.state == HS_ST_IDLE) return HS_E_NOT_RESET;
    if (this.state == HS_ST_FAILED) return this.failure;
    if (outOff < 0 || max < 0 || outOff > out.length || max > out.length - outOff) return HS_E_ARGUMENT;
    // The hot loop works on locals and writes them back once, at the end.
    const win = this.window;
    const inp = this.input;
    const mask = this.mask;
    const size = mask + 1;
    const wBits = this.windowBits;
    const lBits = this.lookaheadBits;
    const inLen = this.inLen;
    let inPos = this.inPos;
    let bitBuf = this.bitBuf;
    let bitCount = this.bitCount;
    let st = this.state;
    let head = this.head;
    let filled = this.filled;
    let index = this.index;
    let remaining = this.remaining;
    let failure = HS_OK;
    let produced: i32 = 0;
    for (;;) {
      // Keep at least 17 bits buffered while input lasts: every field fits.
      // bitBuf holds at most 24 bits, so i32 shifts never overflow.
      while (bitCount <= 16 && inPos < inLen) {
        bitBuf = (bitBuf << 8) | i32(unchecked(inp[inPos]));
        inPos++;
        bitCount += 8;
      }
      if (st == HS_ST_TAG) {
        if (bitCount < 1) break;
        bitCount -= 1;
        st = ((bitBuf >>> bitCount) & 1) != 0 ? HS_ST_LITERAL : HS_ST_INDEX;
        bitBuf &= (1 << bitCount) - 1;
      } else if (st == HS_ST_LITERAL) {
        if (produced == max || bitCount < 8) break;
        bitCount -= 8;
        const c = u8(bitBuf >>> bitCount);
        bitBuf &= (1 << bitCount) - 1;
        unchecked((win[head] = c));
        head = (head + 1) & mask;
        unchecked((out[outOff + produced] = c));
        produced++;
        if (filled < size) filled++;
        st = HS_ST_TAG;
      } else if (st == HS_ST_INDEX) {
        if (bitCount < wBits) break;
        bitCount -= wBits;
        index = (bitBuf >>> bitCount) & mask;
        bitBuf &= (1 << bitCount) - 1;
        st = HS_ST_COUNT;
      } else if (st == HS_ST_COUNT) {
        if (bitCount < lBits) break;
        bitCount -= lBits;
        remaining = ((bitBuf >>> bitCount) & ((1 << lBits) - 1)) + 1;
        bitBuf &= (1 << bitCount) - 1;
        if (this.strict && index >= filled) {
          failure = HS_E_REFERENCE;
          break;
        }
        st = HS_ST_COPY;
      } else if (st == HS_ST_COPY) {
        let n = max - produced;
        if (n == 0) break;
        if (n > remaining) n = remaining;
        const back = index + 1;
        const dst = outOff + produced;
        for (let k: i32 = 0; k < n; k++) {
          const c = unchecked(win[(head - back) & mask]);
          unchecked((win[head] = c));
          unchecked((out[dst + k] = c));
          head = (head + 1) & mask;
        }
        produced += n;
        filled = filled + n < size ? filled + n : size;
        remaining -= n;
        if (remaining == 0) st = HS_ST_TAG;
      } else {
        break;
      }
    }
    this.inPos = inPos;
    this.bitBuf = bitBuf;
    this.bitCount = bitCount;
    this.state = st;
    this.head = head;
    this.filled = filled;
    this.index = index;
    this.remaining = remaining;
    if (failure != HS_OK) {
      this.failure = failure;
      this.state = HS_ST_FAILED;
    }
    if (produced == 0 && this.state == HS_ST_FAILED) return this.failure;
    return produced;
  }

  /**
   * After the last sink(): HS_OK if the stream ended on a token boundary or
   * with fewer than 8 zero bits of padding after the last token; HS_MORE if
   * poll() still has work; HS_E_TRUNCATED if the input stopped mid-token.
   */
  finish(): i32 {
    if (this.state == HS_ST_IDLE) return HS_E_NOT_RESET;
    if (this.state == HS_ST_FAILED) return this.failure;
    if (this.inPos < this.inLen) return HS_MORE;
    const st = this.state;
    const bits = this.bitCount;
    if (st == HS_ST_COPY) return HS_MORE;
    if (st == HS_ST_TAG) return bits >= 1 ? HS_MORE : HS_OK;
    if (st == HS_ST_LITERAL) return bits >= 8 ? HS_MORE : HS_E_TRUNCATED;
    if (st == HS_ST_INDEX) {
      if (bits >= this.windowBits) return HS_MORE;
      return 1 + bits < 8 && this.bitBuf == 0 ? HS_OK : HS_E_TRUNCATED;
    }
    // HS_ST_COUNT
    if (bits >= this.lookaheadBits) return HS_MORE;
    return 1 + this.windowBits + bits < 8 && this.index == 0 && this.bitBuf == 0 ? HS_OK : HS_E_TRUNCATED;
  }
}

/**
 * The core's one heatshrink decoder: its window is the largest buffer in the
 * core, so the test API and the update receiver share it (reset per stream).
 */
// The core's one decoder, made on first use: a device that only ever receives
// raw packages never pays for its 4 KiB window (on Espruino, about 170
// variables). Made once, then reused: nothing is allocated while streaming.
let sharedDecoder: HeatshrinkDecoder | null = null;

export function hsDecoder(): HeatshrinkDecoder {
  let decoder = sharedDecoder;
  if (decoder == null) {
    decoder = new HeatshrinkDecoder();
    sharedDecoder = decoder;
  }
  return decoder!;
}
