// Host side of the core's SHA-256: streams bytes through the exchange buffer.
// Both core builds share this path, so a digest computed here is the one the
// device computes.
import type { Core } from "./core.js";
import { SlotbootError } from "./errors.js";

export const SHA256_BYTES = 32;

/** A streaming SHA-256 on one core instance. The core has one API hasher:
 *  interleaving two Sha256Stream objects on the same core mixes their state. */
export class Sha256Stream {
  private readonly core: Core;

  constructor(core: Core) {
    this.core = core;
    core.exports.sha256Reset();
  }

  /** Hashes `bytes`, copied through the exchange buffer in slices of at most `maxChunk`. */
  update(bytes: Uint8Array, maxChunk: number = this.core.io().length): this {
    const step = Math.max(1, Math.min(maxChunk, this.core.io().length));
    for (let off = 0; off < bytes.length; off += step) {
      const part = bytes.subarray(off, Math.min(bytes.length, off + step));
      this.core.io().set(part);
      const status = this.core.exports.sha256Update(part.length) as number;
      if (status < 0) throw new SlotbootError(status, "sha256Update");
    }
    return this;
  }

  /** The digest of everything passed to update(); the stream then starts over. */
  digest(): Uint8Array {
    this.core.exports.sha256Final();
    const out = this.core.io().slice(0, SHA256_BYTES);
    this.core.exports.sha256Reset();
    return out;
  }
}

/** SHA-256 of `bytes` computed by the core. */
export function sha256With(core: Core, bytes: Uint8Array): Uint8Array {
  return new Sha256Stream(core).update(bytes).digest();
}
