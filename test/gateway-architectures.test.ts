// Architectures (b) and (c) end to end on loopback, with faults, on the fleet
// runner's simulated clock: the agent (ota/agent/agent.js) on simulated
// devices, `slotboot serve` over HTTPS as the cloud, the gateway service with
// its secure local link.
//   (b) a gateway-class device updates itself through the agent (directly
//       against the cloud) while it serves edge devices; its reboot into the
//       new image drops their links and restarts the service.
//   (c) edge devices behind the gateway: links cut at random byte offsets, a
//       neighbour injecting frames, the cloud unreachable from the gateway,
//       and a malicious gateway that tampers with, replays (downgrades) or
//       withholds packages.
// Every device must end on a good, confirmed image, and the cloud's record of
// its feedback must tell the truth.
import { afterEach, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import type { UpdateServer } from "../ota/server/server.js";
import { deviceOutcome, type DeviceOutcome } from "../ota/fleet/outcome.js";
import type { FleetDevice } from "../ota/fleet/runner.js";
import type { TransportRequest } from "../ota/ddi/transport.js";
import type { ControllerBase, DeploymentBase } from "../ota/ddi/types.js";
import { artifactResponse } from "../ota/server/ddi-handler.js";
import { rangeHeader } from "../ota/ddi/range.js";
import { problem } from "../ota/gateway/gateway.js";
import { startSite, type SiteOptions } from "../ota/gateway/sim-site.js";
import { statusInfo } from "../bindings/errors.js";
import { createImage, parseVersion } from "../tools/image.js";
import { packPackage } from "../tools/package.js";
import { publicKeyOf } from "../tools/keys.js";
import { generateX25519KeyPair } from "../tools/x25519-keys.js";

const long = process.env.SLOTBOOT_LONG === "1";

/** Factory 1.0.0 (security counter 2), the update 2.0.0 (3), and an old, validly signed 0.9.0 (1) a replaying gateway keeps. */
const release = (() => {
  const secretKey = Uint8Array.from({ length: 32 }, (_, i) => (i * 53 + 7) & 0xff);
  const firmware = (size: number, seed: number) => {
    const out = new Uint8Array(size);
    let state = seed >>> 0;
    for (let index = 0; index < size; index++) {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      out[index] = index % 5 === 0 ? state >>> 24 : (index >> 4) & 0xff;
    }
    return out;
  };
  const image = (version: string, counter: number, seed: number) => createImage(firmware(24_000, seed), { version: parseVersion(version), securityCounter: counter, key: { secretKey } });
  const pack = (img: Uint8Array) => packPackage({ image: img, secretKey }).bytes;
  return {
    secretKey,
    image,
    publicKey: Buffer.from(publicKeyOf(secretKey)).toString("hex"),
    factory: image("1.0.0", 2, 1),
    update: pack(image("2.0.0", 3, 2)),
    old: pack(image("0.9.0", 1, 3)),
  };
})();
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function site(options: Omit<SiteOptions, "release">) {
  const started = await startSite({ ...options, release: { ...release, version: "2.0.0" } });
  cleanups.push(() => started.close());
  return started;
}

async function outcomes(server: UpdateServer, devices: FleetDevice[]): Promise<DeviceOutcome[]> {
  const list: DeviceOutcome[] = [];
  for (const device of devices) list.push(await deviceOutcome(device, server));
  return list;
}

/** The core's code in an agent's failure report ("… (core status -N) …"). */
function reportedCode(reason: string): string {
  const match = /core status (-\d+)/.exec(reason);
  return match ? statusInfo(Number(match[1])).code : "none in: " + reason;
}

const artifactRequest = (request: TransportRequest) => request.path.includes("/softwaremodules/");
const deploymentRequest = (request: TransportRequest) => /\/deploymentBase\/[^/]+$/.test(request.path.split("?")[0]);

function expectUpdated(list: DeviceOutcome[], server: UpdateServer, context: string) {
  for (const outcome of list) {
    expect(outcome.kind, `${outcome.controllerId}: ${outcome.reason}\n${context}`).toBe("updated");
    expect(outcome.running).toBe("2.0.0");
    expect(outcome.confirmed).toBe(true);
    expect(server.fleet.devices.get(outcome.controllerId)!.attributes.version).toBe("2.0.0");
  }
}

describe("(c) edge devices behind a gateway, on loopback with faults", () => {
  it("links cut at random byte offsets, a neighbour injecting frames, the cloud unreachable from the gateway: all updated, reports truthful", async () => {
    // The long run: more devices, more seeds (each seed places the cuts and injections differently).
    for (const seed of long ? [11, 12, 13, 14] : [11]) {
      const { server, runner, host, run, explain } = await site({
        edges: long ? 24 : 3,
        seed,
        faults: { cutProbability: 0.5, cutWithinBytes: 30_000, injectProbability: 0.35 },
        upstreamDown: [[500, 240_000]],
      });
      await run();
      expectUpdated(await outcomes(server, runner.devices), server, explain());
      // The faults happened, and each injected frame ended its session with a refusal, never a delivery.
      expect(host.ledger.cuts, JSON.stringify(host.ledger)).toBeGreaterThan(0);
      expect(host.ledger.injections).toBeGreaterThan(0);
      const injectedRefusals = ["LINK_REPLAY", "LINK_AUTH_FAILED", "LINK_OUT_OF_ORDER", "LINK_BAD_FRAME", "LINK_UNEXPECTED_FRAME"].reduce((n, code) => n + (host.ledger.refusals[code] ?? 0), 0);
      expect(injectedRefusals).toBe(host.ledger.injections);
      expect(host.gateway.stats.upstreamFailures).toBeGreaterThan(0);
      // The outage covered the updates: the devices could only finish after the cloud came back.
      expect(runner.now()).toBeGreaterThan(240_000);
      // The package crossed the cloud link once for the whole site.
      expect(server.stats.byRoute.artifact ?? 0).toBe(1);
      // Every action's history is the device's own: one closing report each.
      for (const action of server.fleet.actions.values()) expect(action.history.filter((entry) => entry.feedback.status.execution === "closed").length).toBe(1);
    }
  }, 300_000);

  it("a gateway that tampers with the package: the device's core refuses it (signature / chain code), the device stays on its confirmed image and reports it", async () => {
    // edge-0: a byte of the signed manifest; edge-1: a byte deep in the payload.
    const offsets: Record<string, number> = { "edge-0": 100, "edge-1": 9000 };
    const { server, runner, run, explain } = await site({
      edges: 2,
      alterResponse: (controllerId, request, response) => {
        if (!artifactRequest(request) || response.status >= 300) return response;
        const start = request.range?.start ?? 0;
        const at = offsets[controllerId] - start;
        if (at < 0 || at >= response.body.length) return response;
        const body = response.body.slice();
        body[at] ^= 0x20;
        return { ...response, body };
      },
    });
    await run();
    const [manifest, payload] = await outcomes(server, runner.devices);
    for (const outcome of [manifest, payload]) {
      expect(outcome.kind, explain()).toBe("failed");
      expect(outcome.running).toBe("1.0.0");
      expect(outcome.confirmed).toBe(true);
      expect(outcome.action!.status).toBe("error");
    }
    expect(reportedCode(manifest.reason)).toBe("BAD_SIGNATURE");
    expect(["CHAIN_MISMATCH", "DIGEST_MISMATCH"]).toContain(reportedCode(payload.reason));
  }, 60_000);

  it("a package encrypted end to end for the devices: the gateway caches and serves only ciphertext, and every device decrypts, installs and confirms it", async () => {
    const deviceKeys = generateX25519KeyPair();
    const plainImage = release.image("2.0.0", 3, 2);
    const encrypted = packPackage({ image: plainImage, secretKey: release.secretKey, encryptFor: { recipientPublic: deviceKeys.publicKey } }).bytes;
    // Everything the gateway hands its edge devices, as it hands it.
    const served: Uint8Array[] = [];
    const started = await startSite({
      edges: 2,
      release: { ...release, update: encrypted, version: "2.0.0", decryptionKey: Buffer.from(deviceKeys.secretKey).toString("hex") },
      alterResponse: (controllerId, request, response) => {
        if (artifactRequest(request)) served.push(response.body.slice());
        return response;
      },
    });
    cleanups.push(() => started.close());
    await started.run();
    for (const outcome of await outcomes(started.server, started.runner.devices)) {
      expect(outcome.kind, started.explain()).toBe("updated");
      expect(outcome.running).toBe("2.0.0");
      expect(outcome.confirmed).toBe(true);
    }
    expect(served.reduce((n, body) => n + body.length, 0)).toBeGreaterThan(0);
    // No 24-byte window of the firmware (the image body, between its header and
    // its TLVs; the TLVs' digest is public: the manifest names it) occurs in
    // anything the gateway served.
    const headerSize = plainImage[8] | (plainImage[9] << 8);
    const bodySize = plainImage[12] | (plainImage[13] << 8) | (plainImage[14] << 16);
    const firmware = Buffer.from(plainImage.subarray(headerSize, headerSize + bodySize));
    const seen = Buffer.concat(served);
    for (let at = 0; at + 24 <= firmware.length; at += 24) expect(seen.indexOf(firmware.subarray(at, at + 24))).toBe(-1);
    // The check has reach: the same firmware served in clear would be caught.
    expect(Buffer.from(release.update).indexOf(Buffer.from(release.image("2.0.0", 3, 2).subarray(headerSize + 240, headerSize + 264)))).toBeGreaterThan(0);
  }, 60_000);

  it("a gateway that replays an old, validly signed package (hashes rewritten to match): refused as DOWNGRADE, reported", async () => {
    const old = release.old;
    const oldSha = sha256(old);
    const { server, runner, run, explain } = await site({
      edges: 1,
      alterResponse: (_controllerId, request, response) => {
        if (deploymentRequest(request) && response.status === 200) {
          const deployment = JSON.parse(new TextDecoder().decode(response.body)) as DeploymentBase;
          for (const artifact of deployment.deployment.chunks[0].artifacts) {
            artifact.size = old.length;
            artifact.hashes = { ...artifact.hashes, sha256: oldSha };
          }
          return { ...response, body: new TextEncoder().encode(JSON.stringify(deployment)) };
        }
        if (artifactRequest(request) && response.status < 300) {
          const replay = artifactResponse(old, oldSha, request.range ? rangeHeader(request.range.start, request.range.end) : undefined);
          return replay;
        }
        return response;
      },
    });
    await run();
    const [outcome] = await outcomes(server, runner.devices);
    expect(outcome.kind, explain()).toBe("failed");
    expect(reportedCode(outcome.reason)).toBe("DOWNGRADE");
    expect(outcome.running).toBe("1.0.0");
    expect(outcome.confirmed).toBe(true);
  }, 60_000);

  it("a gateway that withholds the deployment, then the package: the device keeps polling and retrying, is never cut off, and updates once it gets through", async () => {
    let withholding: "deployment" | "package" | "nothing" = "deployment";
    const { server, runner, run, edges, host, explain } = await site({
      edges: 1,
      alterResponse: (_controllerId, request, response) => {
        if (withholding === "package" && artifactRequest(request)) return problem(503, "slotboot.gateway.upstreamUnavailable", "withheld");
        if (withholding === "deployment" && request.path.split("?")[0].endsWith("/edge-0") && response.status === 200) {
          const base = JSON.parse(new TextDecoder().decode(response.body)) as ControllerBase;
          delete base._links?.deploymentBase;
          return { ...response, body: new TextEncoder().encode(JSON.stringify(base)) };
        }
        return response;
      },
    });
    const device = edges[0];
    // The deployment hidden for 20 simulated minutes: the device polls on its schedule, stays on its confirmed image, reports nothing.
    await runner.run(() => runner.now() > 1_200_000, 1_300_000);
    expect(device.agent!.counters.polls).toBeGreaterThanOrEqual(15);
    let during = await deviceOutcome(device, server);
    expect([during.kind, during.running, during.confirmed, during.action!.history.length]).toEqual(["pending", "1.0.0", true, 0]);
    // Then the package withheld for 20 more minutes: the device keeps asking, with bounded backoff, and reports no failure.
    withholding = "package";
    const requestsBefore = device.agent!.counters.requests;
    await runner.run(() => runner.now() > 2_400_000, 2_500_000);
    const asked = device.agent!.counters.requests - requestsBefore;
    expect(asked).toBeGreaterThanOrEqual(10); // at least one try per backoff ceiling (60 s) on average over 20 minutes
    expect(host.gateway.stats.requests.artifact ?? 0).toBeGreaterThanOrEqual(10); // those tries were for the withheld package
    during = await deviceOutcome(device, server);
    expect([during.kind, during.running, during.confirmed]).toEqual(["pending", "1.0.0", true]);
    expect(during.action!.history.every((entry) => entry.feedback.status.execution !== "closed")).toBe(true);
    withholding = "nothing";
    await run(10_000_000);
    expectUpdated(await outcomes(server, runner.devices), server, explain());
  }, 60_000);
});

describe("(b) a gateway-class device that updates itself", () => {
  it("updates through the agent (with drops on its own link) while serving edge devices; its reboot drops their links and the service comes back with its cache", async () => {
    const { server, runner, host, gatewayDevice, run, explain } = await site({
      edges: 2,
      gatewayDevice: { dropAtBytes: [3000, 11_000] },
      faults: { cutProbability: 0.3, cutWithinBytes: 30_000 },
      // A UART-class local link: the edge devices are still downloading when the gateway reboots.
      edgeLink: { latencyMs: 30, bytesPerSecond: 1000 },
    });
    await run();
    expectUpdated(await outcomes(server, runner.devices), server, explain());
    expect(gatewayDevice!.boots).toBeGreaterThanOrEqual(2);
    expect(host.restarts).toBeGreaterThanOrEqual(1);
    // The restart dropped the edge devices' links; they reconnected with fresh sessions.
    expect(host.ledger.droppedByRestart, JSON.stringify(host.ledger)).toBeGreaterThan(0);
    // The restarted service found the package in its on-disk cache: fetched from the cloud once in all.
    expect(host.gateway.stats.packagesFetched).toBe(0);
    // The gateway device took its own update directly, with TargetToken and resumes.
    expect(gatewayDevice!.link.stats.requests).toBeGreaterThan(5);
  }, 60_000);
});
