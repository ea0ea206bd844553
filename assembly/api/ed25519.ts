// Ed25519 verification and SHA-512 over the exchange buffer.
//   ed25519VerifyBegin()       pub = ioBuf[0..32), sig = ioBuf[32..96) -> 0 or ED_* (< 0)
//   ed25519VerifyUpdate(len)   next message chunk in ioBuf[0..len)     -> 0 or E_BAD_ARGUMENT
//   ed25519VerifyFinish()      -> 1 valid, 0 invalid (also after a failed begin)
//   sha512Reset() / sha512Update(len) / sha512Final() (digest to ioBuf[0..64)):
//   the same SHA-512, exposed so hosts and tests can check it directly.
//   ed25519HalfScalars()       k = ioBuf[0..32) (below L) -> u, |v| to ioBuf[32..64), the sign of v
//   (1 or -1; 0 on a fault): the verifier's half-length scalars, exposed
//   so tests pin them in every build (WASM, JS, ES5 inside Espruino).
import { IO_SIZE, ioBuf } from "../common/buffers";
import { OK, E_BAD_ARGUMENT } from "../common/status";
import { Ed25519Verifier } from "../crypto/ed25519";
import { Sha512 } from "../crypto/sha512";
import { edHalfScalars } from "../crypto/edhalves";

const edApiVerifier: Ed25519Verifier = new Ed25519Verifier();
const sha512Api: Sha512 = new Sha512();

export function ed25519VerifyBegin(): i32 {
  return edApiVerifier.begin(ioBuf, 0, ioBuf, 32);
}

export function ed25519VerifyUpdate(len: i32): i32 {
  if (len < 0 || len > IO_SIZE) return E_BAD_ARGUMENT;
  edApiVerifier.update(ioBuf, 0, len);
  return OK;
}

export function ed25519VerifyFinish(): i32 {
  return edApiVerifier.finish() ? 1 : 0;
}

export function sha512Reset(): void {
  sha512Api.reset();
}

export function sha512Update(len: i32): i32 {
  if (len < 0 || len > IO_SIZE) return E_BAD_ARGUMENT;
  sha512Api.update(ioBuf, 0, len);
  return OK;
}

export function sha512Final(): void {
  sha512Api.finish(ioBuf, 0);
}

export function ed25519HalfScalars(): i32 {
  return edHalfScalars(ioBuf, 32, ioBuf, 0);
}
