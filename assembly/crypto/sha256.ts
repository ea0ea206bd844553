// SHA-256 (FIPS 180-4), streaming. Portable: the same source runs as WASM and
// as plain JS, so every 32-bit sum is wrapped with i32() and the message
// length is kept as two u32 words instead of one 64-bit counter.
//
// Speed comes from keeping everything the rounds touch in i32 locals: the
// eight working variables, the 16-word message schedule ring (w0..w15) and the
// 16 round constants of the current pass (k0..k15, set as immediates). In WASM
// an Int32Array read is an out-of-line call at this build's shrink level, so
// the compression function reads memory only for message bytes. A pass is 16
// rounds written out with the working variables renamed instead of shifted;
// four passes make the 64 rounds. Each sum adds the terms that are ready
// early (h, k, w) before those that wait on the previous round: neither
// binaryen nor V8 reassociates, and the shorter dependency chain is worth
// about 10% in WASM. In JS every bitwise result is already an int32, so only
// sums need wrapping.

function sha256PutBE(out: Uint8Array, off: i32, v: i32): void {
  unchecked(out[off] = u8(v >>> 24));
  unchecked(out[off + 1] = u8(v >>> 16));
  unchecked(out[off + 2] = u8(v >>> 8));
  unchecked(out[off + 3] = u8(v));
}

export class Sha256 {
  /** Chaining value H0..H7. */
  h0: i32;
  h1: i32;
  h2: i32;
  h3: i32;
  h4: i32;
  h5: i32;
  h6: i32;
  h7: i32;
  /** Bytes of an incomplete block carried between update() calls. */
  pending: Uint8Array;
  pendingLen: i32;
  /** Total message length in bytes, a 64-bit count split in two words. */
  bytesLo: u32;
  bytesHi: u32;

  constructor() {
    this.h0 = 0;
    this.h1 = 0;
    this.h2 = 0;
    this.h3 = 0;
    this.h4 = 0;
    this.h5 = 0;
    this.h6 = 0;
    this.h7 = 0;
    this.pending = new Uint8Array(64);
    this.pendingLen = 0;
    this.bytesLo = 0;
    this.bytesHi = 0;
    this.reset();
  }

  reset(): void {
    this.h0 = 0x6a09e667;
    this.h1 = i32(0xbb67ae85);
    this.h2 = 0x3c6ef372;
    this.h3 = i32(0xa54ff53a);
    this.h4 = 0x510e527f;
    this.h5 = i32(0x9b05688c);
    this.h6 = 0x1f83d9ab;
    this.h7 = 0x5be0cd19;
    this.pendingLen = 0;
    this.bytesLo = 0;
    this.bytesHi = 0;
  }

  /**
   * Hashes buf[off .. off+len). A range outside buf is ignored rather than
   * read: the core must never touch memory past a buffer, and the skipped
   * chunk makes the digest wrong, which verification then reports.
   */
  update(buf: Uint8Array, off: i32, len: i32): void {
    if (len <= 0 || off < 0 || off > buf.length - len) return;
    this.bytesLo = u32(this.bytesLo + u32(len));
    if (this.bytesLo < u32(len)) this.bytesHi = u32(this.bytesHi + 1);

    let pos = off;
    const end = off + len;
    const pending = this.pending;
    const fill = this.pendingLen;
    if (fill > 0) {
      let take = 64 - fill;
      if (take > len) take = len;
      for (let i = 0; i < take; i++) unchecked(pending[fill + i] = unchecked(buf[pos + i]));
      pos += take;
      if (fill + take < 64) {
        this.pendingLen = fill + take;
        return;
      }
      this.compress(pending, 0, 1);
    }
    // Whole blocks are hashed in place, without a copy into `pending`.
    const blocks = (end - pos) >>> 6;
    if (blocks > 0) {
      this.compress(buf, pos, blocks);
      pos += blocks << 6;
    }
    const rest = end - pos;
    for (let i = 0; i < rest; i++) unchecked(pending[i] = unchecked(buf[pos + i]));
    this.pendingLen = rest;
  }

  /** Writes the 32-byte digest to out[outOff ..]; call reset() before reuse. */
  finish(out: Uint8Array, outOff: i32): void {
    const pending = this.pending;
    let fill = this.pendingLen;
    unchecked(pending[fill] = 0x80);
    fill++;
    if (fill > 56) {
      for (let i = fill; i < 64; i++) unchecked(pending[i] = 0);
      this.compress(pending, 0, 1);
      fill = 0;
    }
    for (let i = fill; i < 56; i++) unchecked(pending[i] = 0);
    // Length in bits, big-endian: bytes * 8 across the two words.
    sha256PutBE(pending, 56, i32(u32(this.bytesHi << 3) | (this.bytesLo >>> 29)));
    sha256PutBE(pending, 60, i32(this.bytesLo << 3));
    this.compress(pending, 0, 1);
    this.pendingLen = 0;

    if (outOff < 0 || outOff > out.length - 32) return;
    sha256PutBE(out, outOff, this.h0);
    sha256PutBE(out, outOff + 4, this.h1);
    sha256PutBE(out, outOff + 8, this.h2);
    sha256PutBE(out, outOff + 12, this.h3);
    sha256PutBE(out, outOff + 16, this.h4);
    sha256PutBE(out, outOff + 20, this.h5);
    sha256PutBE(out, outOff + 24, this.h6);
    sha256PutBE(out, outOff + 28, this.h7);
  }

  /** The compression function over `count` whole blocks of src from off. */
  compress(src: Uint8Array, off: i32, count: i32): void {
    let a = this.h0;
    let b = this.h1;
    let c = this.h2;
    let d = this.h3;
    let e = this.h4;
    let f = this.h5;
    let g = this.h6;
    let h = this.h7;
    let w0: i32 = 0, w1: i32 = 0, w2: i32 = 0, w3: i32 = 0, w4: i32 = 0, w5: i32 = 0;
    let w6: i32 = 0, w7: i32 = 0, w8: i32 = 0, w9: i32 = 0, w10: i32 = 0, w11: i32 = 0;
    let w12: i32 = 0, w13: i32 = 0, w14: i32 = 0, w15: i32 = 0;
    let k0: i32 = 0, k1: i32 = 0, k2: i32 = 0, k3: i32 = 0, k4: i32 = 0, k5: i32 = 0;
    let k6: i32 = 0, k7: i32 = 0, k8: i32 = 0, k9: i32 = 0, k10: i32 = 0, k11: i32 = 0;
    let k12: i32 = 0, k13: i32 = 0, k14: i32 = 0, k15: i32 = 0;
    let s: i32 = 0;
    let t: i32 = 0;
    let p = off;
    for (let n = 0; n < count; n++) {
      // Pass 0 reads the block's 16 words; passes 1-3 extend the schedule in
      // place (w[j] becomes W[16 * pass + j]).
      for (let pass = 0; pass < 4; pass++) {
        if (pass == 0) {
          k0 = 0x428a2f98; k1 = 0x71374491; k2 = i32(0xb5c0fbcf); k3 = i32(0xe9b5dba5);
          k4 = 0x3956c25b; k5 = 0x59f111f1; k6 = i32(0x923f82a4); k7 = i32(0xab1c5ed5);
          k8 = i32(0xd807aa98); k9 = 0x12835b01; k10 = 0x243185be; k11 = 0x550c7dc3;
          k12 = 0x72be5d74; k13 = i32(0x80deb1fe); k14 = i32(0x9bdc06a7); k15 = i32(0xc19bf174);
        } else if (pass == 1) {
          k0 = i32(0xe49b69c1); k1 = i32(0xefbe4786); k2 = 0x0fc19dc6; k3 = 0x240ca1cc;
          k4 = 0x2de92c6f; k5 = 0x4a7484aa; k6 = 0x5cb0a9dc; k7 = 0x76f988da;
          k8 = i32(0x983e5152); k9 = i32(0xa831c66d); k10 = i32(0xb00327c8); k11 = i32(0xbf597fc7);
          k12 = i32(0xc6e00bf3); k13 = i32(0xd5a79147); k14 = 0x06ca6351; k15 = 0x14292967;
        } else if (pass == 2) {
          k0 = 0x27b70a85; k1 = 0x2e1b2138; k2 = 0x4d2c6dfc; k3 = 0x53380d13;
          k4 = 0x650a7354; k5 = 0x766a0abb; k6 = i32(0x81c2c92e); k7 = i32(0x92722c85);
          k8 = i32(0xa2bfe8a1); k9 = i32(0xa81a664b); k10 = i32(0xc24b8b70); k11 = i32(0xc76c51a3);
          k12 = i32(0xd192e819); k13 = i32(0xd6990624); k14 = i32(0xf40e3585); k15 = 0x106aa070;
        } else {
          k0 = 0x19a4c116; k1 = 0x1e376c08; k2 = 0x2748774c; k3 = 0x34b0bcb5;
          k4 = 0x391c0cb3; k5 = 0x4ed8aa4a; k6 = 0x5b9cca4f; k7 = 0x682e6ff3;
          k8 = 0x748f82ee; k9 = 0x78a5636f; k10 = i32(0x84c87814); k11 = i32(0x8cc70208);
          k12 = i32(0x90befffa); k13 = i32(0xa4506ceb); k14 = i32(0xbef9a3f7); k15 = i32(0xc67178f2);
        }
        if (pass == 0) {
          w0 = (i32(unchecked(src[p])) << 24) | (i32(unchecked(src[p + 1])) << 16) |
            (i32(unchecked(src[p + 2])) << 8) | i32(unchecked(src[p + 3]));
        } else {
          w0 = i32(w0 + (((w1 >>> 7) | (w1 << 25)) ^ ((w1 >>> 18) | (w1 << 14)) ^ (w1 >>> 3)) + w9 +
            (((w14 >>> 17) | (w14 << 15)) ^ ((w14 >>> 19) | (w14 << 13)) ^ (w14 >>> 10)));
        }
        s = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
        t = i32(h + k0 + w0 + (g ^ (e & (f ^ g))) + s);
        d = i32(d + t);
        s = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
        h = i32(s + ((a & b) | (c & (a | b))) + t);
        if (pass == 0) {
          w1 = (i32(unchecked(src[p + 4])) << 24) | (i32(unchecked(src[p + 5])) << 16) |
            (i32(unchecked(src[p + 6])) << 8) | i32(unchecked(src[p + 7]));
        } else {
          w1 = i32(w1 + (((w2 >>> 7) | (w2 << 25)) ^ ((w2 >>> 18) | (w2 << 14)) ^ (w2 >>> 3)) + w10 +
            (((w15 >>> 17) | (w15 << 15)) ^ ((w15 >>> 19) | (w15 << 13)) ^ (w15 >>> 10)));
        }
        s = ((d >>> 6) | (d << 26)) ^ ((d >>> 11) | (d << 21)) ^ ((d >>> 25) | (d << 7));
        t = i32(g + k1 + w1 + (f ^ (d & (e ^ f))) + s);
        c = i32(c + t);
        s = ((h >>> 2) | (h << 30)) ^ ((h >>> 13) | (h << 19)) ^ ((h >>> 22) | (h << 10));
        g = i32(s + ((h & a) | (b & (h | a))) + t);
        if (pass == 0) {
          w2 = (i32(unchecked(src[p + 8])) << 24) | (i32(unchecked(src[p + 9])) << 16) |
            (i32(unchecked(src[p + 10])) << 8) | i32(unchecked(src[p + 11]));
        } else {
          w2 = i32(w2 + (((w3 >>> 7) | (w3 << 25)) ^ ((w3 >>> 18) | (w3 << 14)) ^ (w3 >>> 3)) + w11 +
            (((w0 >>> 17) | (w0 << 15)) ^ ((w0 >>> 19) | (w0 << 13)) ^ (w0 >>> 10)));
        }
        s = ((c >>> 6) | (c << 26)) ^ ((c >>> 11) | (c << 21)) ^ ((c >>> 25) | (c << 7));
        t = i32(f + k2 + w2 + (e ^ (c & (d ^ e))) + s);
        b = i32(b + t);
        s = ((g >>> 2) | (g << 30)) ^ ((g >>> 13) | (g << 19)) ^ ((g >>> 22) | (g << 10));
        f = i32(s + ((g & h) | (a & (g | h))) + t);
        if (pass == 0) {
          w3 = (i32(unchecked(src[p + 12])) << 24) | (i32(unchecked(src[p + 13])) << 16) |
            (i32(unchecked(src[p + 14])) << 8) | i32(unchecked(src[p + 15]));
        } else {
          w3 = i32(w3 + (((w4 >>> 7) | (w4 << 25)) ^ ((w4 >>> 18) | (w4 << 14)) ^ (w4 >>> 3)) + w12 +
            (((w1 >>> 17) | (w1 << 15)) ^ ((w1 >>> 19) | (w1 << 13)) ^ (w1 >>> 10)));
        }
        s = ((b >>> 6) | (b << 26)) ^ ((b >>> 11) | (b << 21)) ^ ((b >>> 25) | (b << 7));
        t = i32(e + k3 + w3 + (d ^ (b & (c ^ d))) + s);
        a = i32(a + t);
        s = ((f >>> 2) | (f << 30)) ^ ((f >>> 13) | (f << 19)) ^ ((f >>> 22) | (f << 10));
        e = i32(s + ((f & g) | (h & (f | g))) + t);
        if (pass == 0) {
          w4 = (i32(unchecked(src[p + 16])) << 24) | (i32(unchecked(src[p + 17])) << 16) |
            (i32(unchecked(src[p + 18])) << 8) | i32(unchecked(src[p + 19]));
        } else {
          w4 = i32(w4 + (((w5 >>> 7) | (w5 << 25)) ^ ((w5 >>> 18) | (w5 << 14)) ^ (w5 >>> 3)) + w13 +
            (((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10)));
        }
        s = ((a >>> 6) | (a << 26)) ^ ((a >>> 11) | (a << 21)) ^ ((a >>> 25) | (a << 7));
        t = i32(d + k4 + w4 + (c ^ (a & (b ^ c))) + s);
        h = i32(h + t);
        s = ((e >>> 2) | (e << 30)) ^ ((e >>> 13) | (e << 19)) ^ ((e >>> 22) | (e << 10));
        d = i32(s + ((e & f) | (g & (e | f))) + t);
        if (pass == 0) {
          w5 = (i32(unchecked(src[p + 20])) << 24) | (i32(unchecked(src[p + 21])) << 16) |
            (i32(unchecked(src[p + 22])) << 8) | i32(unchecked(src[p + 23]));
        } else {
          w5 = i32(w5 + (((w6 >>> 7) | (w6 << 25)) ^ ((w6 >>> 18) | (w6 << 14)) ^ (w6 >>> 3)) + w14 +
            (((w3 >>> 17) | (w3 << 15)) ^ ((w3 >>> 19) | (w3 << 13)) ^ (w3 >>> 10)));
        }
        s = ((h >>> 6) | (h << 26)) ^ ((h >>> 11) | (h << 21)) ^ ((h >>> 25) | (h << 7));
        t = i32(c + k5 + w5 + (b ^ (h & (a ^ b))) + s);
        g = i32(g + t);
        s = ((d >>> 2) | (d << 30)) ^ ((d >>> 13) | (d << 19)) ^ ((d >>> 22) | (d << 10));
        c = i32(s + ((d & e) | (f & (d | e))) + t);
        if (pass == 0) {
          w6 = (i32(unchecked(src[p + 24])) << 24) | (i32(unchecked(src[p + 25])) << 16) |
            (i32(unchecked(src[p + 26])) << 8) | i32(unchecked(src[p + 27]));
        } else {
          w6 = i32(w6 + (((w7 >>> 7) | (w7 << 25)) ^ ((w7 >>> 18) | (w7 << 14)) ^ (w7 >>> 3)) + w15 +
            (((w4 >>> 17) | (w4 << 15)) ^ ((w4 >>> 19) | (w4 << 13)) ^ (w4 >>> 10)));
        }
        s = ((g >>> 6) | (g << 26)) ^ ((g >>> 11) | (g << 21)) ^ ((g >>> 25) | (g << 7));
        t = i32(b + k6 + w6 + (a ^ (g & (h ^ a))) + s);
        f = i32(f + t);
        s = ((c >>> 2) | (c << 30)) ^ ((c >>> 13) | (c << 19)) ^ ((c >>> 22) | (c << 10));
        b = i32(s + ((c & d) | (e & (c | d))) + t);
        if (pass == 0) {
          w7 = (i32(unchecked(src[p + 28])) << 24) | (i32(unchecked(src[p + 29])) << 16) |
            (i32(unchecked(src[p + 30])) << 8) | i32(unchecked(src[p + 31]));
        } else {
          w7 = i32(w7 + (((w8 >>> 7) | (w8 << 25)) ^ ((w8 >>> 18) | (w8 << 14)) ^ (w8 >>> 3)) + w0 +
            (((w5 >>> 17) | (w5 << 15)) ^ ((w5 >>> 19) | (w5 << 13)) ^ (w5 >>> 10)));
        }
        s = ((f >>> 6) | (f << 26)) ^ ((f >>> 11) | (f << 21)) ^ ((f >>> 25) | (f << 7));
        t = i32(a + k7 + w7 + (h ^ (f & (g ^ h))) + s);
        e = i32(e + t);
        s = ((b >>> 2) | (b << 30)) ^ ((b >>> 13) | (b << 19)) ^ ((b >>> 22) | (b << 10));
        a = i32(s + ((b & c) | (d & (b | c))) + t);
        if (pass == 0) {
          w8 = (i32(unchecked(src[p + 32])) << 24) | (i32(unchecked(src[p + 33])) << 16) |
            (i32(unchecked(src[p + 34])) << 8) | i32(unchecked(src[p + 35]));
        } else {
          w8 = i32(w8 + (((w9 >>> 7) | (w9 << 25)) ^ ((w9 >>> 18) | (w9 << 14)) ^ (w9 >>> 3)) + w1 +
            (((w6 >>> 17) | (w6 << 15)) ^ ((w6 >>> 19) | (w6 << 13)) ^ (w6 >>> 10)));
        }
        s = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
        t = i32(h + k8 + w8 + (g ^ (e & (f ^ g))) + s);
        d = i32(d + t);
        s = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
        h = i32(s + ((a & b) | (c & (a | b))) + t);
        if (pass == 0) {
          w9 = (i32(unchecked(src[p + 36])) << 24) | (i32(unchecked(src[p + 37])) << 16) |
            (i32(unchecked(src[p + 38])) << 8) | i32(unchecked(src[p + 39]));
        } else {
          w9 = i32(w9 + (((w10 >>> 7) | (w10 << 25)) ^ ((w10 >>> 18) | (w10 << 14)) ^ (w10 >>> 3)) + w2 +
            (((w7 >>> 17) | (w7 << 15)) ^ ((w7 >>> 19) | (w7 << 13)) ^ (w7 >>> 10)));
        }
        s = ((d >>> 6) | (d << 26)) ^ ((d >>> 11) | (d << 21)) ^ ((d >>> 25) | (d << 7));
        t = i32(g + k9 + w9 + (f ^ (d & (e ^ f))) + s);
        c = i32(c + t);
        s = ((h >>> 2) | (h << 30)) ^ ((h >>> 13) | (h << 19)) ^ ((h >>> 22) | (h << 10));
        g = i32(s + ((h & a) | (b & (h | a))) + t);
        if (pass == 0) {
          w10 = (i32(unchecked(src[p + 40])) << 24) | (i32(unchecked(src[p + 41])) << 16) |
            (i32(unchecked(src[p + 42])) << 8) | i32(unchecked(src[p + 43]));
        } else {
          w10 = i32(w10 + (((w11 >>> 7) | (w11 << 25)) ^ ((w11 >>> 18) | (w11 << 14)) ^ (w11 >>> 3)) + w3 +
            (((w8 >>> 17) | (w8 << 15)) ^ ((w8 >>> 19) | (w8 << 13)) ^ (w8 >>> 10)));
        }
        s = ((c >>> 6) | (c << 26)) ^ ((c >>> 11) | (c << 21)) ^ ((c >>> 25) | (c << 7));
        t = i32(f + k10 + w10 + (e ^ (c & (d ^ e))) + s);
        b = i32(b + t);
        s = ((g >>> 2) | (g << 30)) ^ ((g >>> 13) | (g << 19)) ^ ((g >>> 22) | (g << 10));
        f = i32(s + ((g & h) | (a & (g | h))) + t);
        if (pass == 0) {
          w11 = (i32(unchecked(src[p + 44])) << 24) | (i32(unchecked(src[p + 45])) << 16) |
            (i32(unchecked(src[p + 46])) << 8) | i32(unchecked(src[p + 47]));
        } else {
          w11 = i32(w11 + (((w12 >>> 7) | (w12 << 25)) ^ ((w12 >>> 18) | (w12 << 14)) ^ (w12 >>> 3)) + w4 +
            (((w9 >>> 17) | (w9 << 15)) ^ ((w9 >>> 19) | (w9 << 13)) ^ (w9 >>> 10)));
        }
        s = ((b >>> 6) | (b << 26)) ^ ((b >>> 11) | (b << 21)) ^ ((b >>> 25) | (b << 7));
        t = i32(e + k11 + w11 + (d ^ (b & (c ^ d))) + s);
        a = i32(a + t);
        s = ((f >>> 2) | (f << 30)) ^ ((f >>> 13) | (f << 19)) ^ ((f >>> 22) | (f << 10));
        e = i32(s + ((f & g) | (h & (f | g))) + t);
        if (pass == 0) {
          w12 = (i32(unchecked(src[p + 48])) << 24) | (i32(unchecked(src[p + 49])) << 16) |
            (i32(unchecked(src[p + 50])) << 8) | i32(unchecked(src[p + 51]));
        } else {
          w12 = i32(w12 + (((w13 >>> 7) | (w13 << 25)) ^ ((w13 >>> 18) | (w13 << 14)) ^ (w13 >>> 3)) + w5 +
            (((w10 >>> 17) | (w10 << 15)) ^ ((w10 >>> 19) | (w10 << 13)) ^ (w10 >>> 10)));
        }
        s = ((a >>> 6) | (a << 26)) ^ ((a >>> 11) | (a << 21)) ^ ((a >>> 25) | (a << 7));
        t = i32(d + k12 + w12 + (c ^ (a & (b ^ c))) + s);
        h = i32(h + t);
        s = ((e >>> 2) | (e << 30)) ^ ((e >>> 13) | (e << 19)) ^ ((e >>> 22) | (e << 10));
        d = i32(s + ((e & f) | (g & (e | f))) + t);
        if (pass == 0) {
          w13 = (i32(unchecked(src[p + 52])) << 24) | (i32(unchecked(src[p + 53])) << 16) |
            (i32(unchecked(src[p + 54])) << 8) | i32(unchecked(src[p + 55]));
        } else {
          w13 = i32(w13 + (((w14 >>> 7) | (w14 << 25)) ^ ((w14 >>> 18) | (w14 << 14)) ^ (w14 >>> 3)) + w6 +
            (((w11 >>> 17) | (w11 << 15)) ^ ((w11 >>> 19) | (w11 << 13)) ^ (w11 >>> 10)));
        }
        s = ((h >>> 6) | (h << 26)) ^ ((h >>> 11) | (h << 21)) ^ ((h >>> 25) | (h << 7));
        t = i32(c + k13 + w13 + (b ^ (h & (a ^ b))) + s);
        g = i32(g + t);
        s = ((d >>> 2) | (d << 30)) ^ ((d >>> 13) | (d << 19)) ^ ((d >>> 22) | (d << 10));
        c = i32(s + ((d & e) | (f & (d | e))) + t);
        if (pass == 0) {
          w14 = (i32(unchecked(src[p + 56])) << 24) | (i32(unchecked(src[p + 57])) << 16) |
            (i32(unchecked(src[p + 58])) << 8) | i32(unchecked(src[p + 59]));
        } else {
          w14 = i32(w14 + (((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3)) + w7 +
            (((w12 >>> 17) | (w12 << 15)) ^ ((w12 >>> 19) | (w12 << 13)) ^ (w12 >>> 10)));
        }
        s = ((g >>> 6) | (g << 26)) ^ ((g >>> 11) | (g << 21)) ^ ((g >>> 25) | (g << 7));
        t = i32(b + k14 + w14 + (a ^ (g & (h ^ a))) + s);
        f = i32(f + t);
        s = ((c >>> 2) | (c << 30)) ^ ((c >>> 13) | (c << 19)) ^ ((c >>> 22) | (c << 10));
        b = i32(s + ((c & d) | (e & (c | d))) + t);
        if (pass == 0) {
          w15 = (i32(unchecked(src[p + 60])) << 24) | (i32(unchecked(src[p + 61])) << 16) |
            (i32(unchecked(src[p + 62])) << 8) | i32(unchecked(src[p + 63]));
        } else {
          w15 = i32(w15 + (((w0 >>> 7) | (w0 << 25)) ^ ((w0 >>> 18) | (w0 << 14)) ^ (w0 >>> 3)) + w8 +
            (((w13 >>> 17) | (w13 << 15)) ^ ((w13 >>> 19) | (w13 << 13)) ^ (w13 >>> 10)));
        }
        s = ((f >>> 6) | (f << 26)) ^ ((f >>> 11) | (f << 21)) ^ ((f >>> 25) | (f << 7));
        t = i32(a + k15 + w15 + (h ^ (f & (g ^ h))) + s);
        e = i32(e + t);
        s = ((b >>> 2) | (b << 30)) ^ ((b >>> 13) | (b << 19)) ^ ((b >>> 22) | (b << 10));
        a = i32(s + ((b & c) | (d & (b | c))) + t);
      }
      a = i32(a + this.h0);
      this.h0 = a;
      b = i32(b + this.h1);
      this.h1 = b;
      c = i32(c + this.h2);
      this.h2 = c;
      d = i32(d + this.h3);
      this.h3 = d;
      e = i32(e + this.h4);
      this.h4 = e;
      f = i32(f + this.h5);
      this.h5 = f;
      g = i32(g + this.h6);
      this.h6 = g;
      h = i32(h + this.h7);
      this.h7 = h;
      p += 64;
    }
  }
}
