// Ed25519 signature verification (RFC 8032 5.1.7), streaming the message.
//
// Acceptance rule (docs/crypto-ed25519.md), the same as @noble/curves
// ed25519.verify(sig, msg, pub, { zip215: false }):
//   - A and R must be canonical encodings (y < p; x = 0 with the sign bit set
//     is refused) of points on the curve;
//   - S must be below the group order L;
//   - A must not be of small order (8A = identity); R may be;
//   - the cofactored equation [8][S]B = [8]R + [8][k]A holds, with
//     k = SHA-512(R || A || M) mod L.
//
// Algorithm: with u = v k (mod L) and u, v of half length
// (crypto/edhalves.ts), test [8]([v S mod L]B - [u]A - [v]R) instead, which
// is the identity exactly when [8]([S]B - [k]A - R) is. B's scalar is split
// at 2^128 against baked tables of B and [2^128]B, so four scalars of 128
// bits share 128 doublings (Strauss-Shamir interleaving over width-w NAFs:
// w = 4 against the baked tables, w = 3 against tables of A and R built per
// verification). Then multiply by 8 and test for the identity, all in
// projective coordinates: no field inversion at all.
import { Sha512 } from "./sha512";
import {
  EdPoint,
  EdCached,
  EdAffine,
  edDecode,
  edDouble,
  edAddCached,
  edAddAffine,
  edToCached,
  edFromAffineBytes,
  edSetIdentity,
  edIsSmallOrder,
} from "./edpoint";
import { feToBytes, feNeg } from "./fe25519";
import { equalBytes, copyBytes } from "../common/bytes";
import { hostSha512, hostOffersSha512 } from "../common/host";
import { edScalarBelowOrder, edReduce512, edWnaf } from "./edscalar";
import { edHalfScalars, edMultiplyHalf } from "./edhalves";
import { ED_BASE_WINDOW, edBaseLoad } from "./edbase";

/** begin() results: 0, or why the key or signature can never verify. */
export const ED_BAD_KEY: i32 = -50;
export const ED_SMALL_ORDER_KEY: i32 = -51;
export const ED_BAD_R: i32 = -52;
export const ED_BAD_S: i32 = -53;

// The width of the NAFs of u and v, whose tables are built per signature:
// 3 takes 2 entries a table, and the two tables together hold as many
// points as the single table of width 4 did before the scalars were halved.
const ED_POINT_WINDOW: i32 = 3;
const ED_POINT_ENTRIES: i32 = 2;
// A NAF of a 16-byte scalar has 8 * 16 + 1 digits.
const ED_HALF_DIGITS: i32 = 129;

// Working state of finish(), shared by all verifiers (finish never nests).
const edQ: EdPoint = new EdPoint();
const edA: EdPoint = new EdPoint();
const edR: EdPoint = new EdPoint();
const edCachedTmp: EdCached = new EdCached();
const edAffineTmp: EdAffine = new EdAffine();
// The odd multiples a width-3 NAF digit can select: of -A or A (by the sign
// of v) at 0 and 1, of -R at 2 and 3.
const edPointTable: EdCached[] = [new EdCached(), new EdCached(), new EdCached(), new EdCached()];
const ED_TABLE_A: i32 = 0;
const ED_TABLE_R: i32 = 2;
// B and [2^128]B: the baked tables (crypto/edbase.ts).
const ED_TABLE_LOW: i32 = 4;
const ED_TABLE_HIGH: i32 = 5;
// The NAFs of B's two halves, and of u and |v|, ED_HALF_DIGITS apart.
const edNafBase: Int8Array = new Int8Array(2 * ED_HALF_DIGITS);
const edNafPoints: Int8Array = new Int8Array(2 * ED_HALF_DIGITS);
const edDigest: Uint8Array = new Uint8Array(64);
const edK: Uint8Array = new Uint8Array(32);
const edHalves: Uint8Array = new Uint8Array(32);

// Q += digit * P for a non-zero NAF digit, P chosen by `table`: A's or R's
// table in edPointTable, or B or [2^128]B from the baked tables. (One
// function for the four: on Espruino each function takes RAM.)
function edAddDigit(table: i32, digit: i32, wantT: bool): void {
  const entry = (digit > 0 ? digit : -digit) >> 1;
  if (table >= ED_TABLE_LOW) {
    edBaseLoad(edAffineTmp, entry, table == ED_TABLE_HIGH);
    edAddAffine(edQ, edQ, edAffineTmp, digit < 0, wantT);
  } else {
    edAddCached(edQ, edQ, unchecked(edPointTable[table + entry]), digit < 0, wantT);
  }
}

// Per-verifier state between begin() and finish() is kept small (bytes, not
// field elements): A and R as their y encodings plus canonical x, and S.
const ED_KEEP_AY: i32 = 0;
const ED_KEEP_AX: i32 = 32;
const ED_KEEP_RY: i32 = 64;
const ED_KEEP_RX: i32 = 96;
const ED_KEEP_S: i32 = 128;

// Where the host offers a one-shot SHA-512 (the JS builds on Espruino:
// common/host.portable.ts), the challenge hash's input R || A || M is
// gathered here and hashed in one host call. The buffer is made in begin(),
// remade a part longer at each update() and dropped in finish(), so it takes
// RAM only while a signature is checked, and no more than the message; 512
// bytes hold what the update core signs (64 bytes of R and A, a manifest's
// 192 signed bytes and its 160-byte encryption block). A longer message, or
// a host that declines, is hashed by the core's own SHA-512.
const ED_GATHER_MAX: i32 = 512;

// The host's SHA-512 of the gathered bytes into edDigest; false when it
// declined, or said "done" and left the digest unwritten (all zeros: edDigest
// is cleared first). A digest left over from an earlier check would fix the
// challenge k whatever R is, and with a known k anyone can make a signature.
function edHostDigest(gather: Uint8Array): bool {
  edDigest.fill(0);
  if (hostSha512(gather, 0, gather.length, edDigest, 0) != 0) return false;
  let any: i32 = 0;
  for (let i: i32 = 0; i < 64; i++) any |= unchecked(edDigest[i]);
  return any != 0;
}

export class Ed25519Verifier {
  // The core's own SHA-512, made at the first signature the host does not
  // hash (never, where the host's one-shot SHA-512 takes every message: on
  // Espruino an instance is about 25 variables).
  private hash: Sha512 | null = null;
  private keep: Uint8Array = new Uint8Array(160);
  private ready: bool = false;
  // keep holds a key that decoded and is not of small order (its y encoding
  // and canonical x): a device checks every signature against the same key,
  // so decoding it (a field exponentiation) is done once, not per signature.
  private keyReady: bool = false;
  private gather: Uint8Array | null = null;

  /**
   * Start verifying `sig` (64 bytes: R || S) under public key `pub` (32
   * bytes). Returns 0, or a negative ED_* code when the key or signature is
   * malformed and can never verify (finish() then returns false).
   */
  begin(pub: Uint8Array, pubOff: i32, sig: Uint8Array, sigOff: i32): i32 {
    this.ready = false;
    this.gather = null;
    if (!edScalarBelowOrder(sig, sigOff + 32)) return ED_BAD_S;
    const keep = this.keep;
    if (!this.keyReady || !equalBytes(keep, ED_KEEP_AY, pub, pubOff, 32)) {
      this.keyReady = false;
      if (edDecode(edA, pub, pubOff) < 0) return ED_BAD_KEY;
      if (edIsSmallOrder(edA, edQ)) return ED_SMALL_ORDER_KEY;
      for (let i: i32 = 0; i < 32; i++) unchecked((keep[ED_KEEP_AY + i] = pub[pubOff + i]));
      feToBytes(keep, ED_KEEP_AX, edA.x);
      this.keyReady = true;
    }
    if (edDecode(edR, sig, sigOff) < 0) return ED_BAD_R;
    for (let i: i32 = 0; i < 32; i++) {
      unchecked((keep[ED_KEEP_RY + i] = sig[sigOff + i]));
      unchecked((keep[ED_KEEP_S + i] = sig[sigOff + 32 + i]));
    }
    feToBytes(keep, ED_KEEP_RX, edR.x);
    if (hostOffersSha512()) {
      const gather = new Uint8Array(64);
      copyBytes(gather, 0, sig, sigOff, 32);
      copyBytes(gather, 32, pub, pubOff, 32);
      this.gather = gather;
    } else {
      const hash = this.ownHash();
      hash.update(sig, sigOff, 32);
      hash.update(pub, pubOff, 32);
    }
    this.ready = true;
    return 0;
  }

  /** The core's own SHA-512, reset. */
  private ownHash(): Sha512 {
    let hash = this.hash;
    if (!hash) {
      hash = new Sha512();
      this.hash = hash;
    }
    hash.reset();
    return hash;
  }

  /** Feed the next part of the message (ignored unless begin() succeeded). */
  update(msg: Uint8Array, off: i32, len: i32): void {
    if (!this.ready) return;
    const gather = this.gather;
    if (gather) {
      if (len <= 0) return;
      const held = gather.length;
      if (held + len <= ED_GATHER_MAX) {
        const longer = new Uint8Array(held + len);
        copyBytes(longer, 0, gather, 0, held);
        copyBytes(longer, held, msg, off, len);
        this.gather = longer;
        return;
      }
      // Too long to gather: the core hashes all of it.
      this.gather = null;
      this.ownHash().update(gather, 0, held);
    }
    const hash = this.hash;
    if (hash) hash.update(msg, off, len);
  }

  /** Whether the signature is valid; begin() must be called again after. */
  finish(): bool {
    if (!this.ready) return false;
    this.ready = false;
    let gather = this.gather;
    this.gather = null;
    if (!gather) {
      const hash = this.hash;
      if (!hash) return false;
      hash.finish(edDigest, 0);
    } else if (!edHostDigest(gather)) {
      const hash = this.ownHash();
      hash.update(gather, 0, gather.length);
      hash.finish(edDigest, 0);
    }
    // Let the gathered message go before the point arithmetic: on Espruino
    // a local holds its value until the function returns, and a manifest's
    // is some 400 bytes.
    gather = null;
    edReduce512(edK, 0, edDigest, 0);
    // u and |v| into edHalves, then v S mod L into edK (its sign aside).
    // 0: a fault (the step cap, or v = 0, which would accept everything).
    const sign = edHalfScalars(edHalves, 0, edK, 0);
    if (sign == 0) return false;
    const keep = this.keep;
    edMultiplyHalf(edDigest, 0, edHalves, 16, keep, ED_KEEP_S);
    edReduce512(edK, 0, edDigest, 0);
    edWnaf(edNafBase, 0, edK, 0, 16, ED_BASE_WINDOW);
    edWnaf(edNafBase, ED_HALF_DIGITS, edK, 16, 16, ED_BASE_WINDOW);
    edWnaf(edNafPoints, 0, edHalves, 0, 16, ED_POINT_WINDOW);
    edWnaf(edNafPoints, ED_HALF_DIGITS, edHalves, 16, 16, ED_POINT_WINDOW);

    // For v > 0, Q = [v S]B - [u]A - [v]R. For v < 0 its negation, which is
    // as good: Q = [|v| S]B + [u]A - [|v|]R.
    edFromAffineBytes(edA, keep, ED_KEEP_AX, ED_KEEP_AY);
    // (Negated here, not by edNegate: a function called from two places
    // stays a function, and on Espruino each takes RAM.)
    if (sign > 0) {
      feNeg(edA.x, edA.x);
      feNeg(edA.t, edA.t);
    }
    edFromAffineBytes(edR, keep, ED_KEEP_RX, ED_KEEP_RY);
    feNeg(edR.x, edR.x);
    feNeg(edR.t, edR.t);
    // P, 3P, ... of both into edPointTable (each point is left changed).
    for (let table: i32 = ED_TABLE_A; table <= ED_TABLE_R; table += ED_POINT_ENTRIES) {
      const p = table == ED_TABLE_A ? edA : edR;
      edToCached(unchecked(edPointTable[table]), p);
      edDouble(edQ, p, true);
      edToCached(edCachedTmp, edQ);
      for (let i: i32 = 1; i < ED_POINT_ENTRIES; i++) {
        edAddCached(p, p, edCachedTmp, false, true);
        edToCached(unchecked(edPointTable[table + i]), p);
      }
    }

    let top: i32 = ED_HALF_DIGITS - 1;
    while (
      top >= 0 &&
      unchecked(edNafBase[top]) == 0 &&
      unchecked(edNafBase[ED_HALF_DIGITS + top]) == 0 &&
      unchecked(edNafPoints[top]) == 0 &&
      unchecked(edNafPoints[ED_HALF_DIGITS + top]) == 0
    )
      top--;
    edSetIdentity(edQ);
    for (let i: i32 = top; i >= 0; i--) {
      const low: i32 = unchecked(edNafBase[i]);
      const high: i32 = unchecked(edNafBase[ED_HALF_DIGITS + i]);
      const du: i32 = unchecked(edNafPoints[i]);
      const dv: i32 = unchecked(edNafPoints[ED_HALF_DIGITS + i]);
      // T is only needed by an addition: a later one in this step.
      if (i != top) edDouble(edQ, edQ, low != 0 || high != 0 || du != 0 || dv != 0);
      if (low != 0) edAddDigit(ED_TABLE_LOW, low, high != 0 || du != 0 || dv != 0);
      if (high != 0) edAddDigit(ED_TABLE_HIGH, high, du != 0 || dv != 0);
      if (du != 0) edAddDigit(ED_TABLE_A, du, dv != 0);
      if (dv != 0) edAddDigit(ED_TABLE_R, dv, false);
    }

    // Accept when [8]Q is the identity.
    return edIsSmallOrder(edQ, edQ);
  }
}
