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
import { hostAesCtr, hostOffersAesCtr } from "../common/host";

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
  /**
   * The key as given, and the counter block as bytes: for a host that runs
   * AES itself (hostAesCtr, JS builds). The expanded round keys hold the same
   * secret, so keeping the key adds none.
   */
  key: Uint8Array;
  keyLen: i32;
  counter: Uint8Array;
  /** The host XORed last and left `stream` unmade: the core's loop makes it first. */
  stale: bool;

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
    this.key = new Uint8Array(32);
    this.keyLen = 0;
    this.counter = new Uint8Array(16);
    this.stale = false;
  }

  /** Key (16 or 32 bytes) and initial counter block iv[ivOff..+16); the stream starts at offset 0. */
  begin(key: Uint8Array, keyOff: i32, keyLen: i32, iv: Uint8Array, ivOff: i32): i32 {
    const ks: i32 = this.aes.setKey(key, keyOff, keyLen);
    if (ks != OK) return ks;
    for (let i: i32 = 0; i < keyLen; i++) unchecked((this.key[i] = unchecked(key[keyOff + i])));
    this.keyLen = keyLen;
    this.iv0 = ctrGetBE(iv, ivOff);
    this.iv1 = ctrGetBE(iv, ivOff + 4);
    this.iv2 = ctrGetBE(iv, ivOff + 8);
    this.iv3 = ctrGetBE(iv, ivOff + 12);
    this.seek(0);
    return OK;
  }

  /** Continue the stream at byte `offset` (counter = iv + offset / 16). */
  seek(offset: u32): void {
    this.c0 = this.iv0;
    this.c1 = this.iv1;
    this.c2 = this.iv2;
    this.c3 = this.iv3;
    this.addBlocks(offset >>> 4);
    this.refill();
    this.used = i32(offset & 15);
    this.stale = false;
  }

  /** counter += blocks: a 128-bit addition of a 32-bit value, carried up through the words. */
  addBlocks(blocks: u32): void {
    const low: u32 = u32(u32(this.c3) + blocks);
    let carry: i32 = low < blocks ? 1 : 0;
    this.c3 = i32(low);
    this.c2 = i32(this.c2 + carry);
    carry = carry != 0 && this.c2 == 0 ? 1 : 0;
    this.c1 = i32(this.c1 + carry);
    carry = carry != 0 && this.c1 == 0 ? 1 : 0;
    this.c0 = i32(this.c0 + carry);
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
    this.stale = false;
  }

  /** XOR buf[off..off+len) with the next len keystream bytes, in place. */
  xor(buf: Uint8Array, off: i32, len: i32): void {
    if (len <= 0 || off < 0 || off > buf.length - len) return;
    if (hostOffersAesCtr() && this.byHost(buf, off, len)) return;
    if (this.stale) this.refill();
    this.stale = false;
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

  /**
   * The same XOR by the host, where it offers AES (hostAesCtr); then the
   * counter moves on as the loop above would have moved it. `used` 16 is a
   * spent block: the host starts at the next one.
   */
  byHost(buf: Uint8Array, off: i32, len: i32): bool {
    const spent: bool = this.used == 16;
    const c0: i32 = this.c0;
    const c1: i32 = this.c1;
    const c2: i32 = this.c2;
    const c3: i32 = this.c3;
    if (spent) this.addBlocks(1);
    ctrPutBE(this.counter, 0, this.c0);
    ctrPutBE(this.counter, 4, this.c1);
    ctrPutBE(this.counter, 8, this.c2);
    ctrPutBE(this.counter, 12, this.c3);
    const skip: i32 = spent ? 0 : this.used;
    if (!hostAesCtr(this.key, this.keyLen, this.counter, skip, buf, off, len)) {
      // Declined: the counter back where the core's own loop expects it.
      this.c0 = c0;
      this.c1 = c1;
      this.c2 = c2;
      this.c3 = c3;
      return false;
    }
    // The last keystream block touched: spent if the data ended on its edge;
    // else the core makes it only if it ever XORs on from there itself.
    const end: i32 = skip + len;
    this.addBlocks(u32((end - 1) >>> 4));
    this.used = ((end - 1) & 15) + 1;
    this.stale = this.used < 16;
    return true;
  }
}
