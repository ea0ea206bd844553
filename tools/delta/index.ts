// Host side of the delta-update codec: `diff` builds a patch that the device
// applies with assembly/delta_applier.ts; `applyPatch` is the reference
// applier (same format, plain TypeScript) used by tests and the bench.

import { splitIntoBlocks } from "./blocks.js";
import {
  codecId,
  crc32,
  DELTA_BLOCK_LOG,
  DELTA_BLOCK_SIZE,
  DELTA_CODEC_HEATSHRINK,
  DELTA_CODEC_RC,
  DELTA_HEADER_SIZE,
  DELTA_HS_LOOKAHEAD_BITS,
  DELTA_HS_WINDOW_BITS,
  DELTA_MAGIC,
  getU32,
  putU32,
  readVarint,
  writeVarint,
  type DeltaCodecName,
} from "./format.js";
import { findOps, OldIndex, type DeltaOp } from "./match.js";
import { decodeHsBlock, encodeHsBlock } from "./hs-codec.js";
import { decodeRcBlock, encodeRcBlock } from "./rc-codec.js";

export type { DeltaCodecName, DeltaOp };

export interface DiffOptions {
  codec?: DeltaCodecName;
}

export function diff(oldImage: Uint8Array, newImage: Uint8Array, opts: DiffOptions = {}): Uint8Array {
  const ops = findOps(new OldIndex(oldImage), newImage);
  return encodePatch(oldImage, newImage, ops, opts);
}

export function encodePatch(oldImage: Uint8Array, newImage: Uint8Array, ops: DeltaOp[], opts: DiffOptions = {}): Uint8Array {
  const codec = codecId(opts.codec ?? "rc");
  const out: number[] = [];
  for (const b of DELTA_MAGIC) out.push(b);
  out.push(codec, DELTA_BLOCK_LOG, (DELTA_HS_WINDOW_BITS << 4) | DELTA_HS_LOOKAHEAD_BITS, 0);
  putU32(out, 8, oldImage.length);
  putU32(out, 12, newImage.length);
  const blocks = splitIntoBlocks(ops, newImage.length, DELTA_BLOCK_SIZE);
  blocks.forEach((pieces, b) => {
    const start = b * DELTA_BLOCK_SIZE;
    const end = Math.min(start + DELTA_BLOCK_SIZE, newImage.length);
    const payload = codec === DELTA_CODEC_RC
      ? encodeRcBlock(oldImage, newImage, pieces, start)
      : encodeHsBlock(oldImage, newImage, pieces, start);
    writeVarint(out, payload.length);
    const at = out.length;
    out.push(0, 0, 0, 0);
    putU32(out, at, crc32(newImage, start, end));
    for (const x of payload) out.push(x);
  });
  return Uint8Array.from(out);
}

export class DeltaFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DeltaFormatError";
  }
}

/** Reference applier: the whole patch in, the whole new image out. */
export function applyPatch(oldImage: Uint8Array, patch: Uint8Array): Uint8Array {
  const fail = (m: string): never => {
    throw new DeltaFormatError(`delta: ${m}`);
  };
  if (patch.length < DELTA_HEADER_SIZE) fail("patch shorter than its header");
  for (let i = 0; i < 4; i++) if (patch[i] !== DELTA_MAGIC[i]) fail("bad magic");
  const codec = patch[4];
  if (codec !== DELTA_CODEC_RC && codec !== DELTA_CODEC_HEATSHRINK) fail(`unknown codec ${codec}`);
  if (patch[5] !== DELTA_BLOCK_LOG || patch[7] !== 0) fail("unsupported block size or version");
  const oldSize = getU32(patch, 8);
  const newSize = getU32(patch, 12);
  if (oldSize !== oldImage.length) fail(`patch is for a ${oldSize}-byte old image, got ${oldImage.length}`);
  const out = new Uint8Array(newSize);
  let at = DELTA_HEADER_SIZE;
  for (let start = 0; start < newSize; start += DELTA_BLOCK_SIZE) {
    const len = Math.min(DELTA_BLOCK_SIZE, newSize - start);
    const [payloadLen, used] = readVarint(patch, at);
    if (used === 0) fail(`block at ${start}: truncated header`);
    at += used;
    if (at + 4 + payloadLen > patch.length) fail(`block at ${start}: truncated`);
    const crc = getU32(patch, at);
    at += 4;
    const payload = patch.subarray(at, at + payloadLen);
    at += payloadLen;
    const err = codec === DELTA_CODEC_RC
      ? decodeRcBlock(oldImage, payload, out, start, len)
      : decodeHsBlock(oldImage, payload, out, start, len);
    if (err) fail(`block at ${start}: ${err}`);
    if (crc32(out, start, start + len) !== crc) fail(`block at ${start}: output checksum mismatch`);
  }
  if (at !== patch.length) fail("trailing bytes after the last block");
  return out;
}
