// `slotboot verify FILE --pub KEY [--base OLD.img]`: every check a device
// makes on a package or an image that can be made on the host, each reported
// by name. The first failing check names the error code; exit 0 only when all
// checks that ran passed.
import { ed25519 } from "@noble/curves/ed25519.js";
import { CliError, need, type Opts } from "./args.js";
import { readInput, sizeLimit, MAX_FIRMWARE_BYTES, MAX_INPUT_BYTES, type InputLimit } from "./io.js";
import { readKey } from "./keys-cmd.js";
import type { Out } from "./out.js";
import { parseImage, keyHash, formatVersion, compareVersions, ImageFormatError, IMAGE_MAGIC, TLV, type ParsedImage } from "../tools/image.js";
import { keyId } from "../tools/keys.js";
import {
  blockCount, bytesEqual, checkChain, codecParams, decodeManifest, isValidBlockSize, manifestBody, CHAIN_DIGEST_SIZE, CODEC,
  ENCODING, MANIFEST_SIZE, PACKAGE_FORMAT_VERSION, PACKAGE_MAGIC, type Manifest,
} from "../tools/package.js";
import { applyPatch } from "../tools/delta/index.js";
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

/** The image checks of a device with `pub` provisioned; `prefix` names them inside a package report. */
function imageChecks(r: Report, bytes: Uint8Array, pub: Uint8Array, prefix: string): ParsedImage | undefined {
  let img: ParsedImage;
  try {
    img = parseImage(bytes);
  } catch (e) {
    const code = e instanceof ImageFormatError ? (e.code === "NOT_AN_IMAGE" ? "BAD_HEADER" : e.code) : "BAD_HEADER";
    r.check(`${prefix}format`, false, (e as Error).message, code);
    return undefined;
  }
  r.check(`${prefix}format`, true, `MCUboot image v${formatVersion(img.version)}, ${img.imageSize}-byte body, ${img.totalSize} bytes with TLVs`, "BAD_HEADER");
  const unprot = (type: number) => img.tlvs.find((t) => !t.protected && t.type === type)?.value;
  const sha = unprot(TLV.SHA256);
  if (!sha) r.check(`${prefix}sha256`, false, "no SHA-256 TLV", "NO_DIGEST");
  else r.check(`${prefix}sha256`, bytesEqual(sha, img.computedDigest), `SHA-256 TLV ${bytesEqual(sha, img.computedDigest) ? "matches" : "does not match"} the contents (${hex(img.computedDigest)})`, "DIGEST_MISMATCH");
  const kh = unprot(TLV.KEYHASH);
  if (kh) r.check(`${prefix}keyhash`, bytesEqual(kh, keyHash(pub)), bytesEqual(kh, keyHash(pub)) ? "KEYHASH TLV names this key" : "KEYHASH TLV names another key", "UNKNOWN_KEY");
  const sig = unprot(TLV.ED25519);
  if (!sig) {
    r.check(`${prefix}signature`, false, "the image is not signed (no ED25519 TLV); sign it with `slotboot image create --key`", "NO_SIGNATURE");
  } else {
    const ok = sig.length === 64 && ed25519.verify(sig, img.computedDigest, pub, { zip215: false });
    r.check(`${prefix}signature`, ok, ok ? "Ed25519 signature over the image digest verifies with this key" : "Ed25519 signature does not verify with this key", "BAD_SIGNATURE");
  }
  return img;
}

export function verifyImageBytes(bytes: Uint8Array, pub: Uint8Array): VerifyReport {
  const r = new Report("image");
  imageChecks(r, bytes, pub, "");
  return r.done();
}

function protTlvU32(img: ParsedImage, type: number): number | undefined {
  const v = img.tlvs.find((t) => t.protected && t.type === type)?.value;
  return v && v.length === 4 ? new DataView(v.buffer, v.byteOffset, 4).getUint32(0, true) : undefined;
}

/** The rebuilt image must be exactly the one the manifest describes (what the device checks after the last byte). */
function imageMatchesManifest(r: Report, image: Uint8Array, m: Manifest, pub: Uint8Array): void {
  r.check("image-size", image.length === m.imageSize, `decoded image is ${image.length} bytes; the manifest says ${m.imageSize}`, "IMAGE_MISMATCH");
  const img = imageChecks(r, image, pub, "image-");
  if (!img) return;
  const digestOk = bytesEqual(img.computedDigest, m.imageDigest);
  r.check("image-digest", digestOk, digestOk ? "the image's MCUboot digest matches the manifest" : `the image's digest ${hex(img.computedDigest)} is not the manifest's ${hex(m.imageDigest)}`, "DIGEST_MISMATCH");
  const versionOk = compareVersions(img.version, m.version) === 0;
  r.check("image-version", versionOk, `image v${formatVersion(img.version)}, manifest v${formatVersion(m.version)}`, "IMAGE_MISMATCH");
  const counter = protTlvU32(img, TLV.SEC_CNT) ?? 0;
  r.check("image-security-counter", counter === m.securityCounter, `image SEC_CNT ${counter}, manifest ${m.securityCounter}`, "IMAGE_MISMATCH");
  for (const [name, type, want] of [["image-vendor", TLV.VENDOR_UUID, m.vendorId], ["image-class", TLV.CLASS_UUID, m.classId]] as const) {
    const v = img.tlvs.find((t) => t.protected && t.type === type)?.value;
    if (v) r.check(name, bytesEqual(v, want), bytesEqual(v, want) ? "protected TLV matches the manifest" : "protected TLV differs from the manifest", "IMAGE_MISMATCH");
  }
}

export interface PackageVerifyOptions {
  /** The image a delta package applies to. */
  base?: Uint8Array;
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
  const sigOk = ed25519.verify(m.signature, manifestBody(m), pub, { zip215: false });
  if (!r.check("signature", sigOk, sigOk ? "Ed25519 signature over manifest bytes 0…191 verifies" : "the manifest signature does not verify with this key", "BAD_SIGNATURE"))
    return r.done();

  const formatOk = m.formatVersion === PACKAGE_FORMAT_VERSION && m.manifestSize === MANIFEST_SIZE && m.reserved === 0;
  r.check("format", formatOk, `format ${m.formatVersion}, manifest ${m.manifestSize} bytes, reserved ${m.reserved}`, "BAD_FORMAT");
  const [p1, p2] = codecParams(m.codec);
  const codecOk = m.encoding === ENCODING.raw ? m.codec === CODEC.none : (m.encoding === ENCODING.compressed || m.encoding === ENCODING.delta) && (m.codec === CODEC.rc || m.codec === CODEC.heatshrink);
  const encodingOk = codecOk && m.codecParam1 === p1 && m.codecParam2 === p2;
  r.check("encoding", encodingOk, `encoding ${m.encoding}, codec ${m.codec}, parameters ${m.codecParam1}/${m.codecParam2}`, "BAD_ENCODING");
  const count = isValidBlockSize(m.blockSize) ? blockCount(m.dataSize, m.blockSize) : 0;
  const geometryOk = count > 0 && m.payloadSize === m.dataSize + count * CHAIN_DIGEST_SIZE && (m.encoding !== ENCODING.raw || m.dataSize === m.imageSize);
  r.check("payload-size", geometryOk, `${m.dataSize} data bytes in ${count} blocks of ${m.blockSize} = payload ${m.payloadSize}`, "BAD_FORMAT");
  if (!geometryOk) return r.done();
  const total = MANIFEST_SIZE + m.payloadSize;
  const lengthOk = bytes.length === total;
  r.check("length", lengthOk, `file ${bytes.length} bytes, manifest + payload ${total}`, bytes.length < total ? "TRUNCATED" : "TRAILING_DATA");
  const chain = checkChain(bytes.subarray(MANIFEST_SIZE, total), m.chainHead, m.blockSize, m.dataSize);
  r.check("chain", chain.ok, chain.ok ? `all ${count} blocks match the signed chain head` : `block ${chain.badBlock} of ${count} does not match its chain digest`, "CHAIN_MISMATCH");
  if (!chain.ok || !encodingOk) return r.done();

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
  if (image) imageMatchesManifest(r, image, m, pub);
  return r.done();
}

function safeDigest(img: Uint8Array): Uint8Array | undefined {
  try {
    return parseImage(img).computedDigest;
  } catch {
    return undefined;
  }
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

export async function verifyCmd(file: string, opts: Opts, out: Out): Promise<void> {
  const bytes = readInput(file, "file", packageOrImageLimit(file));
  const pub = readKey("public", need(opts, "pub", "the public key to verify with (PREFIX.pub)"));
  let report: VerifyReport;
  if (isPackage(bytes)) {
    const base = typeof opts.base === "string" ? readInput(opts.base, "base image", sizeLimit(opts.base, "base image", MAX_FIRMWARE_BYTES, "no slot holds more")) : undefined;
    report = verifyPackageBytes(bytes, pub, { base });
  } else if (isImage(bytes)) {
    if (opts.base !== undefined) throw new CliError("BAD_ARGUMENT", "--base applies to delta packages, not to images", 2);
    report = verifyImageBytes(bytes, pub);
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
  out.human(`${file}: ${report.kind} verified${report.unchecked.length ? ` (${report.unchecked.length} checks need --base)` : ""}`);
}
