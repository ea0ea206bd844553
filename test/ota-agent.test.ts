// The device agent's own rules, fast (in-process transport, simulated clock):
// resuming after any set of dropped links re-reads nothing; power cuts cost at
// most what was in flight plus the receiver's unsaved tail; backoff is bounded
// and jittered; a waiting agent does no work.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { UpdateServer } from "../ota/server/server.js";
import { InProcessTransport } from "../ota/server/in-process-transport.js";
import { FleetRunner, type FaultPlan } from "../ota/fleet/runner.js";
import { deviceOutcome, settled, untruthful } from "../ota/fleet/outcome.js";
import { makeRelease } from "../ota/fleet/release.js";
import { createAgent, WAITING_FOR_IO, type AgentDevice } from "../ota/agent/load.js";
import type { Transport } from "../ota/ddi/transport.js";
import { readFileSync } from "node:fs";
import ts from "typescript";
// @ts-expect-error plain JS build helper without types
import { findUseBeforeDeclaration } from "../scripts/declaration-order.mjs";

const release = makeRelease(["2.0.0"], 30_000);
const pkg = release.packages.get("2.0.0")!;

async function updateOne(faults: FaultPlan, chunkBytes: number, segmentBytes: number) {
  const server = new UpdateServer({ pollSeconds: 60 });
  const runner = new FleetRunner({ server, agent: { segmentBytes }, link: { latencyMs: 10, bytesPerSecond: 100_000 } });
  try {
    server.fleet.registerDevice("d", { token: "t" });
    const device = runner.addDevice({
      controllerId: "d", token: "t", factoryImage: release.factory, publicKey: release.publicKey, faults,
      transport: new InProcessTransport(server, { scheme: "TargetToken", token: "t" }, chunkBytes),
    });
    const stored = server.fleet.addPackage(pkg, { version: "2.0.0" });
    await runner.start();
    server.fleet.createRollout(stored.sha256, "default");
    await runner.run(() => settled(device, server), 3_600_000);
    return { device, outcome: await deviceOutcome(device, server) };
  } finally {
    runner.close();
  }
}

describe("device agent", () => {
  it("after any dropped links the download resumes exactly where the receiver stands: the package crosses the wire once", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.integer({ min: 1, max: pkg.length - 1 }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 200, max: 9000 }),
        fc.constantFrom(2048, 8192, 32_768),
        async (drops, chunkBytes, segmentBytes) => {
          const { device, outcome } = await updateOne({ dropAtBytes: drops.sort((a, b) => a - b) }, chunkBytes, segmentBytes);
          expect(untruthful(outcome, "1.0.0", "2.0.0")).toBeNull();
          expect(outcome.kind).toBe("updated");
          expect(device.link.artifactTotal).toBe(pkg.length);
        },
      ),
      { numRuns: 12 },
    );
  }, 60_000);

  it("a power cut anywhere in the download costs at most the chunk in flight and the receiver's unsaved block", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: pkg.length - 1 }), fc.integer({ min: 256, max: 4096 }), async (cutAt, chunkBytes) => {
        const { device, outcome } = await updateOne({ cutAtBytes: [cutAt] }, chunkBytes, 8192);
        expect(outcome.kind).toBe("updated");
        expect(outcome.confirmed).toBe(true);
        expect(device.powerCuts).toBe(1);
        // The manifest again (256) + the chunk that was arriving + up to two payload blocks (4 KiB) not yet durable.
        expect(device.link.artifactTotal - pkg.length).toBeLessThanOrEqual(256 + chunkBytes + 2 * 4096 + 64);
      }),
      { numRuns: 8 },
    );
  }, 60_000);

  function fakeDevice(clock: { now: number }, random: () => number): AgentDevice {
    return {
      now: () => clock.now, random, load: () => null, save: () => undefined,
      status: () => ({ version: "1.0.0", trial: false, lastEvent: "none", attributes: {} }),
      receiveBegin: () => undefined, receivePosition: () => 0, receiveWrite: () => 0, receiveComplete: () => 0,
      receiveCancel: () => undefined, confirm: () => 0, reject: () => 0, reboot: () => undefined,
    };
  }

  it("backoff doubles up to its bound, each wait jittered within [half, all] of it; a waiting agent sends nothing", () => {
    const clock = { now: 0 };
    let requests = 0;
    const unreachable: Transport = {
      request: (_request, sink) => {
        requests++;
        sink.onEnd({ code: "UNREACHABLE", message: "down" });
        return { cancel: () => undefined };
      },
    };
    let seed = 1;
    const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
    const agent = createAgent({ controllerId: "d", backoffBaseMs: 1000, backoffMaxMs: 60_000 }, fakeDevice(clock, random), unreachable);
    const waits: number[] = [];
    for (let i = 0; i < 20; i++) {
      const wake = agent.step();
      expect(wake).toBeGreaterThan(clock.now);
      // Waiting: stepping again before the time does nothing.
      const before = requests;
      for (let j = 0; j < 50; j++) expect(agent.step()).toBe(wake);
      expect(requests).toBe(before);
      waits.push(wake - clock.now);
      clock.now = wake;
    }
    waits.forEach((wait, i) => {
      const full = Math.min(60_000, 1000 * 2 ** i);
      expect(wait).toBeGreaterThanOrEqual(full / 2);
      expect(wait).toBeLessThanOrEqual(full);
    });
    const capped = waits.slice(8);
    expect(new Set(capped).size).toBeGreaterThan(capped.length / 2); // jittered, not in step
    expect(requests).toBe(20);
  });

  it("a transport that never answers leaves the agent waiting on it, not spinning", () => {
    const clock = { now: 0 };
    let requests = 0;
    const silent: Transport = { request: () => { requests++; return { cancel: () => undefined }; } };
    const agent = createAgent({ controllerId: "d" }, fakeDevice(clock, Math.random), silent);
    for (let i = 0; i < 100; i++) expect(agent.step()).toBe(WAITING_FOR_IO);
    expect(requests).toBe(1);
  });

  it("a JSON answer larger than the agent's bound is refused, not buffered", () => {
    const clock = { now: 0 };
    const huge: Transport = {
      request: (_request, sink) => {
        sink.onStatus(200, {});
        for (let i = 0; i < 100; i++) sink.onChunk(new Uint8Array(1024).fill(32));
        sink.onEnd(null);
        return { cancel: () => undefined };
      },
    };
    const agent = createAgent({ controllerId: "d", maxJsonBytes: 4096 }, fakeDevice(clock, () => 0.5), huge);
    agent.step();
    expect(agent.state).toBe("BACKOFF");
    expect(agent.lastError).toMatch(/TOO_LARGE/);
  });

  it("is portable ES5 that Espruino can load: nothing used above its declaration, no ES2015 syntax", () => {
    for (const file of ["ota/agent/agent.js", "ota/agent/core-device.js", "test/engines/agent-story.js"]) {
      const text = readFileSync(new URL(`../${file}`, import.meta.url), "utf8");
      expect(findUseBeforeDeclaration(text), file).toEqual([]);
      // Syntax an ES5 engine refuses: let/const, arrows, classes, template literals, spread, async, for-of.
      const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES5, true);
      const modern: string[] = [];
      const visit = (node: ts.Node) => {
        if (ts.isVariableDeclarationList(node) && node.flags & (ts.NodeFlags.Let | ts.NodeFlags.Const)) modern.push("let/const");
        if (ts.isArrowFunction(node) || ts.isClassDeclaration(node) || ts.isClassExpression(node) || ts.isTemplateExpression(node) ||
          ts.isNoSubstitutionTemplateLiteral(node) || ts.isSpreadElement(node) || ts.isForOfStatement(node) || ts.isAwaitExpression(node)) modern.push(ts.SyntaxKind[node.kind]);
        if (ts.canHaveModifiers(node) && ts.getModifiers(node)?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword)) modern.push("async");
        ts.forEachChild(node, visit);
      };
      visit(source);
      expect(modern, file).toEqual([]);
    }
  });
});

describe("device agent against a server that ignores Range", () => {
  it("reads through the whole file after a power cut instead of asking again and again", async () => {
    const server = new UpdateServer({ pollSeconds: 60 });
    const runner = new FleetRunner({ server, agent: { segmentBytes: 8192 }, link: { latencyMs: 10, bytesPerSecond: 100_000 } });
    try {
      server.fleet.registerDevice("d", { token: "t" });
      const inner = new InProcessTransport(server, { scheme: "TargetToken", token: "t" }, 2048);
      // A plain static server: every artifact GET answers 200 with the whole file.
      const noRange: Transport = { request: (request, sink) => inner.request({ ...request, range: undefined }, sink) };
      const device = runner.addDevice({ controllerId: "d", token: "t", factoryImage: release.factory, publicKey: release.publicKey, faults: { cutAtBytes: [20_000] }, transport: noRange });
      const stored = server.fleet.addPackage(pkg, { version: "2.0.0" });
      await runner.start();
      server.fleet.createRollout(stored.sha256, "default");
      await runner.run(() => settled(device, server), 3_600_000);
      const outcome = await deviceOutcome(device, server);
      expect(outcome.kind).toBe("updated");
      expect(device.powerCuts).toBe(1);
      expect(device.agent!.counters.restarts).toBe(0);
    } finally {
      runner.close();
    }
  }, 30_000);
});
