// `slotboot pack`: firmware (or a ready MCUboot image) → signed image → signed
// update package (docs/formats.md), raw, compressed or as a delta.
import { sha256 } from "@noble/hashes/sha2.js";
import { CliError, UsageError, need, intOpt, oneOf, type Opts } from "./args.js";
import { readInput, sizeLimit, MAX_FIRMWARE_BYTES } from "./io.js";
import { checkOutput, distinctOutputs, writeOutput } from "./safe-write.js";
import { requirementOpts, signingOpts, versionOpt } from "./image-cmd.js";
import { isImage } from "./verify-cmd.js";
import type { Out } from "./out.js";
import { encryptOpts } from "./encrypt-opts.js";
import { compareVersions, createImage, formatVersion } from "../tools/image.js";
import { publicKeyOf } from "../tools/keys.js";
import { checkImage, type ImageFacts } from "../bindings/image-check.js";
import {
  bytesEqual, codecName, encodingName, formatBootloaderVersion, packPackage, PackageFormatError, DEFAULT_BLOCK_SIZE,
  MAX_BLOCK_SIZE, MIN_BLOCK_SIZE, isValidBlockSize, type EncodingName,
} from "../tools/package.js";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

/**
 * A ready image, without any padding after its TLVs, checked by the core as a
 * device with `pub` provisioned checks it (digest, TLV rules, flags, signer).
 */
function loadImage(bytes: Uint8Array, path: string, pub?: Uint8Array): { image: Uint8Array; facts: ImageFacts } {
  const r = checkImage(bytes, pub ? { publicKey: pub } : {});
  if (!r.ok) {
    if (r.code === "NO_SIGNATURE")
      throw new CliError("NO_SIGNATURE", `${path} is not signed; a device with a key provisioned refuses it — build it with \`slotboot image create --key\` or pass the raw firmware`);
    if (r.code === "BAD_SIGNATURE" || r.code === "WRONG_KEY")
      throw new CliError(r.code, `${path} is signed by another key than --key; sign the package with the key that signed the image`);
    throw new CliError(r.code!, `${path}: ${r.message}`);
  }
  const facts = r.facts!;
  return { image: bytes.subarray(0, facts.totalSize), facts };
}

function mismatch(what: string, flag: string, path: string): never {
  throw new CliError("IMAGE_MISMATCH", `--${flag} disagrees with the ${what} inside ${path}; drop the flag or rebuild the image`);
}

export async function pack(opts: Opts, out: Out): Promise<void> {
  need(opts, "key", "the private key that signs the image and the manifest (PREFIX.key)");
  const input = need(opts, "in", "the raw firmware binary or a signed MCUboot image");
  const output = need(opts, "out", "where to write the package");
  const imageOut = typeof opts["image-out"] === "string" ? opts["image-out"] : undefined;
  const force = opts.force === true;
  const inputs = [input, opts.key as string, typeof opts.base === "string" ? opts.base : undefined];
  // Refuse before any work: no output replaced by surprise, none that is also an input.
  distinctOutputs(output, imageOut);
  checkOutput(output, { what: "package", force, inputs });
  if (imageOut) checkOutput(imageOut, { what: "image", force, inputs });
  const signing = signingOpts(opts);
  const secretKey = signing.key!.secretKey;
  const keyType = signing.key!.type;
  const pub = publicKeyOf(secretKey, keyType);
  const version = versionOpt(opts);
  const headerSize = intOpt(opts, "header-size", undefined, 32, 0xffff);
  const blockSize = intOpt(opts, "block-size", DEFAULT_BLOCK_SIZE, MIN_BLOCK_SIZE, MAX_BLOCK_SIZE)!;
  if (!isValidBlockSize(blockSize)) throw new UsageError(`--block-size must be a power of two from ${MIN_BLOCK_SIZE} to ${MAX_BLOCK_SIZE}, not ${blockSize}`);
  // Written into the image too: a raw image lifted out of the package keeps them.
  const req = requirementOpts(opts);
  const compress = oneOf(opts, "compress", ["rc", "heatshrink"] as const);
  const encryptFor = encryptOpts(opts);

  const inBytes = readInput(input, "firmware", sizeLimit(input, "firmware", MAX_FIRMWARE_BYTES, "no slot holds more"));
  let image: Uint8Array;
  if (isImage(inBytes)) {
    const { image: img, facts } = loadImage(inBytes, input, pub);
    if (version && compareVersions(version, facts.version) !== 0)
      throw new CliError("VERSION_MISMATCH", `--version ${formatVersion(version)} disagrees with ${input}, which is v${formatVersion(facts.version)}; drop --version or rebuild the image`);
    if (headerSize !== undefined && headerSize !== facts.headerSize) mismatch("header size", "header-size", input);
    const counter = facts.securityCounter ?? 0;
    if (signing.securityCounter !== undefined && signing.securityCounter !== counter) mismatch("security counter", "security-counter", input);
    if (signing.vendorId && !(facts.vendorId && bytesEqual(facts.vendorId, signing.vendorId))) mismatch("vendor ID", "vendor", input);
    if (signing.classId && !(facts.classId && bytesEqual(facts.classId, signing.classId))) mismatch("class ID", "class", input);
    // A requirement only in the manifest would not hold for the image sent raw.
    const hw = facts.hwRevision;
    if (req.hwRevGiven && !(hw && hw.min === req.hwRevMin && hw.max === req.hwRevMax)) mismatch("hardware revision range (HW_REVISION TLV)", "hw-rev-min/--hw-rev-max", input);
    if (req.minBootloader && facts.minBootloader !== req.minBootloader) mismatch("minimum bootloader (MIN_BOOTLOADER TLV)", "min-bootloader", input);
    image = img;
  } else {
    if (!version) throw new UsageError("--version is required when --in is raw firmware: the image version, e.g. 1.2.3");
    image = createImage(inBytes, {
      version,
      headerSize,
      ...signing,
      securityCounter: signing.securityCounter ?? 0,
      ...(req.hwRevGiven ? { hwRevMin: req.hwRevMin, hwRevMax: req.hwRevMax } : {}),
      minBootloader: req.minBootloader,
    });
  }

  let base: Uint8Array | undefined;
  if (typeof opts.base === "string") base = loadImage(readInput(opts.base, "base image", sizeLimit(opts.base, "base image", MAX_FIRMWARE_BYTES, "no slot holds more")), opts.base).image;
  const encoding: EncodingName = base ? "delta" : compress ? "compressed" : "raw";
  let res;
  try {
    res = packPackage({
      image,
      secretKey,
      keyType,
      encoding,
      codec: compress ?? "rc",
      base,
      blockSize,
      vendorId: signing.vendorId,
      classId: signing.classId,
      // Unset: the manifest takes the image's own requirements.
      hwRevMin: req.hwRevGiven ? req.hwRevMin : undefined,
      hwRevMax: req.hwRevGiven ? req.hwRevMax : undefined,
      minBootloader: req.minBootloader,
      encryptFor,
    });
  } catch (e) {
    if (e instanceof PackageFormatError) throw new CliError(e.code, e.message);
    throw e;
  }
  writeOutput(output, res.bytes, { what: "package", force, inputs });
  if (imageOut) writeOutput(imageOut, image, { what: "image", force, inputs });
  const m = res.manifest;
  const enc = encodingName(m.encoding);
  const codec = codecName(m.codec);
  out.human(
    `wrote ${output}: v${formatVersion(m.version)} (security counter ${m.securityCounter}), ${enc}${enc === "raw" ? "" : ` (${codec})`}, ` +
      `${m.imageSize}-byte image as ${m.dataSize} stream bytes in ${res.chain.blockCount} blocks, ${res.bytes.length} bytes in all; key ID ${hex(m.keyId)}` +
      (res.encryptionBlock ? `; encrypted (AES-${encryptFor!.aes}) for recipient ${hex(res.encryptionBlock.subarray(0, 32))}` : ""),
  );
  out.json({
    out: output,
    size: res.bytes.length,
    version: formatVersion(m.version),
    securityCounter: m.securityCounter,
    encoding: enc,
    codec,
    imageSize: m.imageSize,
    imageDigest: hex(m.imageDigest),
    dataSize: m.dataSize,
    payloadSize: m.payloadSize,
    blockSize: m.blockSize,
    blockCount: res.chain.blockCount,
    baseDigest: enc === "delta" ? hex(m.baseDigest) : null,
    baseSize: enc === "delta" ? m.baseSize : null,
    keyId: hex(m.keyId),
    hwRevMin: m.hwRevMin,
    hwRevMax: m.hwRevMax,
    minBootloader: formatBootloaderVersion(m.minBootloader),
    manifestSha256: hex(sha256(res.manifestBytes)),
    imageOut: typeof opts["image-out"] === "string" ? opts["image-out"] : null,
    encryption: encryptFor ? `aes-${encryptFor.aes}` : null,
    recipientId: res.encryptionBlock ? hex(res.encryptionBlock.subarray(0, 32)) : null,
    ciphertextDigest: res.encryptionBlock ? hex(res.encryptionBlock.subarray(128, 160)) : null,
  });
}
