// The host may hash images and package chain blocks itself (a hardware SHA
// engine; node:crypto here). Decisions must not depend on who hashes, and the
// core must fall back to its own SHA-256 when the host offers none.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { Bootloader, planLayout } from "../bindings/bootloader.js";
import { withNodeHashing } from "../bindings/node-hashing.js";
import { SimFlash } from "../bootloader-sim/flash.js";
import { CORE_KINDS } from "./helpers/cores.js";
import { makeImage } from "./helpers/world.js";
import { signedImage, pkg, PUB, VENDOR, CLASS } from "./helpers/signed.js";
import type { Flash, HostHash } from "../bindings/flash.js";

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

// Package chain blocks through the host's streaming SHA-256 (sha256Begin/Update/Finish).
describe.each(CORE_KINDS)("host-streamed chain hashing, %s core", (core) => {
  const layout = planLayout({ sectorSize: 512, slotSize: 16384 });
  const image = signedImage({ version: "2.0.0", size: 6000 });
  const update = pkg(image, { blockSize: 1024 });

  async function receiveWith(flash: Flash, hashByHost: boolean): Promise<{ result: string; slot: string | null; resumedAt: number | null }> {
    const boot = await Bootloader.open(core, flash, layout, { publicKey: PUB, vendorId: VENDOR, classId: CLASS, hashByHost });
    const receiver = boot.receiver();
    let result = "installed";
    try {
      for (let at = receiver.position; at < update.length; at = receiver.position) {
        receiver.seek(at);
        receiver.write(update.subarray(at, at + 700));
      }
      receiver.complete();
    } catch (e) {
      result = (e as { code?: string }).code ?? String(e);
    }
    return { result, slot: receiver.slot, resumedAt: receiver.resumed ? receiver.resumeOffset : null };
  }

  const fresh = () => new SimFlash({ sectorSize: 512, sectorCount: layout.flashSize / 512, writeSize: 4 });

  it("installs the same bytes as the core's own hashing, one host stream per block and one for the manifest", async () => {
    const own = fresh();
    const hosted = withNodeHashing(fresh());
    expect(await receiveWith(own, true)).toMatchObject({ result: "installed" });
    expect(await receiveWith(hosted, true)).toMatchObject({ result: "installed" });
    expect(hosted.streamCalls).toBe(1 + Math.ceil(update.length / (1024 + 32)));
    const slot = (f: { read(addr: number, out: Uint8Array): void }) => { const b = new Uint8Array(image.length); f.read(layout.slotA, b); return b; };
    expect(slot(hosted)).toEqual(image);
    expect(slot(own)).toEqual(image);
    // Offered but not enabled: the core hashes.
    const unused = withNodeHashing(fresh());
    expect(await receiveWith(unused, false)).toMatchObject({ result: "installed" });
    expect(unused.streamCalls).toBe(0);
  });

  it("a host digest that differs fails the chain check; a host that fails mid-block stops with HOST_HASH_FAILED, and the retry resumes", async () => {
    const lying = withNodeHashing(fresh());
    lying.sha256Stream = () => ({ update: () => {}, digest: () => new Uint8Array(32) });
    expect((await receiveWith(lying, true)).result).toBe("CHAIN_MISMATCH");

    const sim = fresh();
    const flaky = withNodeHashing(sim);
    let streams = 0;
    flaky.sha256Stream = (): HostHash => {
      const h = createHash("sha256");
      const failing = ++streams === 4;
      return { update: (d) => { if (failing) throw new Error("engine busy"); h.update(d); }, digest: () => new Uint8Array(h.digest()) };
    };
    const first = await receiveWith(flaky, true);
    expect(first.result).toBe("HOST_HASH_FAILED");
    // The manifest and blocks 0–1 passed: the retry starts after them, not from the beginning.
    const retry = await receiveWith(withNodeHashing(sim), true);
    expect(retry.result).toBe("installed");
    expect(retry.resumedAt).toBeGreaterThan(256);
  });

  it("a host that fails on the manifest's digest leaves it to the core, and the install goes on", async () => {
    const flaky = withNodeHashing(fresh());
    let streams = 0;
    flaky.sha256Stream = (): HostHash => {
      const h = createHash("sha256");
      const failing = ++streams === 1;
      return { update: (d) => { if (failing) throw new Error("engine busy"); h.update(d); }, digest: () => new Uint8Array(h.digest()) };
    };
    expect(await receiveWith(flaky, true)).toMatchObject({ result: "installed" });
    expect(streams).toBe(1 + Math.ceil(update.length / (1024 + 32)));
  });

  it("a host that declines the stream (begin -1) leaves the core to hash", async () => {
    const declining = withNodeHashing(fresh());
    declining.sha256Stream = () => null;
    expect(await receiveWith(declining, true)).toMatchObject({ result: "installed" });
  });
});
