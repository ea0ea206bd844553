// AES-128 and AES-256 block encryption (FIPS-197) with the key schedule:
// the cipher under AES-CTR (aes-ctr.ts). Only the forward cipher: CTR mode
// never runs AES backwards.
//
// State and round keys are 32-bit big-endian words. One round is one lookup
// per byte in a single 1 KiB table T0 (SubBytes and MixColumns of a column
// folded together), rotated for the other three row positions instead of
// three more tables: 1.25 KiB of tables in all, small for Espruino. The tables
// are computed, not stored, and only on the first key set (aesTablesBuild):
// a device that never meets an encrypted update never fills them.
//
// Table lookups indexed by secret bytes: like every table-based AES this is
// not constant-time against an attacker who can time the cache. The keys it
// protects here are per-image keys, used on the device only while it installs.
import { OK, E_BAD_ARGUMENT } from "../common/status";

const aesSbox: Uint8Array = new Uint8Array(256);
const aesT0: Int32Array = new Int32Array(256);
let aesTablesReady: bool = false;

/** x * 2 in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1. */
function aesTimes2(v: i32): i32 {
  return ((v << 1) ^ ((v >> 7) * 0x1b)) & 0xff;
}

function aesRotl8(v: i32, n: i32): i32 {
  return ((v << n) | (v >> (8 - n))) & 0xff;
}

/**
 * S-box: walk the multiplicative group with generator 3 (p) and its inverse
 * (q = 1/p, stepped by dividing by 3), so S[p] = affine(q) = affine(1/p).
 */
function aesTablesBuild(): void {
  let p: i32 = 1;
  let q: i32 = 1;
  let more: bool = true;
  while (more) {
    p = p ^ aesTimes2(p);
    q ^= q << 1;
    q ^= q << 2;
    q ^= q << 4;
    q &= 0xff;
    if ((q & 0x80) != 0) q ^= 0x09;
    unchecked((aesSbox[p] = u8(q ^ aesRotl8(q, 1) ^ aesRotl8(q, 2) ^ aesRotl8(q, 3) ^ aesRotl8(q, 4) ^ 0x63)));
    more = p != 1;
  }
  unchecked((aesSbox[0] = 0x63));
  for (let x: i32 = 0; x < 256; x++) {
    const s: i32 = i32(unchecked(aesSbox[x]));
    const s2: i32 = aesTimes2(s);
    unchecked((aesT0[x] = (s2 << 24) | (s << 16) | (s << 8) | (s2 ^ s)));
  }
  aesTablesReady = true;
}

function aesSubWord(w: i32): i32 {
  return (i32(unchecked(aesSbox[(w >>> 24) & 0xff])) << 24) | (i32(unchecked(aesSbox[(w >>> 16) & 0xff])) << 16) |
    (i32(unchecked(aesSbox[(w >>> 8) & 0xff])) << 8) | i32(unchecked(aesSbox[w & 0xff]));
}

function aesGetBE(b: Uint8Array, off: i32): i32 {
  return (i32(unchecked(b[off])) << 24) | (i32(unchecked(b[off + 1])) << 16) | (i32(unchecked(b[off + 2])) << 8) |
    i32(unchecked(b[off + 3]));
}

function aesPutBE(b: Uint8Array, off: i32, v: i32): void {
  unchecked((b[off] = u8(v >>> 24)));
  unchecked((b[off + 1] = u8(v >>> 16)));
  unchecked((b[off + 2] = u8(v >>> 8)));
  unchecked((b[off + 3] = u8(v)));
}

export class Aes {
  /** Round keys: 4 words per round, 15 rounds' worth for AES-256. */
  roundKeys: Int32Array;
  rounds: i32;
  /** The last block encryptState() produced. */
  out0: i32;
  out1: i32;
  out2: i32;
  out3: i32;

  constructor() {
    this.roundKeys = new Int32Array(60);
    this.rounds = 0;
    this.out0 = 0;
    this.out1 = 0;
    this.out2 = 0;
    this.out3 = 0;
  }

  /** Expand a 16- or 32-byte key at key[off..); E_BAD_ARGUMENT for another length. */
  setKey(key: Uint8Array, off: i32, len: i32): i32 {
    if (len != 16 && len != 32) return E_BAD_ARGUMENT;
    if (off < 0 || off > key.length - len) return E_BAD_ARGUMENT;
    if (!aesTablesReady) aesTablesBuild();
    const nk: i32 = len >> 2;
    const rk = this.roundKeys;
    this.rounds = nk + 6;
    const total: i32 = (this.rounds + 1) << 2;
    for (let i: i32 = 0; i < nk; i++) unchecked((rk[i] = aesGetBE(key, off + (i << 2))));
    let rcon: i32 = 1;
    for (let i: i32 = nk; i < total; i++) {
      let t: i32 = unchecked(rk[i - 1]);
      if (i % nk == 0) {
        t = aesSubWord((t << 8) | (t >>> 24)) ^ (rcon << 24);
        rcon = aesTimes2(rcon);
      } else if (nk == 8 && i % nk == 4) {
        t = aesSubWord(t);
      }
      unchecked((rk[i] = unchecked(rk[i - nk]) ^ t));
    }
    return OK;
  }

  /** Encrypt the block of words s0..s3 (big-endian) into out0..out3. */
  encryptState(s0: i32, s1: i32, s2: i32, s3: i32): void {
    const rk = this.roundKeys;
    const t = aesT0;
    let a0: i32 = s0 ^ unchecked(rk[0]);
    let a1: i32 = s1 ^ unchecked(rk[1]);
    let a2: i32 = s2 ^ unchecked(rk[2]);
    let a3: i32 = s3 ^ unchecked(rk[3]);
    let k: i32 = 4;
    let v0: i32 = 0, v1: i32 = 0, v2: i32 = 0, v3: i32 = 0;
    let x: i32 = 0, y: i32 = 0, z: i32 = 0;
    for (let r: i32 = 1; r < this.rounds; r++) {
      // Column c takes row 0 from column c, row 1 from c+1, row 2 from c+2,
      // row 3 from c+3 (ShiftRows); T1..T3 are T0 rotated right by 8, 16, 24.
      x = unchecked(t[(a1 >>> 16) & 0xff]);
      y = unchecked(t[(a2 >>> 8) & 0xff]);
      z = unchecked(t[a3 & 0xff]);
      v0 = unchecked(t[a0 >>> 24]) ^ ((x >>> 8) | (x << 24)) ^ ((y >>> 16) | (y << 16)) ^ ((z >>> 24) | (z << 8)) ^ unchecked(rk[k]);
      x = unchecked(t[(a2 >>> 16) & 0xff]);
      y = unchecked(t[(a3 >>> 8) & 0xff]);
      z = unchecked(t[a0 & 0xff]);
      v1 = unchecked(t[a1 >>> 24]) ^ ((x >>> 8) | (x << 24)) ^ ((y >>> 16) | (y << 16)) ^ ((z >>> 24) | (z << 8)) ^ unchecked(rk[k + 1]);
      x = unchecked(t[(a3 >>> 16) & 0xff]);
      y = unchecked(t[(a0 >>> 8) & 0xff]);
      z = unchecked(t[a1 & 0xff]);
      v2 = unchecked(t[a2 >>> 24]) ^ ((x >>> 8) | (x << 24)) ^ ((y >>> 16) | (y << 16)) ^ ((z >>> 24) | (z << 8)) ^ unchecked(rk[k + 2]);
      x = unchecked(t[(a0 >>> 16) & 0xff]);
      y = unchecked(t[(a1 >>> 8) & 0xff]);
      z = unchecked(t[a2 & 0xff]);
      v3 = unchecked(t[a3 >>> 24]) ^ ((x >>> 8) | (x << 24)) ^ ((y >>> 16) | (y << 16)) ^ ((z >>> 24) | (z << 8)) ^ unchecked(rk[k + 3]);
      a0 = v0;
      a1 = v1;
      a2 = v2;
      a3 = v3;
      k += 4;
    }
    // Last round: SubBytes and ShiftRows only.
    const sb = aesSbox;
    this.out0 = ((i32(unchecked(sb[a0 >>> 24])) << 24) | (i32(unchecked(sb[(a1 >>> 16) & 0xff])) << 16) |
      (i32(unchecked(sb[(a2 >>> 8) & 0xff])) << 8) | i32(unchecked(sb[a3 & 0xff]))) ^ unchecked(rk[k]);
    this.out1 = ((i32(unchecked(sb[a1 >>> 24])) << 24) | (i32(unchecked(sb[(a2 >>> 16) & 0xff])) << 16) |
      (i32(unchecked(sb[(a3 >>> 8) & 0xff])) << 8) | i32(unchecked(sb[a0 & 0xff]))) ^ unchecked(rk[k + 1]);
    this.out2 = ((i32(unchecked(sb[a2 >>> 24])) << 24) | (i32(unchecked(sb[(a3 >>> 16) & 0xff])) << 16) |
      (i32(unchecked(sb[(a0 >>> 8) & 0xff])) << 8) | i32(unchecked(sb[a1 & 0xff]))) ^ unchecked(rk[k + 2]);
    this.out3 = ((i32(unchecked(sb[a3 >>> 24])) << 24) | (i32(unchecked(sb[(a0 >>> 16) & 0xff])) << 16) |
      (i32(unchecked(sb[(a1 >>> 8) & 0xff])) << 8) | i32(unchecked(sb[a2 & 0xff]))) ^ unchecked(rk[k + 3]);
  }

  /** out[outOff..+16) = AES(key, input[inOff..+16)); the arrays may be the same. */
  encryptBlock(input: Uint8Array, inOff: i32, out: Uint8Array, outOff: i32): void {
    this.encryptState(aesGetBE(input, inOff), aesGetBE(input, inOff + 4), aesGetBE(input, inOff + 8), aesGetBE(input, inOff + 12));
    aesPutBE(out, outOff, this.out0);
    aesPutBE(out, outOff + 4, this.out1);
    aesPutBE(out, outOff + 8, this.out2);
    aesPutBE(out, outOff + 12, this.out3);
  }
}
