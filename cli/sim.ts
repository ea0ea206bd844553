// `slotboot sim ...`: drive a simulated device kept in one file.
import { CliError, UsageError, intOpt, need, oneOf, type Opts } from "./args.js";
import { readInput, type InputLimit } from "./io.js";
import { createDevice, lockTimeoutMs, openDevice, type OpenDevice } from "./device-store.js";
import { APP_BEHAVIOURS, SimDevice, type AppBehaviour } from "../bootloader-sim/device.js";
import { PowerCut } from "../bootloader-sim/flash.js";
import { SlotbootError } from "../bindings/errors.js";
import { RESET_CODES, slotIndex, type ResetReason } from "../bindings/names.js";
import { DEFAULTS } from "../bindings/bootloader.js";
import { checkImageFile } from "./image-cmd.js";
import { readDecryptionKey } from "./encrypt-opts.js";
import { readX25519PrivateKey } from "../tools/x25519-keys.js";
import { isEncryptedImage } from "../tools/encrypt.js";
import { formatVersion, parseImage } from "../tools/image.js";
import { verifyPackageBytes } from "./verify-cmd.js";
import { progressBar, type Out } from "./out.js";
import { parsePackage, PACKAGE_MAGIC, ENCODING, PackageFormatError, MANIFEST_SIZE, ENC_BLOCK_SIZE } from "../tools/package.js";
import { applyPatch } from "../tools/delta/index.js";
import { readPublicKey, KeyError } from "../tools/keys.js";
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
  if (p.encryptionBlock) throw new CliError("ENCRYPTED_IMAGE_UNSUPPORTED", `${path} is an encrypted package; the factory image goes in as plaintext: pass the image or an unencrypted package`);
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
    // The manifest, and an encrypted package's encryption block after it (docs/formats.md).
    rx.write(pkg.subarray(0, Math.min(pkg.length, MANIFEST_SIZE + ENC_BLOCK_SIZE)));
    return rx.resumeOffset ?? rx.position;
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

/** Exit status of `sim boot` when no slot can boot (the device stays in recovery). */
export const NO_BOOT_EXIT = 4;

/** Open the device (`write`: for a command that changes it), run `fn`, always release the lock. */
async function withDevice<T>(path: string, opts: Opts, write: boolean, fn: (d: OpenDevice) => Promise<T>): Promise<T> {
  const d = await openDevice(path, { write, lockTimeoutMs: lockTimeoutMs(opts) });
  try {
    return await fn(d);
  } finally {
    d.close();
  }
}

/**
 * How much of an update file to read for a device with this slot size: an
 * image must fit the slot; a package's encoded stream may be somewhat larger
 * than its image (compression of random data, deltas), never twice the slot.
 */
function updateLimit(file: string, slotSize: number): (head: Uint8Array) => InputLimit {
  return (head) => {
    if (isPackage(head)) {
      const data = 2 * slotSize + 65536;
      const max = 256 + data + 32 * Math.ceil(data / 256);
      return { max, error: (size) => new CliError("PACKAGE_TOO_LARGE", `${file} is ${size ?? `more than ${max}`} bytes, more than any package for slots of ${slotSize} bytes; pass the right file`) };
    }
    return {
      max: slotSize,
      error: (size) => new CliError("IMAGE_TOO_LARGE", `${file} is ${size ?? "more than " + slotSize} bytes but a slot of this device holds ${slotSize}; build a smaller image`),
    };
  };
}

export async function simCreate(path: string, opts: Opts, out: Out): Promise<void> {
  const imagePath = need(opts, "image", "the factory image (.img) to put in slot A");
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
  const vendorId = typeof opts.vendor === "string" ? hexOf(uuid(opts.vendor, "vendor")) : undefined;
  const classId = typeof opts.class === "string" ? hexOf(uuid(opts.class, "class")) : undefined;
  const hardwareRevision = intOpt(opts, "hw-rev", 0, 0, 0xffff) as number;
  const pub = typeof opts.pub === "string" ? opts.pub : undefined;
  const encKey = typeof opts["enc-key"] === "string" ? readDecryptionKey(opts["enc-key"], readX25519PrivateKey) : undefined;
  const output = { force: opts.force === true, inputs: [imagePath, pub], lockTimeoutMs: lockTimeoutMs(opts) };
  let info: { version: string } | undefined;
  await createDevice(
    path,
    async () => {
      let image = readInput(imagePath, "image", updateLimit(imagePath, slotSize));
      const key = pub ? readKey(pub) : undefined;
      if (isPackage(image)) {
        // A device with a key takes a factory package only if its manifest and chain verify too.
        if (key) {
          const report = verifyPackageBytes(image, key);
          if (!report.ok) throw new CliError(report.error ?? "BAD_SIGNATURE", `${imagePath}: the package does not verify with ${pub}`);
        }
        image = imageOfPackage(image, imagePath);
      }
      info = checkImageFile(image, imagePath);
      if (image.length > slotSize)
        throw new CliError("IMAGE_TOO_LARGE", `${imagePath} is ${image.length} bytes but a slot holds ${slotSize}; pass a larger --slot-size`);
      const dev = SimDevice.create({ sectorSize, slotSize, writeSize, maxAttempts, maxPowerAttempts, core });
      if (key) dev.config.publicKey = hexOf(key);
      if (vendorId) dev.config.vendorId = vendorId;
      if (classId) dev.config.classId = classId;
      dev.config.hardwareRevision = hardwareRevision;
      if (encKey) dev.config.decryptionKey = hexOf(encKey);
      try {
        await dev.provision(image);
      } catch (e) {
        if (e instanceof SlotbootError) throw new CliError(e.code, `${imagePath}: ${e.message}`);
        throw e;
      }
      return dev;
    },
    output,
  );
  const version = (info as { version: string }).version;
  out.human(`created ${path}: slot A holds ${version} (confirmed), slots of ${slotSize} bytes, sectors of ${sectorSize}, write unit ${writeSize}, max attempts ${maxAttempts}`);
  out.json({ device: path, active: "A", version, slotSize, sectorSize, writeSize, maxAttempts, maxPowerAttempts, signed: pub !== undefined, decrypts: encKey !== undefined });
}

export async function simInstall(path: string, file: string, opts: Opts, out: Out): Promise<void> {
  const chunk = intOpt(opts, "chunk", 4096, 1, 1 << 24) as number;
  await withDevice(path, opts, true, async (d) => {
    const dev = d.dev;
    const bytes = readInput(file, "update file", updateLimit(file, dev.config.layout.slotSize));
    if (isPackage(bytes)) return installPackage(d, file, bytes, chunk, opts, out);
    // An encrypted image is checked by the device itself as it decrypts it (the host has no key).
    const info = isEncryptedImage(bytes) && dev.config.decryptionKey ? { version: formatVersion(parseImageOrRefuse(bytes, file).version) } : checkImageFile(bytes, file);
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
    d.save();
    if (r.cut) {
      out.json({ result: "interrupted", error: "POWER_CUT", resumeOffset: 0, op: r.cut.op });
      throw cutError(r.cut);
    }
    out.human(`installed ${info.version} into slot ${slot}; it is pending and boots on trial at the next reset`);
    out.json({ result: "installed", error: null, resumeOffset: 0, slot, version: info.version });
  });
}

async function installPackage(d: OpenDevice, file: string, bytes: Uint8Array, chunk: number, opts: Opts, out: Out): Promise<void> {
  const dev = d.dev;
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
  if (wrote || r.cut) d.save();
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
    if (e instanceof KeyError) throw new CliError(e.code, e.message);
    throw e;
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
  const app = oneOf(opts, "app", APP_BEHAVIOURS, "ok") as AppBehaviour;
  const reset = oneOf(opts, "reset", RESETS, undefined);
  await withDevice(path, opts, true, async (d) => {
    const dev = d.dev;
    const resetReason = reset ?? dev.runtime.nextReset;
    let boot: Awaited<ReturnType<SimDevice["powerUp"]>> | undefined;
    let run: Awaited<ReturnType<SimDevice["runApp"]>> | undefined;
    const r = await withCut(dev, opts, async () => {
      boot = await dev.powerUp(resetReason);
      run = await dev.runApp(app);
    });
    d.save();
    if (r.cut) {
      out.json({ booted: boot?.booted ?? null, version: boot?.version ?? null, reason: boot?.reason ?? "power-cut", resetReason, interrupted: true });
      throw cutError(r.cut);
    }
    const b = boot as NonNullable<typeof boot>;
    const a = run as NonNullable<typeof run>;
    out.json({ booted: b.booted, version: b.version, reason: b.reason, resetReason, app: app, confirmed: a.confirmed, nextReset: a.nextReset, flashReads: b.flashReads });
    if (!b.booted)
      throw new CliError("NO_BOOTABLE_IMAGE", `reset (${resetReason}) -> no bootable image [${b.reason}]; the device stays in recovery and can take an update (sim install)`, NO_BOOT_EXIT);
    out.human(`reset (${resetReason}) -> booted slot ${b.booted} v${b.version} [${b.reason}]; app: ${a.note}`);
  });
}

/**
 * A confirm or reject under `--cut-after-ops`: a power cut saves the torn
 * state and reports "interrupted"; a refusal reports `refused(code)` and
 * leaves the device file as it was; success saves and returns the result.
 */
async function changeTrialState<T>(d: OpenDevice, opts: Opts, out: Out, action: () => Promise<T>, refused: (code: string) => string): Promise<T> {
  let err: SlotbootError | null = null;
  const r = await withCut(d.dev, opts, async () => {
    try {
      return await action();
    } catch (e) {
      if (e instanceof SlotbootError) err = e;
      else throw e;
      return undefined;
    }
  });
  if (r.cut) {
    d.save();
    out.json({ result: "interrupted", error: "POWER_CUT", ok: false, op: r.cut.op });
    throw cutError(r.cut);
  }
  if (err) {
    const e = err as SlotbootError;
    out.json({ result: refused(e.code), error: e.code, ok: false });
    throw new CliError(e.code, e.message);
  }
  d.save();
  return r.value as T;
}

export async function simConfirm(path: string, opts: Opts, out: Out): Promise<void> {
  await withDevice(path, opts, true, async (d) => {
    const result = await changeTrialState(d, opts, out, () => d.dev.confirm(), () => "rejected");
    out.human(result === "confirmed" ? "confirmed the running trial image" : "nothing on trial: the running image is already confirmed");
    out.json({ result, error: null, ok: true });
  });
}

export async function simReject(path: string, opts: Opts, out: Out): Promise<void> {
  await withDevice(path, opts, true, async (d) => {
    await changeTrialState(d, opts, out, () => d.dev.reject(), (code) => (code === "NOT_IN_TRIAL" ? "not-in-trial" : "refused"));
    out.human("rejected the trial image; the next boot rolls back");
    out.json({ result: "rejected", error: null, ok: true });
  });
}

export async function simStatus(path: string, opts: Opts, out: Out): Promise<void> {
  await withDevice(path, opts, false, async (d) => {
    const dev = d.dev;
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
  });
}

export async function simCorrupt(path: string, opts: Opts, out: Out): Promise<void> {
  const slotText = need(opts, "slot", "A or B");
  if (slotText !== "A" && slotText !== "B") throw new CliError("BAD_ARGUMENT", `--slot must be A or B, not ${JSON.stringify(slotText)}`, 2);
  const slot = slotIndex(slotText);
  if (opts.offset === undefined) throw new UsageError("--offset is required: the byte offset from the start of the slot");
  const bit = intOpt(opts, "bit", 0, 0, 7) as number;
  await withDevice(path, opts, true, async (d) => {
    const dev = d.dev;
    const l = dev.config.layout;
    const offset = intOpt(opts, "offset", undefined, 0, l.slotSize - 1) as number;
    const addr = (slot === 0 ? l.slotA : l.slotB) + offset;
    dev.flash.flipBit(addr, bit);
    d.save();
    out.human(`flipped bit ${bit} of byte ${offset} in slot ${slotText}`);
    out.json({ slot: slotText, offset, bit });
  });
}

function parseImageOrRefuse(bytes: Uint8Array, file: string): ReturnType<typeof parseImage> {
  try {
    return parseImage(bytes);
  } catch (e) {
    throw new CliError("BAD_HEADER", `${file}: ${(e as Error).message}`);
  }
}
