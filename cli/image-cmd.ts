// `slotboot image create`, and the host-side image check that every verb runs
// before it touches a device.
import { sha256 } from "@noble/hashes/sha2.js";
import { CliError, UsageError, need, intOpt, type Opts } from "./args.js";
import { readInput, sizeLimit, MAX_FIRMWARE_BYTES } from "./io.js";
import { checkOutput, writeOutput } from "./safe-write.js";
import { readSigningKeyFile } from "./keys-cmd.js";
import { createImage, formatVersion, parseImage, parseVersion, ImageFormatError, type ImageOptions, type Version } from "../tools/image.js";
import { formatBootloaderVersion, parseBootloaderVersion, PackageFormatError } from "../tools/package.js";
import { keyId, publicKeyOf, type KeyType } from "../tools/keys.js";
import { parseUuid, UuidError } from "../tools/uuid.js";
import { checkImage } from "../bindings/image-check.js";
import type { Out } from "./out.js";
import { encryptOpts } from "./encrypt-opts.js";
import { createEncryptedImage } from "../tools/encrypt.js";

/**
 * The checks every device makes of an image (header, TLV rules, flags,
 * digest), made by the core's own code; throws CliError with the device's code.
 */
export function checkImageFile(bytes: Uint8Array, path: string): { version: string; size: number } {
  const r = checkImage(bytes);
  if (!r.ok) throw new CliError(r.code!, `${path}: ${r.message}`);
  return { version: formatVersion(r.facts!.version), size: bytes.length };
}

/**
 * --hw-rev-min/--hw-rev-max/--min-bootloader: what the image needs of the
 * device. `given` is false when none of the three was passed (then nothing is
 * written and nothing must match).
 */
export function requirementOpts(opts: Opts): { hwRevGiven: boolean; hwRevMin: number; hwRevMax: number; minBootloader: number | undefined } {
  const hwRevGiven = opts["hw-rev-min"] !== undefined || opts["hw-rev-max"] !== undefined;
  const hwRevMin = intOpt(opts, "hw-rev-min", 0, 0, 0xffff)!;
  const hwRevMax = intOpt(opts, "hw-rev-max", 0xffff, 0, 0xffff)!;
  if (hwRevMin > hwRevMax) throw new UsageError(`--hw-rev-min ${hwRevMin} is above --hw-rev-max ${hwRevMax}`);
  let minBootloader: number | undefined;
  if (opts["min-bootloader"] !== undefined) {
    try {
      minBootloader = parseBootloaderVersion(need(opts, "min-bootloader", "x.y.z"));
    } catch (e) {
      if (e instanceof PackageFormatError) throw new CliError(e.code, `--min-bootloader: ${e.message}`, 2);
      throw e;
    }
  }
  return { hwRevGiven, hwRevMin, hwRevMax, minBootloader };
}

/** --version as a Version; malformed text is a usage error with the BAD_VERSION code. */
export function versionOpt(opts: Opts): Version | undefined {
  if (opts.version === undefined) return undefined;
  try {
    return parseVersion(need(opts, "version", "the image version, e.g. 1.2.3"));
  } catch (e) {
    if (e instanceof ImageFormatError) throw new CliError(e.code, e.message, 2);
    throw e;
  }
}

export function uuidOpt(opts: Opts, name: string): Uint8Array | undefined {
  if (opts[name] === undefined) return undefined;
  try {
    return parseUuid(need(opts, name, "a UUID"));
  } catch (e) {
    if (e instanceof UuidError) throw new CliError(e.code, `--${name}: ${e.message}`, 2);
    throw e;
  }
}

/** --key: the private key and its type (Ed25519, or ECDSA P-256 from an EC PEM). */
function signingKeyOpt(path: string): { secretKey: Uint8Array; type: KeyType } {
  const key = readSigningKeyFile(path);
  return { secretKey: key.secretKey, type: key.type };
}

/** The signing and identity flags shared by `image create` and `pack`. */
export function signingOpts(opts: Opts): Pick<ImageOptions, "key" | "securityCounter" | "vendorId" | "classId"> {
  return {
    key: typeof opts.key === "string" ? signingKeyOpt(opts.key) : undefined,
    securityCounter: intOpt(opts, "security-counter", undefined, 0, 0xffffffff),
    vendorId: uuidOpt(opts, "vendor"),
    classId: uuidOpt(opts, "class"),
  };
}

export async function imageCreate(opts: Opts, out: Out): Promise<void> {
  const input = need(opts, "in", "the raw firmware binary");
  const output = need(opts, "out", "where to write the image");
  const version = versionOpt(opts) ?? parseVersion(need(opts, "version", "the image version, e.g. 1.2.3"));
  const force = opts.force === true;
  const inputs = [input, typeof opts.key === "string" ? opts.key : undefined];
  checkOutput(output, { what: "image", force, inputs });
  const signing = signingOpts(opts);
  const body = readInput(input, "firmware", sizeLimit(input, "firmware", MAX_FIRMWARE_BYTES, "no slot holds more"));
  const req = requirementOpts(opts);
  const o: ImageOptions = {
    version,
    headerSize: intOpt(opts, "header-size", undefined, 32, 0xffff),
    ...signing,
    ...(req.hwRevGiven ? { hwRevMin: req.hwRevMin, hwRevMax: req.hwRevMax } : {}),
    minBootloader: req.minBootloader,
  };
  const enc = encryptOpts(opts);
  const img = enc ? createEncryptedImage(body, o, enc) : createImage(body, o);
  writeOutput(output, img, { what: "image", force, inputs });
  const id = signing.key ? Buffer.from(keyId(publicKeyOf(signing.key.secretKey, signing.key.type))).toString("hex") : null;
  out.human(`wrote ${output}: MCUboot image v${formatVersion(version)}, ${body.length} byte body, ${img.length} bytes in all${id ? `, signed by key ${id}` : ""}`);
  out.json({
    out: output,
    version: formatVersion(version),
    size: img.length,
    bodySize: body.length,
    sha256: Buffer.from(sha256(img.subarray(0, img.length))).toString("hex"),
    digest: Buffer.from(parseImage(img).computedDigest).toString("hex"),
    signed: id !== null,
    keyId: id,
    securityCounter: signing.securityCounter ?? null,
    hwRevision: req.hwRevGiven ? { min: req.hwRevMin, max: req.hwRevMax } : null,
    minBootloader: req.minBootloader ? formatBootloaderVersion(req.minBootloader) : null,
    encrypted: enc ? `aes-${enc.aes}` : null,
  });
}
