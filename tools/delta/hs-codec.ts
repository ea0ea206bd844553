// Block payloads of the "heatshrink" codec: the same pieces as the rc codec,
// written as plain bytes
//   varint copyLen, [varint (|seek| << 1 | negative), diff bytes x copyLen],
//   varint insertLen, literal bytes x insertLen
// and the whole block compressed with heatshrink (window 2^w, lookahead 2^l).
// The old cursor follows the same rules as in rc-codec.ts.

import { HeatshrinkDecoder as TsHeatshrinkDecoder } from "heatshrink-ts";
import { heatshrinkEncode } from "../heatshrink-encoder.js";
import type { BlockPiece } from "./blocks.js";
import { DELTA_HS_LOOKAHEAD_BITS, DELTA_HS_WINDOW_BITS, readVarint, writeVarint } from "./format.js";

export function rawBlockOps(old: Uint8Array, nw: Uint8Array, pieces: BlockPiece[], blockStart: number): Uint8Array {
  const raw: number[] = [];
  let cursor = blockStart;
  for (const p of pieces) {
    writeVarint(raw, p.copy);
    if (p.copy > 0) {
      const seek = p.oldPos - cursor;
      writeVarint(raw, Math.abs(seek) * 2 + (seek < 0 ? 1 : 0));
      for (let i = 0; i < p.copy; i++) raw.push((nw[p.newPos + i] - old[p.oldPos + i]) & 0xff);
      cursor = p.oldPos + p.copy;
    }
    writeVarint(raw, p.insert);
    for (let i = 0; i < p.insert; i++) raw.push(nw[p.newPos + p.copy + i]);
    cursor += p.insert;
  }
  return Uint8Array.from(raw);
}

export function encodeHsBlock(old: Uint8Array, nw: Uint8Array, pieces: BlockPiece[], blockStart: number,
  windowBits = DELTA_HS_WINDOW_BITS, lookaheadBits = DELTA_HS_LOOKAHEAD_BITS): Uint8Array {
  return heatshrinkEncode(rawBlockOps(old, nw, pieces, blockStart), { windowBits, lookaheadBits });
}

export function decodeHsBlock(old: Uint8Array, payload: Uint8Array, out: Uint8Array, blockStart: number, blockLen: number): string | null {
  const dec = new TsHeatshrinkDecoder(DELTA_HS_WINDOW_BITS, DELTA_HS_LOOKAHEAD_BITS, 256);
  dec.process(payload);
  const raw = dec.getOutput();
  let at = 0;
  const varint = (): number => {
    const [v, used] = readVarint(raw, at);
    if (used === 0) throw new Error("bad varint");
    at += used;
    return v;
  };
  let cursor = blockStart;
  let np = blockStart;
  const end = blockStart + blockLen;
  try {
    while (np < end) {
      const copy = varint();
      if (copy > end - np) return "copy overruns the block";
      if (copy > 0) {
        const s = varint();
        const oldPos = cursor + (s & 1 ? -1 : 1) * Math.floor(s / 2);
        if (oldPos < 0 || oldPos + copy > old.length) return "copy outside the old image";
        if (at + copy > raw.length) return "payload too short";
        for (let i = 0; i < copy; i++) out[np++] = (old[oldPos + i] + raw[at++]) & 0xff;
        cursor = oldPos + copy;
      }
      const insert = varint();
      if (insert > end - np) return "insert overruns the block";
      if (copy + insert === 0) return "empty operation";
      if (at + insert > raw.length) return "payload too short";
      out.set(raw.subarray(at, at + insert), np);
      at += insert;
      np += insert;
      cursor += insert;
    }
  } catch {
    return "payload too short";
  }
  if (at !== raw.length) return "payload has unused bytes";
  return null;
}
