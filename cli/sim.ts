// `slotboot sim ...`: drive a simulated device kept in one file.
import { CliError, UsageError, intOpt, need, oneOf, type Opts } from "./args.js";
import { loadDevice, readInput, saveDevice } from "./io.js";
import { APP_BEHAVIOURS, SimDevice, type AppBehaviour } from "../bootloader-sim/device.js";
import { PowerCut } from "../bootloader-sim/flash.js";
import { SlotbootError } from "../bindings/errors.js";
import { RESET_CODES, slotIndex, type ResetReason } from "../bindings/names.js";
import { DEFAULTS } from "../bindings/bootloader.js";
import { checkImageFile } from "./image-cmd.js";
import type { Out } from "./out.js";

const RESETS = Object.keys(RESET_CODES) as ResetReason[];

interface CutOutcome<T> {
  value?: T;
  cut: PowerCut | null;
}

/** Run `fn` with an optional power cut armed; a cut leaves the device off. */
async function withCut<T>(dev: SimDevice, opts: Opts, fn: () => Promise<T>): Promise<CutOutcome<T>> {
  const n = intOpt(opts, "cut-after-ops", undefined, 0);
  if (n !== undefined) dev.flash.cutAfterOps(n, (n * 2654435761) >>> 0);
  try {
    const value = await fn();
    dev.flash.clearFaultPlan();
    return { value, cut: null };
  } catch (e) {
    if (e instanceof PowerCut) {
      dev.runtime.nextReset = "power";
      dev.runtime.running = null;
      return { cut: e };
    }
    throw e;
  }
}

function cutError(cut: PowerCut): CliError {
  return new CliError("POWER_CUT", `power cut during ${cut.kind} operation #${cut.op}; the device file keeps the torn flash state (next boot sees a power-on reset)`, 3);
}

export async function simCreate(path: string, opts: Opts, out: Out): Promise<void> {
  const imagePath = need(opts, "image", "the factory image (.img) to put in slot A");
  const image = readInput(imagePath, "image");
  const sectorSize = intOpt(opts, "sector-size", DEFAULTS.sectorSize, 256, 1 << 20) as number;
  const slotSize = intOpt(opts, "slot-size", 1024 * 1024, sectorSize, 1 << 28) as number;
  const writeSize = intOpt(opts, "write-size", DEFAULTS.writeSize, 1, 16) as number;
  if (![1, 4, 8, 16].includes(writeSize)) throw new UsageError("--write-size must be 1, 4, 8 or 16");
  if ((sectorSize & (sectorSize - 1)) !== 0) throw new UsageError("--sector-size must be a power of two");
  if (slotSize % sectorSize !== 0) throw new UsageError(`--slot-size must be a multiple of --sector-size (${sectorSize})`);
  const maxAttempts = intOpt(opts, "max-attempts", DEFAULTS.maxAttempts, 1, 200) as number;
  const maxPowerAttempts = intOpt(opts, "max-power-attempts", Math.max(DEFAULTS.maxPowerAttempts, maxAttempts + 1), 1, 200) as number;
  const core = oneOf(opts, "core", ["wasm", "js"] as const, "wasm");
  const info = checkImageFile(image, imagePath);
  if (image.length > slotSize)
    throw new CliError("IMAGE_TOO_LARGE", `${imagePath} is ${image.length} bytes but a slot holds ${slotSize}; pass a larger --slot-size`);
  const dev = SimDevice.create({ sectorSize, slotSize, writeSize, maxAttempts, maxPowerAttempts, core });
  await dev.provision(image);
  saveDevice(path, dev);
  out.human(`created ${path}: slot A holds ${info.version} (confirmed), slots of ${slotSize} bytes, sectors of ${sectorSize}, write unit ${writeSize}, max attempts ${maxAttempts}`);
  out.json({ device: path, active: "A", version: info.version, slotSize, sectorSize, writeSize, maxAttempts, maxPowerAttempts });
}

export async function simInstall(path: string, file: string, opts: Opts, out: Out): Promise<void> {
  const dev = loadDevice(path);
  const bytes = readInput(file, "update file");
  const chunk = intOpt(opts, "chunk", 4096, 1, 1 << 24) as number;
  const info = checkImageFile(bytes, file);
  if (bytes.length > dev.config.layout.slotSize)
    throw new CliError("IMAGE_TOO_LARGE", `${file} is ${bytes.length} bytes but a slot of this device holds ${dev.config.layout.slotSize}; build a smaller image`);
  let slot: string | undefined;
  let rejected: SlotbootError | null = null;
  const r = await withCut(dev, opts, async () => {
    try {
      slot = await dev.installImage(bytes, chunk);
    } catch (e) {
      if (e instanceof SlotbootError) rejected = e;
      else throw e;
    }
  });
  saveDevice(path, dev);
  if (r.cut) {
    out.json({ result: "interrupted", error: "POWER_CUT", resumeOffset: 0, op: r.cut.op });
    throw cutError(r.cut);
  }
  if (rejected) {
    const e = rejected as SlotbootError;
    out.json({ result: "rejected", error: e.code, resumeOffset: 0 });
    throw new CliError(e.code, e.message);
  }
  out.human(`installed ${info.version} into slot ${slot}; it is pending and boots on trial at the next reset`);
  out.json({ result: "installed", error: null, resumeOffset: 0, slot, version: info.version });
}

export async function simBoot(path: string, opts: Opts, out: Out): Promise<void> {
  const dev = loadDevice(path);
  const app = oneOf(opts, "app", APP_BEHAVIOURS, "ok") as AppBehaviour;
  const reset = oneOf(opts, "reset", RESETS, undefined);
  const resetReason = reset ?? dev.runtime.nextReset;
  let boot: Awaited<ReturnType<SimDevice["powerUp"]>> | undefined;
  let run: Awaited<ReturnType<SimDevice["runApp"]>> | undefined;
  const r = await withCut(dev, opts, async () => {
    boot = await dev.powerUp(resetReason);
    run = await dev.runApp(app);
  });
  saveDevice(path, dev);
  if (r.cut) {
    out.json({ booted: boot?.booted ?? null, version: boot?.version ?? null, reason: boot?.reason ?? "power-cut", resetReason, interrupted: true });
    throw cutError(r.cut);
  }
  const b = boot as NonNullable<typeof boot>;
  const a = run as NonNullable<typeof run>;
  if (b.booted) out.human(`reset (${resetReason}) -> booted slot ${b.booted} v${b.version} [${b.reason}]; app: ${a.note}`);
  else out.human(`reset (${resetReason}) -> no bootable image [${b.reason}]; the device stays in recovery and can take an update`);
  out.json({ booted: b.booted, version: b.version, reason: b.reason, resetReason, app: app, confirmed: a.confirmed, nextReset: a.nextReset, flashReads: b.flashReads });
}

export async function simConfirm(path: string, opts: Opts, out: Out): Promise<void> {
  const dev = loadDevice(path);
  let result: string | undefined;
  let err: SlotbootError | null = null;
  const r = await withCut(dev, opts, async () => {
    try {
      result = await dev.confirm();
    } catch (e) {
      if (e instanceof SlotbootError) err = e;
      else throw e;
    }
  });
  if (r.cut) {
    saveDevice(path, dev);
    out.json({ result: "interrupted", error: "POWER_CUT" });
    throw cutError(r.cut);
  }
  if (err) {
    const e = err as SlotbootError;
    out.json({ result: "rejected", error: e.code });
    throw new CliError(e.code, e.message);
  }
  saveDevice(path, dev);
  out.human(result === "confirmed" ? "confirmed the running trial image" : "nothing on trial: the running image is already confirmed");
  out.json({ result, error: null });
}

export async function simReject(path: string, opts: Opts, out: Out): Promise<void> {
  const dev = loadDevice(path);
  const r = await withCut(dev, opts, () => dev.reject());
  saveDevice(path, dev);
  if (r.cut) throw cutError(r.cut);
  out.human("rejected the trial image; the next boot rolls back");
  out.json({ result: "rejected", error: null });
}

export async function simStatus(path: string, _opts: Opts, out: Out): Promise<void> {
  const dev = loadDevice(path);
  const st = await dev.state();
  const l = dev.config.layout;
  for (const s of ["A", "B"] as const) {
    const v = st.slots[s];
    out.human(`slot ${s}: ${v.state}${v.version ? ` v${v.version}` : ""}${s === st.active ? "  <- active" : ""}`);
  }
  if (st.trial) out.human(`trial of slot ${st.trial.slot}: ${st.trial.failedAttempts}/${l.maxAttempts} failed attempts, ${st.trial.powerResets}/${l.maxPowerAttempts} power resets`);
  out.human(`next reset reason: ${dev.runtime.nextReset}; flash: ${dev.flash.geometry.size} bytes, max sector wear ${dev.flash.maxWear()}`);
  out.json({
    active: st.active,
    confirmed: st.confirmed,
    slots: st.slots,
    trial: st.trial,
    lastEvent: st.lastEvent,
    sequence: st.sequence,
    securityFloor: st.securityFloor,
    nextReset: dev.runtime.nextReset,
    layout: { slotSize: l.slotSize, sectorSize: l.sectorSize, writeSize: l.writeSize, maxAttempts: l.maxAttempts, maxPowerAttempts: l.maxPowerAttempts },
    wear: { maxSectorErases: dev.flash.maxWear() },
  });
}

export async function simCorrupt(path: string, opts: Opts, out: Out): Promise<void> {
  const dev = loadDevice(path);
  const slot = slotIndex(need(opts, "slot", "A or B"));
  const l = dev.config.layout;
  const offset = intOpt(opts, "offset", undefined, 0, l.slotSize - 1);
  if (offset === undefined) throw new UsageError("--offset is required: the byte offset from the start of the slot");
  const bit = intOpt(opts, "bit", 0, 0, 7) as number;
  const addr = (slot === 0 ? l.slotA : l.slotB) + offset;
  dev.flash.flipBit(addr, bit);
  saveDevice(path, dev);
  out.human(`flipped bit ${bit} of byte ${offset} in slot ${slot === 0 ? "A" : "B"}`);
  out.json({ slot: slot === 0 ? "A" : "B", offset, bit });
}
