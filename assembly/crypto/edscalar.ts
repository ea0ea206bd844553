// Scalars modulo the Ed25519 group order L = 2^252 + delta
// (delta = 27742317777372353535851937790883648493, 125 bits): the range check
// on S, reduction of the 512-bit challenge hash, and width-w NAF recoding for
// the double-scalar multiplication. Everything here is public data, so none
// of it needs to be constant-time.

// L, little-endian.
const edOrder: u8[] = [
  0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
];

/** Whether the 32-byte little-endian integer b[off..off+32) is below L. */
export function edScalarBelowOrder(b: Uint8Array, off: i32): bool {
  for (let i: i32 = 31; i >= 0; i--) {
    const x = unchecked(b[off + i]);
    const l = unchecked(edOrder[i]);
    if (x != l) return x < l;
  }
  return false;
}

// Reduction works on 25 limbs of 21 bits held in f64 (252 = 12 x 21, so the
// limbs from index 12 up are exactly floor(x / 2^252)). One round replaces
// x = hi * 2^252 + lo by lo - hi * delta (congruent, since 2^252 = -delta
// mod L). From x < 2^512 the rounds give x in (-2^385, 2^252), [0, 2^259),
// (-2^132, 2^252), and then [0, 2^252 + delta) = [0, L): four rounds reach
// the canonical value exactly. Products are below 2^42 and a limb collects at
// most seven terms, far inside the 2^53 of exact f64 integers.
const ED_RED_LIMBS: i32 = 25;
const ED_RADIX: f64 = 2097152.0;
const ED_INV_RADIX: f64 = 1.0 / 2097152.0;
const edDelta: f64[] = [1430509, 1626855, 1442968, 997804, 1960495, 683900];
// Scratch of the scalar arithmetic in f64 limbs: edReduce512 uses its first
// ED_RED_LIMBS, crypto/edhalves.ts all of it. Neither runs inside the other,
// and one buffer costs Espruino fewer variables than two.
export const ED_SCALAR_SCRATCH: i32 = 34;
export const edScalarScratch: Float64Array = new Float64Array(ED_SCALAR_SCRATCH);

// Carry limbs 0..23 into [0, 2^21); limb 24 keeps the sign and the excess.
function edRedNormalize(): void {
  const x = edScalarScratch;
  let q: f64 = 0.0;
  for (let i: i32 = 0; i < ED_RED_LIMBS - 1; i++) {
    const v: f64 = unchecked(x[i]) + q;
    q = Math.floor(v * ED_INV_RADIX);
    unchecked((x[i] = v - q * ED_RADIX));
  }
  unchecked((x[ED_RED_LIMBS - 1] = x[ED_RED_LIMBS - 1] + q));
}

/** out[outOff..+32) = (64-byte little-endian h[hOff..+64)) mod L. */
export function edReduce512(out: Uint8Array, outOff: i32, h: Uint8Array, hOff: i32): void {
  const x = edScalarScratch;
  for (let i: i32 = 0; i < ED_RED_LIMBS; i++) {
    const bit = i * 21;
    let v: u32 = 0;
    for (let k: i32 = 3; k >= 0; k--) {
      const at = (bit >> 3) + k;
      v = u32(v << 8) | (at < 64 ? u32(unchecked(h[hOff + at])) : 0);
    }
    unchecked((x[i] = <f64>((v >>> u32(bit & 7)) & 0x1fffff)));
  }
  for (let round: i32 = 0; round < 4; round++) {
    edRedNormalize();
    // Folding limb i only touches limbs i - 12 .. i - 7, all below i, so
    // every limb is folded with its value from the start of the round.
    for (let i: i32 = 12; i < ED_RED_LIMBS; i++) {
      const hi: f64 = unchecked(x[i]);
      if (hi == 0.0) continue;
      unchecked((x[i] = 0.0));
      for (let j: i32 = 0; j < 6; j++) {
        unchecked((x[i - 12 + j] = x[i - 12 + j] - hi * edDelta[j]));
      }
    }
  }
  edRedNormalize();
  // Now 0 <= x < L < 2^253: limbs 0..12 hold it.
  for (let i: i32 = 0; i < 32; i++) unchecked((out[outOff + i] = 0));
  for (let i: i32 = 0; i < 13; i++) {
    const bit = i * 21;
    const v: u32 = u32(<i32>unchecked(x[i])) << u32(bit & 7);
    for (let k: i32 = 0; k < 4; k++) {
      const at = (bit >> 3) + k;
      if (at < 32) unchecked((out[outOff + at] = u8(out[outOff + at] | u8(v >>> u32(8 * k)))));
    }
  }
}

/**
 * Width-w non-adjacent form of the sLen-byte little-endian scalar
 * s[sOff..+sLen) (w in 2..8), into naf[nafOff..+8 sLen + 1): each digit is 0
 * or odd with |digit| < 2^(w-1), the scalar is sum naf[nafOff + i] 2^i, and
 * any two non-zero digits are at least w positions apart. A negative digit
 * at i needs a bit at i + w - 1 or above, so the carry it leaves lands at
 * 8 sLen at the latest: 8 sLen + 1 digits always suffice.
 */
export function edWnaf(naf: Int8Array, nafOff: i32, s: Uint8Array, sOff: i32, sLen: i32, w: i32): void {
  const end: i32 = 8 * sLen + 1;
  // Natively in the JS builds (a loop there is read again at every turn).
  naf.fill(0, nafOff, nafOff + end);
  const width: i32 = 1 << w;
  const mask: u32 = u32(width - 1);
  let carry: i32 = 0;
  let pos: i32 = 0;
  while (pos < end) {
    const k = pos >> 3;
    let bits: u32 = k < sLen ? u32(unchecked(s[sOff + k])) : 0;
    if (k + 1 < sLen) bits |= u32(unchecked(s[sOff + k + 1])) << 8;
    const window: i32 = carry + i32((bits >>> u32(pos & 7)) & mask);
    if ((window & 1) == 0) {
      // Even: this digit is 0 and any carry moves on with the next bit.
      pos++;
      continue;
    }
    if (window < width >> 1) {
      unchecked((naf[nafOff + pos] = i8(window)));
      carry = 0;
    } else {
      unchecked((naf[nafOff + pos] = i8(window - width)));
      carry = 1;
    }
    pos += w;
  }
}
