// Decrypting an encrypted image's body while it is installed. imgtool
// encrypts only the body, bytes [header size, header size + body size), in
// AES-CTR from counter block 0 at the body's first byte; header and TLVs stay
// in clear. The key comes from the image's ENC_X25519 entry, which travels
// ahead of the image (the install API takes it before the first byte; a
// package carries it in its encryption block): the entry sits after the body
// in the image, and the device sees the image only once, as a stream.
//
// What lands in the slot is the plaintext image, exactly the bytes imgtool
// hashed and signed (docs/threat-model.md "Encrypted images").
import { getU16, getU32 } from "../common/bytes";
import { flashRead } from "../common/flash";
import { slotAddr } from "../common/layout";
import { IMAGE_F_ENCRYPTED_AES128, IMAGE_F_ENCRYPTED_AES256 } from "../boot/image";
import { decHasKey, decPrivateKey } from "./decryption-key";
import { decryptAvailable, decryptor } from "../crypt/decryptor";
import { OK, E_FLASH, E_BAD_TLV, E_ENCRYPTED_IMAGE, E_ENC_KEY_MISSING, E_ENC_NOT_LOADED } from "../common/status";

let bdEntryLen: i32 = 0;
const bdHeader: Uint8Array = new Uint8Array(20);
let bdActive: bool = false;
let bdStart: u32 = 0;
let bdEnd: u32 = 0;

/** A new install: no entry yet, nothing to decrypt. */
export function bodyDecryptReset(): void {
  bdEntryLen = 0;
  bdActive = false;
}

/** The image's ENC_X25519 entry, given ahead of the image: open it with the device's key. */
export function bodyDecryptEntry(entry: Uint8Array, off: i32, len: i32): i32 {
  bdActive = false;
  bdEntryLen = 0;
  if (len != 80 && len != 96) return E_BAD_TLV;
  if (!decHasKey) return E_ENCRYPTED_IMAGE;
  if (!decryptAvailable()) return E_ENC_NOT_LOADED;
  const os: i32 = decryptor().open(entry, off, len, decPrivateKey, 0);
  if (os != OK) return os;
  bdEntryLen = len;
  return OK;
}

/**
 * The image's header (already past checkHeader): an encrypted image needs
 * the entry, sized for its AES key; then the body range is decrypted.
 */
export function bodyDecryptHeader(h: Uint8Array, off: i32): i32 {
  const flags: u32 = getU32(h, off + 16);
  const aes128: bool = (flags & IMAGE_F_ENCRYPTED_AES128) != 0;
  const aes256: bool = (flags & IMAGE_F_ENCRYPTED_AES256) != 0;
  if (!aes128 && !aes256) return OK;
  if (bdEntryLen == 0) return E_ENC_KEY_MISSING;
  if (bdEntryLen != (aes128 ? 80 : 96)) return E_BAD_TLV;
  bdStart = getU16(h, off + 8);
  bdEnd = u32(bdStart + getU32(h, off + 12));
  bdActive = true;
  return OK;
}

/** Decrypt, in place, the body bytes among buf[off .. off+len), which lie at image offset `at`. */
export function bodyDecryptChunk(buf: Uint8Array, off: i32, len: i32, at: u32): void {
  if (!bdActive || len <= 0) return;
  const end: u32 = u32(at + u32(len));
  const from: u32 = at > bdStart ? at : bdStart;
  const to: u32 = end < bdEnd ? end : bdEnd;
  if (from >= to) return;
  decryptor().seek(u32(from - bdStart));
  decryptor().xor(buf, off + i32(from - at), i32(to - from));
}

/**
 * An image that arrived inside a package, now in `slot`: a package carries
 * plaintext images (the package itself may be encrypted), so an image flagged
 * encrypted there was never decrypted. Refused as an install of it would be:
 * without a key as unsupported, with one as lacking its entry ahead of the body.
 */
export function packagedImageEncryption(slot: i32): i32 {
  if (flashRead(slotAddr(slot), bdHeader, 0, 20) != OK) return E_FLASH;
  const flags: u32 = getU32(bdHeader, 16);
  if ((flags & u32(IMAGE_F_ENCRYPTED_AES128 | IMAGE_F_ENCRYPTED_AES256)) == 0) return OK;
  return decHasKey ? E_ENC_KEY_MISSING : E_ENCRYPTED_IMAGE;
}
