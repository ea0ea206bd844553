// ECDSA P-256 signing keys on disk: the files imgtool (`keygen -t ecdsa-p256`,
// PKCS#8 "PRIVATE KEY"), OpenSSL (SEC1 "EC PRIVATE KEY") and slotboot write,
// and SubjectPublicKeyInfo "PUBLIC KEY" files (RFC 5480). Keys are held as a
// 32-byte big-endian secret scalar and a 65-byte uncompressed point.
import { p256 } from "@noble/curves/nist.js";
import { derAt, derChildren, type Der } from "./der.js";
import { sha256 } from "@noble/hashes/sha2.js";

export class P256KeyError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = "P256KeyError";
  }
}

const EC_PUBLIC_KEY_OID = [0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01]; // 1.2.840.10045.2.1
const PRIME256V1_OID = [0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07]; // 1.2.840.10045.3.1.7
const ALGORITHM_ID = [0x30, 0x13, ...EC_PUBLIC_KEY_OID, ...PRIME256V1_OID];
/** SubjectPublicKeyInfo DER = this prefix || 65-byte point. */
export const P256_SPKI_PREFIX = Uint8Array.from([0x30, 0x59, ...ALGORITHM_ID, 0x03, 0x42, 0x00]);

export function p256GenerateKeyPair(): { secretKey: Uint8Array; publicKey: Uint8Array } {
  const secretKey = p256.utils.randomSecretKey();
  return { secretKey, publicKey: p256.getPublicKey(secretKey, false) };
}

export function p256PublicKeyOf(secretKey: Uint8Array): Uint8Array {
  return p256.getPublicKey(secretKey, false);
}

export function p256SpkiDer(publicKey: Uint8Array): Uint8Array {
  return Uint8Array.from([...P256_SPKI_PREFIX, ...publicKey]);
}

/** PKCS#8 of an EC key with its parameters in the algorithm ID, as imgtool writes it (ECPrivateKey inside with the public key). */
export function p256Pkcs8Der(secretKey: Uint8Array): Uint8Array {
  const pub = p256PublicKeyOf(secretKey);
  // ECPrivateKey ::= SEQUENCE { version 1, privateKey OCTET STRING, [1] publicKey BIT STRING }
  const ecBody = [0x02, 0x01, 0x01, 0x04, 0x20, ...secretKey, 0xa1, 0x44, 0x03, 0x42, 0x00, ...pub];
  const ecPrivateKey = [0x30, ecBody.length, ...ecBody];
  const body = [0x02, 0x01, 0x00, ...ALGORITHM_ID, 0x04, ecPrivateKey.length, ...ecPrivateKey];
  return Uint8Array.from([0x30, 0x81, body.length, ...body]);
}

// --- reading -----------------------------------------------------------------

/** DER reading that fails with this module's P256KeyError. */
const derFailure = (message: string) => new P256KeyError("BAD_KEY", message);
const derAtOrFail = (buf: Uint8Array, at: number, limit: number): Der => derAt(buf, at, limit, derFailure);
const derChildrenOrFail = (buf: Uint8Array, parent: Der): Der[] => derChildren(buf, parent, derFailure);




const bytesAre = (buf: Uint8Array, from: number, expected: readonly number[]) =>
  from + expected.length <= buf.length && expected.every((b, i) => buf[from + i] === b);

/** Whether the AlgorithmIdentifier `d` is id-ecPublicKey (any curve: the caller checks the curve). */
function isEcAlgorithm(buf: Uint8Array, d: Der): boolean {
  return d.tag === 0x30 && bytesAre(buf, d.start, EC_PUBLIC_KEY_OID);
}

function isP256Algorithm(buf: Uint8Array, d: Der): boolean {
  return isEcAlgorithm(buf, d) && d.end - d.start === EC_PUBLIC_KEY_OID.length + PRIME256V1_OID.length && bytesAre(buf, d.start + EC_PUBLIC_KEY_OID.length, PRIME256V1_OID);
}

/** Whether `der` (PKCS#8 or SPKI) names an EC key: then it is read here, not as Ed25519. */
export function isEcKeyDer(der: Uint8Array, kind: "pkcs8" | "spki"): boolean {
  try {
    const top = derAtOrFail(der, 0, der.length);
    const kids = derChildrenOrFail(der, top);
    const alg = kind === "pkcs8" ? kids[1] : kids[0];
    return !!alg && isEcAlgorithm(der, alg);
  } catch {
    return false;
  }
}

function notP256(): never {
  throw new P256KeyError("BAD_KEY", "the EC key is not on P-256 (prime256v1, OID 1.2.840.10045.3.1.7); slotboot signs with Ed25519 or ECDSA P-256 only");
}

/** A validated 65-byte uncompressed point from an encoded point (uncompressed or compressed). */
export function p256CheckPoint(point: Uint8Array): Uint8Array {
  try {
    return p256.Point.fromBytes(point).toBytes(false);
  } catch {
    throw new P256KeyError("BAD_KEY", "the bytes are not a valid P-256 public key (not a point on the curve)");
  }
}

function checkScalar(secret: Uint8Array): Uint8Array {
  const v = BigInt("0x" + (Buffer.from(secret).toString("hex") || "0"));
  if (secret.length !== 32 || v <= 0n || v >= p256.Point.Fn.ORDER) throw new P256KeyError("BAD_KEY", "the P-256 private key is not a scalar in [1, n-1]");
  return secret;
}

/** SEC1 ECPrivateKey DER ("EC PRIVATE KEY") → 32-byte secret; parameters, if present, must name P-256. */
export function p256SecretFromSec1(der: Uint8Array, outerCurveKnown = false): Uint8Array {
  const top = derAtOrFail(der, 0, der.length);
  if (top.tag !== 0x30 || top.end !== der.length) throw new P256KeyError("BAD_KEY", "EC private key DER is not one SEQUENCE");
  const [version, key, ...rest] = derChildrenOrFail(der, top);
  if (!version || version.tag !== 0x02 || version.end - version.start !== 1 || der[version.start] !== 1)
    throw new P256KeyError("BAD_KEY", "unsupported EC private key version (expected 1)");
  if (!key || key.tag !== 0x04 || key.end - key.start !== 32) throw new P256KeyError("BAD_KEY", "the EC private key is not a 32-byte OCTET STRING");
  const secret = checkScalar(der.slice(key.start, key.end));
  let curveNamed = outerCurveKnown;
  for (const r of rest) {
    if (r.tag === 0xa0) {
      const oid = der.subarray(r.start, r.end);
      if (oid.length !== PRIME256V1_OID.length || !bytesAre(oid, 0, PRIME256V1_OID)) notP256();
      curveNamed = true;
    } else if (r.tag === 0xa1) {
      const bits = derAtOrFail(der, r.start, r.end);
      const pub = der.subarray(bits.start + 1, bits.end);
      const derived = p256PublicKeyOf(secret);
      if (bits.tag !== 0x03 || der[bits.start] !== 0 || pub.length !== 65 || !pub.every((b, i) => b === derived[i]))
        throw new P256KeyError("BAD_KEY", "the public key inside the EC private key file does not belong to its private key");
    }
  }
  if (!curveNamed) throw new P256KeyError("BAD_KEY", "the EC private key does not name its curve; expected P-256 (prime256v1)");
  return secret;
}

/** PKCS#8 DER of an EC key → 32-byte P-256 secret. */
export function p256SecretFromPkcs8(der: Uint8Array): Uint8Array {
  const top = derAtOrFail(der, 0, der.length);
  if (top.tag !== 0x30 || top.end !== der.length) throw new P256KeyError("BAD_KEY", "private key DER is not one SEQUENCE");
  const [version, alg, key] = derChildrenOrFail(der, top);
  if (!version || version.tag !== 0x02 || version.end - version.start !== 1 || der[version.start] > 1)
    throw new P256KeyError("BAD_KEY", "unsupported PKCS#8 version");
  if (!alg || !isP256Algorithm(der, alg)) notP256();
  if (!key || key.tag !== 0x04) throw new P256KeyError("BAD_KEY", "PKCS#8 private key field is missing");
  return p256SecretFromSec1(der.slice(key.start, key.end), true);
}

/** SubjectPublicKeyInfo DER of an EC key → 65-byte P-256 point. */
export function p256PointFromSpki(der: Uint8Array): Uint8Array {
  const top = derAtOrFail(der, 0, der.length);
  if (top.tag !== 0x30 || top.end !== der.length) throw new P256KeyError("BAD_KEY", "public key DER is not one SEQUENCE");
  const [alg, bits, ...rest] = derChildrenOrFail(der, top);
  if (!alg || !isP256Algorithm(der, alg)) notP256();
  if (!bits || bits.tag !== 0x03 || rest.length || der[bits.start] !== 0) throw new P256KeyError("BAD_KEY", "the P-256 public key is not a BIT STRING");
  return p256CheckPoint(der.slice(bits.start + 1, bits.end));
}

// --- signing -------------------------------------------------------------------

/** imgtool's ECDSA_SIG value: DER ECDSA whose hash is the 32-byte image digest. */
export function p256SignDigestDer(digest: Uint8Array, secretKey: Uint8Array): Uint8Array {
  const sig = p256.sign(digest, secretKey, { prehash: false });
  return p256.Signature.fromBytes(sig, "compact").toBytes("der");
}

/** A manifest signature: r || s (64 bytes) of ECDSA with SHA-256 over `message`. */
export function p256SignRaw(message: Uint8Array, secretKey: Uint8Array): Uint8Array {
  return p256.sign(sha256(message), secretKey, { prehash: false });
}
