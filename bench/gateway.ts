// The gateway and its secure local link, measured: bytes on the local link per
// update against the package and against the same update taken directly over
// HTTPS (architecture (a), measured in the same run); what the link's crypto
// costs against raw ChaCha20-Poly1305 and X25519 from @noble; and how many edge
// devices one gateway updates at once (updates per real second, p50/p99
// simulated time to update), against the same number of direct devices.
import { x25519 } from "@noble/curves/ed25519.js";
import { chacha20poly1305 } from "@noble/ciphers/chacha.js";
import { percentile, runScenario } from "../ota/fleet/scenario.js";
import { deviceOutcome } from "../ota/fleet/outcome.js";
import { makeRelease } from "../ota/fleet/release.js";
import { startSite } from "../ota/gateway/sim-site.js";
import { simulatedLinkKey } from "../ota/gateway/sim-host.js";
import { SecureSession, type LinkSink } from "../ota/link/secure-session.js";
import { nobleLinkCrypto } from "../ota/link/noble-link-crypto.js";
import { FRAME_BYTES, RECORD_PAYLOAD_BYTES } from "../ota/link/frame.js";

const kib = (n: number) => (n / 1024).toFixed(1);

function release() {
  const made = makeRelease(["2.0.0"], 60_000);
  return { publicKey: made.publicKey, factory: made.factory, update: made.packages.get("2.0.0")!, version: "2.0.0" };
}

/** One edge device's clean update behind the gateway: what crossed the local link. */
async function localLinkCost(devices: number) {
  const site = await startSite({ release: release(), edges: devices, keepLogs: false, agent: { segmentBytes: 16_384 } });
  try {
    await site.run();
    const per = site.edges.map((device) => {
      const transport = site.host.transports.get(device.spec.controllerId)!;
      return { bytes: transport.stats.bytesSent + transport.stats.bytesReceived, requests: transport.stats.requests, sessions: transport.stats.sessions, body: transport.stats.bodyBytes };
    });
    const updated = (await Promise.all(site.edges.map((device) => deviceOutcome(device, site.server)))).filter((o) => o.kind === "updated").length;
    return {
      updated,
      bytes: percentile(per.map((p) => p.bytes), 50),
      body: percentile(per.map((p) => p.body), 50),
      requests: percentile(per.map((p) => p.requests), 50),
      sessions: percentile(per.map((p) => p.sessions), 50),
      cloudArtifactRequests: site.server.stats.byRoute.artifact ?? 0,
      upstreamRequests: site.host.gateway.stats.upstreamRequests,
    };
  } finally {
    await site.close();
  }
}

function timeIt(run: () => void, minMs = 300): number {
  let count = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < minMs) {
    run();
    count++;
  }
  return (performance.now() - t0) / count;
}

/** Per-frame and per-handshake cost of the link's crypto on this machine, against @noble's primitives alone. */
function cryptoCost() {
  const gatewayKey = simulatedLinkKey("bench gateway");
  const deviceKey = simulatedLinkKey("bench device");
  const sink = (): LinkSink => ({ onOpen: () => undefined, onRecord: () => undefined, onClose: () => undefined });
  const pair = () => {
    const device = new SecureSession({ crypto: nobleLinkCrypto(), staticSecret: deviceKey.secretKey, staticPublicKey: deviceKey.publicKey, gatewayPublicKey: gatewayKey.publicKey, sink: sink(), maxQueuedFrames: 1 << 20 }, 0);
    const gateway = new SecureSession({ crypto: nobleLinkCrypto(), staticSecret: gatewayKey.secretKey, staticPublicKey: gatewayKey.publicKey, authorizeDevice: () => "d", sink: sink(), maxQueuedFrames: 1 << 20 }, 0);
    device.start(0);
    gateway.receive(device.takeFrame()!);
    device.receive(gateway.takeFrame()!);
    return { device, gateway };
  };
  const handshakeMs = timeIt(() => pair());
  const dhMs = timeIt(() => x25519.getSharedSecret(deviceKey.secretKey, gatewayKey.publicKey));
  const { device, gateway } = pair();
  const payload = new Uint8Array(RECORD_PAYLOAD_BYTES).fill(7);
  const frameMs = timeIt(() => {
    for (let index = 0; index < 100; index++) {
      device.send(1, 0, 0, payload);
      gateway.receive(device.takeFrame()!);
    }
  }) / 100;
  const key = new Uint8Array(32).fill(1);
  const nonce = new Uint8Array(12);
  const record = new Uint8Array(FRAME_BYTES - 5 - 16);
  const rawMs = timeIt(() => {
    for (let index = 0; index < 100; index++) {
      nonce[11] = index;
      const sealed = chacha20poly1305(key, nonce, nonce.subarray(0, 5)).encrypt(record);
      chacha20poly1305(key, nonce, nonce.subarray(0, 5)).decrypt(sealed);
    }
  }) / 100;
  return { handshakeMs, dhMs, frameMs, rawMs };
}

async function concurrency(devices: number) {
  const site = await startSite({
    release: release(), edges: devices, keepLogs: false, pollSeconds: 30,
    agent: { segmentBytes: 16_384 }, edgeLink: { latencyMs: 20, bytesPerSecond: 1_000_000 },
  });
  try {
    await site.run();
    const outcomes = await Promise.all(site.edges.map((device) => deviceOutcome(device, site.server)));
    const times = outcomes.filter((o) => o.updateMs !== null).map((o) => o.updateMs! / 1000);
    const realMs = performance.now() - site.runner.realStart;
    return { updated: outcomes.filter((o) => o.kind === "updated").length, realMs, p50: percentile(times, 50), p99: percentile(times, 99), upstream: site.host.gateway.stats.upstreamRequests, fetched: site.server.stats.byRoute.artifact ?? 0 };
  } finally {
    await site.close();
  }
}

export async function run(): Promise<string> {
  const lines: string[] = ["## Gateway and secure local link (architecture (c): agent → local link → gateway → slotboot serve)", ""];
  const direct = await runScenario({ devices: 10, faultShare: 0, seed: 1, link: { latencyMs: 50, bytesPerSecond: 50_000 } });
  const directClean = direct.outcomes.filter((o) => o.kind === "updated");
  const directBytes = percentile(directClean.map((o) => o.bytes), 50);
  const directRequests = percentile(directClean.map((o) => o.requests), 50);
  const local = await localLinkCost(10);
  const handshakeBytes = 2 * FRAME_BYTES * local.sessions;
  lines.push("| one clean update (60 KB firmware) | package | bytes per update | ratio to the package | requests | sessions (handshakes) | handshake bytes |", "|---|---:|---:|---:|---:|---:|---:|");
  lines.push(`| edge device, local link (frames on the stream) | ${kib(direct.packageBytes)} KiB | ${kib(local.bytes)} KiB | ${(local.bytes / direct.packageBytes).toFixed(3)} | ${local.requests} | ${local.sessions} | ${handshakeBytes} B (${((100 * handshakeBytes) / local.bytes).toFixed(2)} %) |`);
  lines.push(`| direct device, HTTPS (bodies + request lines/headers as counted by the transport, TLS not counted) | ${kib(direct.packageBytes)} KiB | ${kib(directBytes)} KiB | ${(directBytes / direct.packageBytes).toFixed(3)} | ${directRequests} | — | — |`);
  lines.push("", `Local link / direct: ${(local.bytes / directBytes).toFixed(3)}. Frames are 256 bytes (231 payload, 25 header + tag + record header), so the link carries the DDI body bytes (${kib(local.body)} KiB per update) with ${((100 * (local.bytes - local.body)) / local.body).toFixed(1)} % framing, encryption, request and status overhead. The whole site of 10 devices fetched the package from the cloud ${local.cloudArtifactRequests} time(s) (${local.upstreamRequests} upstream requests in all).`, "");

  const cost = cryptoCost();
  lines.push("| link crypto on this machine | time | peer (@noble alone) | ratio |", "|---|---:|---:|---:|");
  lines.push(`| one 256-byte DATA frame, sealed and opened (record in, record out) | ${(cost.frameMs * 1000).toFixed(1)} µs | ${(cost.rawMs * 1000).toFixed(1)} µs ChaCha20-Poly1305 seal+open of 235 bytes | ${(cost.frameMs / cost.rawMs).toFixed(2)} |`);
  lines.push(`| one Noise IK handshake, both sides (HELLO + WELCOME) | ${cost.handshakeMs.toFixed(2)} ms | ${cost.dhMs.toFixed(2)} ms one X25519 | ${(cost.handshakeMs / cost.dhMs).toFixed(1)} X25519s |`);
  lines.push("", `Link throughput bound by the frame crypto: ${((RECORD_PAYLOAD_BYTES / (cost.frameMs / 1000)) / 1e6).toFixed(1)} MB/s of payload per core (both ends in one process).`, "");

  lines.push("| edge devices behind one gateway, at once | updated | real time | updates / real s | p50 / p99 time to update (simulated) | gateway upstream requests | package fetched from the cloud |", "|---:|---:|---:|---:|---:|---:|---:|");
  const directPeers: string[] = [];
  for (const devices of [50, 200]) {
    const result = await concurrency(devices);
    lines.push(`| ${devices} | ${result.updated} | ${(result.realMs / 1000).toFixed(1)} s | ${(result.updated / (result.realMs / 1000)).toFixed(1)} | ${result.p50.toFixed(1)} / ${result.p99.toFixed(1)} s | ${result.upstream} | ${result.fetched}× |`);
    const peer = await runScenario({ devices, faultShare: 0, seed: 5, link: { latencyMs: 20, bytesPerSecond: 1_000_000 }, pollSeconds: 30, maxSockets: 64 });
    const updated = peer.outcomes.filter((o) => o.kind === "updated").length;
    directPeers.push(`${devices} direct devices against the server in the same run: ${(updated / (peer.realMs / 1000)).toFixed(1)} updates / real s (gateway / direct ${((result.updated / (result.realMs / 1000)) / (updated / (peer.realMs / 1000))).toFixed(2)})`);
  }
  lines.push("", ...directPeers.map((line) => `- ${line}`), "", "Simulated time counts the link model (20 ms, 1 MB/s) and the 30 s polling interval; updates per real second is this machine's, crypto and TLS included, every device's core and the gateway in one process.");
  return lines.join("\n");
}
