// Interrupted downloads under random chunkings and power cuts (before, during
// and after any flash operation), resumed the way a real host would: ask the
// device for its offset, send from there. The installed image is always
// byte-identical to the packed one, the device always still boots its
// confirmed image, and at most about one sector is fetched again. Resuming is
// only an optimisation: a resume log that fails to read, program or erase
// costs a download that starts over, never a refused update.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { PowerCut, SimFlash, type CutTiming } from "../bootloader-sim/flash.js";
import { SimDevice } from "../bootloader-sim/device.js";
import { Bootloader } from "../bindings/bootloader.js";
import { FlashError, type Flash } from "../bindings/flash.js";
import { Rng } from "../bootloader-sim/rng.js";
import { CORE_KINDS } from "./helpers/cores.js";
import { LONG } from "./helpers/world.js";
import { pkg, signedDevice, signedImage, slotBytes } from "./helpers/signed.js";
import { crc32 } from "./boot-state-log.js";

const V1 = signedImage({ version: "1.0.0", securityCounter: 1, seed: 1, size: 2500 });
const V2 = signedImage({ version: "2.0.0", securityCounter: 2, seed: 2, size: 9000 });
const V3 = signedImage({ version: "3.0.0", securityCounter: 3, seed: 3, size: 7000 });

interface Attempt {
  chunk: number;
  cut: { op: number; timing: CutTiming; unstable: number } | null;
  drop: number | null; // connection drops after this many more package bytes
}

const attemptArb: fc.Arbitrary<Attempt> = fc.record({
  chunk: fc.oneof(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 65, max: 3000 })),
  cut: fc.option(fc.record({ op: fc.integer({ min: 1, max: 60 }), timing: fc.constantFrom<CutTiming>("before", "during", "after"), unstable: fc.constantFrom(0, 8) }), { nil: null }),
  drop: fc.option(fc.integer({ min: 1, max: 12000 }), { nil: null }),
});

/** One connection: the host sends from the device's resume offset. Returns true when installed. */
async function attempt(dev: SimDevice, p: Uint8Array, a: Attempt): Promise<{ done: boolean; sent: number; from: number }> {
  const bl = await dev.bootloader();
  const rx = bl.receiver();
  if (a.cut) dev.flash.setFaultPlan({ op: a.cut.op, timing: a.cut.timing, seed: a.cut.op * 17 + a.chunk, unstableBits: a.cut.unstable });
  let sent = 0;
  let from = 0;
  try {
    // The manifest first; then the device says where it wants to continue.
    rx.write(p.subarray(0, 256));
    from = rx.position;
    rx.seek(from);
    const end = a.drop === null ? p.length : Math.min(p.length, from + a.drop);
    for (let off = from; off < end; off += a.chunk) {
      const n = Math.min(a.chunk, end - off);
      rx.write(p.subarray(off, off + n));
      sent = off + n;
    }
    if (end < p.length) {
      dev.flash.clearFaultPlan();
      return { done: false, sent, from };
    }
    rx.complete();
    dev.flash.clearFaultPlan();
    return { done: true, sent, from };
  } catch (e) {
    if (!(e instanceof PowerCut)) throw e;
    dev.flash.powerOn();
    dev.runtime.nextReset = "power";
    // A cut right after the commit record leaves the update installed: that counts as done.
    if ((await dev.state()).slots.B.state === "pending") return { done: true, sent, from };
    // After any other cut the device must still boot its confirmed image.
    const r = await dev.powerUp("power");
    expect(r.booted, "nothing boots after a cut during a download").toBe("A");
    await dev.runApp("ok");
    return { done: false, sent, from };
  }
}

describe.each(CORE_KINDS)("resumable downloads, %s core", (core) => {
  it("random chunkings, drops and power cuts always end in a byte-identical install", async () => {
    const p = pkg(V2, { blockSize: 1024 });
    await fc.assert(
      fc.asyncProperty(fc.array(attemptArb, { minLength: 1, maxLength: 8 }), fc.constantFrom(256, 512, 1024), async (attempts, sector) => {
        const dev = await signedDevice({ core, sectorSize: sector, slotSize: 16384 }, V1);
        let done = false;
        let lastSent = 0;
        // The scripted attempts, then clean ones until done (a real host retries).
        const plan = [...attempts, ...Array.from({ length: 4 }, () => ({ chunk: 4096, cut: null, drop: null }))];
        for (const a of plan) {
          const r = await attempt(dev, p, a);
          if (r.from > 256 && lastSent > 0) {
            // Resuming never re-fetches much more than a sector (plus the block holding it).
            expect(lastSent - r.from).toBeLessThanOrEqual(sector + 2 * (1024 + 32));
          }
          lastSent = Math.max(r.sent, r.from);
          if (r.done) {
            done = true;
            break;
          }
        }
        expect(done).toBe(true);
        expect(slotBytes(dev, "B", V2.length)).toEqual(V2);
        const st = await dev.state();
        expect(st.slots.B).toMatchObject({ state: "pending", version: "2.0.0" });
        expect(st.slots.A).toMatchObject({ state: "confirmed", version: "1.0.0" });
        expect(await dev.powerUp("power")).toMatchObject({ booted: "B", reason: "trial-start" });
      }),
      { numRuns: LONG ? 1500 : core === "wasm" ? 120 : 60, seed: 0x7e5e },
    );
  });

  it("every flash operation of a download cut three ways, then resumed", async () => {
    const p = pkg(V2, { blockSize: 512 });
    const base = await signedDevice({ core, sectorSize: 512, slotSize: 16384 }, V1);
    const clean = new SimDevice(base.config, base.flash.clone(), { ...base.runtime });
    // The operations of the same writes as the cut runs make (how many
    // programs a download takes depends on how its chunks fall on pages).
    const before = clean.flash.counters.programs + clean.flash.counters.erases;
    expect((await attempt(clean, p, { chunk: 700, cut: null, drop: null })).done).toBe(true);
    const total = clean.flash.counters.programs + clean.flash.counters.erases - before;
    let resumedRuns = 0;
    for (let op = 1; op <= total; op++) {
      for (const timing of ["before", "during", "after"] as const) {
        const dev = new SimDevice(base.config, base.flash.clone(), { ...base.runtime });
        const r = await attempt(dev, p, { chunk: 700, cut: { op, timing, unstable: 0 }, drop: null });
        if (r.done) {
          // Installed although cut: only once the commit record (the last two
          // operations, its two copies) has a copy on flash.
          expect(op, `op ${op} ${timing}: installed before its commit`).toBeGreaterThanOrEqual(total - 1);
        } else {
          const again = await attempt(dev, p, { chunk: 333, cut: null, drop: null });
          expect(again.done, `op ${op} ${timing}: resume did not finish`).toBe(true);
          if (again.from > 256) resumedRuns++;
        }
        expect(slotBytes(dev, "B", V2.length), `op ${op} ${timing}`).toEqual(V2);
      }
    }
    expect(resumedRuns).toBeGreaterThan(total);
  });
});

type OpKind = "read" | "program" | "erase";

/**
 * The device's flash with the resume log failing: the listed kinds of
 * operation that touch its sectors throw (the core sees a flash fault), every
 * time or at a seeded rate. Everything else passes through, power cuts too.
 */
class FailingResumeLog implements Flash {
  failures = 0;
  private readonly rng: Rng;
  constructor(readonly inner: SimFlash, readonly dev: SimDevice, readonly kinds: OpKind[], readonly rate = 1, seed = 1) {
    this.rng = new Rng(seed);
  }
  get geometry() {
    return this.inner.geometry;
  }
  private fault(kind: OpKind, addr: number, len: number): void {
    const l = this.dev.config.layout;
    const from = l.resumeAddr;
    const to = from + l.resumeSectors * l.sectorSize;
    if (!this.kinds.includes(kind) || addr >= to || addr + len <= from) return;
    if (this.rate < 1 && this.rng.below(1000) >= this.rate * 1000) return;
    this.failures++;
    throw new FlashError("INJECTED", `injected ${kind} fault at 0x${addr.toString(16)}`);
  }
  read(addr: number, out: Uint8Array): void {
    this.fault("read", addr, out.length);
    this.inner.read(addr, out);
  }
  program(addr: number, data: Uint8Array): void {
    this.fault("program", addr, data.length);
    this.inner.program(addr, data);
  }
  erase(addr: number): void {
    this.fault("erase", addr, this.inner.geometry.sectorSize);
    this.inner.erase(addr);
  }
}

/** One connection over `flash`: the manifest, then from the device's offset up to `upTo` package bytes. */
async function download(dev: SimDevice, flash: Flash, p: Uint8Array, upTo = p.length, chunk = 700): Promise<{ done: boolean; from: number; resumed: boolean }> {
  const bl = await Bootloader.open(dev.config.core, flash, dev.config.layout, dev.trust());
  const rx = bl.receiver();
  rx.write(p.subarray(0, 256));
  const from = rx.position;
  rx.seek(from);
  const end = Math.max(from, Math.min(upTo, p.length));
  for (let off = from; off < end; off += chunk) rx.write(p.subarray(off, Math.min(end, off + chunk)));
  if (end < p.length) return { done: false, from, resumed: rx.resumed };
  rx.complete();
  return { done: true, from, resumed: rx.resumed };
}

async function expectInstalled(dev: SimDevice, image: Uint8Array, version: string): Promise<void> {
  expect(slotBytes(dev, "B", image.length)).toEqual(image);
  const st = await dev.state();
  expect(st.slots.B).toMatchObject({ state: "pending", version });
  expect(st.slots.A).toMatchObject({ state: "confirmed", version: "1.0.0" });
  expect(await dev.powerUp("power")).toMatchObject({ booted: "B", reason: "trial-start" });
}

const FAULT_SETS: OpKind[][] = [["read"], ["program"], ["erase"], ["program", "erase"], ["read", "program", "erase"]];

describe.each(CORE_KINDS)("resume-log faults degrade to a fresh download, %s core", (core) => {
  for (const encoding of ["raw", "compressed"] as const) {
    it(`${encoding}: read, program and erase faults in the resume log, every time, never refuse the update`, async () => {
      const raw = pkg(V2, { blockSize: 512 });
      const p = encoding === "raw" ? raw : pkg(V2, { blockSize: 512, encoding });
      for (const kinds of FAULT_SETS) {
        const dev = await signedDevice({ core, sectorSize: 256, slotSize: 16384 }, V1);
        // A raw download has left resume points behind (the log worked then):
        // the raw package resumes from them, the compressed one must void them.
        const first = await download(dev, dev.flash, raw, Math.floor(raw.length / 3));
        expect(first.done).toBe(false);
        const failing = new FailingResumeLog(dev.flash, dev, kinds);
        // Interrupted again with the log failing, then completed with it failing.
        const second = await download(dev, failing, p, Math.floor((p.length * 2) / 3));
        const third = await download(dev, failing, p);
        expect(third.done, kinds.join("+")).toBe(true);
        // (A compressed download this small has no resume points: its one void record may need no erase.)
        if (encoding === "raw" || kinds.join() !== "erase") expect(failing.failures, kinds.join("+")).toBeGreaterThan(0);
        // An unreadable log resumes nothing; one that cannot program keeps only
        // the points saved before it failed.
        if (kinds.includes("read") || encoding !== "raw") expect([second.from, third.from], kinds.join("+")).toEqual([256, 256]);
        else if (kinds.includes("program")) {
          expect(second.from, kinds.join("+")).toBeGreaterThan(256);
          expect(third.from, kinds.join("+")).toBe(second.from);
        }
        await expectInstalled(dev, V2, "2.0.0");
      }
    });
  }

  it("intermittent resume-log faults with drops and power cuts: always a byte-identical install", async () => {
    const p = pkg(V2, { blockSize: 512 });
    await fc.assert(
      fc.asyncProperty(
        fc.subarray<OpKind>(["read", "program", "erase"], { minLength: 1 }),
        fc.constantFrom(0.2, 0.5, 1),
        fc.integer({ min: 1, max: 1 << 30 }),
        fc.array(fc.record({ upTo: fc.integer({ min: 300, max: 9500 }), cut: fc.option(fc.integer({ min: 1, max: 40 }), { nil: null }) }), { minLength: 1, maxLength: 4 }),
        async (kinds, rate, seed, attempts) => {
          const dev = await signedDevice({ core, sectorSize: 256, slotSize: 16384 }, V1);
          const failing = new FailingResumeLog(dev.flash, dev, kinds, rate, seed);
          for (const a of attempts) {
            if (a.cut) dev.flash.setFaultPlan({ op: a.cut, timing: "during", seed: a.cut * 7 });
            try {
              await download(dev, failing, p, a.upTo);
            } catch (e) {
              if (!(e instanceof PowerCut)) throw e;
              dev.flash.powerOn();
              expect((await dev.powerUp("power")).booted).toBe("A");
            }
            dev.flash.clearFaultPlan();
          }
          expect((await download(dev, failing, p)).done).toBe(true);
          await expectInstalled(dev, V2, "2.0.0");
        },
      ),
      { numRuns: LONG ? 400 : core === "wasm" ? 25 : 12, seed: 0x5e5f },
    );
  });

  it("a record the failing log could not forget never resumes into data written since", async () => {
    const p2 = pkg(V2, { blockSize: 512 });
    const dev = await signedDevice({ core, sectorSize: 256, slotSize: 16384 }, V1);
    // v2 half downloaded: its resume record says slot B holds v2's first sectors.
    expect((await download(dev, dev.flash, p2, 5000)).done).toBe(false);
    // Now the log can no longer program or erase: a v3 download cannot void
    // that record, and overwrites the start of slot B before it drops.
    const failing = new FailingResumeLog(dev.flash, dev, ["program", "erase"]);
    expect(await download(dev, failing, pkg(V3, { blockSize: 512 }), 4000)).toMatchObject({ done: false, from: 256 });
    expect(failing.failures).toBeGreaterThan(0);
    // v2 again: the record no longer matches slot B, so it starts over and installs.
    const again = await download(dev, failing, p2);
    expect(again).toMatchObject({ done: true, from: 256, resumed: false });
    await expectInstalled(dev, V2, "2.0.0");
  });

  it("rot in the part already written is caught before resuming: the download starts over and installs at once", async () => {
    const dev = await signedDevice({ core }, V1);
    const p = pkg(V2);
    await dev.installPackage(p, 300, 256 + 4000);
    dev.flash.flipBit(dev.config.layout.slotB + 100, 0);
    const r = await dev.installPackage(p, 300);
    expect(r).toMatchObject({ resumed: false, resumeOffset: 256 });
    expect(slotBytes(dev, r.slot, V2.length)).toEqual(V2);
  });

  it("a record without the slot check (the earlier format) is not resumed", async () => {
    const p = pkg(V2, { blockSize: 512 });
    const dev = await signedDevice({ core, sectorSize: 256, slotSize: 16384 }, V1);
    expect((await download(dev, dev.flash, p, 5000)).done).toBe(false);
    // Rewrite every resume record as the earlier format wrote it: byte 41 and bytes 96.. reserved (0xFF).
    const l = dev.config.layout;
    let rewritten = 0;
    for (let at = l.resumeAddr; at < l.resumeAddr + l.resumeSectors * l.sectorSize; at += 128) {
      const rec = dev.flash.contents.slice(at, at + 128);
      if (rec[0] !== 0x53 || rec[41] !== 1) continue;
      rec[41] = 0xff;
      rec.fill(0xff, 96, 124);
      new DataView(rec.buffer).setUint32(124, crc32(rec, 0, 124), true);
      dev.flash.poke(at, rec);
      rewritten++;
    }
    expect(rewritten).toBeGreaterThan(0);
    expect(await download(dev, dev.flash, p)).toMatchObject({ done: true, from: 256, resumed: false });
    await expectInstalled(dev, V2, "2.0.0");
  });
});
