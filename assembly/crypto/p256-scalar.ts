// Scalars modulo the P-256 group order n, for ECDSA verification: the range
// check on r and s, w = s^-1 mod n, u1 = e w and u2 = r w, and the width-w
// NAF recoding of u1 and u2 for the double-scalar multiplication.
//
// Scalars are 16 limbs of 16 bits, little-endian, in Int32Arrays. Products go
// through Montgomery multiplication (R = 2^256) with the column sums held in
// f64: a column collects at most 16 products of two 16-bit values per round
// plus the shifted rest, far below the 2^53 of exact f64 integers. Only a few
// hundred multiplications run per verification, so plain loops are enough.
// Everything here is public data, so none of it needs to be constant-time.

const P256_SC_RADIX: f64 = 65536.0;
const P256_SC_INV_RADIX: f64 = 1.0 / 65536.0;
/** -n^-1 mod 2^16, the Montgomery reduction factor. */
const P256_N_INV16: f64 = 48207.0;

// n = ffffffff 00000000 ffffffff ffffffff bce6faad a7179e84 f3b9cac2 fc632551,
// as 16-bit limbs, little-endian.
const p256OrderLimbs: i32[] = [
  9553, 64611, 51906, 62393, 40580, 42775, 64173, 48358, 65535, 65535, 65535, 65535, 0, 0, 65535, 65535,
];
// R^2 mod n: multiplying by it (Montgomery) takes a value into Montgomery form.
const p256OrderR2: i32[] = [
  61090, 48761, 19605, 33572, 28582, 18877, 31132, 18073, 60505, 11115, 45625, 10309, 22048, 62425, 11668, 26337,
];

const p256ScWide: Float64Array = new Float64Array(18);
const p256ScBase: Int32Array = new Int32Array(16);
const p256ScAcc: Int32Array = new Int32Array(16);
const p256ScTmp: Int32Array = new Int32Array(16);

/** Limbs of the 32-byte big-endian integer b[off..off+32). */
export function p256ScalarFromBytes(o: Int32Array, b: Uint8Array, off: i32): void {
  for (let i: i32 = 0; i < 16; i++) {
    unchecked((o[i] = (i32(unchecked(b[off + 30 - 2 * i])) << 8) | i32(unchecked(b[off + 31 - 2 * i]))));
  }
}

/** Whether the 32-byte big-endian integer b[off..off+32) is in [1, n - 1]. */
export function p256ScalarInRange(b: Uint8Array, off: i32): bool {
  let any: i32 = 0;
  for (let i: i32 = 0; i < 32; i++) any |= i32(unchecked(b[off + i]));
  if (any == 0) return false;
  for (let i: i32 = 15; i >= 0; i--) {
    const v: i32 = (i32(unchecked(b[off + 30 - 2 * i])) << 8) | i32(unchecked(b[off + 31 - 2 * i]));
    const q: i32 = unchecked(p256OrderLimbs[i]);
    if (v != q) return v < q;
  }
  return false;
}

/** Whether the 32-byte big-endian x + n is below 2^256 (so x + n is a candidate x-coordinate). */
export function p256ScalarPlusOrderFits(x: Uint8Array, off: i32): bool {
  let carry: i32 = 0;
  for (let i: i32 = 0; i < 16; i++) {
    const v: i32 = (i32(unchecked(x[off + 30 - 2 * i])) << 8) | i32(unchecked(x[off + 31 - 2 * i]));
    carry = (v + unchecked(p256OrderLimbs[i]) + carry) >> 16;
  }
  return carry == 0;
}

/** o = x + n as 32 big-endian bytes (the caller checked that it fits). */
export function p256ScalarPlusOrder(o: Uint8Array, oOff: i32, x: Uint8Array, off: i32): void {
  let carry: i32 = 0;
  for (let i: i32 = 0; i < 16; i++) {
    const v: i32 = (i32(unchecked(x[off + 30 - 2 * i])) << 8) | i32(unchecked(x[off + 31 - 2 * i]));
    const sum: i32 = v + unchecked(p256OrderLimbs[i]) + carry;
    unchecked((o[oOff + 30 - 2 * i] = u8(sum >> 8)));
    unchecked((o[oOff + 31 - 2 * i] = u8(sum)));
    carry = sum >> 16;
  }
}

/**
 * o = a b R^-1 mod n, fully reduced, for a < 2^256 and b < n (o may alias a
 * or b). Word-by-word Montgomery reduction: after each row the lowest column
 * is a multiple of 2^16 and the whole sum shifts down one limb.
 */
export function p256ScalarMontMul(o: Int32Array, a: Int32Array, b: Int32Array): void {
  const t = p256ScWide;
  for (let k: i32 = 0; k < 18; k++) unchecked((t[k] = 0.0));
  for (let i: i32 = 0; i < 16; i++) {
    const ai: f64 = <f64>unchecked(a[i]);
    for (let j: i32 = 0; j < 16; j++) unchecked((t[j] = t[j] + ai * <f64>unchecked(b[j])));
    const t0: f64 = unchecked(t[0]);
    const low: f64 = t0 - Math.floor(t0 * P256_SC_INV_RADIX) * P256_SC_RADIX;
    const m0: f64 = low * P256_N_INV16;
    const m: f64 = m0 - Math.floor(m0 * P256_SC_INV_RADIX) * P256_SC_RADIX;
    for (let j: i32 = 0; j < 16; j++) unchecked((t[j] = t[j] + m * <f64>unchecked(p256OrderLimbs[j])));
    const shifted: f64 = unchecked(t[0]) * P256_SC_INV_RADIX;
    for (let j: i32 = 0; j < 17; j++) unchecked((t[j] = t[j + 1]));
    unchecked((t[17] = 0.0));
    unchecked((t[0] = t[0] + shifted));
  }
  // The sum is below 2n < 2^257: carry it into 16-bit limbs and subtract n once if needed.
  let q: f64 = 0.0;
  for (let k: i32 = 0; k < 16; k++) {
    const v: f64 = unchecked(t[k]) + q;
    q = Math.floor(v * P256_SC_INV_RADIX);
    unchecked((o[k] = <i32>(v - q * P256_SC_RADIX)));
  }
  const top: i32 = <i32>(unchecked(t[16]) + q);
  const d = p256ScTmp;
  let borrow: i32 = 0;
  for (let k: i32 = 0; k < 16; k++) {
    const v: i32 = unchecked(o[k]) - unchecked(p256OrderLimbs[k]) - borrow;
    unchecked((d[k] = v & 0xffff));
    borrow = v < 0 ? 1 : 0;
  }
  if (top != 0 || borrow == 0) for (let k: i32 = 0; k < 16; k++) unchecked((o[k] = d[k]));
}

function p256ScalarLoad(o: Int32Array, src: i32[]): void {
  for (let k: i32 = 0; k < 16; k++) unchecked((o[k] = src[k]));
}

/**
 * From the hash e and the signature's r and s (32-byte big-endian each, r
 * and s already in [1, n - 1]): u1 = e / s and u2 = r / s mod n, as limbs.
 * 1 / s is s^(n-2) (Fermat), by square-and-multiply over the bits of n - 2 in
 * Montgomery form; a final Montgomery multiplication by e, or by r, leaves
 * the form again.
 */
export function p256ScalarsForVerify(
  u1: Int32Array, u2: Int32Array, e: Uint8Array, eOff: i32, r: Uint8Array, rOff: i32, s: Uint8Array, sOff: i32,
): void {
  const base = p256ScBase;
  const acc = p256ScAcc;
  p256ScalarFromBytes(base, s, sOff);
  p256ScalarLoad(p256ScTmp, p256OrderR2);
  p256ScalarMontMul(base, base, p256ScTmp);
  for (let k: i32 = 0; k < 16; k++) unchecked((acc[k] = base[k]));
  // n - 2: n with its lowest limb less 2 (0x2551 - 2, no borrow). Bit 255 is
  // set and starts the accumulator; then bits 254..0.
  for (let bit: i32 = 254; bit >= 0; bit--) {
    p256ScalarMontMul(acc, acc, acc);
    let limb: i32 = unchecked(p256OrderLimbs[bit >> 4]);
    if (bit >> 4 == 0) limb -= 2;
    if (((limb >> (bit & 15)) & 1) != 0) p256ScalarMontMul(acc, acc, base);
  }
  p256ScalarFromBytes(base, e, eOff);
  p256ScalarMontMul(u1, base, acc);
  p256ScalarFromBytes(base, r, rOff);
  p256ScalarMontMul(u2, base, acc);
}

/**
 * Width-w non-adjacent form (w in 2..8) of a scalar below 2^256 held as 16
 * limbs: naf[i] is 0 or odd with |naf[i]| < 2^(w-1), the scalar is
 * sum naf[i] 2^i over 257 positions, and non-zero digits are at least w apart.
 */
export function p256Wnaf(naf: Int8Array, k: Int32Array, w: i32): void {
  for (let i: i32 = 0; i < 257; i++) unchecked((naf[i] = 0));
  const width: i32 = 1 << w;
  const mask: u32 = u32(width - 1);
  let carry: i32 = 0;
  let pos: i32 = 0;
  while (pos < 257) {
    const limb = pos >> 4;
    let bits: u32 = limb < 16 ? u32(unchecked(k[limb])) : 0;
    if (limb < 15) bits |= u32(unchecked(k[limb + 1])) << 16;
    const window: i32 = carry + i32((bits >>> u32(pos & 15)) & mask);
    if ((window & 1) == 0) {
      // Even: this digit is 0 and any carry moves on with the next bit.
      pos++;
      continue;
    }
    if (window < width >> 1) {
      unchecked((naf[pos] = i8(window)));
      carry = 0;
    } else {
      unchecked((naf[pos] = i8(window - width)));
      carry = 1;
    }
    pos += w;
  }
}
