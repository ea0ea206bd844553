// The ES5 builds and the Espruino examples, inside the real Espruino
// interpreter: known answers, and one device's whole life (test/engines/story.js)
// with its flash compared step by step with the WASM core's under Node.
// Memory is read inside the engine (process.memory().usage, in variables).
import { describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { ed25519 } from "@noble/curves/ed25519.js";
import { espruinoBinary, runEspruino, runStoryInEspruino } from "../../tools/engines/espruino.js";
import { read, runStoryWithWasm } from "../../tools/engines/story.js";

const binary = espruinoBinary();
if (!binary) console.warn("espruino: ../shared/tools/espruino/espruino not found; Espruino engine tests skipped");


describe.skipIf(!binary)("inside Espruino", () => {
  it("SHA-256 and Ed25519 known answers from the ES5 core", () => {
    const message = Uint8Array.from({ length: 1500 }, (_, i) => (i * 7 + 3) & 0xff);
    const secret = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
    const signature = ed25519.sign(message, secret);
    const main = `
var core = require("slotboot-core").createCore({ read: function () { return -1; }, program: function () { return -1; }, erase: function () { return -1; }, sha256: function () { return -1; } });
var io = core.ioBuffer();
var message = require("Storage").read("message");
function feed(update) { for (var at = 0; at < message.length; at += 1000) { var n = Math.min(1000, message.length - at); for (var i = 0; i < n; i++) io[i] = message.charCodeAt(at + i); update(n); } }
core.sha256Reset(); feed(core.sha256Update); core.sha256Final();
var digest = ""; for (var i = 0; i < 32; i++) digest += (io[i] < 16 ? "0" : "") + io[i].toString(16);
function verify(signature) {
  var key = require("Storage").read("key");
  for (var i = 0; i < 32; i++) io[i] = key.charCodeAt(i);
  for (var j = 0; j < 64; j++) io[32 + j] = signature.charCodeAt(j);
  if (core.ed25519VerifyBegin() !== 0) return 0;
  feed(core.ed25519VerifyUpdate);
  return core.ed25519VerifyFinish();
}
var t0 = getTime();
var good = verify(require("Storage").read("signature"));
var seconds = getTime() - t0;
var bad = verify(require("Storage").read("forged"));
print("@@" + JSON.stringify({ digest: digest, good: good, bad: bad, verifySeconds: seconds }));
`;
    const forged = Uint8Array.from(signature);
    forged[5] ^= 1;
    const run = runEspruino({
      "slotboot-core": read("build/es5/core.cjs"), message, key: ed25519.getPublicKey(secret), signature, forged,
    }, main);
    const r = run.results.find((x) => "digest" in x)!;
    expect(r.digest).toBe(createHash("sha256").update(message).digest("hex"));
    expect(r.good).toBe(1);
    expect(r.bad).toBe(0);
    console.log(`espruino: Ed25519 verify of 1,500 bytes ${(r.verifySeconds as number).toFixed(2)} s`);
  }, 180_000);

  it("one device's life: provisioning, signed update, trial and confirm, delta update, hang and rollback; flash equal to the WASM core's", () => {
    const steps = runStoryInEspruino(true);
    const reference = runStoryWithWasm();
    expect(steps.map((s) => [s.step, s.result])).toEqual(reference.map((s) => [s.step, s.result]));
    // The flash after every step, byte for byte (as SHA-256 of each region).
    expect(steps.map((s) => s.flash)).toEqual(reference.map((s) => s.flash));
    // The story's outcomes themselves.
    const by = (name: string) => steps.filter((s) => s.step === name).map((s) => s.result);
    expect(by("provision")).toEqual([0]);
    expect(by("receive v2")[0]).toMatchObject({ status: 0, slot: 1 });
    expect(by("trial boot")[0]).toMatchObject({ slot: 1, reason: 2, version: "2.0.0", app: { version: "2.0.0", healthy: true } });
    expect(by("confirm after check-in")).toEqual([0]);
    expect(by("receive delta v3")[0]).toMatchObject({ status: 0, slot: 0 });
    expect(by("watchdog reset 3")[0]).toMatchObject({ slot: 1, reason: 5, version: "2.0.0" });
    expect(by("power-on").at(-1)).toMatchObject({ slot: 1, reason: 1, version: "2.0.0" });
    const table = steps.map((s) => `  ${s.step.padEnd(24)} ${s.role.padEnd(7)} ${String(s.memory).padStart(6)} vars ${s.seconds.toFixed(3).padStart(8)} s`);
    console.log(`espruino story (peak variables over the step's start, CPU seconds incl. GC sampling):\n${table.join("\n")}`);
  }, 300_000);

  it("the same story with host hashing and 4 KiB chain blocks (slotboot pack's default): the native arithmetic only for the signature checks, the gathered block let go of after each hash", () => {
    const steps = runStoryInEspruino(true, true, "heatshrink", 4096);
    const reference = runStoryWithWasm("heatshrink", 4096);
    expect(steps.map((s) => [s.step, s.result])).toEqual(reference.map((s) => [s.step, s.result]));
    expect(steps.map((s) => s.flash)).toEqual(reference.map((s) => s.flash));
    console.log(`espruino story, host hashing, 4 KiB chain blocks (peak variables): ${steps.filter((s) => s.role === "update").map((s) => `${s.step} ${s.memory}`).join(", ")}`);
  }, 300_000);
});
