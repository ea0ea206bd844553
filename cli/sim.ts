// `slotboot sim ...`: drive a simulated device kept in one file.
import { CliError, UsageError, intOpt, need, oneOf, type Opts } from "./args.js";
import { loadDevice, readInput, saveDevice } from "./io.js";
import { APP_BEHAVIOURS, SimDevice, type AppBehaviour } from "../bootloader-sim/device.js";
import { PowerCut } from "../bootloader-sim/flash.js";
import { SlotbootError } from "../bindings/errors.js";
import { RESET_CODES, slotIndex, type ResetReason } from "../bindings/names.js";
import { DEFAULTS } from "../bindings/bootloader.js";
import { checkImageFile } from "./image-cmd.js";
import { verifyPackageBytes } from "./verify-cmd.js";
import { progressBar, type Out } from "./out.js";
import { parsePackage, PACKAGE_MAGIC, ENCODING, PackageFormatError } from "../tools/package.js";
import { applyPatch } from "../tools/delta/index.js";
import { readPublicKey } from "../tools/keys.js";
import { parseUuid } from "../tools/uuid.js";

const hexOf = (b: Uint8Array) => Buffer.from(b).toString("hex");

function isPackage(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && PACKAGE_MAGIC.every((b, i) => bytes[i] === b);
}

/** The full image a raw or compressed package carries (for factory provisioning). */
function imageOfPackage(bytes: Uint8Array, path: string): Uint8Array {
  let p;
  try {
    p = parsePackage(bytes);
  } catch (e) {
    if (e instanceof PackageFormatError) throw new CliError(e.code, `${path}: ${e.message}`);
    throw e;
  }
  const m = p.manifest;
  const stream = new Uint8Array(m.dataSize);
  for (let k = 0, at = 0; k < p.blockCount; k++) {
    const n = Math.min(m.blockSize, m.dataSize - k * m.blockSize);
    stream.set(p.payload.subarray(at, at + n), k * m.blockSize);
    at += n + 32;
  }
  if (m.encoding === ENCODING.raw) return stream;
  if (m.encoding === ENCODING.compressed) return applyPatch(new Uint8Array(0), stream);
  throw new CliError("DELTA_NOT_FACTORY", `${path} is a delta package; a factory image must be a full image or a full package`);
}

/** Where a download of `pkg` would continue on this device (read from a copy of its flash). */
async function resumeOffsetOf(dev: SimDevice, pkg: Uint8Array): Promise<number> {
  if (pkg.length < 256) return 0;
  const probe = new SimDevice(dev.config, dev.flash.clone(), { ...dev.runtime });
  probe.flash.powerOn();
  try {
    const rx = (await probe.bootloader()).receiver();
    rx.write(pkg.subarray(0, 256));
    return rx.position;
  } catch {
    return 0;
  }
}

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
  let image = readInput(imagePath, "image");
  const sectorSize = intOpt(opts, "sector-size", DEFAULTS.sectorSize, 256, 1 << 20) as number;
  const slotSize = intOpt(opts, "slot-size", 1024 * 1024, sectorSize, 1 << 28) as number;
  const writeSize = intOpt(opts, "write-size", DEFAULTS.writeSize, 1, 16) as number;
  if (![1, 4, 8, 16].includes(writeSize)) throw new UsageError("--write-size must be 1, 4, 8 or 16");
  if ((sectorSize & (sectorSize - 1)) !== 0) throw new UsageError("--sector-size must be a power of two");
  if (slotSize % sectorSize !== 0) throw new UsageError(`--slot-size must be a multiple of --sector-size (${sectorSize})`);
  const maxAttempts = intOpt(opts, "max-attempts", DEFAULTS.maxAttempts, 1, 200) as number;
  const maxPowerAttempts = intOpt(opts, "max-power-attempts", Math.max(DEFAULTS.maxPowerAttempts, maxAttempts + 1), 1, 200) as number;
  if (maxPowerAttempts < maxAttempts)
    throw new UsageError(`--max-power-attempts (${maxPowerAttempts}) must be at least --max-attempts (${maxAttempts}): power loss is weaker evidence than a hang`);
  const core = oneOf(opts, "core", ["wasm", "js"] as const, "wasm");
  if (isPackage(image)) {
    // A device with a key takes a factory package only if its manifest and chain verify too.
    if (typeof opts.pub === "string") {
      const report = verifyPackageBytes(image, readKey(opts.pub));
      if (!report.ok) throw new CliError(report.error ?? "BAD_SIGNATURE", `${imagePath}: the package does not verify with ${opts.pub}`);
    }
    image = imageOfPackage(image, imagePath);
  }
  const info = checkImageFile(image, imagePath);
  if (image.length > slotSize)
    throw new CliError("IMAGE_TOO_LARGE", `${imagePath} is ${image.length} bytes but a slot holds ${slotSize}; pass a larger --slot-size`);
  const dev = SimDevice.create({ sectorSize, slotSize, writeSize, maxAttempts, maxPowerAttempts, core });
  if (typeof opts.pub === "string") dev.config.publicKey = hexOf(readKey(opts.pub));
  if (typeof opts.vendor === "string") dev.config.vendorId = hexOf(uuid(opts.vendor, "vendor"));
  if (typeof opts.class === "string") dev.config.classId = hexOf(uuid(opts.class, "class"));
  dev.config.hardwareRevision = intOpt(opts, "hw-rev", 0, 0, 0xffff) as number;
  try {
    await dev.provision(image);
  } catch (e) {
    if (e instanceof SlotbootError) throw new CliError(e.code, `${imagePath}: ${e.message}`);
    throw e;
  }
  saveDevice(path, dev);
  out.human(`created ${path}: slot A holds ${info.version} (confirmed), slots of ${slotSize} bytes, sectors of ${sectorSize}, write unit ${writeSize}, max attempts ${maxAttempts}`);
  out.json({ device: path, active: "A", version: info.version, slotSize, sectorSize, writeSize, maxAttempts, maxPowerAttempts, signed: !!dev.config.publicKey });
}

export async function simInstall(path: string, file: string, opts: Opts, out: Out): Promise<void> {
  const dev = loadDevice(path);
  const bytes = readInput(file, "update file");
  const chunk = intOpt(opts, "chunk", 4096, 1, 1 << 24) as number;
  if (isPackage(bytes)) return installPackage(path, dev, file, bytes, chunk, opts, out);
  const info = checkImageFile(bytes, file);
  if (bytes.length > dev.config.layout.slotSize)
    throw new CliError("IMAGE_TOO_LARGE", `${file} is ${bytes.length} bytes but a slot of this device holds ${dev.config.layout.slotSize}; build a smaller image`);
  let slot: string | undefined;
  let rejected: SlotbootError | null = null;
  const r = await withCut(dev, opts, async () => {
    try {
      slot = await dev.installImage(bytes, chunk, progressBar(out, "installing"));
    } catch (e) {
      if (e instanceof SlotbootError) rejected = e;
      else throw e;
    }
  });
  if (rejected && !r.cut) {
    // A refused image leaves the device file as it was.
    const e = rejected as SlotbootError;
    out.json({ result: "rejected", error: e.code, resumeOffset: 0 });
    throw new CliError(e.code, `${file}: ${e.message}`);
  }
  saveDevice(path, dev);
  if (r.cut) {
    out.json({ result: "interrupted", error: "POWER_CUT", resumeOffset: 0, op: r.cut.op });
    throw cutError(r.cut);
  }
  out.human(`installed ${info.version} into slot ${slot}; it is pending and boots on trial at the next reset`);
  out.json({ result: "installed", error: null, resumeOffset: 0, slot, version: info.version });
}

async function installPackage(path: string, dev: SimDevice, file: string, bytes: Uint8Array, chunk: number, opts: Opts, out: Out): Promise<void> {
  let result: Awaited<ReturnType<SimDevice["installPackage"]>> | undefined;
  let rejected: SlotbootError | null = null;
  const before = dev.flash.counters.programs + dev.flash.counters.erases;
  const r = await withCut(dev, opts, async () => {
    try {
      result = await dev.installPackage(bytes, chunk, bytes.length, progressBar(out, "receiving"));
    } catch (e) {
      if (e instanceof SlotbootError) rejected = e;
      else throw e;
    }
  });
  const wrote = dev.flash.counters.programs + dev.flash.counters.erases !== before;
  // Work already written is kept (a later run resumes); an untouched device stays byte-identical.
  if (wrote || r.cut) saveDevice(path, dev);
  if (r.cut) {
    const resumeOffset = await resumeOffsetOf(dev, bytes);
    out.json({ result: "interrupted", error: "POWER_CUT", resumeOffset, op: r.cut.op });
    throw cutError(r.cut);
  }
  if (rejected) {
    const e = rejected as SlotbootError;
    const resumeOffset = await resumeOffsetOf(dev, bytes);
    out.json({ result: "rejected", error: e.code, resumeOffset });
    const hint = e.code === "TRUNCATED" ? `; the device keeps what it has: rerun with the complete file to resume from offset ${resumeOffset}` : "";
    throw new CliError(e.code, `${file}: ${e.message}${hint}`);
  }
  const res = result as NonNullable<typeof result>;
  const st = await dev.state();
  const version = st.slots[res.slot].version;
  out.human(`${res.resumed ? `resumed at package offset ${res.resumeOffset} and ` : ""}installed ${version} into slot ${res.slot}; it is pending and boots on trial at the next reset`);
  out.json({ result: "installed", error: null, resumeOffset: res.resumed ? res.resumeOffset : 0, resumed: res.resumed, slot: res.slot, version });
}

function readKey(path: string): Uint8Array {
  try {
    return readPublicKey(path);
  } catch (e) {
    const code = (e as { code?: string }).code ?? "BAD_KEY";
    throw new CliError(code, (e as Error).message);
  }
}

function uuid(text: string, what: string): Uint8Array {
  try {
    return parseUuid(text);
  } catch (e) {
    throw new CliError("BAD_UUID", `--${what}: ${(e as Error).message}`, 2);
  }
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
