// `slotboot verify FILE --pub KEY [--base OLD.img] [--hw-rev N] [--bootloader x.y.z]`:
// every check a device makes on a package or an image that can be made on the
// host, each reported by name. The first failing check names the error code;
// exit 0 only when all checks that ran passed. Images (alone or inside a
// package) are checked by the core's own code (bindings/image-check.ts), so
// the verdict and the code are the device's.
import { ed25519 } from "@noble/curves/ed25519.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { loadWasmCoreSync } from "../bindings/core.js";
import { ecdsaP256VerifyRawPrehashedWith } from "../bindings/ecdsa-p256.js";
import { CliError, intOpt, need, type Opts } from "./args.js";
import { readInput, sizeLimit, MAX_FIRMWARE_BYTES, MAX_INPUT_BYTES, type InputLimit } from "./io.js";
import { readKey } from "./keys-cmd.js";
import type { Out } from "./out.js";
import { formatVersion, compareVersions, IMAGE_MAGIC } from "../tools/image.js";
import { keyId } from "../tools/keys.js";
import {
  blockCount, bytesEqual, checkChain, codecParams, decodeManifest, formatBootloaderVersion, isValidBlockSize, manifestBody,
  parseBootloaderVersion, CHAIN_DIGEST_SIZE, CODEC, ENCODING, HW_REV_ANY_MAX, MANIFEST_SIZE, PACKAGE_FORMAT_VERSION, PACKAGE_MAGIC,
  PackageFormatError, type Manifest,
} from "../tools/package.js";
import { checkImage, type ImageCheck, type ImageCheckStage } from "../bindings/image-check.js";
import { applyPatch } from "../tools/delta/index.js";
import { ENC_BLOCK_SIZE, PACKAGE_ENCRYPTION, packageHeadSize, signedPart } from "../tools/package.js";
import { DELTA_HEADER_SIZE, DELTA_MAGIC, getU32 } from "../tools/delta/format.js";

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
  /** The error code when the check failed, else null. */
  code: string | null;
}

export interface Unchecked {
  name: string;
  detail: string;
}

export interface VerifyReport {
  ok: boolean;
  kind: "package" | "image";
  checks: Check[];
  /** Checks that could not run (a delta package without --base). */
  unchecked: Unchecked[];
  /** Code of the first failing check, or null. */
  error: string | null;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

class Report {
  readonly checks: Check[] = [];
  readonly unchecked: Unchecked[] = [];
  constructor(readonly kind: "package" | "image") {}

  check(name: string, ok: boolean, detail: string, code: string): boolean {
    this.checks.push({ name, ok, detail, code: ok ? null : code });
    return ok;
  }

  skip(name: string, detail: string): void {
    this.unchecked.push({ name, detail });
  }

  done(): VerifyReport {
    const failed = this.checks.find((c) => !c.ok);
    return { ok: !failed, kind: this.kind, checks: this.checks, unchecked: this.unchecked, error: failed?.code ?? null };
  }
}

export function isPackage(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytesEqual(bytes.subarray(0, 4), PACKAGE_MAGIC);
}

export function isImage(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true) === IMAGE_MAGIC;
}

/** Read bound for a file that must be a package or an image: anything else is refused at its first bytes (/dev/zero too). */
export function packageOrImageLimit(file: string): (head: Uint8Array) => InputLimit {
  return (head) =>
    head.length < 4 || isPackage(head) || isImage(head)
      ? sizeLimit(file, "file", MAX_INPUT_BYTES)
      : { max: 0, error: () => new CliError("NOT_A_PACKAGE", `${file} is neither a slotboot package nor an MCUboot image`) };
}

/** What the device is, when the caller knows: its hardware revision and bootloader version. */
export interface DeviceIdentity {
  hardwareRevision?: number;
  /** major << 16 | minor << 8 | patch */
  bootloaderVersion?: number;
}

const revisions = (hw: { min: number; max: number }) => (hw.min === hw.max ? `revision ${hw.min}` : `revisions ${hw.min}…${hw.max}`);

function passDetail(stage: ImageCheckStage, c: ImageCheck, id: DeviceIdentity): string {
  const f = c.facts!;
  switch (stage) {
    case "format":
      return `MCUboot image v${formatVersion(f.version)}, ${f.bodySize}-byte body, ${f.totalSize} bytes with TLVs; no header flags, each security TLV once and in its area`;
    case "sha256":
      return `SHA-256 TLV matches the contents (${hex(c.digest!)})`;
    case "keyhash":
      return "KEYHASH TLV names this key";
    case "signature":
      return "Ed25519 signature over the image digest verifies with this key";
    case "hw-revision":
      return `the image runs on hardware ${revisions(f.hwRevision!)}; the device is revision ${id.hardwareRevision}`;
    case "bootloader":
      return `the image needs bootloader ${formatBootloaderVersion(f.minBootloader!)} or newer; the device has ${formatBootloaderVersion(id.bootloaderVersion!)}`;
    default:
      return "passed";
  }
}

function failDetail(c: ImageCheck, bytes: Uint8Array, id: DeviceIdentity): string {
  const f = c.facts;
  const flags = bytes.length >= 20 ? new DataView(bytes.buffer, bytes.byteOffset, 20).getUint32(16, true) : 0;
  switch (c.code) {
    case "UNSUPPORTED_FLAGS":
    case "ENCRYPTED_IMAGE_UNSUPPORTED":
    case "NON_BOOTABLE_IMAGE":
      return `header flags 0x${flags.toString(16)}: ${c.message}`;
    case "DIGEST_MISMATCH":
      return `SHA-256 TLV does not match the contents (${hex(c.digest!)})`;
    case "WRONG_KEY":
      return "KEYHASH TLV names another key";
    case "HW_REVISION":
      return `the image runs on hardware ${revisions(f!.hwRevision!)}, not on revision ${id.hardwareRevision}`;
    case "BOOTLOADER_TOO_OLD":
      return `the image needs bootloader ${formatBootloaderVersion(f!.minBootloader!)} or newer; the device has ${formatBootloaderVersion(id.bootloaderVersion!)}`;
    default:
      return c.message!;
  }
}

/** The image checks of a device with `pub` provisioned, made by the core; `prefix` names them inside a package report. */
function imageChecks(r: Report, bytes: Uint8Array, pub: Uint8Array, prefix: string, id: DeviceIdentity): ImageCheck {
  const c = checkImage(bytes, { publicKey: pub, ...id });
  for (const stage of c.passed) r.check(`${prefix}${stage}`, true, passDetail(stage, c, id), "");
  if (!c.ok) r.check(`${prefix}${c.failedStage}`, false, failDetail(c, bytes, id), c.code!);
  const f = c.facts;
  if (f?.hwRevision && c.unchecked.includes("hw-revision"))
    r.skip(`${prefix}hw-revision`, `the image runs on hardware ${revisions(f.hwRevision)}: pass --hw-rev N (the device's revision) to check it`);
  if (f?.minBootloader != null && c.unchecked.includes("bootloader"))
    r.skip(`${prefix}bootloader`, `the image needs bootloader ${formatBootloaderVersion(f.minBootloader)} or newer: pass --bootloader x.y.z (the device's) to check it`);
  return c;
}

export function verifyImageBytes(bytes: Uint8Array, pub: Uint8Array, id: DeviceIdentity = {}): VerifyReport {
  const r = new Report("image");
  imageChecks(r, bytes, pub, "", id);
  return r.done();
}

/** The rebuilt image must be exactly the one the manifest describes (what the device checks after the last byte). */
function imageMatchesManifest(r: Report, image: Uint8Array, m: Manifest, pub: Uint8Array, id: DeviceIdentity): void {
  r.check("image-size", image.length === m.imageSize, `decoded image is ${image.length} bytes; the manifest says ${m.imageSize}`, "IMAGE_MISMATCH");
  const c = imageChecks(r, image, pub, "image-", id);
  const f = c.facts;
  if (!f) return;
  if (c.digest) {
    const digestOk = bytesEqual(c.digest, m.imageDigest);
    r.check("image-digest", digestOk, digestOk ? "the image's MCUboot digest matches the manifest" : `the image's digest ${hex(c.digest)} is not the manifest's ${hex(m.imageDigest)}`, "DIGEST_MISMATCH");
  }
  const versionOk = compareVersions(f.version, m.version) === 0;
  r.check("image-version", versionOk, `image v${formatVersion(f.version)}, manifest v${formatVersion(m.version)}`, "IMAGE_MISMATCH");
  const counter = f.securityCounter ?? 0;
  r.check("image-security-counter", counter === m.securityCounter, `image SEC_CNT ${counter}, manifest ${m.securityCounter}`, "IMAGE_MISMATCH");
  for (const [name, v, want] of [["image-vendor", f.vendorId, m.vendorId], ["image-class", f.classId, m.classId]] as const) {
    if (v) r.check(name, bytesEqual(v, want), bytesEqual(v, want) ? "protected TLV matches the manifest" : "protected TLV differs from the manifest", "IMAGE_MISMATCH");
  }
}

export interface PackageVerifyOptions extends DeviceIdentity {
  /** The image a delta package applies to. */
  base?: Uint8Array;
}

/** The manifest's hardware range and minimum bootloader against the device, as checkManifest() makes them. */
function manifestRequirements(r: Report, m: Manifest, id: DeviceIdentity): void {
  const range = { min: m.hwRevMin, max: m.hwRevMax };
  if (id.hardwareRevision !== undefined) {
    const ok = id.hardwareRevision >= m.hwRevMin && id.hardwareRevision <= m.hwRevMax;
    r.check("hw-revision", ok, `the package is for hardware ${revisions(range)}; the device is revision ${id.hardwareRevision}`, "HW_REVISION");
  } else if (m.hwRevMin !== 0 || m.hwRevMax !== HW_REV_ANY_MAX) {
    r.skip("hw-revision", `the package is for hardware ${revisions(range)}: pass --hw-rev N (the device's revision) to check it`);
  }
  if (id.bootloaderVersion !== undefined) {
    const ok = m.minBootloader <= id.bootloaderVersion;
    r.check("bootloader", ok, `the package needs bootloader ${formatBootloaderVersion(m.minBootloader)} or newer; the device has ${formatBootloaderVersion(id.bootloaderVersion)}`, "BOOTLOADER_TOO_OLD");
  } else if (m.minBootloader !== 0) {
    r.skip("bootloader", `the package needs bootloader ${formatBootloaderVersion(m.minBootloader)} or newer: pass --bootloader x.y.z (the device's) to check it`);
  }
}

export function verifyPackageBytes(bytes: Uint8Array, pub: Uint8Array, o: PackageVerifyOptions = {}): VerifyReport {
  const r = new Report("package");
  if (bytes.length < MANIFEST_SIZE) {
    r.check("manifest", false, `the file has ${bytes.length} bytes; a manifest alone has ${MANIFEST_SIZE}`, "TRUNCATED");
    return r.done();
  }
  const m = decodeManifest(bytes);
  // The device's order: the key, then the signature, before anything unsigned is believed.
  const id = keyId(pub);
  if (!r.check("key-id", bytesEqual(m.keyId, id), bytesEqual(m.keyId, id) ? `manifest key ID ${hex(id)} is this key` : `manifest key ID ${hex(m.keyId)} is not this key's ${hex(id)}`, "UNKNOWN_KEY"))
    return r.done();
  // An encrypted package: the signature covers the encryption block after the manifest too.
  const head = packageHeadSize(m.reserved);
  const encryptionBlock = head > MANIFEST_SIZE ? bytes.subarray(MANIFEST_SIZE, Math.min(bytes.length, head)) : undefined;
  const blockOk = !encryptionBlock || encryptionBlock.length === ENC_BLOCK_SIZE;
  const message = signedPart(manifestBody(m), encryptionBlock);
  const isP256 = pub.length === 65;
  // P-256: the core's own verifier (r || s over SHA-256 of the signed part), as the device runs it.
  const sigOk = blockOk && (isP256
    ? ecdsaP256VerifyRawPrehashedWith(loadWasmCoreSync(), pub, sha256(message), m.signature)
    : ed25519.verify(m.signature, message, pub, { zip215: false }));
  const scheme = isP256 ? "ECDSA P-256 (SHA-256, r || s)" : "Ed25519";
  if (!r.check("signature", sigOk, sigOk ? `${scheme} signature over manifest bytes 0…191${encryptionBlock ? " and the encryption block" : ""} verifies` : "the manifest signature does not verify with this key", "BAD_SIGNATURE"))
    return r.done();
  const device: DeviceIdentity = { hardwareRevision: o.hardwareRevision, bootloaderVersion: o.bootloaderVersion };
  manifestRequirements(r, m, device);

  const formatOk = m.formatVersion === PACKAGE_FORMAT_VERSION && m.manifestSize === MANIFEST_SIZE && m.reserved <= PACKAGE_ENCRYPTION.aes256;
  r.check("format", formatOk, `format ${m.formatVersion}, manifest ${m.manifestSize} bytes, reserved ${m.reserved}`, "BAD_FORMAT");
  const [p1, p2] = codecParams(m.codec);
  const codecOk = m.encoding === ENCODING.raw ? m.codec === CODEC.none : (m.encoding === ENCODING.compressed || m.encoding === ENCODING.delta) && (m.codec === CODEC.rc || m.codec === CODEC.heatshrink);
  const encodingOk = codecOk && m.codecParam1 === p1 && m.codecParam2 === p2;
  r.check("encoding", encodingOk, `encoding ${m.encoding}, codec ${m.codec}, parameters ${m.codecParam1}/${m.codecParam2}`, "BAD_ENCODING");
  const count = isValidBlockSize(m.blockSize) ? blockCount(m.dataSize, m.blockSize) : 0;
  const geometryOk = count > 0 && m.payloadSize === m.dataSize + count * CHAIN_DIGEST_SIZE && (m.encoding !== ENCODING.raw || m.dataSize === m.imageSize);
  r.check("payload-size", geometryOk, `${m.dataSize} data bytes in ${count} blocks of ${m.blockSize} = payload ${m.payloadSize}`, "BAD_FORMAT");
  if (!geometryOk) return r.done();
  const total = head + m.payloadSize;
  const lengthOk = bytes.length === total;
  r.check("length", lengthOk, `file ${bytes.length} bytes, manifest${encryptionBlock ? " + encryption block" : ""} + payload ${total}`, bytes.length < total ? "TRUNCATED" : "TRAILING_BYTES");
  const chain = checkChain(bytes.subarray(head, total), m.chainHead, m.blockSize, m.dataSize);
  r.check("chain", chain.ok, chain.ok ? `all ${count} blocks match the signed chain head` : `block ${chain.badBlock} of ${count} does not match its chain digest`, "CHAIN_MISMATCH");
  if (!chain.ok || !encodingOk) return r.done();
  if (encryptionBlock) {
    // What a gateway can check without the device's key: the ciphertext is the one signed for.
    const digestOk = chain.stream.length === m.dataSize && bytesEqual(sha256(chain.stream), encryptionBlock.subarray(128, 160));
    r.check("ciphertext", digestOk, digestOk ? `the encrypted stream has the signed ciphertext digest; encrypted for recipient ${hex(encryptionBlock.subarray(0, 32))}` : "the encrypted stream does not match the signed ciphertext digest", "CHAIN_MISMATCH");
    for (const name of ["decode", "image-size", "image-digest", "image-signature"])
      r.skip(name, "the payload is encrypted for one device: that device checks the image after decrypting it");
    return r.done();
  }

  let image: Uint8Array | undefined;
  if (m.encoding === ENCODING.raw) {
    image = chain.stream;
  } else {
    const header = deltaHeaderCheck(chain.stream, m);
    r.check("delta-header", header === "", header || "codec and sizes agree with the manifest", "BAD_ENCODING");
    let base: Uint8Array | undefined = m.encoding === ENCODING.compressed ? new Uint8Array(0) : undefined;
    if (m.encoding === ENCODING.delta) {
      if (!o.base) {
        for (const name of ["base", "decode", "image-size", "image-digest", "image-signature"])
          r.skip(name, "a delta package rebuilds its image from the base image: pass --base OLD.img to check it");
      } else {
        const baseDigest = safeDigest(o.base);
        const baseOk = !!baseDigest && bytesEqual(baseDigest, m.baseDigest) && o.base.length === m.baseSize;
        r.check("base", baseOk, baseOk ? "the base image is the one the manifest names" : `the base image (${o.base.length} bytes) is not the one the manifest names (${m.baseSize} bytes, ${hex(m.baseDigest)})`, "BASE_MISMATCH");
        if (baseOk) base = o.base;
      }
    }
    if (base && header === "") {
      try {
        image = applyPatch(base, chain.stream);
        r.check("decode", true, `decoded ${image.length} image bytes from ${chain.stream.length} stream bytes`, "DECODE_FAILED");
      } catch (e) {
        r.check("decode", false, (e as Error).message, "DECODE_FAILED");
      }
    }
  }
  if (image) imageMatchesManifest(r, image, m, pub, device);
  return r.done();
}

/** The base's MCUboot digest as a device computes it; none unless the base passes a device's checks (as the running image did). */
function safeDigest(img: Uint8Array): Uint8Array | undefined {
  const c = checkImage(img);
  return c.ok && c.digest ? c.digest : undefined;
}

/** "" when the delta container's header agrees with the manifest, else what disagrees. */
function deltaHeaderCheck(stream: Uint8Array, m: Manifest): string {
  if (stream.length < DELTA_HEADER_SIZE || !DELTA_MAGIC.every((b, i) => stream[i] === b)) return "the stream is not a delta container (magic SBD1)";
  if (stream[4] !== m.codec) return `the stream uses codec ${stream[4]}, the manifest says ${m.codec}`;
  const oldSize = getU32(stream, 8);
  const newSize = getU32(stream, 12);
  const wantOld = m.encoding === ENCODING.delta ? m.baseSize : 0;
  if (oldSize !== wantOld) return `the stream applies to a ${oldSize}-byte base, the manifest says ${wantOld}`;
  if (newSize !== m.imageSize) return `the stream rebuilds ${newSize} bytes, the manifest says ${m.imageSize}`;
  return "";
}

/** --hw-rev and --bootloader: the device's identity, when the caller knows it. */
function identityOpts(opts: Opts): DeviceIdentity {
  const hardwareRevision = intOpt(opts, "hw-rev", undefined, 0, 0xffff);
  let bootloaderVersion: number | undefined;
  if (opts.bootloader !== undefined) {
    try {
      bootloaderVersion = parseBootloaderVersion(need(opts, "bootloader", "the device's bootloader version, x.y.z"));
    } catch (e) {
      if (e instanceof PackageFormatError) throw new CliError(e.code, `--bootloader: ${e.message}`, 2);
      throw e;
    }
  }
  return { hardwareRevision, bootloaderVersion };
}

export async function verifyCmd(file: string, opts: Opts, out: Out): Promise<void> {
  const bytes = readInput(file, "file", packageOrImageLimit(file));
  const pub = readKey("public", need(opts, "pub", "the public key to verify with (PREFIX.pub)"));
  const id = identityOpts(opts);
  let report: VerifyReport;
  if (isPackage(bytes)) {
    const base = typeof opts.base === "string" ? readInput(opts.base, "base image", sizeLimit(opts.base, "base image", MAX_FIRMWARE_BYTES, "no slot holds more")) : undefined;
    report = verifyPackageBytes(bytes, pub, { base, ...id });
  } else if (isImage(bytes)) {
    if (opts.base !== undefined) throw new CliError("BAD_ARGUMENT", "--base applies to delta packages, not to images", 2);
    report = verifyImageBytes(bytes, pub, id);
  } else {
    throw new CliError("NOT_A_PACKAGE", `${file} is neither a slotboot package nor an MCUboot image`);
  }
  for (const c of report.checks) out.human(`${c.ok ? "ok  " : "FAIL"} ${c.name}: ${c.detail}`);
  for (const u of report.unchecked) out.human(`skip ${u.name}: ${u.detail}`);
  out.json(report);
  if (!report.ok) {
    const failed = report.checks.find((c) => !c.ok)!;
    throw new CliError(failed.code!, `${file}: ${failed.name}: ${failed.detail}`);
  }
  const skipped = report.unchecked.map((u) => u.name);
  out.human(`${file}: ${report.kind} verified${skipped.length ? ` (${skipped.length} checks not made: ${skipped.join(", ")}; see the skip lines)` : ""}`);
}
