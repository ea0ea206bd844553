// `slotboot image create`, and the host-side image check that every verb runs
// before it touches a device.
import { sha256 } from "@noble/hashes/sha2.js";
import { CliError, need, intOpt, type Opts } from "./args.js";
import { readInput, sizeLimit, MAX_FIRMWARE_BYTES } from "./io.js";
import { checkOutput, writeOutput } from "./safe-write.js";
import { readKey } from "./keys-cmd.js";
import { createImage, formatVersion, parseImage, parseVersion, ImageFormatError, TLV, type ImageOptions, type Version } from "../tools/image.js";
import { keyId, publicKeyOf } from "../tools/keys.js";
import { parseUuid, UuidError } from "../tools/uuid.js";
import type { Out } from "./out.js";

const eq = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Parse an image file and check its digest; throws CliError with the image's problem. */
export function checkImageFile(bytes: Uint8Array, path: string): { version: string; size: number } {
  try {
    const img = parseImage(bytes);
    const sha = img.tlvs.find((t) => t.type === TLV.SHA256 && !t.protected);
    if (!sha) throw new CliError("NO_DIGEST", `${path} has no SHA-256 TLV; rebuild it with \`slotboot image create\``);
    if (!eq(sha.value, img.computedDigest))
      throw new CliError("DIGEST_MISMATCH", `${path} is corrupt: its SHA-256 TLV does not match its contents; rebuild or download it again`);
    return { version: formatVersion(img.version), size: bytes.length };
  } catch (e) {
    if (e instanceof ImageFormatError) {
      const code = e.code === "NOT_AN_IMAGE" || e.code === "TRUNCATED" ? "BAD_HEADER" : e.code;
      throw new CliError(code, `${path}: ${e.message}`);
    }
    throw e;
  }
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

/** The signing and identity flags shared by `image create` and `pack`. */
export function signingOpts(opts: Opts): Pick<ImageOptions, "key" | "securityCounter" | "vendorId" | "classId"> {
  return {
    key: typeof opts.key === "string" ? { secretKey: readKey("private", opts.key) } : undefined,
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
  const o: ImageOptions = { version, headerSize: intOpt(opts, "header-size", undefined, 32, 0xffff), ...signing };
  const img = createImage(body, o);
  writeOutput(output, img, { what: "image", force, inputs });
  const id = signing.key ? Buffer.from(keyId(publicKeyOf(signing.key.secretKey))).toString("hex") : null;
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
  });
}
