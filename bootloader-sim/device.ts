// A simulated device: flash, a bootloader, and an application with a chosen
// behaviour. Each power-up loads a fresh core instance, as a real reset would,
// and the reset reason the next boot sees is how the previous run ended.
import { Bootloader, planLayout, type BootResult, type DeviceState, type Layout, type LayoutOptions, type Trust } from "../bindings/bootloader.js";
import type { CoreKind } from "../bindings/core.js";
import type { ResetReason, SlotName } from "../bindings/names.js";
import { SimFlash } from "./flash.js";
import { findKeyEntry, isEncryptedImage } from "../tools/encrypt.js";

export type AppBehaviour = "ok" | "noconfirm" | "hang" | "crash";
export const APP_BEHAVIOURS: readonly AppBehaviour[] = ["ok", "noconfirm", "hang", "crash"];

export interface DeviceConfig {
  layout: Layout & { flashSize: number };
  core: CoreKind;
  /** Hex Ed25519 public key the device trusts; absent = unsigned images accepted. */
  publicKey?: string;
  /** UUIDs as 32 hex digits. */
  vendorId?: string;
  classId?: string;
  hardwareRevision?: number;
  /** Hex X25519 private key for encrypted images and packages (`sim create --enc-key`). */
  decryptionKey?: string;
  /** A package's verified manifest vouches for its image (one signature check per package). */
  manifestVouchesForImage?: boolean;
}

/** Called as bytes go in: how many so far, of how many. */
export type Progress = (done: number, total: number) => void;

export interface PackageInstall {
  slot: SlotName;
  /** True when this run continued an interrupted download. */
  resumed: boolean;
  /** The package offset the device asked for after reading the manifest. */
  resumeOffset: number;
}

const fromHex = (h: string | undefined) => (h ? Uint8Array.from(Buffer.from(h, "hex")) : undefined);

export interface DeviceRuntime {
  /** How the previous run ended: the reset reason the next boot sees. */
  nextReset: ResetReason;
  /** The slot running since the last boot (null when in recovery or off). */
  running: SlotName | null;
  boots: number;
}

export interface AppRun {
  behaviour: AppBehaviour;
  confirmed: boolean;
  nextReset: ResetReason;
  note: string;
}

export class SimDevice {
  constructor(
    readonly config: DeviceConfig,
    readonly flash: SimFlash,
    readonly runtime: DeviceRuntime = { nextReset: "power", running: null, boots: 0 },
  ) {}

  static create(options: LayoutOptions & { core?: CoreKind; strictEcc?: boolean } = {}): SimDevice {
    const layout = planLayout(options);
    const flash = new SimFlash({
      sectorSize: layout.sectorSize,
      sectorCount: layout.flashSize / layout.sectorSize,
      writeSize: layout.writeSize,
      strictEcc: options.strictEcc ?? true,
    });
    return new SimDevice({ layout, core: options.core ?? "wasm" }, flash);
  }

  /** A bootloader instance over this device's flash (one per power-up). */
  bootloader(): Promise<Bootloader> {
    return Bootloader.open(this.config.core, this.flash, this.config.layout, this.trust());
  }

  trust(): Trust {
    const c = this.config;
    return {
      publicKey: fromHex(c.publicKey),
      vendorId: fromHex(c.vendorId),
      classId: fromHex(c.classId),
      hardwareRevision: c.hardwareRevision ?? 0,
      decryptionKey: fromHex(c.decryptionKey),
      manifestVouchesForImage: c.manifestVouchesForImage,
    };
  }

  /**
   * Receive a package, `chunk` bytes at a time, from package offset `from`
   * (0 = the whole file; the device skips what it already has). With `upTo`,
   * the connection drops after that many package bytes (no complete()).
   */
  async installPackage(pkg: Uint8Array, chunk = 4096, upTo = pkg.length, onProgress?: Progress): Promise<PackageInstall> {
    const bl = await this.bootloader();
    const rx = bl.receiver();
    const end = Math.min(upTo, pkg.length);
    for (let off = 0; off < end; ) {
      const n = Math.min(chunk, end - off);
      rx.write(pkg.subarray(off, off + n));
      off += n;
      onProgress?.(off, pkg.length);
    }
    const resumeOffset = rx.resumeOffset ?? 0;
    if (end < pkg.length) return { slot: rx.slot as SlotName, resumed: rx.resumed, resumeOffset };
    const slot = rx.complete();
    return { slot, resumed: rx.resumed, resumeOffset };
  }

  /** Power on: the bootloader decides; the chosen image is then running. */
  async powerUp(reset?: ResetReason): Promise<BootResult> {
    if (!this.flash.powered) this.flash.powerOn();
    const why = reset ?? this.runtime.nextReset;
    // If power is cut during the decision, the next boot sees a power-on reset.
    this.runtime.nextReset = "power";
    this.runtime.running = null;
    const bl = await this.bootloader();
    const result = bl.boot(why);
    this.runtime.boots++;
    this.runtime.running = result.booted;
    return result;
  }

  /** Let the running image do what its behaviour says, up to the end of its run. */
  async runApp(behaviour: AppBehaviour): Promise<AppRun> {
    if (!this.runtime.running) {
      return { behaviour, confirmed: false, nextReset: "power", note: "nothing is running (recovery)" };
    }
    switch (behaviour) {
      case "ok": {
        const bl = await this.bootloader();
        const st = bl.state();
        let confirmed = false;
        if (st.trial && st.trial.slot === this.runtime.running) {
          bl.confirm();
          confirmed = true;
        }
        this.runtime.nextReset = "power";
        return { behaviour, confirmed, nextReset: "power", note: confirmed ? "health check passed, confirmed the trial image" : "running the confirmed image" };
      }
      case "noconfirm":
        this.runtime.nextReset = "power";
        return { behaviour, confirmed: false, nextReset: "power", note: "ran without confirming, then lost power" };
      case "hang":
        this.runtime.nextReset = "watchdog";
        this.runtime.running = null;
        return { behaviour, confirmed: false, nextReset: "watchdog", note: "hung; the watchdog reset the device" };
      case "crash":
        this.runtime.nextReset = "software";
        this.runtime.running = null;
        return { behaviour, confirmed: false, nextReset: "software", note: "crashed; a panic reset the device" };
    }
  }

  async state(): Promise<DeviceState> {
    if (!this.flash.powered) this.flash.powerOn();
    return (await this.bootloader()).state();
  }

  /** The running application confirms itself (after its own health check). */
  async confirm(): Promise<"confirmed" | "already-confirmed"> {
    return (await this.bootloader()).confirm();
  }

  async reject(): Promise<void> {
    return (await this.bootloader()).reject();
  }

  /** Install a full image through the update writer, `chunk` bytes at a time. */
  async installImage(image: Uint8Array, chunk = 4096, onProgress?: Progress): Promise<SlotName> {
    const bl = await this.bootloader();
    const w = bl.update();
    // An encrypted image's key entry goes first: the device decrypts the body as it arrives.
    w.open({ byteLength: image.length, keyEntry: isEncryptedImage(image) ? findKeyEntry(image) : undefined });
    for (let off = 0; off < image.length; off += chunk) {
      const end = Math.min(image.length, off + chunk);
      w.write(image.subarray(off, end));
      onProgress?.(end, image.length);
    }
    return w.complete();
  }

  /** Put an image into slot A at the factory and record it as confirmed. */
  async provision(image: Uint8Array): Promise<void> {
    await this.installImage(image);
    const bl = await this.bootloader();
    // A factory image needs no trial: adopt it directly.
    bl.adoptFactoryImage();
  }

  // -- persistence ---------------------------------------------------------

  serialize(): Uint8Array {
    const meta = new TextEncoder().encode(JSON.stringify({ config: this.config, runtime: this.runtime }));
    const flash = this.flash.serialize();
    const out = new Uint8Array(DEVICE_MAGIC.length + 4 + meta.length + flash.length);
    out.set(DEVICE_MAGIC, 0);
    new DataView(out.buffer).setUint32(DEVICE_MAGIC.length, meta.length, true);
    out.set(meta, DEVICE_MAGIC.length + 4);
    out.set(flash, DEVICE_MAGIC.length + 4 + meta.length);
    return out;
  }

  static deserialize(bytes: Uint8Array): SimDevice {
    const bad = (why: string) => new DeviceFileError(`not a slotboot device file (${why}); create one with \`slotboot sim create\``);
    if (bytes.length < DEVICE_MAGIC.length + 4) throw bad("too short");
    for (let i = 0; i < DEVICE_MAGIC.length; i++) if (bytes[i] !== DEVICE_MAGIC[i]) throw bad("bad magic");
    const metaLen = new DataView(bytes.buffer, bytes.byteOffset).getUint32(DEVICE_MAGIC.length, true);
    const metaEnd = DEVICE_MAGIC.length + 4 + metaLen;
    if (metaEnd > bytes.length) throw bad("truncated");
    let meta: { config: DeviceConfig; runtime: DeviceRuntime };
    try {
      meta = JSON.parse(new TextDecoder().decode(bytes.subarray(DEVICE_MAGIC.length + 4, metaEnd)));
    } catch {
      throw bad("unreadable metadata");
    }
    let flash: SimFlash;
    try {
      flash = SimFlash.deserialize(bytes.subarray(metaEnd));
    } catch (e) {
      throw bad(`flash image: ${(e as Error).message}`);
    }
    return new SimDevice(meta.config, flash, meta.runtime);
  }
}

export const DEVICE_MAGIC = new TextEncoder().encode("SLOTBOOT-SIM-DEVICE-1\n");

export class DeviceFileError extends Error {
  readonly code = "BAD_DEVICE_FILE";
  constructor(message: string) {
    super(message);
    this.name = "DeviceFileError";
  }
}
