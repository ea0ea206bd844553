// The device agent (ota/agent/agent.js) inside the engines: under Node over the
// ES5 roles (the reference), and inside the real Espruino interpreter, with a
// host transport played by test/engines/agent-story.js: poll -> download with a
// dropped link and a resume -> install -> trial -> check-in -> confirm.
import { describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { espruinoBinary, runEspruino } from "../tools/engines/espruino.js";
import { read, storyFiles, storyModules } from "../tools/engines/story.js";
import { runInXs, xsAvailable, xsStatus, xsCommonJs, xsRoleModule, MODULE_TABLE_REQUIRE_JS } from "../tools/engines/xs.js";


const binary = espruinoBinary();
if (!binary) console.warn("espruino: ../shared/tools/espruino/espruino not found; the agent-in-Espruino test is skipped");
const XS = xsAvailable();
if (!XS) console.warn(`[xs] the agent-in-XS test is skipped: ${xsStatus().reason}`);

const { v1, packageV2, input } = storyFiles();
const dropAt = Math.floor(packageV2.length * 0.6) + 3;
// Signature checks cost Espruino seconds each (its Ed25519 runs in the interpreter): the default
// run trusts no key (the core then takes unsigned updates); SLOTBOOT_LONG runs the signed story.
const signed = process.env.SLOTBOOT_LONG === "1";
// Images are hashed by the engine's native SHA-256 (Espruino's crypto), as a board's hardware engine would.
const storyInput = { ...input, dropAt, publicKey: signed ? input.publicKey : "", layout: { ...input.layout, keyed: signed, hostHashing: true } };

function modules(): Record<string, string> {
  return {
    ...storyModules(),
    "slotboot-agent": read("ota/agent/agent.js"),
    "slotboot-core-device": read("ota/agent/core-device.js"),
    "slotboot-agent-story": read("test/engines/agent-story.js"),
  };
}

interface AgentStory {
  agentMemory: number;
  done: boolean;
  boots: Array<{ slot: number; reason: number; version: string | null }>;
  feedbacks: string[];
  configs: number;
  requests: string[];
  counters: { requests: number; bytes: number; restarts: number; failures: number };
  state: string;
}

function runUnderNode(): AgentStory {
  const sources = modules();
  const cache: Record<string, unknown> = {};
  const req = (name: string): unknown => {
    if (name in cache) return cache[name];
    const module = { exports: {} as Record<string, unknown> };
    cache[name] = module.exports;
    new Function("exports", "module", "require", sources[name])(module.exports, module, req);
    return module.exports;
  };
  let result: AgentStory | null = null;
  const engine = {
    read: (name: string) => Buffer.from(name === "image-v1" ? v1 : packageV2).toString("latin1"),
    out: (o: AgentStory) => { result = JSON.parse(JSON.stringify(o)); },
    sha256: (b: Uint8Array) => new Uint8Array(createHash("sha256").update(b).digest()).buffer,
    unload: () => { for (const m of ["slotboot-boot", "slotboot-update", "slotboot-codecs"]) delete cache[m]; },
  };
  (req("slotboot-agent-story") as { run: (e: unknown, i: unknown) => void }).run(engine, storyInput);
  return result!;
}

function checkStory(story: AgentStory): void {
  expect(story.done).toBe(true);
  // Factory boot on v1, the trial boot of v2, the confirmed v2 at the next power-on.
  expect(story.boots.map((b) => b.version)).toEqual(["1.0.0", "2.0.0", "2.0.0"]);
  expect(story.boots[1].reason).toBe(2); // trial-start
  expect(story.boots[2].reason).toBe(1); // confirmed
  const artifact = story.requests.filter((r) => r.includes("/artifacts/"));
  // The dropped request, then a resume from where the receiver stood, not from 0.
  const resumed = artifact.map((r) => Number(/\[(\d+)-/.exec(r)![1]));
  expect(resumed[0]).toBe(0);
  expect(resumed.some((start) => start > 0 && start <= dropAt && start > dropAt - 4096)).toBe(true);
  // Check-in before the confirm: configData and a trial feedback, then closed/success.
  const trial = story.feedbacks.findIndex((f) => f.startsWith("proceeding/none: trial of 2.0.0 checked in"));
  const closed = story.feedbacks.findIndex((f) => f.startsWith("closed/success: confirmed 2.0.0 after it checked in"));
  expect(trial, story.feedbacks.join("\n")).toBeGreaterThan(0);
  expect(closed).toBeGreaterThan(trial);
  expect(story.feedbacks.some((f) => f.startsWith("downloaded/none"))).toBe(true);
  expect(story.configs).toBeGreaterThanOrEqual(1);
}

describe("the agent inside the engines", () => {
  it("under Node over the ES5 roles", () => {
    checkStory(runUnderNode());
  });

  it.skipIf(!binary)("inside Espruino, loaded from Storage", () => {
    const main = `
var S = require("Storage");
var engine = {
  read: function (name) { return S.read(name); },
  memory: function () { return process.memory().usage; },
  out: function (o) { print("@@" + JSON.stringify(o)); },
  sha256: function (b) { return require("crypto").SHA256(b); },
  unload: function () {
    try { Modules.removeCached("slotboot-boot"); } catch (e) {}
    try { Modules.removeCached("slotboot-update"); } catch (e) {}
    try { Modules.removeCached("slotboot-codecs"); } catch (e) {}
  }
};
require("slotboot-agent-story").run(engine, JSON.parse(S.read("story-input")));
`;
    const run = runEspruino({ ...modules(), "image-v1": v1, "package-v2": packageV2, "story-input": JSON.stringify(storyInput) }, main, 300_000);
    const story = run.results.find((r) => "done" in r) as unknown as AgentStory;
    expect(story, run.output.slice(-3000)).toBeDefined();
    checkStory(story);
    // The same requests, in the same order, as under Node.
    expect(story.requests).toEqual(runUnderNode().requests);
    console.log(`espruino: the agent module plus one agent take ${story.agentMemory} variables`);
    expect(story.agentMemory).toBeGreaterThan(0);
  }, 300_000);

  // XS runs the role modules (build/boot.js, build/update.js: ES modules) behind a small
  // require(); it has no native SHA-256 here, so the core hashes, and the signed story runs.
  it.skipIf(!XS)("inside Moddable XS, signed", async () => {
    const commonJs = (name: string, code: string) => xsCommonJs("__modules", name, code);
    const role = (name: string, path: string, factory: string) => xsRoleModule("__modules", name, read(path), factory);
    const latin1 = (b: Uint8Array) => JSON.stringify(Buffer.from(b).toString("latin1"));
    const modules = [
      "var __modules = {};\n",
      role("slotboot-boot", "build/boot.js", "createBootCore"),
      role("slotboot-update", "build/update.js", "createUpdateCore"),
      role("slotboot-codecs", "build/codecs.js", "createCodecs"),
      commonJs("slotboot-loader", read("examples/espruino/loader.js")),
      commonJs("slotboot-update-task", read("examples/espruino/update-task.js")),
      commonJs("slotboot-ram-flash", read("test/engines/ram-flash.js")),
      commonJs("slotboot-agent", read("ota/agent/agent.js")),
      commonJs("slotboot-core-device", read("ota/agent/core-device.js")),
      commonJs("slotboot-agent-story", read("test/engines/agent-story.js")),
    ].join("");
    const harness = MODULE_TABLE_REQUIRE_JS + `
var __files = { "image-v1": ${latin1(v1)}, "package-v2": ${latin1(packageV2)} };
var engine = {
  read: function (name) { return __files[name]; },
  out: function (o) { print("@@" + JSON.stringify(o)); },
  sha256: null,
  unload: function () { delete __cache["slotboot-boot"]; delete __cache["slotboot-update"]; delete __cache["slotboot-codecs"]; }
};
require("slotboot-agent-story").run(engine, ${JSON.stringify({ ...input, dropAt, layout: { ...input.layout, hostHashing: false } })});
`;
    const run = await runInXs([modules, harness], { timeoutMs: 120_000, creation: { stackCount: 8192 } });
    const line = run.output.find((l) => l.startsWith("@@"));
    expect(line, run.output.join("\n")).toBeDefined();
    const story = JSON.parse(line!.slice(2)) as AgentStory;
    checkStory(story);
    expect(story.requests).toEqual(runUnderNode().requests);
    console.log(`xs: the agent's story, peak heap ${run.memory.heapPeakBytesMcu} bytes (16-byte slots), stack ${run.memory.stackPeak} slots`);
  }, 180_000);
});
