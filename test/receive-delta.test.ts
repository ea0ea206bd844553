// Delta and compressed updates through the full signed install path in the
// simulator: every shared firmware pair round-trips byte for byte, and a delta
// download survives power cuts with resume. The pairs are read from
// ../shared/bench/firmware-pairs (skipped, with a message, when absent).
import { describe, expect, it } from "vitest";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { SimDevice } from "../bootloader-sim/device.js";
import { PowerCut, type CutTiming } from "../bootloader-sim/flash.js";
import { SlotbootError } from "../bindings/errors.js";
import { CORE_KINDS, type CoreKind } from "./helpers/cores.js";
import { LONG } from "./helpers/world.js";
import { CLASS, KEY, PUB, VENDOR, signedImage, slotBytes } from "./helpers/signed.js";
import { createImage, parseVersion } from "../tools/image.js";
import { packPackage } from "../tools/package.js";

const PAIRS_DIR = new URL("../../shared/bench/firmware-pairs/", import.meta.url).pathname;
const havePairs = existsSync(PAIRS_DIR);
if (!havePairs) console.warn(`firmware pairs not found at ${PAIRS_DIR}: real-pair delta tests are skipped`);
const PAIRS = havePairs ? readdirSync(PAIRS_DIR).filter((d) => existsSync(join(PAIRS_DIR, d, "old"))).sort() : [];

function signed(body: Uint8Array, version: string, counter: number): Uint8Array {
  return createImage(body, { version: parseVersion(version), securityCounter: counter, vendorId: VENDOR, classId: CLASS, key: { secretKey: KEY } });
}

async function deviceWith(core: CoreKind, factory: Uint8Array, slotSize = 1 << 20): Promise<SimDevice> {
  const dev = SimDevice.create({ core, sectorSize: 4096, slotSize, writeSize: 4 });
  dev.config.publicKey = Buffer.from(PUB).toString("hex");
  dev.config.vendorId = Buffer.from(VENDOR).toString("hex");
  dev.config.classId = Buffer.from(CLASS).toString("hex");
  await dev.provision(factory);
  return dev;
}

describe.each(CORE_KINDS)("delta updates through the signed install path, %s core", (core) => {
  const pairs = core === "wasm" || LONG ? PAIRS : PAIRS.filter((p) => !p.startsWith("micropython") && !p.startsWith("pybv11"));
  for (const pair of pairs) {
    it.skipIf(!havePairs)(`${pair}: apply(old, diff(old, new)) == new on the device`, async () => {
      const oldImg = signed(new Uint8Array(readFileSync(join(PAIRS_DIR, pair, "old"))), "1.0.0", 1);
      const newImg = signed(new Uint8Array(readFileSync(join(PAIRS_DIR, pair, "new"))), "2.0.0", 2);
      const dev = await deviceWith(core, oldImg);
      const p = packPackage({ image: newImg, secretKey: KEY, base: oldImg });
      expect(p.bytes.length).toBeLessThan(newImg.length);
      const r = await dev.installPackage(p.bytes, 4096);
      expect(slotBytes(dev, r.slot, newImg.length)).toEqual(newImg);
      expect(await dev.powerUp("power")).toMatchObject({ booted: "B", version: "2.0.0", reason: "trial-start" });
    });
  }

  it("compressed full images (range coder and heatshrink) install byte-identical", async () => {
    const v1 = signedImage({ version: "1.0.0", size: 3000, seed: 1, securityCounter: 1 });
    const v2 = signedImage({ version: "2.0.0", size: 40000, seed: 7, securityCounter: 2 });
    for (const codec of ["rc", "heatshrink"] as const) {
      const dev = await deviceWith(core, v1, 65536);
      const p = packPackage({ image: v2, secretKey: KEY, encoding: "compressed", codec, blockSize: 1024 });
      expect(p.bytes.length, codec).toBeLessThan(v2.length);
      const r = await dev.installPackage(p.bytes, 777);
      expect(slotBytes(dev, r.slot, v2.length), codec).toEqual(v2);
    }
  });

  it("a delta for another base is refused before anything is written", async () => {
    const v1 = signedImage({ version: "1.0.0", size: 3000, seed: 1, securityCounter: 1 });
    const other = signedImage({ version: "1.0.1", size: 3000, seed: 4, securityCounter: 1 });
    const v2 = signedImage({ version: "2.0.0", size: 5000, seed: 2, securityCounter: 2 });
    const dev = await deviceWith(core, v1, 65536);
    const before = dev.flash.counters.programs + dev.flash.counters.erases;
    const p = packPackage({ image: v2, secretKey: KEY, base: other });
    await expect(dev.installPackage(p.bytes)).rejects.toMatchObject({ code: "DELTA_BASE_MISMATCH" });
    expect(dev.flash.counters.programs + dev.flash.counters.erases).toBe(before);
  });
});

describe.each(CORE_KINDS)("delta downloads under power cuts, %s core", (core) => {
  it("random cuts and resumes always rebuild the exact image", async () => {
    const base = signedImage({ version: "1.0.0", size: 150_000, seed: 3, securityCounter: 1 });
    // A realistic edit: a shifted, partly changed copy of the base body.
    const body = new Uint8Array(150_500);
    body.set(readBody(base).subarray(0, 60_000), 0);
    body.set(readBody(base).subarray(60_000), 60_500);
    for (let i = 0; i < 500; i++) body[60_000 + i] = (i * 7) & 0xff;
    for (let i = 100_000; i < 150_500; i += 64) body[i] ^= 0x5a;
    const v2 = signed(body, "2.0.0", 2);
    const p = packPackage({ image: v2, secretKey: KEY, base, blockSize: 1024 }).bytes;
    const dev0 = await deviceWith(core, base, 262144);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ op: fc.integer({ min: 1, max: 700 }), timing: fc.constantFrom<CutTiming>("before", "during", "after") }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 100, max: 5000 }),
        async (cuts, chunk) => {
          const dev = new SimDevice(dev0.config, dev0.flash.clone(), { ...dev0.runtime });
          let done = false;
          for (const c of [...cuts, null, null]) {
            if (c) dev.flash.setFaultPlan({ op: c.op, timing: c.timing, seed: c.op });
            try {
              await dev.installPackage(p, chunk);
              done = true;
              break;
            } catch (e) {
              if (e instanceof SlotbootError) throw e;
              expect(e).toBeInstanceOf(PowerCut);
              dev.flash.powerOn();
            } finally {
              dev.flash.clearFaultPlan();
            }
          }
          expect(done).toBe(true);
          expect(slotBytes(dev, "B", v2.length)).toEqual(v2);
        },
      ),
      { numRuns: LONG ? 300 : core === "wasm" ? 15 : 6, seed: 0xde17a },
    );
    // Codec blocks are 64 KiB of output: a cut late in the download resumes
    // rather than restarts (checked on one such cut, whatever the random ones hit).
    const clean = new SimDevice(dev0.config, dev0.flash.clone(), { ...dev0.runtime });
    const before = clean.flash.counters.programs + clean.flash.counters.erases;
    await clean.installPackage(p, 1000);
    const total = clean.flash.counters.programs + clean.flash.counters.erases - before;
    const late = new SimDevice(dev0.config, dev0.flash.clone(), { ...dev0.runtime });
    late.flash.setFaultPlan({ op: total - 20, timing: "during", seed: 7 });
    await expect(late.installPackage(p, 1000)).rejects.toBeInstanceOf(PowerCut);
    late.flash.powerOn();
    late.flash.clearFaultPlan();
    expect((await late.installPackage(p, 1000)).resumed).toBe(true);
    expect(slotBytes(late, "B", v2.length)).toEqual(v2);
  });
});

function readBody(img: Uint8Array): Uint8Array {
  const dv = new DataView(img.buffer, img.byteOffset);
  const hdr = dv.getUint16(8, true);
  return img.subarray(hdr, hdr + dv.getUint32(12, true));
}
