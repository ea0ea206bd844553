// The crypto primitives the secure link needs, injected by the host so the
// state machine itself stays free of host APIs (a device core can later supply
// X25519 and ChaCha20-Poly1305 itself). Host implementation: noble-link-crypto.ts.

export interface LinkCrypto {
  /** X25519 public key of a 32-byte secret. */
  x25519PublicKey(secretKey: Uint8Array): Uint8Array;
  /** X25519 shared secret; must throw (or return null) for a low-order point (all-zero result). */
  x25519(secretKey: Uint8Array, publicKey: Uint8Array): Uint8Array | null;
  /** ChaCha20-Poly1305 (RFC 8439) seal: ciphertext followed by the 16-byte tag. */
  seal(key: Uint8Array, nonce: Uint8Array, associatedData: Uint8Array, plaintext: Uint8Array): Uint8Array;
  /** ChaCha20-Poly1305 open: the plaintext, or null when the tag does not verify. */
  open(key: Uint8Array, nonce: Uint8Array, associatedData: Uint8Array, ciphertext: Uint8Array): Uint8Array | null;
  sha256(data: Uint8Array): Uint8Array;
  hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array;
  /** Fresh random bytes (ephemeral keys). */
  randomBytes(length: number): Uint8Array;
}
