// The time rows inside Moddable XS (tools/engines/xs-timing.ts), beside Espruino's in
// `npm run bench -- engines`. Figures are printed, not asserted (wall time on a shared
// machine); what is asserted is that the device did what it should.
import { describe, expect, it } from "vitest";
import { xsAvailable, xsStatus } from "../../tools/engines/xs.js";
import { runXsModdableInstall, runXsTiming } from "../../tools/engines/xs-timing.js";

const XS = xsAvailable();
if (!XS) console.warn(`[xs] XS timing skipped: ${xsStatus().reason}`);

describe.skipIf(!XS)("time inside Moddable XS", () => {
  it("boot decision and a 200 KB signed install: the device boots its image and installs the package", async () => {
    const r = await runXsTiming(20);
    expect(r).toMatchObject({ provision: 0, first: 0, slot: 0, status: 0, installedSlot: 1 });
    console.log(`XS (preloaded, core's own SHA-256; wall time, ${r.rounds} rounds each): boot decision ${r.decideMs.toFixed(2)} ms, ` +
      `power-up (load boot module + decide + parse) ${r.powerUpMs.toFixed(2)} ms, install of a ${Math.round(r.packageBytes / 1000)} KB signed package ${(r.installMs / 1000).toFixed(2)} s`);
  }, 900_000);

  it("the same install through examples/moddable with host hashing (native Crypt.Digest): installed for its trial", async () => {
    const r = await runXsModdableInstall(200_000);
    expect(r).toMatchObject({ provision: 0, status: 0, installed: { slot: 1, version: "2.0.0" } });
    expect(r.digests).toBeGreaterThan(40);
    console.log(`XS, examples/moddable with host hashing (wall time): install of a ${Math.round(r.packageBytes / 1000)} KB signed package ${(r.installMs / 1000).toFixed(2)} s`);
  }, 900_000);
});
