// A tiny deterministic PRNG for the simulator: a 32-bit Weyl sequence passed
// through the murmur3 finaliser. Full period 2^32, one u32 of state (so it can
// be snapshotted and written to an image file), 32-bit integer math only.
// Not cryptographic; it only has to make fault injection reproducible.

const WEYL_STEP = 0x9e3779b9;

export class Rng {
  private s: number;

  constructor(seed: number) {
    this.s = seed >>> 0;
  }

  /** The whole state; `new Rng(r.state)` continues the same sequence. */
  get state(): number {
    return this.s;
  }

  set state(v: number) {
    this.s = v >>> 0;
  }

  /** Next uniformly distributed u32. */
  next(): number {
    this.s = (this.s + WEYL_STEP) >>> 0;
    let z = this.s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  }

  /** Uniform integer in [0, n) for 0 < n <= 2^53 (scaled, not modulo, so no low-bit bias). */
  below(n: number): number {
    if (n <= 0x1_0000_0000) return Math.floor((this.next() / 0x1_0000_0000) * n);
    // Above 2^32 one draw cannot reach every value; 53 bits from two draws can.
    const hi = this.next() >>> 11;
    const lo = this.next();
    return Math.floor(((hi * 0x1_0000_0000 + lo) / 2 ** 53) * n);
  }
}
