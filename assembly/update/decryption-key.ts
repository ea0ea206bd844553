// The device's X25519 private key for encrypted images and packages
// (`slotboot sim create --enc-key`), set once at start like the trust anchors
// (trust.ts). Without it the device refuses encrypted images
// (E_ENCRYPTED_IMAGE) and encrypted packages as before.
import { setImageDecryption } from "../boot/image";
import { decryptAvailable, decryptor } from "../crypt/decryptor";
import { OK, E_ENC_NOT_LOADED } from "../common/status";

export let decHasKey: bool = false;
export const decPrivateKey: Uint8Array = new Uint8Array(32);
/** SHA-256 of the public key, worked out on first use (one X25519 multiplication). */
const decRecipient: Uint8Array = new Uint8Array(32);
let decRecipientReady: bool = false;

/** src[off..off+32) = the private key when `present`; otherwise the key is cleared. */
export function configureDecryptionKey(src: Uint8Array, off: i32, present: bool): void {
  decHasKey = present;
  for (let i: i32 = 0; i < 32; i++) decPrivateKey[i] = present ? src[off + i] : 0;
  decRecipientReady = false;
  setImageDecryption(present);
}

/** 1 when b[off..off+32) is this device's recipient ID, 0 when not, or a status (< 0). */
export function recipientMatches(b: Uint8Array, off: i32): i32 {
  if (!decryptAvailable()) return E_ENC_NOT_LOADED;
  if (!decRecipientReady) {
    const rs: i32 = decryptor().recipientId(decPrivateKey, 0, decRecipient, 0);
    if (rs != OK) return rs;
    decRecipientReady = true;
  }
  let diff: i32 = 0;
  for (let i: i32 = 0; i < 32; i++) diff |= i32(b[off + i] ^ decRecipient[i]);
  return diff == 0 ? 1 : 0;
}
