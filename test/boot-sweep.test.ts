// Exhaustive power-cut sweep: every flash program/erase of two update stories
// is cut before, during (torn) and after, and every operation of the recovery
// boot that follows is cut again. After each cut the device must boot an
// intact image and keep its confirmed image (invariants I1, I2, I3, I6).
// A failure names the story, core, op index and timing that replay it.
import { describe, expect, it } from "vitest";
import { SimDevice } from "../bootloader-sim/device.js";
import { PowerCut, type CutTiming } from "../bootloader-sim/flash.js";
import { CORE_KINDS, type CoreKind } from "./helpers/cores.js";
import { LONG, makeImage, slotImageVersion, smallDevice } from "./helpers/world.js";

type Story = (dev: SimDevice, mark: (phase: string) => void) => Promise<void>;

const V1 = makeImage("1.0.0", 1200, 1);
const V2 = makeImage("2.0.0", 1700, 2);

const confirmStory: Story = async (dev, mark) => {
  await dev.installImage(V2, 500);
  mark("installed");
  await dev.powerUp("power");
  mark("confirming");
  await dev.runApp("ok");
  mark("confirmed");
};

const rollbackStory: Story = async (dev, mark) => {
  await dev.installImage(V2, 333);
  mark("installed");
  for (let i = 0; i < 3; i++) {
    await dev.powerUp();
    await dev.runApp("hang");
  }
  await dev.powerUp();
  mark("rolled-back");
};

const STORIES: Record<string, Story> = { confirm: confirmStory, rollback: rollbackStory };

interface Geometry {
  sectorSize: number;
  writeSize: number;
  slotSize: number;
}
const GEOMETRIES: Geometry[] = [
  { sectorSize: 512, writeSize: 4, slotSize: 8192 },
  { sectorSize: 256, writeSize: 1, slotSize: 4096 },
  { sectorSize: 1024, writeSize: 16, slotSize: 8192 },
  ...(LONG ? [{ sectorSize: 4096, writeSize: 8, slotSize: 16384 }] : []),
];
/** Update cycles run before the sweep: 3 fills a 512-byte control sector so the story wraps the ring. */
const PRE_CYCLES = LONG ? [0, 1, 2, 3, 5] : [0, 3];

type Variant = { timing: CutTiming; unstableBits: number };
const VARIANTS: Variant[] = [
  { timing: "before", unstableBits: 0 },
  { timing: "during", unstableBits: 0 },
  { timing: "during", unstableBits: 16 },
  { timing: "after", unstableBits: 0 },
];

async function baseDevice(core: CoreKind, g: Geometry, cycles: number): Promise<SimDevice> {
  const dev = await smallDevice({ core, ...g }, V1);
  // Age the control log with full update cycles, ending on v1 confirmed.
  for (let i = 0; i < cycles; i++) {
    await dev.installImage(i % 2 === 0 ? makeImage("1.0.1", 900, 9) : V1, 700);
    await dev.powerUp("power");
    await dev.runApp("ok");
  }
  if (cycles % 2 === 1) {
    await dev.installImage(V1, 700);
    await dev.powerUp("power");
    await dev.runApp("ok");
  }
  return dev;
}

function copy(dev: SimDevice): SimDevice {
  return new SimDevice(dev.config, dev.flash.clone(), { ...dev.runtime });
}

function mutatingOps(dev: SimDevice): number {
  return dev.flash.counters.programs + dev.flash.counters.erases;
}

/** Boot after a cut and check I1 (boots), I3 (what boots is intact), I2 (confirmed kept). */
async function checkRecovery(dev: SimDevice, confirmedBefore: string[], where: string): Promise<void> {
  const r = await dev.powerUp("power");
  expect(r.booted, `${where}: nothing boots after the cut (reason ${r.reason})`).not.toBeNull();
  const onFlash = slotImageVersion(dev, r.booted as "A" | "B");
  expect(onFlash, `${where}: booted slot ${r.booted} does not hold an intact image`).not.toBeNull();
  expect(r.version, `${where}: booted version disagrees with flash`).toBe(onFlash);
  const st = await dev.state();
  expect(st.confirmed, `${where}: no confirmed slot`).not.toBeNull();
  const confirmedVersion = slotImageVersion(dev, st.confirmed as "A" | "B");
  expect(confirmedBefore, `${where}: confirmed image is ${confirmedVersion}, expected one of ${confirmedBefore}`).toContain(confirmedVersion);
}

describe.each(CORE_KINDS)("power-cut sweep, %s core", (core) => {
  for (const [name, story] of Object.entries(STORIES)) {
    for (const g of GEOMETRIES) for (const cycles of PRE_CYCLES) {
      it(`${name} story, sector ${g.sectorSize}, write unit ${g.writeSize}, ${cycles} earlier updates: every op cut three ways, recovery cut again`, async () => {
        const base = await baseDevice(core, g, cycles);
        expect(slotImageVersion(base, (await base.state()).confirmed as "A" | "B")).toBe("1.0.0");
        // A clean run counts the operations of the story.
        const clean = copy(base);
        const before = mutatingOps(clean);
        await story(clean, () => {});
        const total = mutatingOps(clean) - before;
        expect(total).toBeGreaterThan(5);

        let firstCuts = 0;
        let secondCuts = 0;
        for (let op = 1; op <= total; op++) {
          for (const v of VARIANTS) {
            const dev = copy(base);
            let phase = "start";
            dev.flash.setFaultPlan({ op, timing: v.timing, seed: op * 31 + 7, unstableBits: v.unstableBits });
            const where = `story=${name} core=${core} cycles=${cycles} sector=${g.sectorSize} write=${g.writeSize} op=${op} timing=${v.timing} unstable=${v.unstableBits}`;
            await expect(story(dev, (p) => (phase = p)), where).rejects.toBeInstanceOf(PowerCut);
            firstCuts++;
            dev.runtime.nextReset = "power";
            // Only a completed confirm may make v2 the confirmed image.
            const allowed = phase === "confirming" || phase === "confirmed" ? ["1.0.0", "2.0.0"] : ["1.0.0"];
            const afterCut = copy(dev);
            await checkRecovery(dev, allowed, where);
            // I6: cut every operation of the recovery boot as well.
            const recoveryOps = dev.flash.counters.programs + dev.flash.counters.erases - (afterCut.flash.counters.programs + afterCut.flash.counters.erases);
            for (let op2 = 1; op2 <= recoveryOps; op2++) {
              for (const v2 of VARIANTS) {
                const d2 = copy(afterCut);
                d2.flash.powerOn();
                d2.flash.setFaultPlan({ op: op2, timing: v2.timing, seed: op2 * 131 + op, unstableBits: v2.unstableBits });
                await expect(d2.powerUp("power"), `${where} recovery-op=${op2} timing2=${v2.timing}`).rejects.toBeInstanceOf(PowerCut);
                secondCuts++;
                await checkRecovery(d2, allowed, `${where} recovery-op=${op2} timing2=${v2.timing}`);
              }
            }
          }
        }
        expect(firstCuts).toBe(total * VARIANTS.length);
        console.log(`sweep ${name}/${core}/s${g.sectorSize}w${g.writeSize}/c${cycles}: ${total} ops, ${firstCuts} first cuts, ${secondCuts} second cuts`);
      });
    }
  }
});
