// Building and reading MCUboot-format images on the host (the layout imgtool
// 2.x writes): header, body, protected TLVs, unprotected TLVs. parseImage here
// lists what a file holds, for display; whether an image is acceptable, and
// which entry counts, is decided by the core's own code
// (bindings/image-check.ts), the same that runs on the device.
import { sha256 } from "@noble/hashes/sha2.js";
import { ed25519 } from "@noble/curves/ed25519.js";
import { p256PublicKeyOf, p256SignDigestDer, p256SpkiDer } from "./p256-keys.js";
import type { KeyType } from "./keys.js";

export const IMAGE_MAGIC = 0x96f3b83d;
export const TLV_INFO_MAGIC = 0x6907;
export const TLV_PROT_INFO_MAGIC = 0x6908;
export const TLV = {
  KEYHASH: 0x01,
  PUBKEY: 0x02,
  SHA256: 0x10,
  /** imgtool --sha 384 / 512: recognised so the device can refuse them as such (UNSUPPORTED_DIGEST). */
  SHA384: 0x11,
  SHA512: 0x12,
  /** ECDSA P-256 signature, DER, over the SHA-256 digest. */
  ECDSA_SIG: 0x22,
  ED25519: 0x24,
  /** imgtool --pure: the signature covers the image itself (refused: UNSUPPORTED_SIGNATURE_MODE). */
  SIG_PURE: 0x25,
  SEC_CNT: 0x50,
  VENDOR_UUID: 0x74,
  CLASS_UUID: 0x75,
  /** slotboot: u16 lowest, u16 highest hardware revision (docs/formats.md "Image TLVs"). */
  HW_REVISION: 0x53a0,
  /** slotboot: u32 oldest bootloader, major << 16 | minor << 8 | patch. */
  MIN_BOOTLOADER: 0x53a1,
} as const;
/** MCUboot's header flags (IMAGE_F_*). A slotboot device implements none: it refuses any set flag. */
export const IMAGE_FLAGS = {
  PIC: 0x01,
  ENCRYPTED_AES128: 0x04,
  ENCRYPTED_AES256: 0x08,
  NON_BOOTABLE: 0x10,
  RAM_LOAD: 0x20,
  ROM_FIXED: 0x100,
  COMPRESSED_LZMA1: 0x200,
  COMPRESSED_LZMA2: 0x400,
  COMPRESSED_ARM_THUMB: 0x800,
} as const;
export const DEFAULT_HEADER_SIZE = 0x200;

export interface Version {
  major: number;
  minor: number;
  revision: number;
  build: number;
}

export class ImageFormatError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = "ImageFormatError";
  }
}

/** "1.2.3" or "1.2.3+45" (major, minor < 256; revision < 65536; build < 2^32). */
export function parseVersion(text: string): Version {
  const m = /^(\d+)\.(\d+)\.(\d+)(?:\+(\d+))?$/.exec(String(text).trim());
  if (!m) throw new ImageFormatError("BAD_VERSION", `version must look like 1.2.3 or 1.2.3+4, not ${JSON.stringify(text)}`);
  const v = { major: +m[1], minor: +m[2], revision: +m[3], build: m[4] ? +m[4] : 0 };
  if (v.major > 255 || v.minor > 255 || v.revision > 65535 || v.build > 0xffffffff)
    throw new ImageFormatError("BAD_VERSION", `version ${text} is out of range (major.minor < 256, revision < 65536, build < 2^32)`);
  return v;
}

export function formatVersion(v: Version): string {
  const base = `${v.major}.${v.minor}.${v.revision}`;
  return v.build ? `${base}+${v.build}` : base;
}

/** Compare versions; negative when a < b. */
export function compareVersions(a: Version, b: Version): number {
  return a.major - b.major || a.minor - b.minor || a.revision - b.revision || a.build - b.build;
}

export interface SigningKey {
  /** 32-byte Ed25519 secret seed, or 32-byte P-256 secret scalar (big-endian). */
  secretKey: Uint8Array;
  /** Default "ed25519". */
  type?: KeyType;
}

export interface ImageOptions {
  version: Version;
  headerSize?: number;
  loadAddr?: number;
  /** Anti-rollback counter, as the SEC_CNT protected TLV. */
  securityCounter?: number;
  vendorId?: Uint8Array;
  classId?: Uint8Array;
  /** Hardware revisions the image runs on (HW_REVISION protected TLV, written when either is given; defaults 0 and 65535). */
  hwRevMin?: number;
  hwRevMax?: number;
  /** Oldest bootloader that may take it, major << 16 | minor << 8 | patch (MIN_BOOTLOADER protected TLV when above 0). */
  minBootloader?: number;
  key?: SigningKey;
  /** More protected TLVs, after the ones above, as imgtool's --custom-tlv adds them. */
  protectedTlvs?: Array<[number, Uint8Array]>;
  /** Header flags (IMAGE_FLAGS), as imgtool sets them; a slotboot device refuses every one. For tests and interop. */
  flags?: number;
}

/** SubjectPublicKeyInfo DER of an Ed25519 public key (what KEYHASH hashes). */
export function ed25519Spki(publicKey: Uint8Array): Uint8Array {
  const prefix = Uint8Array.from([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]);
  const out = new Uint8Array(prefix.length + 32);
  out.set(prefix, 0);
  out.set(publicKey, prefix.length);
  return out;
}

/** KEYHASH: SHA-256 of the key's SubjectPublicKeyInfo DER (32-byte Ed25519 key or 65-byte P-256 point). */
export function keyHash(publicKey: Uint8Array): Uint8Array {
  return sha256(publicKey.length === 65 ? p256SpkiDer(publicKey) : ed25519Spki(publicKey));
}

function tlvArea(magic: number, entries: Array<[number, Uint8Array]>): Uint8Array {
  const total = 4 + entries.reduce((n, [, v]) => n + 4 + v.length, 0);
  if (total > 0xffff) throw new ImageFormatError("TLV_TOO_LARGE", "TLV area exceeds 64 KiB");
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  dv.setUint16(0, magic, true);
  dv.setUint16(2, total, true);
  let p = 4;
  for (const [type, value] of entries) {
    dv.setUint16(p, type, true);
    dv.setUint16(p + 2, value.length, true);
    out.set(value, p + 4);
    p += 4 + value.length;
  }
  return out;
}

const u32le = (n: number) => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n >>> 0, true);
  return b;
};

/** The HW_REVISION TLV's value: u16 lowest, u16 highest, little-endian. */
export function hwRevisionValue(min: number, max: number): Uint8Array {
  for (const n of [min, max])
    if (!Number.isInteger(n) || n < 0 || n > 0xffff) throw new ImageFormatError("BAD_HW_REVISION", `hardware revision must be an integer 0..65535, not ${n}`);
  if (min > max) throw new ImageFormatError("BAD_HW_REVISION", `lowest hardware revision ${min} is above the highest ${max}`);
  const b = new Uint8Array(4);
  const dv = new DataView(b.buffer);
  dv.setUint16(0, min, true);
  dv.setUint16(2, max, true);
  return b;
}

/** Build an image: header + body + [protected TLVs] + unprotected TLVs. */
export function createImage(body: Uint8Array, o: ImageOptions): Uint8Array {
  const hdrSize = o.headerSize ?? DEFAULT_HEADER_SIZE;
  if (!Number.isInteger(hdrSize) || hdrSize < 32 || hdrSize > 0xffff)
    throw new ImageFormatError("BAD_HEADER_SIZE", "header size must be 32..65535 bytes");
  const prot: Array<[number, Uint8Array]> = [];
  if (o.securityCounter !== undefined) {
    if (!Number.isInteger(o.securityCounter) || o.securityCounter < 0 || o.securityCounter > 0xffffffff)
      throw new ImageFormatError("BAD_SECURITY_COUNTER", "security counter must be an integer 0..4294967295");
    prot.push([TLV.SEC_CNT, u32le(o.securityCounter)]);
  }
  if (o.vendorId) prot.push([TLV.VENDOR_UUID, o.vendorId]);
  if (o.classId) prot.push([TLV.CLASS_UUID, o.classId]);
  if (o.hwRevMin !== undefined || o.hwRevMax !== undefined) prot.push([TLV.HW_REVISION, hwRevisionValue(o.hwRevMin ?? 0, o.hwRevMax ?? 0xffff)]);
  if (o.minBootloader !== undefined && o.minBootloader !== 0) {
    if (!Number.isInteger(o.minBootloader) || o.minBootloader < 0 || o.minBootloader > 0xffffff)
      throw new ImageFormatError("BAD_VERSION", "minimum bootloader must be major << 16 | minor << 8 | patch, each part below 256");
    prot.push([TLV.MIN_BOOTLOADER, u32le(o.minBootloader)]);
  }
  for (const [type, value] of o.protectedTlvs ?? []) prot.push([type, value]);
  const protArea = prot.length ? tlvArea(TLV_PROT_INFO_MAGIC, prot) : new Uint8Array(0);

  const header = new Uint8Array(hdrSize).fill(0xff);
  const dv = new DataView(header.buffer);
  dv.setUint32(0, IMAGE_MAGIC, true);
  dv.setUint32(4, o.loadAddr ?? 0, true);
  dv.setUint16(8, hdrSize, true);
  dv.setUint16(10, protArea.length, true);
  dv.setUint32(12, body.length, true);
  dv.setUint32(16, o.flags ?? 0, true);
  header[20] = o.version.major;
  header[21] = o.version.minor;
  dv.setUint16(22, o.version.revision, true);
  dv.setUint32(24, o.version.build, true);
  dv.setUint32(28, 0, true);

  const covered = new Uint8Array(hdrSize + body.length + protArea.length);
  covered.set(header, 0);
  covered.set(body, hdrSize);
  covered.set(protArea, hdrSize + body.length);
  const digest = sha256(covered);
  const unprot: Array<[number, Uint8Array]> = [];
  const p256Key = o.key?.type === "ecdsa-p256";
  if (o.key) {
    const pub = p256Key ? p256PublicKeyOf(o.key.secretKey) : ed25519.getPublicKey(o.key.secretKey);
    unprot.push([TLV.KEYHASH, keyHash(pub)]);
  }
  unprot.push([TLV.SHA256, digest]);
  // imgtool: both signatures are over the 32-byte digest (ECDSA takes it as its hash).
  if (o.key) unprot.push(p256Key ? [TLV.ECDSA_SIG, p256SignDigestDer(digest, o.key.secretKey)] : [TLV.ED25519, ed25519.sign(digest, o.key.secretKey)]);
  const unprotArea = tlvArea(TLV_INFO_MAGIC, unprot);
  const out = new Uint8Array(covered.length + unprotArea.length);
  out.set(covered, 0);
  out.set(unprotArea, covered.length);
  return out;
}

export interface ParsedImage {
  headerSize: number;
  loadAddr: number;
  imageSize: number;
  protectedTlvSize: number;
  flags: number;
  version: Version;
  /** Total bytes: header + body + both TLV areas. */
  totalSize: number;
  tlvs: Array<{ type: number; protected: boolean; offset: number; value: Uint8Array }>;
  /** SHA-256 over header, body and protected TLVs, computed here. */
  computedDigest: Uint8Array;
}

function readTlvArea(img: Uint8Array, at: number, magic: number, isProt: boolean, out: ParsedImage["tlvs"]): number {
  if (at + 4 > img.length) throw new ImageFormatError("TRUNCATED", "the image ends before its TLV area");
  const dv = new DataView(img.buffer, img.byteOffset, img.byteLength);
  if (dv.getUint16(at, true) !== magic)
    throw new ImageFormatError("BAD_TLV", `TLV area at ${at} has magic 0x${dv.getUint16(at, true).toString(16)}, expected 0x${magic.toString(16)}`);
  const total = dv.getUint16(at + 2, true);
  if (total < 4 || at + total > img.length) throw new ImageFormatError("BAD_TLV", "TLV area length is out of range");
  let p = 4;
  while (p < total) {
    if (p + 4 > total) throw new ImageFormatError("BAD_TLV", "TLV entry header crosses the end of its area");
    const type = dv.getUint16(at + p, true);
    const len = dv.getUint16(at + p + 2, true);
    if (p + 4 + len > total) throw new ImageFormatError("BAD_TLV", `TLV 0x${type.toString(16)} crosses the end of its area`);
    out.push({ type, protected: isProt, offset: at + p + 4, value: img.slice(at + p + 4, at + p + 4 + len) });
    p += 4 + len;
  }
  return total;
}

/** Parse an MCUboot image; throws ImageFormatError with a code when it is not one. */
export function parseImage(img: Uint8Array): ParsedImage {
  if (img.length < 32) throw new ImageFormatError("NOT_AN_IMAGE", "file is shorter than an MCUboot header (32 bytes)");
  const dv = new DataView(img.buffer, img.byteOffset, img.byteLength);
  if (dv.getUint32(0, true) !== IMAGE_MAGIC)
    throw new ImageFormatError("NOT_AN_IMAGE", "bad magic: this is not an MCUboot image (make one with `slotboot image create`)");
  const headerSize = dv.getUint16(8, true);
  const protectedTlvSize = dv.getUint16(10, true);
  const imageSize = dv.getUint32(12, true);
  if (headerSize < 32) throw new ImageFormatError("BAD_HEADER", `header size ${headerSize} is below 32`);
  const bodyEnd = headerSize + imageSize;
  if (bodyEnd + protectedTlvSize + 4 > img.length)
    throw new ImageFormatError("TRUNCATED", `the header declares ${bodyEnd + protectedTlvSize} bytes plus TLVs but the file has ${img.length}`);
  const tlvs: ParsedImage["tlvs"] = [];
  let at = bodyEnd;
  if (protectedTlvSize) {
    const n = readTlvArea(img, at, TLV_PROT_INFO_MAGIC, true, tlvs);
    if (n !== protectedTlvSize) throw new ImageFormatError("BAD_TLV", "protected TLV size disagrees with the header");
    at += n;
  }
  at += readTlvArea(img, at, TLV_INFO_MAGIC, false, tlvs);
  return {
    headerSize,
    loadAddr: dv.getUint32(4, true),
    imageSize,
    protectedTlvSize,
    flags: dv.getUint32(16, true),
    version: { major: img[20], minor: img[21], revision: dv.getUint16(22, true), build: dv.getUint32(24, true) },
    totalSize: at,
    tlvs,
    computedDigest: sha256(img.subarray(0, bodyEnd + protectedTlvSize)),
  };
}
