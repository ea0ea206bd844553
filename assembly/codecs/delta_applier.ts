// Streaming, resumable delta-patch applier (format: docs/delta.md).
//
// Patch bytes go in through sink() into a small input buffer; poll() turns
// them into new-image bytes, reading the old image from flash through a small
// read-ahead buffer. A decode step runs only when the input buffer holds
// enough bytes for the worst case of that step, or the rest of the block
// payload, so a step never has to be suspended half-way.
//
// Every block restarts the coder and carries the CRC-32 of its output, so a
// block start is a verified resume point: atBlockStart(), patchOffset(),
// outputOffset() say where it is, resume() restarts there after a reset.
//
// All RAM is allocated by the constructor; nothing is allocated afterwards.

import { heapUsed, hostRead } from "../common/host";
import {
  DELTA_BLOCK_LOG,
  DELTA_BLOCK_SIZE,
  DELTA_CODEC_HEATSHRINK,
  DELTA_CODEC_RC,
  DELTA_E_ARGUMENT,
  DELTA_E_CHECKSUM,
  DELTA_E_CODEC,
  DELTA_E_CORRUPT,
  DELTA_E_FLASH,
  DELTA_E_HEADER,
  DELTA_E_NEW_RANGE,
  DELTA_E_OLD_RANGE,
  DELTA_E_RESUME,
  DELTA_E_STATE,
  DELTA_E_TRAILING,
  DELTA_E_TRUNCATED,
  DELTA_HEADER_SIZE,
  DELTA_HS_LOOKAHEAD_BITS,
  DELTA_HS_WINDOW_BITS,
  DELTA_MAGIC0,
  DELTA_MAGIC1,
  DELTA_MAGIC2,
  DELTA_MAGIC3,
  DELTA_MAX_PAYLOAD,
} from "./delta_format";
import { DeltaRangeDecoder } from "./delta_rc";
import {
  DeltaRcModel, RC_MODEL_BYTES, RCP_COPY_LOW, RCP_COPY_TREE, RCP_INS_LOW, RCP_INS_TREE, RCP_LIT, RCP_SEEK_LOW,
  RCP_SEEK_SIGN, RCP_SEEK_TREE, rcDecodeNumber,
} from "./delta_rc_model";
import { deltaCrcByte } from "./delta_crc";
import { HS_OK, hsDecoder } from "./heatshrink";

/** Patch bytes buffered between sink() and poll(). */
export const DELTA_INPUT_SIZE: i32 = 256;
/** Old-image read-ahead. */
export const DELTA_READAHEAD_SIZE: i32 = 256;
/** Where the read-ahead and the heatshrink stage sit in the one byte buffer. */
const DELTA_RA_AT: i32 = 256;
const DELTA_STAGE_AT: i32 = 512;
/** Decompressed heatshrink bytes staged for the op parser. */
export const DELTA_HS_STAGE_SIZE: i32 = 64;
/** Payload bytes of the applier's buffers and the rc model (deltaRamTotal adds the rest of the footprint). */
export const DELTA_BUFFER_BYTES: i32 = DELTA_STAGE_AT + DELTA_HS_STAGE_SIZE + RC_MODEL_BYTES;
/** Predictor modes of rc blocks: none, words, words + Thumb BL, words + Xtensa CALL. */
const DELTA_PRED_MODES: i32 = 4;
/**
 * Input bytes a decode step may need. The range decoder reads one byte per
 * 8 bits of information, and one decision costs at most 7.1 bits (adaptive:
 * p >= 15/2048), 12 bits (mixed: p >= 1/4096) or 1 bit (direct). The largest
 * step, a copy length and a seek, is under 170 bits (22 bytes); a copied byte
 * is under 84 bits (ready(16)), a literal under 57 bits (ready(12)).
 */
const DELTA_STEP_MAX: i32 = 48;

const DS_IDLE: i32 = 0; // before begin()
const DS_HEADER: i32 = 1; // next: the 16-byte patch header
const DS_BLOCK_HEAD: i32 = 2; // next: varint payload length, CRC-32
const DS_RC_INIT: i32 = 3; // next: 4 bytes of range-coder state
const DS_OP: i32 = 4; // next: copy length (and seek)
const DS_COPY: i32 = 5; // emitting old + diff bytes
const DS_INSERT_LEN: i32 = 6; // next: insert length
const DS_INSERT: i32 = 7; // emitting literal bytes
const DS_BLOCK_END: i32 = 8; // block output complete: check payload use and CRC
const DS_DONE: i32 = 9; // the whole new image is out
const DS_FAILED: i32 = 10; // sticky error until begin()
const DS_HS_VARINT: i32 = 11; // heatshrink codec: next, a varint (copy, seek or insert field)
const DS_HS_COPY: i32 = 12; // heatshrink codec: emitting old + diff bytes
const DS_HS_INSERT: i32 = 13; // heatshrink codec: emitting literal bytes

// Which varint DS_HS_VARINT is reading.
const HSF_COPY: i32 = 0;
const HSF_SEEK: i32 = 1;
const HSF_INSERT: i32 = 2;

// The rc codec's model (about 7 KiB), made the first time an rc patch needs
// it: a heatshrink patch never pays for it. Made once, then reused.
let sharedRcModel: DeltaRcModel | null = null;
/** Bytes the model took, measured in the WASM build (the stub allocator only grows). */
let sharedRcModelBytes: i32 = 0;

function deltaRcModel(): DeltaRcModel {
  let model = sharedRcModel;
  if (model == null) {
    const before: u32 = heapUsed();
    model = new DeltaRcModel();
    sharedRcModelBytes = i32(heapUsed() - before);
    sharedRcModel = model;
  }
  return model!;
}

export class DeltaApplier {
  /** input [0, 256), read-ahead [256, 512), heatshrink stage [512, 576): one allocation. */
  input: Uint8Array;
  rc: DeltaRangeDecoder;
  stagePos: i32 = 0;
  stageLen: i32 = 0;
  hsField: i32 = 0;
  /** pollHs() stopped for want of patch input. */
  starved: bool = false;
  varValue: u32 = 0;
  varCount: i32 = 0;

  state: i32 = DS_IDLE;
  failure: i32 = 0;
  codec: i32 = 0;
  oldAddr: u32 = 0;
  oldSize: u32 = 0;
  newSize: u32 = 0;

  /** Patch offset of input[0]; the read position is rc.pos, the fill level inEnd. */
  inBase: u32 = 0;
  inEnd: i32 = 0;

  blockPatchStart: u32 = 0;
  blockOutStart: u32 = 0;
  blockOutEnd: u32 = 0;
  payloadEnd: u32 = 0;
  headBytes: i32 = 0;
  headValue: u32 = 0;
  /** Head byte index where the CRC starts; 0 while the varint is still being read. */
  headCrcAt: i32 = 0;
  blockCrc: u32 = 0;
  crc: u32 = 0;

  outPos: u32 = 0;
  cursor: u32 = 0;
  oldPos: u32 = 0;
  copyLeft: u32 = 0;
  lastCopy: u32 = 0;
  insertLeft: u32 = 0;

  /** Old bytes oldWordAt..+3 little-endian, rolled along a copy; oldWordAt = 0xffffffff when stale. */
  oldWord: u32 = 0;
  oldWordAt: u32 = 0xffffffff;
  raStart: u32 = 0;
  raLen: u32 = 0;

  constructor() {
    const input = new Uint8Array(DELTA_STAGE_AT + DELTA_HS_STAGE_SIZE);
    this.input = input;
    this.rc = new DeltaRangeDecoder(input);
  }

  begin(oldAddr: u32, oldSize: u32, newSize: u32, codec: i32): i32 {
    this.state = DS_IDLE;
    if (codec != DELTA_CODEC_RC && codec != DELTA_CODEC_HEATSHRINK) return DELTA_E_CODEC;
    if (u32(oldAddr + oldSize) < oldAddr || newSize > 0x7fffffff || oldSize > 0x7fffffff) return DELTA_E_ARGUMENT;
    this.codec = codec;
    this.oldAddr = oldAddr;
    this.oldSize = oldSize;
    this.newSize = newSize;
    this.failure = 0;
    this.inBase = 0;
    this.inEnd = 0;
    this.rc.pos = 0;
    this.raLen = 0;
    this.outPos = 0;
    this.blockPatchStart = 0;
    this.blockOutStart = 0;
    this.state = DS_HEADER;
    return 0;
  }

  resume(patchOffset: u32, outputOffset: u32): i32 {
    if (this.state == DS_IDLE) return DELTA_E_STATE;
    if (
      patchOffset < u32(DELTA_HEADER_SIZE) ||
      outputOffset > this.newSize ||
      (outputOffset & (DELTA_BLOCK_SIZE - 1)) != 0
    ) {
      return this.fail(DELTA_E_RESUME);
    }
    this.inBase = patchOffset;
    this.inEnd = 0;
    this.rc.pos = 0;
    this.raLen = 0;
    this.failure = 0;
    this.enterBlock(patchOffset, outputOffset);
    return 0;
  }

  atBlockStart(): bool {
    return (this.state == DS_BLOCK_HEAD && this.headBytes == 0) || this.state == DS_DONE;
  }

  patchOffset(): u32 {
    return this.blockPatchStart;
  }

  outputOffset(): u32 {
    return this.blockOutStart;
  }

  sink(buf: Uint8Array, off: i32, len: i32): i32 {
    if (this.state == DS_IDLE) return DELTA_E_STATE;
    if (this.state == DS_FAILED) return this.failure;
    if (off < 0 || len < 0 || off > buf.length || len > buf.length - off) return DELTA_E_ARGUMENT;
    const inp = this.input;
    const pos = this.rc.pos;
    if (pos > 0) {
      const keep = this.inEnd - pos;
      for (let i: i32 = 0; i < keep; i++) unchecked((inp[i] = inp[pos + i]));
      this.inBase = u32(this.inBase + u32(pos));
      this.inEnd = keep;
      this.rc.pos = 0;
    }
    let n = DELTA_INPUT_SIZE - this.inEnd;
    if (n > len) n = len;
    const at = this.inEnd;
    for (let i: i32 = 0; i < n; i++) unchecked((inp[at + i] = buf[off + i]));
    this.inEnd = at + n;
    return n;
  }

  finish(): i32 {
    if (this.state == DS_IDLE) return DELTA_E_STATE;
    const r = this.poll(this.input, 0, 0); // settle pending checks; produces nothing
    if (r < 0) return r;
    if (this.state != DS_DONE) return DELTA_E_TRUNCATED;
    return 0;
  }

  fail(status: i32): i32 {
    this.state = DS_FAILED;
    this.failure = status;
    return status;
  }

  enterBlock(patchOffset: u32, outputOffset: u32): void {
    this.blockPatchStart = patchOffset;
    this.blockOutStart = outputOffset;
    this.outPos = outputOffset;
    this.headBytes = 0;
    this.headValue = 0;
    this.headCrcAt = 0;
    this.state = outputOffset == this.newSize ? DS_DONE : DS_BLOCK_HEAD;
  }

  /** True when the next step may run: enough input for its worst case, or all the rest of the payload. */
  ready(need: i32): bool {
    const avail = this.inEnd - this.rc.pos;
    const left = i32(this.payloadEnd - u32(this.inBase + u32(this.rc.pos)));
    if (avail < need && avail < left) return false;
    this.rc.limit = this.rc.pos + (left < avail ? left : avail);
    return true;
  }

  /** Old-image byte at `pos` (< oldSize) through the read-ahead buffer; -1 on a flash fault. */
  oldByte(pos: u32): i32 {
    let k = u32(pos - this.raStart);
    if (pos < this.raStart || k >= this.raLen) {
      // Start a little before pos: the model also looks up to 3 bytes ahead.
      const start: u32 = pos >= 3 ? pos - 3 : 0;
      let n = this.oldSize - start;
      if (n > u32(DELTA_READAHEAD_SIZE)) n = u32(DELTA_READAHEAD_SIZE);
      if (hostRead(u32(this.oldAddr + start), this.input, u32(DELTA_RA_AT), n) != 0) return -1;
      this.raStart = start;
      this.raLen = n;
      k = u32(pos - start);
    }
    return i32(unchecked(this.input[DELTA_RA_AT + i32(k)]));
  }

  poll(out: Uint8Array, outOff: i32, max: i32): i32 {
    if (this.state == DS_IDLE) return DELTA_E_STATE;
    if (this.state == DS_FAILED) return this.failure;
    if (outOff < 0 || max < 0 || outOff > out.length || max > out.length - outOff) return DELTA_E_ARGUMENT;
    const rc = this.rc;
    let produced: i32 = 0;
    for (;;) {
      const st = this.state;
      // The heatshrink codec's states first: Espruino reads past the text of
      // every branch before the one taken, at every turn, and this one is short.
      if (st >= DS_HS_VARINT) {
        this.starved = false;
        const r = this.pollHs(out, outOff + produced, max - produced);
        if (r < 0) return r;
        produced += r;
        if (this.starved) return produced;
        const now = this.state;
        if (produced == max && (now == DS_HS_COPY || now == DS_HS_INSERT)) return produced;
      } else if (st == DS_COPY) {
        let left = this.copyLeft;
        let o = this.outPos;
        let op = this.oldPos;
        let c = this.crc;
        // Old bytes op..op+3 (the model's context), rolled on one byte per step.
        let word = this.oldWord;
        // Fetched once per call, not per byte: this loop is the applier's hot path.
        const model = deltaRcModel();
        while (left > 0 && produced < max && this.ready(16)) {
          if (this.oldWordAt != op) {
            word = 0;
            for (let k: u32 = 0; k < 4; k++) {
              // Model context: 0 past the old image.
              const x = u32(op + k) < this.oldSize ? this.oldByte(u32(op + k)) : 0;
              if (x < 0) return this.fail(DELTA_E_FLASH);
              word = u32(word | (u32(x) << (8 * k)));
            }
          }
          const d = model.decodeDiff(rc, o, op, word, left);
          const b = u32(((word & 0xff) + d) & 0xff);
          const next = u32(op + 4) < this.oldSize ? this.oldByte(u32(op + 4)) : 0;
          if (next < 0) return this.fail(DELTA_E_FLASH);
          word = u32((word >>> 8) | (u32(next) << 24));
          this.oldWordAt = u32(op + 1);
          unchecked((out[outOff + produced] = u8(b)));
          c = deltaCrcByte(c, b);
          model.prevOut = b;
          produced++;
          o++;
          op++;
          left--;
        }
        this.copyLeft = left;
        this.outPos = o;
        this.oldPos = op;
        this.oldWord = word;
        this.crc = c;
        if (rc.overrun || rc.invalid) return this.fail(DELTA_E_CORRUPT);
        if (left > 0) return produced;
        // (The model closed the copy itself at its last byte.)
        this.cursor = op;
        this.state = DS_INSERT_LEN;
      } else if (st == DS_INSERT) {
        let left = this.insertLeft;
        let c = this.crc;
        let o = this.outPos;
        const model = deltaRcModel();
        const p = model.p;
        let prev = model.prevOut;
        while (left > 0 && produced < max && this.ready(12)) {
          // A literal: 8-bit tree; context: pos & 1, the previous byte's top bit.
          const base = RCP_LIT + i32((((o & 1) << 1) | (prev >>> 7)) << 8);
          let node: i32 = 1;
          for (let k: i32 = 0; k < 8; k++) node = (node << 1) | rc.bit(p, base + node);
          const b = u32(node & 0xff);
          o++;
          unchecked((out[outOff + produced] = u8(b)));
          c = deltaCrcByte(c, b);
          prev = b;
          produced++;
          left--;
        }
        model.prevOut = prev;
        this.outPos = o;
        this.insertLeft = left;
        this.crc = c;
        if (rc.overrun) return this.fail(DELTA_E_CORRUPT);
        if (left > 0) return produced;
        this.state = this.outPos == this.blockOutEnd ? DS_BLOCK_END : DS_OP;
      } else if (st == DS_OP) {
        if (!this.ready(DELTA_STEP_MAX)) return produced;
        const p = deltaRcModel().p;
        const copy = rcDecodeNumber(rc, p, RCP_COPY_TREE, RCP_COPY_LOW, 5, 17);
        if (rc.invalid) return this.fail(DELTA_E_CORRUPT);
        if (copy > u32(this.blockOutEnd - this.outPos)) return this.fail(DELTA_E_NEW_RANGE);
        this.lastCopy = copy;
        if (copy > 0) {
          const mag = rcDecodeNumber(rc, p, RCP_SEEK_TREE, RCP_SEEK_LOW, 6, 32);
          const negative = mag != 0 && rc.bit(p, RCP_SEEK_SIGN) != 0;
          if (rc.overrun || rc.invalid) return this.fail(DELTA_E_CORRUPT);
          const pos = this.seekTarget(mag, negative, copy);
          if (pos < 0) return this.fail(DELTA_E_OLD_RANGE);
          this.oldPos = u32(pos);
          this.oldWordAt = 0xffffffff;
          this.copyLeft = copy;
          this.state = DS_COPY;
        } else {
          this.state = DS_INSERT_LEN;
        }
        if (rc.overrun || rc.invalid) return this.fail(DELTA_E_CORRUPT);
      } else if (st == DS_INSERT_LEN) {
        if (!this.ready(DELTA_STEP_MAX)) return produced;
        const ins = rcDecodeNumber(rc, deltaRcModel().p, RCP_INS_TREE, RCP_INS_LOW, 5, 17);
        if (rc.overrun || rc.invalid) return this.fail(DELTA_E_CORRUPT);
        if (ins > u32(this.blockOutEnd - this.outPos)) return this.fail(DELTA_E_NEW_RANGE);
        if (ins == 0 && this.lastCopy == 0) return this.fail(DELTA_E_CORRUPT);
        this.insertLeft = ins;
        this.cursor = u32(this.cursor + ins);
        this.state = ins > 0 ? DS_INSERT : this.outPos == this.blockOutEnd ? DS_BLOCK_END : DS_OP;
      } else if (st == DS_BLOCK_HEAD) {
        if (!this.readBlockHead()) return this.state == DS_FAILED ? this.failure : produced;
      } else if (st == DS_RC_INIT) {
        this.cursor = this.outPos;
        this.crc = 0xffffffff;
        if (this.codec == DELTA_CODEC_HEATSHRINK) {
          if (hsDecoder().reset(DELTA_HS_WINDOW_BITS, DELTA_HS_LOOKAHEAD_BITS, true) != HS_OK) return this.fail(DELTA_E_CODEC);
          this.stagePos = 0;
          this.stageLen = 0;
          this.varValue = 0;
          this.varCount = 0;
          this.hsField = HSF_COPY;
          this.state = DS_HS_VARINT;
        } else {
          // Payload: predictor mode byte, then the range coder's 4 starting bytes.
          if (!this.ready(5)) return produced;
          const mode = i32(unchecked(this.input[rc.pos]));
          rc.pos++;
          if (mode >= DELTA_PRED_MODES) return this.fail(DELTA_E_CORRUPT);
          // The range coder's start: full range, the first 4 bytes as its code.
          rc.range = 0xffffffff;
          rc.code = 0;
          rc.overrun = false;
          rc.invalid = false;
          for (let i: i32 = 0; i < 4; i++) rc.code = u32((rc.code << 8) | rc.next());
          if (rc.overrun) return this.fail(DELTA_E_CORRUPT);
          deltaRcModel().reset(mode);
          this.state = DS_OP;
        }
      } else if (st == DS_BLOCK_END) {
        if (this.codec == DELTA_CODEC_HEATSHRINK) {
          const e = this.drainHs();
          if (e < 0) return this.fail(e);
          if (e > 0) return produced;
        }
        if (u32(this.inBase + u32(rc.pos)) != this.payloadEnd) return this.fail(DELTA_E_CORRUPT);
        if (u32(~this.crc) != this.blockCrc) return this.fail(DELTA_E_CHECKSUM);
        this.enterBlock(this.payloadEnd, this.blockOutEnd);
        // Stop at the boundary so the caller sees atBlockStart() and can persist it.
        if (produced > 0) return produced;
      } else if (st == DS_HEADER) {
        if (this.inEnd - rc.pos < DELTA_HEADER_SIZE) return produced;
        const h = this.checkHeader();
        if (h != 0) return this.fail(h);
        rc.pos += DELTA_HEADER_SIZE;
        this.enterBlock(u32(DELTA_HEADER_SIZE), 0);
      } else if (st == DS_DONE) {
        if (this.inEnd > rc.pos) return this.fail(DELTA_E_TRAILING);
        return produced;
      } else {
        return this.failure;
      }
    }
    return produced;
  }

  /**
   * Next decompressed op byte, or -1 without one: then either `starved` is
   * set (more patch input is needed) or the applier has failed (a decoder
   * error, or the payload used up mid-op: the block is short).
   */
  hsNext(): i32 {
    if (this.stagePos < this.stageLen) {
      const b = i32(unchecked(this.input[DELTA_STAGE_AT + this.stagePos]));
      this.stagePos++;
      return b;
    }
    for (;;) {
      const n = hsDecoder().poll(this.input, DELTA_STAGE_AT, DELTA_HS_STAGE_SIZE);
      if (n < 0) break;
      if (n > 0) {
        this.stagePos = 1;
        this.stageLen = n;
        return i32(unchecked(this.input[DELTA_STAGE_AT]));
      }
      const k = this.feedHs();
      if (k < 0) break;
      if (k == 0) {
        // Wait for input, unless the payload is used up.
        if (u32(this.inBase + u32(this.rc.pos)) == this.payloadEnd) break;
        this.starved = true;
        return -1;
      }
    }
    this.fail(DELTA_E_CORRUPT);
    return -1;
  }

  /** Moves buffered payload bytes into the heatshrink decoder; bytes moved or a negative status. */
  feedHs(): i32 {
    const left = i32(this.payloadEnd - u32(this.inBase + u32(this.rc.pos)));
    const avail = this.inEnd - this.rc.pos;
    const give = left < avail ? left : avail;
    if (give <= 0) return 0;
    const k = hsDecoder().sink(this.input, this.rc.pos, give);
    if (k < 0) return k;
    this.rc.pos += k;
    return k;
  }

  /** Block end, heatshrink codec: the payload must hold nothing more. 0 done, 1 waiting, < 0 error. */
  drainHs(): i32 {
    if (this.stagePos < this.stageLen) return DELTA_E_CORRUPT;
    for (;;) {
      if (hsDecoder().poll(this.input, DELTA_STAGE_AT, DELTA_HS_STAGE_SIZE) != 0) return DELTA_E_CORRUPT;
      if (u32(this.inBase + u32(this.rc.pos)) == this.payloadEnd) break;
      const k = this.feedHs();
      if (k < 0) return DELTA_E_CORRUPT;
      if (k == 0) return 1;
    }
    return hsDecoder().finish() == HS_OK ? 0 : DELTA_E_CORRUPT;
  }

  /** Heatshrink-codec op parsing; returns bytes produced or a negative status. */
  pollHs(out: Uint8Array, outOff: i32, max: i32): i32 {
    const st = this.state;
    let produced: i32 = 0;
    if (st == DS_HS_VARINT) {
      for (;;) {
        const b = this.hsNext();
        if (b < 0) return this.starved ? 0 : this.failure;
        const k = this.varCount;
        if (k >= 5 || (k == 4 && (b & 0x70) != 0)) return this.fail(DELTA_E_CORRUPT);
        this.varValue = u32(this.varValue | (u32(b & 0x7f) << u32(7 * k)));
        this.varCount = k + 1;
        if ((b & 0x80) == 0) break;
      }
      // The next varint starts from zero (no method for it: on Espruino each costs about ten variables).
      const value = this.varValue;
      this.varValue = 0;
      this.varCount = 0;
      return this.hsFieldDone(value);
    }
    let c = this.crc;
    let o = this.outPos;
    if (st == DS_HS_COPY) {
      let left = this.copyLeft;
      let op = this.oldPos;
      while (left > 0 && produced < max) {
        // A staged byte is read here (Espruino pays for a call per byte otherwise).
        let d: i32 = -1;
        if (this.stagePos < this.stageLen) {
          d = i32(unchecked(this.input[DELTA_STAGE_AT + this.stagePos]));
          this.stagePos++;
        } else {
          d = this.hsNext();
        }
        if (d < 0) {
          this.copyLeft = left;
          this.oldPos = op;
          this.outPos = o;
          this.crc = c;
          return this.starved ? produced : this.failure;
        }
        const ob = this.oldByte(op);
        if (ob < 0) return this.fail(DELTA_E_FLASH);
        const b = u32((ob + d) & 0xff);
        unchecked((out[outOff + produced] = u8(b)));
        c = deltaCrcByte(c, b);
        produced++;
        o++;
        op++;
        left--;
      }
      this.copyLeft = left;
      this.oldPos = op;
      this.outPos = o;
      this.crc = c;
      if (left == 0) {
        this.cursor = op;
        this.hsField = HSF_INSERT;
        this.state = DS_HS_VARINT;
      }
      return produced;
    }
    let left = this.insertLeft;
    while (left > 0 && produced < max) {
      let b: i32 = -1;
      if (this.stagePos < this.stageLen) {
        b = i32(unchecked(this.input[DELTA_STAGE_AT + this.stagePos]));
        this.stagePos++;
      } else {
        b = this.hsNext();
      }
      if (b < 0) {
        this.insertLeft = left;
        this.outPos = o;
        this.crc = c;
        return this.starved ? produced : this.failure;
      }
      unchecked((out[outOff + produced] = u8(b)));
      c = deltaCrcByte(c, u32(b));
      produced++;
      o++;
      left--;
    }
    this.insertLeft = left;
    this.outPos = o;
    this.crc = c;
    if (left == 0) {
      // After an insert: the block's end, or the next copy field.
      this.hsField = HSF_COPY;
      this.state = this.outPos == this.blockOutEnd ? DS_BLOCK_END : DS_HS_VARINT;
    }
    return produced;
  }

  /** A complete varint of the heatshrink op stream; 0 or a negative status. */
  hsFieldDone(v: u32): i32 {
    const f = this.hsField;
    if (f == HSF_COPY) {
      if (v > u32(this.blockOutEnd - this.outPos)) return this.fail(DELTA_E_NEW_RANGE);
      this.lastCopy = v;
      this.copyLeft = v;
      this.hsField = v > 0 ? HSF_SEEK : HSF_INSERT;
      this.state = DS_HS_VARINT;
      return 0;
    }
    if (f == HSF_SEEK) {
      const mag = v >>> 1;
      const pos = this.seekTarget(mag, (v & 1) != 0, this.copyLeft);
      if (pos < 0) return this.fail(DELTA_E_OLD_RANGE);
      this.oldPos = u32(pos);
      this.state = DS_HS_COPY;
      return 0;
    }
    if (v > u32(this.blockOutEnd - this.outPos)) return this.fail(DELTA_E_NEW_RANGE);
    if (v == 0 && this.lastCopy == 0) return this.fail(DELTA_E_CORRUPT);
    this.insertLeft = v;
    this.cursor = u32(this.cursor + v);
    // An empty insert: the block's end, or the next copy field.
    if (v == 0) this.hsField = HSF_COPY;
    this.state = v > 0 ? DS_HS_INSERT : this.outPos == this.blockOutEnd ? DS_BLOCK_END : DS_HS_VARINT;
    return 0;
  }

  /** Old offset of a copy of `copy` bytes at cursor +/- mag, or -1 when it leaves the old image. */
  seekTarget(mag: u32, negative: bool, copy: u32): i32 {
    let pos: u32 = 0;
    if (negative && mag != 0) {
      if (mag > this.cursor) return -1;
      pos = u32(this.cursor - mag);
    } else {
      if (mag > this.oldSize || this.cursor > this.oldSize) return -1;
      pos = u32(this.cursor + mag);
    }
    if (copy > this.oldSize || pos > u32(this.oldSize - copy)) return -1;
    return i32(pos);
  }

  checkHeader(): i32 {
    const b = this.input;
    const p = this.rc.pos;
    if (
      u32(unchecked(b[p])) != DELTA_MAGIC0 || u32(unchecked(b[p + 1])) != DELTA_MAGIC1 ||
      u32(unchecked(b[p + 2])) != DELTA_MAGIC2 || u32(unchecked(b[p + 3])) != DELTA_MAGIC3
    ) {
      return DELTA_E_HEADER;
    }
    if (i32(unchecked(b[p + 4])) != this.codec) return DELTA_E_CODEC;
    if (i32(unchecked(b[p + 5])) != DELTA_BLOCK_LOG) return DELTA_E_HEADER;
    const hs = i32(unchecked(b[p + 6]));
    if (hs != ((DELTA_HS_WINDOW_BITS << 4) | DELTA_HS_LOOKAHEAD_BITS) || unchecked(b[p + 7]) != 0) return DELTA_E_HEADER;
    // Old and new sizes, little-endian u32s, byte by byte.
    for (let k: i32 = 0; k < 4; k++) {
      const sh = u32(8 * k);
      if (u32(unchecked(b[p + 8 + k])) != ((this.oldSize >>> sh) & 0xff)) return DELTA_E_HEADER;
      if (u32(unchecked(b[p + 12 + k])) != ((this.newSize >>> sh) & 0xff)) return DELTA_E_HEADER;
    }
    return 0;
  }

  /** Reads the block head byte by byte; true once complete (state moves on). */
  readBlockHead(): bool {
    const rc = this.rc;
    while (rc.pos < this.inEnd) {
      const byte = u32(unchecked(this.input[rc.pos]));
      rc.pos++;
      const k = this.headBytes;
      this.headBytes = k + 1;
      if (this.headCrcAt > 0) {
        const i = k - this.headCrcAt;
        this.blockCrc = u32(this.blockCrc | (byte << u32(8 * i)));
        if (i == 3) {
          // Head complete: the payload follows.
          this.payloadEnd = u32(this.inBase + u32(rc.pos) + this.headValue);
          let end = u32(this.blockOutStart + DELTA_BLOCK_SIZE);
          if (end > this.newSize) end = this.newSize;
          this.blockOutEnd = end;
          this.state = DS_RC_INIT;
          return true;
        }
        continue;
      }
      // Varint payload length: at most 5 bytes, at most DELTA_MAX_PAYLOAD.
      if (k >= 5) {
        this.fail(DELTA_E_CORRUPT);
        return false;
      }
      this.headValue = u32(this.headValue | ((byte & 0x7f) << u32(7 * k)));
      if ((byte & 0x80) == 0) {
        if ((k == 4 && byte > 0x0f) || this.headValue > DELTA_MAX_PAYLOAD) {
          this.fail(DELTA_E_CORRUPT);
          return false;
        }
        this.headCrcAt = k + 1;
        this.blockCrc = 0;
      }
    }
    return false;
  }
}

/**
 * The applier instance of the core, made on first use (one per core: its
 * buffers are sized once, and nothing is allocated while streaming). A device
 * that only receives raw packages never pays for its 16 KiB.
 */
let sharedApplier: DeltaApplier | null = null;
/** Bytes the instance took, measured in the WASM build (the stub allocator only grows). */
let sharedApplierBytes: i32 = 0;

/** Always here in this build; the JS update module without its codecs says otherwise (update/codec-socket.portable.ts). */
export function deltaAvailable(): bool {
  return true;
}

export function deltaApplier(): DeltaApplier {
  let applier = sharedApplier;
  if (applier == null) {
    const before: u32 = heapUsed();
    applier = new DeltaApplier();
    sharedApplierBytes = i32(heapUsed() - before);
    sharedApplier = applier;
  }
  return applier!;
}

/** Module tables the applier reads: stretch (514), squash (132), rates (60), CRC (64), with headers. */
export const DELTA_TABLE_BYTES: i32 = 930;
/** The shared heatshrink decoder the heatshrink codec borrows: 4096-byte window, 256-byte input, state. */
export const DELTA_HS_SHARED_BYTES: i32 = 4096 + 256 + 160;

/** Bytes of memory taken by `deltaApplier`: measured in WASM, estimated (payload + 320) in JS. */
export function deltaInstanceBytes(): i32 {
  deltaApplier();
  deltaRcModel(); // made here too, so both are counted
  return sharedApplierBytes > 0 ? sharedApplierBytes + sharedRcModelBytes : DELTA_BUFFER_BYTES + 320;
}

/** Everything the applier uses: instance, tables and the borrowed heatshrink decoder. */
export function deltaRamTotal(): i32 {
  return deltaInstanceBytes() + DELTA_TABLE_BYTES + DELTA_HS_SHARED_BYTES;
}
