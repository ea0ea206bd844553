// One test per row of the boot decision table (docs/design.md), on both
// builds of the core, plus the device-side calls around it.
import { describe, expect, it } from "vitest";
import { SimDevice } from "../bootloader-sim/device.js";
import { outcome } from "./helpers/outcome.js";
import { CORE_KINDS, type CoreKind } from "./helpers/cores.js";
import { makeImage, slotImageVersion, smallDevice } from "./helpers/world.js";

const V1 = makeImage("1.0.0", 1500, 1);
const V2 = makeImage("2.0.0", 1800, 2);
const V3 = makeImage("3.0.0", 900, 3);

async function withTrial(core: CoreKind, opts = {}): Promise<SimDevice> {
  const dev = await smallDevice({ core, ...opts }, V1);
  await dev.installImage(V2, 256);
  return dev;
}

function flipInSlot(dev: SimDevice, slot: "A" | "B", offset: number): void {
  const l = dev.config.layout;
  dev.flash.flipBit((slot === "A" ? l.slotA : l.slotB) + offset, 3);
}


describe.each(CORE_KINDS)("boot decision table, %s core", (core) => {
  it("D1: no record yet, an intact image is adopted as confirmed", async () => {
    const dev = SimDevice.create({ core, sectorSize: 512, slotSize: 8192 });
    dev.flash.poke(dev.config.layout.slotB, V1);
    const r = await dev.powerUp("power");
    expect(r).toMatchObject({ booted: "B", version: "1.0.0", reason: "factory-adopt" });
    expect((await dev.state()).confirmed).toBe("B");
  });

  it("D2/D11: nothing intact anywhere, the device stays in recovery (no loop, no writes)", async () => {
    const dev = SimDevice.create({ core, sectorSize: 512, slotSize: 8192 });
    const before = dev.flash.counters.programs + dev.flash.counters.erases;
    for (const reset of ["power", "watchdog", "software"] as const) {
      const r = await dev.powerUp(reset);
      expect(r).toMatchObject({ booted: null, reason: "no-bootable-image" });
    }
    expect(dev.flash.counters.programs + dev.flash.counters.erases).toBe(before);
    // Recovery still takes an update.
    await dev.installImage(V2);
    expect((await dev.powerUp()).booted).not.toBeNull();
  });

  it("D3: a pending image that no longer verifies is never booted", async () => {
    const dev = await withTrial(core);
    flipInSlot(dev, "B", 700);
    const r = await dev.powerUp("power");
    expect(r).toMatchObject({ booted: "A", version: "1.0.0", reason: "pending-invalid" });
    expect((await dev.state()).slots.B.state).toBe("invalid");
  });

  it("D4: a pending image boots on trial", async () => {
    const dev = await withTrial(core);
    expect((await dev.state()).slots.B.state).toBe("pending");
    const r = await dev.powerUp("power");
    expect(r).toMatchObject({ booted: "B", version: "2.0.0", reason: "trial-start" });
    const st = await dev.state();
    expect(st.slots.B.state).toBe("trial");
    expect(st.active).toBe("B");
    expect(st.confirmed).toBe("A");
  });

  it("D5: watchdog and panic resets count as failed attempts; the limit rolls back", async () => {
    const dev = await withTrial(core, { maxAttempts: 3 });
    expect((await dev.powerUp("power")).reason).toBe("trial-start");
    expect((await dev.powerUp("watchdog")).reason).toBe("trial-retry");
    expect((await dev.powerUp("software")).reason).toBe("trial-retry");
    const r = await dev.powerUp("watchdog");
    expect(r).toMatchObject({ booted: "A", version: "1.0.0", reason: "rollback-attempts" });
    const st = await dev.state();
    expect(st.slots.B.state).toBe("rejected");
    expect(st.trial).toBeNull();
    // Rejected stays rejected.
    expect((await dev.powerUp("watchdog")).booted).toBe("A");
  });

  it("D6: power-on and brown-out resets have their own, higher limit", async () => {
    const dev = await withTrial(core, { maxAttempts: 2, maxPowerAttempts: 5 });
    await dev.powerUp("power");
    for (let i = 1; i < 5; i++) {
      const r = await dev.powerUp(i % 2 ? "brownout" : "power");
      expect(r, `power reset ${i}`).toMatchObject({ booted: "B", reason: "trial-continue" });
    }
    expect(await dev.powerUp("power")).toMatchObject({ booted: "A", reason: "rollback-power" });
  });

  it("D7: a trial image that rots between boots is rolled back", async () => {
    const dev = await withTrial(core);
    await dev.powerUp("power");
    flipInSlot(dev, "B", 100);
    expect(await dev.powerUp("power")).toMatchObject({ booted: "A", reason: "trial-invalid" });
  });

  it("D8: the confirmed image boots on any reset when nothing is pending", async () => {
    const dev = await smallDevice({ core }, V1);
    for (const reset of ["power", "watchdog", "software", "brownout"] as const) {
      expect(await dev.powerUp(reset)).toMatchObject({ booted: "A", reason: "confirmed" });
    }
  });

  it("D10: a failed trial with the confirmed image rotten leaves the device in recovery, not in a boot loop", async () => {
    const dev = await withTrial(core, { maxAttempts: 2 });
    await dev.powerUp("power");
    flipInSlot(dev, "A", 200);
    expect((await dev.powerUp("watchdog")).booted).toBe("B");
    expect(await dev.powerUp("watchdog")).toMatchObject({ booted: null, reason: "no-bootable-image" });
    // An update still installs and boots from recovery.
    await dev.installImage(V3);
    expect(await dev.powerUp("power")).toMatchObject({ version: "3.0.0", reason: "trial-start" });
  });

  it("D9: with the confirmed image rotten, the previous confirmed image takes over", async () => {
    const dev = await withTrial(core);
    await dev.powerUp("power");
    await dev.runApp("ok"); // v2 in B confirmed; v1 in A is the previous confirmed image
    flipInSlot(dev, "B", 300);
    const r = await dev.powerUp("power");
    expect(r).toMatchObject({ booted: "A", version: "1.0.0", reason: "primary-invalid-fallback" });
    expect((await dev.state()).confirmed).toBe("A");
  });

  it("confirm makes the trial permanent; the next install goes to the other slot", async () => {
    const dev = await withTrial(core);
    await dev.powerUp("power");
    expect(await dev.confirm()).toBe("confirmed");
    expect(await dev.confirm()).toBe("already-confirmed");
    let st = await dev.state();
    expect(st).toMatchObject({ active: "B", confirmed: "B" });
    expect(st.slots.B.state).toBe("confirmed");
    expect(await dev.installImage(V3)).toBe("A");
    st = await dev.state();
    expect(st.slots.A.state).toBe("pending");
    expect(slotImageVersion(dev, "B")).toBe("2.0.0");
  });

  it("reject rolls back at the next boot", async () => {
    const dev = await withTrial(core);
    await dev.powerUp("power");
    await dev.reject();
    expect(await dev.powerUp("power")).toMatchObject({ booted: "A", version: "1.0.0" });
    expect((await dev.state()).slots.B.state).toBe("rejected");
  });

  it("confirm needs a running trial; install refuses to overwrite a running trial", async () => {
    const dev = await withTrial(core);
    expect(await outcome(dev.confirm())).toBe("NOT_IN_TRIAL");
    await dev.powerUp("power");
    expect(await outcome(dev.installImage(V3))).toBe("TRIAL_IN_PROGRESS");
    expect((await dev.state()).slots.B.state).toBe("trial");
  });

  it("bad images are refused with typed errors and the confirmed image is untouched", async () => {
    const dev = await smallDevice({ core }, V1);
    const notImage = new Uint8Array(2000).fill(0x42);
    expect(await outcome(dev.installImage(notImage))).toBe("BAD_HEADER");
    const tampered = V2.slice();
    tampered[900] ^= 1;
    expect(await outcome(dev.installImage(tampered))).toBe("DIGEST_MISMATCH");
    expect(await outcome(dev.installImage(new Uint8Array(9000)))).toBe("IMAGE_TOO_LARGE");
    const st = await dev.state();
    expect(st.confirmed).toBe("A");
    expect(slotImageVersion(dev, "A")).toBe("1.0.0");
    expect(st.slots.B.state).toBe("empty");
    expect((await dev.powerUp()).booted).toBe("A");
  });
});
