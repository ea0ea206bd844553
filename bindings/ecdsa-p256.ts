// Host side of the core's ECDSA P-256 verification: copies the key and the
// DER signature into the exchange buffer, streams the message through it (the
// core hashes it with SHA-256) or hands over a 32-byte hash, and reads the
// verdict. Both core builds share this path. The acceptance rule (strict DER,
// r and s in [1, n-1], high S accepted, validated key) is the core's; see
// docs/crypto-ecdsa.md.
import type { Core } from "./core.js";
import { statusesOf } from "./status-table.js";

/** 0x04 || x || y. */
export const P256_PUBLIC_KEY_BYTES = 65;
export const P256_HASH_BYTES = 32;
/** The DER SubjectPublicKeyInfo of a P-256 key (RFC 5480) is this prefix and the 65-byte point. */
export const P256_SPKI_PREFIX = Uint8Array.from([
  0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce,
  0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
]);

const p256Status = (core: string): number => statusesOf("core").find((e) => e.core === core)!.status;

/** p256VerifyBegin() results of assembly/api/ecdsa.ts, from the status table. */
export const P256_BEGIN_STATUS = {
  OK: 0,
  BAD_KEY: p256Status("P256_BAD_KEY"),
  BAD_SIGNATURE: p256Status("P256_BAD_SIGNATURE"),
} as const;

function requireBytes(name: string, v: unknown): Uint8Array {
  if (!(v instanceof Uint8Array)) throw new TypeError(`ecdsaP256Verify: ${name} must be a Uint8Array`);
  return v;
}

/** The 65-byte uncompressed point of a key given as that point or as its SPKI DER; null otherwise. */
export function p256PointOfKey(publicKey: Uint8Array): Uint8Array | null {
  if (publicKey.length === P256_PUBLIC_KEY_BYTES) return publicKey;
  if (publicKey.length !== P256_SPKI_PREFIX.length + P256_PUBLIC_KEY_BYTES) return null;
  for (let i = 0; i < P256_SPKI_PREFIX.length; i++) if (publicKey[i] !== P256_SPKI_PREFIX[i]) return null;
  return publicKey.subarray(P256_SPKI_PREFIX.length);
}

/** The SubjectPublicKeyInfo DER of a 65-byte uncompressed point (what KEYHASH hashes). */
export function p256Spki(point: Uint8Array): Uint8Array {
  const out = new Uint8Array(P256_SPKI_PREFIX.length + P256_PUBLIC_KEY_BYTES);
  out.set(P256_SPKI_PREFIX, 0);
  out.set(point, P256_SPKI_PREFIX.length);
  return out;
}

// Key and DER signature into the buffer and begin; false when it cannot verify.
function begin(core: Core, publicKey: Uint8Array, signature: Uint8Array): boolean {
  const point = p256PointOfKey(publicKey);
  const io = core.io();
  if (!point || signature.length > io.length - P256_PUBLIC_KEY_BYTES) return false;
  io.set(point, 0);
  io.set(signature, P256_PUBLIC_KEY_BYTES);
  return (core.exports.p256VerifyBegin(signature.length) as number) === 0;
}

/**
 * Whether `signature` (strict DER) is a valid ECDSA P-256 signature of
 * SHA-256(`message`) under `publicKey` (65-byte uncompressed point, or its
 * SPKI DER), computed by `core`. Malformed keys and signatures give false;
 * only arguments that are not Uint8Arrays throw.
 */
export function ecdsaP256VerifyWith(core: Core, publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  requireBytes("publicKey", publicKey);
  requireBytes("message", message);
  requireBytes("signature", signature);
  if (!begin(core, publicKey, signature)) return false;
  const e = core.exports;
  const step = core.io().length;
  for (let off = 0; off < message.length; off += step) {
    const part = message.subarray(off, Math.min(message.length, off + step));
    core.io().set(part, 0);
    e.p256VerifyUpdate(part.length);
  }
  return (e.p256VerifyFinish() as number) === 1;
}

/** As ecdsaP256VerifyWith, for a 32-byte hash the caller computed (MCUboot's image digest, for one). */
export function ecdsaP256VerifyPrehashedWith(core: Core, publicKey: Uint8Array, hash: Uint8Array, signature: Uint8Array): boolean {
  requireBytes("publicKey", publicKey);
  requireBytes("hash", hash);
  requireBytes("signature", signature);
  if (hash.length !== P256_HASH_BYTES) return false;
  if (!begin(core, publicKey, signature)) return false;
  core.io().set(hash, 0);
  return (core.exports.p256VerifyFinishDigest() as number) === 1;
}

/**
 * As ecdsaP256VerifyPrehashedWith, for a signature given as r || s (64 bytes,
 * big-endian): the form a slotboot manifest carries (docs/formats.md).
 */
export function ecdsaP256VerifyRawPrehashedWith(core: Core, publicKey: Uint8Array, hash: Uint8Array, rs: Uint8Array): boolean {
  requireBytes("publicKey", publicKey);
  requireBytes("hash", hash);
  requireBytes("signature", rs);
  const point = p256PointOfKey(publicKey);
  if (!point || hash.length !== P256_HASH_BYTES || rs.length !== 64) return false;
  const io = core.io();
  io.set(point, 0);
  io.set(rs, P256_PUBLIC_KEY_BYTES);
  if ((core.exports.p256VerifyBeginRaw() as number) !== 0) return false;
  core.io().set(hash, 0);
  return (core.exports.p256VerifyFinishDigest() as number) === 1;
}
