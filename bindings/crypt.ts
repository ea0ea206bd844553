// Host side of the core's decryption primitives (assembly/api/crypt.ts):
// X25519, HMAC-SHA256, HKDF-SHA256 and AES-CTR, each run by the core build
// given, through the exchange buffer. These are what an encrypted update is
// opened with on the device; the host tools encrypt with @noble instead, and
// the tests pin one against the other (test/crypt-*.test.ts).
import type { Core } from "./core.js";
import { SlotbootError } from "./errors.js";

function bytes(name: string, v: unknown): Uint8Array {
  if (!(v instanceof Uint8Array)) throw new TypeError(`${name} must be a Uint8Array`);
  return v;
}

function check(status: number, what: string): void {
  if (status < 0) throw new SlotbootError(status, what);
}

/**
 * X25519(scalar, u) by the core, or null when the result is the all-zero
 * shared secret (a small-order u), which the core refuses.
 */
export function x25519With(core: Core, scalar: Uint8Array, u: Uint8Array): Uint8Array | null {
  if (bytes("scalar", scalar).length !== 32 || bytes("u", u).length !== 32) throw new RangeError("x25519: scalar and u are 32 bytes");
  const io = core.io();
  io.set(scalar, 0);
  io.set(u, 32);
  const status = core.exports.x25519Scalar() as number;
  return status < 0 ? null : core.io().slice(0, 32);
}

/** Streams `bytes` through the exchange buffer into one of the core's update calls. */
function stream(core: Core, data: Uint8Array, update: (len: number) => number, what: string): void {
  const step = core.io().length;
  for (let off = 0; off < data.length; off += step) {
    const part = data.subarray(off, Math.min(data.length, off + step));
    core.io().set(part, 0);
    check(update(part.length), what);
  }
}

/** HMAC-SHA256(key, message) by the core. */
export function hmacSha256With(core: Core, key: Uint8Array, message: Uint8Array): Uint8Array {
  bytes("key", key);
  bytes("message", message);
  if (key.length > core.io().length) throw new RangeError("hmacSha256: key longer than the exchange buffer");
  core.io().set(key, 0);
  check(core.exports.hmacSha256Begin(key.length) as number, "hmacSha256Begin");
  stream(core, message, (n) => core.exports.hmacSha256Update(n) as number, "hmacSha256Update");
  core.exports.hmacSha256Final();
  return core.io().slice(0, 32);
}

/** HKDF-SHA256 (RFC 5869) by the core; `length` up to 255 × 32 bytes. */
export function hkdfSha256With(core: Core, ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  bytes("ikm", ikm);
  bytes("salt", salt);
  bytes("info", info);
  const io = core.io();
  if (salt.length + ikm.length > io.length || info.length > 256) throw new RangeError("hkdfSha256: inputs too long for the exchange buffer");
  io.set(salt, 0);
  io.set(ikm, salt.length);
  check(core.exports.hkdfSha256Extract(salt.length, ikm.length) as number, "hkdfSha256Extract");
  const out = new Uint8Array(length);
  const step = io.length;
  for (let from = 0; from < length || from === 0; from += step) {
    const count = Math.min(step, length - from);
    core.io().set(info, 0);
    check(core.exports.hkdfSha256Expand(info.length, length, from, count) as number, "hkdfSha256Expand");
    out.set(core.io().subarray(0, count), from);
    if (count === 0) break;
  }
  return out;
}

/**
 * AES-CTR by the core: `data` XORed with the keystream of `key` (16 or 32
 * bytes) from initial counter block `iv`, starting `offset` bytes into the stream.
 */
export function aesCtrWith(core: Core, key: Uint8Array, iv: Uint8Array, data: Uint8Array, offset = 0): Uint8Array {
  if (bytes("iv", iv).length !== 16) throw new RangeError("aesCtr: the initial counter block is 16 bytes");
  bytes("key", key);
  bytes("data", data);
  const io = core.io();
  io.set(key, 0);
  io.set(iv, 32);
  check(core.exports.aesCtrBegin(key.length) as number, "aesCtrBegin");
  core.exports.aesCtrSeek(offset >>> 0);
  const out = new Uint8Array(data.length);
  const step = io.length;
  for (let off = 0; off < data.length; off += step) {
    const part = data.subarray(off, Math.min(data.length, off + step));
    core.io().set(part, 0);
    check(core.exports.aesCtrXor(part.length) as number, "aesCtrXor");
    out.set(core.io().subarray(0, part.length), off);
  }
  return out;
}

/** One AES block encryption (FIPS-197) by the core. */
export function aesEncryptBlockWith(core: Core, key: Uint8Array, block: Uint8Array): Uint8Array {
  if (bytes("block", block).length !== 16) throw new RangeError("aesEncryptBlock: a block is 16 bytes");
  const io = core.io();
  io.set(bytes("key", key), 0);
  io.set(new Uint8Array(16), 32);
  check(core.exports.aesCtrBegin(key.length) as number, "aesCtrBegin");
  core.io().set(block, 0);
  core.exports.aesEncryptBlock();
  return core.io().slice(0, 16);
}
