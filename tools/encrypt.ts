// Host-side encryption, with @noble (the device opens it with the core's own
// X25519, HKDF, HMAC and AES-CTR): MCUboot's ECIES-X25519 key wrap and
// imgtool-compatible encrypted images (docs/formats.md "Encrypted images").
import { x25519 } from "@noble/curves/ed25519.js";
import { hkdf } from "@noble/hashes/hkdf.js";
import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { ctr } from "@noble/ciphers/aes.js";
import { randomBytes } from "@noble/hashes/utils.js";
import { createImage, IMAGE_FLAGS, TLV_INFO_MAGIC, ImageFormatError, type ImageOptions } from "./image.js";

export const TLV_ENC_X25519 = 0x33;
const ECIES_INFO = new TextEncoder().encode("MCUBoot_ECIES_v1");
const ZERO_COUNTER = new Uint8Array(16);

export type AesBits = 128 | 256;

/**
 * The ECIES-X25519 entry wrapping `imageKey` (16 or 32 bytes) for the holder
 * of `recipientPublic`: ephemeral public key (32) ‖ HMAC-SHA256 tag (32) ‖
 * wrapped key. `ephemeralSecret` is for reproducible tests only.
 */
export function eciesWrap(recipientPublic: Uint8Array, imageKey: Uint8Array, ephemeralSecret: Uint8Array = x25519.utils.randomSecretKey()): Uint8Array {
  const keyLen = imageKey.length;
  if (keyLen !== 16 && keyLen !== 32) throw new RangeError("the image key is 16 (AES-128) or 32 (AES-256) bytes");
  const shared = x25519.getSharedSecret(ephemeralSecret, recipientPublic);
  const okm = hkdf(sha256, shared, undefined, ECIES_INFO, keyLen + 32);
  const wrapped = ctr(okm.subarray(0, keyLen), ZERO_COUNTER).encrypt(imageKey);
  const tag = hmac(sha256, okm.subarray(keyLen, keyLen + 32), wrapped);
  const entry = new Uint8Array(64 + keyLen);
  entry.set(x25519.getPublicKey(ephemeralSecret), 0);
  entry.set(tag, 32);
  entry.set(wrapped, 64);
  return entry;
}

/** AES-CTR from counter block 0: imgtool's body cipher (encrypting and decrypting are the same). */
export const aesCtrZero = (key: Uint8Array, data: Uint8Array): Uint8Array => ctr(key, ZERO_COUNTER).encrypt(data);

export interface EncryptOptions {
  /** The device's (or device class's) X25519 public key. */
  recipientPublic: Uint8Array;
  aes?: AesBits;
  /** Reproducible tests only: the image key and the ephemeral secret. */
  imageKey?: Uint8Array;
  ephemeralSecret?: Uint8Array;
}

/**
 * An encrypted image as `imgtool sign --encrypt` makes it: the body padded
 * with zeros to a multiple of 16, the header flagged ENCRYPTED_AES128/256,
 * hashed and signed in plaintext; then the body alone encrypted in AES-CTR
 * and the ENC_X25519 entry appended to the unprotected TLVs.
 */
export function createEncryptedImage(firmware: Uint8Array, o: ImageOptions, e: EncryptOptions): Uint8Array {
  const bits = e.aes ?? 128;
  const imageKey = e.imageKey ?? randomBytes(bits / 8);
  if (imageKey.length !== bits / 8) throw new RangeError(`an AES-${bits} key has ${bits / 8} bytes`);
  const padded = new Uint8Array(Math.ceil(firmware.length / 16) * 16);
  padded.set(firmware);
  const flag = bits === 128 ? IMAGE_FLAGS.ENCRYPTED_AES128 : IMAGE_FLAGS.ENCRYPTED_AES256;
  const plain = createImage(padded, { ...o, flags: (o.flags ?? 0) | flag });
  return encryptSignedImage(plain, imageKey, eciesWrap(e.recipientPublic, imageKey, e.ephemeralSecret));
}

/** Body range and unprotected TLV area of an image, from its header. */
function layoutOf(image: Uint8Array): { headerSize: number; bodyEnd: number; unprotAt: number; unprotLen: number } {
  const dv = new DataView(image.buffer, image.byteOffset, image.byteLength);
  const headerSize = dv.getUint16(8, true);
  const bodyEnd = headerSize + dv.getUint32(12, true);
  const unprotAt = bodyEnd + dv.getUint16(10, true);
  if (unprotAt + 4 > image.length || dv.getUint16(unprotAt, true) !== TLV_INFO_MAGIC) throw new ImageFormatError("BAD_TLV", "no unprotected TLV area where the header says");
  return { headerSize, bodyEnd, unprotAt, unprotLen: dv.getUint16(unprotAt + 2, true) };
}

/** Encrypt the body of a signed plaintext image (flag already set) and append the entry. */
export function encryptSignedImage(plain: Uint8Array, imageKey: Uint8Array, entry: Uint8Array): Uint8Array {
  const l = layoutOf(plain);
  const end = l.unprotAt + l.unprotLen;
  const out = new Uint8Array(end + 4 + entry.length);
  out.set(plain.subarray(0, end), 0);
  out.set(aesCtrZero(imageKey, plain.subarray(l.headerSize, l.bodyEnd)), l.headerSize);
  const dv = new DataView(out.buffer);
  dv.setUint16(l.unprotAt + 2, l.unprotLen + 4 + entry.length, true);
  dv.setUint16(end, TLV_ENC_X25519, true);
  dv.setUint16(end + 2, entry.length, true);
  out.set(entry, end + 4);
  return out;
}

/** The ENC_X25519 entry of an image, or undefined: what the installer sends ahead of the image. */
export function findKeyEntry(image: Uint8Array): Uint8Array | undefined {
  if (image.length < 32) return undefined;
  let l;
  try {
    l = layoutOf(image);
  } catch {
    return undefined;
  }
  const dv = new DataView(image.buffer, image.byteOffset, image.byteLength);
  const end = Math.min(image.length, l.unprotAt + l.unprotLen);
  for (let p = l.unprotAt + 4; p + 4 <= end; ) {
    const type = dv.getUint16(p, true);
    const len = dv.getUint16(p + 2, true);
    if (type === TLV_ENC_X25519) return image.slice(p + 4, Math.min(end, p + 4 + len));
    p += 4 + len;
  }
  return undefined;
}

/** Whether the header flags the image encrypted (either AES size). */
export function isEncryptedImage(image: Uint8Array): boolean {
  if (image.length < 20) return false;
  const flags = new DataView(image.buffer, image.byteOffset, image.byteLength).getUint32(16, true);
  return (flags & (IMAGE_FLAGS.ENCRYPTED_AES128 | IMAGE_FLAGS.ENCRYPTED_AES256)) !== 0;
}
