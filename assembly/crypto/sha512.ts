// SHA-512 (FIPS 180-4) for the portable core: every 64-bit word is a pair of
// u32 halves (hi, lo), additions carry by hand, and rotations combine halves.
// Used by Ed25519 verification (the challenge hash H(R || A || M)).

// Round constants as (hi, lo) pairs: first 64 bits of the fractional parts of
// the cube roots of the first 80 primes.
const sha512K: u32[] = [
  0x428a2f98, 0xd728ae22, 0x71374491, 0x23ef65cd, 0xb5c0fbcf, 0xec4d3b2f, 0xe9b5dba5, 0x8189dbbc,
  0x3956c25b, 0xf348b538, 0x59f111f1, 0xb605d019, 0x923f82a4, 0xaf194f9b, 0xab1c5ed5, 0xda6d8118,
  0xd807aa98, 0xa3030242, 0x12835b01, 0x45706fbe, 0x243185be, 0x4ee4b28c, 0x550c7dc3, 0xd5ffb4e2,
  0x72be5d74, 0xf27b896f, 0x80deb1fe, 0x3b1696b1, 0x9bdc06a7, 0x25c71235, 0xc19bf174, 0xcf692694,
  0xe49b69c1, 0x9ef14ad2, 0xefbe4786, 0x384f25e3, 0x0fc19dc6, 0x8b8cd5b5, 0x240ca1cc, 0x77ac9c65,
  0x2de92c6f, 0x592b0275, 0x4a7484aa, 0x6ea6e483, 0x5cb0a9dc, 0xbd41fbd4, 0x76f988da, 0x831153b5,
  0x983e5152, 0xee66dfab, 0xa831c66d, 0x2db43210, 0xb00327c8, 0x98fb213f, 0xbf597fc7, 0xbeef0ee4,
  0xc6e00bf3, 0x3da88fc2, 0xd5a79147, 0x930aa725, 0x06ca6351, 0xe003826f, 0x14292967, 0x0a0e6e70,
  0x27b70a85, 0x46d22ffc, 0x2e1b2138, 0x5c26c926, 0x4d2c6dfc, 0x5ac42aed, 0x53380d13, 0x9d95b3df,
  0x650a7354, 0x8baf63de, 0x766a0abb, 0x3c77b2a8, 0x81c2c92e, 0x47edaee6, 0x92722c85, 0x1482353b,
  0xa2bfe8a1, 0x4cf10364, 0xa81a664b, 0xbc423001, 0xc24b8b70, 0xd0f89791, 0xc76c51a3, 0x0654be30,
  0xd192e819, 0xd6ef5218, 0xd6990624, 0x5565a910, 0xf40e3585, 0x5771202a, 0x106aa070, 0x32bbd1b8,
  0x19a4c116, 0xb8d2d0c8, 0x1e376c08, 0x5141ab53, 0x2748774c, 0xdf8eeb99, 0x34b0bcb5, 0xe19b48a8,
  0x391c0cb3, 0xc5c95a63, 0x4ed8aa4a, 0xe3418acb, 0x5b9cca4f, 0x7763e373, 0x682e6ff3, 0xd6b2b8a3,
  0x748f82ee, 0x5defb2fc, 0x78a5636f, 0x43172f60, 0x84c87814, 0xa1f0ab72, 0x8cc70208, 0x1a6439ec,
  0x90befffa, 0x23631e28, 0xa4506ceb, 0xde82bde9, 0xbef9a3f7, 0xb2c67915, 0xc67178f2, 0xe372532b,
  0xca273ece, 0xea26619c, 0xd186b8c7, 0x21c0c207, 0xeada7dd6, 0xcde0eb1e, 0xf57d4f7f, 0xee6ed178,
  0x06f067aa, 0x72176fba, 0x0a637dc5, 0xa2c898a6, 0x113f9804, 0xbef90dae, 0x1b710b35, 0x131c471b,
  0x28db77f5, 0x23047d84, 0x32caab7b, 0x40c72493, 0x3c9ebe0a, 0x15c9bebc, 0x431d67c4, 0x9c100d4c,
  0x4cc5d4be, 0xcb3e42b6, 0x597f299c, 0xfc657e2a, 0x5fcb6fab, 0x3ad6faec, 0x6c44198c, 0x4a475817,
];

// The 80-word message schedule kept as a rolling window of 16 words
// (hi, lo interleaved); shared by all instances, used only inside compress.
const sha512W: Uint32Array = new Uint32Array(32);

export const SHA512_BLOCK: i32 = 128;
export const SHA512_DIGEST: i32 = 64;

function sha512PutBE(b: Uint8Array, off: i32, v: u32): void {
  unchecked((b[off] = u8(v >>> 24)));
  unchecked((b[off + 1] = u8(v >>> 16)));
  unchecked((b[off + 2] = u8(v >>> 8)));
  unchecked((b[off + 3] = u8(v)));
}

function sha512GetBE(b: Uint8Array, off: i32): u32 {
  return u32(
    (u32(unchecked(b[off])) << 24) |
      (u32(unchecked(b[off + 1])) << 16) |
      (u32(unchecked(b[off + 2])) << 8) |
      u32(unchecked(b[off + 3])),
  );
}

export class Sha512 {
  /** Chaining state H0..H7 as (hi, lo) halves. */
  ah: u32 = 0;
  al: u32 = 0;
  bh: u32 = 0;
  bl: u32 = 0;
  ch: u32 = 0;
  cl: u32 = 0;
  dh: u32 = 0;
  dl: u32 = 0;
  eh: u32 = 0;
  el: u32 = 0;
  fh: u32 = 0;
  fl: u32 = 0;
  gh: u32 = 0;
  gl: u32 = 0;
  hh: u32 = 0;
  hl: u32 = 0;
  block: Uint8Array = new Uint8Array(SHA512_BLOCK);
  used: i32 = 0;
  /** Total message bytes so far, as a 64-bit count (hi, lo). */
  countLo: u32 = 0;
  countHi: u32 = 0;

  constructor() {
    this.reset();
  }

  reset(): void {
    this.ah = 0x6a09e667;
    this.al = 0xf3bcc908;
    this.bh = 0xbb67ae85;
    this.bl = 0x84caa73b;
    this.ch = 0x3c6ef372;
    this.cl = 0xfe94f82b;
    this.dh = 0xa54ff53a;
    this.dl = 0x5f1d36f1;
    this.eh = 0x510e527f;
    this.el = 0xade682d1;
    this.fh = 0x9b05688c;
    this.fl = 0x2b3e6c1f;
    this.gh = 0x1f83d9ab;
    this.gl = 0xfb41bd6b;
    this.hh = 0x5be0cd19;
    this.hl = 0x137e2179;
    this.used = 0;
    this.countLo = 0;
    this.countHi = 0;
  }

  update(buf: Uint8Array, off: i32, len: i32): void {
    const lo = u32(this.countLo + u32(len));
    if (lo < this.countLo) this.countHi = u32(this.countHi + 1);
    this.countLo = lo;
    const block = this.block;
    let i: i32 = 0;
    while (i < len) {
      if (this.used == 0 && len - i >= SHA512_BLOCK) {
        this.compress(buf, off + i);
        i += SHA512_BLOCK;
        continue;
      }
      unchecked((block[this.used] = buf[off + i]));
      this.used++;
      i++;
      if (this.used == SHA512_BLOCK) {
        this.compress(block, 0);
        this.used = 0;
      }
    }
  }

  /** Pad, write the 64-byte digest to out[outOff..], and reset. */
  finish(out: Uint8Array, outOff: i32): void {
    const block = this.block;
    // Bit length = byte count * 8, as a 128-bit big-endian field.
    const bitsHi: u32 = u32(u32(this.countHi << 3) | (this.countLo >>> 29));
    const bitsLo: u32 = u32(this.countLo << 3);
    unchecked((block[this.used] = 0x80));
    this.used++;
    if (this.used > SHA512_BLOCK - 16) {
      while (this.used < SHA512_BLOCK) {
        unchecked((block[this.used] = 0));
        this.used++;
      }
      this.compress(block, 0);
      this.used = 0;
    }
    while (this.used < SHA512_BLOCK - 8) {
      unchecked((block[this.used] = 0));
      this.used++;
    }
    sha512PutBE(block, SHA512_BLOCK - 8, bitsHi);
    sha512PutBE(block, SHA512_BLOCK - 4, bitsLo);
    this.compress(block, 0);
    sha512PutBE(out, outOff + 0, this.ah);
    sha512PutBE(out, outOff + 4, this.al);
    sha512PutBE(out, outOff + 8, this.bh);
    sha512PutBE(out, outOff + 12, this.bl);
    sha512PutBE(out, outOff + 16, this.ch);
    sha512PutBE(out, outOff + 20, this.cl);
    sha512PutBE(out, outOff + 24, this.dh);
    sha512PutBE(out, outOff + 28, this.dl);
    sha512PutBE(out, outOff + 32, this.eh);
    sha512PutBE(out, outOff + 36, this.el);
    sha512PutBE(out, outOff + 40, this.fh);
    sha512PutBE(out, outOff + 44, this.fl);
    sha512PutBE(out, outOff + 48, this.gh);
    sha512PutBE(out, outOff + 52, this.gl);
    sha512PutBE(out, outOff + 56, this.hh);
    sha512PutBE(out, outOff + 60, this.hl);
    this.reset();
  }

  /** One 128-byte block buf[off..off+128) into the state. */
  compress(buf: Uint8Array, off: i32): void {
    const w = sha512W;
    let ah = this.ah;
    let al = this.al;
    let bh = this.bh;
    let bl = this.bl;
    let ch = this.ch;
    let cl = this.cl;
    let dh = this.dh;
    let dl = this.dl;
    let eh = this.eh;
    let el = this.el;
    let fh = this.fh;
    let fl = this.fl;
    let gh = this.gh;
    let gl = this.gl;
    let hh = this.hh;
    let hl = this.hl;
    for (let t: i32 = 0; t < 80; t++) {
      const j = (t & 15) << 1;
      let wh: u32;
      let wl: u32;
      if (t < 16) {
        wh = sha512GetBE(buf, off + 8 * t);
        wl = sha512GetBE(buf, off + 8 * t + 4);
      } else {
        // W[t] = s1(W[t-2]) + W[t-7] + s0(W[t-15]) + W[t-16]; W[t-16] is in slot j.
        const j2 = ((t - 2) & 15) << 1;
        const j7 = ((t - 7) & 15) << 1;
        const j15 = ((t - 15) & 15) << 1;
        const xh = unchecked(w[j2]);
        const xl = unchecked(w[j2 + 1]);
        // s1 = rotr19 ^ rotr61 ^ shr6
        const s1h: u32 = u32((xh >>> 19) ^ (xl << 13) ^ (xl >>> 29) ^ (xh << 3) ^ (xh >>> 6));
        const s1l: u32 = u32((xl >>> 19) ^ (xh << 13) ^ (xh >>> 29) ^ (xl << 3) ^ (xl >>> 6) ^ (xh << 26));
        const yh = unchecked(w[j15]);
        const yl = unchecked(w[j15 + 1]);
        // s0 = rotr1 ^ rotr8 ^ shr7
        const s0h: u32 = u32((yh >>> 1) ^ (yl << 31) ^ (yh >>> 8) ^ (yl << 24) ^ (yh >>> 7));
        const s0l: u32 = u32((yl >>> 1) ^ (yh << 31) ^ (yl >>> 8) ^ (yh << 24) ^ (yl >>> 7) ^ (yh << 25));
        wl = u32(s1l + unchecked(w[j7 + 1]));
        wh = u32(s1h + unchecked(w[j7]) + u32(wl < s1l));
        let nl = u32(wl + s0l);
        wh = u32(wh + s0h + u32(nl < wl));
        wl = nl;
        const ol = unchecked(w[j + 1]);
        nl = u32(wl + ol);
        wh = u32(wh + unchecked(w[j]) + u32(nl < wl));
        wl = nl;
      }
      unchecked((w[j] = wh));
      unchecked((w[j + 1] = wl));

      // T1 = h + S1(e) + Ch(e, f, g) + K[t] + W[t]
      const S1h: u32 = u32(
        ((eh >>> 14) | (el << 18)) ^ ((eh >>> 18) | (el << 14)) ^ ((el >>> 9) | (eh << 23)),
      );
      const S1l: u32 = u32(
        ((el >>> 14) | (eh << 18)) ^ ((el >>> 18) | (eh << 14)) ^ ((eh >>> 9) | (el << 23)),
      );
      const chh: u32 = u32((eh & fh) ^ (~eh & gh));
      const chl: u32 = u32((el & fl) ^ (~el & gl));
      let t1l = u32(hl + S1l);
      let t1h = u32(hh + S1h + u32(t1l < hl));
      let nl = u32(t1l + chl);
      t1h = u32(t1h + chh + u32(nl < t1l));
      t1l = nl;
      const kl = unchecked(sha512K[2 * t + 1]);
      nl = u32(t1l + kl);
      t1h = u32(t1h + unchecked(sha512K[2 * t]) + u32(nl < t1l));
      t1l = nl;
      nl = u32(t1l + wl);
      t1h = u32(t1h + wh + u32(nl < t1l));
      t1l = nl;

      // T2 = S0(a) + Maj(a, b, c)
      const S0h: u32 = u32(
        ((ah >>> 28) | (al << 4)) ^ ((al >>> 2) | (ah << 30)) ^ ((al >>> 7) | (ah << 25)),
      );
      const S0l: u32 = u32(
        ((al >>> 28) | (ah << 4)) ^ ((ah >>> 2) | (al << 30)) ^ ((ah >>> 7) | (al << 25)),
      );
      const mjh: u32 = u32((ah & bh) ^ (ah & ch) ^ (bh & ch));
      const mjl: u32 = u32((al & bl) ^ (al & cl) ^ (bl & cl));
      const t2l = u32(S0l + mjl);
      const t2h = u32(S0h + mjh + u32(t2l < S0l));

      hh = gh;
      hl = gl;
      gh = fh;
      gl = fl;
      fh = eh;
      fl = el;
      el = u32(dl + t1l);
      eh = u32(dh + t1h + u32(el < dl));
      dh = ch;
      dl = cl;
      ch = bh;
      cl = bl;
      bh = ah;
      bl = al;
      al = u32(t1l + t2l);
      ah = u32(t1h + t2h + u32(al < t1l));
    }
    const al2 = u32(this.al + al);
    this.ah = u32(this.ah + ah + u32(al2 < al));
    this.al = al2;
    const bl2 = u32(this.bl + bl);
    this.bh = u32(this.bh + bh + u32(bl2 < bl));
    this.bl = bl2;
    const cl2 = u32(this.cl + cl);
    this.ch = u32(this.ch + ch + u32(cl2 < cl));
    this.cl = cl2;
    const dl2 = u32(this.dl + dl);
    this.dh = u32(this.dh + dh + u32(dl2 < dl));
    this.dl = dl2;
    const el2 = u32(this.el + el);
    this.eh = u32(this.eh + eh + u32(el2 < el));
    this.el = el2;
    const fl2 = u32(this.fl + fl);
    this.fh = u32(this.fh + fh + u32(fl2 < fl));
    this.fl = fl2;
    const gl2 = u32(this.gl + gl);
    this.gh = u32(this.gh + gh + u32(gl2 < gl));
    this.gl = gl2;
    const hl2 = u32(this.hl + hl);
    this.hh = u32(this.hh + hh + u32(hl2 < hl));
    this.hl = hl2;
  }
}
