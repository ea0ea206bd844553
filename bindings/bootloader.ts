// The typed API over the boot core: the bootloader's decision, the running
// application's confirm/reject, status, and the full-image update writer.
import { loadCore, type Core, type CoreKind } from "./core.js";
import type { Flash } from "./flash.js";
import { check, SlotbootError } from "./errors.js";
import { provisionTrust, provisionDecryptionKey } from "./trust.js";
import {
  BOOT_REASONS, EVENTS, RESET_CODES, STORED_STATES, slotName,
  type ResetReason, type SlotName, type SlotStateName,
} from "./names.js";

export interface Layout {
  /** Address of the first boot-control sector. */
  readonly ctlAddr: number;
  readonly ctlSectors: number;
  /** Address of the resume log (resumable downloads); resumeSectors 0 disables it. */
  readonly resumeAddr: number;
  readonly resumeSectors: number;
  readonly slotA: number;
  readonly slotB: number;
  readonly slotSize: number;
  readonly sectorSize: number;
  readonly writeSize: number;
  /** Watchdog/panic resets a trial may take before it is rolled back. */
  readonly maxAttempts: number;
  /** Power-on/brown-out resets a trial may take before it is rolled back. */
  readonly maxPowerAttempts: number;
}

export interface LayoutOptions {
  sectorSize?: number;
  writeSize?: number;
  slotSize?: number;
  ctlSectors?: number;
  resumeSectors?: number;
  maxAttempts?: number;
  maxPowerAttempts?: number;
}

export const DEFAULTS = {
  sectorSize: 4096,
  writeSize: 4,
  slotSize: 256 * 1024,
  ctlSectors: 2,
  resumeSectors: 2,
  maxAttempts: 3,
  maxPowerAttempts: 10,
} as const;

/** The standard layout: boot control, the resume log, slot A, slot B. */
export function planLayout(o: LayoutOptions = {}): Layout & { flashSize: number } {
  const sectorSize = o.sectorSize ?? DEFAULTS.sectorSize;
  const slotSize = o.slotSize ?? DEFAULTS.slotSize;
  const ctlSectors = o.ctlSectors ?? DEFAULTS.ctlSectors;
  if (!Number.isInteger(sectorSize) || sectorSize < 256 || (sectorSize & (sectorSize - 1)) !== 0)
    throw new TypeError(`sector size must be a power of two >= 256, not ${sectorSize}`);
  if (!Number.isInteger(slotSize) || slotSize <= 0 || slotSize % sectorSize !== 0)
    throw new TypeError(`slot size must be a positive multiple of the sector size (${sectorSize}), not ${slotSize}`);
  const resumeSectors = o.resumeSectors ?? DEFAULTS.resumeSectors;
  const ctlBytes = (ctlSectors + resumeSectors) * sectorSize;
  return {
    ctlAddr: 0,
    ctlSectors,
    resumeAddr: ctlSectors * sectorSize,
    resumeSectors,
    slotA: ctlBytes,
    slotB: ctlBytes + slotSize,
    slotSize,
    sectorSize,
    writeSize: o.writeSize ?? DEFAULTS.writeSize,
    maxAttempts: o.maxAttempts ?? DEFAULTS.maxAttempts,
    maxPowerAttempts: o.maxPowerAttempts ?? DEFAULTS.maxPowerAttempts,
    flashSize: ctlBytes + 2 * slotSize,
  };
}

export interface ImageVersion {
  major: number;
  minor: number;
  revision: number;
  build: number;
}

export function formatVersion(v: ImageVersion): string {
  const base = `${v.major}.${v.minor}.${v.revision}`;
  return v.build ? `${base}+${v.build}` : base;
}

export interface BootResult {
  /** The slot that boots, or null: no bootable image, the device stays in recovery. */
  booted: SlotName | null;
  version: string | null;
  reason: string;
  reasonCode: number;
  /** Flash read operations the decision took. */
  flashReads: number;
}

export interface SlotStatus {
  state: SlotStateName;
  version: string | null;
  /** SHA-256 of the image (hex) when it verifies. */
  digest: string | null;
  /** Why the slot cannot boot (the verification error code). */
  error?: string;
  /** Whether the bootloader would boot this image (intact, authentic, not below the anti-rollback floor). */
  bootable: boolean;
}

export interface DeviceState {
  /** The slot that runs (the trial if one is on trial, else the confirmed one). */
  active: SlotName | null;
  confirmed: SlotName | null;
  slots: Record<SlotName, SlotStatus>;
  trial: { slot: SlotName; failedAttempts: number; powerResets: number } | null;
  lastEvent: string;
  sequence: number;
  securityFloor: number;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

/** Errors found after the image's header and digest checked out (the version is then known). */
const POLICY_ERRORS = new Set(["NO_SIGNATURE", "BAD_SIGNATURE", "WRONG_KEY", "WRONG_VENDOR", "WRONG_CLASS", "HW_REVISION", "BOOTLOADER_TOO_OLD", "DOWNGRADE"]);

/** What a device trusts and what it is (provisioned with its bootloader). */
export interface Trust {
  /** Ed25519 public key (32 bytes). Without one, unsigned images and packages are accepted. */
  publicKey?: Uint8Array;
  vendorId?: Uint8Array;
  classId?: Uint8Array;
  hardwareRevision?: number;
  /** `major << 16 | minor << 8 | patch` of the bootloader; packages may require a minimum. */
  bootloaderVersion?: number;
  /** Let the host's Flash.sha256 (a hardware engine) hash images; the core's own SHA-256 is the fallback. */
  hashByHost?: boolean;
  /** X25519 private key (32 bytes) for encrypted images and packages; without one they are refused. */
  decryptionKey?: Uint8Array;
  /** A package's verified manifest vouches for its image: one signature check per package (TrustedIdentity). */
  manifestVouchesForImage?: boolean;
}

/** The version this bootloader reports to packages' "minimum bootloader" field: 1.0.0. */
export const BOOTLOADER_VERSION = 0x010000;

export class Bootloader {
  private constructor(
    readonly core: Core,
    readonly layout: Layout,
  ) {}

  /** One power-up's worth of core: load, configure. */
  static async open(kind: CoreKind, flash: Flash, layout: Layout, trust: Trust = {}): Promise<Bootloader> {
    const core = await loadCore(kind, flash);
    const l = layout;
    check(
      core.exports.layoutConfigure(l.ctlAddr, l.ctlSectors, l.resumeAddr ?? 0, l.resumeSectors ?? 0, l.slotA, l.slotB, l.slotSize, l.sectorSize, l.writeSize, l.maxAttempts, l.maxPowerAttempts),
      "layout",
    );
    provisionTrust(core, trust, trust.hardwareRevision ?? 0, trust.bootloaderVersion ?? BOOTLOADER_VERSION);
    if (trust.decryptionKey) provisionDecryptionKey(core, trust.decryptionKey);
    core.exports.hashByHost(trust.hashByHost ? 1 : 0);
    return new Bootloader(core, layout);
  }

  private get x() {
    return this.core.exports;
  }

  /** The bootloader's decision for this power-up. */
  boot(reset: ResetReason = "power"): BootResult {
    const code = RESET_CODES[reset];
    if (code === undefined) throw new TypeError(`reset reason must be one of ${Object.keys(RESET_CODES).join(", ")}`);
    this.x.statsReset();
    const slot = this.x.bootDecide(code) as number;
    const reasonCode = this.x.bootLastReason() as number;
    const flashReads = this.x.statsFlashReads() >>> 0;
    const booted = slotName(slot);
    return {
      booted,
      version: booted ? this.slotVersion(slot) : null,
      reason: BOOT_REASONS[reasonCode] ?? `reason-${reasonCode}`,
      reasonCode,
      flashReads,
    };
  }

  private slotVersion(slot: number): string | null {
    if (this.x.slotVerify(slot) !== 0) return null;
    return formatVersion({
      major: this.x.imageMajor(),
      minor: this.x.imageMinor(),
      revision: this.x.imageRevision(),
      build: this.x.imageBuild() >>> 0,
    });
  }

  /** Check one slot's image; returns its version and digest, or the error. */
  verifySlot(slot: number): { ok: true; version: string; digest: string } | { ok: false; status: number; error: string; version: string | null } {
    const s = this.x.slotVerify(slot) as number;
    const version = () =>
      formatVersion({ major: this.x.imageMajor(), minor: this.x.imageMinor(), revision: this.x.imageRevision(), build: this.x.imageBuild() >>> 0 });
    if (s !== 0) {
      const error = new SlotbootError(s).code;
      // Provenance and policy errors come after the header and digest checked out.
      return { ok: false, status: s, error, version: POLICY_ERRORS.has(error) ? version() : null };
    }
    return { ok: true, digest: hex(this.core.io().slice(0, 32)), version: version() };
  }

  /** The device's boot-control state and what each slot holds. */
  state(): DeviceState {
    check(this.x.stateLoad(), "reading boot control");
    const primary = this.x.statePrimary() as number;
    const candidate = this.x.stateCandidate() as number;
    const slots = {} as Record<SlotName, SlotStatus>;
    for (const s of [0, 1]) {
      const stored = STORED_STATES[this.x.stateSlot(s) as number] ?? "empty";
      const v = this.verifySlot(s);
      let state: SlotStateName = stored;
      // An intact image below the anti-rollback floor keeps its state but cannot boot.
      if (stored !== "empty" && !v.ok && v.error !== "DOWNGRADE") state = "invalid";
      slots[slotName(s) as SlotName] = {
        state,
        version: v.version,
        digest: v.ok ? v.digest : null,
        bootable: v.ok,
        ...(v.ok ? {} : stored !== "empty" ? { error: v.error } : {}),
      };
    }
    check(this.x.stateLoad(), "reading boot control");
    const candState = candidate >= 0 ? STORED_STATES[this.x.stateSlot(candidate) as number] : null;
    const trial = candState === "trial"
      ? { slot: slotName(candidate) as SlotName, failedAttempts: this.x.stateFails() >>> 0, powerResets: this.x.statePowers() >>> 0 }
      : null;
    const active = trial ? trial.slot : slotName(primary);
    return {
      active,
      confirmed: slotName(primary),
      slots,
      trial,
      lastEvent: EVENTS[this.x.stateEvent() as number] ?? "unknown",
      sequence: this.x.stateSeq() >>> 0,
      securityFloor: this.x.stateFloor() >>> 0,
    };
  }

  /** The running trial image passed its health check: make it permanent. */
  confirm(): "confirmed" | "already-confirmed" {
    const s = check(this.x.appConfirm(), "confirm");
    return s === 1 ? "already-confirmed" : "confirmed";
  }

  /** Give up on the trial (or pending) image: the next boot rolls back. */
  reject(): void {
    check(this.x.appReject(), "reject");
  }

  /** Record an image already in a slot as the confirmed factory image. */
  adoptFactoryImage(): SlotName {
    const s = check(this.x.factoryAdopt(), "factory adopt");
    const n = slotName(s);
    if (!n) throw new SlotbootError(-15, "no slot holds a valid image");
    return n;
  }

  /** An ECMA-419-style writer for a full image into the inactive slot. */
  update(): UpdateWriter {
    return new UpdateWriter(this.core);
  }

  /** A receiver for update packages (docs/formats.md), resumable across resets. */
  receiver(): UpdateReceiver {
    return new UpdateReceiver(this.core);
  }

  /** Boot-control sector erases so far in this core instance. */
  controlErases(): number {
    return this.x.stateCtlErases() >>> 0;
  }
}

export class UpdateWriter {
  private isOpen = false;
  private slot: SlotName | null = null;
  constructor(private readonly core: Core) {}

  /**
   * Start an install of `byteLength` bytes; returns the target slot. An
   * encrypted image's ENC_X25519 entry goes in `keyEntry`: it sits after the
   * body in the image, and the device needs it before the body.
   */
  open(options: { byteLength: number; keyEntry?: Uint8Array }): SlotName {
    const n = options.byteLength;
    if (!Number.isInteger(n) || n < 0) throw new TypeError("byteLength must be a non-negative integer");
    const s = check(this.core.exports.installOpen(n >>> 0), "open");
    if (options.keyEntry) {
      this.core.io().set(options.keyEntry, 0);
      check(this.core.exports.installKeyEntry(options.keyEntry.length), "key entry");
    }
    this.isOpen = true;
    this.slot = slotName(s);
    return this.slot as SlotName;
  }

  /** Append bytes, in chunks of any size. */
  write(bytes: Uint8Array): void {
    if (!this.isOpen) throw new SlotbootError(-20);
    const io = this.core.io();
    for (let off = 0; off < bytes.length; ) {
      const n = Math.min(io.length, bytes.length - off);
      this.core.io().set(bytes.subarray(off, off + n), 0);
      const s = this.core.exports.installWrite(n) as number;
      if (s < 0) {
        this.isOpen = false;
        throw new SlotbootError(s, `at byte ${off}`);
      }
      off += n;
    }
  }

  /** Verify the image and make it pending: it boots on trial at the next reset. */
  complete(): SlotName {
    this.isOpen = false;
    check(this.core.exports.installComplete(), "complete");
    return this.slot as SlotName;
  }

  cancel(): void {
    this.isOpen = false;
    this.core.exports.installCancel();
  }

  get target(): SlotName | null {
    return this.slot;
  }
}

export type ReceiveResult = "installed";

/**
 * Feeds a package to the core. The host streams bytes from offset 0 (or from
 * any offset up to the one the device asks for); bytes the device already has
 * — after a resume — are skipped here, so re-sending the whole file works.
 */
export class UpdateReceiver {
  private hostOffset = 0;
  private resumeAt: number | null = null;
  constructor(private readonly core: Core) {
    core.exports.receiveBegin();
  }

  /** The package offset the device needs next (after the manifest: the resume point). */
  get position(): number {
    return this.core.exports.receivePosition() >>> 0;
  }

  /** The offset the device asked for once it had read the manifest (null before that). */
  get resumeOffset(): number | null {
    return this.resumeAt;
  }

  /** True when this download continues an interrupted one. */
  get resumed(): boolean {
    return !!this.core.exports.receiveResumed();
  }

  /** Bytes of the new image on flash so far. */
  get imageBytes(): number {
    return this.core.exports.receiveImageBytes() >>> 0;
  }

  get slot(): SlotName | null {
    return slotName(this.core.exports.receiveSlot());
  }

  /** Tell the receiver where the next bytes given to write() start in the package. */
  seek(offset: number): void {
    if (!Number.isInteger(offset) || offset < 0) throw new TypeError("offset must be a non-negative integer");
    this.hostOffset = offset;
  }

  write(bytes: Uint8Array): void {
    let i = 0;
    while (i < bytes.length) {
      const want = this.position;
      if (this.hostOffset < want) {
        const skip = Math.min(want - this.hostOffset, bytes.length - i);
        i += skip;
        this.hostOffset += skip;
        continue;
      }
      if (this.hostOffset > want) throw new RangeError(`bytes missing: the device needs package offset ${want}, these start at ${this.hostOffset}`);
      const io = this.core.io();
      const n = Math.min(io.length, bytes.length - i);
      io.set(bytes.subarray(i, i + n), 0);
      // State 1 is RX_MANIFEST: the manifest (and an encrypted package's encryption block) is being read.
      const wasReadingManifest = this.core.exports.receiveState() === 1;
      const used = this.core.exports.receiveWrite(n) as number;
      if (used < 0) throw new SlotbootError(used, `at package offset ${this.hostOffset}`);
      if (this.resumeAt === null && wasReadingManifest && this.core.exports.receiveState() !== 1) this.resumeAt = this.position;
      i += used;
      this.hostOffset += used;
    }
  }

  /** Verify the rebuilt image and make it pending. TRUNCATED when bytes are missing. */
  complete(): SlotName {
    check(this.core.exports.receiveComplete(), "complete");
    return this.slot as SlotName;
  }

  cancel(): void {
    this.core.exports.receiveCancel();
  }
}
