// The JS cores take the host's CRC-32 where it offers one (Espruino's native
// E.CRC32 on a board) for the log records and the resume slot check. Records
// written through it must read back the same in a core without it (the boot
// role on a board offers none), so the core compares the host's first answer
// with its own and stops asking a host that differs.
import { readFileSync } from "node:fs";
import { crc32 as zlibCrc32 } from "node:zlib";
import { describe, expect, it } from "vitest";
import { SimDevice } from "../bootloader-sim/device.js";
import { PowerCut } from "../bootloader-sim/flash.js";
import { signedDevice, signedImage, pkg, slotBytes } from "./helpers/signed.js";

const V1 = signedImage({ version: "1.0.0", securityCounter: 1, seed: 1, size: 2500 });
const V2 = signedImage({ version: "2.0.0", securityCounter: 2, seed: 2, size: 9000 });

type Crc = (data: Uint8Array) => number;

/** A device sharing `dev`'s flash whose flash offers `crc` (or none). */
function withCrc(dev: SimDevice, crc: Crc | null): { dev: SimDevice; calls: () => number } {
  let calls = 0;
  const flash = dev.flash as SimDevice["flash"] & { crc32?: Crc };
  if (crc) flash.crc32 = (data) => { calls++; return crc(data); };
  else delete flash.crc32;
  return { dev: new SimDevice(dev.config, flash, dev.runtime), calls: () => calls };
}

/** Download `p`, cut by a power cut at flash operation `cutAt` (then resumed), through a host CRC. */
async function install(dev: SimDevice, p: Uint8Array, cutAt: number): Promise<boolean> {
  dev.flash.setFaultPlan({ op: cutAt, timing: "during", seed: 3 });
  try {
    await dev.installPackage(p, 700);
  } catch (e) {
    expect(e).toBeInstanceOf(PowerCut);
    dev.flash.powerOn();
  }
  dev.flash.clearFaultPlan();
  return (await dev.installPackage(p, 700)).resumed;
}

describe.each(["js", "es5"] as const)("the host's CRC-32, %s core", (core) => {
  it("a right one is used, and what it wrote reads the same without it", async () => {
    const base = await signedDevice({ core, sectorSize: 512, slotSize: 16384 }, V1);
    const host = withCrc(base, zlibCrc32);
    expect(await install(host.dev, pkg(V2, { blockSize: 512 }), 30)).toBe(true);
    expect(host.calls()).toBeGreaterThan(20);
    // The boot role of a board: no host CRC; the install's records are valid.
    const plain = withCrc(base, null).dev;
    expect((await plain.state()).slots.B).toMatchObject({ state: "pending", version: "2.0.0" });
    expect(await plain.powerUp("power")).toMatchObject({ booted: "B", reason: "trial-start" });
    expect(slotBytes(plain, "B", V2.length)).toEqual(V2);
  });

  it("a wrong one is asked once, never trusted, and the state stays readable", async () => {
    const base = await signedDevice({ core, sectorSize: 512, slotSize: 16384 }, V1);
    const host = withCrc(base, (data) => zlibCrc32(data) ^ 0x80);
    expect(await install(host.dev, pkg(V2, { blockSize: 512 }), 30)).toBe(true);
    // Once per core instance (the cut download and its resume each loaded one).
    expect(host.calls()).toBeLessThanOrEqual(3);
    expect(host.calls()).toBeGreaterThan(0);
    const plain = withCrc(base, null).dev;
    expect((await plain.state()).slots.B).toMatchObject({ state: "pending", version: "2.0.0" });
    expect(await plain.powerUp("power")).toMatchObject({ booted: "B", reason: "trial-start" });
  });
});

it("the CRC-32 of an erased scan chunk is pinned", () => {
  const source = readFileSync(new URL("../assembly/common/recordlog.ts", import.meta.url), "utf8");
  const pinned = Number(/LOG_ERASED_SCAN_CRC: u32 = (0x[0-9a-f]+)/.exec(source)![1]);
  const chunk = Number(/const LOG_SCAN_BYTES: i32 = (\d+)/.exec(source)![1]);
  expect(pinned).toBe(zlibCrc32(new Uint8Array(chunk).fill(0xff)));
});

describe.each(["js", "es5"] as const)("the log's blank check through the host's CRC-32, %s core", (core) => {
  it("a resume sector that does not erase clean is refused with the host's CRC as without it", async () => {
    // A full download over a flash whose resume sectors keep a programmed
    // byte after every erase: the log erases the first sector it moves to
    // three times, finds it not blank each time, and keeps no resume points
    // after that. A blank check that passed it would erase once per move.
    const resumeErases = async (crc: Crc | null) => {
      const base = await signedDevice({ core, sectorSize: 512, slotSize: 16384 }, V1);
      // Calls over 256 bytes: only the blank check asks for those (slot-check pages are 260 bytes, records 28 or 124).
      let chunks = 0;
      const host = withCrc(base, crc && ((data: Uint8Array) => { if (data.length === 256) chunks++; return crc(data); }));
      const flash = host.dev.flash;
      const l = host.dev.config.layout;
      const erase = flash.erase.bind(flash);
      let erases = 0;
      flash.erase = (addr: number) => {
        erase(addr);
        if (addr < l.resumeAddr || addr >= l.resumeAddr + l.resumeSectors * l.sectorSize) return;
        erases++;
        flash.program(addr + 200, new Uint8Array([0x7f, 0xff, 0xff, 0xff]));
      };
      await host.dev.installPackage(pkg(V2, { blockSize: 512 }), 700);
      expect((await host.dev.state()).slots.B).toMatchObject({ state: "pending", version: "2.0.0" });
      return { erases, chunks };
    };
    const plain = await resumeErases(null);
    expect(plain.erases).toBe(3);
    const hosted = await resumeErases(zlibCrc32);
    // The blank checks went through the host's CRC, and refused the sector as the byte loop does.
    expect(hosted.chunks).toBeGreaterThan(0);
    expect(hosted.erases).toBe(3);
  });
});
