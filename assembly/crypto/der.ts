// Strict DER of an ECDSA signature, the ASN.1 SEQUENCE { r INTEGER, s INTEGER }
// that imgtool writes in its ECDSA_SIG entry (and X.509, TLS, Wycheproof
// use). Strict means the one encoding DER allows: short-form lengths (the
// whole signature is at most 72 bytes), lengths that match exactly with no
// trailing bytes, and minimal non-negative integers (no leading zero byte
// unless the next byte has its top bit set). BER variants (long-form
// lengths, padded or negative integers) are refused: a signature has one
// valid encoding, so it cannot be re-encoded into a second valid one.

/** The largest DER signature of two integers below 2^256. */
export const DER_SIGNATURE_MAX: i32 = 72;

// One INTEGER at b[at..end) into out[outOff..outOff+32) (big-endian, left-
// padded with zeros); the position after it, or -1.
function derReadInteger(b: Uint8Array, at: i32, end: i32, out: Uint8Array, outOff: i32): i32 {
  if (at + 2 > end || unchecked(b[at]) != 0x02) return -1;
  const len: i32 = i32(unchecked(b[at + 1]));
  const start = at + 2;
  if (len == 0 || len > 33 || start + len > end) return -1;
  const first: i32 = i32(unchecked(b[start]));
  if ((first & 0x80) != 0) return -1; // negative
  if (first == 0 && len > 1 && (i32(unchecked(b[start + 1])) & 0x80) == 0) return -1; // not minimal
  let from = start;
  let count = len;
  if (len == 33) {
    // 33 bytes only with the sign byte in front of a 256-bit value.
    if (first != 0) return -1;
    from++;
    count--;
  }
  for (let i: i32 = 0; i < 32 - count; i++) unchecked((out[outOff + i] = 0));
  for (let i: i32 = 0; i < count; i++) unchecked((out[outOff + 32 - count + i] = b[from + i]));
  return start + len;
}

/**
 * Decode the DER signature b[off..off+len) into r || s (64 bytes, big-endian)
 * at out[outOff..). False when it is not strict DER.
 */
export function derSignatureToRaw(b: Uint8Array, off: i32, len: i32, out: Uint8Array, outOff: i32): bool {
  if (len < 8 || len > DER_SIGNATURE_MAX) return false;
  if (unchecked(b[off]) != 0x30) return false;
  const body: i32 = i32(unchecked(b[off + 1]));
  if ((body & 0x80) != 0 || body + 2 != len) return false;
  const end = off + len;
  const afterR = derReadInteger(b, off + 2, end, out, outOff);
  if (afterR < 0) return false;
  const afterS = derReadInteger(b, afterR, end, out, outOff + 32);
  return afterS == end;
}
