// The host ABI as the plain-JS build sees it. The bundler wraps the whole core
// in `createCore(__host)`, so each core instance has its own host and state;
// `__host` works on the core's own Uint8Array buffers.

interface PortableHost {
  read(addr: u32, buf: Uint8Array, off: u32, len: u32): i32;
  program(addr: u32, buf: Uint8Array, off: u32, len: u32): i32;
  erase(addr: u32): i32;
  sha256(addr: u32, len: u32, out: Uint8Array, off: u32): i32;
  /** Optional streaming SHA-256 (absent = not offered). */
  sha256Begin: ((len: u32) => i32) | null;
  sha256Update: ((buf: Uint8Array, off: u32, len: u32) => i32) | null;
  sha256Finish: ((out: Uint8Array, off: u32) => i32) | null;
  /** Optional field multiply (absent = not offered); see hostFieldMultiply. */
  fieldMultiply: ((o: unknown, a: unknown, b: unknown) => i32) | null;
  /** Optional field addition and subtraction (absent = not offered); see hostFieldAdd. */
  fieldAdd: ((o: unknown, a: unknown, b: unknown) => i32) | null;
  fieldSubtract: ((o: unknown, a: unknown, b: unknown) => i32) | null;
  /** Optional CRC-32 (absent = not offered); see hostCrc32. */
  crc32: ((buf: Uint8Array, off: i32, len: i32) => f64) | null;
  /** Optional one-shot SHA-512 (absent = not offered); see hostSha512. */
  sha512: ((buf: Uint8Array, off: i32, len: i32, out: Uint8Array, outOff: i32) => i32) | null;
  /** Optional AES-CTR keystream XOR (absent = not offered); see hostAesCtr. */
  aesCtr: ((key: Uint8Array, keyLen: i32, counter: Uint8Array, skip: i32, buf: Uint8Array, off: i32, len: i32) => i32) | null;
}

declare const __host: PortableHost;

export function hostRead(addr: u32, buf: Uint8Array, off: u32, len: u32): i32 {
  return __host.read(addr, buf, off, len);
}

export function hostProgram(addr: u32, buf: Uint8Array, off: u32, len: u32): i32 {
  return __host.program(addr, buf, off, len);
}

export function hostErase(addr: u32): i32 {
  return __host.erase(addr);
}

export function hostFlashSha256(addr: u32, len: u32, out: Uint8Array, off: u32): i32 {
  return __host.sha256(addr, len, out, off);
}

export function hostSha256Begin(len: u32): i32 {
  return __host.sha256Begin ? __host.sha256Begin(len) : -1;
}

export function hostSha256Update(buf: Uint8Array, off: u32, len: u32): i32 {
  return __host.sha256Update ? __host.sha256Update(buf, off, len) : -1;
}

export function hostSha256Finish(out: Uint8Array, off: u32): i32 {
  return __host.sha256Finish ? __host.sha256Finish(out, off) : -1;
}

/**
 * Optional: o = a * b mod 2^255 - 19 by the host, on the core's field
 * elements (crypto/fe25519.ts: 15 limbs of 17 bits, an Int32Array in the JS
 * builds), limb for limb what feMul gives. Espruino's native E.convolve does
 * the 225 products in 15 calls (examples/espruino/native-arithmetic.js). false:
 * not offered (or the host returned non-zero), the core multiplies itself.
 */
export function hostFieldMultiply<T>(o: T, a: T, b: T): bool {
  return __host.fieldMultiply != null && __host.fieldMultiply(o, a, b) == 0;
}

/**
 * Optional: o = a + b (fieldAdd) and o = a - b (fieldSubtract), limb by limb
 * on the core's field elements, as feAdd and feSub do (no carries). On
 * Espruino a copy kept in RAM runs them several times faster than the core's
 * own, which is read from flash at every call; an Ed25519 verification does
 * about 2,200 of them. false: not offered, the core does it.
 */
export function hostFieldAdd<T>(o: T, a: T, b: T): bool {
  return __host.fieldAdd != null && __host.fieldAdd(o, a, b) == 0;
}

export function hostFieldSubtract<T>(o: T, a: T, b: T): bool {
  return __host.fieldSubtract != null && __host.fieldSubtract(o, a, b) == 0;
}

/**
 * Optional: the CRC-32 (IEEE 802.3, as common/crc32.ts) of buf[off, off + len)
 * by the host (Espruino's native E.CRC32), or -1 when not offered.
 */
export function hostCrc32(buf: Uint8Array, off: i32, len: i32): f64 {
  return __host.crc32 ? __host.crc32(buf, off, len) : -1.0;
}

/**
 * Optional: out[outOff, outOff + 64) = SHA-512 of buf[off, off + len) by the
 * host in one call (Espruino's native require("crypto").SHA512), for the
 * Ed25519 challenge hash; 0 when done, -1 to leave it to the core. An
 * interpreter takes tens of milliseconds per 128-byte block.
 */
export function hostSha512(buf: Uint8Array, off: i32, len: i32, out: Uint8Array, outOff: i32): i32 {
  return __host.sha512 ? __host.sha512(buf, off, len, out, outOff) : -1;
}

/**
 * Optional: buf[off, off + len) XOR the AES-CTR keystream by the host, true
 * when done. key[0, keyLen) is the AES key (16 or 32 bytes), counter[0, 16)
 * the big-endian counter block of the first keystream block, of which the
 * first `skip` bytes (0..15) are already spent. An interpreter runs AES about
 * fifty times slower than Espruino's native one (docs/porting.md). A host
 * that gets it wrong cannot install anything: the decrypted image must still
 * match its signed digest.
 */
export function hostAesCtr(key: Uint8Array, keyLen: i32, counter: Uint8Array, skip: i32, buf: Uint8Array, off: i32, len: i32): bool {
  return __host.aesCtr != null && __host.aesCtr(key, keyLen, counter, skip, buf, off, len) == 0;
}

/** Whether the host offers hostAesCtr. */
export function hostOffersAesCtr(): bool {
  return __host.aesCtr != null;
}

/** Whether the host offers hostSha512 (the verifier then gathers the message for it). */
export function hostOffersSha512(): bool {
  return __host.sha512 != null;
}

/**
 * dst[dOff, dOff + len) = src[sOff, sOff + len) (buffers that do not
 * overlap) by the engine's native typed-array copy: an interpreter runs a copy
 * loop byte by byte (Espruino: about 10 us a byte). Always true here. One
 * expression, so the build writes it into copyBytes and the minifier drops
 * the loop (a body of statements would stay a function made at every call,
 * which Espruino reads twice). Nothing for len 0: Espruino takes a view of
 * length 0 as one to the end of the buffer.
 * A range past either buffer's end throws (copyPastEnd): the view is made on
 * the source's ArrayBuffer, which in the ES5 builds is shared with other
 * buffers (poolModuleBytes), and Espruino checks neither a view's bounds nor
 * set()'s, so an unchecked copy would read or write a neighbour silently.
 * Every caller's range is constant or bounded by its own checks: reaching
 * this throw is a core bug, not bad input.
 */
export function hostCopy(dst: Uint8Array, dOff: i32, src: Uint8Array, sOff: i32, len: i32): bool {
  // Written as "not within", so a NaN offset is refused too.
  return (len > 0 && (!(sOff >= 0 && dOff >= 0 && sOff + len <= src.length && dOff + len <= dst.length)
    ? copyPastEnd()
    : dst.set(new Uint8Array(src.buffer, src.byteOffset + sOff, len), dOff)), true);
}

function copyPastEnd(): void {
  // Error, not RangeError: Espruino has no RangeError.
  throw new Error("slotboot core: a copy reaches past a buffer's end (a core bug; please report it)");
}

/**
 * o = src[at, at + 15) by the engine's native typed-array copy, for a field
 * element loaded from a baked constant table: in the JS builds both are
 * Int32Arrays (scripts/core-transforms.mjs: fieldElementsAsInt32Arrays,
 * packIntegerTables), and 15 assignments are read from flash at every call
 * on Espruino. False where the table is a plain array (a short one).
 */
export function hostCopyLimbs<T>(o: T, src: i32[], at: i32): bool {
  return (src as unknown as Int32Array).subarray
    ? ((o as unknown as Int32Array).set((src as unknown as Int32Array).subarray(at, at + 15)), true)
    : false;
}

export function bufferAddress(buf: Uint8Array): u32 {
  return 0;
}

/** Not measurable from inside a JS engine. */
export function heapUsed(): u32 {
  return 0;
}
