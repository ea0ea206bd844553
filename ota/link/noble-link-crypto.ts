// Host implementation of the link's crypto primitives over @noble.
import { x25519 } from "@noble/curves/ed25519.js";
import { chacha20poly1305 } from "@noble/ciphers/chacha.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { hmac } from "@noble/hashes/hmac.js";
import { randomBytes } from "@noble/hashes/utils.js";
import type { LinkCrypto } from "./link-crypto.js";

export function nobleLinkCrypto(random: (length: number) => Uint8Array = randomBytes): LinkCrypto {
  return {
    x25519PublicKey: (secretKey) => x25519.getPublicKey(secretKey),
    x25519: (secretKey, publicKey) => {
      try {
        return x25519.getSharedSecret(secretKey, publicKey);
      } catch {
        return null; // noble refuses low-order points (an all-zero shared secret)
      }
    },
    seal: (key, nonce, associatedData, plaintext) => chacha20poly1305(key, nonce, associatedData).encrypt(plaintext),
    open: (key, nonce, associatedData, ciphertext) => {
      try {
        return chacha20poly1305(key, nonce, associatedData).decrypt(ciphertext);
      } catch {
        return null;
      }
    },
    sha256: (data) => sha256(data),
    hmacSha256: (key, data) => hmac(sha256, key, data),
    randomBytes: random,
  };
}

/** A fresh X25519 static key pair for a gateway or a device. */
export function makeLinkKeyPair(random: (length: number) => Uint8Array = randomBytes): { secretKey: Uint8Array; publicKey: Uint8Array } {
  const secretKey = random(32);
  return { secretKey, publicKey: x25519.getPublicKey(secretKey) };
}
