// The time rows inside Moddable XS, beside Espruino's (`npm run bench -- engines`):
// the power-on boot decision in the verified-once mode and the install of a 200 KB signed
// package, with the role modules preloaded as on a board and the same example loader, update
// task and RAM flash as the story. This XS host has no native SHA-256 (a board has
// Crypt.Digest), so every digest here is the core's own: these are the JS-only rows.
// Figures are printed, not asserted (wall time on a shared machine); what is asserted is that
// the device did what it should.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { runInXs, xsAvailable, xsStatus, xsCommonJs, xsRoleModule, type XsSource } from "./xs.js";
import { largeInstallFiles } from "../../tools/engines/large-install.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const read = (path: string) => readFileSync(ROOT + path, "utf8");
const XS = xsAvailable();
if (!XS) console.warn(`[xs] XS timing skipped: ${xsStatus().reason}`);

const ROUNDS = 20;

const commonJs = (name: string, code: string) => xsCommonJs("__modules", name, code);
const roleModule = (name: string, path: string, factory: string) => xsRoleModule("__modules", name, read(path), factory);

const MAIN = String.raw`
var __cache = {};
function require(name) {
  if (Object.prototype.hasOwnProperty.call(__cache, name)) return __cache[name].exports;
  var module = { exports: {} };
  __cache[name] = module;
  __modules[name].call(module.exports, module.exports, module, require);
  return module.exports;
}
function bytes(h) { var b = new Uint8Array(h.length / 2); for (var i = 0; i < b.length; i++) b[i] = parseInt(h.substr(2 * i, 2), 16); return b; }
var layout = __input.layout;
var flash = require("slotboot-ram-flash").create(layout, null);
flash.load(layout.slotA, __files["image-v1"]);
var task = require("slotboot-update-task");
var loader = require("slotboot-loader");
var options = { publicKey: bytes(__input.publicKey) };
var out = { provision: task.provision(flash, layout, options) };
out.first = loader.decide(flash, layout, 0).slot;
// Each power-up loads the boot module afresh, as after a reset.
var t0 = Date.now();
for (var k = 0; k < __input.rounds; k++) { delete __cache["slotboot-boot"]; out.slot = loader.decide(flash, layout, 0).slot; }
out.powerUpMs = (Date.now() - t0) / __input.rounds;
var core = require("slotboot-boot").createBootCore(flash);
loader.configure(core, layout);
t0 = Date.now();
for (var k = 0; k < __input.rounds; k++) core.bootDecide(0);
out.decideMs = (Date.now() - t0) / __input.rounds;
var data = __files["package"];
t0 = Date.now();
var r = task.receive(flash, layout, options, function (offset, max) { return data.substr(offset, max); });
out.installMs = Date.now() - t0;
out.status = r.status;
out.installedSlot = r.slot;
print("@@" + JSON.stringify(out));
`;

describe.skipIf(!XS)("time inside Moddable XS", () => {
  it("boot decision and a 200 KB signed install: the device boots its image and installs the package", async () => {
    // The same device and package as the Espruino row (tools/engines/large-install.ts).
    const files = largeInstallFiles(200_000, false);
    const { pkg } = files;
    const layout = { ...files.layout, verifyOnce: true };
    const latin1 = (b: Uint8Array) => JSON.stringify(Buffer.from(b).toString("latin1"));
    const modules = [
      "var __modules = {};\n",
      roleModule("slotboot-boot", "build/boot.js", "createBootCore"),
      roleModule("slotboot-update", "build/update.js", "createUpdateCore"),
      commonJs("slotboot-loader", read("examples/espruino/loader.js")),
      commonJs("slotboot-update-task", read("examples/espruino/update-task.js")),
      commonJs("slotboot-ram-flash", read("test/engines/ram-flash.js")),
    ].join("");
    const sources: XsSource[] = [
      { name: "modules", code: modules, preload: true },
      { name: "files", code: `var __files = { "image-v1": ${latin1(files.v1)}, "package": ${latin1(pkg)} };\n`, preload: true },
      { name: "input", code: `var __input = ${JSON.stringify({ layout, rounds: ROUNDS, publicKey: files.publicKey })};\n`, preload: true },
      { name: "main", code: MAIN, preload: true },
    ];
    const run = await runInXs(sources, { timeoutMs: 600_000 });
    const line = run.output.find((l) => l.startsWith("@@"));
    expect(line, run.output.join("\n") + run.stderr).toBeDefined();
    const r = JSON.parse((line as string).slice(2));
    expect(r).toMatchObject({ provision: 0, first: 0, slot: 0, status: 0, installedSlot: 1 });
    console.log(`XS (preloaded, core's own SHA-256; wall time, ${ROUNDS} rounds each): boot decision ${r.decideMs.toFixed(2)} ms, ` +
      `power-up (load boot module + decide + parse) ${r.powerUpMs.toFixed(2)} ms, install of a ${Math.round(pkg.length / 1000)} KB signed package ${(r.installMs / 1000).toFixed(2)} s`);
  }, 900_000);
});
