// Exported delta-applier surface, for the bindings and tests. Patch bytes go
// in through ioBuf (deltaSink(len) takes ioBuf[0..len)); deltaPoll(max)
// writes new-image bytes to ioBuf[0..n) and returns n or a negative status.
// The update receiver drives `deltaApplier` directly instead.
import { ioBuf } from "../common/buffers";
import { deltaApplier, deltaInstanceBytes, deltaRamTotal } from "../codecs/delta_applier";

export function deltaBegin(oldAddr: u32, oldSize: u32, newSize: u32, codec: i32): i32 {
  return deltaApplier().begin(oldAddr, oldSize, newSize, codec);
}

export function deltaSink(len: i32): i32 {
  return deltaApplier().sink(ioBuf, 0, len);
}

export function deltaPoll(max: i32): i32 {
  return deltaApplier().poll(ioBuf, 0, max);
}

export function deltaFinish(): i32 {
  return deltaApplier().finish();
}

export function deltaResume(patchOffset: u32, outputOffset: u32): i32 {
  return deltaApplier().resume(patchOffset, outputOffset);
}

export function deltaAtBlockStart(): bool {
  return deltaApplier().atBlockStart();
}

export function deltaPatchOffset(): u32 {
  return deltaApplier().patchOffset();
}

export function deltaOutputOffset(): u32 {
  return deltaApplier().outputOffset();
}

/** RAM the applier uses: its instance, its tables and the heatshrink decoder it borrows. */
export function deltaRamBytes(): i32 {
  return deltaRamTotal();
}

/** Bytes of the applier instance alone (measured in the WASM build, object headers included). */
export function deltaOwnRamBytes(): i32 {
  return deltaInstanceBytes();
}
