// examples/moddable/ as a Moddable board runs it, inside XS: loader.js, flash-host.js and
// main.js unmodified (ES modules turned into this host's CommonJS), the role modules preloaded
// as manifest.json asks (PRELOAD_MODEL_JS: a typed array made at preload is read-only), over
// stand-ins for Moddable's "flash" and "crypt" (tools/engines/xs-moddable.ts; the digest is
// native, as on a board).
// A device: main.js on blank flash finds nothing to boot; factory provisioning; a signed
// package received in odd-sized chunks; trial boot and confirm; a delta whose image fails its
// health check is rejected and the device rolls back.
import { describe, expect, it } from "vitest";
import { runInXs, xsAvailable, xsStatus, type XsSource } from "../../tools/engines/xs.js";
import { PRELOAD_MODEL_JS } from "../../tools/engines/xs-story.js";
import { MODULE_TABLE_REQUIRE_JS, moddableManifest, moddableModules, moddableStandIns } from "../../tools/engines/xs-moddable.js";
import { storyFiles, LAYOUT } from "./story-fixtures.js";

const XS = xsAvailable();
if (!XS) console.warn(`[xs] Moddable example skipped: ${xsStatus().reason}`);

// main.js's own layout reaches 16 KiB + 2 x 256 KiB.
const PARTITION_BYTES = 16384 + 2 * 262144;

const MAIN = String.raw`
__preloadModules(["slotboot/boot", "slotboot/update", "slotboot/codecs", "slotboot/p256", "flash-host", "loader"]);
// The application's start, on blank flash.
require("main");

var loader = require("loader");
var host = require("flash-host").createFlashHost("xs");
var layout = __input.layout;
var trust = { publicKey: __hexBytes(__input.publicKey) };
// Chunks of 700 bytes at most, whatever the receiver asks: a link that cuts its own frames.
function source(data) {
  return function (position, max) { return Promise.resolve(data.subarray(position, position + Math.min(max, 700))); };
}
var out = {};
__partition.fill(0xff);
__partition.set(__hexBytes(__hexFiles["image-v1"]), layout.slotA);
out.provision = loader.provision(host, layout, trust);
out.first = loader.decide(host, layout, loader.RESET.powerOn);
(async function () {
  out.receiveV2 = await loader.receive(host, layout, trust, source(__hexBytes(__hexFiles["package-v2"])));
  out.trial = loader.decide(host, layout, loader.RESET.software);
  out.confirm = loader.confirmAfterCheckIn(host, layout, true);
  out.confirmed = loader.decide(host, layout, loader.RESET.powerOn);
  out.receiveDelta = await loader.receive(host, layout, trust, source(__hexBytes(__hexFiles["package-v3-delta"])));
  out.deltaTrial = loader.decide(host, layout, loader.RESET.software);
  out.reject = loader.confirmAfterCheckIn(host, layout, false);
  out.afterReject = loader.decide(host, layout, loader.RESET.software);
  out.flashCalls = __flashCalls;
  print("@@" + JSON.stringify(out));
})().catch(function (e) { print("!!" + e + (e && e.stack ? " " + e.stack : "")); });
`;

describe.skipIf(!XS)("examples/moddable inside XS", () => {
  it("main.js on blank flash, provisioning, a signed update confirmed, a failed delta rolled back: preloaded as manifest.json asks", async () => {
    const manifest = moddableManifest();
    expect(manifest.preload).toEqual(expect.arrayContaining(["slotboot/boot", "slotboot/update", "slotboot/codecs", "loader", "flash-host"]));
    const { v1, packageV2, packageV3, input } = storyFiles();
    const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
    const modules = moddableModules();
    const sources: XsSource[] = [
      { name: "modules", code: modules, preload: true },
      { name: "files", code: `var __hexFiles = { "image-v1": "${hex(v1)}", "package-v2": "${hex(packageV2)}", "package-v3-delta": "${hex(packageV3)}" };\nvar __input = ${JSON.stringify({ ...input, layout: LAYOUT })};\n`, preload: true },
      { name: "stand-ins", code: moddableStandIns(PARTITION_BYTES) + PRELOAD_MODEL_JS, preload: true },
      { name: "main", code: MODULE_TABLE_REQUIRE_JS + MAIN, preload: true },
    ];
    const run = await runInXs(sources, { timeoutMs: 120_000 });
    const failure = run.output.find((l) => l.startsWith("!!"));
    expect(failure, run.output.join("\n")).toBeUndefined();
    // main.js: nothing to boot on blank flash (slot -1), and it says so.
    expect(run.output.find((l) => l.startsWith("trace "))).toMatch(/^trace slotboot: slot -1 \(\d+\) version null$/);
    const line = run.output.find((l) => l.startsWith("@@"));
    expect(line, run.output.join("\n") + run.stderr).toBeDefined();
    const r = JSON.parse((line as string).slice(2));
    expect(r.provision).toBe(0);
    expect(r.first).toMatchObject({ slot: 0, version: "1.0.0" });
    expect(r.receiveV2).toBe(0);
    expect(r.trial).toMatchObject({ slot: 1, version: "2.0.0" });
    expect(r.confirm).toBe(0);
    expect(r.confirmed).toMatchObject({ slot: 1, version: "2.0.0" });
    expect(r.receiveDelta).toBe(0);
    expect(r.deltaTrial).toMatchObject({ slot: 0, version: "3.0.0" });
    expect(r.reject).toBe(0);
    expect(r.afterReject).toMatchObject({ slot: 1, version: "2.0.0" });
    expect(r.flashCalls.write).toBeGreaterThan(0);
    expect(r.flashCalls.erase).toBeGreaterThan(0);
    // The loader asks for host hashing: chain blocks and image digests went through Digest.
    expect(r.flashCalls.digests).toBeGreaterThan(10);
  }, 120_000);
});
