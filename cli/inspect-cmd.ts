// `slotboot inspect FILE`: what a package or an image says about itself —
// every field, sizes, digests and whether the self-checks (hash chain, image
// digest) hold. No key needed; `verify` is the one that judges trust. Every
// TLV the file holds is listed; the values a device acts on (counter, vendor,
// class, requirements) and the image's verdict (`check`) come from the core's
// own code, the checks every device makes whatever its key.
import { CliError } from "./args.js";
import { readInput } from "./io.js";
import { isImage, isPackage, packageOrImageLimit } from "./verify-cmd.js";
import type { Out } from "./out.js";
import { parseImage, formatVersion, ImageFormatError, TLV, type ParsedImage } from "../tools/image.js";
import { formatUuid } from "../tools/uuid.js";
import {
  blockCount, bytesEqual, checkChain, codecName, decodeManifest, encodingName, formatBootloaderVersion, isValidBlockSize,
  CHAIN_DIGEST_SIZE, ENCODING, MANIFEST_SIZE, PACKAGE_FORMAT_VERSION, PACKAGE_ENCRYPTION, packageHeadSize,
} from "../tools/package.js";
import { applyPatch } from "../tools/delta/index.js";
import { checkImage } from "../bindings/image-check.js";
import { sha256 } from "@noble/hashes/sha2.js";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

export const TLV_NAMES: Record<number, string> = {
  [TLV.KEYHASH]: "KEYHASH",
  [TLV.PUBKEY]: "PUBKEY",
  [TLV.SHA256]: "SHA256",
  [TLV.ED25519]: "ED25519",
  [TLV.SEC_CNT]: "SEC_CNT",
  [TLV.VENDOR_UUID]: "VENDOR_UUID",
  [TLV.CLASS_UUID]: "CLASS_UUID",
  [TLV.HW_REVISION]: "HW_REVISION",
  [TLV.MIN_BOOTLOADER]: "MIN_BOOTLOADER",
  0x11: "SHA384",
  0x12: "SHA512",
  0x20: "RSA2048_PSS",
  0x22: "ECDSA_SIG",
  0x23: "RSA3072_PSS",
  0x25: "SIG_PURE",
  0x30: "ENC_RSA2048",
  0x31: "ENC_KW",
  0x32: "ENC_EC256",
  0x33: "ENC_X25519",
  0x40: "DEPENDENCY",
  0x60: "BOOT_RECORD",
  0x70: "DECOMP_SIZE",
  0x71: "DECOMP_SHA",
  0x72: "DECOMP_SIGNATURE",
};

export function describeImage(bytes: Uint8Array, img: ParsedImage) {
  const c = checkImage(bytes);
  const f = c.facts;
  return {
    kind: "image" as const,
    size: bytes.length,
    headerSize: img.headerSize,
    loadAddr: img.loadAddr,
    bodySize: img.imageSize,
    protectedTlvSize: img.protectedTlvSize,
    flags: img.flags,
    version: formatVersion(img.version),
    totalSize: img.totalSize,
    trailingBytes: bytes.length - img.totalSize,
    tlvs: img.tlvs.map((t) => ({
      type: t.type,
      name: TLV_NAMES[t.type] ?? `0x${t.type.toString(16)}`,
      protected: t.protected,
      length: t.value.length,
      value: hex(t.value),
    })),
    digest: hex(c.digest ?? img.computedDigest),
    digestOk: c.passed.includes("sha256"),
    signed: !!f?.signed,
    keyHash: f?.keyHash ? hex(f.keyHash) : null,
    securityCounter: f?.securityCounter ?? null,
    vendor: f?.vendorId ? formatUuid(f.vendorId) : null,
    class: f?.classId ? formatUuid(f.classId) : null,
    hwRevision: f?.hwRevision ?? null,
    minBootloader: f?.minBootloader != null ? formatBootloaderVersion(f.minBootloader) : null,
    /** The device's verdict on the format and digest (no key, no identity): what every device checks. */
    check: { ok: c.ok, code: c.code, message: c.message },
  };
}

function imageInfo(bytes: Uint8Array, file: string) {
  try {
    return describeImage(bytes, parseImage(bytes));
  } catch (e) {
    if (e instanceof ImageFormatError) throw new CliError(e.code === "NOT_AN_IMAGE" ? "BAD_HEADER" : e.code, `${file}: ${e.message}`);
    throw e;
  }
}

export function describePackage(bytes: Uint8Array) {
  const m = decodeManifest(bytes);
  const problems: string[] = [];
  if (m.formatVersion !== PACKAGE_FORMAT_VERSION) problems.push(`format version ${m.formatVersion} is not ${PACKAGE_FORMAT_VERSION}`);
  if (m.manifestSize !== MANIFEST_SIZE) problems.push(`manifest size ${m.manifestSize} is not ${MANIFEST_SIZE}`);
  const sizeOk = isValidBlockSize(m.blockSize);
  if (!sizeOk) problems.push(`block size ${m.blockSize} is not a power of two from 256 to 65536`);
  const count = sizeOk ? blockCount(m.dataSize, m.blockSize) : 0;
  const geometryOk = sizeOk && m.dataSize > 0 && m.payloadSize === m.dataSize + count * CHAIN_DIGEST_SIZE;
  if (sizeOk && !geometryOk) problems.push(`payload size ${m.payloadSize} does not fit ${m.dataSize} data bytes in ${count} blocks`);
  const head = packageHeadSize(m.reserved);
  const encryptionBlock = head > MANIFEST_SIZE ? bytes.slice(MANIFEST_SIZE, head) : undefined;
  const total = head + m.payloadSize;
  if (bytes.length < total) problems.push(`truncated: ${bytes.length} of ${total} bytes`);
  if (bytes.length > total) problems.push(`${bytes.length - total} bytes after the payload`);
  let chainOk = false;
  let chainBadBlock: number | null = null;
  let image: Uint8Array | undefined;
  if (geometryOk) {
    const chain = checkChain(bytes.subarray(head, total), m.chainHead, m.blockSize, m.dataSize);
    chainOk = chain.ok;
    chainBadBlock = chain.ok ? null : chain.badBlock;
    // An encrypted payload is opaque here: only the device it is for can read the image.
    if (chain.ok && !encryptionBlock && m.encoding === ENCODING.raw) image = chain.stream;
    if (chain.ok && !encryptionBlock && m.encoding === ENCODING.compressed) {
      try {
        image = applyPatch(new Uint8Array(0), chain.stream);
      } catch (e) {
        problems.push(`the compressed stream does not decode: ${(e as Error).message}`);
      }
    }
  }
  let embedded: ReturnType<typeof describeImage> | null = null;
  let imageDigestOk: boolean | null = null;
  if (image) {
    try {
      const p = parseImage(image);
      embedded = describeImage(image, p);
      imageDigestOk = bytesEqual(p.computedDigest, m.imageDigest) && image.length === m.imageSize;
    } catch (e) {
      imageDigestOk = false;
      problems.push(`the payload is not an MCUboot image: ${(e as Error).message}`);
    }
  }
  const delta = m.encoding === ENCODING.delta;
  return {
    kind: "package" as const,
    size: bytes.length,
    formatVersion: m.formatVersion,
    manifestSize: m.manifestSize,
    vendor: formatUuid(m.vendorId),
    class: formatUuid(m.classId),
    hwRevMin: m.hwRevMin,
    hwRevMax: m.hwRevMax,
    minBootloader: formatBootloaderVersion(m.minBootloader),
    version: formatVersion(m.version),
    securityCounter: m.securityCounter,
    imageSize: m.imageSize,
    imageDigest: hex(m.imageDigest),
    encoding: encodingName(m.encoding),
    encodingId: m.encoding,
    codec: codecName(m.codec),
    codecId: m.codec,
    codecParams: [m.codecParam1, m.codecParam2],
    payloadSize: m.payloadSize,
    blockSize: m.blockSize,
    dataSize: m.dataSize,
    blockCount: count,
    chainHead: hex(m.chainHead),
    chainOk,
    chainBadBlock,
    baseDigest: delta ? hex(m.baseDigest) : null,
    baseSize: delta ? m.baseSize : null,
    reserved: m.reserved,
    encryption: encryptionBlock ? (m.reserved === PACKAGE_ENCRYPTION.aes128 ? "aes-128" : "aes-256") : null,
    recipientId: encryptionBlock ? hex(encryptionBlock.subarray(0, 32)) : null,
    ciphertextDigest: encryptionBlock ? hex(encryptionBlock.subarray(128, 160)) : null,
    keyId: hex(m.keyId),
    signature: hex(m.signature),
    manifestSha256: hex(sha256(bytes.subarray(0, Math.min(bytes.length, head)))),
    imageDigestOk,
    image: embedded,
    problems,
  };
}

function show(out: Out, rows: Array<[string, unknown]>, indent = ""): void {
  const w = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) out.human(`${indent}${k.padEnd(w)}  ${v === null ? "-" : v}`);
}

function showImage(out: Out, i: ReturnType<typeof describeImage>, indent = ""): void {
  show(out, [
    ["version", i.version],
    ["header size", i.headerSize],
    ["load address", `0x${i.loadAddr.toString(16)}`],
    ["body size", i.bodySize],
    ["protected TLVs", `${i.protectedTlvSize} bytes`],
    ["flags", `0x${i.flags.toString(16)}`],
    ["total size", `${i.totalSize}${i.trailingBytes ? ` (+${i.trailingBytes} bytes after the TLVs)` : ""}`],
    ["digest", `${i.digest} (${i.digestOk ? "matches the SHA256 TLV" : i.check.code === "DIGEST_MISMATCH" ? "DOES NOT match the SHA256 TLV" : "not checked"})`],
    ["signed", i.signed ? (i.tlvs.some((t) => t.type === TLV.ECDSA_SIG) ? "yes (ECDSA_SIG TLV, P-256)" : "yes (ED25519 TLV)") : "no"],
    ["security counter", i.securityCounter],
    ["vendor", i.vendor],
    ["class", i.class],
    ["hardware revision", i.hwRevision ? `${i.hwRevision.min} … ${i.hwRevision.max}` : null],
    ["min bootloader", i.minBootloader],
    ["check", i.check.ok ? "ok (format and digest, as every device checks them)" : `REFUSED ${i.check.code}: ${i.check.message}`],
  ], indent);
  for (const t of i.tlvs) out.human(`${indent}  TLV ${t.protected ? "prot  " : "unprot"} ${t.name.padEnd(14)} ${String(t.length).padStart(4)} bytes  ${t.value.length > 64 ? t.value.slice(0, 64) + "…" : t.value}`);
}

export async function inspectCmd(file: string, out: Out): Promise<void> {
  const bytes = readInput(file, "file", packageOrImageLimit(file));
  if (isPackage(bytes)) {
    if (bytes.length < MANIFEST_SIZE) throw new CliError("TRUNCATED", `${file} has ${bytes.length} bytes; a package manifest alone has ${MANIFEST_SIZE}`);
    const p = describePackage(bytes);
    out.human(`${file}: slotboot update package, ${p.size} bytes`);
    show(out, [
      ["version", p.version],
      ["security counter", p.securityCounter],
      ["vendor", p.vendor],
      ["class", p.class],
      ["hardware revision", `${p.hwRevMin} … ${p.hwRevMax}`],
      ["min bootloader", p.minBootloader === "0.0.0" ? "any" : p.minBootloader],
      ["encoding", `${p.encoding}${p.encoding === "raw" ? "" : `, codec ${p.codec} (${p.codecParams.join("/")})`}`],
      ["image size", p.imageSize],
      ["image digest", `${p.imageDigest}${p.imageDigestOk === null ? "" : p.imageDigestOk ? " (matches the payload)" : " (DOES NOT match the payload)"}`],
      ["data size", p.dataSize],
      ["payload", `${p.payloadSize} bytes, ${p.blockCount} blocks of ${p.blockSize}`],
      ["chain", p.chainOk ? `ok (head ${p.chainHead})` : `BROKEN${p.chainBadBlock !== null ? ` at block ${p.chainBadBlock}` : ""}`],
      ["base", p.baseDigest ? `${p.baseSize} bytes, digest ${p.baseDigest}` : null],
      ["encryption", p.encryption ? `${p.encryption} for recipient ${p.recipientId}, ciphertext SHA-256 ${p.ciphertextDigest}` : null],
      ["key ID", p.keyId],
      ["signature", p.signature],
      ["manifest SHA-256", p.manifestSha256],
    ], "  ");
    for (const problem of p.problems) out.human(`  problem: ${problem}`);
    if (p.image) {
      out.human("  embedded image:");
      showImage(out, p.image, "    ");
    }
    out.json({ file, ...p });
    return;
  }
  if (isImage(bytes)) {
    const i = imageInfo(bytes, file);
    out.human(`${file}: MCUboot image, ${i.size} bytes`);
    showImage(out, i, "  ");
    out.json({ file, ...i });
    return;
  }
  throw new CliError("NOT_A_PACKAGE", `${file} is neither a slotboot package nor an MCUboot image`);
}
