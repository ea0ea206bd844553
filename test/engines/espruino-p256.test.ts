// A device that trusts an ECDSA P-256 key, inside Espruino (tools/engines/p256-install.ts):
// the update task plugs the p256 module in at the first P-256 signature; the
// factory image is adopted, a package from another key and a package with a
// flipped signature bit are refused with their own statuses and change nothing
// the loader sees, and the trusted package installs into slot B for its trial.
import { describe, expect, it } from "vitest";
import { espruinoBinary } from "../../tools/engines/espruino.js";
import { runP256InstallInEspruino } from "../../tools/engines/p256-install.js";
import { STATUS_TABLE } from "../../bindings/status-table.js";

const coreStatus = (name: string) => STATUS_TABLE.find((e) => e.scope === "core" && e.core === name)!.status;

const binary = espruinoBinary();
if (!binary) console.warn("[espruino] interpreter not found: the P-256 device test is skipped");

describe.skipIf(!binary)("a P-256 device inside Espruino", () => {
  it("adopts its factory image, refuses a stranger's and a forged package, installs the trusted one", () => {
    const r = runP256InstallInEspruino();
    expect(r.provision).toMatchObject({ status: 0, slot: 0 });
    expect(r.stranger).toMatchObject({ status: coreStatus("E_UNKNOWN_KEY"), slot: -1 });
    expect(r.forged).toMatchObject({ status: coreStatus("E_PKG_SIGNATURE"), slot: -1 });
    expect(r.afterRefusals).toEqual({ slot: 0, version: "1.0.0" });
    expect(r.installed).toMatchObject({ status: 0, slot: 1 });
    expect(r.decided).toEqual({ slot: 1, version: "2.0.0" });
    // The forged package ran the P-256 check (seconds, not the stranger's milliseconds).
    expect(r.forged.seconds).toBeGreaterThan(10 * r.stranger.seconds);
    console.log(`[espruino] P-256 device, peak variables (sampled at flash calls and step ends; budget of an Ed25519 update 3,000): provision ${r.provision.peak} (${r.provision.seconds.toFixed(1)} s), forged package ${r.forged.peak}, install ${r.installed.peak} (${r.installed.seconds.toFixed(1)} s, two P-256 checks)`);
  }, 300_000);
});
