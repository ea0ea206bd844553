// Exported heatshrink decoder surface, for the bindings and tests. Data moves
// through ioBuf: hsSink(len) takes ioBuf[0..len), hsPoll(max) fills
// ioBuf[0..n) and returns n. Statuses are those of ./heatshrink.
import { ioBuf } from "../common/buffers";
import { HS_MAX_WINDOW_BITS, hsDecoder } from "../codecs/heatshrink";

/** Starts a stream; references before its start read as zeros (C library behaviour). */
export function hsReset(windowBits: i32, lookaheadBits: i32): i32 {
  return hsDecoder().reset(windowBits, lookaheadBits, false);
}

/** Starts a stream in which references before its start are errors. */
export function hsResetStrict(windowBits: i32, lookaheadBits: i32): i32 {
  return hsDecoder().reset(windowBits, lookaheadBits, true);
}

export function hsSink(len: i32): i32 {
  return hsDecoder().sink(ioBuf, 0, len);
}

export function hsPoll(max: i32): i32 {
  return hsDecoder().poll(ioBuf, 0, max);
}

export function hsFinish(): i32 {
  return hsDecoder().finish();
}

export function hsMaxWindowBits(): i32 {
  return HS_MAX_WINDOW_BITS;
}
