// ECDSA P-256 verification over the exchange buffer (the whole core only;
// images reach the same verifier through the update role's provenance check).
//   p256VerifyBegin(sigLen)   key = ioBuf[0..65) (0x04 || x || y), strict DER
//                             signature = ioBuf[65..65+sigLen)  -> 0 or P256_* (< 0)
//   p256VerifyBeginRaw()      key = ioBuf[0..65), r || s = ioBuf[65..129)
//   p256VerifyUpdate(len)     next message chunk in ioBuf[0..len), hashed with SHA-256
//   p256VerifyFinish()        -> 1 valid, 0 invalid (also after a failed begin)
//   p256VerifyFinishDigest()  the prehashed variant: the 32-byte hash is
//                             ioBuf[0..32) instead of the streamed message
import { IO_SIZE, ioBuf } from "../common/buffers";
import { OK, E_BAD_ARGUMENT } from "../common/status";
import { Sha256 } from "../crypto/sha256";
import { derSignatureToRaw } from "../crypto/der";
import { P256_BAD_KEY, P256_BAD_SIGNATURE, ecdsaP256Begin, ecdsaP256VerifyDigest, ecdsaP256Cancel } from "../crypto/ecdsa-p256";

const p256ApiHash: Sha256 = new Sha256();
const p256ApiSig: Uint8Array = new Uint8Array(64);
const p256ApiDigest: Uint8Array = new Uint8Array(32);

function p256ApiBegin(): i32 {
  p256ApiHash.reset();
  if (unchecked(ioBuf[0]) != 0x04) {
    ecdsaP256Cancel();
    return P256_BAD_KEY;
  }
  return ecdsaP256Begin(ioBuf, 1, p256ApiSig, 0);
}

export function p256VerifyBegin(sigLen: i32): i32 {
  if (sigLen < 0 || sigLen > IO_SIZE - 65 || !derSignatureToRaw(ioBuf, 65, sigLen, p256ApiSig, 0)) {
    ecdsaP256Cancel();
    p256ApiHash.reset();
    return P256_BAD_SIGNATURE;
  }
  return p256ApiBegin();
}

export function p256VerifyBeginRaw(): i32 {
  for (let i: i32 = 0; i < 64; i++) unchecked((p256ApiSig[i] = ioBuf[65 + i]));
  return p256ApiBegin();
}

export function p256VerifyUpdate(len: i32): i32 {
  if (len < 0 || len > IO_SIZE) return E_BAD_ARGUMENT;
  p256ApiHash.update(ioBuf, 0, len);
  return OK;
}

export function p256VerifyFinish(): i32 {
  p256ApiHash.finish(p256ApiDigest, 0);
  return ecdsaP256VerifyDigest(p256ApiDigest, 0) ? 1 : 0;
}

export function p256VerifyFinishDigest(): i32 {
  return ecdsaP256VerifyDigest(ioBuf, 0) ? 1 : 0;
}
