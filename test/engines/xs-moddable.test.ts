// examples/moddable/ as a Moddable board runs it, inside XS: loader.js, flash-host.js and
// main.js unmodified (ES modules turned into this host's CommonJS), the role modules preloaded
// as manifest.json asks (PRELOAD_MODEL_JS: a typed array made at preload is read-only), over
// stand-ins for Moddable's "flash" (Flash: read/write/erase/blockSize on one partition, NOR
// semantics: a write only clears bits) and "crypt" (Digest("SHA256") streaming).
// A device: main.js on blank flash finds nothing to boot; factory provisioning; a signed
// package received in odd-sized chunks; trial boot and confirm; a delta whose image fails its
// health check is rejected and the device rolls back.
import { describe, expect, it } from "vitest";
import { runInXs, xsAvailable, xsStatus, xsCommonJs, xsRoleModule, esmToCommonJs, type XsSource } from "../../tools/engines/xs.js";
import { PRELOAD_MODEL_JS, SHA256_JS } from "../../tools/engines/xs-story.js";
import { read, storyFiles, LAYOUT } from "./story-fixtures.js";

const XS = xsAvailable();
if (!XS) console.warn(`[xs] Moddable example skipped: ${xsStatus().reason}`);

const commonJs = (name: string, code: string) => xsCommonJs("__modules", name, code);

// main.js's own layout reaches 16 KiB + 2 x 256 KiB.
const PARTITION_BYTES = 16384 + 2 * 262144;

const STAND_INS = String.raw`
var __partition = new Uint8Array(${PARTITION_BYTES});
__partition.fill(0xff);
var __flashCalls = { read: 0, write: 0, erase: 0 };
__modules["flash"] = function (exports) {
  function Flash(name) {
    if (name !== "xs") throw new Error("no flash partition " + name);
    this.blockSize = 4096;
    this.byteLength = __partition.length;
  }
  function check(offset, length) {
    if (!(offset >= 0 && length >= 0 && offset + length <= __partition.length)) throw new RangeError("flash: out of range");
  }
  Flash.prototype.read = function (offset, length) {
    check(offset, length);
    __flashCalls.read++;
    return __partition.slice(offset, offset + length).buffer;
  };
  Flash.prototype.write = function (offset, length, buffer) {
    check(offset, length);
    var bytes = new Uint8Array(buffer);
    if (bytes.length < length) throw new RangeError("flash: buffer shorter than length");
    __flashCalls.write++;
    for (var i = 0; i < length; i++) __partition[offset + i] &= bytes[i];
  };
  Flash.prototype.erase = function (sector) {
    check(sector * 4096, 4096);
    __flashCalls.erase++;
    __partition.fill(0xff, sector * 4096, (sector + 1) * 4096);
  };
  exports.default = Flash;
};
__modules["crypt"] = function (exports) {
  function Digest(algorithm) {
    if (algorithm !== "SHA256") throw new Error("no digest " + algorithm);
    this.parts = [];
    this.length = 0;
  }
  Digest.prototype.write = function (buffer) {
    var bytes = new Uint8Array(buffer.slice(0));
    this.parts.push(bytes);
    this.length += bytes.length;
  };
  Digest.prototype.close = function () {
    var all = new Uint8Array(this.length), at = 0;
    this.parts.forEach(function (p) { all.set(p, at); at += p.length; });
    var hex = __sha256Hex(all), out = new Uint8Array(32);
    for (var i = 0; i < 32; i++) out[i] = parseInt(hex.substr(2 * i, 2), 16);
    return out.buffer;
  };
  exports.Digest = Digest;
};
var trace = function (text) { print("trace " + text.replace(/\n$/, "")); };
`;

const MAIN = String.raw`
var __cache = {};
function require(name) {
  if (Object.prototype.hasOwnProperty.call(__cache, name)) return __cache[name].exports;
  var factory = __modules[name];
  if (!factory) throw new Error("no module " + name);
  var module = { exports: {} };
  __cache[name] = module;
  factory.call(module.exports, module.exports, module, require);
  return module.exports;
}
__preloadModules(["slotboot/boot", "slotboot/update", "slotboot/codecs", "slotboot/p256", "flash-host", "loader"]);
// The application's start, on blank flash.
require("main");

function bytes(text) { var b = new Uint8Array(text.length); for (var i = 0; i < b.length; i++) b[i] = text.charCodeAt(i) & 0xff; return b; }
function hexBytes(h) { var b = new Uint8Array(h.length / 2); for (var i = 0; i < b.length; i++) b[i] = parseInt(h.substr(2 * i, 2), 16); return b; }
var loader = require("loader");
var host = require("flash-host").createFlashHost("xs");
var layout = __input.layout;
var trust = { publicKey: hexBytes(__input.publicKey) };
// Chunks of 700 bytes at most, whatever the receiver asks: a link that cuts its own frames.
function source(data) {
  return function (position, max) { return Promise.resolve(data.subarray(position, position + Math.min(max, 700))); };
}
var out = {};
__partition.fill(0xff);
__partition.set(bytes(__files["image-v1"]), layout.slotA);
out.provision = loader.provision(host, layout, trust);
out.first = loader.decide(host, layout, loader.RESET.powerOn);
(async function () {
  out.receiveV2 = await loader.receive(host, layout, trust, source(bytes(__files["package-v2"])));
  out.trial = loader.decide(host, layout, loader.RESET.software);
  out.confirm = loader.confirmAfterCheckIn(host, layout, true);
  out.confirmed = loader.decide(host, layout, loader.RESET.powerOn);
  out.receiveDelta = await loader.receive(host, layout, trust, source(bytes(__files["package-v3-delta"])));
  out.deltaTrial = loader.decide(host, layout, loader.RESET.software);
  out.reject = loader.confirmAfterCheckIn(host, layout, false);
  out.afterReject = loader.decide(host, layout, loader.RESET.software);
  out.flashCalls = __flashCalls;
  print("@@" + JSON.stringify(out));
})().catch(function (e) { print("!!" + e + (e && e.stack ? " " + e.stack : "")); });
`;

describe.skipIf(!XS)("examples/moddable inside XS", () => {
  it("main.js on blank flash, provisioning, a signed update confirmed, a failed delta rolled back: preloaded as manifest.json asks", async () => {
    const manifest = JSON.parse(read("examples/moddable/manifest.json"));
    expect(manifest.preload).toEqual(expect.arrayContaining(["slotboot/boot", "slotboot/update", "slotboot/codecs", "loader", "flash-host"]));
    const { v1, packageV2, packageV3, input } = storyFiles();
    const latin1 = (b: Uint8Array) => JSON.stringify(Buffer.from(b).toString("latin1"));
    const roles = Object.entries(manifest.modules as Record<string, string>).filter(([name]) => name.startsWith("slotboot/"));
    const factories: Record<string, string> = { "slotboot/boot": "createBootCore", "slotboot/update": "createUpdateCore", "slotboot/codecs": "createCodecs", "slotboot/p256": "createP256" };
    const modules = [
      "var __modules = {};\n",
      // The manifest's own paths: ../../build/boot and so on, from examples/moddable/.
      ...roles.map(([name, path]) => xsRoleModule("__modules", name, read(`examples/moddable/${path}.js`), factories[name])),
      ...["main", "loader", "flash-host"].map((name) => commonJs(name, esmToCommonJs(read(`examples/moddable/${name}.js`)))),
    ].join("");
    const sources: XsSource[] = [
      { name: "modules", code: modules, preload: true },
      { name: "files", code: `var __files = { "image-v1": ${latin1(v1)}, "package-v2": ${latin1(packageV2)}, "package-v3-delta": ${latin1(packageV3)} };\nvar __input = ${JSON.stringify({ ...input, layout: LAYOUT })};\n`, preload: true },
      { name: "stand-ins", code: SHA256_JS + STAND_INS + PRELOAD_MODEL_JS, preload: true },
      { name: "main", code: MAIN, preload: true },
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
  }, 120_000);
});
