// SimFlash: NOR semantics, refusals, counters, deterministic power cuts,
// unstable bits, bit flips, snapshots and the image file. No core needed.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { FlashError } from "../bindings/flash.js";
import { PowerCut, SimFlash, type CutTiming, type SimFlashOptions } from "../bootloader-sim/flash.js";

const RUNS = process.env.SLOTBOOT_LONG ? 2000 : 150;

interface Geom {
  sectorSize: number;
  sectorCount: number;
  writeSize: number;
}

const geomArb: fc.Arbitrary<Geom> = fc
  .record({
    writeSize: fc.constantFrom(1, 4, 8, 16),
    units: fc.integer({ min: 1, max: 16 }),
    sectorCount: fc.integer({ min: 1, max: 4 }),
  })
  .map(({ writeSize, units, sectorCount }) => ({ writeSize, sectorSize: writeSize * units, sectorCount }));

type Op = { kind: "program"; addr: number; data: Uint8Array } | { kind: "erase"; addr: number };

// Raw draws turned into an always-valid op for a geometry.
const rawOpArb = fc.record({
  erase: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
  at: fc.nat(),
  units: fc.integer({ min: 1, max: 4 }),
  bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }),
});
type RawOp = typeof rawOpArb extends fc.Arbitrary<infer T> ? T : never;

function materialize(r: RawOp, g: Geom): Op {
  const size = g.sectorSize * g.sectorCount;
  if (r.erase) return { kind: "erase", addr: (r.at % g.sectorCount) * g.sectorSize };
  const totalUnits = size / g.writeSize;
  const unit = r.at % totalUnits;
  const n = Math.min(r.units, totalUnits - unit);
  const data = new Uint8Array(n * g.writeSize);
  for (let i = 0; i < data.length; i++) data[i] = r.bytes[i % r.bytes.length];
  return { kind: "program", addr: unit * g.writeSize, data };
}

const scenarioArb = fc.record({
  geom: geomArb,
  init: fc.uint8Array({ minLength: 1024, maxLength: 1024 }),
  raw: fc.array(rawOpArb, { minLength: 1, maxLength: 24 }),
  pick: fc.nat(),
  seed: fc.integer({ min: 0, max: 0xffffffff }),
});

function make(g: Geom, init: Uint8Array | null, extra: Partial<SimFlashOptions> = {}): SimFlash {
  const f = new SimFlash({ ...g, strictEcc: false, ...extra });
  if (init) f.poke(0, init.subarray(0, f.geometry.size));
  return f;
}

function apply(f: SimFlash, op: Op): void {
  if (op.kind === "erase") f.erase(op.addr);
  else f.program(op.addr, op.data);
}

/** Contents before any op and after each one, without faults. */
function reference(g: Geom, init: Uint8Array, ops: Op[]): { states: Uint8Array[]; wear: Uint32Array[] } {
  const f = make(g, init);
  const states = [f.contents.slice()];
  const wear = [f.wear.slice()];
  for (const op of ops) {
    apply(f, op);
    states.push(f.contents.slice());
    wear.push(f.wear.slice());
  }
  return { states, wear };
}

/** Runs ops until the flash throws PowerCut; returns how many calls were made (including the cut one). */
function runUntilCut(f: SimFlash, ops: Op[]): { calls: number; cut: PowerCut | null } {
  for (let i = 0; i < ops.length; i++) {
    try {
      apply(f, ops[i]);
    } catch (e) {
      if (e instanceof PowerCut) return { calls: i + 1, cut: e };
      throw e;
    }
  }
  return { calls: ops.length, cut: null };
}

function expectFlashError(fn: () => void, code: string): void {
  let caught: unknown = null;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(FlashError);
  expect((caught as FlashError).code).toBe(code);
}

// toEqual walks typed arrays element by element; this keeps MB-sized checks fast.
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(a, b) === 0;
}

function readAll(f: SimFlash): Uint8Array {
  const out = new Uint8Array(f.geometry.size);
  f.read(0, out);
  return out;
}

describe("NOR semantics", () => {
  it("program only clears bits (new = old AND data), erase restores 0xFF, reads match a model", () => {
    fc.assert(
      fc.property(scenarioArb, ({ geom, init, raw }) => {
        const f = make(geom, init);
        const model = init.slice(0, f.geometry.size);
        for (const r of raw) {
          const op = materialize(r, geom);
          const before = f.contents.slice();
          apply(f, op);
          if (op.kind === "erase") {
            model.fill(0xff, op.addr, op.addr + geom.sectorSize);
          } else {
            for (let i = 0; i < op.data.length; i++) model[op.addr + i] &= op.data[i];
            expect(f.contents.every((b, i) => (b & ~before[i]) === 0)).toBe(true);
          }
          expect(readAll(f)).toEqual(model);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("reads at any offset and length copy the stored bytes", () => {
    fc.assert(
      fc.property(geomArb, fc.uint8Array({ minLength: 1024, maxLength: 1024 }), fc.nat(), fc.nat(), (g, init, a, l) => {
        const f = make(g, init);
        const size = f.geometry.size;
        const addr = a % (size + 1);
        const out = new Uint8Array(l % (size - addr + 1));
        f.read(addr, out);
        expect(out).toEqual(init.subarray(addr, addr + out.length));
      }),
      { numRuns: RUNS },
    );
  });

  it("defaults to strictEcc and reports its geometry", () => {
    const f = new SimFlash({ sectorSize: 4096, sectorCount: 3, writeSize: 8 });
    expect(f.strictEcc).toBe(true);
    expect(f.geometry).toEqual({ size: 12288, sectorSize: 4096, writeSize: 8, sectorCount: 3 });
    expect(f.contents.every((b) => b === 0xff)).toBe(true);
  });

  it("rejects impossible geometries", () => {
    expect(() => new SimFlash({ sectorSize: 4096, sectorCount: 1, writeSize: 2 })).toThrow(RangeError);
    expect(() => new SimFlash({ sectorSize: 100, sectorCount: 1, writeSize: 8 })).toThrow(RangeError);
    expect(() => new SimFlash({ sectorSize: 4096, sectorCount: 0, writeSize: 4 })).toThrow(RangeError);
  });
});

describe("refusals change nothing", () => {
  it("misaligned and out-of-range operations throw stable codes and leave state, counters and plan alone", () => {
    fc.assert(
      fc.property(geomArb, fc.uint8Array({ minLength: 1024, maxLength: 1024 }), fc.nat(), fc.nat(), (g, init, a, b) => {
        const f = make(g, init);
        const size = f.geometry.size;
        const ws = g.writeSize;
        f.setFaultPlan({ op: 1, timing: "during", countReads: true });
        const contents = f.contents.slice();
        const counters = { ...f.counters };
        const bad: [() => void, string][] = [
          [() => f.program(size - ws + ws, new Uint8Array(ws)), "OUT_OF_RANGE"],
          [() => f.program((a % (size / ws)) * ws, new Uint8Array(size + ws)), "OUT_OF_RANGE"],
          [() => f.program(-ws, new Uint8Array(ws)), "OUT_OF_RANGE"],
          [() => f.program(0.5, new Uint8Array(ws)), "OUT_OF_RANGE"],
          [() => f.erase(size), "OUT_OF_RANGE"],
          [() => f.erase(-g.sectorSize), "OUT_OF_RANGE"],
          [() => f.read(a % (size + 1), new Uint8Array(size - (a % (size + 1)) + 1 + (b % 8))), "OUT_OF_RANGE"],
          [() => f.read(-1, new Uint8Array(1)), "OUT_OF_RANGE"],
        ];
        if (g.sectorSize > 1) bad.push([() => f.erase(1 + (a % (g.sectorSize - 1))), "MISALIGNED"]);
        if (ws > 1) {
          const unit = (a % (size / ws)) * ws;
          bad.push([() => f.program(unit + 1 + (b % (ws - 1)), new Uint8Array(0)), "MISALIGNED"]);
          bad.push([() => f.program(unit, new Uint8Array(1 + (b % (ws - 1)))), "MISALIGNED"]);
        }
        for (const [call, code] of bad) expectFlashError(call, code);
        expect(f.contents).toEqual(contents);
        expect(f.counters).toEqual(counters);
        expect(f.wear.every((w) => w === 0)).toBe(true);
        expect(f.opsSinceArmed).toBe(0);
        expect(f.powered).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it("strictEcc refuses programming a write unit that is not fully erased, and only that", () => {
    fc.assert(
      fc.property(geomArb, fc.nat(), fc.nat(), fc.integer({ min: 0, max: 0xfe }), (g, u, k, dirty) => {
        const f = new SimFlash({ ...g, strictEcc: true });
        const ws = g.writeSize;
        const units = f.geometry.size / ws;
        const unit = (u % units) * ws;
        const at = unit + (k % ws);
        f.poke(at, Uint8Array.of(dirty));
        const contents = f.contents.slice();
        const counters = { ...f.counters };
        expectFlashError(() => f.program(unit, new Uint8Array(ws).fill(0xff)), "NOT_ERASED");
        if (unit > 0) expectFlashError(() => f.program(unit - ws, new Uint8Array(2 * ws)), "NOT_ERASED");
        expect(f.contents).toEqual(contents);
        expect(f.counters).toEqual(counters);
        // Every other unit is still programmable.
        for (let a = 0; a < f.geometry.size; a += ws) if (a !== unit) f.program(a, new Uint8Array(ws).fill(0x5a));
        expect(f.counters.programs).toBe(units - 1);
        // Erase makes the unit programmable again.
        f.erase(unit - (unit % g.sectorSize));
        f.program(unit, new Uint8Array(ws).fill(0x0f));
        expectFlashError(() => f.program(unit, new Uint8Array(ws).fill(0x0f)), "NOT_ERASED");
      }),
      { numRuns: RUNS },
    );
  });

  it("without strictEcc, reprogramming applies AND silently", () => {
    const f = new SimFlash({ sectorSize: 64, sectorCount: 1, writeSize: 4, strictEcc: false });
    f.program(0, Uint8Array.of(0xf0, 0xff, 0x0f, 0xaa));
    f.program(0, Uint8Array.of(0x3c, 0x00, 0xff, 0x55));
    expect([...f.contents.subarray(0, 4)]).toEqual([0x30, 0x00, 0x0f, 0x00]);
  });
});

describe("power cuts", () => {
  const timings: CutTiming[] = ["before", "after"];
  it.each(timings)("a cut %s op N leaves the reference state after N-1 (before) or N (after) ops", (timing) => {
    fc.assert(
      fc.property(scenarioArb, ({ geom, init, raw, pick, seed }) => {
        const ops = raw.map((r) => materialize(r, geom));
        const n = 1 + (pick % ops.length);
        const ref = reference(geom, init, ops);
        const f = make(geom, init);
        f.setFaultPlan({ op: n, timing, seed });
        const { calls, cut } = runUntilCut(f, ops);
        expect(cut).not.toBeNull();
        expect(calls).toBe(n);
        expect(cut!.op).toBe(n);
        expect(cut!.kind).toBe(ops[n - 1].kind);
        expect(cut!.timing).toBe(timing);
        expect(cut!.dead).toBe(false);
        const k = timing === "before" ? n - 1 : n;
        expect(f.contents).toEqual(ref.states[k]);
        expect(f.wear).toEqual(ref.wear[k]);
      }),
      { numRuns: RUNS },
    );
  });

  it("a cut during op N leaves every bit at its before or after value (program: only cleared bits differ; erase: old or 1)", () => {
    fc.assert(
      fc.property(scenarioArb, ({ geom, init, raw, pick, seed }) => {
        const ops = raw.map((r) => materialize(r, geom));
        const n = 1 + (pick % ops.length);
        const ref = reference(geom, init, ops);
        const f = make(geom, init);
        f.setFaultPlan({ op: n, timing: "during", seed });
        const { calls, cut } = runUntilCut(f, ops);
        expect(calls).toBe(n);
        expect(cut!.timing).toBe("during");
        const before = ref.states[n - 1];
        const after = ref.states[n];
        const torn = f.contents;
        const op = ops[n - 1];
        for (let i = 0; i < torn.length; i++) {
          if (op.kind === "program") {
            // after ⊆ torn ⊆ before, bitwise: only bits the program clears may differ.
            expect(torn[i] & ~before[i]).toBe(0);
            expect(after[i] & ~torn[i]).toBe(0);
          } else {
            const inSector = i >= op.addr && i < op.addr + geom.sectorSize;
            if (inSector) expect(before[i] & ~torn[i]).toBe(0);
            else expect(torn[i]).toBe(before[i]);
          }
        }
        expect(f.wear).toEqual(ref.wear[n]);
      }),
      { numRuns: RUNS },
    );
  });

  it("torn results are deterministic per seed and actually torn", () => {
    const run = (kind: "program" | "erase", seed: number): Uint8Array => {
      const f = new SimFlash({ sectorSize: 4096, sectorCount: 2, writeSize: 4, strictEcc: false });
      if (kind === "erase") f.poke(4096, new Uint8Array(4096));
      f.setFaultPlan({ op: 1, timing: "during", seed });
      expect(() => (kind === "erase" ? f.erase(4096) : f.program(4096, new Uint8Array(4096)))).toThrow(PowerCut);
      return f.contents.slice(4096);
    };
    for (const kind of ["program", "erase"] as const) {
      const seen = new Set<string>();
      for (let seed = 0; seed < 8; seed++) {
        const a = run(kind, seed);
        expect(run(kind, seed)).toEqual(a);
        let ones = 0;
        for (const b of a) for (let m = b; m; m &= m - 1) ones++;
        // Each bit is an independent coin: about half of 32768 bits land.
        expect(ones).toBeGreaterThan(32768 * 0.45);
        expect(ones).toBeLessThan(32768 * 0.55);
        seen.add(Buffer.from(a).toString("hex"));
      }
      expect(seen.size).toBe(8);
    }
  });

  it("the PowerCut keeps firing on every call until powerOn(), which clears the plan", () => {
    fc.assert(
      fc.property(scenarioArb, fc.constantFrom<CutTiming>("before", "during", "after"), ({ geom, init, raw, pick, seed }, timing) => {
        const ops = raw.map((r) => materialize(r, geom));
        const n = 1 + (pick % ops.length);
        const f = make(geom, init);
        f.setFaultPlan({ op: n, timing, seed });
        const { cut } = runUntilCut(f, ops);
        expect(cut).toBeInstanceOf(Error);
        expect(cut!.abortsCore).toBe(true);
        expect(f.powered).toBe(false);
        expect(f.lastCut).toBe(cut);
        const contents = f.contents.slice();
        const counters = { ...f.counters };
        const calls: [string, () => void][] = [
          ["read", () => f.read(0, new Uint8Array(1))],
          ["program", () => f.program(0, new Uint8Array(geom.writeSize))],
          ["erase", () => f.erase(0)],
          // Even calls that would be refused are answered with the power cut.
          ["erase", () => f.erase(f.geometry.size)],
        ];
        for (let round = 0; round < 2; round++) {
          for (const [attempted, call] of calls) {
            let e: unknown = null;
            try {
              call();
            } catch (x) {
              e = x;
            }
            expect(e).toBeInstanceOf(PowerCut);
            const p = e as PowerCut;
            expect([p.dead, p.attempted, p.op, p.kind, p.timing, p.abortsCore]).toEqual([true, attempted, n, cut!.kind, timing, true]);
          }
        }
        expect(f.contents).toEqual(contents);
        expect(f.counters).toEqual(counters);
        f.powerOn();
        expect(f.powered).toBe(true);
        expect(f.faultPlan).toBeNull();
        for (const op of ops) apply(f, op); // no second cut
        f.read(0, new Uint8Array(f.geometry.size));
      }),
      { numRuns: RUNS },
    );
  });

  it("cutAfterOps(n) completes n mutating ops and tears op n+1", () => {
    fc.assert(
      fc.property(scenarioArb, ({ geom, init, raw, pick, seed }) => {
        const ops = raw.map((r) => materialize(r, geom));
        const n = pick % ops.length;
        const a = make(geom, init);
        a.cutAfterOps(n, seed);
        const ra = runUntilCut(a, ops);
        const b = make(geom, init);
        b.setFaultPlan({ op: n + 1, timing: "during", seed });
        runUntilCut(b, ops);
        expect(ra.calls).toBe(n + 1);
        expect(ra.cut!.timing).toBe("during");
        expect(a.contents).toEqual(b.contents);
        expect(a.counters.programs + a.counters.erases).toBe(n + 1);
      }),
      { numRuns: RUNS },
    );
  });

  it("reads are counted as operations only when the plan says so", () => {
    const f = new SimFlash({ sectorSize: 16, sectorCount: 2, writeSize: 4 });
    const buf = new Uint8Array(4);
    f.setFaultPlan({ op: 2, timing: "before" });
    f.read(0, buf);
    f.read(0, buf);
    f.program(0, new Uint8Array(4));
    expect(() => f.program(4, new Uint8Array(4))).toThrow(PowerCut);
    expect(f.contents[4]).toBe(0xff);

    f.powerOn();
    f.setFaultPlan({ op: 3, timing: "after", countReads: true });
    buf.fill(7);
    f.program(8, Uint8Array.of(1, 2, 3, 4));
    f.erase(16);
    expect(() => f.read(8, buf)).toThrow(PowerCut);
    expect([...buf]).toEqual([1, 2, 3, 4]);

    f.powerOn();
    f.setFaultPlan({ op: 1, timing: "during", countReads: true });
    buf.fill(7);
    expect(() => f.read(8, buf)).toThrow(PowerCut);
    expect([...buf]).toEqual([7, 7, 7, 7]);
  });

  it("rejects nonsense plans", () => {
    const f = new SimFlash({ sectorSize: 16, sectorCount: 1, writeSize: 1 });
    expect(() => f.setFaultPlan({ op: 0, timing: "before" })).toThrow(RangeError);
    expect(() => f.setFaultPlan({ op: 1.5, timing: "after" })).toThrow(RangeError);
    expect(() => f.setFaultPlan({ op: 1, timing: "sometime" as CutTiming })).toThrow(RangeError);
    expect(() => f.cutAfterOps(-1)).toThrow(RangeError);
  });
});

describe("unstable bits", () => {
  function tornWithUnstable(seed: number, unstableBits: number): SimFlash {
    const f = new SimFlash({ sectorSize: 256, sectorCount: 2, writeSize: 4, strictEcc: false });
    f.poke(0, new Uint8Array(512));
    f.setFaultPlan({ op: 1, timing: "during", seed, unstableBits });
    expect(() => f.erase(256)).toThrow(PowerCut);
    f.powerOn();
    return f;
  }

  it("read inconsistently (only at unstable positions) until the sector is erased", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 1, max: 24 }), (seed, k) => {
        const f = tornWithUnstable(seed, k);
        const count = f.unstableBitCount();
        expect(count).toBeGreaterThanOrEqual(1);
        expect(count).toBeLessThanOrEqual(k);
        const mask = f.unstableMask(0, 512);
        expect(mask.subarray(0, 256).every((m) => m === 0)).toBe(true);
        const seen0 = new Uint8Array(512);
        const seen1 = new Uint8Array(512);
        let stableMismatch = 0;
        for (let r = 0; r < 40; r++) {
          const out = readAll(f);
          for (let i = 0; i < 512; i++) {
            stableMismatch |= (out[i] ^ f.contents[i]) & ~mask[i];
            seen0[i] |= ~out[i] & mask[i];
            seen1[i] |= out[i] & mask[i];
          }
        }
        expect(stableMismatch).toBe(0);
        // Every unstable bit was seen both ways.
        expect(seen0).toEqual(mask);
        expect(seen1).toEqual(mask);
        // Unstable bits are stored as 1 (weakly erased).
        expect(f.contents.every((b, i) => (b & mask[i]) === mask[i])).toBe(true);
        f.erase(256);
        expect(f.unstableBitCount()).toBe(0);
        for (let r = 0; r < 3; r++) expect(readAll(f).subarray(256).every((b) => b === 0xff)).toBe(true);
      }),
      { numRuns: Math.ceil(RUNS / 3) },
    );
  });

  it("programming a bit to 0 makes it stable; bits left at 1 stay unstable", () => {
    const f = tornWithUnstable(99, 64);
    const mask = f.unstableMask(256, 256);
    const unit = mask.findIndex((m) => m !== 0) & ~3;
    const data = new Uint8Array(4).fill(0x0f);
    f.program(256 + unit, data);
    const after = f.unstableMask(256 + unit, 4);
    for (let i = 0; i < 4; i++) expect(after[i]).toBe(mask[unit + i] & 0x0f);
    for (let r = 0; r < 10; r++) {
      const out = new Uint8Array(4);
      f.read(256 + unit, out);
      for (let i = 0; i < 4; i++) expect(out[i] & 0xf0).toBe(0);
    }
  });

  it("the same state and plan give the same unstable reads", () => {
    const a = tornWithUnstable(5, 16);
    const b = tornWithUnstable(5, 16);
    for (let r = 0; r < 5; r++) expect(readAll(a)).toEqual(readAll(b));
  });
});

describe("counters and wear", () => {
  it("count every accepted operation exactly, and nothing refused", () => {
    fc.assert(
      fc.property(scenarioArb, fc.array(fc.nat(), { maxLength: 24 }), ({ geom, raw }, reads) => {
        const f = make(geom, null, { strictEcc: true });
        const want = { reads: 0, programs: 0, erases: 0, bytesRead: 0, bytesProgrammed: 0 };
        const wear = new Uint32Array(geom.sectorCount);
        const size = f.geometry.size;
        raw.forEach((r, i) => {
          const op = materialize(r, geom);
          try {
            apply(f, op);
            if (op.kind === "erase") {
              want.erases++;
              wear[op.addr / geom.sectorSize]++;
            } else {
              want.programs++;
              want.bytesProgrammed += op.data.length;
            }
          } catch (e) {
            expect((e as FlashError).code).toBe("NOT_ERASED");
          }
          const r0 = reads[i] ?? 0;
          const addr = r0 % size;
          const len = (r0 >>> 3) % (size - addr + 1);
          f.read(addr, new Uint8Array(len));
          want.reads++;
          want.bytesRead += len;
          expect(() => f.erase(size)).toThrow(FlashError);
        });
        expect(f.counters).toEqual(want);
        expect(f.wear).toEqual(wear);
        expect(f.maxWear()).toBe(Math.max(...wear));
        expect(f.meanWear()).toBeCloseTo(wear.reduce((s, w) => s + w, 0) / wear.length, 12);
        f.resetCounters();
        expect(f.counters).toEqual({ reads: 0, programs: 0, erases: 0, bytesRead: 0, bytesProgrammed: 0 });
        expect(f.wear).toEqual(wear);
      }),
      { numRuns: RUNS },
    );
  });

  it("a cut before op N does not count it; torn and completed-then-cut ops do", () => {
    for (const [timing, counted] of [["before", 0], ["during", 1], ["after", 1]] as const) {
      const f = new SimFlash({ sectorSize: 16, sectorCount: 1, writeSize: 1 });
      f.setFaultPlan({ op: 1, timing });
      expect(() => f.erase(0)).toThrow(PowerCut);
      expect([f.counters.erases, f.wear[0]]).toEqual([counted, counted]);
      f.powerOn();
      f.setFaultPlan({ op: 1, timing });
      expect(() => f.program(0, new Uint8Array(3))).toThrow(PowerCut);
      expect([f.counters.programs, f.counters.bytesProgrammed]).toEqual([counted, 3 * counted]);
    }
  });
});

describe("bit flips at rest", () => {
  it("flipBit inverts exactly one bit and counts nothing", () => {
    const f = new SimFlash({ sectorSize: 16, sectorCount: 1, writeSize: 1 });
    f.flipBit(3, 7);
    expect(f.contents[3]).toBe(0x7f);
    f.flipBit(3, 7);
    expect(f.contents[3]).toBe(0xff);
    expect(f.counters.reads + f.counters.programs).toBe(0);
    expectFlashError(() => f.flipBit(16, 0), "OUT_OF_RANGE");
    expectFlashError(() => f.flipBit(0, 8), "OUT_OF_RANGE");
  });

  it("randomBitFlips flips exactly `count` distinct bits inside the range, reproducibly", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.nat({ max: 255 }), fc.integer({ min: 1, max: 256 }), fc.nat(), (seed, a, l, c) => {
        const len = Math.min(l, 256 - a);
        const count = c % (len * 8 + 1);
        const f = new SimFlash({ sectorSize: 64, sectorCount: 4, writeSize: 4 });
        const flips = f.randomBitFlips(count, seed, { addr: a, len });
        let diff = 0;
        for (let i = 0; i < 256; i++) {
          const x = f.contents[i] ^ 0xff;
          if (i < a || i >= a + len) expect(x).toBe(0);
          for (let m = x; m; m &= m - 1) diff++;
        }
        expect(diff).toBe(count);
        expect(flips.length).toBe(count);
        const g = new SimFlash({ sectorSize: 64, sectorCount: 4, writeSize: 4 });
        expect(g.randomBitFlips(count, seed, { addr: a, len })).toEqual(flips);
        expect(g.contents).toEqual(f.contents);
      }),
      { numRuns: RUNS },
    );
  });
});

describe("snapshots, clones and the op log", () => {
  it("restore() returns to the snapshot state exactly; clones are independent", () => {
    fc.assert(
      fc.property(scenarioArb, scenarioArb, ({ geom, init, raw, seed }, other) => {
        const f = make(geom, init);
        for (const r of raw) apply(f, materialize(r, geom));
        f.setFaultPlan({ op: 1, timing: "during", seed, unstableBits: 5 });
        expect(() => f.erase(0)).toThrow(PowerCut);
        f.powerOn();
        const snap = f.snapshot();
        const c = f.clone();
        const before = c.serialize();
        expect(before).toEqual(f.serialize());
        for (const r of other.raw) apply(f, materialize(r, geom));
        f.erase(0); // removes the unstable bits
        readAll(f);
        expect(c.serialize()).toEqual(before);
        f.setFaultPlan({ op: 1, timing: "before" });
        expect(() => f.erase(0)).toThrow(PowerCut);
        f.restore(snap);
        expect(f.powered).toBe(true);
        expect(f.serialize()).toEqual(before);
        expect(readAll(f)).toEqual(readAll(c));
      }),
      { numRuns: Math.ceil(RUNS / 2) },
    );
  });

  it("keeps the last opLogLimit mutating ops, including the cut one", () => {
    const f = new SimFlash({ sectorSize: 16, sectorCount: 2, writeSize: 4, opLogLimit: 3 });
    expect(new SimFlash({ sectorSize: 16, sectorCount: 1, writeSize: 4 }).opLog()).toEqual([]);
    f.erase(0);
    f.program(0, new Uint8Array(4));
    f.read(0, new Uint8Array(4));
    f.program(4, new Uint8Array(8));
    f.setFaultPlan({ op: 2, timing: "during" });
    f.erase(16);
    expect(() => f.program(16, new Uint8Array(4))).toThrow(PowerCut);
    expect(f.opLog()).toEqual([
      { seq: 3, kind: "program", addr: 4, len: 8 },
      { seq: 4, kind: "erase", addr: 16, len: 16 },
      { seq: 5, kind: "program", addr: 16, len: 4, cut: "during" },
    ]);
  });
});

describe("image file", () => {
  function busyFlash(seed: number, strictEcc: boolean): SimFlash {
    const f = new SimFlash({ sectorSize: 128, sectorCount: 4, writeSize: 8, strictEcc, opLogLimit: 7, noiseSeed: seed ^ 1 });
    f.erase(128);
    f.program(136, new Uint8Array(16).fill(0x3c));
    f.read(0, new Uint8Array(100));
    f.setFaultPlan({ op: 1, timing: "during", seed, unstableBits: 12 });
    expect(() => f.erase(256)).toThrow(PowerCut);
    f.powerOn();
    f.randomBitFlips(5, seed);
    return f;
  }

  it("round-trips contents, geometry, options, wear, counters, unstable bits and noise state", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.boolean(), (seed, strict) => {
        const f = busyFlash(seed, strict);
        const img = f.serialize();
        const g = SimFlash.deserialize(img);
        expect(g.geometry).toEqual(f.geometry);
        expect([g.strictEcc, g.opLogLimit]).toEqual([strict, 7]);
        expect(g.contents).toEqual(f.contents);
        expect(g.wear).toEqual(f.wear);
        expect(g.counters).toEqual(f.counters);
        expect(g.unstableMask(0, 512)).toEqual(f.unstableMask(0, 512));
        expect(g.unstableBitCount()).toBeGreaterThan(0);
        expect(g.serialize()).toEqual(img);
        for (let r = 0; r < 3; r++) expect(readAll(g)).toEqual(readAll(f));
        // A deserialized image lives in a view of a larger buffer just as well.
        const padded = new Uint8Array(img.length + 16);
        padded.set(img, 8);
        expect(sameBytes(SimFlash.deserialize(padded.subarray(8, 8 + img.length)).serialize(), img)).toBe(true);
      }),
      { numRuns: Math.ceil(RUNS / 3) },
    );
  });

  it("rejects corrupt, truncated, extended and foreign input with BAD_IMAGE_FILE", () => {
    const img = busyFlash(3, true).serialize();
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 1, max: 255 }), (at, x) => {
        const bad = img.slice();
        bad[at % bad.length] ^= x;
        expectFlashError(() => SimFlash.deserialize(bad), "BAD_IMAGE_FILE");
      }),
      { numRuns: RUNS },
    );
    expectFlashError(() => SimFlash.deserialize(img.subarray(0, img.length - 1)), "BAD_IMAGE_FILE");
    expectFlashError(() => SimFlash.deserialize(new Uint8Array([...img, 0])), "BAD_IMAGE_FILE");
    expectFlashError(() => SimFlash.deserialize(new Uint8Array(0)), "BAD_IMAGE_FILE");
    expectFlashError(() => SimFlash.deserialize(new TextEncoder().encode("not a flash image at all".repeat(9))), "BAD_IMAGE_FILE");
  });

  it("handles a few MB: 4 MiB of 4 KiB sectors", () => {
    const f = new SimFlash({ sectorSize: 4096, sectorCount: 1024, writeSize: 4 });
    const pattern = new Uint8Array(f.geometry.size);
    for (let i = 0; i < pattern.length; i++) pattern[i] = (i * 7) ^ (i >>> 9);
    f.poke(0, pattern);
    f.erase(4096 * 10);
    const img = f.serialize();
    expect(img.length).toBe(80 + 4 * 1024 * 1024 + 4 * 1024 + 4);
    const g = SimFlash.deserialize(img);
    expect(sameBytes(g.contents, f.contents)).toBe(true);
    expect(sameBytes(g.serialize(), img)).toBe(true);
    expect(g.wear[10]).toBe(1);
  });
});
