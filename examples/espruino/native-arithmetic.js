// Espruino's native arithmetic for the update core's optional host calls
// (docs/porting.md): `fieldMultiply` (the Ed25519 field multiply, over
// E.convolve), `fieldAdd` and `fieldSubtract` (its limb additions, run from
// RAM), `crc32` (the log records, the resume log's slot check and the
// logs' blank check after an erase, over E.CRC32) and `sha512` (the Ed25519
// challenge hash, over require("crypto").SHA512 where the build has it). Save as the
// Storage module "slotboot-native-arithmetic"; the update task attaches them
// to the flash driver while the update core runs.
//
// The field multiply. An element is 15 limbs of 17 bits (Int32Array), and
// a * b mod 2^255 - 19 has columns c_i = sum over k of a_k * w(i - k), where
// w(m) = b_m for m >= 0 and 19 * b_(m+15) for m < 0 (2^255 = 19 mod p). With
// y = [b_14, ..., b_0, 19 b_14, ..., 19 b_1] (y_t = w(14 - t)), column i is
// the dot product of a with y from offset 14 - i: E.convolve(a, y, 14 - i),
// one native call instead of 15 interpreted products. The carries are the
// core's (crypto/fe25519.ts), in the same order, so the limbs are exactly
// feMul's; every column is an integer below 2^51 (limbs below 2^21), exact in
// the doubles E.convolve adds in. test/engines/espruino.test.ts checks the
// limbs against the core's own multiply inside Espruino.
//
// Why eval: code loaded from Storage stays in flash and Espruino reads it
// again at every call and loop turn (about 4x slower on the Linux build, and
// on boards whose Storage is external SPI flash). The multiply is short, so
// a copy in RAM costs about 80 variables and runs at RAM speed. The columns
// and the 19-fold limbs are written out (no loop to turn, which halves their
// time for a few variables of code), and the natives it calls are held in
// closure variables (a lookup of Math.floor by name is a tenth of a column's
// time).
function multiplier() {
  var x = new Int32Array(15), y = new Int32Array(30), reversed = new Int32Array(y.buffer, 0, 15), V = E.convolve, F = Math.floor;
  return function (o, a, b) {
    var v, q = 0;
    x.set(a); reversed.set(b); reversed.reverse();
    y[15] = 19 * y[0]; y[16] = 19 * y[1]; y[17] = 19 * y[2]; y[18] = 19 * y[3]; y[19] = 19 * y[4]; y[20] = 19 * y[5]; y[21] = 19 * y[6];
    y[22] = 19 * y[7]; y[23] = 19 * y[8]; y[24] = 19 * y[9]; y[25] = 19 * y[10]; y[26] = 19 * y[11]; y[27] = 19 * y[12]; y[28] = 19 * y[13];
    v = V(x, y, 14) + q; q = F(v / 131072); o[0] = v - q * 131072;
    v = V(x, y, 13) + q; q = F(v / 131072); o[1] = v - q * 131072;
    v = V(x, y, 12) + q; q = F(v / 131072); o[2] = v - q * 131072;
    v = V(x, y, 11) + q; q = F(v / 131072); o[3] = v - q * 131072;
    v = V(x, y, 10) + q; q = F(v / 131072); o[4] = v - q * 131072;
    v = V(x, y, 9) + q; q = F(v / 131072); o[5] = v - q * 131072;
    v = V(x, y, 8) + q; q = F(v / 131072); o[6] = v - q * 131072;
    v = V(x, y, 7) + q; q = F(v / 131072); o[7] = v - q * 131072;
    v = V(x, y, 6) + q; q = F(v / 131072); o[8] = v - q * 131072;
    v = V(x, y, 5) + q; q = F(v / 131072); o[9] = v - q * 131072;
    v = V(x, y, 4) + q; q = F(v / 131072); o[10] = v - q * 131072;
    v = V(x, y, 3) + q; q = F(v / 131072); o[11] = v - q * 131072;
    v = V(x, y, 2) + q; q = F(v / 131072); o[12] = v - q * 131072;
    v = V(x, y, 1) + q; q = F(v / 131072); o[13] = v - q * 131072;
    v = V(x, y, 0) + q; q = F(v / 131072); o[14] = v - q * 131072;
    v = o[0] + 19 * q; q = F(v / 131072); o[0] = v - q * 131072;
    v = o[1] + q; q = F(v / 131072); o[1] = v - q * 131072; o[2] += q;
    return 0;
  };
}

// The limb additions: the core's own are read from flash at every call (15
// lines each, about 2,200 calls per verification); these run from RAM, as a
// loop (12 variables each; written out, 20, for a fifth less time).
function add(o, a, b) {
  var i = 15;
  while (i--) o[i] = a[i] + b[i];
  return 0;
}

function subtract(o, a, b) {
  var i = 15;
  while (i--) o[i] = a[i] - b[i];
  return 0;
}

/**
 * A RAM copy of the function `f` (one of those above). A function kept in
 * RAM costs variables for its text, so the spaces around punctuation are
 * left out of the copy (5 of the multiply's 113 variables). These functions
 * hold no strings, regular expressions or comments, and no two operators
 * that a dropped space would join.
 */
function inRam(f) {
  return eval("(" + String(f).replace(/\s*([^\w$\s])\s*/g, "$1") + ")");
}

/** A new fieldMultiply(o, a, b) host call (o may be a or b; a and b are copied first). */
function fieldMultiply() {
  return inRam(multiplier)();
}

/** New fieldAdd(o, a, b) and fieldSubtract(o, a, b) host calls (o may be a or b). */
function fieldAdd() {
  return inRam(add);
}

function fieldSubtract() {
  return inRam(subtract);
}

/**
 * The crc32(buf, off, len) host call: E.CRC32 is the IEEE CRC-32 the core
 * computes (0xCBF43926 for "123456789"). Espruino takes a view of length 0
 * as one to the end of the buffer: the CRC-32 of nothing is 0.
 */
function crc32(buf, off, len) {
  return len > 0 ? E.CRC32(new Uint8Array(buf.buffer, buf.byteOffset + off, len)) : 0;
}

/**
 * The sha512(buf, off, len, out, outOff) host call over the native one-shot
 * require("crypto").SHA512; -1 (the core hashes itself) on a build without
 * it. The core gathers the signed message for it: an interpreted SHA-512
 * block costs tens of milliseconds, and a signature check has one to four.
 */
function sha512(buf, off, len, out, outOff) {
  var digest;
  // Declined for len 0 (Espruino would take the view to the end of the
  // buffer), and where the build has no SHA-512 or it gives no 64 bytes
  // (it prints an error and returns undefined when memory is short): the
  // core must never be told "done" without the digest written.
  try { digest = len > 0 ? require("crypto").SHA512(new Uint8Array(buf.buffer, buf.byteOffset + off, len)) : null; } catch (e) { return -1; }
  if (!digest || digest.byteLength !== 64) return -1;
  out.set(new Uint8Array(digest), outOff);
  return 0;
}

exports.fieldMultiply = fieldMultiply;
exports.fieldAdd = fieldAdd;
exports.fieldSubtract = fieldSubtract;
exports.crc32 = crc32;
exports.sha512 = sha512;
