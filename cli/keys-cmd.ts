// `slotboot keygen --out PREFIX`, and key reading for the other verbs with
// errors turned into CLI codes.
import { CliError, need, type Opts } from "./args.js";
import { checkOutput, writeOutput } from "./safe-write.js";
import type { Out } from "./out.js";
import {
  generateKeyPair, keyId, privateKeyPem, publicKeyPem, readPrivateKey, readPublicKey, readSigningKey, KeyError, KEY_TYPES,
  type KeyType, type SigningKeyOf,
} from "../tools/keys.js";
import { generateX25519KeyPair, recipientId, x25519PrivateKeyPem, x25519PublicKeyPem } from "../tools/x25519-keys.js";

/** Read a key file; "private" gives the 32-byte seed, "public" the 32-byte key. */
export function readKey(kind: "private" | "public", path: string): Uint8Array {
  try {
    return kind === "private" ? readPrivateKey(path) : readPublicKey(path);
  } catch (e) {
    if (e instanceof KeyError) throw new CliError(e.code, e.message);
    throw e;
  }
}

/** A private key of either type (Ed25519 or ECDSA P-256, PEM as slotboot, imgtool or OpenSSL write it). */
export function readSigningKeyFile(path: string): SigningKeyOf {
  try {
    return readSigningKey(path);
  } catch (e) {
    if (e instanceof KeyError) throw new CliError(e.code, e.message);
    throw e;
  }
}

export async function keygen(opts: Opts, out: Out): Promise<void> {
  const prefix = need(opts, "out", "the path prefix of the key pair (writes PREFIX.key and PREFIX.pub)");
  const keyPath = `${prefix}.key`;
  const pubPath = `${prefix}.pub`;
  const force = opts.force === true;
  // Overwriting a signing key is unrecoverable: devices in the field trust the old one.
  // Both names are checked before either is written, so a refusal leaves no half pair.
  checkOutput(keyPath, { what: "private key", force });
  checkOutput(pubPath, { what: "public key", force });
  const type = (opts.type ?? "ed25519") as KeyType | "x25519";
  if (type === "x25519") return x25519Keygen(keyPath, pubPath, force, out);
  if (typeof type !== "string" || !KEY_TYPES.includes(type)) throw new CliError("USAGE", `--type must be one of ${[...KEY_TYPES, "x25519"].join(", ")}, not ${String(opts.type)}`, 2);
  const pair = generateKeyPair(type);
  // Created 0600 before a byte of the secret is written; renamed into place whole.
  writeOutput(keyPath, privateKeyPem(pair.secretKey, type), { what: "private key", force, exactMode: 0o600 });
  writeOutput(pubPath, publicKeyPem(pair.publicKey), { what: "public key", force });
  const id = Buffer.from(keyId(pair.publicKey)).toString("hex");
  out.human(`wrote ${keyPath} (private, keep it secret) and ${pubPath} (public); ${type} key ID ${id}`);
  out.json({ private: keyPath, public: pubPath, keyId: id, publicKey: Buffer.from(pair.publicKey).toString("hex"), type });
}

/** A device's decryption key pair (encrypted images and packages are made for PREFIX.pub). */
function x25519Keygen(keyPath: string, pubPath: string, force: boolean, out: Out): void {
  const pair = generateX25519KeyPair();
  writeOutput(keyPath, x25519PrivateKeyPem(pair.secretKey), { what: "private key", force, exactMode: 0o600 });
  writeOutput(pubPath, x25519PublicKeyPem(pair.publicKey), { what: "public key", force });
  const id = Buffer.from(recipientId(pair.publicKey)).toString("hex");
  out.human(`wrote ${keyPath} (X25519 decryption key: provision it with \`sim create --enc-key\`, keep it secret) and ${pubPath} (encrypt for it with --encrypt); recipient ID ${id}`);
  out.json({ private: keyPath, public: pubPath, type: "x25519", recipientId: id, publicKey: Buffer.from(pair.publicKey).toString("hex") });
}
