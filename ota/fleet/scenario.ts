// A fleet scenario for the demo and the bench: N simulated devices, each with
// the agent, against `slotboot serve` on loopback, one rollout, a seeded mix
// of faults; returns what happened to each device and what it cost.
import { UpdateServer } from "../server/server.js";
import { Rng } from "../../bootloader-sim/rng.js";
import { FleetRunner, type FaultPlan, type FleetDevice } from "./runner.js";
import { deviceOutcome, settled, type DeviceOutcome } from "./outcome.js";
import { makeRelease } from "./release.js";
import type { LinkModel } from "./link.js";
import { GatewayHost } from "../gateway/sim-host.js";

export interface ScenarioOptions {
  devices: number;
  seed?: number;
  /** Fraction of devices given faults (default 0.3); 0 = a clean run. */
  faultShare?: number;
  firmwareBytes?: number;
  delta?: boolean;
  link?: LinkModel;
  pollSeconds?: number;
  /** Simulated outages of the server: [from, to) ms. */
  serverDown?: Array<[number, number]>;
  /** Called often while the fleet runs (live view). */
  onProgress?: (view: FleetView) => void;
  maxSockets?: number;
  /** Fraction of the devices behind a gateway (default 0): they reach the server through the gateway's secure local link. */
  gatewayShare?: number;
  /** Edge devices per gateway (default 50). */
  devicesPerGateway?: number;
}

export interface FleetView {
  simulatedMs: number;
  byState: Record<string, number>;
  settled: number;
  total: number;
  bytes: number;
}

export interface ScenarioResult {
  outcomes: DeviceOutcome[];
  faults: Array<{ controllerId: string; plan: FaultPlan; label: string; path: "direct" | "gateway" }>;
  gateways: number;
  /** Bytes on the gateways' local links (frames and handshakes included). */
  linkBytes: number;
  simulatedMs: number;
  realMs: number;
  packageBytes: number;
  serverRequests: number;
  serverBytesOut: number;
}

/** A seeded fault for device `index`: most run clean, the rest get one of the faults the agent must survive. */
function planFor(rng: Rng, share: number, packageBytes: number, newVersion: string): { plan: FaultPlan; label: string } {
  if (rng.below(1_000_000) >= share * 1_000_000) return { plan: {}, label: "clean" };
  const at = () => 300 + rng.below(packageBytes - 600);
  switch (rng.below(7)) {
    case 0: return { plan: { dropAtBytes: [at()] }, label: "link dropped" };
    case 1: return { plan: { dropAtBytes: [at(), at(), at()].sort((a, b) => a - b) }, label: "link dropped 3x" };
    case 2: return { plan: { cutAtBytes: [at()] }, label: "power cut in download" };
    case 3: return { plan: { cutDuringInstall: rng.below(3) }, label: "power cut in install" };
    case 4: return { plan: { cutDuringConfirm: 0 }, label: "power cut in trial" };
    case 5: return { plan: { cutOffVersions: [newVersion] }, label: "new image cut off" };
    default: return { plan: { hangVersions: [newVersion] }, label: "new image hangs" };
  }
}

export async function runScenario(options: ScenarioOptions): Promise<ScenarioResult> {
  const newVersion = "2.0.0";
  const release = makeRelease([newVersion], options.firmwareBytes ?? 60_000, options.delta ?? false);
  const packageBytes = release.packages.get(newVersion)!.length;
  const gatewayToken = "fleet-gateway-token";
  const server = new UpdateServer({ pollSeconds: options.pollSeconds ?? 60, gatewayToken });
  await server.listen();
  const runner = new FleetRunner({
    server,
    seed: options.seed ?? 1,
    serverDown: options.serverDown,
    agent: { segmentBytes: 16_384, trialBudgetMs: 300_000, backoffBaseMs: 2000, backoffMaxMs: 120_000 },
    link: options.link ?? { latencyMs: 50, bytesPerSecond: 50_000 },
    maxSockets: options.maxSockets,
  });
  const rng = new Rng((options.seed ?? 1) * 7919);
  const faults: ScenarioResult["faults"] = [];
  const sites: GatewayHost[] = [];
  const behindGateways = Math.round(options.devices * (options.gatewayShare ?? 0));
  const perGateway = options.devicesPerGateway ?? 50;
  try {
    for (let i = 0; i < options.devices; i++) {
      // The last `behindGateways` devices sit behind gateways, `perGateway` to a gateway.
      const edge = i >= options.devices - behindGateways;
      const controllerId = `${edge ? "edge" : "dev"}-${String(i).padStart(4, "0")}`;
      const token = `token-${i}-${rng.next().toString(16)}`;
      server.fleet.registerDevice(controllerId, { token, group: "field" });
      const { plan, label } = planFor(rng, options.faultShare ?? 0.3, packageBytes, newVersion);
      faults.push({ controllerId, plan, label, path: edge ? "gateway" : "direct" });
      let transport;
      if (edge) {
        const index = Math.floor((i - (options.devices - behindGateways)) / perGateway);
        sites[index] ??= new GatewayHost({ server, gatewayToken, now: () => runner.now(), seed: (options.seed ?? 1) + index });
        transport = sites[index].edgeTransport(controllerId);
      }
      runner.addDevice({ controllerId, token, factoryImage: release.factory, faults: plan, publicKey: release.publicKey, transport });
    }
    const stored = server.fleet.addPackage(release.packages.get(newVersion)!, { version: newVersion });
    await runner.start();
    server.fleet.createRollout(stored.sha256, "field");
    let lastView = 0;
    const isSettled = (d: FleetDevice) => {
      const s = settled(d, server);
      if (s && d.settledAt === null) d.settledAt = runner.now();
      return s;
    };
    await runner.run(() => {
      // Every device is looked at (not every(): it stops at the first unsettled one), so each settle time is stamped when it happens.
      const all = runner.devices.map(isSettled).every(Boolean);
      if (options.onProgress && (all || performance.now() - lastView > 100)) {
        lastView = performance.now();
        options.onProgress(view(runner));
      }
      return all;
    }, 24 * 3_600_000);
    const outcomes: DeviceOutcome[] = [];
    for (const d of runner.devices) outcomes.push(await deviceOutcome(d, server));
    return {
      outcomes, faults, simulatedMs: runner.now(), realMs: performance.now() - runner.realStart, packageBytes,
      gateways: sites.length, linkBytes: sites.reduce((n, site) => n + site.ledger.bytes, 0),
      serverRequests: server.stats.requests, serverBytesOut: server.stats.bytesOut,
    };
  } finally {
    for (const site of sites) site.close();
    runner.close();
    await server.close();
  }
}

function view(runner: FleetRunner): FleetView {
  const byState: Record<string, number> = {};
  let done = 0;
  let bytes = 0;
  for (const d of runner.devices) {
    const state = d.settledAt !== null ? "done" : d.agent ? d.agent.state : "rebooting";
    byState[state] = (byState[state] ?? 0) + 1;
    if (d.settledAt !== null) done++;
    bytes += d.link.stats.bytesReceived + d.link.stats.bytesSent;
  }
  return { simulatedMs: runner.now(), byState, settled: done, total: runner.devices.length, bytes };
}

export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
