// Ed25519 signing keys on disk: PKCS#8 PEM private keys and SubjectPublicKeyInfo
// PEM public keys (RFC 8410, the files `openssl genpkey -algorithm ed25519` and
// MCUboot's imgtool write), plus 64-digit hex and raw 32-byte files. ECDSA
// P-256 keys (tools/p256-keys.ts) are read through the same functions when the
// PEM names an EC key: a public key is then 65 bytes (the uncompressed point)
// instead of 32, and a private key comes with its type (readSigningKey).
import { closeSync, existsSync, fstatSync, openSync, readSync } from "node:fs";
import { derAt, derChildren, type Der } from "./der.js";
import { ed25519 } from "@noble/curves/ed25519.js";
import { sha256 } from "@noble/hashes/sha2.js";
import {
  P256KeyError, isEcKeyDer, p256GenerateKeyPair, p256PublicKeyOf, p256Pkcs8Der, p256SpkiDer, p256SecretFromPkcs8, p256SecretFromSec1,
  p256PointFromSpki, p256CheckPoint,
} from "./p256-keys.js";

export class KeyError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = "KeyError";
  }
}

export interface KeyPair {
  /** 32-byte Ed25519 seed (RFC 8032 "private key"). */
  secretKey: Uint8Array;
  publicKey: Uint8Array;
}

const ED25519_OID = [0x06, 0x03, 0x2b, 0x65, 0x70]; // 1.3.101.112
const PKCS8_PREFIX = [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, ...ED25519_OID, 0x04, 0x22, 0x04, 0x20];
const SPKI_PREFIX = [0x30, 0x2a, 0x30, 0x05, ...ED25519_OID, 0x03, 0x21, 0x00];

/** The signature schemes a key can be for. A P-256 public key is 65 bytes, an Ed25519 one 32. */
export type KeyType = "ed25519" | "ecdsa-p256";
export const KEY_TYPES: readonly KeyType[] = ["ed25519", "ecdsa-p256"];

/** A private key and what it signs with. */
export interface SigningKeyOf {
  type: KeyType;
  secretKey: Uint8Array;
}

export function generateKeyPair(type: KeyType = "ed25519"): KeyPair {
  if (type === "ecdsa-p256") return p256GenerateKeyPair();
  const { secretKey, publicKey } = ed25519.keygen();
  return { secretKey, publicKey };
}

export function publicKeyOf(secretKey: Uint8Array, type: KeyType = "ed25519"): Uint8Array {
  return type === "ecdsa-p256" ? p256PublicKeyOf(secretKey) : ed25519.getPublicKey(secretKey);
}

/** The type of a public key, from its length (32: Ed25519, 65: P-256 uncompressed point). */
export function publicKeyType(publicKey: Uint8Array): KeyType {
  if (publicKey.length === 32) return "ed25519";
  if (publicKey.length === 65 && publicKey[0] === 4) return "ecdsa-p256";
  throw new KeyError("BAD_KEY", `a public key has 32 bytes (Ed25519) or 65 (P-256, uncompressed), not ${publicKey.length}`);
}

/** First 8 bytes of SHA-256 of the raw public key (32 bytes, or the 65-byte P-256 point): the manifest's key ID. */
export function keyId(publicKey: Uint8Array): Uint8Array {
  publicKeyType(publicKey);
  return sha256(publicKey).slice(0, 8);
}

function pem(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString("base64");
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

export function privateKeyDer(secretKey: Uint8Array): Uint8Array {
  if (secretKey.length !== 32) throw new KeyError("BAD_KEY", "an Ed25519 private key has 32 bytes");
  return Uint8Array.from([...PKCS8_PREFIX, ...secretKey]);
}

export function publicKeyDer(publicKey: Uint8Array): Uint8Array {
  if (publicKey.length !== 32) throw new KeyError("BAD_KEY", "an Ed25519 public key has 32 bytes");
  return Uint8Array.from([...SPKI_PREFIX, ...publicKey]);
}

export const privateKeyPem = (secretKey: Uint8Array, type: KeyType = "ed25519"): string =>
  pem("PRIVATE KEY", type === "ecdsa-p256" ? p256Pkcs8Der(secretKey) : privateKeyDer(secretKey));
export const publicKeyPem = (publicKey: Uint8Array): string =>
  pem("PUBLIC KEY", publicKeyType(publicKey) === "ecdsa-p256" ? p256SpkiDer(publicKey) : publicKeyDer(publicKey));

/** P256KeyError as the KeyError every caller handles. */
function asKeyError<T>(name: string, read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof P256KeyError) throw new KeyError(e.code, `${name}: ${e.message}`);
    throw e;
  }
}

// --- reading -----------------------------------------------------------------

/** DER reading that fails with this module's KeyError. */
const derFailure = (message: string) => new KeyError("BAD_KEY", message);
const derAtOrFail = (buf: Uint8Array, at: number, limit: number): Der => derAt(buf, at, limit, derFailure);
const derChildrenOrFail = (buf: Uint8Array, parent: Der): Der[] => derChildren(buf, parent, derFailure);




function isEd25519AlgorithmId(buf: Uint8Array, d: Der): boolean {
  if (d.tag !== 0x30) return false;
  const kids = derChildrenOrFail(buf, d);
  if (kids.length !== 1) return false; // RFC 8410: parameters MUST be absent
  const oid = buf.subarray(kids[0].start - 2, kids[0].end);
  return oid.length === ED25519_OID.length && oid.every((b, i) => b === ED25519_OID[i]);
}

function notEd25519(): never {
  throw new KeyError("BAD_KEY", "the key is not an Ed25519 key (OID 1.3.101.112); create one with `slotboot keygen` or `openssl genpkey -algorithm ed25519`");
}

/** PKCS#8 v1 or v2 (OneAsymmetricKey) DER of an Ed25519 key → 32-byte seed. */
export function seedFromPkcs8(der: Uint8Array): Uint8Array {
  const top = derAtOrFail(der, 0, der.length);
  if (top.tag !== 0x30 || top.end !== der.length) throw new KeyError("BAD_KEY", "private key DER is not one SEQUENCE");
  const [version, alg, key, ...rest] = derChildrenOrFail(der, top);
  if (!version || version.tag !== 0x02 || version.end - version.start !== 1 || der[version.start] > 1)
    throw new KeyError("BAD_KEY", "unsupported PKCS#8 version");
  if (!alg || !isEd25519AlgorithmId(der, alg)) notEd25519();
  if (!key || key.tag !== 0x04) throw new KeyError("BAD_KEY", "PKCS#8 private key field is missing");
  const inner = derAtOrFail(der, key.start, key.end);
  if (inner.tag !== 0x04 || inner.end - inner.start !== 32 || inner.end !== key.end)
    throw new KeyError("BAD_KEY", "the Ed25519 private key is not a 32-byte OCTET STRING");
  const seed = der.slice(inner.start, inner.end);
  // v2 may carry the public key ([1] BIT STRING): it must belong to the seed.
  for (const r of rest) {
    if (r.tag === 0x81) {
      const pub = der.subarray(r.start + 1, r.end);
      const derived = ed25519.getPublicKey(seed);
      if (der[r.start] !== 0 || pub.length !== 32 || !pub.every((b, i) => b === derived[i]))
        throw new KeyError("BAD_KEY", "the public key inside the PKCS#8 file does not belong to its private key");
    }
  }
  return seed;
}

/** SubjectPublicKeyInfo DER of an Ed25519 key → 32-byte key. */
export function keyFromSpki(der: Uint8Array): Uint8Array {
  const top = derAtOrFail(der, 0, der.length);
  if (top.tag !== 0x30 || top.end !== der.length) throw new KeyError("BAD_KEY", "public key DER is not one SEQUENCE");
  const [alg, bits, ...rest] = derChildrenOrFail(der, top);
  if (!alg || !isEd25519AlgorithmId(der, alg)) notEd25519();
  if (!bits || bits.tag !== 0x03 || rest.length || bits.end - bits.start !== 33 || der[bits.start] !== 0)
    throw new KeyError("BAD_KEY", "the Ed25519 public key is not a 32-byte BIT STRING");
  return der.slice(bits.start + 1, bits.end);
}

function pemBlock(text: string): { label: string; der: Uint8Array } | undefined {
  const m = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/.exec(text);
  if (!m) return undefined;
  const body = m[2].replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body)) throw new KeyError("BAD_KEY", `the ${m[1]} PEM block is not base64`);
  return { label: m[1], der: Uint8Array.from(Buffer.from(body, "base64")) };
}

const HEX64 = /^[0-9a-fA-F]{64}$/;

function checkPublicKey(pub: Uint8Array): Uint8Array {
  // Strict RFC 8032 decoding, as the device does: a key it cannot decode is useless.
  if (!ed25519.utils.isValidPublicKey(pub, false)) throw new KeyError("BAD_KEY", "the 32 bytes are not a valid Ed25519 public key (not a curve point)");
  // A point of small order (the all-zero key is one) has no secret behind it:
  // signatures under it can be forged without any private key.
  if (ed25519.Point.fromBytes(pub, false).isSmallOrder())
    throw new KeyError("WEAK_KEY", "the public key is a point of small order (e.g. all zeros), which anyone can sign for; use a key made by `slotboot keygen`");
  return pub;
}

/**
 * Refuse seeds nobody should sign with: all zeros, one byte repeated, or so
 * few distinct bytes that it was typed or patterned, not drawn at random
 * (32 random bytes have ~30 distinct values; fewer than 8 happens with odds
 * below 1 in 10^20).
 */
function checkSecretKey(seed: Uint8Array, name: string): Uint8Array {
  if (seed.length !== 32) throw new KeyError("BAD_KEY", `${name}: an Ed25519 private key has 32 bytes, not ${seed.length}`);
  const distinct = new Set(seed).size;
  if (distinct < 8)
    throw new KeyError("WEAK_KEY", `${name} is not a random key (${distinct === 1 ? `every byte is 0x${seed[0].toString(16).padStart(2, "0")}` : `only ${distinct} distinct byte values`}); make a real one with \`slotboot keygen --out PREFIX\``);
  return seed;
}

/** A private key file's bytes → 32-byte seed. */
export function parsePrivateKey(bytes: Uint8Array, name = "private key"): Uint8Array {
  return checkSecretKey(parsePrivateKeyBytes(bytes, name), name);
}

function parsePrivateKeyBytes(bytes: Uint8Array, name: string): Uint8Array {
  const text = Buffer.from(bytes).toString("latin1");
  if (text.includes("-----BEGIN")) {
    const block = pemBlock(text);
    if (!block) throw new KeyError("BAD_KEY", `${name}: PEM block has no matching END line`);
    if (block.label === "PRIVATE KEY") return seedFromPkcs8(block.der);
    if (block.label === "ENCRYPTED PRIVATE KEY")
      throw new KeyError("BAD_KEY", `${name} is encrypted; decrypt it first: openssl pkey -in KEY -out PLAIN.key`);
    if (block.label === "PUBLIC KEY") throw new KeyError("BAD_KEY", `${name} is a public key; signing needs the private key (PREFIX.key)`);
    throw new KeyError("BAD_KEY", `${name} is a "${block.label}" PEM block; expected "PRIVATE KEY" (PKCS#8 Ed25519)`);
  }
  if (HEX64.test(text.trim())) return Uint8Array.from(Buffer.from(text.trim(), "hex"));
  if (bytes.length === 32) return Uint8Array.from(bytes);
  throw new KeyError("BAD_KEY", `${name} is not an Ed25519 private key: expected PKCS#8 PEM, 64 hex digits or 32 raw bytes`);
}

/** A public key file's bytes → 32-byte key. */
export function parsePublicKey(bytes: Uint8Array, name = "public key"): Uint8Array {
  const text = Buffer.from(bytes).toString("latin1");
  if (text.includes("-----BEGIN")) {
    const block = pemBlock(text);
    if (!block) throw new KeyError("BAD_KEY", `${name}: PEM block has no matching END line`);
    if (block.label === "PUBLIC KEY") {
      if (isEcKeyDer(block.der, "spki")) return asKeyError(name, () => p256PointFromSpki(block.der));
      return checkPublicKey(keyFromSpki(block.der));
    }
    if (block.label.endsWith("PRIVATE KEY"))
      throw new KeyError("BAD_KEY", `${name} is a private key; pass the public key (PREFIX.pub) — keep the private key off verifying machines`);
    throw new KeyError("BAD_KEY", `${name} is a "${block.label}" PEM block; expected "PUBLIC KEY" (Ed25519 SubjectPublicKeyInfo)`);
  }
  if (HEX64.test(text.trim())) return checkPublicKey(Uint8Array.from(Buffer.from(text.trim(), "hex")));
  if (bytes.length === 32) return checkPublicKey(Uint8Array.from(bytes));
  if (bytes.length === 65 && bytes[0] === 4) return asKeyError(name, () => p256CheckPoint(Uint8Array.from(bytes)));
  throw new KeyError("BAD_KEY", `${name} is not an Ed25519 public key: expected SubjectPublicKeyInfo PEM, 64 hex digits or 32 raw bytes`);
}

/** A key file is small: anything larger (or endless, like /dev/zero) is not one. */
const MAX_KEY_FILE = 64 * 1024;

function readKeyFile(path: string, what: string): Uint8Array {
  if (!existsSync(path)) throw new KeyError("FILE_NOT_FOUND", `${what} ${path} does not exist; create a key pair with \`slotboot keygen --out PREFIX\``);
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EISDIR") throw new KeyError("FILE_NOT_FOUND", `${what} ${path} is a directory; pass a key file`);
    throw new KeyError(code === "EACCES" || code === "EPERM" ? "PERMISSION_DENIED" : "BAD_KEY", `cannot read ${what} ${path}: ${(e as Error).message}`);
  }
  try {
    if (fstatSync(fd).isDirectory()) throw new KeyError("FILE_NOT_FOUND", `${what} ${path} is a directory; pass a key file`);
    const buf = Buffer.alloc(MAX_KEY_FILE + 1);
    let n = 0;
    for (let got; n < buf.length && (got = readSync(fd, buf, n, buf.length - n, null)) > 0; ) n += got;
    if (n > MAX_KEY_FILE) throw new KeyError("BAD_KEY", `${what} ${path} is larger than ${MAX_KEY_FILE} bytes; it is not a key file`);
    return Uint8Array.from(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
}

/** The key a public key file next to `path` holds (PREFIX.pub for PREFIX.key or PREFIX), if any. */
function siblingPublicKeys(path: string): Uint8Array[] {
  const stem = path.replace(/\.(key|pem|priv|sec|bin|raw|hex)$/i, "");
  const found: Uint8Array[] = [];
  for (const p of new Set([`${stem}.pub`, `${path}.pub`])) {
    if (p === path || !existsSync(p)) continue;
    try {
      found.push(parsePublicKey(readKeyFile(p, "public key"), p));
    } catch {
      /* not a usable public key: nothing to compare */
    }
  }
  return found;
}

export function readPrivateKey(path: string): Uint8Array {
  const bytes = readKeyFile(path, "private key");
  const seed = parsePrivateKeyBytes(bytes, path);
  // 32 raw bytes (or 64 hex digits) look the same for a public and a private
  // key; a public key passed by mistake would sign with a key nobody holds
  // the public half of. Its name or its matching .pub gives it away.
  const isPem = Buffer.from(bytes).toString("latin1").includes("-----BEGIN");
  if (!isPem) {
    if (/\.pub$/i.test(path)) throw new KeyError("BAD_KEY", `${path} is a public key file (.pub); signing needs the private key (PREFIX.key)`);
    if (siblingPublicKeys(path).some((pub) => pub.every((b, i) => b === seed[i])))
      throw new KeyError("BAD_KEY", `${path} holds the same 32 bytes as its public key file; signing needs the private key (PREFIX.key)`);
  }
  return checkSecretKey(seed, path);
}

export function readPublicKey(path: string): Uint8Array {
  const bytes = readKeyFile(path, "public key");
  const isPem = Buffer.from(bytes).toString("latin1").includes("-----BEGIN");
  if (!isPem && /\.key$/i.test(path)) throw new KeyError("BAD_KEY", `${path} is a private key file (.key); pass the public key (PREFIX.pub) — keep the private key off verifying machines`);
  return parsePublicKey(bytes, path);
}

/**
 * A private key file of either type: PKCS#8 "PRIVATE KEY" (Ed25519, or EC on
 * P-256 as imgtool writes it), SEC1 "EC PRIVATE KEY", or the raw forms
 * readPrivateKey takes (Ed25519 only: 32 raw bytes do not say their type).
 */
export function readSigningKey(path: string): SigningKeyOf {
  const bytes = readKeyFile(path, "private key");
  const block = pemBlock(Buffer.from(bytes).toString("latin1"));
  if (block && block.label === "EC PRIVATE KEY") return { type: "ecdsa-p256", secretKey: asKeyError(path, () => p256SecretFromSec1(block.der)) };
  if (block && block.label === "PRIVATE KEY" && isEcKeyDer(block.der, "pkcs8"))
    return { type: "ecdsa-p256", secretKey: asKeyError(path, () => p256SecretFromPkcs8(block.der)) };
  return { type: "ed25519", secretKey: readPrivateKey(path) };
}
