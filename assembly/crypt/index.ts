// The crypt role (JS builds only): X25519, HKDF, HMAC and AES-CTR behind the
// Decryptor, loaded by a board only for an encrypted update and plugged into
// the update role with useDecryption() (see update/decrypt-socket.portable.ts).
import { Decryptor, decryptor } from "./decryptor";

/** The decryptor the update module drives. */
export function cryptDecryptor(): Decryptor {
  return decryptor();
}
