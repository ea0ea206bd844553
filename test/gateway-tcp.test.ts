// The gateway as it runs from `slotboot gateway`: slotboot serve over HTTPS
// upstream (GatewayToken), the local link over loopback TCP, a device's
// LinkTransport over a TCP connector. Real sockets, no sleeps.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { UpdateServer } from "../ota/server/server.js";
import { runGateway, type RunningGateway } from "../ota/gateway/run-gateway.js";
import { parseDeviceKeys } from "../ota/gateway/device-keys.js";
import { LinkTransport } from "../ota/link/link-transport.js";
import { nobleLinkCrypto } from "../ota/link/noble-link-crypto.js";
import { tcpConnector } from "../ota/link/tcp-connector.js";
import type { Transport, TransportRequest } from "../ota/ddi/transport.js";
import type { DeploymentBase } from "../ota/ddi/types.js";
import { staticKey } from "./helpers/link-pair.js";

function fetchVia(transport: Transport, request: TransportRequest): Promise<{ status: number; body: Buffer; error: unknown }> {
  return new Promise((resolve) => {
    let status = 0;
    const chunks: Buffer[] = [];
    transport.request(request, {
      onStatus: (code) => (status = code),
      onChunk: (bytes) => chunks.push(Buffer.from(bytes)),
      onEnd: (error) => resolve({ status, body: Buffer.concat(chunks), error }),
    });
  });
}

const server = new UpdateServer({ pollSeconds: 30, gatewayToken: "gw-secret" });
const gatewayKey = staticKey("tcp gateway");
const deviceKey = staticKey("tcp device");
const pkg = new Uint8Array(40_000).map((_, index) => (index * 7919) >>> 5);
let running: RunningGateway;
let device: LinkTransport;

beforeAll(async () => {
  const url = await server.listen();
  server.fleet.registerDevice("edge-tcp", { group: "site" });
  const stored = server.fleet.addPackage(pkg, { version: "3.0.0" });
  server.fleet.createRollout(stored.sha256, "site");
  const devices = parseDeviceKeys(JSON.stringify({ devices: [{ controllerId: "edge-tcp", linkPublicKey: Buffer.from(deviceKey.publicKey).toString("hex") }] }));
  running = await runGateway({ upstreamUrl: url, ca: server.ca.caPem, gatewayToken: "gw-secret", linkSecret: gatewayKey.secretKey, devices, pollSeconds: 0 });
  device = new LinkTransport({
    crypto: nobleLinkCrypto(),
    staticSecret: deviceKey.secretKey,
    gatewayPublicKey: gatewayKey.publicKey,
    connector: tcpConnector("127.0.0.1", running.link.port),
    now: () => Date.now(),
  });
});
afterAll(async () => {
  device.close();
  await running.close();
  await server.close();
});

describe("gateway over TCP and HTTPS", () => {
  it("prefetches on the device's behalf, then serves poll, deployment, artifact and feedback over the link", async () => {
    expect(await running.pollNow()).toEqual({ "edge-tcp": "cached" });
    const upstreamBefore = server.stats.byRoute.artifact ?? 0;
    const poll = await fetchVia(device, { method: "GET", path: "/DEFAULT/controller/v1/edge-tcp" });
    expect(poll.status).toBe(200);
    const href = JSON.parse(poll.body.toString())._links.deploymentBase.href as string;
    const deployment = JSON.parse((await fetchVia(device, { method: "GET", path: href })).body.toString()) as DeploymentBase;
    const artifact = deployment.deployment.chunks[0].artifacts[0];
    const download = await fetchVia(device, { method: "GET", path: artifact._links.download!.href, range: { start: 1000 } });
    expect(download.status).toBe(206);
    expect(createHash("sha256").update(Buffer.concat([Buffer.from(pkg.subarray(0, 1000)), download.body])).digest("hex")).toBe(artifact.hashes.sha256);
    // Served from the cache: no further artifact request reached the server.
    expect(server.stats.byRoute.artifact ?? 0).toBe(upstreamBefore);
    const feedback = await fetchVia(device, {
      method: "POST",
      path: `/DEFAULT/controller/v1/edge-tcp/deploymentBase/${deployment.id}/feedback`,
      body: JSON.stringify({ status: { execution: "closed", result: { finished: "success" } } }),
    });
    expect(feedback.status).toBe(200);
    expect(server.fleet.actions.get(deployment.id)!.status).toBe("finished");
  });

  it("a device list entry must be a 32-byte hex key, one controller id per key", () => {
    expect(() => parseDeviceKeys('{"devices":[{"controllerId":"a","linkPublicKey":"00"}]}')).toThrow(/64 hex digits/);
    const key = "ab".repeat(32);
    expect(() => parseDeviceKeys(JSON.stringify({ devices: [{ controllerId: "a", linkPublicKey: key }, { controllerId: "b", linkPublicKey: key }] }))).toThrow(/one key, one controller id/);
  });
});
