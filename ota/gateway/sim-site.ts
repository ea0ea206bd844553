// A simulated site for architectures (b) and (c): `slotboot serve` on
// loopback as the cloud, a gateway service (sim-host.ts) and edge devices
// running the agent behind it, optionally the gateway itself as a device that
// updates through the agent, all on the fleet runner's simulated clock.
// Used by test/gateway-architectures.test.ts and bench/gateway.ts.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UpdateServer } from "../server/server.js";
import { FleetRunner, type FleetDevice } from "../fleet/runner.js";
import { settled } from "../fleet/outcome.js";
import type { LinkModel } from "../fleet/link.js";
import type { AgentConfig } from "../agent/load.js";
import type { TransportRequest } from "../ddi/transport.js";
import type { GatewayResponse } from "./gateway.js";
import { GatewayHost, type LinkFaults } from "./sim-host.js";

export interface SiteRelease {
  /** The devices' trusted key (hex). */
  publicKey: string;
  factory: Uint8Array;
  update: Uint8Array;
  version: string;
  /** The devices' X25519 decryption key (hex), when `update` is encrypted for them (pack --encrypt). */
  decryptionKey?: string;
}

export interface SiteOptions {
  release: SiteRelease;
  edges: number;
  faults?: LinkFaults;
  /** Simulated windows when the cloud is unreachable from the gateway. */
  upstreamDown?: Array<[number, number]>;
  alterResponse?: (controllerId: string, request: TransportRequest, response: GatewayResponse) => GatewayResponse;
  /** Architecture (b): the gateway is a device that updates itself (with these drops on its own cloud link). */
  gatewayDevice?: { dropAtBytes?: number[] };
  /** The local link's speed as the devices see it (default 20 KB/s, 20 ms). */
  edgeLink?: LinkModel;
  seed?: number;
  agent?: Partial<AgentConfig>;
  pollSeconds?: number;
  gatewayToken?: string;
  keepLogs?: boolean;
}

export interface Site {
  server: UpdateServer;
  runner: FleetRunner;
  host: GatewayHost;
  edges: FleetDevice[];
  gatewayDevice: FleetDevice | null;
  /** Run until every device has settled (or throw with the devices' logs past `limitMs` simulated). */
  run(limitMs?: number): Promise<void>;
  explain(): string;
  close(): Promise<void>;
}

export async function startSite(options: SiteOptions): Promise<Site> {
  const gatewayToken = options.gatewayToken ?? "site-gateway-token";
  const server = new UpdateServer({ pollSeconds: options.pollSeconds ?? 60, gatewayToken });
  await server.listen();
  const runner = new FleetRunner({
    server, seed: options.seed ?? 11, keepLogs: options.keepLogs ?? true,
    agent: { segmentBytes: 8192, trialBudgetMs: 600_000, backoffBaseMs: 1000, backoffMaxMs: 60_000, ...options.agent },
    link: { latencyMs: 20, bytesPerSecond: 20_000 },
    maxSockets: 64,
  });
  const cacheDirectory = mkdtempSync(join(tmpdir(), "slotboot-gateway-cache-"));
  const host = new GatewayHost({
    server, gatewayToken, now: () => runner.now(), seed: options.seed ?? 11,
    upstreamDown: options.upstreamDown, alterResponse: options.alterResponse, cacheDirectory,
  });
  const { release } = options;
  let gatewayDevice: FleetDevice | null = null;
  if (options.gatewayDevice) {
    server.fleet.registerDevice("gateway-1", { token: "gateway-device-token", group: "gateways" });
    gatewayDevice = runner.addDevice({
      controllerId: "gateway-1", token: "gateway-device-token", factoryImage: release.factory, publicKey: release.publicKey, decryptionKey: release.decryptionKey,
      faults: { dropAtBytes: options.gatewayDevice.dropAtBytes },
    });
  }
  const edges: FleetDevice[] = [];
  for (let index = 0; index < options.edges; index++) {
    const controllerId = `edge-${index}`;
    server.fleet.registerDevice(controllerId, { group: "edge" });
    const transport = host.edgeTransport(controllerId, options.faults);
    const device = runner.addDevice({ controllerId, token: "-", factoryImage: release.factory, publicKey: release.publicKey, decryptionKey: release.decryptionKey, transport, link: options.edgeLink });
    edges.push(device);
  }
  const stored = server.fleet.addPackage(release.update, { version: release.version });
  await runner.start();
  server.fleet.createRollout(stored.sha256, "edge");
  if (gatewayDevice) server.fleet.createRollout(stored.sha256, "gateways");
  let gatewayBoots = 0;
  const done = () => {
    if (gatewayDevice) {
      // The gateway service runs on the gateway-class device: down while it reboots, restarted after.
      if (gatewayDevice.boots > gatewayBoots) {
        if (gatewayBoots > 0) host.restart();
        gatewayBoots = gatewayDevice.boots;
      }
      host.available = gatewayDevice.agent !== null;
    }
    return runner.devices.every((device) => {
      const isSettled = settled(device, server);
      if (isSettled && device.settledAt === null) device.settledAt = runner.now();
      return isSettled;
    });
  };
  const explain = () =>
    runner.devices
      .map((device) => `${device.spec.controllerId} (agent ${device.agent?.state ?? "none"}, last error ${device.agent?.lastError ?? "-"}):\n  ${device.log.slice(-30).join("\n  ")}`)
      .join("\n");
  return {
    server, runner, host, edges, gatewayDevice, explain,
    run: async (limitMs = 7_200_000) => {
      try {
        await runner.run(done, limitMs);
      } catch (error) {
        throw new Error(`${(error as Error).message}\n${explain()}`);
      }
    },
    close: async () => {
      runner.close();
      host.close();
      await server.close();
      rmSync(cacheDirectory, { recursive: true, force: true });
    },
  };
}
