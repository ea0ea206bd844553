// Interrupted downloads under random chunkings and power cuts (before, during
// and after any flash operation), resumed the way a real host would: ask the
// device for its offset, send from there. The installed image is always
// byte-identical to the packed one, the device always still boots its
// confirmed image, and at most about one sector is fetched again.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { PowerCut, type CutTiming } from "../bootloader-sim/flash.js";
import { SimDevice } from "../bootloader-sim/device.js";
import { CORE_KINDS } from "./helpers/cores.js";
import { LONG } from "./helpers/world.js";
import { pkg, signedDevice, signedImage, slotBytes } from "./helpers/signed.js";

const V1 = signedImage({ version: "1.0.0", securityCounter: 1, seed: 1, size: 2500 });
const V2 = signedImage({ version: "2.0.0", securityCounter: 2, seed: 2, size: 9000 });

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
    const before = clean.flash.counters.programs + clean.flash.counters.erases;
    await clean.installPackage(p, 700);
    const total = clean.flash.counters.programs + clean.flash.counters.erases - before;
    let resumedRuns = 0;
    for (let op = 1; op <= total; op++) {
      for (const timing of ["before", "during", "after"] as const) {
        const dev = new SimDevice(base.config, base.flash.clone(), { ...base.runtime });
        const r = await attempt(dev, p, { chunk: 700, cut: { op, timing, unstable: 0 }, drop: null });
        expect(r.done, `op ${op} ${timing}`).toBe(false);
        const again = await attempt(dev, p, { chunk: 333, cut: null, drop: null });
        expect(again.done, `op ${op} ${timing}: resume did not finish`).toBe(true);
        if (again.from > 256) resumedRuns++;
        expect(slotBytes(dev, "B", V2.length), `op ${op} ${timing}`).toEqual(V2);
      }
    }
    expect(resumedRuns).toBeGreaterThan(total);
  });
});
