// Block payloads of the "rc" codec: each piece is
//   copyLen, [seek, diff bytes x copyLen], insertLen, literal bytes x insertLen
// all coded with RcModel through the range coder. The old cursor starts each
// block at the block's own new-image offset and advances over copies and
// inserts, so an in-place replacement needs no seek.

import type { BlockPiece } from "./blocks.js";
import { RangeDecoder, RangeEncoder } from "./range-coder.js";
import { PRED_MODES } from "./predict.js";
import { oldWordAt, RcModel } from "./rc-model.js";

/** The payload: predictor mode byte, then the range-coded pieces. Tries every mode, keeps the smallest. */
export function encodeRcBlock(old: Uint8Array, nw: Uint8Array, pieces: BlockPiece[], blockStart: number): Uint8Array {
  let best: Uint8Array | null = null;
  for (let mode = 0; mode < PRED_MODES; mode++) {
    const coded = encodeRcBlockWith(old, nw, pieces, blockStart, mode);
    if (!best || coded.length + 1 < best.length) {
      best = new Uint8Array(coded.length + 1);
      best[0] = mode;
      best.set(coded, 1);
    }
  }
  return best as Uint8Array;
}

export function encodeRcBlockWith(old: Uint8Array, nw: Uint8Array, pieces: BlockPiece[], blockStart: number, mode: number): Uint8Array {
  const m = new RcModel(mode);
  const enc = new RangeEncoder();
  let cursor = blockStart;
  for (const p of pieces) {
    m.copyLen.code(enc, p.copy);
    if (p.copy > 0) {
      m.codeSeek(enc, p.oldPos - cursor);
      const diffs = new Uint8Array(p.copy);
      for (let i = 0; i < p.copy; i++) diffs[i] = (nw[p.newPos + i] - old[p.oldPos + i]) & 0xff;
      for (let i = 0; i < p.copy; i++) {
        const np = p.newPos + i;
        const op = p.oldPos + i;
        m.codeDiff(enc, np, op, oldWordAt(old, op), p.copy - i, diffs[i], diffs, i, p.copy);
        m.prevOut = nw[np];
      }
      m.endCopy();
      cursor = p.oldPos + p.copy;
    }
    m.insertLen.code(enc, p.insert);
    for (let i = 0; i < p.insert; i++) {
      const b = nw[p.newPos + p.copy + i];
      m.codeLiteral(enc, p.newPos + p.copy + i, b);
      m.prevOut = b;
    }
    cursor += p.insert;
  }
  return enc.finish();
}

/** Decodes one block into out[blockStart, blockStart+blockLen); returns an error message or null. */
export function decodeRcBlock(
  old: Uint8Array,
  payload: Uint8Array,
  out: Uint8Array,
  blockStart: number,
  blockLen: number,
): string | null {
  if (payload.length < 1 || payload[0] >= PRED_MODES) return "bad predictor mode";
  const m = new RcModel(payload[0]);
  const dec = new RangeDecoder(payload, 1, payload.length);
  let cursor = blockStart;
  let np = blockStart;
  const end = blockStart + blockLen;
  while (np < end) {
    const copy = m.copyLen.code(dec, 0);
    if (copy < 0) return "bad number";
    if (copy > end - np) return "copy overruns the block";
    if (copy > 0) {
      const seek = m.codeSeek(dec, 0);
      if (Number.isNaN(seek)) return "bad number";
      const oldPos = cursor + seek;
      if (oldPos < 0 || oldPos + copy > old.length) return "copy outside the old image";
      for (let i = 0; i < copy; i++) {
        const op = oldPos + i;
        const d = m.codeDiff(dec, np, op, oldWordAt(old, op), copy - i, 0);
        if (d < 0) return "empty pattern slot";
        const b = (old[oldPos + i] + d) & 0xff;
        out[np++] = b;
        m.prevOut = b;
      }
      m.endCopy();
      cursor = oldPos + copy;
    }
    const insert = m.insertLen.code(dec, 0);
    if (insert < 0) return "bad number";
    if (insert > end - np) return "insert overruns the block";
    if (copy + insert === 0) return "empty operation";
    for (let i = 0; i < insert; i++) {
      const b = m.codeLiteral(dec, np, 0);
      out[np++] = b;
      m.prevOut = b;
    }
    cursor += insert;
    if (dec.overrun) return "payload too short";
  }
  if (dec.overrun) return "payload too short";
  if (dec.position() !== payload.length) return "payload has unused bytes";
  return null;
}
