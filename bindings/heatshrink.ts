// Host side of the core's heatshrink decoder: streams a compressed buffer
// through the exchange buffer in chunks and collects the output.
import type { Core } from "./core.js";
import { statusEntry } from "./status-table.js";

/** Statuses of assembly/codecs/heatshrink.ts (numbers are stable; codes and messages: bindings/status-table.ts). */
export const HS_OK = 0;
export const HS_MORE = 1;
export const HS_E_PARAMS = -40;
export const HS_E_NOT_RESET = -41;
export const HS_E_REFERENCE = -42;
export const HS_E_TRUNCATED = -43;
export const HS_E_ARGUMENT = -44;

export class HeatshrinkError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number) {
    const e = statusEntry(status);
    const known = e !== undefined && e.core.startsWith("HS_E_");
    super(`heatshrink: ${known ? e.message : "unexpected status " + status}`);
    this.name = "HeatshrinkError";
    this.status = status;
    this.code = known ? e.code : "HS_UNKNOWN_" + status;
  }
}

export interface HeatshrinkDecodeOptions {
  /** Reject references before the stream start instead of reading zeros. */
  strict?: boolean;
  /** Sizes of successive sink() chunks, cycled; default: the whole exchange buffer. */
  sinkSizes?: readonly number[];
  /** Sizes of successive poll() requests, cycled; default: the whole exchange buffer. */
  pollSizes?: readonly number[];
}

function cycle(sizes: readonly number[] | undefined, k: number, cap: number): number {
  if (!sizes || sizes.length === 0) return cap;
  return Math.max(1, Math.min(cap, sizes[k % sizes.length]));
}

/** Decodes a whole heatshrink stream with the core; throws HeatshrinkError on a bad stream. */
export function heatshrinkDecodeWith(
  core: Core, data: Uint8Array, windowBits: number, lookaheadBits: number,
  options: HeatshrinkDecodeOptions = {},
): Uint8Array {
  const x = core.exports;
  const cap = core.io().length;
  const reset = options.strict ? x.hsResetStrict : x.hsReset;
  const r = reset(windowBits, lookaheadBits) as number;
  if (r !== HS_OK) throw new HeatshrinkError(r);

  const parts: Uint8Array[] = [];
  let total = 0;
  let sinks = 0;
  let polls = 0;
  const drain = (): void => {
    for (;;) {
      const n = x.hsPoll(cycle(options.pollSizes, polls++, cap)) as number;
      if (n < 0) throw new HeatshrinkError(n);
      if (n === 0) return;
      parts.push(core.io().slice(0, n));
      total += n;
    }
  };

  let pos = 0;
  while (pos < data.length) {
    const k = Math.min(cycle(options.sinkSizes, sinks++, cap), data.length - pos);
    core.io().set(data.subarray(pos, pos + k));
    const accepted = x.hsSink(k) as number;
    if (accepted < 0) throw new HeatshrinkError(accepted);
    // poll() drains the input buffer completely, so a full buffer here is a core bug.
    if (accepted === 0) throw new Error("heatshrink: core decoder accepted no input after draining");
    pos += accepted;
    drain();
  }
  drain();
  const f = x.hsFinish() as number;
  if (f === HS_MORE) throw new Error("heatshrink: core decoder has work left after draining");
  if (f !== HS_OK) throw new HeatshrinkError(f);

  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
