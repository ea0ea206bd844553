// Receiving signed packages on the device: every rejection has its own code and
// leaves the running image, the boot state and the anti-rollback floor alone;
// manifest problems are caught before any flash write; downloads resume.
import { describe, expect, it } from "vitest";
import { SimDevice } from "../bootloader-sim/device.js";
import { outcome } from "./helpers/outcome.js";
import { CORE_KINDS } from "./helpers/cores.js";
import { CLASS, KEY, OTHER_KEY, OTHER_UUID, VENDOR, pkg, signedDevice, signedImage, slotBytes } from "./helpers/signed.js";
import { createImage, parseVersion } from "../tools/image.js";

const V1 = signedImage({ version: "1.0.0", securityCounter: 1, seed: 1 });
const V2 = signedImage({ version: "2.0.0", securityCounter: 2, seed: 2, size: 5000 });
const V3 = signedImage({ version: "3.0.0", securityCounter: 3, seed: 3, size: 4200 });


function ops(dev: SimDevice): number {
  return dev.flash.counters.programs + dev.flash.counters.erases;
}

describe.each(CORE_KINDS)("signed package receiver, %s core", (core) => {
  it("installs a raw package, boots it on trial, confirm advances the anti-rollback floor", async () => {
    const dev = await signedDevice({ core }, V1);
    const r = await dev.installPackage(pkg(V2), 333);
    expect(r).toMatchObject({ slot: "B", resumed: false });
    expect(slotBytes(dev, "B", V2.length)).toEqual(V2);
    expect((await dev.state()).slots.B).toMatchObject({ state: "pending", version: "2.0.0" });
    expect(await dev.powerUp("power")).toMatchObject({ booted: "B", reason: "trial-start" });
    expect((await dev.state()).securityFloor).toBe(1);
    await dev.runApp("ok");
    expect((await dev.state()).securityFloor).toBe(2);
  });

  it("the floor does not move on install or trial, only on confirm", async () => {
    const dev = await signedDevice({ core }, V1);
    await dev.installPackage(pkg(V3));
    await dev.powerUp("power");
    expect((await dev.state()).securityFloor).toBe(1);
    await dev.runApp("hang");
    for (let i = 0; i < 2; i++) {
      await dev.powerUp();
      await dev.runApp("hang");
    }
    expect((await dev.powerUp()).reason).toBe("rollback-attempts");
    const st = await dev.state();
    expect(st.slots.B.state).toBe("rejected");
    expect(st.securityFloor).toBe(1);
  });

  const manifestRejections: Array<[string, () => Uint8Array]> = [
    ["BAD_MAGIC", () => { const p = pkg(V2); p[0] ^= 0xff; return p; }],
    ["UNKNOWN_KEY", () => pkg(V2, { secretKey: OTHER_KEY })],
    ["BAD_SIGNATURE", () => { const p = pkg(V2); p[100] ^= 1; return p; }],
    ["BAD_SIGNATURE", () => { const p = pkg(V2); p[200] ^= 0x20; return p; }],
    ["WRONG_VENDOR", () => pkg(V2, { vendorId: OTHER_UUID })],
    ["WRONG_CLASS", () => pkg(V2, { classId: OTHER_UUID })],
    ["HW_REVISION", () => pkg(V2, { hwRevMin: 4, hwRevMax: 9 })],
    ["BOOTLOADER_TOO_OLD", () => pkg(V2, { minBootloader: "9.0.0" })],
    ["PAYLOAD_SIZE", () => pkg(V2, { manifest: { payloadSize: 999 } })],
    ["IMAGE_TOO_LARGE", () => pkg(V2, { manifest: { imageSize: 1 << 20 }, unchecked: true })],
    ["UNSUPPORTED_ENCODING", () => pkg(V2, { manifest: { encoding: 7 } })],
  ];

  for (const [want, make] of manifestRejections) {
    it(`refuses ${want} before writing anything, and the running image is untouched`, async () => {
      const dev = await signedDevice({ core }, V1);
      const stateBefore = await dev.state();
      const a = slotBytes(dev, "A", V1.length);
      const before = ops(dev);
      expect(await outcome(dev.installPackage(make(), 97))).toBe(want);
      expect(ops(dev), "flash was written before the manifest was accepted").toBe(before);
      expect(slotBytes(dev, "A", V1.length)).toEqual(a);
      expect(await dev.state()).toEqual(stateBefore);
      expect(await dev.powerUp()).toMatchObject({ booted: "A", version: "1.0.0" });
    });
  }

  it("refuses a replayed older package once a newer one is confirmed (DOWNGRADE)", async () => {
    const dev = await signedDevice({ core }, V1);
    await dev.installPackage(pkg(V3));
    await dev.powerUp("power");
    await dev.runApp("ok");
    const before = ops(dev);
    expect(await outcome(dev.installPackage(pkg(V2)))).toBe("DOWNGRADE");
    expect(ops(dev)).toBe(before);
    // An image whose manifest lies about its counter is caught at the image level.
    expect(await outcome(dev.installPackage(pkg(V2, { securityCounter: 3 })))).toBe("DOWNGRADE");
    expect((await dev.state()).confirmed).toBe("B");
  });

  it("a corrupted payload block is CHAIN_MISMATCH; a short file is TRUNCATED and resumes; extra bytes are TRAILING_BYTES", async () => {
    const dev = await signedDevice({ core }, V1);
    const good = pkg(V2);
    const bad = good.slice();
    bad[256 + 700] ^= 4;
    expect(await outcome(dev.installPackage(bad))).toBe("CHAIN_MISMATCH");
    expect(await outcome(dev.installPackage(good.slice(0, good.length - 10)))).toBe("TRUNCATED");
    const longer = new Uint8Array(good.length + 1);
    longer.set(good);
    expect(await outcome(dev.installPackage(longer))).toBe("TRAILING_BYTES");
    const r = await dev.installPackage(good);
    expect(slotBytes(dev, r.slot, V2.length)).toEqual(V2);
    expect((await dev.state()).confirmed).toBe("A");
  });

  it("refuses images that are unsigned, signed by another key, or for another device", async () => {
    const dev = await signedDevice({ core }, V1);
    const unsigned = createImage(new Uint8Array(2000).fill(7), { version: parseVersion("2.0.0"), headerSize: 64 });
    expect(await outcome(dev.installImage(unsigned))).toBe("NO_SIGNATURE");
    expect(await outcome(dev.installImage(signedImage({ version: "2.0.0", key: OTHER_KEY })))).toBe("WRONG_KEY");
    expect(await outcome(dev.installImage(signedImage({ version: "2.0.0", vendorId: OTHER_UUID })))).toBe("WRONG_VENDOR");
    expect(await outcome(dev.installImage(signedImage({ version: "2.0.0", classId: OTHER_UUID })))).toBe("WRONG_CLASS");
    // A package whose manifest is fine but carries a foreign-key image is refused at completion.
    const foreign = signedImage({ version: "2.0.0", key: OTHER_KEY, securityCounter: 2 });
    expect(await outcome(dev.installPackage(pkg(foreign)))).toBe("WRONG_KEY");
    expect(await dev.powerUp()).toMatchObject({ booted: "A", version: "1.0.0" });
  });

  it("resumes a dropped download from the last complete sector, byte-identical", async () => {
    const dev = await signedDevice({ core }, V1);
    const p = pkg(V2);
    await dev.installPackage(p, 200, 256 + 3000);
    const r = await dev.installPackage(p, 200);
    expect(r.resumed).toBe(true);
    expect(r.resumeOffset).toBeGreaterThan(256);
    expect(r.resumeOffset).toBeLessThanOrEqual(256 + 3000);
    expect(slotBytes(dev, r.slot, V2.length)).toEqual(V2);
    expect(await dev.powerUp("power")).toMatchObject({ booted: "B", version: "2.0.0" });
  });

  it("a different package does not resume someone else's download", async () => {
    const dev = await signedDevice({ core }, V1);
    await dev.installPackage(pkg(V2), 200, 256 + 3000);
    const r = await dev.installPackage(pkg(V3), 200);
    expect(r.resumed).toBe(false);
    expect(slotBytes(dev, r.slot, V3.length)).toEqual(V3);
  });
});

it("an unsigned device still takes unsigned packages and images", async () => {
  const dev = SimDevice.create({ core: "wasm", sectorSize: 512, slotSize: 16384 });
  const plain = (v: string) => createImage(new Uint8Array(3000).map((_, i) => (i * 13) & 255), { version: parseVersion(v), headerSize: 64 });
  await dev.provision(plain("1.0.0"));
  const r = await dev.installPackage(pkg(plain("2.0.0")));
  expect(r.slot).toBe("B");
  expect(await dev.powerUp()).toMatchObject({ booted: "B", version: "2.0.0" });
  void VENDOR;
  void CLASS;
  void KEY;
});

it.each(CORE_KINDS)("resume records keep working when the target slot held an older image (%s)", async (core) => {
  const dev = await signedDevice({ core }, V1);
  // Fill the resume log with records of an interrupted download, then finish
  // other updates so the next one starts on a non-empty target slot.
  await dev.installPackage(pkg(V2), 200, 256 + 4000);
  await dev.installPackage(pkg(V2));
  await dev.powerUp("power");
  await dev.runApp("ok");
  const v4 = signedImage({ version: "4.0.0", securityCounter: 4, seed: 4, size: 6000 });
  const p4 = pkg(v4);
  await dev.installPackage(p4, 300, 256 + 3500);
  const r = await dev.installPackage(p4, 300);
  expect(r.resumed).toBe(true);
  expect(slotBytes(dev, r.slot, v4.length)).toEqual(v4);
});

it.each(CORE_KINDS)("an interrupted download never resumes into data another install has since written (%s)", async (core) => {
  const v5 = signedImage({ version: "5.0.0", securityCounter: 5, seed: 5, size: 6000 });
  const v6 = signedImage({ version: "6.0.0", securityCounter: 6, seed: 6, size: 6000 });
  const p5 = pkg(v5);
  for (const other of ["package", "image"] as const) {
    const dev = await signedDevice({ core }, V1);
    await dev.installPackage(p5, 300, 256 + 4500); // records for p5
    // Another install starts over the same slot and is cut short.
    if (other === "package") await dev.installPackage(pkg(v6), 300, 256 + 1500);
    else {
      const bl = await dev.bootloader();
      const w = bl.update();
      w.open({ byteLength: v6.length });
      w.write(v6.subarray(0, 3000));
    }
    const r = await dev.installPackage(p5, 300);
    expect(slotBytes(dev, r.slot, v5.length), other).toEqual(v5);
  }
});
