// Architecture (a) end to end on loopback with faults: devices running the
// agent (ota/agent/agent.js) against `slotboot serve` over HTTPS, on a
// simulated clock. Every device must end on a good, confirmed image, and what
// the server recorded from its feedback must match the device's own state.
import { afterEach, describe, expect, it } from "vitest";
import { UpdateServer } from "../ota/server/server.js";
import { FleetRunner, type FaultPlan, type FleetDevice } from "../ota/fleet/runner.js";
import { deviceOutcome, settled, untruthful, type DeviceOutcome } from "../ota/fleet/outcome.js";
import { runScenario } from "../ota/fleet/scenario.js";
import { makeRelease } from "../ota/fleet/release.js";

const release = makeRelease(["2.0.0", "2.0.1"], 40_000);
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function fleet(plans: FaultPlan[], options: { serverDown?: Array<[number, number]>; version?: string; seed?: number; pollSeconds?: number; corruptAt?: number } = {}) {
  const server = new UpdateServer({ pollSeconds: options.pollSeconds ?? 60 });
  await server.listen();
  const runner = new FleetRunner({
    server, seed: options.seed ?? 7, serverDown: options.serverDown, keepLogs: true,
    agent: { segmentBytes: 8192, trialBudgetMs: 120_000, backoffBaseMs: 1000, backoffMaxMs: 60_000 },
    link: { latencyMs: 30, bytesPerSecond: 4000 },
  });
  cleanups.push(() => server.close(), () => runner.close());
  plans.forEach((faults, i) => {
    server.fleet.registerDevice(`dev-${i}`, { token: `token-${i}`, group: "field" });
    runner.addDevice({ controllerId: `dev-${i}`, token: `token-${i}`, factoryImage: release.factory, faults, publicKey: release.publicKey });
  });
  const version = options.version ?? "2.0.0";
  const bytes = release.packages.get(version)!.slice();
  if (options.corruptAt !== undefined) bytes[options.corruptAt] ^= 0x10; // damaged at the source: every copy is bad
  const stored = server.fleet.addPackage(bytes, { version });
  await runner.start();
  server.fleet.createRollout(stored.sha256, "field");
  const done = () => runner.devices.map((d) => {
    const s = settled(d, server);
    if (s && d.settledAt === null) d.settledAt = runner.now();
    return s;
  }).every(Boolean);
  return { server, runner, done };
}

function explain(devices: FleetDevice[]): string {
  return devices.map((d) => `${d.spec.controllerId}:\n  ${d.log.slice(-40).join("\n  ")}`).join("\n");
}

async function outcomes(server: UpdateServer, runner: FleetRunner, newVersion = "2.0.0"): Promise<DeviceOutcome[]> {
  const list: DeviceOutcome[] = [];
  for (const d of runner.devices) list.push(await deviceOutcome(d, server));
  // Whatever happened, every device is on a confirmed good image and the server's record says which.
  for (const o of list) expect(untruthful(o, "1.0.0", newVersion), explain(runner.devices)).toBeNull();
  return list;
}

describe("agent + slotboot serve on loopback, with faults (simulated clock)", () => {
  it("clean devices, dropped links, a power cut in the download, in the install and in the confirm: all updated, feedback truthful", async () => {
    const { server, runner, done } = await fleet([
      {},
      { dropAtBytes: [5000, 17_000, 30_001] },
      { cutAtBytes: [12_000] },
      { cutDuringInstall: 0 },
      { cutDuringConfirm: 0 },
    ]);
    try {
      await runner.run(done, 3_600_000);
    } catch (e) {
      throw new Error(`${(e as Error).message}\n${explain(runner.devices)}`);
    }
    const list = await outcomes(server, runner);
    for (const o of list) {
      expect(o.kind, `${o.controllerId}: ${o.reason}\n${explain(runner.devices)}`).toBe("updated");
      expect(o.running).toBe("2.0.0");
      expect(o.confirmed).toBe(true);
      // The server heard the device's versions after the update (configData).
      expect(server.fleet.devices.get(o.controllerId)!.attributes.version).toBe("2.0.0");
    }
    const dropped = runner.devices[1];
    expect(dropped.link.stats.requests).toBeGreaterThan(runner.devices[0].link.stats.requests);
    // Resuming after drops re-reads nothing the device already had, beyond one segment's worth in flight.
    expect(dropped.link.artifactTotal).toBeLessThan(runner.devices[0].link.artifactTotal + 3 * 8192);
    expect(runner.devices[2].powerCuts).toBe(1);
    expect(runner.devices[3].powerCuts).toBe(1);
    expect(runner.devices[4].powerCuts).toBe(1);
  }, 60_000);

  it("a new image that cannot reach the server is never confirmed: it rolls back and the old image reports it", async () => {
    const { server, runner, done } = await fleet([{ cutOffVersions: ["2.0.0"] }, { hangVersions: ["2.0.0"] }]);
    try {
      await runner.run(done, 3_600_000);
    } catch (e) {
      throw new Error(`${(e as Error).message}\n${explain(runner.devices)}`);
    }
    const [cutOff, hung] = await outcomes(server, runner);
    expect(cutOff.kind, explain(runner.devices)).toBe("rolled-back");
    expect(cutOff.running).toBe("1.0.0");
    expect(cutOff.confirmed).toBe(true);
    expect(cutOff.reason).toMatch(/could not reach the update server within its trial budget/);
    expect(hung.kind).toBe("rolled-back");
    expect(hung.running).toBe("1.0.0");
    expect(hung.reason).toMatch(/rolled back to 1\.0\.0/);
    expect(runner.devices[1].watchdogResets).toBeGreaterThanOrEqual(3);
  }, 60_000);

  it("the server down for ten simulated minutes, and a deployment cancelled mid-download", async () => {
    const { server, runner, done } = await fleet([{}, {}, { cancelAtBytes: 15_000 }], { serverDown: [[3_000, 603_000]], pollSeconds: 5 });
    try {
      await runner.run(done, 7_200_000);
    } catch (e) {
      throw new Error(`${(e as Error).message}\n${explain(runner.devices)}`);
    }
    const list = await outcomes(server, runner);
    expect(list[0].kind, explain(runner.devices)).toBe("updated");
    expect(list[1].kind).toBe("updated");
    expect(list[2].kind).toBe("cancelled");
    expect(list[2].running).toBe("1.0.0");
    expect(list[2].confirmed).toBe(true);
    // The outage cost retries, not a wrong state: backoff kept the retries bounded.
    const failures = runner.devices.map((d) => d.agent!.counters.failures);
    expect(Math.max(...failures)).toBeLessThan(40);
    expect(runner.now()).toBeGreaterThan(603_000);
  }, 60_000);

  it("a package damaged at the source is refused mid-download: the device stays on its image and reports why", async () => {
    const { server, runner, done } = await fleet([{}, { dropAtBytes: [9000] }], { corruptAt: 20_000 });
    try {
      await runner.run(done, 3_600_000);
    } catch (e) {
      throw new Error(`${(e as Error).message}\n${explain(runner.devices)}`);
    }
    for (const o of await outcomes(server, runner)) {
      expect(o.kind).toBe("failed");
      expect(o.running).toBe("1.0.0");
      const at = /the device refused the package \(core status -\d+\) at byte (\d+)/.exec(o.reason);
      expect(at, o.reason).not.toBeNull();
      // Caught by the hash chain at the end of the damaged block (4 KiB blocks and their 32-byte links).
      expect(Number(at![1])).toBeGreaterThan(20_000);
      expect(Number(at![1])).toBeLessThanOrEqual(20_000 + 4096 + 32);
    }
    // The refusal stopped the download: the rest of the package was never fetched.
    for (const d of runner.devices) expect(d.link.artifactTotal).toBeLessThan(release.packages.get("2.0.0")!.length);
  }, 60_000);

  it("the fleet scenario: direct devices and devices behind a gateway, with seeded faults, all truthful", async () => {
    const result = await runScenario({ devices: 12, seed: 5, faultShare: 0.8, gatewayShare: 0.5, devicesPerGateway: 6, firmwareBytes: 30_000 });
    for (const o of result.outcomes) expect(untruthful(o, "1.0.0", "2.0.0"), o.reason).toBeNull();
    const labels = result.faults.map((f) => f.label);
    result.outcomes.forEach((o, i) => {
      // Only an image that cannot work may fail to update; every other fault is survived.
      expect(o.kind === "updated" || /cut off|hangs/.test(labels[i]), `${o.controllerId} (${labels[i]}, ${result.faults[i].path}): ${o.kind} ${o.reason}`).toBe(true);
    });
    expect(result.gateways).toBe(1);
    expect(result.faults.filter((f) => f.path === "gateway")).toHaveLength(6);
  }, 60_000);

  it.skipIf(process.env.SLOTBOOT_LONG !== "1")("long: seeded fleets of 60 with a fault on most devices and a server outage, all truthful", async () => {
    for (const seed of [11, 12, 13, 14]) {
      const result = await runScenario({ devices: 60, seed, faultShare: 0.7, serverDown: [[20_000 * seed, 20_000 * seed + 900_000]], gatewayShare: 0.4, devicesPerGateway: 12 });
      for (const o of result.outcomes) expect(untruthful(o, "1.0.0", "2.0.0"), `seed ${seed}: ${o.reason}`).toBeNull();
      const bad = result.outcomes.filter((o, i) => o.kind !== "updated" && !/cut off|hangs/.test(result.faults[i].label));
      expect(bad.map((o) => `${o.controllerId} ${o.kind} ${o.reason}`), `seed ${seed}`).toEqual([]);
    }
  }, 600_000);
});
