// Encrypted packages on the device: before the first payload byte is
// written, the encryption block must name this device (its recipient ID) and
// its key-wrap entry must open with the device's key; then every data byte
// is decrypted after its chain check has hashed it (the chain covers the
// ciphertext) and before it is decoded. Encryption is the outermost layer:
// the decrypted stream is the raw image or the compressed or delta stream.
// The stream is AES-CTR from counter block 0 at data offset 0, so a resumed
// download decrypts from its data offset without replaying anything.
import { mfEncryption, mfEncBlock, PKG_ENC_NONE, PKG_ENC_AES128 } from "./manifest";
import { decHasKey, decPrivateKey, recipientMatches } from "./decryption-key";
import { decryptor } from "../crypt/decryptor";
import { OK, E_ENCRYPTED_IMAGE, E_ENC_WRONG_DEVICE } from "../common/status";

/** After checkManifest(): may this device open the payload? Opens the key-wrap entry. */
export function payloadDecryptBegin(): i32 {
  if (mfEncryption == PKG_ENC_NONE) return OK;
  if (!decHasKey) return E_ENCRYPTED_IMAGE;
  const rm: i32 = recipientMatches(mfEncBlock, 0);
  if (rm < 0) return rm;
  if (rm == 0) return E_ENC_WRONG_DEVICE;
  return decryptor().open(mfEncBlock, 32, mfEncryption == PKG_ENC_AES128 ? 80 : 96, decPrivateKey, 0);
}

/** Decrypt buf[off .. off+len) in place: the data stream's bytes from data offset `dataPos`. */
export function payloadDecrypt(buf: Uint8Array, off: i32, len: i32, dataPos: u32): void {
  if (mfEncryption == PKG_ENC_NONE || len <= 0) return;
  decryptor().seek(dataPos);
  decryptor().xor(buf, off, len);
}
