// The gateway library over the secure local link, on simulated time: DDI
// requests from edge devices relayed upstream with the GatewayToken, packages
// cached content-addressed and checked against the deployment's hash,
// resumable downloads after dropped links, an upstream that goes away, and a
// neighbour injecting frames.
import { describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { GatewayRig, TENANT } from "./helpers/gateway-rig.js";
import type { ControllerBase, DeploymentBase } from "../ota/ddi/types.js";
import { PackageCache } from "../ota/gateway/package-cache.js";
import { hrefPath } from "../ota/gateway/gateway.js";
import { LinkTransport, type LinkStreamEvents } from "../ota/link/link-transport.js";
import { LinkConnection } from "../ota/gateway/link-server.js";
import type { TransportRequest } from "../ota/ddi/transport.js";
import { seededRandom, staticKey } from "./helpers/link-pair.js";
import { nobleLinkCrypto } from "../ota/link/noble-link-crypto.js";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const base = (id: string) => `/${TENANT}/controller/v1/${id}`;
const json = (body: Buffer) => JSON.parse(body.toString("utf8"));
const sha = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

function packageBytes(size: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(size);
  let state = seed >>> 0 || 1;
  for (let index = 0; index < size; index++) {
    state = (state * 1103515245 + 12345) >>> 0;
    bytes[index] = state >>> 24;
  }
  return bytes;
}

/** A rig with one edge device and a rollout of a 20 KB package to it. */
function rolledOut(rig = new GatewayRig()) {
  const edge = rig.addEdge("edge-1");
  const pkg = packageBytes(20_000, 7);
  const stored = rig.cloud.fleet.addPackage(pkg, { version: "2.0.0" });
  rig.cloud.fleet.createRollout(stored.sha256, "edge");
  return { rig, edge, pkg, stored };
}

async function deploymentOf(rig: GatewayRig, edge: ReturnType<GatewayRig["addEdge"]>) {
  const poll = await rig.fetch(edge, { method: "GET", path: base(edge.controllerId) });
  const links = (json(poll.body) as ControllerBase)._links!;
  const deployment = await rig.fetch(edge, { method: "GET", path: links.deploymentBase!.href });
  const body = json(deployment.body) as DeploymentBase;
  return { poll, links, deployment: body, href: body.deployment.chunks[0].artifacts[0]._links.download!.href };
}

describe("gateway over the secure local link", () => {
  it("relays poll, deployment, artifact (whole and ranged) and feedback; links point at the gateway", async () => {
    const { rig, edge, pkg, stored } = rolledOut();
    const { poll, links, deployment, href } = await deploymentOf(rig, edge);
    expect(poll.status).toBe(200);
    expect(links.deploymentBase!.href.startsWith(base("edge-1") + "/deploymentBase/")).toBe(true);
    expect(deployment.deployment.chunks[0].artifacts[0].hashes.sha256).toBe(stored.sha256);
    expect(href.startsWith("/")).toBe(true);
    const whole = await rig.fetch(edge, { method: "GET", path: href });
    expect(whole.status).toBe(200);
    expect(sha(whole.body)).toBe(stored.sha256);
    const part = await rig.fetch(edge, { method: "GET", path: href, range: { start: 10_000 } });
    expect(part.status).toBe(206);
    expect(Buffer.compare(part.body, Buffer.from(pkg.subarray(10_000)))).toBe(0);
    const actionId = deployment.id;
    const feedback = await rig.fetch(edge, {
      method: "POST",
      path: `${base("edge-1")}/deploymentBase/${actionId}/feedback`,
      body: JSON.stringify({ status: { execution: "closed", result: { finished: "success" }, details: ["updated to 2.0.0"] } }),
    });
    expect(feedback.status).toBe(200);
    expect(rig.cloud.fleet.actions.get(actionId)!.status).toBe("finished");
    // The package crossed the cloud link once, however often devices fetch it.
    expect(rig.gateway.stats.packagesFetched).toBe(1);
    expect(edge.transport.stats.sessions).toBe(1);
  });

  it("a device speaks only for itself: another controller id is refused (403)", async () => {
    const { rig, edge } = rolledOut();
    rig.addEdge("edge-2");
    const other = await rig.fetch(edge, { method: "GET", path: base("edge-2") });
    expect(other.status).toBe(403);
    expect(json(other.body).errorCode).toBe("slotboot.gateway.wrongController");
    const unknownArtifact = await rig.fetch(edge, { method: "GET", path: `${base("edge-1")}/softwaremodules/x/artifacts/y` });
    expect(unknownArtifact.status).toBe(404);
  });

  it("an unprovisioned device cannot open the link (UNREACHABLE, LINK_UNKNOWN_PEER)", async () => {
    const rig = new GatewayRig();
    const stranger = rig.addEdge("stranger", { provisioned: false });
    const answer = await rig.fetch(stranger, { method: "GET", path: base("stranger") });
    expect(answer.error).toMatchObject({ code: "UNREACHABLE" });
    expect(stranger.connections[0].closedWith?.code).toBe("LINK_UNKNOWN_PEER");
    expect(rig.cloud.requests).toBe(0);
  });

  it("a link cut at any byte offset ends the request with LINK_DROPPED; the download resumes with Range", async () => {
    const { rig, edge, stored } = rolledOut();
    const { href } = await deploymentOf(rig, edge);
    edge.transport.close(); // every attempt below opens a fresh connection with its fault
    const received: Buffer[] = [];
    let cuts = 0;
    for (let attempt = 0; attempt < 30; attempt++) {
      // Cut each new connection a little after 3 KB (handshake included).
      edge.faults.push({ cutAtByte: 3000 + attempt * 37 });
      const offset = received.reduce((n, b) => n + b.length, 0);
      if (offset === stored.size) break;
      const answer = await rig.fetch(edge, { method: "GET", path: href, range: { start: offset } });
      if (answer.status === 200 || answer.status === 206) received.push(answer.body);
      if (answer.error) {
        expect((answer.error as { code: string }).code).toBe("LINK_DROPPED");
        cuts++;
      }
    }
    expect(cuts).toBeGreaterThan(3);
    expect(sha(Buffer.concat(received))).toBe(stored.sha256);
  });

  it("upstream down: polls and feedback get 503 (truthful), a known deployment and its cached package are still served", async () => {
    const { rig, edge, stored } = rolledOut();
    const { links, href } = await deploymentOf(rig, edge);
    await rig.clock.runWhile(() => rig.gateway.cache.has(stored.sha256), 5000);
    rig.cloud.up = false;
    const poll = await rig.fetch(edge, { method: "GET", path: base("edge-1") });
    expect(poll.status).toBe(503);
    expect(json(poll.body).errorCode).toBe("slotboot.gateway.upstreamUnavailable");
    const deployment = await rig.fetch(edge, { method: "GET", path: links.deploymentBase!.href });
    expect(deployment.status).toBe(200);
    expect(rig.gateway.stats.staleDeployments).toBe(1);
    const artifact = await rig.fetch(edge, { method: "GET", path: href });
    expect(sha(artifact.body)).toBe(stored.sha256);
    const feedback = await rig.fetch(edge, {
      method: "POST",
      path: `${base("edge-1")}/deploymentBase/${json(deployment.body).id}/feedback`,
      body: JSON.stringify({ status: { execution: "closed", result: { finished: "success" } } }),
    });
    expect(feedback.status).toBe(503);
    rig.cloud.up = true;
    const again = await rig.fetch(edge, { method: "GET", path: base("edge-1") });
    expect(again.status).toBe(200);
  });

  it("prefetch polls on a sleeping device's behalf and fills the cache; a package that does not match the deployment's hash is never cached or served", async () => {
    const { rig, edge, stored } = rolledOut();
    const run = async <T>(work: Promise<T>): Promise<T> => {
      let result: { value: T } | null = null;
      void work.then((value) => (result = { value }));
      await rig.clock.runWhile(() => result !== null, 10_000);
      return result!.value;
    };
    expect(await run(rig.gateway.prefetch("edge-1"))).toBe("cached");
    expect(rig.gateway.cache.has(stored.sha256)).toBe(true);
    expect(edge.transport.stats.requests).toBe(0);
    expect(await run(rig.gateway.prefetch("edge-unknown"))).toBe("idle");

    // A second rig whose cloud (or the path to it) alters the package in transit.
    const bad = rolledOut();
    bad.stored.bytes[123] ^= 0xff;
    const { href } = await deploymentOf(bad.rig, bad.edge);
    const answer = await bad.rig.fetch(bad.edge, { method: "GET", path: href });
    expect(answer.status).toBe(502);
    expect(json(answer.body).errorCode).toBe("GATEWAY_HASH_MISMATCH");
    expect(bad.rig.gateway.cache.bytes).toBe(0);
    expect(bad.rig.gateway.stats.packagesRefused).toBeGreaterThan(0);
  });

  it("a neighbour replaying the device's feedback frame is refused: the feedback reaches the cloud once", async () => {
    const { rig, edge } = rolledOut();
    const { deployment } = await deploymentOf(rig, edge);
    const connection = edge.wire.length - 1;
    const sentBefore = edge.wire[connection].toGateway.length;
    const feedback = await rig.fetch(edge, {
      method: "POST",
      path: `${base("edge-1")}/deploymentBase/${deployment.id}/feedback`,
      body: JSON.stringify({ status: { execution: "proceeding", result: { finished: "none" } } }),
    });
    expect(feedback.status).toBe(200);
    const frames = edge.wire[connection].toGateway.slice(sentBefore);
    for (const frame of frames) edge.inject(frame);
    await rig.clock.runUntil(rig.clock.now + 100);
    const action = rig.cloud.fleet.actions.get(deployment.id)!;
    expect(action.history.length).toBe(1);
    expect(edge.connections[connection].closedWith?.code).toBe("LINK_REPLAY");
    // The device reconnects with a fresh session and carries on.
    const poll = await rig.fetch(edge, { method: "GET", path: base("edge-1") });
    expect(poll.status).toBe(200);
    expect(edge.transport.stats.sessions).toBe(2);
  });

  it("stalled answers time out on the device (TIMEOUT) instead of hanging it", async () => {
    const rig = new GatewayRig({ alterResponse: () => new Promise(() => undefined) });
    const edge = rig.addEdge("edge-1");
    const answer = await rig.fetch(edge, { method: "GET", path: base("edge-1") }, 120_000);
    expect(answer.error).toMatchObject({ code: "TIMEOUT" });
  });
});

describe("LinkTransport (the device side)", () => {
  it("a cancelled download stops on the link; the same session carries the next request", async () => {
    const { rig, edge, stored } = rolledOut();
    const { href } = await deploymentOf(rig, edge);
    let chunks = 0;
    let ended: { code: string } | null | undefined;
    const handle = edge.transport.request({ method: "GET", path: href }, {
      onStatus: () => undefined,
      onChunk: () => {
        chunks++;
        if (chunks === 3) handle.cancel();
      },
      onEnd: (error) => (ended = error),
    });
    await rig.clock.runWhile(() => ended !== undefined, 10_000);
    expect(ended).toMatchObject({ code: "CANCELLED" });
    await rig.clock.runUntil(rig.clock.now + 1000);
    expect(chunks).toBe(3); // nothing more reached the agent after its cancel
    const again = await rig.fetch(edge, { method: "GET", path: href, range: { start: 100, end: 199 } });
    expect(again.status).toBe(206);
    expect(again.body.length).toBe(100);
    expect(sha(rig.cloud.fleet.packages.get(stored.sha256)!.bytes.subarray(100, 200))).toBe(sha(again.body));
    expect(edge.transport.stats.sessions).toBe(1);
  });

  it("more requests than it allows in flight end at once with BUSY; a host that cannot open a stream gets UNREACHABLE", async () => {
    const rig = new GatewayRig();
    const edge = rig.addEdge("edge-1");
    const ends: ({ code: string } | null)[] = [];
    for (let index = 0; index < 5; index++) {
      edge.transport.request({ method: "GET", path: base("edge-1") }, { onStatus: () => undefined, onChunk: () => undefined, onEnd: (error) => ends.push(error) });
    }
    expect(ends).toEqual([{ code: "BUSY", message: expect.stringMatching(/retry/) }]);
    await rig.clock.runWhile(() => ends.length === 5, 10_000);
    expect(ends.slice(1)).toEqual([null, null, null, null]);

    const nowhere = new LinkTransport({
      crypto: nobleLinkCrypto(), staticSecret: new Uint8Array(32).fill(3), gatewayPublicKey: new Uint8Array(32).fill(9),
      connector: { connect: () => null }, now: () => 0,
    });
    let error: unknown;
    nowhere.request({ method: "GET", path: "/x" }, { onStatus: () => undefined, onChunk: () => undefined, onEnd: (ended) => (error = ended) });
    expect(error).toMatchObject({ code: "UNREACHABLE" });
  });
});

describe("gateway backpressure", () => {
  it("a device stream that takes one frame at a time holds the gateway to its bounded queue, and the answer still arrives whole", async () => {
    const { rig, stored } = rolledOut();
    const key = staticKey("slow reader");
    const devices = new Map([[Buffer.from(key.publicKey).toString("hex"), "edge-1"]]);
    const held: Uint8Array[] = [];
    let connection: LinkConnection | null = null;
    let toDevice: LinkStreamEvents | null = null;
    const transport = new LinkTransport({
      crypto: nobleLinkCrypto(seededRandom("slow device")), staticSecret: key.secretKey, gatewayPublicKey: rig.gatewayKey.publicKey, now: () => rig.clock.now,
      connector: {
        connect: (events) => {
          toDevice = events;
          connection = new LinkConnection(
            { crypto: nobleLinkCrypto(seededRandom("slow gateway")), staticSecret: rig.gatewayKey.secretKey, devices, gateway: rig.gateway, now: () => rig.clock.now },
            { write: (bytes) => (held.push(bytes.slice()), false), close: () => events.onEnd() },
          );
          return { write: (bytes) => { const copy = bytes.slice(); setImmediate(() => connection!.receive(copy)); }, close: () => undefined };
        },
      },
    });
    const queued = () => (connection as unknown as { session: { queue: unknown[] } }).session.queue.length;
    let peakHeld = 0;
    let peakQueued = 0;
    const fetchSlowly = async (request: TransportRequest) => {
      const chunks: Buffer[] = [];
      let end: unknown;
      let status = 0;
      transport.request(request, { onStatus: (code) => (status = code), onChunk: (bytes) => chunks.push(Buffer.from(bytes)), onEnd: (error) => (end = error) });
      for (let step = 0; step < 10_000 && end === undefined; step++) {
        await rig.clock.runUntil(rig.clock.now + 50);
        peakHeld = Math.max(peakHeld, held.length);
        if (connection) peakQueued = Math.max(peakQueued, queued());
        const frame = held.shift();
        if (frame) toDevice!.onBytes(frame);
        connection?.resume();
      }
      return { status, body: Buffer.concat(chunks), end };
    };
    const poll = await fetchSlowly({ method: "GET", path: base("edge-1") });
    const href = (json(poll.body) as ControllerBase)._links!.deploymentBase!.href;
    const deployment = json((await fetchSlowly({ method: "GET", path: href })).body) as DeploymentBase;
    const artifact = await fetchSlowly({ method: "GET", path: deployment.deployment.chunks[0].artifacts[0]._links.download!.href });
    expect(artifact.end, JSON.stringify({ status: artifact.status, length: artifact.body.length, held: held.length, queued: queued(), state: connection!.session.state, poll: poll.status })).toBeNull();
    expect(sha(artifact.body)).toBe(stored.sha256);
    // One frame in the stream at a time; the rest waited in the session's 32-frame queue, never the whole 20 KB answer.
    expect(peakHeld).toBe(1);
    expect(peakQueued).toBeLessThanOrEqual(32);
    expect(peakQueued).toBeGreaterThan(8);
  });
});

describe("package cache", () => {
  it("checks hash and size, evicts least recently used, and drops files that no longer match their name", () => {
    const directory = mkdtempSync(join(tmpdir(), "slotboot-cache-"));
    const cache = new PackageCache({ maxBytes: 2500, directory });
    const one = packageBytes(1000, 1);
    const two = packageBytes(1000, 2);
    const three = packageBytes(1000, 3);
    expect(() => cache.put(one, sha(two), 1000)).toThrow(/SHA-256/);
    expect(() => cache.put(one, sha(one), 999)).toThrow(/999/);
    cache.put(one, sha(one), 1000);
    cache.put(two, sha(two), 1000);
    cache.get(sha(one));
    cache.put(three, sha(three), 1000);
    expect([cache.has(sha(one)), cache.has(sha(two)), cache.has(sha(three))]).toEqual([true, false, true]);
    writeFileSync(join(directory, sha(one)), packageBytes(1000, 9));
    const reloaded = new PackageCache({ maxBytes: 2500, directory });
    expect(reloaded.has(sha(one))).toBe(false);
    expect(reloaded.has(sha(three))).toBe(true);
    expect(readdirSync(directory)).toEqual([sha(three)]);
    expect(hrefPath("https://h:1/a/b?c=1")).toBe("/a/b?c=1");
  });
});
