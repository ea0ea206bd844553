// The host ABI as the WASM build sees it: flash access and optional
// accelerated hashing, imported from the embedding runtime. The JS build
// swaps this one file for host.portable.ts; every other core file is shared.

@external("slotboot", "flash_read")
declare function host_flash_read(addr: u32, ptr: usize, len: u32): i32;
@external("slotboot", "flash_program")
declare function host_flash_program(addr: u32, ptr: usize, len: u32): i32;
@external("slotboot", "flash_erase")
declare function host_flash_erase(addr: u32): i32;
@external("slotboot", "flash_sha256")
declare function host_flash_sha256(addr: u32, len: u32, outPtr: usize): i32;
@external("slotboot", "sha256_begin")
declare function host_sha256_begin(len: u32): i32;
@external("slotboot", "sha256_update")
declare function host_sha256_update(ptr: usize, len: u32): i32;
@external("slotboot", "sha256_finish")
declare function host_sha256_finish(outPtr: usize): i32;

export function hostRead(addr: u32, buf: Uint8Array, off: u32, len: u32): i32 {
  return host_flash_read(addr, buf.dataStart + <usize>off, len);
}

export function hostProgram(addr: u32, buf: Uint8Array, off: u32, len: u32): i32 {
  return host_flash_program(addr, buf.dataStart + <usize>off, len);
}

export function hostErase(addr: u32): i32 {
  return host_flash_erase(addr);
}

/** Optional: SHA-256 of a flash range by the host (a hardware engine); -1 = not offered. */
export function hostFlashSha256(addr: u32, len: u32, out: Uint8Array, off: u32): i32 {
  return host_flash_sha256(addr, len, out.dataStart + <usize>off);
}

/**
 * Optional: a SHA-256 of `len` bytes that the core hands over in pieces
 * (a package's chain block). -1 = not offered (or not for this length): the
 * core hashes it itself. One stream at a time.
 */
export function hostSha256Begin(len: u32): i32 {
  return host_sha256_begin(len);
}

export function hostSha256Update(buf: Uint8Array, off: u32, len: u32): i32 {
  return host_sha256_update(buf.dataStart + <usize>off, len);
}

export function hostSha256Finish(out: Uint8Array, off: u32): i32 {
  return host_sha256_finish(out.dataStart + <usize>off);
}

// The JS builds' optional accelerators (host.portable.ts): never offered to
// the WASM build, which does both as fast itself as an import call would
// take, so its module and imports stay as they are.

/** o = a * b mod 2^255 - 19 by the host: not offered here (false). */
// @ts-ignore: decorator
@inline
export function hostFieldMultiply<T>(o: T, a: T, b: T): bool {
  return false;
}

/** o = a + b and o = a - b (field limbs) by the host: not offered here (false). */
// @ts-ignore: decorator
@inline
export function hostFieldAdd<T>(o: T, a: T, b: T): bool {
  return false;
}

// @ts-ignore: decorator
@inline
export function hostFieldSubtract<T>(o: T, a: T, b: T): bool {
  return false;
}

/** CRC-32 of buf[off, off + len) by the host: not offered here (-1). */
// @ts-ignore: decorator
@inline
export function hostCrc32(buf: Uint8Array, off: i32, len: i32): f64 {
  return -1.0;
}

/** AES-CTR by the host: not offered here (the WASM core runs its own at native speed). */
// @ts-ignore: decorator
@inline
export function hostAesCtr(key: Uint8Array, keyLen: i32, counter: Uint8Array, skip: i32, buf: Uint8Array, off: i32, len: i32): bool {
  return false;
}

// @ts-ignore: decorator
@inline
export function hostOffersAesCtr(): bool {
  return false;
}

/** SHA-512 by the host in one call: not offered here (-1). */
// @ts-ignore: decorator
@inline
export function hostSha512(buf: Uint8Array, off: i32, len: i32, out: Uint8Array, outOff: i32): i32 {
  return -1;
}

// @ts-ignore: decorator
@inline
export function hostOffersSha512(): bool {
  return false;
}

/**
 * Copies dst[dOff, dOff + len) = src[sOff, sOff + len) natively where that
 * is faster than the caller's own loop, and says whether it did. Not a host
 * call: the JS builds copy with the engine's typed-array copy
 * (host.portable.ts), where a loop runs interpreted byte by byte; here the
 * caller's loop is the fast way (false).
 */
// @ts-ignore: decorator
@inline
export function hostCopy(dst: Uint8Array, dOff: i32, src: Uint8Array, sOff: i32, len: i32): bool {
  return false;
}

/**
 * Loads 15 limbs of a baked constant table (src[at, at + 15)) into the field
 * element o natively where that is faster than the caller's 15 assignments:
 * not here (false).
 */
// @ts-ignore: decorator
@inline
export function hostCopyLimbs<T>(o: T, src: i32[], at: i32): bool {
  return false;
}

/** Where a core-owned buffer lives, so the host can fill or read it. */
export function bufferAddress(buf: Uint8Array): u32 {
  return <u32>buf.dataStart;
}

/** Bytes of linear memory in use (static data + everything allocated at init). */
export function heapUsed(): u32 {
  // The stub runtime is a bump allocator: a zero-byte allocation returns the top.
  return <u32>heap.alloc(0);
}
