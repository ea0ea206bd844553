// AES-CTR (NIST SP 800-38A 6.5): the keystream of a 128-bit big-endian
// counter block, starting at an initial counter block and incremented by one
// per 16 bytes (wrapping modulo 2^128, as MCUboot, imgtool's `cryptography`
// and @noble/ciphers do). Encryption and decryption are the same XOR.
//
// Seekable: seek(offset) puts the stream at any byte offset, so an install
// that resumes after a power cut, or a receiver that skips bytes it already
// wrote, continues mid-block without replaying the stream. No allocation
// after construction.
import { Aes } from "./aes";
import { OK } from "../common/status";

function ctrGetBE(b: Uint8Array, off: i32): i32 {
  return (i32(unchecked(b[off])) << 24) | (i32(unchecked(b[off + 1])) << 16) | (i32(unchecked(b[off + 2])) << 8) |
    i32(unchecked(b[off + 3]));
}

function ctrPutBE(b: Uint8Array, off: i32, v: i32): void {
  unchecked((b[off] = u8(v >>> 24)));
  unchecked((b[off + 1] = u8(v >>> 16)));
  unchecked((b[off + 2] = u8(v >>> 8)));
  unchecked((b[off + 3] = u8(v)));
}

export class AesCtr {
  aes: Aes;
  /** The initial counter block, as four big-endian words. */
  iv0: i32;
  iv1: i32;
  iv2: i32;
  iv3: i32;
  /** The counter block of the current keystream block. */
  c0: i32;
  c1: i32;
  c2: i32;
  c3: i32;
  /** The current keystream block and the next byte of it to use (16 = spent). */
  stream: Uint8Array;
  used: i32;

  constructor() {
    this.aes = new Aes();
    this.iv0 = 0;
    this.iv1 = 0;
    this.iv2 = 0;
    this.iv3 = 0;
    this.c0 = 0;
    this.c1 = 0;
    this.c2 = 0;
    this.c3 = 0;
    this.stream = new Uint8Array(16);
    this.used = 16;
  }

  /** Key (16 or 32 bytes) and initial counter block iv[ivOff..+16); the stream starts at offset 0. */
  begin(key: Uint8Array, keyOff: i32, keyLen: i32, iv: Uint8Array, ivOff: i32): i32 {
    const ks: i32 = this.aes.setKey(key, keyOff, keyLen);
    if (ks != OK) return ks;
    this.iv0 = ctrGetBE(iv, ivOff);
    this.iv1 = ctrGetBE(iv, ivOff + 4);
    this.iv2 = ctrGetBE(iv, ivOff + 8);
    this.iv3 = ctrGetBE(iv, ivOff + 12);
    this.seek(0);
    return OK;
  }

  /** Continue the stream at byte `offset` (counter = iv + offset / 16). */
  seek(offset: u32): void {
    const blocks: u32 = offset >>> 4;
    // 128-bit addition of a 32-bit value, carried up through the words.
    const low: u32 = u32(u32(this.iv3) + blocks);
    let carry: i32 = low < blocks ? 1 : 0;
    this.c3 = i32(low);
    this.c2 = i32(this.iv2 + carry);
    carry = carry != 0 && this.c2 == 0 ? 1 : 0;
    this.c1 = i32(this.iv1 + carry);
    carry = carry != 0 && this.c1 == 0 ? 1 : 0;
    this.c0 = i32(this.iv0 + carry);
    this.refill();
    this.used = i32(offset & 15);
  }

  /** Keystream block for the current counter. */
  refill(): void {
    const aes = this.aes;
    aes.encryptState(this.c0, this.c1, this.c2, this.c3);
    ctrPutBE(this.stream, 0, aes.out0);
    ctrPutBE(this.stream, 4, aes.out1);
    ctrPutBE(this.stream, 8, aes.out2);
    ctrPutBE(this.stream, 12, aes.out3);
  }

  /** The next counter block, then its keystream. */
  advance(): void {
    this.c3 = i32(this.c3 + 1);
    if (this.c3 == 0) {
      this.c2 = i32(this.c2 + 1);
      if (this.c2 == 0) {
        this.c1 = i32(this.c1 + 1);
        if (this.c1 == 0) this.c0 = i32(this.c0 + 1);
      }
    }
    this.refill();
    this.used = 0;
  }

  /** XOR buf[off..off+len) with the next len keystream bytes, in place. */
  xor(buf: Uint8Array, off: i32, len: i32): void {
    if (len <= 0 || off < 0 || off > buf.length - len) return;
    const stream = this.stream;
    let used: i32 = this.used;
    const end: i32 = off + len;
    for (let i: i32 = off; i < end; i++) {
      if (used == 16) {
        this.advance();
        used = 0;
      }
      unchecked((buf[i] = u8(unchecked(buf[i]) ^ unchecked(stream[used]))));
      used++;
    }
    this.used = used;
  }
}
