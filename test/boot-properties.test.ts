// Random update histories with random power cuts and bit rot, checked against
// the boot invariants:
//  I1 after any cut, the next boot boots an intact image (when one is confirmed)
//  I2 the confirmed image is never lost except by confirming a newer one
//  I3 an image that fails verification never boots
//  I4 a trial that never confirms is rolled back after at most the attempt limit
//     of watchdog/panic resets
//  I5 power-on resets during a trial do not roll it back before their own limit
//  I6 a second cut during recovery from the first keeps I1-I3
//  I7 the boot state never goes backwards: sequence number and anti-rollback
//     floor never fall, the factory image is never adopted again, and a bit
//     flipped in the control log (anywhere but in the last intact copy of the
//     newest state) changes nothing the device reports
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { SimDevice, type AppBehaviour } from "../bootloader-sim/device.js";
import { PowerCut, type CutTiming } from "../bootloader-sim/flash.js";
import { SlotbootError } from "../bindings/errors.js";
import type { DeviceState } from "../bindings/bootloader.js";
import type { ResetReason } from "../bindings/names.js";
import { createImage, parseVersion } from "../tools/image.js";
import { CORE_KINDS, type CoreKind } from "./helpers/cores.js";
import { LONG, slotImageVersion, smallDevice } from "./helpers/world.js";
import { controlState, RECORD_SIZE } from "./boot-state-log.js";

const MAX_ATTEMPTS = 3;
const MAX_POWER = 4;

/** Image n has security counter n, so confirms move the floor (the images are unsigned: nothing refuses a lower one). */
function counted(n: number): Uint8Array {
  const size = 600 + n * 450;
  const body = new Uint8Array(size);
  let x = (n * 2654435761 + size) >>> 0;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    body[i] = x & 0xff;
  }
  return createImage(body, { version: parseVersion(`${n}.0.0`), headerSize: 64, securityCounter: n });
}
const IMAGES = [1, 2, 3, 4].map(counted);

type Cut = { op: number; timing: CutTiming; unstable: number } | null;
type Action =
  | { k: "install"; img: number; chunk: number; cut: Cut }
  | { k: "boot"; app: AppBehaviour; reset: ResetReason | null; cut: Cut; repeat: number }
  | { k: "confirm"; cut: Cut }
  | { k: "reject"; cut: Cut }
  | { k: "rot"; slot: "A" | "B"; offset: number; bit: number }
  | { k: "ctlrot"; newest: boolean; pick: number; bit: number };

const cutArb: fc.Arbitrary<Cut> = fc.oneof(
  { weight: 3, arbitrary: fc.constant(null) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.integer({ min: 1, max: 14 }),
      timing: fc.constantFrom<CutTiming>("before", "during", "after"),
      unstable: fc.constantFrom(0, 0, 12),
    }),
  },
);

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ k: fc.constant("install" as const), img: fc.integer({ min: 0, max: 3 }), chunk: fc.integer({ min: 1, max: 1200 }), cut: cutArb }) },
  {
    weight: 6,
    arbitrary: fc.record({
      k: fc.constant("boot" as const),
      app: fc.constantFrom<AppBehaviour>("ok", "noconfirm", "hang", "crash"),
      reset: fc.option(fc.constantFrom<ResetReason>("power", "watchdog", "software", "brownout"), { nil: null }),
      cut: cutArb,
      repeat: fc.integer({ min: 1, max: 4 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ k: fc.constant("confirm" as const), cut: cutArb }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant("reject" as const), cut: cutArb }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant("rot" as const), slot: fc.constantFrom<"A" | "B">("A", "B"), offset: fc.integer({ min: 0, max: 2400 }), bit: fc.integer({ min: 0, max: 7 }) }) },
  {
    weight: 2,
    arbitrary: fc.record({ k: fc.constant("ctlrot" as const), newest: fc.boolean(), pick: fc.nat({ max: 1 << 20 }), bit: fc.integer({ min: 0, max: 7 }) }),
  },
);

/**
 * Flip one bit of the control log: in a copy of the newest state, or anywhere
 * in the region. Never in the last intact copy of the newest state — losing
 * that is losing the state, which no format survives; with two copies
 * written per state and a boot repairing a lost one, that takes two flips in
 * one pair between two power-ups. Returns where, or null when it left the log alone.
 */
function flipControl(dev: SimDevice, a: { newest: boolean; pick: number; bit: number }): string | null {
  const l = dev.config.layout;
  const cs = controlState(dev);
  let addr: number;
  if (a.newest) {
    if (cs.copies.length < 2) return null;
    addr = cs.copies[a.pick % cs.copies.length].addr + ((a.pick >> 4) % RECORD_SIZE);
  } else {
    addr = l.ctlAddr + (a.pick % (l.ctlSectors * l.sectorSize));
  }
  const inLastCopy = cs.copies.length === 1 && addr >= cs.copies[0].addr && addr < cs.copies[0].addr + RECORD_SIZE;
  if (inLastCopy) return null;
  dev.flash.flipBit(addr, a.bit);
  return `0x${addr.toString(16)} bit ${a.bit}`;
}

/** What a flip in the control log must not change. */
function reported(st: DeviceState): unknown {
  return [st.sequence, st.securityFloor, st.confirmed, st.trial, st.slots.A.state, st.slots.B.state, st.lastEvent];
}

/** What the test believes, from observations only. */
interface Model {
  trialVersion: string | null;
  failedResets: number; // watchdog/panic boots seen during this trial
  powerResets: number;
  cutDuringTrial: boolean;
  rotSinceConfirm: boolean;
}

/** How often the interesting transitions happened, so the run provably covered them. */
const seen: Record<string, number> = {};

async function guard<T>(dev: SimDevice, cut: Cut, fn: () => Promise<T>): Promise<{ value?: T; cut: boolean; error?: SlotbootError }> {
  if (cut) dev.flash.setFaultPlan({ op: cut.op, timing: cut.timing, seed: cut.op * 7919, unstableBits: cut.unstable });
  try {
    const value = await fn();
    dev.flash.clearFaultPlan();
    return { value, cut: false };
  } catch (e) {
    if (e instanceof PowerCut) {
      seen[dev.config.core + ":cut"] = (seen[dev.config.core + ":cut"] ?? 0) + 1;
      dev.runtime.nextReset = "power";
      dev.runtime.running = null;
      dev.flash.powerOn();
      return { cut: true };
    }
    dev.flash.clearFaultPlan();
    if (e instanceof SlotbootError) return { cut: false, error: e };
    throw e;
  }
}

async function run(core: CoreKind, actions: Action[]): Promise<void> {
  const dev = await smallDevice({ core, sectorSize: 512, slotSize: 4096, writeSize: 4, maxAttempts: MAX_ATTEMPTS, maxPowerAttempts: MAX_POWER }, IMAGES[0]);
  const m: Model = { trialVersion: null, failedResets: 0, powerResets: 0, cutDuringTrial: false, rotSinceConfirm: false };
  let confirmed = { slot: "A" as "A" | "B", version: "1.0.0" };
  let mustBoot = false; // set after a cut: I1/I6
  const trace: string[] = [];
  let high = await dev.state(); // I7: the furthest state seen

  // A boot action with repeat n stands for n identical power-ups in a row
  // (the cut, if any, applies to the last), so long trials are common.
  const steps: Action[] = [];
  for (const a of actions) {
    if (a.k === "boot") for (let i = 1; i <= a.repeat; i++) steps.push({ ...a, repeat: 1, cut: i === a.repeat ? a.cut : null });
    else steps.push(a);
  }
  for (const a of steps) {
    trace.push(JSON.stringify(a));
    const where = () => `after ${trace.join(" ; ")}`;
    const before = await dev.state();
    if (a.k === "ctlrot") {
      const at = flipControl(dev, a);
      if (at) {
        seen[core + ":ctlrot"] = (seen[core + ":ctlrot"] ?? 0) + 1;
        expect(reported(await dev.state()), `I7 flip at ${at} ${where()}`).toEqual(reported(before));
      }
      continue;
    }
    if (a.k === "rot") {
      const l = dev.config.layout;
      dev.flash.flipBit((a.slot === "A" ? l.slotA : l.slotB) + a.offset, a.bit);
      if (a.slot === confirmed.slot) m.rotSinceConfirm = true;
      continue;
    }
    if (a.k === "install") {
      const r = await guard(dev, a.cut, () => dev.installImage(IMAGES[a.img], a.chunk));
      if (r.cut) mustBoot = true;
      if (r.error) expect(["TRIAL_IN_PROGRESS"], where()).toContain(r.error.code);
    } else if (a.k === "confirm" || a.k === "reject") {
      const r = await guard<unknown>(dev, a.cut, () => (a.k === "confirm" ? dev.confirm() : dev.reject()));
      if (r.cut) mustBoot = true;
      if (r.error) expect(["NOT_IN_TRIAL", "BAD_HEADER", "DIGEST_MISMATCH", "BAD_TLV", "NO_DIGEST", "EMPTY_SLOT"], where()).toContain(r.error.code);
    } else {
      const reset = a.reset ?? dev.runtime.nextReset;
      const trialBefore = before.trial ? before.slots[before.trial.slot].version : null;
      const trialSlot = before.trial ? before.trial.slot : null;
      let booted: Awaited<ReturnType<SimDevice["powerUp"]>> | undefined;
      const r = await guard(dev, a.cut, async () => {
        booted = await dev.powerUp(reset);
        await dev.runApp(a.app);
      });
      // Count every reset the bootloader may have seen, cut or not: the model's
      // counts are then never below the device's.
      const countsForTrial = trialBefore !== null && m.trialVersion === trialBefore;
      if (countsForTrial) {
        if (reset === "watchdog" || reset === "software") m.failedResets++;
        else m.powerResets++;
      }
      if (booted) {
        seen[core + ":" + booted.reason] = (seen[core + ":" + booted.reason] ?? 0) + 1;
        expect(booted.reason, `I7 ${where()}`).not.toBe("factory-adopt");
        // I3: whatever boots is intact on flash (host-side oracle).
        if (booted.booted) expect(slotImageVersion(dev, booted.booted), where()).toBe(booted.version);
        // I1/I6: after a cut, an intact confirmed image means the device boots.
        if (mustBoot && !m.rotSinceConfirm) expect(booted.booted, `I1 ${where()}`).not.toBeNull();
        if (countsForTrial) {
          if (booted.reason === "rollback-attempts") expect(m.failedResets, `I4 lower ${where()}`).toBeGreaterThanOrEqual(MAX_ATTEMPTS);
          if (booted.reason === "rollback-power") expect(m.powerResets, `I5 ${where()}`).toBeGreaterThanOrEqual(MAX_POWER);
          // I4: once the limit of failed resets is reached, the trial must not boot again.
          if (!m.cutDuringTrial && m.failedResets >= MAX_ATTEMPTS) expect(booted.booted, `I4 ${where()}`).not.toBe(trialSlot);
          // I5: below both limits, a power-on reset keeps the trial running.
          if (!m.cutDuringTrial && (reset === "power" || reset === "brownout") && m.powerResets < MAX_POWER && m.failedResets < MAX_ATTEMPTS && slotImageVersion(dev, before.trial!.slot) === trialBefore)
            expect(booted.booted, `I5 ${where()}`).toBe(trialSlot);
        }
        if (!r.cut) mustBoot = false;
      }
      if (r.cut) {
        mustBoot = true;
        if (m.trialVersion) m.cutDuringTrial = true;
      }
    }
    // Update the model from what the device now says.
    const st = await dev.state();
    expect(st.sequence, `I7 sequence ${where()}`).toBeGreaterThanOrEqual(high.sequence);
    expect(st.securityFloor, `I7 floor ${where()}`).toBeGreaterThanOrEqual(high.securityFloor);
    high = st;
    const tv = st.trial ? st.slots[st.trial.slot].version : null;
    if (tv !== m.trialVersion || (st.trial === null) !== (before.trial === null)) {
      if (!(st.trial && before.trial && tv === m.trialVersion)) {
        m.trialVersion = tv;
        m.failedResets = 0;
        m.powerResets = 0;
        m.cutDuringTrial = false;
      }
    }
    // I2: the confirmed image changes only by confirming the trial, and stays intact unless rotted.
    const nowVersion = st.confirmed ? st.slots[st.confirmed].version : null;
    if (st.confirmed !== confirmed.slot || (nowVersion !== null && nowVersion !== confirmed.version)) {
      // The candidate may go pending -> trial -> confirmed within one boot action.
      const candSlot = (["A", "B"] as const).find((x) => before.slots[x].state === "trial" || before.slots[x].state === "pending");
      const wasTrial = candSlot ? { slot: candSlot, version: before.slots[candSlot].version } : null;
      const byConfirm = wasTrial && st.confirmed === wasTrial.slot && st.slots[wasTrial.slot].version === wasTrial.version;
      const byFallback = m.rotSinceConfirm; // D9: an older confirmed image takes over after rot
      expect(byConfirm || byFallback, `I2: confirmed moved from ${JSON.stringify(confirmed)} to ${st.confirmed} ${where()}`).toBeTruthy();
      if (st.confirmed && nowVersion) confirmed = { slot: st.confirmed, version: nowVersion };
      m.rotSinceConfirm = false;
    }
    if (!m.rotSinceConfirm) expect(slotImageVersion(dev, confirmed.slot), `I2 intact ${where()}`).toBe(confirmed.version);
  }
}

describe.each(CORE_KINDS)("boot invariants under random histories, %s core", (core) => {
  it("I1-I7 hold for random installs, boots, app behaviours, confirms, rejects, cuts, bit rot and control-log flips", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(actionArb, { minLength: 4, maxLength: LONG ? 60 : 25 }), (actions) => run(core, actions)),
      { numRuns: LONG ? 5000 : core === "wasm" ? 400 : 250, seed: Number(process.env.SLOTBOOT_SEED ?? 0x5107b007) },
    );
    const wanted = ["trial-start", "trial-retry", "trial-continue", "rollback-attempts", "rollback-power", "confirmed", "no-bootable-image", "cut", "ctlrot"];
    const missing = wanted.filter((r) => !seen[core + ":" + r]);
    expect(missing, "transitions the generated histories never produced").toEqual([]);
  });
});
