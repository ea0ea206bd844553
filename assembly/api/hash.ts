// SHA-256 over the exchange buffer: the host streams a message through ioBuf
// in chunks of up to IO_SIZE bytes. One hasher serves this API; core code
// that hashes on its own (boot verification, the update receiver) keeps its
// own Sha256, so host calls never disturb it.
import { IO_SIZE, ioBuf } from "../common/buffers";
import { Sha256 } from "../crypto/sha256";
import { E_BAD_ARGUMENT, OK } from "../common/status";

const apiHasher: Sha256 = new Sha256();

export function sha256Reset(): void {
  apiHasher.reset();
}

/** Hashes ioBuf[0 .. len); E_BAD_ARGUMENT if len is outside 0..IO_SIZE. */
export function sha256Update(len: i32): i32 {
  if (len < 0 || len > IO_SIZE) return E_BAD_ARGUMENT;
  apiHasher.update(ioBuf, 0, len);
  return OK;
}

/** Writes the digest to ioBuf[0 .. 32); sha256Reset() starts the next message. */
export function sha256Final(): void {
  apiHasher.finish(ioBuf, 0);
}
