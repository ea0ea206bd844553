// The update package (docs/formats.md "Update package"): a 256-byte signed
// manifest, then the payload — the encoded stream (raw image, compressed image
// or delta) cut into blocks, each followed by the digest of the block after it.
// packPackage is deliberately permissive through `manifest`, `signature`,
// `stream` and `unchecked`, so tests can build hostile packages too.
import { sha256 } from "@noble/hashes/sha2.js";
import { ed25519 } from "@noble/curves/ed25519.js";
import type { Version } from "./image.js";
import { checkImage } from "../bindings/image-check.js";
import { diff } from "./delta/index.js";
import { DELTA_HS_LOOKAHEAD_BITS, DELTA_HS_WINDOW_BITS } from "./delta/format.js";
import { keyId, publicKeyOf, type KeyType } from "./keys.js";
import { p256SignRaw } from "./p256-keys.js";
import { NIL_UUID } from "./uuid.js";
import { randomBytes } from "@noble/hashes/utils.js";
import { aesCtrZero, eciesWrap, type AesBits } from "./encrypt.js";
import { recipientId } from "./x25519-keys.js";

export const MANIFEST_SIZE = 256;
/** Encrypted packages: the block after the manifest (docs/formats.md "Encrypted packages"). */
export const ENC_BLOCK_SIZE = 160;
/** Manifest byte 180 (the former reserved field): the payload's encryption. */
export const PACKAGE_ENCRYPTION = { none: 0, aes128: 1, aes256: 2 } as const;
/** Bytes 0 … 191 are signed; the signature fills 192 … 255. */
export const MANIFEST_SIGNED_SIZE = 192;
export const PACKAGE_MAGIC = Uint8Array.from([0x53, 0x42, 0x50, 0x4b]); // "SBPK"
export const PACKAGE_FORMAT_VERSION = 1;
export const CHAIN_DIGEST_SIZE = 32;
export const DEFAULT_BLOCK_SIZE = 4096;
export const MIN_BLOCK_SIZE = 256;
export const MAX_BLOCK_SIZE = 65536;
export const HW_REV_ANY_MAX = 0xffff;

export const ENCODING = { raw: 0, compressed: 1, delta: 2 } as const;
export const CODEC = { none: 0, rc: 1, heatshrink: 2 } as const;
export type EncodingName = keyof typeof ENCODING;
export type CodecName = keyof typeof CODEC;

/** Field offsets, exactly the table in docs/formats.md. */
export const MANIFEST_OFFSETS = {
  magic: 0,
  formatVersion: 4,
  manifestSize: 6,
  vendorId: 8,
  classId: 24,
  hwRevMin: 40,
  hwRevMax: 42,
  minBootloader: 44,
  version: 48,
  securityCounter: 56,
  imageSize: 60,
  imageDigest: 64,
  encoding: 96,
  codec: 97,
  codecParam1: 98,
  codecParam2: 99,
  payloadSize: 100,
  blockSize: 104,
  dataSize: 108,
  chainHead: 112,
  baseDigest: 144,
  baseSize: 176,
  reserved: 180,
  keyId: 184,
  signature: 192,
} as const;

export class PackageFormatError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = "PackageFormatError";
  }
}

export interface Manifest {
  magic: Uint8Array;
  formatVersion: number;
  manifestSize: number;
  vendorId: Uint8Array;
  classId: Uint8Array;
  hwRevMin: number;
  hwRevMax: number;
  /** major << 16 | minor << 8 | patch; 0 = any. */
  minBootloader: number;
  version: Version;
  securityCounter: number;
  imageSize: number;
  imageDigest: Uint8Array;
  encoding: number;
  codec: number;
  codecParam1: number;
  codecParam2: number;
  payloadSize: number;
  blockSize: number;
  dataSize: number;
  chainHead: Uint8Array;
  baseDigest: Uint8Array;
  baseSize: number;
  reserved: number;
  keyId: Uint8Array;
}

export const encodingName = (e: number): string => (Object.keys(ENCODING) as EncodingName[]).find((k) => ENCODING[k] === e) ?? `unknown(${e})`;
export const codecName = (c: number): string => (Object.keys(CODEC) as CodecName[]).find((k) => CODEC[k] === c) ?? `unknown(${c})`;

/** The codec parameter bytes 98/99 a well-formed package carries for a codec. */
export function codecParams(codec: number): [number, number] {
  return codec === CODEC.heatshrink ? [DELTA_HS_WINDOW_BITS, DELTA_HS_LOOKAHEAD_BITS] : [0, 0];
}

/** "1.2.3" → 0x010203 (each part < 256); "0" or "" → 0 (any). */
export function parseBootloaderVersion(text: string): number {
  const t = String(text).trim();
  if (t === "0" || t === "any") return 0;
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(t);
  if (!m || +m[1] > 255 || +m[2] > 255 || +m[3] > 255)
    throw new PackageFormatError("BAD_VERSION", `bootloader version must be x.y.z with each part below 256, not ${JSON.stringify(text)}`);
  return (+m[1] << 16) | (+m[2] << 8) | +m[3];
}

export const formatBootloaderVersion = (v: number): string => `${(v >>> 16) & 0xff}.${(v >>> 8) & 0xff}.${v & 0xff}`;

export function blockCount(dataSize: number, blockSize: number): number {
  return Math.ceil(dataSize / blockSize);
}

export function isValidBlockSize(n: number): boolean {
  return Number.isInteger(n) && n >= MIN_BLOCK_SIZE && n <= MAX_BLOCK_SIZE && (n & (n - 1)) === 0;
}

function putBytes(out: Uint8Array, at: number, b: Uint8Array, size: number, name: string): void {
  if (b.length !== size) throw new PackageFormatError("BAD_FIELD", `manifest ${name} must be ${size} bytes, not ${b.length}`);
  out.set(b, at);
}

/** The signed part of a manifest (192 bytes). Integers wrap to their field width, unchecked. */
export function manifestBody(m: Manifest): Uint8Array {
  const o = MANIFEST_OFFSETS;
  const out = new Uint8Array(MANIFEST_SIGNED_SIZE);
  const dv = new DataView(out.buffer);
  putBytes(out, o.magic, m.magic, 4, "magic");
  dv.setUint16(o.formatVersion, m.formatVersion, true);
  dv.setUint16(o.manifestSize, m.manifestSize, true);
  putBytes(out, o.vendorId, m.vendorId, 16, "vendor ID");
  putBytes(out, o.classId, m.classId, 16, "class ID");
  dv.setUint16(o.hwRevMin, m.hwRevMin, true);
  dv.setUint16(o.hwRevMax, m.hwRevMax, true);
  dv.setUint32(o.minBootloader, m.minBootloader, true);
  out[o.version] = m.version.major;
  out[o.version + 1] = m.version.minor;
  dv.setUint16(o.version + 2, m.version.revision, true);
  dv.setUint32(o.version + 4, m.version.build, true);
  dv.setUint32(o.securityCounter, m.securityCounter, true);
  dv.setUint32(o.imageSize, m.imageSize, true);
  putBytes(out, o.imageDigest, m.imageDigest, 32, "image digest");
  out[o.encoding] = m.encoding;
  out[o.codec] = m.codec;
  out[o.codecParam1] = m.codecParam1;
  out[o.codecParam2] = m.codecParam2;
  dv.setUint32(o.payloadSize, m.payloadSize, true);
  dv.setUint32(o.blockSize, m.blockSize, true);
  dv.setUint32(o.dataSize, m.dataSize, true);
  putBytes(out, o.chainHead, m.chainHead, 32, "chain head");
  putBytes(out, o.baseDigest, m.baseDigest, 32, "base digest");
  dv.setUint32(o.baseSize, m.baseSize, true);
  dv.setUint32(o.reserved, m.reserved, true);
  putBytes(out, o.keyId, m.keyId, 8, "key ID");
  return out;
}

/**
 * Manifest body + signature over the 192 bytes (and an encrypted package's
 * encryption block) = the 256-byte manifest: Ed25519
 * (RFC 8032), or for a P-256 key r || s of ECDSA-SHA256 (docs/formats.md).
 */
export function signManifest(body: Uint8Array, secretKey: Uint8Array, keyType: KeyType = "ed25519", encryptionBlock?: Uint8Array): Uint8Array {
  if (body.length !== MANIFEST_SIGNED_SIZE) throw new PackageFormatError("BAD_FIELD", `a manifest body has ${MANIFEST_SIGNED_SIZE} bytes`);
  const out = new Uint8Array(MANIFEST_SIZE);
  out.set(body, 0);
  // An encrypted package's signature covers its encryption block too (signedPart).
  const message = signedPart(body, encryptionBlock);
  out.set(keyType === "ecdsa-p256" ? p256SignRaw(message, secretKey) : ed25519.sign(message, secretKey), MANIFEST_SIGNED_SIZE);
  return out;
}

/** Read every manifest field, valid or not (the first 256 bytes of `bytes`). */
export function decodeManifest(bytes: Uint8Array): Manifest & { signature: Uint8Array } {
  if (bytes.length < MANIFEST_SIZE) throw new PackageFormatError("TRUNCATED", `a manifest has ${MANIFEST_SIZE} bytes; got ${bytes.length}`);
  const o = MANIFEST_OFFSETS;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, MANIFEST_SIZE);
  const at = (off: number, n: number) => bytes.slice(off, off + n);
  return {
    magic: at(o.magic, 4),
    formatVersion: dv.getUint16(o.formatVersion, true),
    manifestSize: dv.getUint16(o.manifestSize, true),
    vendorId: at(o.vendorId, 16),
    classId: at(o.classId, 16),
    hwRevMin: dv.getUint16(o.hwRevMin, true),
    hwRevMax: dv.getUint16(o.hwRevMax, true),
    minBootloader: dv.getUint32(o.minBootloader, true),
    version: {
      major: bytes[o.version],
      minor: bytes[o.version + 1],
      revision: dv.getUint16(o.version + 2, true),
      build: dv.getUint32(o.version + 4, true),
    },
    securityCounter: dv.getUint32(o.securityCounter, true),
    imageSize: dv.getUint32(o.imageSize, true),
    imageDigest: at(o.imageDigest, 32),
    encoding: bytes[o.encoding],
    codec: bytes[o.codec],
    codecParam1: bytes[o.codecParam1],
    codecParam2: bytes[o.codecParam2],
    payloadSize: dv.getUint32(o.payloadSize, true),
    blockSize: dv.getUint32(o.blockSize, true),
    dataSize: dv.getUint32(o.dataSize, true),
    chainHead: at(o.chainHead, 32),
    baseDigest: at(o.baseDigest, 32),
    baseSize: dv.getUint32(o.baseSize, true),
    reserved: dv.getUint32(o.reserved, true),
    keyId: at(o.keyId, 8),
    signature: at(o.signature, 64),
  };
}

// --- the hash chain -----------------------------------------------------------

export interface Chain {
  /** data 0 ‖ next 0 ‖ data 1 ‖ next 1 … */
  payload: Uint8Array;
  /** SHA-256(data 0 ‖ next 0); zeros for an empty stream. */
  head: Uint8Array;
  blockCount: number;
  /** digests[k] = SHA-256(data k ‖ next k); next k = digests[k + 1]. */
  digests: Uint8Array[];
}

/** Cut an encoded stream into chain blocks; built back to front, since block k carries the digest of k + 1. */
export function chainBlocks(stream: Uint8Array, blockSize: number): Chain {
  if (!Number.isInteger(blockSize) || blockSize < 1) throw new PackageFormatError("BAD_BLOCK_SIZE", `block size ${blockSize} is not a positive integer`);
  const count = blockCount(stream.length, blockSize);
  const payload = new Uint8Array(stream.length + count * CHAIN_DIGEST_SIZE);
  const digests: Uint8Array[] = new Array(count);
  let next = new Uint8Array(CHAIN_DIGEST_SIZE);
  for (let k = count - 1; k >= 0; k--) {
    const start = k * blockSize;
    const data = stream.subarray(start, Math.min(start + blockSize, stream.length));
    const at = start + k * CHAIN_DIGEST_SIZE;
    payload.set(data, at);
    payload.set(next, at + data.length);
    next = sha256(payload.subarray(at, at + data.length + CHAIN_DIGEST_SIZE));
    digests[k] = next;
  }
  return { payload, head: count ? digests[0] : new Uint8Array(CHAIN_DIGEST_SIZE), blockCount: count, digests };
}

export interface ChainCheck {
  ok: boolean;
  /** Index of the first block whose digest is wrong, or -1. */
  badBlock: number;
  /** The encoded stream with the chain digests removed (as far as the payload reaches). */
  stream: Uint8Array;
}

/** Walk the chain as a receiver does: 32 bytes of state, one hash per block. */
export function checkChain(payload: Uint8Array, head: Uint8Array, blockSize: number, dataSize: number): ChainCheck {
  const count = blockCount(dataSize, blockSize);
  const stream = new Uint8Array(dataSize);
  let expect = head;
  let at = 0;
  for (let k = 0; k < count; k++) {
    const len = Math.min(blockSize, dataSize - k * blockSize);
    const end = at + len + CHAIN_DIGEST_SIZE;
    if (end > payload.length) return { ok: false, badBlock: k, stream };
    const block = payload.subarray(at, end);
    if (!bytesEqual(sha256(block), expect)) return { ok: false, badBlock: k, stream };
    stream.set(block.subarray(0, len), k * blockSize);
    expect = block.slice(len);
    at = end;
  }
  return { ok: true, badBlock: -1, stream };
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

// --- parsing ------------------------------------------------------------------

export interface ParsedPackage {
  manifest: Manifest;
  /** The encryption block of an encrypted package (manifest byte 180 = 1 or 2), else undefined. */
  encryptionBlock?: Uint8Array;
  signature: Uint8Array;
  /** The 256 manifest bytes as found. */
  manifestBytes: Uint8Array;
  /** SHA-256 of the whole manifest: a download's identity (resume records). */
  manifestDigest: Uint8Array;
  payload: Uint8Array;
  blockCount: number;
}

/** Structure only — magic, format, geometry, length; no signature or chain check. */
export function parsePackage(bytes: Uint8Array): ParsedPackage {
  if (bytes.length < 4 || !bytesEqual(bytes.subarray(0, 4), PACKAGE_MAGIC))
    throw new PackageFormatError("NOT_A_PACKAGE", "bad magic: this is not a slotboot package (make one with `slotboot pack`)");
  const m = decodeManifest(bytes);
  if (m.formatVersion !== PACKAGE_FORMAT_VERSION)
    throw new PackageFormatError("BAD_FORMAT", `package format version ${m.formatVersion} is not supported (this tool reads ${PACKAGE_FORMAT_VERSION})`);
  if (m.manifestSize !== MANIFEST_SIZE) throw new PackageFormatError("BAD_FORMAT", `manifest size ${m.manifestSize} is not ${MANIFEST_SIZE}`);
  if (!isValidBlockSize(m.blockSize))
    throw new PackageFormatError("BAD_FORMAT", `block size ${m.blockSize} is not a power of two from ${MIN_BLOCK_SIZE} to ${MAX_BLOCK_SIZE}`);
  const count = blockCount(m.dataSize, m.blockSize);
  if (m.dataSize === 0 || m.payloadSize !== m.dataSize + count * CHAIN_DIGEST_SIZE)
    throw new PackageFormatError("BAD_FORMAT", `payload size ${m.payloadSize} does not fit data size ${m.dataSize} in ${count} blocks of ${m.blockSize}`);
  const head = packageHeadSize(m.reserved);
  const total = head + m.payloadSize;
  if (bytes.length < total) throw new PackageFormatError("TRUNCATED", `the package is ${bytes.length} bytes but its manifest declares ${total}; download it again`);
  if (bytes.length > total) throw new PackageFormatError("TRAILING_BYTES", `${bytes.length - total} bytes follow the payload the manifest declares`);
  const { signature, ...manifest } = m;
  const manifestBytes = bytes.slice(0, MANIFEST_SIZE);
  const encryptionBlock = head > MANIFEST_SIZE ? bytes.slice(MANIFEST_SIZE, head) : undefined;
  return {
    manifest,
    encryptionBlock,
    signature,
    manifestBytes,
    // The device's identity of a download: the manifest, and the encryption block it signs.
    manifestDigest: sha256(bytes.subarray(0, head)),
    payload: bytes.slice(head),
    blockCount: count,
  };
}

/** Bytes before the payload: the manifest, plus the encryption block when byte 180 names an encryption. */
export function packageHeadSize(reserved: number): number {
  return reserved === PACKAGE_ENCRYPTION.aes128 || reserved === PACKAGE_ENCRYPTION.aes256 ? MANIFEST_SIZE + ENC_BLOCK_SIZE : MANIFEST_SIZE;
}

/** What the manifest signature covers: bytes 0 … 191, then the encryption block if any. */
export function signedPart(body: Uint8Array, encryptionBlock?: Uint8Array): Uint8Array {
  if (!encryptionBlock) return body;
  const out = new Uint8Array(body.length + encryptionBlock.length);
  out.set(body, 0);
  out.set(encryptionBlock, body.length);
  return out;
}

// --- building -----------------------------------------------------------------

export interface PackOptions {
  /** The MCUboot image the device must end up with. */
  image: Uint8Array;
  /** 32-byte Ed25519 seed (or P-256 secret, with keyType) that signs the manifest. */
  secretKey: Uint8Array;
  /** Default "ed25519". */
  keyType?: KeyType;
  /** Default: "delta" when `base` is given, else "raw". */
  encoding?: EncodingName;
  /** Codec of compressed and delta streams (default "rc"). */
  codec?: Exclude<CodecName, "none">;
  /** Delta: the image on the device (its MCUboot digest and size go into the manifest). */
  base?: Uint8Array;
  /** Use this encoded stream as is instead of encoding `image` (hostile or hand-made packages). */
  stream?: Uint8Array;
  blockSize?: number;
  /** Defaults: the image's protected TLVs, else the nil UUID. */
  vendorId?: Uint8Array;
  classId?: Uint8Array;
  /** Defaults: the image's HW_REVISION TLV, else 0 … 65535. */
  hwRevMin?: number;
  hwRevMax?: number;
  /** Default: the image's MIN_BOOTLOADER TLV, else 0 (any). */
  minBootloader?: number | string;
  /** Default: the image's SEC_CNT TLV, else 0. */
  securityCounter?: number;
  /** Applied last, before signing: any field may be replaced. */
  manifest?: Partial<Manifest>;
  /** Replaces the computed signature (after signing). */
  signature?: Uint8Array;
  /** Skip the consistency checks on image and base (defaults then fall back to zeros). */
  unchecked?: boolean;
  /** Encrypt the payload for this device (or device class) X25519 key: the outermost layer, over any encoding. */
  encryptFor?: { recipientPublic: Uint8Array; aes?: AesBits; imageKey?: Uint8Array; ephemeralSecret?: Uint8Array };
}

export interface PackResult {
  bytes: Uint8Array;
  manifest: Manifest;
  manifestBytes: Uint8Array;
  signature: Uint8Array;
  stream: Uint8Array;
  chain: Chain;
  /** Encrypted packages: the block after the manifest, and the encrypted stream the chain covers. */
  encryptionBlock?: Uint8Array;
  encryptedStream?: Uint8Array;
}

/**
 * What the manifest takes from an image, as the core reads it (the entries a
 * device trusts). Checked: the image must pass every device's checks (header,
 * TLV rules, flags, digest) and end where its TLVs end.
 */
function imageFacts(image: Uint8Array, what: string, unchecked: boolean) {
  const r = checkImage(image);
  if (!unchecked) {
    if (!r.ok) throw new PackageFormatError(r.code!, `${what}: ${r.message}`);
    if (r.facts!.totalSize !== image.length)
      throw new PackageFormatError("IMAGE_SIZE", `${what} is ${image.length} bytes but its TLVs end at ${r.facts!.totalSize}; pass the image without padding`);
  }
  const f = r.facts;
  if (!f) return { version: { major: 0, minor: 0, revision: 0, build: 0 }, digest: sha256(image), securityCounter: 0, vendorId: undefined, classId: undefined, hwRevision: undefined, minBootloader: undefined };
  return {
    version: f.version,
    // What a device computes: header, body and protected TLVs.
    digest: r.digest ?? sha256(image.subarray(0, f.headerSize + f.bodySize + f.protectedTlvSize)),
    securityCounter: f.securityCounter ?? 0,
    vendorId: f.vendorId ?? undefined,
    classId: f.classId ?? undefined,
    hwRevision: f.hwRevision ?? undefined,
    minBootloader: f.minBootloader ?? undefined,
  };
}

function encodeStream(o: PackOptions, encoding: EncodingName, codec: CodecName): Uint8Array {
  if (o.stream) return o.stream;
  if (encoding === "raw") return o.image;
  const base = encoding === "delta" ? o.base! : new Uint8Array(0);
  return diff(base, o.image, { codec: codec === "heatshrink" ? "heatshrink" : "rc" });
}

export function packPackage(o: PackOptions): PackResult {
  const unchecked = o.unchecked === true;
  const encoding: EncodingName = o.encoding ?? (o.base ? "delta" : "raw");
  if (!(encoding in ENCODING)) throw new PackageFormatError("BAD_ENCODING", `unknown encoding ${encoding}`);
  if (encoding === "delta" && !o.base && !(unchecked && o.stream))
    throw new PackageFormatError("BAD_ENCODING", "a delta package needs the base image it applies to");
  const codec: CodecName = encoding === "raw" ? "none" : (o.codec ?? "rc");
  if (!(codec in CODEC)) throw new PackageFormatError("BAD_ENCODING", `unknown codec ${codec}`);
  const blockSize = o.blockSize ?? DEFAULT_BLOCK_SIZE;
  if (!unchecked && !isValidBlockSize(blockSize))
    throw new PackageFormatError("BAD_BLOCK_SIZE", `block size must be a power of two from ${MIN_BLOCK_SIZE} to ${MAX_BLOCK_SIZE}, not ${blockSize}`);

  const img = imageFacts(o.image, "the image", unchecked);
  const base = o.base ? imageFacts(o.base, "the base image", unchecked) : undefined;
  const stream = encodeStream(o, encoding, codec);
  const enc = o.encryptFor ? encryptStream(stream, o.encryptFor) : undefined;
  const chain = chainBlocks(enc ? enc.stream : stream, blockSize);
  const [p1, p2] = codecParams(CODEC[codec]);
  const minBootloader = typeof o.minBootloader === "string" ? parseBootloaderVersion(o.minBootloader) : (o.minBootloader ?? img.minBootloader ?? 0);

  const manifest: Manifest = {
    magic: PACKAGE_MAGIC,
    formatVersion: PACKAGE_FORMAT_VERSION,
    manifestSize: MANIFEST_SIZE,
    vendorId: o.vendorId ?? img.vendorId ?? NIL_UUID,
    classId: o.classId ?? img.classId ?? NIL_UUID,
    hwRevMin: o.hwRevMin ?? img.hwRevision?.min ?? 0,
    hwRevMax: o.hwRevMax ?? img.hwRevision?.max ?? HW_REV_ANY_MAX,
    minBootloader,
    version: img.version,
    securityCounter: o.securityCounter ?? img.securityCounter,
    imageSize: o.image.length,
    imageDigest: img.digest,
    encoding: ENCODING[encoding],
    codec: CODEC[codec],
    codecParam1: p1,
    codecParam2: p2,
    payloadSize: chain.payload.length,
    blockSize,
    dataSize: stream.length,
    chainHead: chain.head,
    baseDigest: encoding === "delta" && base ? base.digest : new Uint8Array(32),
    baseSize: encoding === "delta" && o.base ? o.base.length : 0,
    reserved: enc ? enc.encryption : 0,
    keyId: keyId(publicKeyOf(o.secretKey, o.keyType)),
    ...o.manifest,
  };
  const signed = signManifest(manifestBody(manifest), o.secretKey, o.keyType, enc?.block);
  if (o.signature) {
    if (o.signature.length !== 64) throw new PackageFormatError("BAD_FIELD", "a signature has 64 bytes");
    signed.set(o.signature, MANIFEST_SIGNED_SIZE);
  }
  const head = MANIFEST_SIZE + (enc ? ENC_BLOCK_SIZE : 0);
  const bytes = new Uint8Array(head + chain.payload.length);
  bytes.set(signed, 0);
  if (enc) bytes.set(enc.block, MANIFEST_SIZE);
  bytes.set(chain.payload, head);
  return { bytes, manifest, manifestBytes: signed, signature: signed.slice(MANIFEST_SIGNED_SIZE), stream, chain, encryptionBlock: enc?.block, encryptedStream: enc?.stream };
}

/**
 * The encoded stream in AES-CTR under a fresh key, and the encryption block:
 * recipient ID (SHA-256 of the X25519 public key) ‖ ECIES-X25519 entry,
 * zero-padded to 96 ‖ SHA-256 of the encrypted stream.
 */
function encryptStream(stream: Uint8Array, e: NonNullable<PackOptions["encryptFor"]>): { stream: Uint8Array; block: Uint8Array; encryption: number } {
  const bits = e.aes ?? 128;
  const key = e.imageKey ?? randomBytes(bits / 8);
  if (key.length !== bits / 8) throw new PackageFormatError("BAD_FIELD", `an AES-${bits} key has ${bits / 8} bytes`);
  const encrypted = aesCtrZero(key, stream);
  const block = new Uint8Array(ENC_BLOCK_SIZE);
  block.set(recipientId(e.recipientPublic), 0);
  block.set(eciesWrap(e.recipientPublic, key, e.ephemeralSecret), 32);
  block.set(sha256(encrypted), 128);
  return { stream: encrypted, block, encryption: bits === 128 ? PACKAGE_ENCRYPTION.aes128 : PACKAGE_ENCRYPTION.aes256 };
}
