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
// Algorithm: [S]B - [k]A by Strauss-Shamir interleaving over width-w NAFs
// of both scalars (w = 5 against a baked table of B, w = 4 against a table of
// -A built per verification), then subtract R, multiply by 8 and test for
// the identity, all in projective coordinates: no field inversion at all.
import { Sha512 } from "./sha512";
import { feAllocRun, feM } from "./fe25519";
import {
  ED_POINT_LIMBS,
  edPointAlloc,
  edDecode,
  edDouble,
  edAddCached,
  edAddAffine,
  edToCached,
  edNegate,
  edCopyPoint,
  edSetIdentity,
  edIsIdentity,
  edIsSmallOrder,
} from "./edpoint";
import { edScalarBelowOrder, edReduce512, edWnaf } from "./edscalar";
import { ED_BASE_WINDOW, edBaseLoad } from "./edbase";

/** begin() results: 0, or why the key or signature can never verify. */
export const ED_BAD_KEY: i32 = -50;
export const ED_SMALL_ORDER_KEY: i32 = -51;
export const ED_BAD_R: i32 = -52;
export const ED_BAD_S: i32 = -53;

const ED_KEY_WINDOW: i32 = 4;
const ED_KEY_ENTRIES: i32 = 4;

// Working state of finish(), shared by all verifiers (finish never nests).
const edQ: i32 = edPointAlloc();
const edA: i32 = edPointAlloc();
const edR: i32 = edPointAlloc();
const edCached: i32 = edPointAlloc();
const edAffine: i32 = feAllocRun(3);
const edKeyTable: i32 = feAllocRun(4 * ED_KEY_ENTRIES);
const edNafS: Int8Array = new Int8Array(256);
const edNafK: Int8Array = new Int8Array(256);
const edDigest: Uint8Array = new Uint8Array(64);
const edK: Uint8Array = new Uint8Array(32);

// Q += digit * P for a NAF digit, from a table of odd multiples.
function edAddBaseDigit(digit: i32, wantT: bool): void {
  if (digit > 0) {
    edBaseLoad(edAffine, digit >> 1);
    edAddAffine(edQ, edQ, edAffine, false, wantT);
  } else {
    edBaseLoad(edAffine, -digit >> 1);
    edAddAffine(edQ, edQ, edAffine, true, wantT);
  }
}

function edAddKeyDigit(digit: i32, wantT: bool): void {
  if (digit > 0) edAddCached(edQ, edQ, edKeyTable + (digit >> 1) * ED_POINT_LIMBS, false, wantT);
  else edAddCached(edQ, edQ, edKeyTable + (-digit >> 1) * ED_POINT_LIMBS, true, wantT);
}

export class Ed25519Verifier {
  private hash: Sha512 = new Sha512();
  /** Decoded A then R, four field elements each. */
  private points: Int32Array = new Int32Array(2 * ED_POINT_LIMBS);
  private s: Uint8Array = new Uint8Array(32);
  private ready: bool = false;

  /**
   * Start verifying `sig` (64 bytes: R || S) under public key `pub` (32
   * bytes). Returns 0, or a negative ED_* code when the key or signature is
   * malformed and can never verify (finish() then returns false).
   */
  begin(pub: Uint8Array, pubOff: i32, sig: Uint8Array, sigOff: i32): i32 {
    this.ready = false;
    if (!edScalarBelowOrder(sig, sigOff + 32)) return ED_BAD_S;
    if (edDecode(edA, pub, pubOff) < 0) return ED_BAD_KEY;
    if (edIsSmallOrder(edA, edQ)) return ED_SMALL_ORDER_KEY;
    if (edDecode(edR, sig, sigOff) < 0) return ED_BAD_R;
    edCopyPoint(this.points, 0, feM, edA);
    edCopyPoint(this.points, ED_POINT_LIMBS, feM, edR);
    const s = this.s;
    for (let i: i32 = 0; i < 32; i++) unchecked((s[i] = sig[sigOff + 32 + i]));
    this.hash.reset();
    this.hash.update(sig, sigOff, 32);
    this.hash.update(pub, pubOff, 32);
    this.ready = true;
    return 0;
  }

  /** Feed the next part of the message (ignored unless begin() succeeded). */
  update(msg: Uint8Array, off: i32, len: i32): void {
    if (this.ready) this.hash.update(msg, off, len);
  }

  /** Whether the signature is valid; the verifier must be begun again after. */
  finish(): bool {
    if (!this.ready) return false;
    this.ready = false;
    this.hash.finish(edDigest, 0);
    edReduce512(edK, 0, edDigest, 0);
    edWnaf(edNafS, this.s, 0, ED_BASE_WINDOW);
    edWnaf(edNafK, edK, 0, ED_KEY_WINDOW);
    edCopyPoint(feM, edA, this.points, 0);
    edCopyPoint(feM, edR, this.points, ED_POINT_LIMBS);

    // Odd multiples -A, -3A, -5A, -7A in cached form.
    edNegate(edA);
    edToCached(edKeyTable, edA);
    edDouble(edQ, edA, true);
    edToCached(edCached, edQ);
    for (let i: i32 = 1; i < ED_KEY_ENTRIES; i++) {
      edAddCached(edA, edA, edCached, false, true);
      edToCached(edKeyTable + i * ED_POINT_LIMBS, edA);
    }

    let top: i32 = 255;
    while (top >= 0 && unchecked(edNafS[top]) == 0 && unchecked(edNafK[top]) == 0) top--;
    edSetIdentity(edQ);
    for (let i: i32 = top; i >= 0; i--) {
      const ds: i32 = unchecked(edNafS[i]);
      const dk: i32 = unchecked(edNafK[i]);
      // T is only needed by an addition: the next one in this step, or the
      // subtraction of R after the last step.
      if (i != top) edDouble(edQ, edQ, ds != 0 || dk != 0 || i == 0);
      if (ds != 0) edAddBaseDigit(ds, dk != 0 || i == 0);
      if (dk != 0) edAddKeyDigit(dk, i == 0);
    }

    // Q = [S]B - [k]A - R; accept when [8]Q is the identity.
    edToCached(edCached, edR);
    edAddCached(edQ, edQ, edCached, true, false);
    return edIsSmallOrder(edQ, edQ);
  }
}
