// examples/moddable/ as a Moddable board runs it, inside XS: loader.js, flash-host.js and
// main.js unmodified (ES modules turned into this host's CommonJS), the role modules preloaded
// as manifest.json asks (PRELOAD_MODEL_JS: a typed array made at preload is read-only), over
// stand-ins for Moddable's "flash" and "crypt" (tools/engines/xs-moddable.ts; the digest is
// native, as on a board).
// A device: main.js on blank flash finds nothing to boot; factory provisioning; a signed
// package received in odd-sized chunks; trial boot and confirm; a delta whose image fails its
// health check is rejected and the device rolls back. A second device with a decryption key:
// a package encrypted for another device refused, a device without the key refusing its own,
// the one encrypted to it installed and decrypted.
import { describe, expect, it } from "vitest";
import { runInXs, xsAvailable, xsStatus, type XsSource } from "../../tools/engines/xs.js";
import { PRELOAD_MODEL_JS } from "../../tools/engines/xs-story.js";
import { MODULE_TABLE_REQUIRE_JS, moddableManifest, moddableModules, moddableStandIns } from "../../tools/engines/xs-moddable.js";
import { storyFiles, LAYOUT, KEY } from "./story-fixtures.js";
import { x25519 } from "@noble/curves/ed25519.js";
import { packPackage } from "../../tools/package.js";
import { STATUS_TABLE } from "../../bindings/status-table.js";

const coreStatus = (name: string) => STATUS_TABLE.find((e) => e.scope === "core" && e.core === name)!.status;
/** The device's X25519 key and another device's (fixed test scalars). */
const DEVICE_SECRET = Uint8Array.from({ length: 32 }, (_, i) => (i * 41 + 3) & 0xff);
const OTHER_SECRET = Uint8Array.from({ length: 32 }, (_, i) => (i * 59 + 17) & 0xff);

const XS = xsAvailable();
if (!XS) console.warn(`[xs] Moddable example skipped: ${xsStatus().reason}`);

// main.js's own layout reaches 16 KiB + 2 x 256 KiB.
const PARTITION_BYTES = 16384 + 2 * 262144;

const MAIN = String.raw`
__preloadModules(${JSON.stringify(moddableManifest().preload)});
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
  // A second device, with a decryption key: a package encrypted for another
  // device is refused, the one encrypted to it installs (the crypt module is
  // made at its first encrypted package), and slot B then holds the plaintext.
  var secret = { publicKey: trust.publicKey, decryptionKey: __hexBytes(__input.decryptionKey) };
  __partition.fill(0xff);
  __partition.set(__hexBytes(__hexFiles["image-v1"]), layout.slotA);
  out.encrypted = { provision: loader.provision(host, layout, secret) };
  out.encrypted.otherDevice = await loader.receive(host, layout, secret, source(__hexBytes(__hexFiles["package-v2-other-device"])));
  out.encrypted.withoutKey = await loader.receive(host, layout, trust, source(__hexBytes(__hexFiles["package-v2-encrypted"])));
  out.encrypted.receive = await loader.receive(host, layout, secret, source(__hexBytes(__hexFiles["package-v2-encrypted"])));
  out.encrypted.trial = loader.decide(host, layout, loader.RESET.software);
  var image = __hexBytes(__hexFiles["image-v2"]), same = true;
  for (var i = 0; i < image.length; i++) if (__partition[layout.slotB + i] !== image[i]) { same = false; break; }
  out.encrypted.slotHoldsPlaintext = same;
  print("@@" + JSON.stringify(out));
})().catch(function (e) { print("!!" + e + (e && e.stack ? " " + e.stack : "")); });
`;

describe.skipIf(!XS)("examples/moddable inside XS", () => {
  it("main.js on blank flash, provisioning, a signed update confirmed, a failed delta rolled back: preloaded as manifest.json asks", async () => {
    const manifest = moddableManifest();
    expect(manifest.preload).toEqual(expect.arrayContaining(["slotboot/boot", "slotboot/update", "slotboot/codecs", "loader", "flash-host"]));
    const { v1, v2, packageV2, packageV3, input } = storyFiles();
    const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
    const encrypted = (secret: Uint8Array) => hex(packPackage({ image: v2, secretKey: KEY, blockSize: 1024, encryptFor: { recipientPublic: x25519.getPublicKey(secret), aes: 256 } }).bytes);
    const modules = moddableModules();
    const sources: XsSource[] = [
      { name: "modules", code: modules, preload: true },
      { name: "files", code: `var __hexFiles = { "image-v1": "${hex(v1)}", "package-v2": "${hex(packageV2)}", "package-v3-delta": "${hex(packageV3)}", "image-v2": "${hex(v2)}", "package-v2-encrypted": "${encrypted(DEVICE_SECRET)}", "package-v2-other-device": "${encrypted(OTHER_SECRET)}" };\nvar __input = ${JSON.stringify({ ...input, layout: LAYOUT, decryptionKey: hex(DEVICE_SECRET) })};\n`, preload: true },
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
    expect(r.encrypted).toEqual({
      provision: 0, otherDevice: coreStatus("E_ENC_WRONG_DEVICE"), withoutKey: coreStatus("E_ENCRYPTED_IMAGE"),
      receive: 0, trial: expect.objectContaining({ slot: 1, version: "2.0.0" }), slotHoldsPlaintext: true,
    });
  }, 120_000);
});
