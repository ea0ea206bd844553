// The device's X25519 private key for encrypted images and packages
// (`slotboot sim create --enc-key`), set once at start like the trust anchors
// (trust.ts). Without it the device refuses encrypted images and packages
// (E_ENCRYPTED_IMAGE). The decryption itself lives in crypt/decryptor.ts, a
// separate module on boards (update/decrypt-socket.portable.ts).
export let decHasKey: bool = false;
export const decPrivateKey: Uint8Array = new Uint8Array(32);

/** src[off..off+32) = the private key when `present`; otherwise the key is cleared. */
export function configureDecryptionKey(src: Uint8Array, off: i32, present: bool): void {
  decHasKey = present;
  for (let i: i32 = 0; i < 32; i++) decPrivateKey[i] = present ? src[off + i] : 0;
}
