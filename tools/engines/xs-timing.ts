// The time rows inside Moddable XS, beside Espruino's: the power-on boot decision in
// the verified-once mode and the install of a 200 KB signed package, with the role modules
// preloaded as on a board and the same example loader, update task and RAM flash as the
// story. This XS host has no native SHA-256 (a board has Crypt.Digest), so every digest here
// is the core's own: these are the JS-only rows. Wall time (XS reports no CPU time).
// Used by test/engines/xs-timing.test.ts and `npm run bench -- engines`.
import { runInXs, xsCommonJs, xsRoleModule, type XsSource } from "./xs.js";
import { largeInstallFiles } from "./large-install.js";
import { read } from "./story.js";
import { MODULE_TABLE_REQUIRE_JS, moddableModules, moddableStandIns } from "./xs-moddable.js";

const commonJs = (name: string, code: string) => xsCommonJs("__modules", name, code);
const roleModule = (name: string, path: string, factory: string) => xsRoleModule("__modules", name, read(path), factory);

const MAIN = MODULE_TABLE_REQUIRE_JS + String.raw`
var layout = __input.layout;
var flash = require("slotboot-ram-flash").create(layout, null);
flash.load(layout.slotA, __files["image-v1"]);
var task = require("slotboot-update-task");
var loader = require("slotboot-loader");
var options = { publicKey: new Uint8Array(nativeHexBytes(__input.publicKey)) };
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

export interface XsTiming {
  provision: number;
  /** slot chosen at the first power-up and at the last of the timed ones */
  first: number;
  slot: number;
  /** wall time per round */
  decideMs: number;
  powerUpMs: number;
  installMs: number;
  status: number;
  installedSlot: number;
  packageBytes: number;
  rounds: number;
}

/** Boot decision (rounds of each) and one install of a `bodyBytes` signed package, inside XS. */
export async function runXsTiming(rounds = 20, bodyBytes = 200_000): Promise<XsTiming> {
  // The same device and package as the Espruino row (tools/engines/large-install.ts).
  const files = largeInstallFiles(bodyBytes, false);
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
    { name: "input", code: `var __input = ${JSON.stringify({ layout, rounds, publicKey: files.publicKey })};\n`, preload: true },
    { name: "main", code: MAIN, preload: true },
  ];
  const run = await runInXs(sources, { timeoutMs: 600_000 });
  const line = run.output.find((l) => l.startsWith("@@"));
  if (!line) throw new Error(`XS timing: no result\n${run.output.join("\n")}${run.stderr}`);
  return { ...JSON.parse(line.slice(2)), packageBytes: pkg.length, rounds };
}

// The same install through examples/moddable (loader.js and flash-host.js, preloaded as the
// manifest asks), whose loader asks for host hashing: image digests and chain blocks go
// through Crypt.Digest, native on a board and in this host (its C SHA-256).
// (Without the preload model's read-only typed arrays: their proxies would cost time a board
// does not spend; test/engines/xs-moddable.test.ts runs the same files under the model.)
const MODDABLE_MAIN = String.raw`
var loader = require("loader");
var host = require("flash-host").createFlashHost("xs");
var layout = __input.layout;
var trust = { publicKey: __hexBytes(__input.publicKey) };
__partition.set(__hexBytes(__hexFiles["image-v1"]), layout.slotA);
var out = { provision: loader.provision(host, layout, trust) };
var data = __hexBytes(__hexFiles["package"]);
var t0 = Date.now();
loader.receive(host, layout, trust, function (position, max) { return Promise.resolve(data.subarray(position, position + max)); }).then(function (status) {
  out.installMs = Date.now() - t0;
  out.status = status;
  out.installed = loader.decide(host, layout, loader.RESET.software);
  out.digests = __flashCalls.digests;
  print("@@" + JSON.stringify(out));
}, function (e) { print("!!" + e); });
`;

export interface XsHostHashedInstall {
  provision: number;
  status: number;
  installMs: number;
  /** the decision after the install: the new image's trial */
  installed: { slot: number; version: string | null };
  /** Crypt.Digest objects the install made (chain blocks, image digest) */
  digests: number;
  packageBytes: number;
}

/** Install of a `bodyBytes` signed package through examples/moddable, host hashing on. */
export async function runXsModdableInstall(bodyBytes = 200_000): Promise<XsHostHashedInstall> {
  const files = largeInstallFiles(bodyBytes, true);
  const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
  const layout = { ...files.layout, verifyOnce: true };
  const sources: XsSource[] = [
    { name: "modules", code: moddableModules(), preload: true },
    { name: "files", code: `var __hexFiles = { "image-v1": "${hex(files.v1)}", "package": "${hex(files.pkg)}" };\nvar __input = ${JSON.stringify({ layout, publicKey: files.publicKey })};\n`, preload: true },
    { name: "stand-ins", code: moddableStandIns(layout.slotB + layout.slotSize), preload: true },
    { name: "main", code: MODULE_TABLE_REQUIRE_JS + MODDABLE_MAIN, preload: true },
  ];
  const run = await runInXs(sources, { timeoutMs: 600_000 });
  const line = run.output.find((l) => l.startsWith("@@"));
  if (!line) throw new Error(`XS install through examples/moddable: no result\n${run.output.join("\n")}${run.stderr}`);
  return { ...JSON.parse(line.slice(2)), packageBytes: files.pkg.length };
}
