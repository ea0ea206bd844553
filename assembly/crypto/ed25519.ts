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
// of both scalars (w = 4 against a baked table of B, and against a table of
// -A built per verification), then subtract R, multiply by 8 and test for
// the identity, all in projective coordinates: no field inversion at all.
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
  edNegate,
  edFromAffineBytes,
  edSetIdentity,
  edIsSmallOrder,
} from "./edpoint";
import { feToBytes } from "./fe25519";
import { equalBytes, copyBytes } from "../common/bytes";
import { hostSha512, hostOffersSha512 } from "../common/host";
import { edScalarBelowOrder, edReduce512, edWnaf } from "./edscalar";
import { ED_BASE_WINDOW, edBaseLoad } from "./edbase";

/** begin() results: 0, or why the key or signature can never verify. */
export const ED_BAD_KEY: i32 = -50;
export const ED_SMALL_ORDER_KEY: i32 = -51;
export const ED_BAD_R: i32 = -52;
export const ED_BAD_S: i32 = -53;

const ED_KEY_WINDOW: i32 = 4;

// Working state of finish(), shared by all verifiers (finish never nests).
const edQ: EdPoint = new EdPoint();
const edA: EdPoint = new EdPoint();
const edR: EdPoint = new EdPoint();
const edCachedTmp: EdCached = new EdCached();
const edAffineTmp: EdAffine = new EdAffine();
// -A, -3A, -5A, -7A: the odd multiples a width-4 NAF digit can select.
const edKeyTable: EdCached[] = [new EdCached(), new EdCached(), new EdCached(), new EdCached()];
const edNafS: Int8Array = new Int8Array(256);
const edNafK: Int8Array = new Int8Array(256);
const edDigest: Uint8Array = new Uint8Array(64);
const edK: Uint8Array = new Uint8Array(32);

// Q += digit * B for a non-zero NAF digit of S.
function edAddBaseDigit(digit: i32, wantT: bool): void {
  edBaseLoad(edAffineTmp, (digit > 0 ? digit : -digit) >> 1);
  edAddAffine(edQ, edQ, edAffineTmp, digit < 0, wantT);
}

// Q += digit * (-A) for a non-zero NAF digit of k.
function edAddKeyDigit(digit: i32, wantT: bool): void {
  const c = unchecked(edKeyTable[(digit > 0 ? digit : -digit) >> 1]);
  edAddCached(edQ, edQ, c, digit < 0, wantT);
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
    const gather = this.gather;
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
    edReduce512(edK, 0, edDigest, 0);
    const keep = this.keep;
    edWnaf(edNafS, keep, ED_KEEP_S, ED_BASE_WINDOW);
    edWnaf(edNafK, edK, 0, ED_KEY_WINDOW);
    edFromAffineBytes(edA, keep, ED_KEEP_AX, ED_KEEP_AY);
    edFromAffineBytes(edR, keep, ED_KEEP_RX, ED_KEEP_RY);

    // Table of -A, -3A, -5A, -7A, stepping by -2A.
    const a = edA;
    edNegate(a);
    edToCached(unchecked(edKeyTable[0]), a);
    edDouble(edQ, a, true);
    edToCached(edCachedTmp, edQ);
    for (let i: i32 = 1; i < 4; i++) {
      edAddCached(a, a, edCachedTmp, false, true);
      edToCached(unchecked(edKeyTable[i]), a);
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
    edToCached(edCachedTmp, edR);
    edAddCached(edQ, edQ, edCachedTmp, true, false);
    return edIsSmallOrder(edQ, edQ);
  }
}
