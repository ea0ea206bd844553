// `npm run demo`: one simulated device lives through a full update story on
// the built-in flash simulator, power cuts included, and says what happened.
import { SimDevice, type AppBehaviour } from "../bootloader-sim/device.js";
import { PowerCut } from "../bootloader-sim/flash.js";
import { createImage, parseVersion } from "../tools/image.js";
import type { ResetReason } from "../bindings/names.js";
import { SlotbootError } from "../bindings/errors.js";
import { generateKeyPair } from "../tools/keys.js";
import { packPackage } from "../tools/package.js";
import { existsSync, readFileSync } from "node:fs";
import { fleetDemo } from "./demo-fleet.js";
import { serverStory } from "./demo-server.js";

const core = (process.argv.includes("--js") ? "js" : "wasm") as "wasm" | "js";
let step = 0;
const say = (text: string) => console.log(`${String(++step).padStart(2)}. ${text}`);
const note = (text: string) => console.log(`      ${text}`);

function firmware(version: string, size: number): Uint8Array {
  const body = new Uint8Array(size);
  let x = size ^ 0x9e3779b9;
  for (let i = 0; i < size; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    body[i] = x >>> 24;
  }
  return createImage(body, { version: parseVersion(version) });
}

async function boot(dev: SimDevice, app: AppBehaviour, reset?: ResetReason): Promise<void> {
  const r = await dev.powerUp(reset);
  const why = reset ?? "as the last run ended";
  if (!r.booted) {
    say(`power-up (${why}): no bootable image -> recovery [${r.reason}]`);
    return;
  }
  say(`power-up (${why}): bootloader boots slot ${r.booted} v${r.version} [${r.reason}], ${r.flashReads} flash reads`);
  const run = await dev.runApp(app);
  note(`app "${app}": ${run.note}`);
}

async function cut<T>(dev: SimDevice, ops: number, what: string, fn: () => Promise<T>): Promise<void> {
  dev.flash.cutAfterOps(ops, 0xdec0de + ops);
  try {
    await fn();
    dev.flash.clearFaultPlan();
    say(`${what}: finished before the planned cut`);
  } catch (e) {
    if (!(e instanceof PowerCut)) throw e;
    dev.runtime.nextReset = "power";
    dev.runtime.running = null;
    say(`${what}: POWER CUT while ${e.kind === "erase" ? "erasing" : "programming"} (flash op #${e.op}, torn)`);
  }
}

async function status(dev: SimDevice): Promise<void> {
  const st = await dev.state();
  const s = (n: "A" | "B") =>
    `${n}=${st.slots[n].state}${st.slots[n].version ? " v" + st.slots[n].version : ""}${st.slots[n].error === "DOWNGRADE" ? " (below the anti-rollback floor: never boots again)" : ""}`;
  note(`state: ${s("A")}, ${s("B")}; active ${st.active ?? "none"}, confirmed ${st.confirmed ?? "none"}${st.trial ? `, trial: ${st.trial.failedAttempts} failed attempts` : ""}`);
}

async function main(): Promise<void> {
  console.log(`slotboot demo: a device with two 256 KiB slots on simulated NOR flash (4 KiB sectors, 4-byte writes), ${core} core\n`);
  const dev = SimDevice.create({ core, slotSize: 256 * 1024, maxAttempts: 3 });
  const v1 = firmware("1.0.0", 60_000);
  const v2 = firmware("2.0.0", 90_000);
  const v3 = firmware("3.0.0", 75_000);

  await dev.provision(v1);
  say("factory: v1.0.0 written to slot A and recorded as confirmed");
  await boot(dev, "ok", "power");

  await cut(dev, 20, "install v2.0.0 over the air", () => dev.installImage(v2, 1024));
  await boot(dev, "ok", "power");
  note("the half-written slot B never boots: the device is still on v1");
  await dev.installImage(v2, 1024);
  say("install v2.0.0 again: complete, verified (SHA-256), pending in slot B");
  await status(dev);

  await boot(dev, "hang");
  await boot(dev, "hang");
  await boot(dev, "hang");
  await boot(dev, "ok");
  note("v2 never confirmed: after 3 watchdog resets it was rolled back to v1");
  await status(dev);

  await dev.installImage(v3, 700);
  say("install v3.0.0: pending in slot B (over the rejected v2)");
  await cut(dev, 0, "power-up into the v3 trial", () => dev.powerUp("power"));
  await boot(dev, "noconfirm", "power");
  note("a power loss is not a failed attempt: v3 keeps its trial");
  await boot(dev, "ok", "power");
  note("v3's health check passed, so it confirmed itself (part three does this for real: the new image must reach the update server first)");
  await status(dev);

  await boot(dev, "crash", "power");
  note("a crash of a confirmed image does not roll it back");
  await boot(dev, "ok");
  await status(dev);
  const l = dev.config.layout;
  const ctlWear = Math.max(...Array.from(dev.flash.wear.subarray(0, l.ctlSectors)));
  console.log(`\nflash: ${dev.flash.counters.programs} programs, ${dev.flash.counters.erases} erases, boot-control sectors erased at most ${ctlWear} time(s); ${dev.runtime.boots} boots`);
  console.log("the device was never without a bootable, confirmed image.");
  await signedStory();
}

/** Part two: a signed device takes a delta update over a link that drops, and refuses forgeries. */
async function signedStory(): Promise<void> {
  console.log("\n--- part two: signed packages, a delta update, a dropped link and a power cut ---\n");
  step = 0;
  const keys = generateKeyPair();
  const vendor = Uint8Array.from(Buffer.from("6ba7b8109dad11d180b400c04fd430c8", "hex"));
  const klass = Uint8Array.from(Buffer.from("0f1e2d3c4b5a69788796a5b4c3d2e1f0", "hex"));
  const pair = new URL("../../../shared/bench/firmware-pairs/micropython-esp8266-v1.9.4-v1.10/", import.meta.url).pathname;
  const real = existsSync(pair + "old");
  const oldBody = real ? new Uint8Array(readFileSync(pair + "old")) : firmwareBody(300_000, 1);
  const newBody = real ? new Uint8Array(readFileSync(pair + "new")) : editedBody(oldBody);
  const sign = (body: Uint8Array, version: string, counter: number) =>
    createImage(body, { version: parseVersion(version), securityCounter: counter, vendorId: vendor, classId: klass, key: { secretKey: keys.secretKey } });
  const v1 = sign(oldBody, "1.9.4", 1);
  const v2 = sign(newBody, "1.10.0", 2);
  const dev = SimDevice.create({ core, slotSize: 1024 * 1024 });
  dev.config.publicKey = Buffer.from(keys.publicKey).toString("hex");
  dev.config.vendorId = Buffer.from(vendor).toString("hex");
  dev.config.classId = Buffer.from(klass).toString("hex");
  await dev.provision(v1);
  say(`factory: signed ${real ? "MicroPython esp8266 " : ""}v1.9.4 (${v1.length} bytes) confirmed in slot A; the device trusts one Ed25519 key`);
  const full = packPackage({ image: v2, secretKey: keys.secretKey }).bytes;
  const delta = packPackage({ image: v2, secretKey: keys.secretKey, base: v1 }).bytes;
  say(`v1.10.0 packed: full package ${full.length} bytes, delta package ${delta.length} bytes (${((100 * delta.length) / v2.length).toFixed(1)}% of the image)`);

  const forged = delta.slice();
  forged[60] ^= 1; // the image size in the manifest
  const writesBefore = dev.flash.counters.programs + dev.flash.counters.erases;
  await refused(dev, forged, "a package whose manifest was altered in transit");
  const other = generateKeyPair();
  await refused(dev, packPackage({ image: v2, secretKey: other.secretKey, base: v1 }).bytes, "a package signed by an unknown key");
  note(`flash writes caused by the refused packages: ${dev.flash.counters.programs + dev.flash.counters.erases - writesBefore}`);
  const corrupt = delta.slice();
  corrupt[256 + 5000] ^= 1; // a payload byte: caught by the hash chain at the end of its block
  try {
    await dev.installPackage(corrupt, 4096);
  } catch (e) {
    if (!(e instanceof SlotbootError)) throw e;
    say(`a payload block corrupted in transit: refused with ${e.code}; only the inactive slot B was touched`);
  }

  const r1 = await dev.installPackage(delta, 1024, Math.floor(delta.length * 0.45));
  say(`download the delta${r1.resumed ? ", continuing after the last verified sector of the refused attempt" : ""}: the link drops at 45%`);
  await cut(dev, 40, "reconnect and resume", () => dev.installPackage(delta, 1024));
  await boot(dev, "ok", "power");
  note("the half-installed update never boots; v1.9.4 keeps running and reaching the server");
  const r2 = await dev.installPackage(delta, 1024);
  say(`reconnect again: the device asks for package offset ${r2.resumeOffset} of ${delta.length}, and finishes; v1.10.0 is verified and pending`);
  await boot(dev, "ok", "power");
  const st = await dev.state();
  note(`anti-rollback floor is now ${st.securityFloor}: v1.9.4 packages are refused from here on`);
  await refused(dev, packPackage({ image: sign(oldBody, "1.9.5", 1), secretKey: keys.secretKey }).bytes, "an older (security counter 1) package");
  await status(dev);
}

async function refused(dev: SimDevice, pkg: Uint8Array, what: string): Promise<void> {
  try {
    await dev.installPackage(pkg, 4096);
    say(`${what}: installed?! (this is a bug)`);
  } catch (e) {
    if (!(e instanceof SlotbootError)) throw e;
    say(`${what}: refused with ${e.code} before a single byte reached flash`);
  }
}

function firmwareBody(size: number, seed: number): Uint8Array {
  const b = new Uint8Array(size);
  let x = seed;
  for (let i = 0; i < size; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    b[i] = i % 5 === 0 ? x >>> 24 : (i >> 4) & 0xff;
  }
  return b;
}

function editedBody(old: Uint8Array): Uint8Array {
  const b = new Uint8Array(old.length + 700);
  b.set(old.subarray(0, 100_000), 0);
  b.set(firmwareBody(700, 9), 100_000);
  b.set(old.subarray(100_000), 100_700);
  return b;
}

const fleetAt = process.argv.indexOf("--fleet");
const run = fleetAt > 0
  ? () => fleetDemo(Number(process.argv[fleetAt + 1] ?? 200) || 200, 1)
  : async () => {
    await main();
    await serverStory(core);
  };
run().catch((e) => {
  console.error(e);
  process.exit(1);
});
