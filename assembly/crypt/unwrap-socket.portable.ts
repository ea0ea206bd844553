// Stands in for crypto/ecies-x25519 and crypt/recipient in the JS crypt module
// (build/crypt.js, build/es5/crypt.cjs), so that module carries only the
// AES-CTR stream. The host plugs the unwrap module in with useUnwrap(loader):
// `loader` is called each time a key is opened and returns that module's API
// (createUnwrap(host)); nothing here keeps it, so a board may unload the
// module once the key is open. The WASM build and build/core.js link the real
// files.
import { E_ENC_NOT_LOADED } from "../common/status";

let unwrapLoader: any = null;

export function useUnwrap(loader: any): void {
  unwrapLoader = loader;
}

export function eciesOpen(entry: Uint8Array, off: i32, keyLen: i32, privateKey: Uint8Array, privOff: i32, kekOut: Uint8Array, kekOutOff: i32): i32 {
  const unit: any = unwrapLoader != null ? unwrapLoader() : null;
  return unit == null ? E_ENC_NOT_LOADED : unit.eciesOpen(entry, off, keyLen, privateKey, privOff, kekOut, kekOutOff);
}

export function recipientId(privateKey: Uint8Array, privOff: i32, out: Uint8Array, outOff: i32): i32 {
  const unit: any = unwrapLoader != null ? unwrapLoader() : null;
  return unit == null ? E_ENC_NOT_LOADED : unit.recipientId(privateKey, privOff, out, outOff);
}
