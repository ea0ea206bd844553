// A flash driver that fails a read (a bus glitch, a driver's timeout) at boot,
// on both builds of the core. A read changes nothing, so the core makes a
// failed read again before it counts it as a fault (common/flash.ts); a
// transient fault must not become a decision (a pending image rejected, a
// trial rolled back, a fallback to the older image). A slot that cannot be
// read at all still counts as not verifying, as a corrupt one does.
import { describe, expect, it } from "vitest";
import { SimDevice } from "../bootloader-sim/device.js";
import { FlashError } from "../bindings/flash.js";
import { CORE_KINDS, type CoreKind } from "./helpers/cores.js";
import { makeImage, smallDevice } from "./helpers/world.js";

const V1 = makeImage("1.0.0", 1500, 1);
const V2 = makeImage("2.0.0", 1800, 2);

/**
 * The next `times` reads that touch `slot` fail (Infinity: every one), as a
 * driver reports a fault: it throws, and the binding answers the core -1.
 * Returns the count of reads failed so far.
 */
function failReads(dev: SimDevice, slot: "A" | "B", times: number): () => number {
  const layout = dev.config.layout;
  const start = slot === "A" ? layout.slotA : layout.slotB;
  const end = start + layout.slotSize;
  const flash = dev.flash;
  const read = flash.read.bind(flash);
  let failed = 0;
  flash.read = (addr: number, out: Uint8Array) => {
    if (failed < times && addr < end && addr + out.length > start) {
      failed++;
      throw new FlashError("read", "injected read fault");
    }
    read(addr, out);
  };
  return () => failed;
}

/** v1 confirmed in A, v2 installed into B and pending its first boot. */
async function pending(core: CoreKind): Promise<SimDevice> {
  const dev = await smallDevice({ core }, V1);
  await dev.installImage(V2, 256);
  return dev;
}

/** v2 confirmed in B, v1 in A the previous confirmed image (the fallback). */
async function confirmedWithFallback(core: CoreKind): Promise<SimDevice> {
  const dev = await pending(core);
  await dev.powerUp("power");
  await dev.runApp("ok");
  return dev;
}

describe.each(CORE_KINDS)("read faults at boot, %s core", (core) => {
  it("a read that fails once changes no decision: pending, trial and confirmed images boot as without it", async () => {
    const dev = await pending(core);
    let failed = failReads(dev, "B", 1);
    expect(await dev.powerUp("power")).toMatchObject({ booted: "B", version: "2.0.0", reason: "trial-start" });
    expect(failed()).toBe(1);
    failed = failReads(dev, "B", 1);
    expect(await dev.powerUp("watchdog")).toMatchObject({ booted: "B", reason: "trial-retry" });
    expect(failed()).toBe(1);
    await dev.runApp("ok");
    // After a crash reset the confirmed image is hashed again: a fault there is no fallback to v1.
    failed = failReads(dev, "B", 1);
    expect(await dev.powerUp("watchdog")).toMatchObject({ booted: "B", version: "2.0.0", reason: "confirmed" });
    expect(failed()).toBe(1);
    expect((await dev.state()).confirmed).toBe("B");
  });

  it("two failed reads in a row are absorbed too; the decision is the fault-free one", async () => {
    const dev = await confirmedWithFallback(core);
    const failed = failReads(dev, "B", 2);
    expect(await dev.powerUp("software")).toMatchObject({ booted: "B", reason: "confirmed" });
    expect(failed()).toBe(2);
  });

  it("a slot that cannot be read at all counts as not verifying: the pending image is refused, an unreadable primary falls back", async () => {
    const refused = await pending(core);
    failReads(refused, "B", Infinity);
    expect(await refused.powerUp("power")).toMatchObject({ booted: "A", version: "1.0.0", reason: "pending-invalid" });

    const fallback = await confirmedWithFallback(core);
    failReads(fallback, "B", Infinity);
    expect(await fallback.powerUp("watchdog")).toMatchObject({ booted: "A", version: "1.0.0", reason: "primary-invalid-fallback" });
    expect((await fallback.state()).confirmed).toBe("A");
  });
});
