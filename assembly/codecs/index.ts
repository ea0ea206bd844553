// The codecs role (JS builds only): the delta and heatshrink appliers, loaded
// by a board only for a compressed or delta package and plugged into the
// update role with useCodecs() (see update/codec-socket.portable.ts).
import { DeltaApplier, deltaApplier } from "./delta_applier";

/** The applier the update module drives. */
export function codecsApplier(): DeltaApplier {
  return deltaApplier();
}
