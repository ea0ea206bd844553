// A package's recipient ID (docs/formats.md "Encrypted packages"): SHA-256 of
// the device's X25519 public key. A file of its own, beside the key unwrap,
// so that boards load both apart from the decryption stream: the JS crypt
// module reaches them through crypt/unwrap-socket.portable.ts.
import { x25519PublicKey } from "../crypto/x25519";
import { Sha256 } from "../crypto/sha256";
import { OK } from "../common/status";

const recipientPublic: Uint8Array = new Uint8Array(32);
const recipientHasher: Sha256 = new Sha256();

/** out[outOff..+32) = SHA-256 of the X25519 public key of privateKey[privOff..+32). */
export function recipientId(privateKey: Uint8Array, privOff: i32, out: Uint8Array, outOff: i32): i32 {
  const ps: i32 = x25519PublicKey(recipientPublic, 0, privateKey, privOff);
  if (ps != OK) return ps;
  recipientHasher.reset();
  recipientHasher.update(recipientPublic, 0, 32);
  recipientHasher.finish(out, outOff);
  return OK;
}
