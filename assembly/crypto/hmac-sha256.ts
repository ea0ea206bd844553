// HMAC-SHA256 (RFC 2104, FIPS 198-1), streaming over crypto/sha256.ts. Both
// hashers are primed with the padded key at begin(), so the key itself is not
// kept; a key longer than the 64-byte block is hashed first, as the RFC says.
import { Sha256 } from "./sha256";

export class HmacSha256 {
  inner: Sha256;
  outer: Sha256;
  /** The key padded to one block, then XORed with ipad/opad in turn. */
  block: Uint8Array;
  innerDigest: Uint8Array;

  constructor() {
    this.inner = new Sha256();
    this.outer = new Sha256();
    this.block = new Uint8Array(64);
    this.innerDigest = new Uint8Array(32);
  }

  begin(key: Uint8Array, off: i32, len: i32): void {
    const block = this.block;
    for (let i: i32 = 0; i < 64; i++) unchecked((block[i] = 0));
    if (len > 64) {
      this.inner.reset();
      this.inner.update(key, off, len);
      this.inner.finish(block, 0);
    } else {
      for (let i: i32 = 0; i < len; i++) unchecked((block[i] = key[off + i]));
    }
    for (let i: i32 = 0; i < 64; i++) unchecked((block[i] = u8(block[i] ^ 0x36)));
    this.inner.reset();
    this.inner.update(block, 0, 64);
    // 0x36 ^ 0x5c: from the inner pad straight to the outer one.
    for (let i: i32 = 0; i < 64; i++) unchecked((block[i] = u8(block[i] ^ 0x6a)));
    this.outer.reset();
    this.outer.update(block, 0, 64);
    for (let i: i32 = 0; i < 64; i++) unchecked((block[i] = 0));
  }

  update(buf: Uint8Array, off: i32, len: i32): void {
    this.inner.update(buf, off, len);
  }

  /** The 32-byte tag to out[outOff..]; begin() again before the next message. */
  finish(out: Uint8Array, outOff: i32): void {
    this.inner.finish(this.innerDigest, 0);
    this.outer.update(this.innerDigest, 0, 32);
    this.outer.finish(out, outOff);
  }
}
