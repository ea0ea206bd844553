// Boot state that one flipped bit cannot roll back (docs/design.md "The log"):
// every state is written twice, the floor is the largest over all records,
// factory provisioning leaves nothing underneath its confirmed state, a boot
// repairs a lost copy, and logs in the old single-copy format still load.
import { describe, expect, it } from "vitest";
import { SimDevice } from "../bootloader-sim/device.js";
import { SimFlash } from "../bootloader-sim/flash.js";
import { Bootloader } from "../bindings/bootloader.js";
import type { Flash } from "../bindings/flash.js";
import { loadCore, type CoreKind } from "../bindings/core.js";
import { createImage, parseVersion } from "../tools/image.js";
import { outcome } from "./helpers/outcome.js";
import { CORE_KINDS } from "./helpers/cores.js";
import { LONG, slotImageVersion } from "./helpers/world.js";
import { pkg, signedDevice, signedImage } from "./helpers/signed.js";
import { controlRecords, controlState, encodeRecord, RECORD_SIZE, type OldRecord } from "./boot-state-log.js";

const V1 = signedImage({ version: "1.0.0", securityCounter: 1, seed: 1, size: 2000 });
const V2 = signedImage({ version: "2.0.0", securityCounter: 5, seed: 2, size: 2600 });
const OLDER = signedImage({ version: "1.5.0", securityCounter: 2, seed: 3, size: 1800 });
const CONFIRMED = 3;
const PENDING = 1;

interface CoreState {
  seq: number;
  primary: number;
  floor: number;
  stateA: number;
  stateB: number;
  candidate: number;
}

/**
 * Reads the boot state the core loads from any flash, with one core instance:
 * cheap enough to look at every single-bit flip of a record.
 */
async function stateReader(core: CoreKind, dev: SimDevice): Promise<(flash: SimFlash) => CoreState> {
  let current: SimFlash = dev.flash;
  const proxy: Flash = {
    geometry: dev.flash.geometry,
    read: (addr, out) => current.read(addr, out),
    program: (addr, data) => current.program(addr, data),
    erase: (addr) => current.erase(addr),
  };
  const x = (await loadCore(core, proxy)).exports;
  const l = dev.config.layout;
  expect(x.layoutConfigure(l.ctlAddr, l.ctlSectors, l.resumeAddr, l.resumeSectors, l.slotA, l.slotB, l.slotSize, l.sectorSize, l.writeSize, l.maxAttempts, l.maxPowerAttempts)).toBe(0);
  return (flash) => {
    current = flash;
    expect(x.stateLoad()).toBe(0);
    return { seq: x.stateSeq() >>> 0, primary: x.statePrimary(), floor: x.stateFloor() >>> 0, stateA: x.stateSlot(0), stateB: x.stateSlot(1), candidate: x.stateCandidate() };
  };
}

function copyOf(dev: SimDevice): SimDevice {
  return new SimDevice(dev.config, dev.flash.clone(), { ...dev.runtime });
}

function writes(dev: SimDevice): number {
  return dev.flash.counters.programs + dev.flash.counters.erases;
}

/** Bits of a record the boot stories flip: magic, sequence, primary, slot states, event, floor, CRC (and more when long). */
const SPREAD = LONG ? [1, 35, 64, 77, 86, 93, 98, 105, 115, 130, 160, 200, 230, 251] : [1, 35, 64, 77, 105, 130, 251];

/** Every (copy, bit) of the newest state's records, or a spread of them. */
function flipsOfNewest(dev: SimDevice, every: boolean): Array<{ addr: number; bit: number }> {
  const out: Array<{ addr: number; bit: number }> = [];
  for (const r of controlState(dev).copies) {
    for (let b = 0; b < RECORD_SIZE * 8; b++) {
      if (every || SPREAD.includes(b)) out.push({ addr: r.addr + (b >> 3), bit: b & 7 });
    }
  }
  return out;
}

describe.each(CORE_KINDS)("boot state under single bit flips, %s core", (core) => {
  it("after v2 (counter 5) is confirmed, no single flip in the newest state rolls anything back", async () => {
    const dev = await signedDevice({ core, sectorSize: 512, slotSize: 8192 }, V1);
    await dev.installPackage(pkg(V2));
    await dev.powerUp("power");
    await dev.runApp("ok");
    expect(controlState(dev).copies).toHaveLength(2);
    const read = await stateReader(core, dev);
    const confirmed = read(dev.flash);
    expect(confirmed).toMatchObject({ primary: 1, floor: 5, stateB: CONFIRMED, candidate: -1 });
    // Every bit of both copies: the core loads the same state.
    const flips = flipsOfNewest(dev, true);
    expect(flips).toHaveLength(2 * RECORD_SIZE * 8);
    for (const f of flips) {
      const flash = dev.flash.clone();
      flash.flipBit(f.addr, f.bit);
      expect(read(flash), `flip at 0x${f.addr.toString(16)} bit ${f.bit}`).toEqual(confirmed);
    }
    // The tester's story, for a spread of flips: the old trial can no longer
    // come back and fail, and a counter-2 package stays refused.
    for (const f of flipsOfNewest(dev, false)) {
      const d = copyOf(dev);
      d.flash.flipBit(f.addr, f.bit);
      const where = `flip at 0x${f.addr.toString(16)} bit ${f.bit}`;
      for (let i = 0; i < 4; i++) {
        expect(await d.powerUp(), where).toMatchObject({ booted: "B", version: "2.0.0", reason: "confirmed" });
        await d.runApp("hang");
      }
      expect(await outcome(d.installPackage(pkg(OLDER))), where).toBe("DOWNGRADE");
      expect(await d.state(), where).toMatchObject({ confirmed: "B", securityFloor: 5, trial: null });
    }
  });

  it("factory provisioning leaves one state, in two copies, and no pending record under it; no flip makes the factory image a trial", async () => {
    const dev = await signedDevice({ core, sectorSize: 512, slotSize: 8192 }, V1);
    const records = controlRecords(dev);
    expect(records.map((r) => [r.seq, r.primary, r.stateA, r.stateB, r.floor])).toEqual([
      [3, "A", CONFIRMED, 0, 1],
      [3, "A", CONFIRMED, 0, 1],
    ]);
    expect(records.some((r) => r.stateA === PENDING || r.stateB === PENDING)).toBe(false);
    const read = await stateReader(core, dev);
    const factory = read(dev.flash);
    expect(factory).toMatchObject({ primary: 0, stateA: CONFIRMED, floor: 1, candidate: -1 });
    for (const f of flipsOfNewest(dev, true)) {
      const flash = dev.flash.clone();
      flash.flipBit(f.addr, f.bit);
      expect(read(flash), `flip at 0x${f.addr.toString(16)} bit ${f.bit}`).toEqual(factory);
    }
    for (const f of flipsOfNewest(dev, false)) {
      const d = copyOf(dev);
      d.flash.flipBit(f.addr, f.bit);
      // More power-ups than the trial power limit (10): the factory image boots every time.
      for (let i = 0; i < 11; i++) expect(await d.powerUp("power"), `power-up ${i + 1}`).toMatchObject({ booted: "A", reason: "confirmed" });
    }
  });

  it("a boot repairs a lost copy (a fresh pair) and a boot with both copies intact writes nothing", async () => {
    const dev = await signedDevice({ core, sectorSize: 512, slotSize: 8192 }, V1);
    const before = writes(dev);
    await dev.powerUp("power");
    expect(writes(dev)).toBe(before);
    const [first] = controlState(dev).copies;
    dev.flash.flipBit(first.addr + 9, 0);
    expect(controlState(dev).copies).toHaveLength(1);
    expect(await dev.powerUp("power")).toMatchObject({ booted: "A", reason: "confirmed" });
    const repaired = controlState(dev);
    expect(repaired.seq).toBe(first.seq + 1);
    expect(repaired.copies.map((r) => [r.primary, r.stateA, r.event, r.floor])).toEqual([
      ["A", CONFIRMED, 1, 1],
      ["A", CONFIRMED, 1, 1],
    ]);
    const after = writes(dev);
    await dev.powerUp("power");
    expect(writes(dev)).toBe(after);
    // A flip in the erased slot where the next record goes costs nothing either: appends step over it.
    const next = repaired.copies[1].addr + RECORD_SIZE;
    expect(dev.flash.contents.subarray(next, next + RECORD_SIZE).every((x) => x === 0xff)).toBe(true);
    dev.flash.flipBit(next + 3, 5);
    await dev.installPackage(pkg(V2));
    await dev.powerUp("power");
    await dev.runApp("ok");
    expect(await dev.state()).toMatchObject({ confirmed: "B", securityFloor: 5 });
    expect(controlState(dev).copies).toHaveLength(2);
  });

  it("the floor is the largest over every valid record, and a boot writes it into the newest state", async () => {
    const dev = SimDevice.create({ core, sectorSize: 512, slotSize: 8192 });
    dev.flash.poke(dev.config.layout.slotA, counted("1.0.0", 1500, 1, 9));
    const log: OldRecord[] = [
      { seq: 1, primary: 0, stateA: CONFIRMED, stateB: 0, event: 1, floor: 7 },
      { seq: 2, primary: 0, stateA: CONFIRMED, stateB: 0, event: 6, floor: 3 },
    ];
    log.forEach((r, i) => dev.flash.poke(dev.config.layout.ctlAddr + i * RECORD_SIZE, encodeRecord(r)));
    expect(await dev.state()).toMatchObject({ sequence: 2, securityFloor: 7 });
    await dev.powerUp("power");
    expect(controlState(dev).copies.map((r) => [r.seq, r.floor])).toEqual([
      [3, 7],
      [3, 7],
    ]);
  });

  it("no single flip anywhere in the control region rolls the state back: straight after provisioning, and after a confirm", async () => {
    const dev = await signedDevice({ core, sectorSize: 512, slotSize: 8192 }, V1);
    const read = await stateReader(core, dev);
    const l = dev.config.layout;
    const everyFlip = (expected: CoreState) => {
      for (let addr = l.ctlAddr; addr < l.ctlAddr + l.ctlSectors * l.sectorSize; addr++) {
        for (let bit = 0; bit < 8; bit++) {
          const flash = dev.flash.clone();
          flash.flipBit(addr, bit);
          expect(read(flash), `flip at 0x${addr.toString(16)} bit ${bit}`).toEqual(expected);
        }
      }
    };
    everyFlip(read(dev.flash));
    await dev.installPackage(pkg(V2));
    await dev.powerUp("power");
    await dev.runApp("ok");
    everyFlip(read(dev.flash));
  });
});

/** An unsigned image with a security counter (the floor moves with or without a key). */
function counted(version: string, size: number, seed: number, counter: number): Uint8Array {
  const body = new Uint8Array(size);
  for (let i = 0; i < size; i++) body[i] = (i * seed + 7) & 0xff;
  return createImage(body, { version: parseVersion(version), headerSize: 64, securityCounter: counter });
}

// A boot-control log written by the single-copy core (commit b065a10): 256-byte
// sectors; factory v1 (counter 1), v2 (counter 5) installed and confirmed in B,
// v3 (counter 6) installed in A and booted on trial. Nine records; the ninth
// wrapped into the second sector.
const OLD_LOG: Array<[number, string]> = [
  [0, "5342543101000000ff0000000002ffff00000000fffffffffffffffff1f39435"],
  [32, "5342543102000000ff0100000003ffff00000000ffffffffffffffff69019303"],
  [64, "5342543103000000000300000001ffff01000000ffffffffffffffff74f48d1d"],
  [96, "5342543104000000000301000003ffff01000000ffffffffffffffff73c4416b"],
  [128, "5342543105000000000302000004ffff01000000ffffffffffffffff2c73e39b"],
  [160, "5342543106000000010303000005ffff05000000ffffffffffffffff34b735f3"],
  [192, "5342543107000000010003000002ffff05000000ffffffffffffffffa05b474a"],
  [224, "5342543108000000010103000003ffff05000000ffffffffffffffffd90b4bc7"],
  [256, "5342543109000000010203000004ffff05000000ffffffffffffffff4de7397e"],
];

describe.each(CORE_KINDS)("a log in the old single-copy format, %s core", (core) => {
  async function oldDevice(): Promise<SimDevice> {
    const dev = SimDevice.create({ core, sectorSize: 256, slotSize: 4096, writeSize: 4 });
    const l = dev.config.layout;
    dev.flash.poke(l.slotB, counted("2.0.0", 1200, 5, 5));
    dev.flash.poke(l.slotA, counted("3.0.0", 900, 7, 6));
    for (const [at, hex] of OLD_LOG) dev.flash.poke(l.ctlAddr + at, Uint8Array.from(Buffer.from(hex, "hex")));
    return dev;
  }

  it("loads as it was written, and its first boot writes the state again as a pair", async () => {
    const dev = await oldDevice();
    expect(await dev.state()).toMatchObject({ sequence: 9, confirmed: "B", securityFloor: 5, trial: { slot: "A", failedAttempts: 0, powerResets: 0 } });
    expect(await dev.powerUp("power")).toMatchObject({ booted: "A", version: "3.0.0", reason: "trial-continue" });
    expect(controlState(dev).copies.map((r) => [r.seq, r.primary, r.stateA, r.stateB, r.powers, r.floor])).toEqual([
      [10, "B", 2, CONFIRMED, 1, 5],
      [10, "B", 2, CONFIRMED, 1, 5],
    ]);
    await dev.runApp("ok");
    expect(await dev.state()).toMatchObject({ confirmed: "A", securityFloor: 6, trial: null });
    expect(controlState(dev).copies).toHaveLength(2);
  });

  it("a boot that changes nothing still upgrades it, and later boots write nothing", async () => {
    const dev = await oldDevice();
    await dev.reject();
    // The reject is written in the new format already (seq 10, two copies).
    expect(controlState(dev).copies).toHaveLength(2);
    const fresh = await oldDevice();
    // Drop the trial: make the newest old record say "nothing pending".
    const l = fresh.config.layout;
    fresh.flash.poke(l.ctlAddr + 256, encodeRecord({ seq: 9, primary: 1, stateA: 4, stateB: CONFIRMED, event: 6, floor: 5 }));
    expect(await fresh.powerUp("power")).toMatchObject({ booted: "B", reason: "confirmed" });
    expect(controlState(fresh).copies.map((r) => r.seq)).toEqual([10, 10]);
    const before = writes(fresh);
    expect(await fresh.powerUp("power")).toMatchObject({ booted: "B", reason: "confirmed" });
    expect(writes(fresh)).toBe(before);
    expect(slotImageVersion(fresh, "B")).toBe("2.0.0");
  });
});
