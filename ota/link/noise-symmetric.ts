// Noise Protocol Framework (revision 34) symmetric state and cipher state for
// the suite 25519 / ChaChaPoly / SHA256, over injected primitives. Portable:
// no host APIs. The handshake pattern lives in noise-ik.ts.
import type { LinkCrypto } from "./link-crypto.js";

export const HASH_BYTES = 32;
export const KEY_BYTES = 32;
export const TAG_BYTES = 16;

export function concatBytes(first: Uint8Array, second: Uint8Array): Uint8Array {
  const out = new Uint8Array(first.length + second.length);
  out.set(first, 0);
  out.set(second, first.length);
  return out;
}

/** The ChaChaPoly nonce of Noise: 4 zero bytes, then the 64-bit counter little-endian (counters here stay below 2^53). */
export function noiseNonce(counter: number): Uint8Array {
  const nonce = new Uint8Array(12);
  let rest = counter;
  for (let index = 4; index < 12; index++) {
    nonce[index] = rest % 256;
    rest = Math.floor(rest / 256);
  }
  return nonce;
}

/** Noise's REKEY nonce: 2^64 - 1. */
function maximumNonce(): Uint8Array {
  const nonce = new Uint8Array(12);
  for (let index = 4; index < 12; index++) nonce[index] = 0xff;
  return nonce;
}

/** HKDF as Noise defines it (HMAC-SHA256 extract, then chained expand blocks), returning two outputs. */
export function noiseHkdf(crypto: LinkCrypto, chainingKey: Uint8Array, inputKeyMaterial: Uint8Array): [Uint8Array, Uint8Array] {
  const temporaryKey = crypto.hmacSha256(chainingKey, inputKeyMaterial);
  const first = crypto.hmacSha256(temporaryKey, new Uint8Array([1]));
  const second = crypto.hmacSha256(temporaryKey, concatBytes(first, new Uint8Array([2])));
  return [first, second];
}

/** One direction's key after the handshake. The nonce is the frame counter, given by the caller. */
export class CipherKey {
  private key: Uint8Array;
  constructor(key: Uint8Array) {
    this.key = key;
  }
  seal(counter: number, associatedData: Uint8Array, plaintext: Uint8Array, crypto: LinkCrypto): Uint8Array {
    return crypto.seal(this.key, noiseNonce(counter), associatedData, plaintext);
  }
  open(counter: number, associatedData: Uint8Array, ciphertext: Uint8Array, crypto: LinkCrypto): Uint8Array | null {
    return crypto.open(this.key, noiseNonce(counter), associatedData, ciphertext);
  }
  /** Noise REKEY: the next key is the first 32 bytes of encrypting 32 zero bytes under nonce 2^64-1. */
  rekey(crypto: LinkCrypto): void {
    this.key = crypto.seal(this.key, maximumNonce(), new Uint8Array(0), new Uint8Array(KEY_BYTES)).subarray(0, KEY_BYTES);
  }
  wipe(): void {
    this.key.fill(0);
  }
}

export class SymmetricState {
  chainingKey: Uint8Array;
  handshakeHash: Uint8Array;
  private key: Uint8Array | null = null;
  private nonce = 0;
  private readonly crypto: LinkCrypto;

  constructor(crypto: LinkCrypto, protocolName: Uint8Array) {
    this.crypto = crypto;
    if (protocolName.length <= HASH_BYTES) {
      this.handshakeHash = new Uint8Array(HASH_BYTES);
      this.handshakeHash.set(protocolName, 0);
    } else {
      this.handshakeHash = crypto.sha256(protocolName);
    }
    this.chainingKey = this.handshakeHash.slice();
  }

  mixHash(data: Uint8Array): void {
    this.handshakeHash = this.crypto.sha256(concatBytes(this.handshakeHash, data));
  }

  mixKey(inputKeyMaterial: Uint8Array): void {
    const outputs = noiseHkdf(this.crypto, this.chainingKey, inputKeyMaterial);
    this.chainingKey = outputs[0];
    this.key = outputs[1];
    this.nonce = 0;
  }

  encryptAndHash(plaintext: Uint8Array): Uint8Array {
    const ciphertext = this.key ? this.crypto.seal(this.key, noiseNonce(this.nonce++), this.handshakeHash, plaintext) : plaintext;
    this.mixHash(ciphertext);
    return ciphertext;
  }

  /** The plaintext, or null when authentication fails. */
  decryptAndHash(ciphertext: Uint8Array): Uint8Array | null {
    let plaintext: Uint8Array | null = ciphertext;
    if (this.key) plaintext = this.crypto.open(this.key, noiseNonce(this.nonce++), this.handshakeHash, ciphertext);
    if (plaintext === null) return null;
    this.mixHash(ciphertext);
    return plaintext;
  }

  /** Split into (initiator → responder, responder → initiator) keys. */
  split(): [CipherKey, CipherKey] {
    const outputs = noiseHkdf(this.crypto, this.chainingKey, new Uint8Array(0));
    this.chainingKey.fill(0);
    if (this.key) this.key.fill(0);
    return [new CipherKey(outputs[0]), new CipherKey(outputs[1])];
  }
}
