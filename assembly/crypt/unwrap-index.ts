// The unwrap role (JS builds only): opening an encrypted update's key (X25519,
// HKDF, HMAC, SHA-256) and the device's recipient ID. The crypt module loads
// it through useUnwrap() only to open a key, and keeps no reference to it, so
// a board can let it go while the AES-CTR stream runs (the Espruino update
// task does, once the manifest and encryption block are through).
export { eciesOpen } from "../crypto/ecies-x25519";
export { recipientId } from "./recipient";
