// Patch container constants shared by the differ and the reference applier.
// The device applier (assembly/delta_format.ts) uses the same numbers;
// docs/delta.md has the tables.

export const DELTA_MAGIC = [0x53, 0x42, 0x44, 0x31]; // "SBD1"
export const DELTA_HEADER_SIZE = 16;
export const DELTA_CODEC_RC = 1;
export const DELTA_CODEC_HEATSHRINK = 2;
/** New-image bytes per block; every block restarts the coder (resume points). */
export const DELTA_BLOCK_LOG = 16;
export const DELTA_BLOCK_SIZE = 1 << DELTA_BLOCK_LOG;
/** Heatshrink parameters of codec 2 (window 2^8, lookahead 2^7). */
export const DELTA_HS_WINDOW_BITS = 8;
export const DELTA_HS_LOOKAHEAD_BITS = 7;

export type DeltaCodecName = "rc" | "heatshrink";
export function codecId(name: DeltaCodecName): number {
  return name === "heatshrink" ? DELTA_CODEC_HEATSHRINK : DELTA_CODEC_RC;
}

export function writeVarint(out: number[], v: number): void {
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
}

/** [value, bytes used]; bytes used is 0 when the varint is truncated or longer than 5 bytes. */
export function readVarint(buf: Uint8Array, at: number): [number, number] {
  let v = 0;
  for (let i = 0; i < 5; i++) {
    if (at + i >= buf.length) return [0, 0];
    const b = buf[at + i];
    v += (b & 0x7f) * 2 ** (7 * i);
    if ((b & 0x80) === 0) return v > 0xffffffff ? [0, 0] : [v, i + 1];
  }
  return [0, 0];
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (IEEE) of buf[start, end). */
export function crc32(buf: Uint8Array, start = 0, end = buf.length): number {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = CRC_TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export function putU32(out: number[] | Uint8Array, at: number, v: number): void {
  out[at] = v & 0xff;
  out[at + 1] = (v >>> 8) & 0xff;
  out[at + 2] = (v >>> 16) & 0xff;
  out[at + 3] = (v >>> 24) & 0xff;
}

export function getU32(b: Uint8Array, at: number): number {
  return (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;
}
