// slotboot serve's DDI resources over real HTTPS with the throwaway CA: the
// JSON shapes hawkBit devices expect, auth, Range, feedback and cancel.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHash, X509Certificate } from "node:crypto";
import { UpdateServer } from "../ota/server/server.js";
import { HttpsTransport } from "../ota/ddi/https-transport.js";
import type { Transport, TransportRequest } from "../ota/ddi/transport.js";
import type { ControllerBase, DeploymentBase } from "../ota/ddi/types.js";
import { parsePollingTime } from "../ota/ddi/polling-time.js";

function fetchVia(transport: Transport, request: TransportRequest): Promise<{ status: number; headers: Record<string, string>; body: Buffer; error: unknown }> {
  return new Promise((resolve) => {
    let status = 0;
    let headers: Record<string, string> = {};
    const chunks: Buffer[] = [];
    transport.request(request, {
      onStatus: (s, h) => { status = s; headers = h; },
      onChunk: (bytes) => chunks.push(Buffer.from(bytes)),
      onEnd: (error) => resolve({ status, headers, body: Buffer.concat(chunks), error }),
    });
  });
}
const json = (body: Buffer) => JSON.parse(body.toString("utf8"));

const server = new UpdateServer({ pollSeconds: 90 });
const pkg = Buffer.alloc(50_000);
for (let i = 0; i < pkg.length; i++) pkg[i] = (i * 31) >> 3;
let device: HttpsTransport;
let sha256 = "";

beforeAll(async () => {
  const url = await server.listen();
  server.fleet.registerDevice("dev-1", { token: "t0k3n", group: "north" });
  server.fleet.registerDevice("dev-2", { token: "other", group: "south" });
  sha256 = server.fleet.addPackage(pkg, { version: "2.0.0" }).sha256;
  device = new HttpsTransport({ baseUrl: url, ca: server.ca.caPem, credential: { scheme: "TargetToken", token: "t0k3n" } });
});
afterAll(() => server.close());

describe("slotboot serve (DDI over HTTPS)", () => {
  it("has a CA-signed certificate for loopback", () => {
    const leaf = new X509Certificate(server.ca.certPem);
    expect(leaf.verify(new X509Certificate(server.ca.caPem).publicKey)).toBe(true);
    expect(leaf.subjectAltName).toContain("IP Address:127.0.0.1");
  });

  it("refuses a wrong TargetToken or another device's path", async () => {
    const wrong = new HttpsTransport({ baseUrl: server.url, ca: server.ca.caPem, credential: { scheme: "TargetToken", token: "nope" } });
    expect((await fetchVia(wrong, { method: "GET", path: "/DEFAULT/controller/v1/dev-1" })).status).toBe(401);
    expect((await fetchVia(device, { method: "GET", path: "/DEFAULT/controller/v1/dev-2" })).status).toBe(401);
    const gateway = new HttpsTransport({ baseUrl: server.url, ca: server.ca.caPem, credential: { scheme: "GatewayToken", token: "x" } });
    expect((await fetchVia(gateway, { method: "GET", path: "/DEFAULT/controller/v1/dev-1" })).status).toBe(401);
  });

  it("poll -> deploymentBase -> ranged artifact -> feedback closes the action", async () => {
    const idle = json((await fetchVia(device, { method: "GET", path: "/DEFAULT/controller/v1/dev-1" })).body) as ControllerBase;
    expect(parsePollingTime(idle.config.polling.sleep)).toBe(90);
    expect(idle._links?.deploymentBase).toBeUndefined();
    expect(idle._links?.configData?.href).toMatch(/\/DEFAULT\/controller\/v1\/dev-1\/configData$/);
    const put = await fetchVia(device, { method: "PUT", path: "/DEFAULT/controller/v1/dev-1/configData", body: JSON.stringify({ mode: "merge", data: { hwRevision: "1", version: "1.0.0" } }) });
    expect(put.status).toBe(200);
    expect(server.fleet.devices.get("dev-1")!.attributes).toEqual({ hwRevision: "1", version: "1.0.0" });

    const rollout = server.fleet.createRollout(sha256, "north");
    expect(rollout.actionIds).toHaveLength(1);
    const base = json((await fetchVia(device, { method: "GET", path: "/DEFAULT/controller/v1/dev-1" })).body) as ControllerBase;
    const deploymentPath = new URL(base._links!.deploymentBase!.href).pathname + new URL(base._links!.deploymentBase!.href).search;
    const deployment = json((await fetchVia(device, { method: "GET", path: deploymentPath })).body) as DeploymentBase;
    const artifact = deployment.deployment.chunks[0].artifacts[0];
    expect(artifact.size).toBe(pkg.length);
    expect(artifact.hashes.sha256).toBe(createHash("sha256").update(pkg).digest("hex"));
    expect(artifact.hashes.md5).toBe(createHash("md5").update(pkg).digest("hex"));
    const download = new URL(artifact._links.download!.href).pathname;
    const part = await fetchVia(device, { method: "GET", path: download, range: { start: 1000 } });
    expect(part.status).toBe(206);
    expect(part.headers["content-range"]).toBe(`bytes 1000-${pkg.length - 1}/${pkg.length}`);
    expect(part.body.equals(pkg.subarray(1000))).toBe(true);
    const bounded = await fetchVia(device, { method: "GET", path: download, range: { start: 10, end: 19 } });
    expect(bounded.body.equals(pkg.subarray(10, 20))).toBe(true);
    expect((await fetchVia(device, { method: "GET", path: download, range: { start: pkg.length } })).status).toBe(416);
    const feedbackPath = `/DEFAULT/controller/v1/dev-1/deploymentBase/${deployment.id}/feedback`;
    expect((await fetchVia(device, { method: "POST", path: feedbackPath, body: "{\"status\":{}}" })).status).toBe(400);
    const progress = { status: { execution: "proceeding", result: { finished: "none", progress: { cnt: 1, of: 2 } } } };
    expect((await fetchVia(device, { method: "POST", path: feedbackPath, body: JSON.stringify(progress) })).status).toBe(200);
    expect(server.fleet.actions.get(deployment.id)!.progress).toEqual({ cnt: 1, of: 2 });
    const done = { status: { execution: "closed", result: { finished: "success" }, details: ["confirmed 2.0.0"] } };
    expect((await fetchVia(device, { method: "POST", path: feedbackPath, body: JSON.stringify(done) })).status).toBe(200);
    expect(server.fleet.actions.get(deployment.id)!.status).toBe("finished");
    expect((await fetchVia(device, { method: "POST", path: feedbackPath, body: JSON.stringify(done) })).status).toBe(410);
    const after = json((await fetchVia(device, { method: "GET", path: "/DEFAULT/controller/v1/dev-1" })).body) as ControllerBase;
    expect(after._links?.deploymentBase).toBeUndefined();
    expect(after._links?.configData).toBeDefined(); // as hawkBit: attributes asked for after a successful update
  });

  it("a cancel shows as cancelAction until the device confirms it", async () => {
    const rollout = server.fleet.createRollout(sha256, "north");
    const id = rollout.actionIds[0];
    await fetchVia(device, { method: "GET", path: `/DEFAULT/controller/v1/dev-1/deploymentBase/${id}` });
    server.fleet.cancel(id);
    const base = json((await fetchVia(device, { method: "GET", path: "/DEFAULT/controller/v1/dev-1" })).body) as ControllerBase;
    expect(base._links?.cancelAction?.href).toMatch(new RegExp(`/cancelAction/${id}$`));
    const cancel = json((await fetchVia(device, { method: "GET", path: `/DEFAULT/controller/v1/dev-1/cancelAction/${id}` })).body);
    expect(cancel).toEqual({ id, cancelAction: { stopId: id } });
    const ack = { status: { execution: "closed", result: { finished: "success" } } };
    expect((await fetchVia(device, { method: "POST", path: `/DEFAULT/controller/v1/dev-1/cancelAction/${id}/feedback`, body: JSON.stringify(ack) })).status).toBe(200);
    expect(server.fleet.actions.get(id)!.status).toBe("canceled");
  });

  it("a server that is down resets connections: the request ends with a typed error, not an answer", async () => {
    server.up = false;
    try {
      const r = await fetchVia(device, { method: "GET", path: "/DEFAULT/controller/v1/dev-1" });
      expect(r.status).toBe(0);
      expect((r.error as { code: string }).code).toBe("LINK_DROPPED");
    } finally {
      server.up = true;
    }
    expect((await fetchVia(device, { method: "GET", path: "/DEFAULT/controller/v1/dev-1" })).status).toBe(200);
  });

  it("a gateway token acts for any device of the tenant", async () => {
    const withGateway = new UpdateServer({ gatewayToken: "gw" });
    await withGateway.listen();
    try {
      const gateway = new HttpsTransport({ baseUrl: withGateway.url, ca: withGateway.ca.caPem, credential: { scheme: "GatewayToken", token: "gw" } });
      expect((await fetchVia(gateway, { method: "GET", path: "/DEFAULT/controller/v1/edge-9" })).status).toBe(200);
      expect(withGateway.fleet.devices.has("edge-9")).toBe(true);
    } finally {
      await withGateway.close();
    }
  });
});

describe("slotboot serve (the CLI)", () => {
  it("loads a fleet file, prints where to connect and the CA to trust, serves DDI, stops on SIGTERM", async () => {
    const { spawn } = await import("node:child_process");
    const { mkdtempSync, writeFileSync, readFileSync, existsSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const dir = mkdtempSync(join(tmpdir(), "slotboot-serve-"));
    writeFileSync(join(dir, "v2.pkg"), pkg);
    writeFileSync(join(dir, "fleet.json"), JSON.stringify({
      pollSeconds: 42,
      devices: [{ controllerId: "cli-dev", token: "cli-token", group: "g" }],
      packages: [{ file: "v2.pkg", version: "2.0.0" }],
      rollouts: [{ package: "v2.pkg", group: "g" }],
    }));
    const child = spawn(process.execPath, [new URL("../bin/slotboot.js", import.meta.url).pathname, "serve", "--config", join(dir, "fleet.json"), "--dir", join(dir, "state"), "--json"], { stdio: ["ignore", "pipe", "pipe"] });
    try {
      const ready = await new Promise<{ url: string; caPath: string; adminToken: string }>((resolve, reject) => {
        let text = "";
        child.stdout.on("data", (b: Buffer) => {
          text += b.toString();
          if (text.includes("\n")) resolve(JSON.parse(text.split("\n")[0]));
        });
        child.on("exit", (code) => reject(new Error(`serve exited with ${code}`)));
      });
      expect(ready.caPath).toBe(join(dir, "state", "ca.pem"));
      expect(existsSync(join(dir, "state", "packages", sha256))).toBe(true);
      const transport = new HttpsTransport({ baseUrl: ready.url, ca: readFileSync(ready.caPath, "utf8"), credential: { scheme: "TargetToken", token: "cli-token" } });
      const base = json((await fetchVia(transport, { method: "GET", path: "/DEFAULT/controller/v1/cli-dev" })).body) as ControllerBase;
      expect(base.config.polling.sleep).toBe("00:00:42");
      expect(base._links?.deploymentBase?.href).toContain(`${ready.url}/DEFAULT/controller/v1/cli-dev/deploymentBase/`);
      const admin = new HttpsTransport({ baseUrl: ready.url, ca: readFileSync(ready.caPath, "utf8"), credential: { scheme: "TargetToken", token: "-" } });
      // The admin API wants its own bearer token: a device token is refused.
      expect((await fetchVia(admin, { method: "GET", path: "/admin/state" })).status).toBe(401);
    } finally {
      const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
    }
  }, 30_000);
});
