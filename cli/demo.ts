// `npm run demo`: one simulated device lives through a full update story on
// the built-in flash simulator, power cuts included, and says what happened.
import { SimDevice, type AppBehaviour } from "../bootloader-sim/device.js";
import { PowerCut } from "../bootloader-sim/flash.js";
import { createImage, parseVersion } from "../tools/image.js";
import type { ResetReason } from "../bindings/names.js";

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
  const s = (n: "A" | "B") => `${n}=${st.slots[n].state}${st.slots[n].version ? " v" + st.slots[n].version : ""}`;
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
  note("v3's health check passed (it reached the update server), so it confirmed itself");
  await status(dev);

  await boot(dev, "crash", "power");
  note("a crash of a confirmed image does not roll it back");
  await boot(dev, "ok");
  await status(dev);
  const l = dev.config.layout;
  const ctlWear = Math.max(...Array.from(dev.flash.wear.subarray(0, l.ctlSectors)));
  console.log(`\nflash: ${dev.flash.counters.programs} programs, ${dev.flash.counters.erases} erases, boot-control sectors erased at most ${ctlWear} time(s); ${dev.runtime.boots} boots`);
  console.log("the device was never without a bootable, confirmed image.");
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
