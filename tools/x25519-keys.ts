// X25519 keys for encrypted updates: the device's decryption key pair.
// Files are PKCS#8 PEM (private) and SubjectPublicKeyInfo PEM (public) with
// the X25519 OID 1.3.101.110 (RFC 8410), as `imgtool keygen -t x25519` and
// `openssl genpkey -algorithm x25519` write them; 64 hex digits or 32 raw
// bytes are read too.
import { readFileSync, existsSync, statSync } from "node:fs";
import { x25519 } from "@noble/curves/ed25519.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { KeyError } from "./keys.js";

const X25519_OID = [0x06, 0x03, 0x2b, 0x65, 0x6e]; // 1.3.101.110
const PKCS8_PREFIX = Uint8Array.from([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, ...X25519_OID, 0x04, 0x22, 0x04, 0x20]);
const SPKI_PREFIX = Uint8Array.from([0x30, 0x2a, 0x30, 0x05, ...X25519_OID, 0x03, 0x21, 0x00]);

export interface X25519KeyPair {
  secretKey: Uint8Array;
  publicKey: Uint8Array;
}

export function generateX25519KeyPair(): X25519KeyPair {
  const secretKey = x25519.utils.randomSecretKey();
  return { secretKey, publicKey: x25519.getPublicKey(secretKey) };
}

export const x25519PublicKeyOf = (secretKey: Uint8Array): Uint8Array => x25519.getPublicKey(secretKey);

/** SHA-256 of the raw 32-byte X25519 public key: the recipient ID an encrypted package names. */
export const recipientId = (publicKey: Uint8Array): Uint8Array => sha256(publicKey);

function pem(label: string, der: Uint8Array): string {
  const lines = Buffer.from(der).toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

const concat = (a: Uint8Array, b: Uint8Array) => Uint8Array.from([...a, ...b]);
export const x25519PrivateKeyPem = (secretKey: Uint8Array): string => pem("PRIVATE KEY", concat(PKCS8_PREFIX, secretKey));
export const x25519PublicKeyPem = (publicKey: Uint8Array): string => pem("PUBLIC KEY", concat(SPKI_PREFIX, publicKey));

function startsWith(der: Uint8Array, prefix: Uint8Array): boolean {
  return der.length === prefix.length + 32 && prefix.every((b, i) => der[i] === b);
}

function fromFile(bytes: Uint8Array, name: string, kind: "private" | "public"): Uint8Array {
  const text = Buffer.from(bytes).toString("latin1");
  const m = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/.exec(text);
  if (m) {
    const der = Uint8Array.from(Buffer.from(m[2].replace(/\s+/g, ""), "base64"));
    const wanted = kind === "private" ? "PRIVATE KEY" : "PUBLIC KEY";
    if (m[1] !== wanted) throw new KeyError("BAD_KEY", `${name} is a "${m[1]}" PEM block; expected "${wanted}" (X25519, OID 1.3.101.110)`);
    const prefix = kind === "private" ? PKCS8_PREFIX : SPKI_PREFIX;
    if (!startsWith(der, prefix))
      throw new KeyError("BAD_KEY", `${name} is not an X25519 ${kind} key (OID 1.3.101.110); make one with \`slotboot keygen --type x25519\` or \`imgtool keygen -t x25519\``);
    return der.slice(prefix.length);
  }
  if (/^[0-9a-fA-F]{64}$/.test(text.trim())) return Uint8Array.from(Buffer.from(text.trim(), "hex"));
  if (bytes.length === 32) return Uint8Array.from(bytes);
  throw new KeyError("BAD_KEY", `${name} is not an X25519 ${kind} key: expected PEM, 64 hex digits or 32 raw bytes`);
}

function read(path: string, what: string): Uint8Array {
  if (!existsSync(path) || statSync(path).isDirectory()) throw new KeyError("FILE_NOT_FOUND", `${what} ${path} does not exist; create one with \`slotboot keygen --type x25519 --out PREFIX\``);
  if (statSync(path).size > 64 * 1024) throw new KeyError("BAD_KEY", `${what} ${path} is too large to be a key file`);
  return Uint8Array.from(readFileSync(path));
}

export function parseX25519PrivateKey(bytes: Uint8Array, name = "X25519 private key"): Uint8Array {
  const key = fromFile(bytes, name, "private");
  if (new Set(key).size < 8) throw new KeyError("WEAK_KEY", `${name} is not a random key; make one with \`slotboot keygen --type x25519 --out PREFIX\``);
  return key;
}

export function parseX25519PublicKey(bytes: Uint8Array, name = "X25519 public key"): Uint8Array {
  const key = fromFile(bytes, name, "public");
  // A small-order key would give the all-zero shared secret: the device refuses it, so refuse it here first.
  try {
    x25519.getSharedSecret(x25519.utils.randomSecretKey(), key);
  } catch {
    throw new KeyError("WEAK_KEY", `${name} is a small-order X25519 point; nothing encrypted for it would be secret`);
  }
  return key;
}

export const readX25519PrivateKey = (path: string): Uint8Array => parseX25519PrivateKey(read(path, "X25519 private key"), path);
export const readX25519PublicKey = (path: string): Uint8Array => parseX25519PublicKey(read(path, "X25519 public key"), path);
