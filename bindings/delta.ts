// Host side of the core's delta applier: an in-memory flash holding the old
// image, and a driver that streams a patch through the exchange buffer in
// chunks, collects the new image and notes every resume point it passes.
import type { Core } from "./core.js";
import type { Flash } from "./flash.js";
import { statusesOf } from "./status-table.js";

/** Statuses of assembly/codecs/delta_format.ts (numbers are stable; test/status-table.test.ts checks them). */
export const DELTA_E_STATE = -50;
export const DELTA_E_ARGUMENT = -51;
export const DELTA_E_HEADER = -52;
export const DELTA_E_CODEC = -53;
export const DELTA_E_OLD_RANGE = -54;
export const DELTA_E_NEW_RANGE = -55;
export const DELTA_E_CORRUPT = -56;
export const DELTA_E_CHECKSUM = -57;
export const DELTA_E_TRUNCATED = -58;
export const DELTA_E_TRAILING = -59;
export const DELTA_E_FLASH = -60;
export const DELTA_E_RESUME = -61;

/** The code of each delta status, from the status table (old names: see its aliases). */
export const DELTA_STATUS_CODES: Record<number, string> = Object.fromEntries(
  statusesOf("core").filter((e) => e.core.startsWith("DELTA_E_")).map((e) => [e.status, e.code]),
);

export const DELTA_CODEC_IDS = { rc: 1, heatshrink: 2 } as const;

export interface DeltaHeader {
  codec: number;
  oldSize: number;
  newSize: number;
}

export function readDeltaHeader(patch: Uint8Array): DeltaHeader {
  if (patch.length < 16) throw new Error("delta: patch shorter than its header");
  const u32 = (at: number) => (patch[at] | (patch[at + 1] << 8) | (patch[at + 2] << 16) | (patch[at + 3] << 24)) >>> 0;
  return { codec: patch[4], oldSize: u32(8), newSize: u32(12) };
}

/** A flash holding `image` at `base`, which records every read. */
export class MemoryFlash implements Flash {
  readonly geometry: { size: number; sectorSize: number; writeSize: number };
  readonly reads: Array<[number, number]> = [];
  private readonly bytes: Uint8Array;
  constructor(image: Uint8Array, readonly base = 0, size = base + image.length) {
    this.bytes = new Uint8Array(size).fill(0xff);
    this.bytes.set(image, base);
    this.geometry = { size, sectorSize: 4096, writeSize: 1 };
  }
  read(addr: number, out: Uint8Array): void {
    this.reads.push([addr, out.length]);
    if (addr + out.length > this.bytes.length) throw new Error("read past the end of flash");
    out.set(this.bytes.subarray(addr, addr + out.length));
  }
  program(): void {
    throw new Error("MemoryFlash is read-only");
  }
  erase(): void {
    throw new Error("MemoryFlash is read-only");
  }
}

export interface ResumePoint {
  patchOffset: number;
  outputOffset: number;
}

export interface DeltaApplyOptions {
  /** Flash address of the old image (default 0). */
  oldAddr?: number;
  oldSize: number;
  newSize: number;
  codec: number;
  /** Next sink size (capped by the exchange buffer); default: the whole buffer. */
  chunk?: () => number;
  /** Largest poll; default: the whole buffer. */
  pollMax?: number;
  /** Start from a resume point instead of the patch start. */
  from?: ResumePoint;
  /** Stop (without finish) once this many output bytes exist. */
  stopAt?: number;
}

export interface DeltaApplyResult {
  /** 0, or the first negative status from the core. */
  status: number;
  /** New-image bytes; valid up to `produced`. */
  output: Uint8Array;
  produced: number;
  resumePoints: ResumePoint[];
}

/** Runs the core applier over `patch`; the core must have been loaded with a flash holding the old image. */
export function applyDeltaWith(core: Core, patch: Uint8Array, opts: DeltaApplyOptions): DeltaApplyResult {
  const x = core.exports;
  const ioSize = core.io().length;
  const output = new Uint8Array(opts.newSize);
  const resumePoints: ResumePoint[] = [];
  let produced = opts.from ? opts.from.outputOffset : 0;
  let at = opts.from ? opts.from.patchOffset : 0;
  const done = (status: number): DeltaApplyResult => ({ status, output, produced, resumePoints });
  let s = x.deltaBegin(opts.oldAddr ?? 0, opts.oldSize, opts.newSize, opts.codec) as number;
  if (s < 0) return done(s);
  if (opts.from) {
    s = x.deltaResume(opts.from.patchOffset, opts.from.outputOffset) as number;
    if (s < 0) return done(s);
  }
  const pollMax = Math.min(opts.pollMax ?? ioSize, ioSize);
  const note = () => {
    if (!x.deltaAtBlockStart()) return;
    const p = { patchOffset: x.deltaPatchOffset() >>> 0, outputOffset: x.deltaOutputOffset() >>> 0 };
    const last = resumePoints[resumePoints.length - 1];
    if (!last || last.patchOffset !== p.patchOffset) resumePoints.push(p);
  };
  for (;;) {
    let fed = 0;
    if (at < patch.length) {
      const want = Math.max(1, Math.min(opts.chunk ? opts.chunk() : ioSize, ioSize, patch.length - at));
      core.io().set(patch.subarray(at, at + want));
      fed = x.deltaSink(want) as number;
      if (fed < 0) return done(fed);
      at += fed;
    }
    let got = 0;
    for (;;) {
      const n = x.deltaPoll(pollMax) as number;
      if (n < 0) return done(n);
      if (n === 0) break;
      if (produced + n > output.length) return done(DELTA_E_NEW_RANGE); // the core must never do this
      output.set(core.io().subarray(0, n), produced);
      produced += n;
      got += n;
      note();
      if (opts.stopAt !== undefined && produced >= opts.stopAt) return done(0);
    }
    note();
    if (fed === 0 && got === 0) break;
  }
  return done(x.deltaFinish() as number);
}
