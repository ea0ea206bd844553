// Stands in for crypto/ecdsa-p256 in the JS update module (build/update.js,
// build/es5/update.cjs), so that module carries no P-256 code: a device that
// trusts an Ed25519 key never holds it (on Espruino the P-256 code alone is
// over a thousand variables). The host plugs the P-256 module in with
// useP256(loader): `loader` is called the first time a P-256 signature is
// checked and returns that module's API (createP256(host), build/p256.js).
// The WASM build and build/core.js use the real verifier.
import { E_P256_NOT_LOADED } from "../common/status";

let p256Loader: any = null;
let attachedP256: any = null;

export function useP256(loader: any): void {
  p256Loader = loader;
  attachedP256 = null;
}

function p256Attached(): bool {
  if (attachedP256 == null && p256Loader != null) attachedP256 = p256Loader();
  return attachedP256 != null;
}

export function ecdsaP256Begin(key: Uint8Array, keyOff: i32, sig: Uint8Array, sigOff: i32): i32 {
  return p256Attached() ? attachedP256.ecdsaP256Begin(key, keyOff, sig, sigOff) : E_P256_NOT_LOADED;
}

export function ecdsaP256BeginDer(key: Uint8Array, keyOff: i32, sig: Uint8Array, sigOff: i32, sigLen: i32): i32 {
  return p256Attached() ? attachedP256.ecdsaP256BeginDer(key, keyOff, sig, sigOff, sigLen) : E_P256_NOT_LOADED;
}

export function ecdsaP256VerifyDigest(h: Uint8Array, off: i32): bool {
  return attachedP256 != null && attachedP256.ecdsaP256VerifyDigest(h, off);
}
