// Over the air, measured: the agent against `slotboot serve` over HTTPS on
// loopback (simulated flash and clock, real TLS and sockets). Bytes on the
// wire and requests per update against the package itself and against one
// plain ranged GET of it (the least any HTTP client could do); the cost of a
// dropped link and of a power cut mid-download; and how many devices the
// local server updates at once (updates per real second, p50/p99 time to update).
import https from "node:https";
import { percentile, runScenario, type ScenarioResult } from "../ota/fleet/scenario.js";
import { UpdateServer } from "../ota/server/server.js";
import { makeRelease } from "../ota/fleet/release.js";
import { HttpsTransport } from "../ota/ddi/https-transport.js";
import { FleetRunner, type FaultPlan } from "../ota/fleet/runner.js";
import { settled } from "../ota/fleet/outcome.js";

const kib = (n: number) => (n / 1024).toFixed(1);

function perDevice(result: ScenarioResult) {
  const clean = result.outcomes.filter((o) => o.kind === "updated");
  const bytes = clean.map((o) => o.bytes);
  const requests = clean.map((o) => o.requests);
  return { bytes: percentile(bytes, 50), requests: percentile(requests, 50), updated: clean.length };
}

/** The peer: the package fetched with a single GET over the same HTTPS, nothing else. */
async function plainGet(bytes: Uint8Array): Promise<{ received: number; ms: number }> {
  const server = new UpdateServer();
  const url = await server.listen();
  const stored = server.fleet.addPackage(bytes, { version: "2.0.0" });
  const transport = new HttpsTransport({ baseUrl: url, ca: server.ca.caPem, credential: { scheme: "TargetToken", token: "-" }, agent: new https.Agent({ ca: server.ca.caPem }) });
  const t0 = performance.now();
  const received = await new Promise<number>((resolve) => {
    let n = 0;
    transport.request({ method: "GET", path: `/packages/${stored.sha256}`, range: { start: 0 } }, {
      onStatus: () => undefined, onChunk: (c) => { n += c.length; }, onEnd: () => resolve(n),
    });
  });
  const ms = performance.now() - t0;
  await server.close();
  return { received, ms };
}

export async function run(): Promise<string> {
  const lines: string[] = ["## Over the air (agent + slotboot serve, HTTPS on loopback)", ""];
  const full = makeRelease(["2.0.0"], 60_000).packages.get("2.0.0")!;
  const peer = await plainGet(full);

  const clean = await runScenario({ devices: 10, faultShare: 0, seed: 1 });
  const cleanFigures = perDevice(clean);
  const delta = await runScenario({ devices: 10, faultShare: 0, seed: 1, delta: true });
  const deltaFigures = perDevice(delta);
  lines.push("| update | package | bytes on the wire per update | ratio to the package | requests | plain GET of the package |", "|---|---:|---:|---:|---:|---:|");
  lines.push(`| full, 60 KB firmware | ${kib(clean.packageBytes)} KiB | ${kib(cleanFigures.bytes)} KiB | ${(cleanFigures.bytes / clean.packageBytes).toFixed(3)} | ${cleanFigures.requests} | ${kib(peer.received)} KiB, 1 request |`);
  lines.push(`| delta from v1 | ${kib(delta.packageBytes)} KiB | ${kib(deltaFigures.bytes)} KiB | ${(deltaFigures.bytes / delta.packageBytes).toFixed(3)} | ${deltaFigures.requests} | |`);
  const edge = await runScenario({ devices: 10, faultShare: 0, seed: 1, gatewayShare: 1, devicesPerGateway: 10 });
  const edgeFigures = perDevice(edge);
  const linkPerDevice = edge.linkBytes / edge.outcomes.length;
  lines.push(`| full, behind a gateway (10 edge devices) | ${kib(edge.packageBytes)} KiB | ${kib(edgeFigures.bytes)} KiB of DDI bodies; ${kib(linkPerDevice)} KiB on the local link (${(linkPerDevice / edge.packageBytes).toFixed(3)}x: frames, handshake, AEAD) | ${(edgeFigures.bytes / edge.packageBytes).toFixed(3)} | ${edgeFigures.requests} | cloud side: ${kib(edge.serverBytesOut)} KiB and ${edge.serverRequests} requests for the whole site (${(edge.serverBytesOut / edge.packageBytes).toFixed(2)} packages) |`);
  lines.push("", "Requests of a clean update: poll, deploymentBase, ranged GETs of 16 KiB segments, progress feedback at each quarter, downloaded, the trial's configData + check-in feedback, closed/success, and the polls and configData around them.", "");

  // The cost of a fault: one device with its link dropped at 50 %, or its power cut at 50 %, against the same device clean.
  const size = clean.packageBytes;
  const drops = await runFaulted({ dropAtBytes: [Math.floor(size / 2)] });
  const cuts = await runFaulted({ cutAtBytes: [Math.floor(size / 2)] });
  const none = await runFaulted({});
  lines.push("| fault at 50 % of the download | artifact bytes received | of which again (overhead) | artifact requests | extra over a clean download | all requests of the update |", "|---|---:|---:|---:|---:|---:|");
  lines.push(`| none | ${none.artifact} | 0 | ${none.artifactRequests} | 0 | ${none.requests} |`);
  lines.push(`| link dropped (same power cycle: resumes at the receiver's position) | ${drops.artifact} | ${drops.artifact - none.artifact} (${((100 * (drops.artifact - none.artifact)) / none.artifact).toFixed(1)} %) | ${drops.artifactRequests} | ${drops.artifactRequests - none.artifactRequests} | ${drops.requests} |`);
  lines.push(`| power cut (after reset: the manifest, then from the receiver's resume point) | ${cuts.artifact} | ${cuts.artifact - none.artifact} (${((100 * (cuts.artifact - none.artifact)) / none.artifact).toFixed(1)} %) | ${cuts.artifactRequests} | ${cuts.artifactRequests - none.artifactRequests} | ${cuts.requests} |`);
  lines.push("", "After a power cut the bytes received again are the chunk in flight when power went (up to one TLS record) plus what the receiver had not yet made durable (its resume point is the last verified block on flash).");
  lines.push("");

  lines.push("| path | devices at once | updated | real time | updates / real s | p50 / p99 time to update (simulated) | server requests |", "|---|---:|---:|---:|---:|---:|---:|");
  for (const [path, devices] of [["direct", 50], ["direct", 200], ["one gateway", 50], ["one gateway", 200]] as const) {
    const gateway = path === "one gateway";
    const result = await runScenario({
      devices, faultShare: 0, seed: 5, link: { latencyMs: 20, bytesPerSecond: 1_000_000 }, pollSeconds: 30, maxSockets: 64,
      gatewayShare: gateway ? 1 : 0, devicesPerGateway: devices,
    });
    const times = result.outcomes.filter((o) => o.updateMs !== null).map((o) => o.updateMs! / 1000);
    const updated = result.outcomes.filter((o) => o.kind === "updated").length;
    lines.push(`| ${path} | ${devices} | ${updated} | ${(result.realMs / 1000).toFixed(1)} s | ${(updated / (result.realMs / 1000)).toFixed(1)} | ${percentile(times, 50).toFixed(1)} / ${percentile(times, 99).toFixed(1)} s | ${result.serverRequests} |`);
  }
  lines.push("", `One plain GET of the package over the same HTTPS: ${peer.ms.toFixed(1)} ms. Simulated time counts the link model (20 ms latency, 1 MB/s) and the polling interval (30 s), not this machine's speed; updates per real second is this machine's.`);
  return lines.join("\n");
}

async function runFaulted(faults: FaultPlan) {
  const release = makeRelease(["2.0.0"], 60_000);
  const server = new UpdateServer({ pollSeconds: 60 });
  await server.listen();
  const runner = new FleetRunner({ server, agent: { segmentBytes: 16_384 }, link: { latencyMs: 50, bytesPerSecond: 50_000 } });
  try {
    server.fleet.registerDevice("d", { token: "t" });
    const device = runner.addDevice({ controllerId: "d", token: "t", factoryImage: release.factory, publicKey: release.publicKey, faults });
    const stored = server.fleet.addPackage(release.packages.get("2.0.0")!, { version: "2.0.0" });
    await runner.start();
    server.fleet.createRollout(stored.sha256, "default");
    await runner.run(() => settled(device, server), 3_600_000);
    return { requests: device.link.stats.requests, artifact: device.link.artifactTotal, artifactRequests: device.link.artifactRequests };
  } finally {
    runner.close();
    await server.close();
  }
}
