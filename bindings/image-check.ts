// Image checks on the host by the core's own code. The image goes into slot A
// of an in-memory flash and the core (the WASM build by default, any build on
// request) checks it exactly as an install on a device does: header against
// the image's length, TLV rules, flags, digest, then — as a device with that
// key and identity — signature, vendor, class, hardware revision and
// bootloader. `slotboot verify`, `inspect`, `pack` and `sim install`'s
// pre-check all ask this, so they cannot disagree with a device about an image.
import { loadCore, loadWasmCoreSync, type Core, type CoreKind } from "./core.js";
import type { Flash } from "./flash.js";
import { statusInfo } from "./errors.js";
import { provisionTrust } from "./trust.js";
import { BOOTLOADER_VERSION, type ImageVersion } from "./bootloader.js";

/** What the check is made as: a device with this key and identity. */
export interface ImageCheckOptions {
  /** Ed25519 public key (32 bytes): check signature and KEYHASH as a keyed device. Without it: the checks every device makes. */
  publicKey?: Uint8Array;
  vendorId?: Uint8Array;
  classId?: Uint8Array;
  /** The device's hardware revision. Unknown (undefined): the image's range is reported as unchecked. */
  hardwareRevision?: number;
  /** The device's bootloader, major << 16 | minor << 8 | patch. Unknown (undefined): the image's minimum is reported as unchecked. */
  bootloaderVersion?: number;
}

/** The checks in the order the core makes them. */
export type ImageCheckStage =
  | "format" | "sha256" | "keyhash" | "signature" | "vendor" | "class" | "hw-revision" | "bootloader" | "security-counter";

const STAGE_ORDER: readonly ImageCheckStage[] = ["format", "sha256", "keyhash", "signature", "vendor", "class", "hw-revision", "bootloader", "security-counter"];

/** The stage each failure belongs to; every other status is a format failure. */
const STAGE_OF_CODE: Record<string, ImageCheckStage> = {
  NO_DIGEST: "sha256",
  UNSUPPORTED_DIGEST: "sha256",
  DIGEST_MISMATCH: "sha256",
  P256_NOT_LOADED: "signature",
  NO_SIGNATURE: "signature",
  WRONG_KEY: "keyhash",
  BAD_SIGNATURE: "signature",
  WRONG_VENDOR: "vendor",
  WRONG_CLASS: "class",
  HW_REVISION: "hw-revision",
  BOOTLOADER_TOO_OLD: "bootloader",
  DOWNGRADE: "security-counter",
};

/** What the image says about itself, as the core read it (the entries it trusts, from the areas it trusts them in). */
export interface ImageFacts {
  version: ImageVersion;
  headerSize: number;
  bodySize: number;
  protectedTlvSize: number;
  /** Header, body and both TLV areas. */
  totalSize: number;
  signed: boolean;
  keyHash: Uint8Array | null;
  securityCounter: number | null;
  vendorId: Uint8Array | null;
  classId: Uint8Array | null;
  hwRevision: { min: number; max: number } | null;
  minBootloader: number | null;
}

export interface ImageCheck {
  ok: boolean;
  /** The core's status: 0, or the negative code a device returns for this image. */
  status: number;
  code: string | null;
  message: string | null;
  failedStage: ImageCheckStage | null;
  /** Stages that ran and passed, in order. */
  passed: ImageCheckStage[];
  /** Requirements the image states but that could not be checked: the device's revision or bootloader was not given. */
  unchecked: ImageCheckStage[];
  /** Null when the header or TLV areas break the rules (nothing of them is trusted). */
  facts: ImageFacts | null;
  /** SHA-256 of header, body and protected TLVs as the core computed it; null when the check stopped before hashing. */
  digest: Uint8Array | null;
}

const SECTOR = 4096;
const CONTROL_SECTORS = 2;
const SLOT_A = CONTROL_SECTORS * SECTOR;

/** A read-only flash: boot control (erased), slot A holding the image, then erased bytes. */
function imageFlash(image: Uint8Array): { flash: Flash; slotSize: number } {
  const slotSize = Math.max(SECTOR, Math.ceil(image.length / SECTOR) * SECTOR);
  const bytes = new Uint8Array(SLOT_A + slotSize).fill(0xff);
  bytes.set(image, SLOT_A);
  const refuse = () => {
    throw new Error("an image check never writes to flash");
  };
  const flash: Flash = {
    geometry: { size: SLOT_A + 2 * slotSize, sectorSize: SECTOR, writeSize: 1 },
    read(addr, out) {
      out.fill(0xff);
      if (addr < bytes.length) out.set(bytes.subarray(addr, Math.min(bytes.length, addr + out.length)));
    },
    program: refuse,
    erase: refuse,
  };
  return { flash, slotSize };
}

/** Check `image` with the WASM build of the core (synchronous). */
export function checkImage(image: Uint8Array, o: ImageCheckOptions = {}): ImageCheck {
  const f = imageFlash(image);
  return runCheck(loadWasmCoreSync(f.flash), f.slotSize, image, o);
}

/** Check `image` with a given build of the core (the builds must agree; tests run both). */
export async function checkImageOn(kind: CoreKind, image: Uint8Array, o: ImageCheckOptions = {}): Promise<ImageCheck> {
  const f = imageFlash(image);
  return runCheck(await loadCore(kind, f.flash), f.slotSize, image, o);
}

function runCheck(core: Core, slotSize: number, image: Uint8Array, o: ImageCheckOptions): ImageCheck {
  const x = core.exports;
  const layout = x.layoutConfigure(0, CONTROL_SECTORS, 0, 0, SLOT_A, SLOT_A + slotSize, slotSize, SECTOR, 1, 3, 10) as number;
  if (layout !== 0) throw new Error(`slotboot: the image check's layout was refused (${layout})`);
  const parsed = x.imageParse(0, image.length >>> 0) as number;
  if (parsed !== 0) return result(parsed, [], [], null, null);
  const facts = readFacts(core, image);

  // An unknown device identity must not fail the check: stand in a value the
  // image accepts, and say the requirement went unchecked.
  const unchecked: ImageCheckStage[] = [];
  if (facts.hwRevision && o.hardwareRevision === undefined) unchecked.push("hw-revision");
  if (facts.minBootloader !== null && o.bootloaderVersion === undefined) unchecked.push("bootloader");
  const hwRev = o.hardwareRevision ?? facts.hwRevision?.min ?? 0;
  const bootloader = o.bootloaderVersion ?? Math.max(BOOTLOADER_VERSION, facts.minBootloader ?? 0);
  provisionTrust(core, o, hwRev, bootloader);

  const status = x.imageCheck(0, image.length >>> 0) as number;
  const code = status === 0 ? null : statusInfo(status).code;
  const hashed = status === 0 || (code !== null && code !== "NO_DIGEST" && code !== "UNSUPPORTED_DIGEST" && STAGE_OF_CODE[code] !== undefined);
  let digest: Uint8Array | null = null;
  if (hashed) {
    x.imageComputedDigest();
    digest = core.io().slice(0, 32);
  }
  // The stages this check makes, in the core's order.
  const stages: ImageCheckStage[] = ["format", "sha256"];
  if (o.publicKey) {
    if (facts.keyHash) stages.push("keyhash");
    stages.push("signature");
    if (o.vendorId) stages.push("vendor");
    if (o.classId) stages.push("class");
  }
  if (facts.hwRevision && o.hardwareRevision !== undefined) stages.push("hw-revision");
  if (facts.minBootloader !== null && o.bootloaderVersion !== undefined) stages.push("bootloader");
  return result(status, stages, unchecked, facts, digest);
}

function result(status: number, stages: ImageCheckStage[], unchecked: ImageCheckStage[], facts: ImageFacts | null, digest: Uint8Array | null): ImageCheck {
  if (status === 0) return { ok: true, status, code: null, message: null, failedStage: null, passed: stages, unchecked, facts, digest };
  const info = statusInfo(status);
  const failedStage = STAGE_OF_CODE[info.code] ?? "format";
  const rank = (s: ImageCheckStage) => STAGE_ORDER.indexOf(s);
  // The core looks for a signature before it compares the key hash.
  const passed = stages.filter((s) => rank(s) < rank(failedStage) && !(info.code === "NO_SIGNATURE" && s === "keyhash"));
  return { ok: false, status, code: info.code, message: info.message, failedStage, passed, unchecked, facts, digest };
}

function readFacts(core: Core, image: Uint8Array): ImageFacts {
  const x = core.exports;
  const at = (offset: number, len: number) => (offset >= 0 ? image.slice(offset, offset + len) : null);
  const headerSize = x.imageHeaderSize() >>> 0;
  const bodySize = x.imageBodySize() >>> 0;
  const protectedTlvSize = x.imageProtectedSize() >>> 0;
  return {
    version: { major: x.imageMajor() >>> 0, minor: x.imageMinor() >>> 0, revision: x.imageRevision() >>> 0, build: x.imageBuild() >>> 0 },
    headerSize,
    bodySize,
    protectedTlvSize,
    totalSize: x.imageTotalSize() >>> 0,
    signed: (x.imageSignatureAt() as number) >= 0,
    keyHash: at(x.imageKeyHashAt() as number, 32),
    securityCounter: x.imageHasSecurityCounter() ? x.imageSecurityCounter() >>> 0 : null,
    vendorId: at(x.imageVendorAt() as number, 16),
    classId: at(x.imageClassAt() as number, 16),
    hwRevision: x.imageHasHwRevision() ? { min: x.imageHwRevisionMin() >>> 0, max: x.imageHwRevisionMax() >>> 0 } : null,
    minBootloader: x.imageHasMinBootloader() ? x.imageMinBootloader() >>> 0 : null,
  };
}
