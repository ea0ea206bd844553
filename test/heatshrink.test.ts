// heatshrink: host encoder, core decoder (both builds), and their agreement
// with heatshrink-ts and with the C library as built for Espruino.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { createRequire } from "node:module";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { HeatshrinkDecoder as TsDecoder } from "heatshrink-ts";
import { CORE_KINDS, loadCore, type CoreKind } from "./helpers/cores.js";
import type { Core } from "../bindings/core.js";
import { heatshrinkEncode } from "../tools/heatshrink-encoder.js";
import {
  heatshrinkDecodeWith, HeatshrinkError,
  HS_OK, HS_MORE, HS_E_PARAMS, HS_E_NOT_RESET, HS_E_REFERENCE, HS_E_TRUNCATED, HS_E_ARGUMENT,
} from "../bindings/heatshrink.js";

const LONG = !!process.env.SLOTBOOT_LONG;
const RUNS = LONG ? 1000 : 60;

// The Emscripten build of the C library shipped in the `espruino` package.
// Its window and lookahead bits (8 and 6) are Espruino's heatshrink_config.h;
// the stream does not carry them, they were found by decoding its output.
const require = createRequire(import.meta.url);
const espruinoHs = require("espruino/libs/heatshrink.js") as {
  compress(d: Uint8Array): Uint8Array;
  decompress(d: Uint8Array): Uint8Array;
};
const ESPRUINO_W = 8;
const ESPRUINO_L = 6;

/** (window, lookahead) pairs the core decoder supports (window <= 12). */
const CORE_PAIRS: ReadonlyArray<readonly [number, number]> = [
  [4, 3], [5, 4], [8, 4], [8, 6], [9, 8], [10, 5], [11, 4], [12, 4], [12, 7], [12, 11],
];
/** Pairs only the host side handles (heatshrink-ts). */
const ALL_PAIRS = [...CORE_PAIRS, [13, 4], [14, 6], [15, 4], [15, 14]] as const;

const FIRMWARE_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "shared", "bench", "firmware-pairs");
const firmware: { name: string; data: Uint8Array }[] = existsSync(FIRMWARE_DIR)
  ? readdirSync(FIRMWARE_DIR)
    .filter((d) => existsSync(join(FIRMWARE_DIR, d, "new")))
    .sort()
    .map((d) => ({ name: d, data: new Uint8Array(readFileSync(join(FIRMWARE_DIR, d, "new"))) }))
  : [];
const cCompressed = new Map<string, Uint8Array>();
/** The C build's output for a firmware image, computed once (it is slow). */
function cCompress(name: string, data: Uint8Array): Uint8Array {
  let c = cCompressed.get(name);
  if (!c) cCompressed.set(name, (c = espruinoHs.compress(data)));
  return c;
}
if (firmware.length === 0) {
  console.warn(`heatshrink tests: ${FIRMWARE_DIR} is absent; the real-firmware tests are skipped`);
}

/** Inputs that exercise literals, short and long matches, runs and overlaps. */
const dataArb: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.uint8Array({ maxLength: 3000 }),
  fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 4000 }).map((a) => Uint8Array.from(a)),
  fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 12 }), fc.integer({ min: 1, max: 5000 }))
    .map(([unit, n]) => Uint8Array.from({ length: n }, (_, i) => unit[i % unit.length])),
  fc.array(fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 300 })), { maxLength: 30 })
    .map((runs) => Uint8Array.from(runs.flatMap(([b, n]) => Array<number>(n).fill(b)))),
  fc.constantFrom(new Uint8Array(0), Uint8Array.of(0), Uint8Array.of(0xa5)),
);

const chunkArb = fc.array(fc.integer({ min: 1, max: 1024 }), { minLength: 1, maxLength: 6 });

function tsDecode(data: Uint8Array, w: number, l: number): Uint8Array {
  const d = new TsDecoder(w, l, 64);
  d.process(data);
  return d.getOutput();
}

/** Raw export loop that keeps the output produced before any error. */
function coreDecodeRaw(core: Core, data: Uint8Array, w: number, l: number, strict: boolean): { out: Uint8Array; status: number } {
  const x = core.exports;
  const r = (strict ? x.hsResetStrict : x.hsReset)(w, l) as number;
  if (r !== HS_OK) return { out: new Uint8Array(0), status: r };
  const out: number[] = [];
  let pos = 0;
  for (;;) {
    const k = Math.min(300, data.length - pos);
    core.io().set(data.subarray(pos, pos + k));
    const a = x.hsSink(k) as number;
    if (a < 0) return { out: Uint8Array.from(out), status: a };
    pos += a;
    for (;;) {
      const n = x.hsPoll(1000) as number;
      if (n < 0) return { out: Uint8Array.from(out), status: n };
      if (n === 0) break;
      out.push(...core.io().subarray(0, n));
    }
    if (pos >= data.length) break;
  }
  return { out: Uint8Array.from(out), status: x.hsFinish() as number };
}

function isPrefix(p: Uint8Array, of: Uint8Array): boolean {
  return p.length <= of.length && p.every((v, i) => v === of[i]);
}

describe("heatshrink encoder", () => {
  it("rejects window and lookahead sizes outside 4..15 and 3..window-1", () => {
    const d = Uint8Array.of(1, 2, 3);
    for (const [w, l] of [[3, 2], [16, 4], [8, 2], [8, 8], [8.5, 4], [8, 4.5]]) {
      expect(() => heatshrinkEncode(d, { windowBits: w, lookaheadBits: l }), `${w},${l}`).toThrow(RangeError);
    }
    expect(() => heatshrinkEncode(d, { windowBits: 4, lookaheadBits: 3 })).not.toThrow();
    expect(() => heatshrinkEncode(d, { windowBits: 15, lookaheadBits: 14 })).not.toThrow();
  });

  it("encodes empty input as nothing and one byte as a padded literal", () => {
    expect(heatshrinkEncode(new Uint8Array(0), { windowBits: 8, lookaheadBits: 4 })).toEqual(new Uint8Array(0));
    // tag 1, literal 0x61, then 7 zero bits of padding
    expect(heatshrinkEncode(Uint8Array.of(0x61), { windowBits: 8, lookaheadBits: 4 })).toEqual(Uint8Array.of(0xb0, 0x80));
  });

  it("is decoded by heatshrink-ts for every window/lookahead pair", () => {
    fc.assert(fc.property(dataArb, fc.constantFrom(...ALL_PAIRS), (data, [w, l]) => {
      const enc = heatshrinkEncode(data, { windowBits: w, lookaheadBits: l });
      expect(tsDecode(enc, w, l)).toEqual(data);
    }), { numRuns: RUNS });
  });

  it("codes long runs with maximal references at large lookaheads", () => {
    const data = new Uint8Array(300_000);
    data.fill(0x5a, 100_000, 200_000);
    const enc = heatshrinkEncode(data, { windowBits: 15, lookaheadBits: 14 });
    // Each 100 000-byte run is a literal plus ceil(99 999 / 16 384) = 7 references of 30 bits.
    expect(enc.length).toBeLessThanOrEqual(Math.ceil((3 * (9 + 7 * 30)) / 8));
    expect(tsDecode(enc, 15, 14)).toEqual(data);
  });

  it("is deterministic and never larger than all-literal coding", () => {
    fc.assert(fc.property(dataArb, fc.constantFrom(...ALL_PAIRS), (data, [w, l]) => {
      const a = heatshrinkEncode(data, { windowBits: w, lookaheadBits: l });
      const b = heatshrinkEncode(data, { windowBits: w, lookaheadBits: l });
      expect(a).toEqual(b);
      expect(a.length).toBeLessThanOrEqual(Math.ceil((data.length * 9) / 8));
    }), { numRuns: Math.ceil(RUNS / 2) });
  });

  it("is decoded by the espruino C build with its settings (w8 l6)", () => {
    fc.assert(fc.property(dataArb, (data) => {
      const enc = heatshrinkEncode(data, { windowBits: ESPRUINO_W, lookaheadBits: ESPRUINO_L });
      expect(espruinoHs.decompress(enc)).toEqual(data);
    }), { numRuns: Math.ceil(RUNS / 2) });
  });

  it.skipIf(firmware.length === 0)("beats the C encoder on every firmware image at w8 l6", () => {
    for (const { name, data } of firmware) {
      const ours = heatshrinkEncode(data, { windowBits: ESPRUINO_W, lookaheadBits: ESPRUINO_L });
      const theirs = cCompress(name, data);
      expect(ours.length, name).toBeLessThanOrEqual(theirs.length);
      expect(espruinoHs.decompress(ours), name).toEqual(data);
    }
  });
});

describe.each(CORE_KINDS)("heatshrink core decoder (%s)", (kind: CoreKind) => {
  const corePromise = loadCore(kind);

  it("round-trips encoder output for any data, chunking and (w,l)", async () => {
    const core = await corePromise;
    fc.assert(fc.property(
      dataArb, fc.constantFrom(...CORE_PAIRS), chunkArb, chunkArb, fc.boolean(),
      (data, [w, l], sinkSizes, pollSizes, strict) => {
        const enc = heatshrinkEncode(data, { windowBits: w, lookaheadBits: l });
        const dec = heatshrinkDecodeWith(core, enc, w, l, { sinkSizes, pollSizes, strict });
        expect(dec).toEqual(data);
      }), { numRuns: RUNS });
  });

  it("decodes the espruino C build's output byte-exactly", async () => {
    const core = await corePromise;
    fc.assert(fc.property(dataArb, chunkArb, chunkArb, (data, sinkSizes, pollSizes) => {
      const enc = espruinoHs.compress(data);
      expect(heatshrinkDecodeWith(core, enc, ESPRUINO_W, ESPRUINO_L, { sinkSizes, pollSizes })).toEqual(data);
    }), { numRuns: RUNS });
  });

  it("reads the C library's zero-filled initial window, and rejects it in strict mode", async () => {
    const core = await corePromise;
    const zeros = new Uint8Array(1000);
    const enc = espruinoHs.compress(zeros);
    // The C encoder's first token refers 1 byte back, before the stream start.
    expect(enc[0] & 0x80).toBe(0);
    expect(heatshrinkDecodeWith(core, enc, ESPRUINO_W, ESPRUINO_L)).toEqual(zeros);
    const strict = coreDecodeRaw(core, enc, ESPRUINO_W, ESPRUINO_L, true);
    expect(strict).toEqual({ out: new Uint8Array(0), status: HS_E_REFERENCE });
    // The error is sticky until the next reset.
    expect(core.exports.hsPoll(10)).toBe(HS_E_REFERENCE);
    expect(core.exports.hsSink(1)).toBe(HS_E_REFERENCE);
    expect(core.exports.hsFinish()).toBe(HS_E_REFERENCE);
    expect(core.exports.hsReset(8, 4)).toBe(HS_OK);
    expect(core.exports.hsFinish()).toBe(HS_OK);
  });

  it("reports a strict-mode reference error after the bytes already produced", async () => {
    const core = await corePromise;
    // w8 l4: literal "a", then 1 byte from 2 back (only 1 byte exists), padding.
    // bits: 1 01100001 | 0 00000001 0000 | 00
    const stream = Uint8Array.of(0b10110000, 0b10000000, 0b01000000);
    expect(coreDecodeRaw(core, stream, 8, 4, true)).toEqual({ out: Uint8Array.of(0x61), status: HS_E_REFERENCE });
    expect(coreDecodeRaw(core, stream, 8, 4, false)).toEqual({ out: Uint8Array.of(0x61, 0), status: HS_OK });
  });

  it("accepts zero padding in the last byte and rejects anything else after the last token", async () => {
    const core = await corePromise;
    const a = (bytes: number[]) => coreDecodeRaw(core, Uint8Array.from(bytes), 8, 4, true);
    expect(a([0xb0, 0x80])).toEqual({ out: Uint8Array.of(0x61), status: HS_OK });
    expect(a([0xb0])).toEqual({ out: new Uint8Array(0), status: HS_E_TRUNCATED }); // literal cut
    expect(a([0xb0, 0x81]).status).toBe(HS_E_TRUNCATED); // a one bit in the padding
    // A whole extra zero byte is more than padding: here it cannot complete a
    // reference (1 + 12 + 8 bits), so it is a cut token.
    expect(coreDecodeRaw(core, Uint8Array.of(0xb0, 0x80, 0x00), 12, 8, true).status).toBe(HS_E_TRUNCATED);
    expect(a([]).status).toBe(HS_OK);
    // Eight distinct literals end on a byte boundary (72 bits); a zero byte
    // after them is 8 bits of "padding", one too many, stopping in the index
    // field (w8) or in the count field (w5: 1 + 5 + 2 bits).
    const lits = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8);
    for (const [w, l] of [[8, 4], [12, 4], [5, 4]] as const) {
      const enc = heatshrinkEncode(lits, { windowBits: w, lookaheadBits: l });
      expect(enc.length).toBe(9);
      expect(coreDecodeRaw(core, enc, w, l, true)).toEqual({ out: lits, status: HS_OK });
      const extra = coreDecodeRaw(core, Uint8Array.from([...enc, 0]), w, l, true);
      expect(extra, `w${w} l${l}`).toEqual({ out: lits, status: HS_E_TRUNCATED });
    }
    // w4 l3: a reference is exactly 8 bits, so 7 bits of padding never complete one
    const enc = heatshrinkEncode(Uint8Array.of(1, 2, 1, 2, 1, 2), { windowBits: 4, lookaheadBits: 3 });
    expect(coreDecodeRaw(core, enc, 4, 3, true)).toEqual({ out: Uint8Array.of(1, 2, 1, 2, 1, 2), status: HS_OK });
  });

  it("finish reports pending output while poll has work left", async () => {
    const core = await corePromise;
    const x = core.exports;
    const enc = heatshrinkEncode(new Uint8Array(100).fill(7), { windowBits: 8, lookaheadBits: 4 });
    expect(x.hsReset(8, 4)).toBe(HS_OK);
    core.io().set(enc);
    expect(x.hsSink(enc.length)).toBe(enc.length);
    expect(x.hsFinish()).toBe(HS_MORE);
    expect(x.hsPoll(10)).toBe(10);
    expect(x.hsFinish()).toBe(HS_MORE);
    expect(x.hsPoll(1000)).toBe(90);
    expect(x.hsPoll(1000)).toBe(0);
    expect(x.hsFinish()).toBe(HS_OK);
  });

  it("gives typed statuses for bad parameters and arguments", async () => {
    const core = await loadCore(kind);
    const x = core.exports;
    expect(x.hsMaxWindowBits()).toBe(12);
    expect(x.hsPoll(1)).toBe(HS_E_NOT_RESET);
    expect(x.hsSink(1)).toBe(HS_E_NOT_RESET);
    expect(x.hsFinish()).toBe(HS_E_NOT_RESET);
    for (const [w, l] of [[3, 3], [13, 4], [8, 2], [8, 9], [-1, 4], [12, 13]]) {
      expect(x.hsReset(w, l), `${w},${l}`).toBe(HS_E_PARAMS);
      expect(x.hsPoll(1)).toBe(HS_E_NOT_RESET);
    }
    expect(x.hsReset(8, 8)).toBe(HS_OK); // the C library allows lookahead == window
    const io = core.io().length;
    expect(x.hsSink(io + 1)).toBe(HS_E_ARGUMENT);
    expect(x.hsSink(-1)).toBe(HS_E_ARGUMENT);
    expect(x.hsPoll(io + 1)).toBe(HS_E_ARGUMENT);
    expect(x.hsPoll(-1)).toBe(HS_E_ARGUMENT);
    expect(x.hsSink(io)).toBeGreaterThan(0); // arguments errors are not sticky
    expect(() => heatshrinkDecodeWith(core, new Uint8Array(4), 13, 4)).toThrow(HeatshrinkError);
  });

  it("accepts only its input buffer's worth per sink, and all of it after a poll", async () => {
    const core = await corePromise;
    const x = core.exports;
    expect(x.hsReset(8, 4)).toBe(HS_OK);
    core.io().fill(0);
    const first = x.hsSink(1000) as number;
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThan(1000);
    expect(x.hsSink(1000)).toBe(0);
    // All-zero bits are 13-bit tokens "1 byte from 1 back": each yields a zero.
    expect(x.hsPoll(1000)).toBe(Math.floor((first * 8) / 13));
    expect(x.hsSink(1000)).toBe(first);
  });

  it("matches heatshrink-ts on arbitrary bytes and fails only with typed statuses", async () => {
    const core = await corePromise;
    fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), fc.constantFrom(...CORE_PAIRS), fc.boolean(), (junk, [w, l], strict) => {
      const r = coreDecodeRaw(core, junk, w, l, strict);
      expect([HS_OK, HS_E_TRUNCATED, HS_E_REFERENCE]).toContain(r.status);
      if (!strict) expect(r.status).not.toBe(HS_E_REFERENCE);
      const ref = tsDecode(junk, w, l);
      if (r.status === HS_E_REFERENCE) expect(isPrefix(r.out, ref)).toBe(true);
      else expect(r.out).toEqual(ref);
      try {
        heatshrinkDecodeWith(core, junk, w, l, { strict });
      } catch (e) {
        expect(e).toBeInstanceOf(HeatshrinkError);
        expect((e as HeatshrinkError).status).toBe(r.status);
      }
    }), { numRuns: RUNS });
  });

  it("decodes truncated streams to a prefix, reporting a cut token", async () => {
    const core = await corePromise;
    fc.assert(fc.property(dataArb, fc.constantFrom(...CORE_PAIRS), fc.nat(), (data, [w, l], cutSeed) => {
      const enc = heatshrinkEncode(data, { windowBits: w, lookaheadBits: l });
      fc.pre(enc.length > 0);
      const cut = enc.subarray(0, cutSeed % enc.length);
      const r = coreDecodeRaw(core, cut, w, l, true);
      expect([HS_OK, HS_E_TRUNCATED]).toContain(r.status);
      expect(isPrefix(r.out, data)).toBe(true);
      expect(r.out.length).toBeLessThan(data.length);
    }), { numRuns: RUNS });
  });

  it.skipIf(firmware.length === 0)("round-trips the firmware images at several settings", async () => {
    const core = await corePromise;
    for (const { name, data } of firmware) {
      for (const [w, l] of [[8, 4], [12, 4]] as const) {
        const enc = heatshrinkEncode(data, { windowBits: w, lookaheadBits: l });
        const dec = heatshrinkDecodeWith(core, enc, w, l, { strict: true, sinkSizes: [1024, 7, 333], pollSizes: [1024, 1, 500] });
        expect(dec.length, `${name} w${w} l${l}`).toBe(data.length);
        expect(Buffer.compare(dec, data), `${name} w${w} l${l}`).toBe(0);
      }
    }
  });

  it.skipIf(firmware.length === 0)("decodes the C build's compression of the firmware images", async () => {
    const core = await corePromise;
    for (const { name, data } of firmware) {
      const dec = heatshrinkDecodeWith(core, cCompress(name, data), ESPRUINO_W, ESPRUINO_L);
      expect(Buffer.compare(dec, data), name).toBe(0);
    }
  });
});
