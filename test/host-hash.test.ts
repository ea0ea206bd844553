// The host may hash images itself (a hardware SHA engine; node:crypto here).
// Decisions must not depend on who hashes, and the core must fall back to its
// own SHA-256 when the host offers none.
import { describe, expect, it } from "vitest";
import { Bootloader, planLayout } from "../bindings/bootloader.js";
import { withNodeHashing } from "../bindings/node-hashing.js";
import { SimFlash } from "../bootloader-sim/flash.js";
import { CORE_KINDS } from "./helpers/cores.js";
import { makeImage } from "./helpers/world.js";

describe.each(CORE_KINDS)("host-accelerated hashing, %s core", (core) => {
  it("gives the same verdicts as the built-in SHA-256, and is used when enabled", async () => {
    const layout = planLayout({ sectorSize: 512, slotSize: 8192 });
    const sim = new SimFlash({ sectorSize: 512, sectorCount: layout.flashSize / 512, writeSize: 4 });
    const flash = withNodeHashing(sim);
    const img = makeImage("1.2.3", 3000, 5);
    const plain = await Bootloader.open(core, sim, layout);
    const w = plain.update();
    w.open({ byteLength: img.length });
    w.write(img);
    w.complete();
    const accel = await Bootloader.open(core, flash, layout, { hashByHost: true });
    const a = accel.verifySlot(0);
    const b = plain.verifySlot(0);
    expect(a).toEqual(b);
    expect(a.ok).toBe(true);
    expect(flash.hashCalls).toBe(1);
    sim.flipBit(layout.slotA + 1000, 2);
    expect(accel.verifySlot(0)).toMatchObject({ ok: false, error: "DIGEST_MISMATCH" });
    expect(plain.verifySlot(0)).toMatchObject({ ok: false, error: "DIGEST_MISMATCH" });
    expect(flash.hashCalls).toBe(2);
    // Enabled but not offered: the core's own SHA-256 takes over.
    const fallback = await Bootloader.open(core, sim, layout, { hashByHost: true });
    expect(fallback.verifySlot(0)).toMatchObject({ ok: false, error: "DIGEST_MISMATCH" });
  });
});
