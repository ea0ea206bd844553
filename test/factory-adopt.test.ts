// Factory adoption (api/boot.ts factoryAdopt) is for the factory: a blank
// control log, or one holding only provisioning's own install records. On a
// device with a history it would start that history again from the first slot
// that passes the full check, which may hold an older image than the one
// running (a downgrade with nothing on the device to stop it when the images
// carry no security counter). So it is refused there with ALREADY_PROVISIONED,
// writing nothing; asked again with nothing recorded since (a factory line
// retrying after a reset) it answers the slot it adopted, writing nothing.
import { describe, expect, it } from "vitest";
import { SlotbootError } from "../bindings/errors.js";
import type { SimDevice } from "../bootloader-sim/device.js";
import { CORE_KINDS } from "./helpers/cores.js";
import { makeImage, smallDevice } from "./helpers/world.js";

const V1 = makeImage("1.0.0", 1500, 1);
const V2 = makeImage("2.0.0", 1800, 2);

/** The flash contents (not the simulator's counters, which reads change). */
const bytesOf = (dev: SimDevice): Uint8Array => dev.flash.snapshot().data;

function refusal(run: () => unknown): SlotbootError {
  try {
    run();
  } catch (e) {
    if (e instanceof SlotbootError) return e;
    throw e;
  }
  throw new Error("factory adoption was not refused");
}

describe.each(CORE_KINDS)("factory adoption, %s core", (core) => {
  it("asked again straight after, answers the adopted slot and writes nothing", async () => {
    const dev = await smallDevice({ core }, V1);
    const before = bytesOf(dev);
    expect((await dev.bootloader()).adoptFactoryImage()).toBe("A");
    expect(bytesOf(dev)).toEqual(before);
    expect(await dev.powerUp("power")).toMatchObject({ booted: "A", version: "1.0.0", reason: "confirmed" });
  });

  it("on a device that has updated since, is refused: nothing written, the running image still boots", async () => {
    const dev = await smallDevice({ core }, V1);
    await dev.installImage(V2, 256);
    await dev.powerUp("power");
    await dev.runApp("ok");
    expect((await dev.state()).confirmed).toBe("B");
    // Slot A still holds v1, whole and signed: adoption would pick it first.
    const before = bytesOf(dev);
    const bootloader = await dev.bootloader();
    const error = refusal(() => bootloader.adoptFactoryImage());
    expect(error).toMatchObject({ code: "ALREADY_PROVISIONED", status: -32 });
    expect(error.message).toMatch(/erase the boot-control area/);
    expect(bytesOf(dev)).toEqual(before);
    expect(await dev.powerUp("power")).toMatchObject({ booted: "B", version: "2.0.0", reason: "confirmed" });
  });

  it("with an update pending, is refused too: the pending image still gets its trial", async () => {
    const dev = await smallDevice({ core }, V1);
    await dev.installImage(V2, 256);
    const before = bytesOf(dev);
    const bootloader = await dev.bootloader();
    expect(refusal(() => bootloader.adoptFactoryImage())).toMatchObject({ code: "ALREADY_PROVISIONED" });
    expect(bytesOf(dev)).toEqual(before);
    expect(await dev.powerUp("power")).toMatchObject({ booted: "B", version: "2.0.0", reason: "trial-start" });
  });
});
