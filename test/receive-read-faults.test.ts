// A flash driver that cannot read the new slot while the receiver makes its
// final check (receiveComplete: digest and signature of the image just
// written). The read faults say nothing of the image, so the download is kept:
// the next connection resumes at the end and only the check runs again. An
// image that is read and found wrong is different: that download is forgotten
// (test/receive-resume.test.ts), since resuming would rebuild the same image.
import { describe, expect, it } from "vitest";
import { FlashError } from "../bindings/flash.js";
import { SlotbootError } from "../bindings/errors.js";
import type { SimDevice } from "../bootloader-sim/device.js";
import { CORE_KINDS } from "./helpers/cores.js";
import { pkg, signedDevice, signedImage, slotBytes } from "./helpers/signed.js";

const V1 = signedImage({ version: "1.0.0", size: 3000, seed: 1 });
const V2 = signedImage({ version: "2.0.0", size: 6000, seed: 2 });
const PACKAGE = pkg(V2);

/**
 * Every read that touches slot B fails while `on()` says so, as a driver
 * reports a fault (it throws), except the first `spared` of them.
 */
function unreadableSlotB(dev: SimDevice, on: () => boolean, spared: number): void {
  const layout = dev.config.layout;
  const start = layout.slotB;
  const end = start + layout.slotSize;
  const flash = dev.flash;
  const read = flash.read.bind(flash);
  flash.read = (addr: number, out: Uint8Array) => {
    if (on() && addr < end && addr + out.length > start && spared-- <= 0) throw new FlashError("read", "injected read fault");
    read(addr, out);
  };
}

/**
 * One connection: the manifest, then the package from where the device asks;
 * `beforeComplete` runs once all is sent. Returns where the device asked.
 */
async function connect(dev: SimDevice, beforeComplete = () => {}): Promise<{ from: number; resumed: boolean; error: SlotbootError | null }> {
  const rx = (await dev.bootloader()).receiver();
  rx.write(PACKAGE.subarray(0, 256));
  const from = rx.position;
  rx.seek(from);
  for (let off = from; off < PACKAGE.length; off += 700) rx.write(PACKAGE.subarray(off, Math.min(PACKAGE.length, off + 700)));
  beforeComplete();
  try {
    rx.complete();
    return { from, resumed: rx.resumed, error: null };
  } catch (e) {
    if (e instanceof SlotbootError) return { from, resumed: rx.resumed, error: e };
    throw e;
  }
}

describe.each(CORE_KINDS)("read faults at the receiver's final check, %s core", (core) => {
  // 0: the receiver's own look at the image header fails; 1, 2: the header
  // read by the image check and then the TLV area or body fail.
  it.each([0, 1, 2])("keeps the download (%i reads spared): the next connection resumes at the end, and the image installs", async (spared) => {
    const dev = await signedDevice({ core }, V1);
    let checking = false;
    unreadableSlotB(dev, () => checking, spared);
    // Writing needs no reads of the slot here; the final check reads it all.
    const first = await connect(dev, () => (checking = true));
    checking = false;
    expect(first.error).toMatchObject({ code: "FLASH_FAULT" });

    const again = await connect(dev);
    expect(again.error).toBeNull();
    expect(again.resumed).toBe(true);
    // Resumed at the last saved chain block (512 bytes here), not from the start.
    expect(again.from).toBeGreaterThan(PACKAGE.length - 1024);
    expect(slotBytes(dev, "B", V2.length)).toEqual(V2);
    expect(await dev.powerUp("power")).toMatchObject({ booted: "B", version: "2.0.0", reason: "trial-start" });
  });
});
