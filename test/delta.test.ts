// Delta codec: host differ + reference applier, and the core applier in both
// builds, on the shared real-firmware pairs and on realistic edits of them.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { CORE_KINDS, loadCore, type CoreKind } from "./helpers/cores.js";
import { applyDeltaWith, DELTA_STATUS_CODES, MemoryFlash, type DeltaApplyOptions } from "../bindings/delta.js";
import { applyPatch, diff, encodePatch, DeltaFormatError, type DeltaCodecName } from "../tools/delta/index.js";
import { firmwarePairsDir, loadFirmwarePairs, type FirmwarePair } from "../tools/delta/pairs.js";
import { suffixArray } from "../tools/delta/suffix-array.js";
import { DELTA_BLOCK_SIZE } from "../tools/delta/format.js";

const LONG = process.env.SLOTBOOT_LONG === "1";
const RUNS = LONG ? 200 : 12;
const pairs = loadFirmwarePairs();
const CODECS: DeltaCodecName[] = ["rc", "heatshrink"];
const CODEC_ID: Record<DeltaCodecName, number> = { rc: 1, heatshrink: 2 };
if (pairs.length === 0) console.warn(`delta tests: no firmware pairs at ${firmwarePairsDir()}; real-image tests skipped`);
const KNOWN = new Set(Object.keys(DELTA_STATUS_CODES).map(Number));
const OLD_BASE = 8192;

// Patches of the real pairs are made once per codec and shared by the suites.
const patchCache = new Map<string, Uint8Array>();
function pairPatch(p: FirmwarePair, codec: DeltaCodecName): Uint8Array {
  const key = `${p.name}/${codec}`;
  let patch = patchCache.get(key);
  if (!patch) {
    patch = diff(p.old, p.new, { codec });
    patchCache.set(key, patch);
  }
  return patch;
}

/** Every core read must stay inside the old image. */
function expectReadsInside(flash: MemoryFlash, oldSize: number): void {
  for (const [addr, len] of flash.reads) {
    expect(addr).toBeGreaterThanOrEqual(OLD_BASE);
    expect(addr + len).toBeLessThanOrEqual(OLD_BASE + oldSize);
  }
}

async function coreApply(kind: CoreKind, old: Uint8Array, patch: Uint8Array, newSize: number, codec: DeltaCodecName, extra: Partial<DeltaApplyOptions> = {}) {
  const flash = new MemoryFlash(old, OLD_BASE, OLD_BASE + old.length + 4096);
  const core = await loadCore(kind, flash);
  const r = applyDeltaWith(core, patch, { oldAddr: OLD_BASE, oldSize: old.length, newSize, codec: CODEC_ID[codec], ...extra });
  expectReadsInside(flash, old.length);
  return { ...r, core, flash };
}

function deterministicBytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

describe("suffix array", () => {
  it("orders all suffixes (checked against a naive sort)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 1, max: 4 }), (raw, alpha) => {
        const data = raw.map((b) => b % (alpha * 2)); // small alphabets: many repeats
        const sa = Array.from(suffixArray(data));
        const naive = Array.from(data.keys()).sort((a, b) => {
          const x = Buffer.from(data.subarray(a));
          const y = Buffer.from(data.subarray(b));
          return Buffer.compare(x, y);
        });
        expect(sa).toEqual(naive);
      }),
      { numRuns: LONG ? 500 : 100 },
    );
  });
});

describe.runIf(pairs.length > 0)("real firmware pairs, host reference applier", () => {
  for (const codec of CODECS) {
    it.each(pairs.map((p) => [p.name, p] as [string, FirmwarePair]))(`${codec}: %s round-trips`, (_n, p) => {
      expect(applyPatch(p.old, pairPatch(p, codec))).toEqual(p.new);
    });
  }
  it("is deterministic", () => {
    const p = pairs[0];
    expect(diff(p.old, p.new)).toEqual(diff(p.old, p.new));
  });
});

/** Small synthetic pair: an image with code-like structure and typical edits. */
function smallPair(): { old: Uint8Array; new: Uint8Array } {
  const old = deterministicBytes(3000, 7);
  for (let i = 0; i < old.length; i += 16) old[i] = 0x20; // some structure
  const nw = new Uint8Array(3100);
  nw.set(old.subarray(0, 1000));
  nw.set(deterministicBytes(100, 9), 1000);
  nw.set(old.subarray(1000), 1100);
  for (let i = 1200; i < 2400; i += 4) nw[i] = (nw[i] + 8) & 0xff;
  return { old, new: nw };
}

describe.each(CORE_KINDS)("core applier (%s)", (kind) => {
  const heavy = new Set(["micropython-esp8266-v1.9.4-v1.10", "pybv11-v1.10-1f5d945af"]);
  const mine = kind === "wasm" || LONG ? pairs : pairs.filter((p) => !heavy.has(p.name));
  describe.runIf(mine.length > 0)("real pairs", () => {
    for (const codec of CODECS) {
      it.each(mine.map((p) => [p.name, p] as [string, FirmwarePair]))(`${codec}: %s`, async (_n, p) => {
        const r = await coreApply(kind, p.old, pairPatch(p, codec), p.new.length, codec);
        expect(r.status).toBe(0);
        expect(r.produced).toBe(p.new.length);
        expect(r.output).toEqual(p.new);
      });
    }
  });

  it("keeps its RAM within 16 KiB", async () => {
    const core = await loadCore(kind);
    const ram = core.exports.deltaRamBytes() as number;
    expect(ram).toBeGreaterThan(0);
    expect(ram).toBeLessThanOrEqual(16384);
  });

  // Realistic edits of a real image: insertions, deletions, moved blocks,
  // changed constants and relinked addresses (aligned words shifted by a constant).
  const base = pairs.length > 0 ? pairs.find((p) => p.name.startsWith("blinky"))?.old ?? pairs[0].old : deterministicBytes(40000, 3);
  const edit = fc.oneof(
    fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 300 }) }),
    fc.record({ kind: fc.constant("delete" as const), at: fc.nat(), len: fc.integer({ min: 1, max: 2000 }) }),
    fc.record({ kind: fc.constant("move" as const), at: fc.nat(), len: fc.integer({ min: 1, max: 3000 }), to: fc.nat() }),
    fc.record({ kind: fc.constant("constant" as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ kind: fc.constant("relink" as const), at: fc.nat(), len: fc.integer({ min: 4, max: 8000 }), delta: fc.integer({ min: -4096, max: 4096 }) }),
  );
  type Edit = typeof edit extends fc.Arbitrary<infer T> ? T : never;
  function applyEdits(img: Uint8Array, edits: Edit[]): Uint8Array {
    let cur = Array.from(img);
    for (const e of edits) {
      const at = cur.length === 0 ? 0 : e.at % cur.length;
      if (e.kind === "insert") cur.splice(at, 0, ...e.bytes);
      else if (e.kind === "delete") cur.splice(at, e.len);
      else if (e.kind === "move") {
        const part = cur.splice(at, e.len);
        const to = cur.length === 0 ? 0 : e.to % cur.length;
        cur.splice(to, 0, ...part);
      } else if (e.kind === "constant") {
        if (cur.length > 0) cur[at] = e.value;
      } else {
        for (let i = at & ~3; i + 4 <= Math.min(cur.length, at + e.len); i += 4) {
          const w = (cur[i] | (cur[i + 1] << 8) | (cur[i + 2] << 16) | (cur[i + 3] << 24)) + e.delta;
          for (let k = 0; k < 4; k++) cur[i + k] = (w >>> (8 * k)) & 0xff;
        }
      }
    }
    return Uint8Array.from(cur);
  }
  const slice = fc.record({ start: fc.nat(), len: fc.integer({ min: 0, max: 20000 }) });

  it("round-trips realistic edits under random chunkings", async () => {
    await fc.assert(
      fc.asyncProperty(slice, fc.array(edit, { maxLength: 8 }), fc.integer({ min: 1, max: 1024 }), fc.integer({ min: 1, max: 1024 }), fc.constantFrom(...CODECS), async (s, edits, chunk, pollMax, codec) => {
        const start = s.start % Math.max(1, base.length);
        const old = base.subarray(start, start + s.len);
        const nw = applyEdits(old, edits);
        const patch = diff(old, nw, { codec });
        expect(applyPatch(old, patch)).toEqual(nw);
        let c = chunk;
        const r = await coreApply(kind, old, patch, nw.length, codec, { chunk: () => (c = (c * 7 + 3) % 1024 + 1), pollMax });
        expect(r.status).toBe(0);
        expect(r.output).toEqual(nw);
      }),
      { numRuns: RUNS },
    );
  });

  it("resumes at any block boundary with identical output", async () => {
    // A multi-block pair: a real one when present, else a synthetic relink.
    const big = pairs.find((p) => p.new.length > 2 * DELTA_BLOCK_SIZE);
    const old = big ? big.old : deterministicBytes(4 * DELTA_BLOCK_SIZE, 5);
    const nw = big ? big.new : applyEdits(old, [{ kind: "relink", at: 100, len: 200000, delta: 64 }]);
    for (const codec of CODECS) {
      const patch = big ? pairPatch(big, codec) : diff(old, nw, { codec });
      const full = await coreApply(kind, old, patch, nw.length, codec);
      expect(full.status).toBe(0);
      const points = full.resumePoints.filter((p) => p.outputOffset < nw.length);
      expect(points.length).toBeGreaterThan(1);
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...points), fc.integer({ min: 1, max: 1024 }), async (from, chunk) => {
          // Run a first session part-way, as if power failed after the resume point.
          const first = await coreApply(kind, old, patch, nw.length, codec, { stopAt: Math.min(nw.length, from.outputOffset + 100) });
          expect(first.status).toBe(0);
          expect(first.resumePoints).toContainEqual(from);
          const r = await coreApply(kind, old, patch, nw.length, codec, { from, chunk: () => chunk });
          expect(r.status).toBe(0);
          expect(r.output.subarray(from.outputOffset)).toEqual(nw.subarray(from.outputOffset));
        }),
        { numRuns: LONG ? 40 : 4 },
      );
    }
  });

  it("rejects a resume point that is not a block boundary", async () => {
    const { old, new: nw } = smallPair();
    const patch = diff(old, nw);
    const r = await coreApply(kind, old, patch, nw.length, "rc", { from: { patchOffset: 16, outputOffset: 5 } });
    expect(DELTA_STATUS_CODES[r.status]).toBe("DELTA_RESUME");
  });

  describe.each(CODECS)("hostile patches (%s)", (codec) => {
    const { old, new: nw } = smallPair();
    const patch = diff(old, nw, { codec });
    const expectTyped = (status: number) => expect(KNOWN.has(status), `status ${status}`).toBe(true);

    it("truncated patches end in a typed error", async () => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 0, max: patch.length - 1 }), async (cut) => {
          const r = await coreApply(kind, old, patch.subarray(0, cut), nw.length, codec);
          expectTyped(r.status);
          expect(() => applyPatch(old, patch.subarray(0, cut))).toThrow(DeltaFormatError);
        }),
        { numRuns: RUNS * 2 },
      );
    });

    it("random block contents end in a typed error or the exact image", async () => {
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 400 }), fc.nat(), async (junk, cut) => {
          // The real header and block head, then arbitrary bytes as payload.
          const head = patch.subarray(0, 16 + 1 + 4 + (cut % 3));
          const bad = new Uint8Array(head.length + junk.length);
          bad.set(head);
          bad.set(junk, head.length);
          const r = await coreApply(kind, old, bad, nw.length, codec);
          if (r.status === 0) expect(r.output).toEqual(nw);
          else expectTyped(r.status);
        }),
        { numRuns: RUNS * 2 },
      );
    });

    it("extended patches are TRAILING_BYTES (formerly DELTA_TRAILING)", async () => {
      const longer = new Uint8Array(patch.length + 3);
      longer.set(patch);
      const r = await coreApply(kind, old, longer, nw.length, codec);
      expect(DELTA_STATUS_CODES[r.status]).toBe("TRAILING_BYTES");
    });

    it("bit flips give a typed error or the exact image", async () => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 0, max: patch.length * 8 - 1 }), async (bit) => {
          const bad = patch.slice();
          bad[bit >> 3] ^= 1 << (bit & 7);
          const r = await coreApply(kind, old, bad, nw.length, codec);
          if (r.status === 0) expect(r.output).toEqual(nw);
          else expectTyped(r.status);
        }),
        { numRuns: RUNS * 4 },
      );
    });

    it("a copy outside the old image is DELTA_OLD_RANGE and reads nothing outside it", async () => {
      // Encode against a longer "old" image, then claim the real size.
      const longOld = new Uint8Array(old.length + 500);
      longOld.set(old);
      longOld.set(nw.subarray(0, 500), old.length);
      const ops = [{ oldPos: old.length, copy: 500, insert: 0 }, { oldPos: 0, copy: nw.length - 500, insert: 0 }];
      const hostile = encodePatch(longOld, nw, ops, { codec });
      hostile.set([old.length & 0xff, (old.length >> 8) & 0xff, 0, 0], 8);
      const r = await coreApply(kind, old, hostile, nw.length, codec);
      expect(DELTA_STATUS_CODES[r.status]).toBe("DELTA_OLD_RANGE");
      expect(() => applyPatch(old, hostile)).toThrow(/outside the old image/);
    });

    it("operations past newSize are DELTA_NEW_RANGE", async () => {
      const longNew = new Uint8Array(nw.length + 40);
      longNew.set(nw);
      const ops = [{ oldPos: 0, copy: 100, insert: longNew.length - 100 }];
      const hostile = encodePatch(old, longNew, ops, { codec });
      hostile.set([nw.length & 0xff, (nw.length >> 8) & 0xff, 0, 0], 12);
      const r = await coreApply(kind, old, hostile, nw.length, codec);
      expect(DELTA_STATUS_CODES[r.status]).toBe("DELTA_NEW_RANGE");
      expect(() => applyPatch(old, hostile)).toThrow(/overruns/);
    });

  });

  describe("misuse", () => {
    const { old, new: nw } = smallPair();
    const patch = diff(old, nw);
    it("header mismatches and misuse are typed", async () => {
      const flash = new MemoryFlash(old, OLD_BASE);
      const core = await loadCore(kind, flash);
      const x = core.exports;
      expect(DELTA_STATUS_CODES[x.deltaSink(0)]).toBe("DELTA_STATE");
      expect(DELTA_STATUS_CODES[x.deltaBegin(OLD_BASE, old.length, nw.length, 9)]).toBe("DELTA_CODEC");
      const wrongSize = applyDeltaWith(core, patch, { oldAddr: OLD_BASE, oldSize: old.length - 1, newSize: nw.length, codec: 1 });
      expect(DELTA_STATUS_CODES[wrongSize.status]).toBe("DELTA_HEADER");
      const badMagic = patch.slice();
      badMagic[0] ^= 0xff;
      const r = applyDeltaWith(core, badMagic, { oldAddr: OLD_BASE, oldSize: old.length, newSize: nw.length, codec: 1 });
      expect(DELTA_STATUS_CODES[r.status]).toBe("DELTA_HEADER");
    });
  });
});
