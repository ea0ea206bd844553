// Exhaustive power-cut sweep: every flash program/erase of two update stories
// is cut before, during (torn) and after, and every operation of the recovery
// boot that follows is cut again. After each cut the device must boot an
// intact image and keep its confirmed image (invariants I1, I2, I3, I6), and
// its boot state must never go backwards (I7): not the sequence number, not
// the anti-rollback floor, not the confirmed image, and no factory adoption.
// "Backwards" is measured against the state just before the operation that
// was cut, read from flash by a host-side reading of the log.
// A failure names the story, core, op index and timing that replay it.
import { describe, expect, it } from "vitest";
import { SimDevice } from "../bootloader-sim/device.js";
import { PowerCut, type CutTiming } from "../bootloader-sim/flash.js";
import { createImage, parseVersion } from "../tools/image.js";
import { CORE_KINDS, type CoreKind } from "./helpers/cores.js";
import { LONG, slotImageVersion, smallDevice } from "./helpers/world.js";
import { controlState, watchControl, type ControlState } from "./boot-state-log.js";

type Story = (dev: SimDevice, mark: (phase: string) => void) => Promise<void>;

/** Images with security counters, so the floor moves and its check means something. */
function counted(version: string, size: number, seed: number, counter: number): Uint8Array {
  const body = new Uint8Array(size);
  let x = (seed * 2654435761 + size) >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    body[i] = x & 0xff;
  }
  return createImage(body, { version: parseVersion(version), headerSize: 64, securityCounter: counter });
}

const V1 = counted("1.0.0", 1200, 1, 1);
const V2 = counted("2.0.0", 1700, 2, 2);
const V101 = counted("1.0.1", 900, 9, 1);

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
    await dev.installImage(i % 2 === 0 ? V101 : V1, 700);
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

/**
 * Unstable bits come only from a torn erase: for a program op the unstable
 * variant is the same run as the plain "during" one, so it is skipped.
 */
function differs(v: Variant, states: ControlState[], op: number): boolean {
  return v.unstableBits === 0 || states[op].after === "erase";
}

/** The state before op `op` of a run cut with `timing` (an op cut "after" has completed). */
function stateBefore(states: ControlState[], op: number, timing: CutTiming): ControlState {
  return states[timing === "after" ? op : op - 1];
}

/**
 * Boot after a cut and check I1 (boots), I3 (what boots is intact), I2
 * (confirmed kept), and I7 against `pre`, the state before the cut op:
 * sequence and floor never fall, the confirmed image never goes back to an
 * older one of `allowed` (which lists them oldest first), no factory adoption.
 * The state is read from flash by the host-side reading of the log; with
 * `crossCheck` the core's own reading must agree (the second-level cuts skip
 * that: a core instance per check is most of the sweep's time).
 */
async function checkRecovery(dev: SimDevice, allowed: string[], pre: ControlState, where: string, crossCheck: boolean): Promise<void> {
  const r = await dev.powerUp("power");
  expect(r.booted, `${where}: nothing boots after the cut (reason ${r.reason})`).not.toBeNull();
  expect(r.reason, `${where}: the factory image was adopted again`).not.toBe("factory-adopt");
  const onFlash = slotImageVersion(dev, r.booted as "A" | "B");
  expect(onFlash, `${where}: booted slot ${r.booted} does not hold an intact image`).not.toBeNull();
  expect(r.version, `${where}: booted version disagrees with flash`).toBe(onFlash);
  const now = controlState(dev);
  if (crossCheck) {
    const st = await dev.state();
    expect([st.sequence, st.securityFloor, st.confirmed], `${where}: host reading of the log`).toEqual([now.seq, now.floor, now.primary]);
  }
  expect(now.primary, `${where}: no confirmed slot`).not.toBeNull();
  const confirmedVersion = slotImageVersion(dev, now.primary as "A" | "B") as string;
  const preConfirmed = pre.primary ? slotImageVersion(dev, pre.primary) : null;
  const notOlder = preConfirmed && allowed.includes(preConfirmed) ? allowed.slice(allowed.indexOf(preConfirmed)) : allowed;
  expect(notOlder, `${where}: confirmed image is ${confirmedVersion}, before the cut ${preConfirmed}; expected one of ${notOlder}`).toContain(confirmedVersion);
  expect(now.seq, `${where}: sequence went back from ${pre.seq}`).toBeGreaterThanOrEqual(pre.seq);
  expect(now.floor, `${where}: floor fell from ${pre.floor}`).toBeGreaterThanOrEqual(pre.floor);
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
        const storyStates = watchControl(clean);
        await story(clean, () => {});
        const total = mutatingOps(clean) - before;
        expect(total).toBeGreaterThan(5);
        expect(storyStates).toHaveLength(total + 1);

        let firstCuts = 0;
        let secondCuts = 0;
        for (let op = 1; op <= total; op++) {
          for (const v of VARIANTS) {
            if (!differs(v, storyStates, op)) continue;
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
            const recoveryStates = watchControl(dev);
            await checkRecovery(dev, allowed, stateBefore(storyStates, op, v.timing), where, true);
            // I6: cut every operation of the recovery boot as well.
            const recoveryOps = dev.flash.counters.programs + dev.flash.counters.erases - (afterCut.flash.counters.programs + afterCut.flash.counters.erases);
            for (let op2 = 1; op2 <= recoveryOps; op2++) {
              for (const v2 of VARIANTS) {
                if (!differs(v2, recoveryStates, op2)) continue;
                const d2 = copy(afterCut);
                d2.flash.powerOn();
                d2.flash.setFaultPlan({ op: op2, timing: v2.timing, seed: op2 * 131 + op, unstableBits: v2.unstableBits });
                const where2 = `${where} recovery-op=${op2} timing2=${v2.timing}`;
                await expect(d2.powerUp("power"), where2).rejects.toBeInstanceOf(PowerCut);
                secondCuts++;
                await checkRecovery(d2, allowed, stateBefore(recoveryStates, op2, v2.timing), where2, false);
              }
            }
          }
        }
        const erases = storyStates.filter((x) => x.after === "erase").length;
        expect(firstCuts).toBe(total * (VARIANTS.length - 1) + erases);
        console.log(`sweep ${name}/${core}/s${g.sectorSize}w${g.writeSize}/c${cycles}: ${total} ops, ${firstCuts} first cuts, ${secondCuts} second cuts`);
      });
    }
  }
});
