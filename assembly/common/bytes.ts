// Little-endian field access on byte buffers (portable: no raw loads), and
// the fills, copies and comparisons the core does on them.
import { hostCopy } from "./host";

export function getU16(b: Uint8Array, off: i32): u32 {
  return u32(unchecked(b[off]) | (u32(unchecked(b[off + 1])) << 8));
}

export function getU32(b: Uint8Array, off: i32): u32 {
  return u32(
    unchecked(b[off]) |
      (u32(unchecked(b[off + 1])) << 8) |
      (u32(unchecked(b[off + 2])) << 16) |
      (u32(unchecked(b[off + 3])) << 24),
  );
}

export function putU16(b: Uint8Array, off: i32, v: u32): void {
  unchecked((b[off] = u8(v)));
  unchecked((b[off + 1] = u8(v >>> 8)));
}

export function putU32(b: Uint8Array, off: i32, v: u32): void {
  unchecked((b[off] = u8(v)));
  unchecked((b[off + 1] = u8(v >>> 8)));
  unchecked((b[off + 2] = u8(v >>> 16)));
  unchecked((b[off + 3] = u8(v >>> 24)));
}

/** b[off, off + len) = v, by the engine's own fill (an interpreter would run a loop per byte). */
export function fillBytes(b: Uint8Array, off: i32, len: i32, v: u8): void {
  b.fill(v, off, off + len);
}

/** dst[dOff, dOff + len) = src[sOff, sOff + len), buffers that do not overlap (natively in the JS builds). */
export function copyBytes(dst: Uint8Array, dOff: i32, src: Uint8Array, sOff: i32, len: i32): void {
  if (hostCopy(dst, dOff, src, sOff, len)) return;
  for (let i: i32 = 0; i < len; i++) unchecked((dst[dOff + i] = src[sOff + i]));
}

/** Constant-pattern comparison; true when a[aOff..+len) equals b[bOff..+len). */
export function equalBytes(a: Uint8Array, aOff: i32, b: Uint8Array, bOff: i32, len: i32): bool {
  let diff: u32 = 0;
  for (let i: i32 = 0; i < len; i++) diff |= u32(unchecked(a[aOff + i]) ^ unchecked(b[bOff + i]));
  return diff == 0;
}
