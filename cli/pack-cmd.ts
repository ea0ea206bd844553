// `slotboot pack`: firmware (or a ready MCUboot image) → signed image → signed
// update package (docs/formats.md), raw, compressed or as a delta.
import { ed25519 } from "@noble/curves/ed25519.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { CliError, UsageError, need, intOpt, oneOf, type Opts } from "./args.js";
import { readInput, sizeLimit, MAX_FIRMWARE_BYTES } from "./io.js";
import { checkOutput, distinctOutputs, writeOutput } from "./safe-write.js";
import { checkImageFile, signingOpts, versionOpt } from "./image-cmd.js";
import { isImage } from "./verify-cmd.js";
import type { Out } from "./out.js";
import { compareVersions, createImage, formatVersion, parseImage, TLV, type ParsedImage } from "../tools/image.js";
import { publicKeyOf } from "../tools/keys.js";
import {
  bytesEqual, codecName, encodingName, packPackage, parseBootloaderVersion, PackageFormatError, DEFAULT_BLOCK_SIZE,
  HW_REV_ANY_MAX, MAX_BLOCK_SIZE, MIN_BLOCK_SIZE, isValidBlockSize, type EncodingName,
} from "../tools/package.js";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

/** A ready image, without any padding after its TLVs, checked for digest and signer. */
function loadImage(bytes: Uint8Array, path: string, pub?: Uint8Array): { image: Uint8Array; parsed: ParsedImage } {
  checkImageFile(bytes, path);
  const parsed = parseImage(bytes);
  const image = bytes.subarray(0, parsed.totalSize);
  if (pub) {
    const sig = parsed.tlvs.find((t) => !t.protected && t.type === TLV.ED25519)?.value;
    if (!sig) throw new CliError("NO_SIGNATURE", `${path} is not signed; a device with a key provisioned refuses it — build it with \`slotboot image create --key\` or pass the raw firmware`);
    if (sig.length !== 64 || !ed25519.verify(sig, parsed.computedDigest, pub, { zip215: false }))
      throw new CliError("BAD_SIGNATURE", `${path} is signed by another key than --key; sign the package with the key that signed the image`);
  }
  return { image, parsed };
}

function protTlv(p: ParsedImage, type: number): Uint8Array | undefined {
  return p.tlvs.find((t) => t.protected && t.type === type)?.value;
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
  const pub = publicKeyOf(secretKey);
  const version = versionOpt(opts);
  const headerSize = intOpt(opts, "header-size", undefined, 32, 0xffff);
  const blockSize = intOpt(opts, "block-size", DEFAULT_BLOCK_SIZE, MIN_BLOCK_SIZE, MAX_BLOCK_SIZE)!;
  if (!isValidBlockSize(blockSize)) throw new UsageError(`--block-size must be a power of two from ${MIN_BLOCK_SIZE} to ${MAX_BLOCK_SIZE}, not ${blockSize}`);
  const hwRevMin = intOpt(opts, "hw-rev-min", 0, 0, 0xffff)!;
  const hwRevMax = intOpt(opts, "hw-rev-max", HW_REV_ANY_MAX, 0, 0xffff)!;
  if (hwRevMin > hwRevMax) throw new UsageError(`--hw-rev-min ${hwRevMin} is above --hw-rev-max ${hwRevMax}`);
  let minBootloader = 0;
  if (opts["min-bootloader"] !== undefined) {
    try {
      minBootloader = parseBootloaderVersion(need(opts, "min-bootloader", "x.y.z"));
    } catch (e) {
      if (e instanceof PackageFormatError) throw new CliError(e.code, `--min-bootloader: ${e.message}`, 2);
      throw e;
    }
  }
  const compress = oneOf(opts, "compress", ["rc", "heatshrink"] as const);

  const inBytes = readInput(input, "firmware", sizeLimit(input, "firmware", MAX_FIRMWARE_BYTES, "no slot holds more"));
  let image: Uint8Array;
  if (isImage(inBytes)) {
    const { image: img, parsed } = loadImage(inBytes, input, pub);
    if (version && compareVersions(version, parsed.version) !== 0)
      throw new CliError("VERSION_MISMATCH", `--version ${formatVersion(version)} disagrees with ${input}, which is v${formatVersion(parsed.version)}; drop --version or rebuild the image`);
    if (headerSize !== undefined && headerSize !== parsed.headerSize) mismatch("header size", "header-size", input);
    const sec = protTlv(parsed, TLV.SEC_CNT);
    const counter = sec && sec.length === 4 ? new DataView(sec.buffer, sec.byteOffset, 4).getUint32(0, true) : 0;
    if (signing.securityCounter !== undefined && signing.securityCounter !== counter) mismatch("security counter", "security-counter", input);
    const vendor = protTlv(parsed, TLV.VENDOR_UUID);
    if (signing.vendorId && !(vendor && bytesEqual(vendor, signing.vendorId))) mismatch("vendor ID", "vendor", input);
    const cls = protTlv(parsed, TLV.CLASS_UUID);
    if (signing.classId && !(cls && bytesEqual(cls, signing.classId))) mismatch("class ID", "class", input);
    image = img;
  } else {
    if (!version) throw new UsageError("--version is required when --in is raw firmware: the image version, e.g. 1.2.3");
    image = createImage(inBytes, { version, headerSize, ...signing, securityCounter: signing.securityCounter ?? 0 });
  }

  let base: Uint8Array | undefined;
  if (typeof opts.base === "string") base = loadImage(readInput(opts.base, "base image", sizeLimit(opts.base, "base image", MAX_FIRMWARE_BYTES, "no slot holds more")), opts.base).image;
  const encoding: EncodingName = base ? "delta" : compress ? "compressed" : "raw";
  let res;
  try {
    res = packPackage({
      image,
      secretKey,
      encoding,
      codec: compress ?? "rc",
      base,
      blockSize,
      vendorId: signing.vendorId,
      classId: signing.classId,
      hwRevMin,
      hwRevMax,
      minBootloader,
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
      `${m.imageSize}-byte image as ${m.dataSize} stream bytes in ${res.chain.blockCount} blocks, ${res.bytes.length} bytes in all; key ID ${hex(m.keyId)}`,
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
    manifestSha256: hex(sha256(res.manifestBytes)),
    imageOut: typeof opts["image-out"] === "string" ? opts["image-out"] : null,
  });
}
