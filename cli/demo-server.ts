// Part three of `npm run demo`: over the air for real. A local update server
// (slotboot serve: hawkBit DDI over HTTPS, throwaway CA) and two simulated
// devices running the agent. One takes v2.0.0 through a dropped link and a
// power cut, checks in from its trial and confirms; the other's new image
// cannot reach the server, so it is never confirmed, rolls back, and the old
// image reports why. What the server recorded is printed as it heard it.
import { UpdateServer } from "../ota/server/server.js";
import { FleetRunner } from "../ota/fleet/runner.js";
import { deviceOutcome, settled } from "../ota/fleet/outcome.js";
import { makeRelease } from "../ota/fleet/release.js";
import type { CoreKind } from "../bindings/core.js";

export async function serverStory(_core: CoreKind): Promise<void> {
  console.log("\n--- part three: over the air, against a local update server ---\n");
  const release = makeRelease(["2.0.0"], 60_000);
  const pkg = release.packages.get("2.0.0")!;
  const server = new UpdateServer({ pollSeconds: 60 });
  const url = await server.listen();
  console.log(` 1. slotboot serve: hawkBit DDI API at ${url}/DEFAULT/controller/v1/<device>, TLS from a CA made at start (trusted by the devices)`);
  const runner = new FleetRunner({ server, seed: 3, keepLogs: true, link: { latencyMs: 80, bytesPerSecond: 20_000 }, agent: { segmentBytes: 16_384, trialBudgetMs: 300_000 } });
  try {
    server.fleet.registerDevice("sensor-1", { token: "t-sensor-1", group: "field" });
    server.fleet.registerDevice("sensor-2", { token: "t-sensor-2", group: "field" });
    runner.addDevice({ controllerId: "sensor-1", token: "t-sensor-1", factoryImage: release.factory, publicKey: release.publicKey, faults: { dropAtBytes: [Math.floor(pkg.length * 0.4)], cutAtBytes: [Math.floor(pkg.length * 0.7)] } });
    runner.addDevice({ controllerId: "sensor-2", token: "t-sensor-2", factoryImage: release.factory, publicKey: release.publicKey, faults: { cutOffVersions: ["2.0.0"] } });
    const stored = server.fleet.addPackage(pkg, { version: "2.0.0" });
    console.log(` 2. two devices on signed v1.0.0 poll with their TargetTokens; v2.0.0 (${pkg.length} bytes, content-addressed ${stored.sha256.slice(0, 12)}…) is rolled out to their group`);
    console.log("    sensor-1's link drops at 40% and its power is cut at 70%; sensor-2's new image has a broken network stack");
    await runner.start();
    server.fleet.createRollout(stored.sha256, "field");
    await runner.run(() => runner.devices.every((d) => settled(d, server)), 6 * 3_600_000);
    let step = 3;
    for (const device of runner.devices) {
      const outcome = await deviceOutcome(device, server);
      console.log(`\n${String(step++).padStart(2)}. ${device.spec.controllerId}: what the server heard (feedback to action ${outcome.action?.id}, simulated time):`);
      for (const entry of outcome.action?.history ?? []) {
        const s = entry.feedback.status;
        const progress = s.result.progress ? ` ${s.result.progress.cnt}/${s.result.progress.of}` : "";
        console.log(`      ${(entry.at / 1000).toFixed(1).padStart(6)} s  ${s.execution}/${s.result.finished}${progress}: ${(s.details ?? []).join("; ")}`);
      }
      console.log(`    the device: ${device.boots} boots, ${device.powerCuts} power cut(s), ${device.link.stats.requests} requests, ${device.link.stats.bytesReceived} bytes received; runs ${outcome.running} (${outcome.confirmed ? "confirmed" : "NOT confirmed"})`);
      console.log(`    the server: action ${outcome.action?.status}; attributes ${JSON.stringify(server.fleet.devices.get(device.spec.controllerId)!.attributes)}`);
    }
    console.log("\nno image was confirmed before it had reached the server; the image that could not is gone, and the old one said so.");
  } finally {
    runner.close();
    await server.close();
  }
}
