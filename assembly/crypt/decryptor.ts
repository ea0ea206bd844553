// The decryption unit of the update path: opens an ECIES-X25519 key-wrap
// entry with the device's private key and then decrypts a stream with the
// unwrapped key in AES-CTR (counter block 0), from any offset. Both encrypted
// images (imgtool's ENC_X25519 entry; the body is the stream) and encrypted
// packages (the payload's data stream) go through it.
//
// In the JS update module a socket stands in for this file
// (update/decrypt-socket.portable.ts): the AES-CTR stream then lives in the
// crypt module (build/crypt.js, es5/crypt.cjs), which a board loads only when
// an update is encrypted, and the key unwrap (X25519, HKDF, HMAC, SHA-256:
// crypto/ecies-x25519.ts, crypt/recipient.ts) in the unwrap module
// (build/unwrap.js, es5/unwrap.cjs), which the crypt module loads only to
// open a key (crypt/unwrap-socket.portable.ts), so a board can let it go
// while the stream runs. The WASM build and build/core.js link both directly.
import { AesCtr } from "../crypto/aes-ctr";
import { eciesOpen } from "../crypto/ecies-x25519";
import { recipientId } from "./recipient";
import { getU16, getU32, equalBytes } from "../common/bytes";
import { OK, E_BAD_TLV, E_ENC_KEY_MISSING, E_ENC_WRONG_DEVICE } from "../common/status";

// MCUboot's header flags ENCRYPTED_AES128 / ENCRYPTED_AES256 (boot/image.ts),
// repeated here so that this unit does not pull the image parser into the
// crypt module.
const DEC_F_AES128: u32 = 0x04;
const DEC_F_AES256: u32 = 0x08;

export class Decryptor {
  ctr: AesCtr;
  key: Uint8Array;
  zeroIv: Uint8Array;
  /** Stream offset of the next byte xor() takes: a seek there costs nothing. */
  position: u32;
  // An image being installed: its entry's length (0 = none yet) and body range.
  imageEntryLen: i32;
  bodyStart: u32;
  bodyEnd: u32;
  /** The recipient ID of the private key in recipientKey, worked out on first use. */
  recipient: Uint8Array;
  recipientKey: Uint8Array;
  recipientReady: bool;
  /**
   * An encrypted package's encryption block, as it arrives after the
   * manifest: kept here so that a device that never meets an encrypted
   * package holds no buffer for it (the update module reads it from here).
   */
  block: Uint8Array;

  constructor() {
    this.block = new Uint8Array(160);
    this.position = 0;
    this.imageEntryLen = 0;
    this.bodyStart = 0;
    this.bodyEnd = 0;
    this.recipient = new Uint8Array(32);
    this.recipientKey = new Uint8Array(32);
    this.recipientReady = false;
    this.ctr = new AesCtr();
    this.key = new Uint8Array(32);
    this.zeroIv = new Uint8Array(16);
  }

  /** Open entry[off .. off+len) (80 bytes: AES-128, 96: AES-256); the stream is then at offset 0. */
  open(entry: Uint8Array, off: i32, len: i32, privateKey: Uint8Array, privOff: i32): i32 {
    if (len != 80 && len != 96) return E_BAD_TLV;
    const keyLen: i32 = len - 64;
    const us: i32 = eciesOpen(entry, off, keyLen, privateKey, privOff, this.key, 0);
    if (us != OK) return us;
    // The wrapped key, decrypted by the stream's own AES-CTR under the key
    // eciesOpen gave (counter block 0), then the stream re-keyed with it.
    let cs: i32 = this.ctr.begin(this.key, 0, keyLen, this.zeroIv, 0);
    if (cs == OK) {
      for (let i: i32 = 0; i < keyLen; i++) this.key[i] = entry[off + 64 + i];
      this.ctr.xor(this.key, 0, keyLen);
      cs = this.ctr.begin(this.key, 0, keyLen, this.zeroIv, 0);
    }
    this.position = 0;
    for (let i: i32 = 0; i < 32; i++) this.key[i] = 0;
    return cs;
  }

  seek(offset: u32): void {
    if (offset == this.position) return;
    this.ctr.seek(offset);
    this.position = offset;
  }

  /** Decrypt buf[off .. off+len) in place: the next len bytes of the stream. */
  xor(buf: Uint8Array, off: i32, len: i32): void {
    this.ctr.xor(buf, off, len);
    if (len > 0) this.position = u32(this.position + u32(len));
  }

  /**
   * Encrypted images (docs/formats.md "Encrypted images"): imgtool encrypts
   * only the body, bytes [header size, header size + body size), from counter
   * block 0 at its first byte. The ENC_X25519 entry sits after the body, so
   * the installer gives it first; openImage() opens it.
   */
  openImage(entry: Uint8Array, off: i32, len: i32, privateKey: Uint8Array, privOff: i32): i32 {
    this.imageEntryLen = 0;
    const os: i32 = this.open(entry, off, len, privateKey, privOff);
    if (os == OK) this.imageEntryLen = len;
    return os;
  }

  /** The header of an image flagged encrypted: the entry given must fit its AES key; then its body range is known. */
  imageHeader(h: Uint8Array, off: i32): i32 {
    if (this.imageEntryLen == 0) return E_ENC_KEY_MISSING;
    const aes128: bool = (getU32(h, off + 16) & DEC_F_AES128) != 0;
    if (this.imageEntryLen != (aes128 ? 80 : 96)) return E_BAD_TLV;
    this.bodyStart = getU16(h, off + 8);
    this.bodyEnd = u32(this.bodyStart + getU32(h, off + 12));
    return OK;
  }

  /** Decrypt, in place, the body bytes among buf[off .. off+len), which lie at image offset `at`. */
  imageChunk(buf: Uint8Array, off: i32, len: i32, at: u32): void {
    if (len <= 0) return;
    const end: u32 = u32(at + u32(len));
    const from: u32 = at > this.bodyStart ? at : this.bodyStart;
    const to: u32 = end < this.bodyEnd ? end : this.bodyEnd;
    if (from >= to) return;
    this.seek(u32(from - this.bodyStart));
    this.xor(buf, off + i32(from - at), i32(to - from));
  }

  /**
   * An encrypted package's block (docs/formats.md "Encrypted packages"):
   * recipient ID at block[off..+32), key-wrap entry at +32. Another device's
   * package is refused before its entry is even opened.
   */
  openPackage(block: Uint8Array, off: i32, keyLen: i32, privateKey: Uint8Array, privOff: i32): i32 {
    if (!this.recipientReady || !equalBytes(this.recipientKey, 0, privateKey, privOff, 32)) {
      const rs: i32 = recipientId(privateKey, privOff, this.recipient, 0);
      if (rs != OK) return rs;
      for (let i: i32 = 0; i < 32; i++) this.recipientKey[i] = privateKey[privOff + i];
      this.recipientReady = true;
    }
    if (!equalBytes(block, off, this.recipient, 0, 32)) return E_ENC_WRONG_DEVICE;
    return this.open(block, off + 32, 64 + keyLen, privateKey, privOff);
  }
}

const theDecryptor: Decryptor = new Decryptor();

export function decryptAvailable(): bool {
  return true;
}

export function decryptor(): Decryptor {
  return theDecryptor;
}
