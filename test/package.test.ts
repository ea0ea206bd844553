// Host side of signed updates: the manifest layout against docs/formats.md,
// the block hash chain, package building/parsing, the host verifier (every
// tampered byte is caught), keys (PEM, node crypto and openssl interop), UUIDs.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { spawnSync } from "node:child_process";
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign as nodeSign } from "node:crypto";
import { ed25519 } from "@noble/curves/ed25519.js";
import { createImage, parseImage, type Version } from "../tools/image.js";
import { applyPatch } from "../tools/delta/index.js";
import {
  chainBlocks, checkChain, decodeManifest, manifestBody, packPackage, parsePackage, signManifest, PackageFormatError,
  MANIFEST_OFFSETS, MANIFEST_SIZE, MANIFEST_SIGNED_SIZE, type Manifest,
} from "../tools/package.js";
import {
  generateKeyPair, keyId, parsePrivateKey, parsePublicKey, privateKeyPem, publicKeyPem, publicKeyOf, readPrivateKey, readPublicKey, KeyError,
} from "../tools/keys.js";
import { formatUuid, parseUuid, UuidError } from "../tools/uuid.js";
import { verifyImageBytes, verifyPackageBytes } from "../cli/verify-cmd.js";

const RUNS = process.env.SLOTBOOT_LONG ? 200 : 25;
const sha = (b: Uint8Array) => new Uint8Array(createHash("sha256").update(b).digest());
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

// RFC 8032 section 7.1, test 1.
const RFC_SEED = Uint8Array.from(Buffer.from("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60", "hex"));
const RFC_PUB = Uint8Array.from(Buffer.from("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "hex"));
const KEY = { secretKey: RFC_SEED, publicKey: RFC_PUB };
const OTHER = generateKeyPair();
const VENDOR = parseUuid("3f2504e0-4f89-11d3-9a0c-0305e82c3301");
const CLASS = parseUuid("00112233-4455-6677-8899-aabbccddeeff");

function firmware(size: number, seed: number): Uint8Array {
  const b = new Uint8Array(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    // Compressible but not trivial: runs of a slowly drifting byte with noise.
    x = (x * 1103515245 + 12345) >>> 0;
    b[i] = (i >> 5) + ((x >>> 28) & 3);
  }
  return b;
}

function image(size: number, seed: number, version: Version, secCnt = 7, secretKey = KEY.secretKey): Uint8Array {
  return createImage(firmware(size, seed), { version, securityCounter: secCnt, vendorId: VENDOR, classId: CLASS, key: { secretKey } });
}

const V1 = { major: 1, minor: 2, revision: 3, build: 0 };
const V2 = { major: 1, minor: 3, revision: 0, build: 42 };

describe("manifest layout", () => {
  // The doc's table is the contract with the device: read it, do not restate it.
  const DOC_NAMES: Record<string, keyof typeof MANIFEST_OFFSETS> = {
    magic: "magic",
    "format version": "formatVersion",
    "manifest size": "manifestSize",
    "vendor ID": "vendorId",
    "class ID": "classId",
    "hardware revision min": "hwRevMin",
    "hardware revision max": "hwRevMax",
    "minimum bootloader version": "minBootloader",
    "image version": "version",
    "security counter": "securityCounter",
    "image size": "imageSize",
    "image digest": "imageDigest",
    encoding: "encoding",
    codec: "codec",
    "codec parameter 1": "codecParam1",
    "codec parameter 2": "codecParam2",
    "payload size": "payloadSize",
    "block size": "blockSize",
    "data size": "dataSize",
    "chain head": "chainHead",
    "base digest": "baseDigest",
    "base size": "baseSize",
    reserved: "reserved",
    "key ID": "keyId",
    signature: "signature",
  };
  const doc = readFileSync(new URL("../docs/formats.md", import.meta.url), "utf8");
  const section = doc.slice(doc.indexOf("### Manifest"), doc.indexOf("### Payload"));
  const rows = [...section.matchAll(/^\| (\d+) \| (\d+) \| ([^|]+?) \|/gm)].map((m) => ({ offset: +m[1], size: +m[2], name: m[3].trim() }));

  it("every field of docs/formats.md sits at the documented offset, contiguous up to 256 bytes", () => {
    expect(rows.length).toBe(Object.keys(MANIFEST_OFFSETS).length);
    let at = 0;
    for (const r of rows) {
      expect(DOC_NAMES[r.name], `doc field "${r.name}"`).toBeDefined();
      expect(MANIFEST_OFFSETS[DOC_NAMES[r.name]], r.name).toBe(r.offset);
      expect(r.offset, r.name).toBe(at);
      at += r.size;
    }
    expect(at).toBe(MANIFEST_SIZE);
    expect(MANIFEST_OFFSETS.signature).toBe(MANIFEST_SIGNED_SIZE);
  });

  it("manifestBody writes each value little-endian at the documented offset", () => {
    const m: Manifest = {
      magic: Uint8Array.from([0x53, 0x42, 0x50, 0x4b]),
      formatVersion: 1,
      manifestSize: 256,
      vendorId: VENDOR,
      classId: CLASS,
      hwRevMin: 0x1234,
      hwRevMax: 0xfedc,
      minBootloader: 0x010203,
      version: { major: 9, minor: 8, revision: 0x0706, build: 0x05040302 },
      securityCounter: 0xa1b2c3d4,
      imageSize: 0x00123456,
      imageDigest: new Uint8Array(32).fill(0x11),
      encoding: 2,
      codec: 2,
      codecParam1: 8,
      codecParam2: 7,
      payloadSize: 0x22334455,
      blockSize: 4096,
      dataSize: 0x33445566,
      chainHead: new Uint8Array(32).fill(0x22),
      baseDigest: new Uint8Array(32).fill(0x33),
      baseSize: 0x44556677,
      reserved: 0,
      keyId: Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]),
    };
    const b = manifestBody(m);
    expect(b.length).toBe(192);
    const at = (name: string) => rows.find((r) => r.name === name)!;
    const field = (name: string) => hex(b.subarray(at(name).offset, at(name).offset + at(name).size));
    expect(field("magic")).toBe("5342504b");
    expect(field("format version")).toBe("0100");
    expect(field("manifest size")).toBe("0001");
    expect(field("vendor ID")).toBe("3f2504e04f8911d39a0c0305e82c3301");
    expect(field("class ID")).toBe("00112233445566778899aabbccddeeff");
    expect(field("hardware revision min")).toBe("3412");
    expect(field("hardware revision max")).toBe("dcfe");
    expect(field("minimum bootloader version")).toBe("03020100");
    expect(field("image version")).toBe("0908060702030405");
    expect(field("security counter")).toBe("d4c3b2a1");
    expect(field("image size")).toBe("56341200");
    expect(field("image digest")).toBe("11".repeat(32));
    expect(field("encoding") + field("codec") + field("codec parameter 1") + field("codec parameter 2")).toBe("02020807");
    expect(field("payload size")).toBe("55443322");
    expect(field("block size")).toBe("00100000");
    expect(field("data size")).toBe("66554433");
    expect(field("chain head")).toBe("22".repeat(32));
    expect(field("base digest")).toBe("33".repeat(32));
    expect(field("base size")).toBe("77665544");
    expect(field("reserved")).toBe("00000000");
    expect(field("key ID")).toBe("0102030405060708");
    const full = signManifest(b, KEY.secretKey);
    const { signature, ...back } = decodeManifest(full);
    expect(back).toEqual(m);
    expect(ed25519.verify(signature, b, KEY.publicKey)).toBe(true);
  });
});

describe("hash chain", () => {
  it("matches a chain built by hand: next k = SHA-256(data k+1 ‖ next k+1), zeros after the last", () => {
    const stream = firmware(600, 3);
    const c = chainBlocks(stream, 256);
    const d2 = sha(Uint8Array.from([...stream.subarray(512), ...new Uint8Array(32)]));
    const d1 = sha(Uint8Array.from([...stream.subarray(256, 512), ...d2]));
    const d0 = sha(Uint8Array.from([...stream.subarray(0, 256), ...d1]));
    expect(c.blockCount).toBe(3);
    expect(hex(c.head)).toBe(hex(d0));
    expect(hex(c.payload)).toBe(hex(Uint8Array.from([...stream.subarray(0, 256), ...d1, ...stream.subarray(256, 512), ...d2, ...stream.subarray(512), ...new Uint8Array(32)])));
  });

  it("property: a chain checks, gives the stream back, and any flipped bit names its own block", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 3000 }), fc.constantFrom(256, 512, 1024), fc.nat(), fc.integer({ min: 0, max: 7 }), (stream, bs, pos, bit) => {
        const c = chainBlocks(stream, bs);
        expect(c.payload.length).toBe(stream.length + 32 * Math.ceil(stream.length / bs));
        const ok = checkChain(c.payload, c.head, bs, stream.length);
        expect(ok.ok).toBe(true);
        expect(hex(ok.stream)).toBe(hex(stream));
        const p = pos % c.payload.length;
        const bad = c.payload.slice();
        bad[p] ^= 1 << bit;
        const r = checkChain(bad, c.head, bs, stream.length);
        expect(r.ok).toBe(false);
        expect(r.badBlock).toBe(Math.floor(p / (bs + 32)));
      }),
      { numRuns: RUNS },
    );
  });
});

describe("packPackage / parsePackage", () => {
  const img1 = image(3000, 1, V1);
  const img2 = (() => {
    const fw = firmware(3000, 1);
    fw.set([1, 2, 3, 4, 5], 1700);
    return createImage(fw, { version: V2, securityCounter: 8, vendorId: VENDOR, classId: CLASS, key: KEY });
  })();

  it("raw: manifest fields come from the image; signature, key ID and chain are right", () => {
    const r = packPackage({ image: img1, secretKey: KEY.secretKey, blockSize: 1024, hwRevMin: 2, hwRevMax: 5, minBootloader: "1.4.2" });
    const p = parsePackage(r.bytes);
    const m = p.manifest;
    expect(m).toMatchObject({ formatVersion: 1, manifestSize: 256, hwRevMin: 2, hwRevMax: 5, minBootloader: 0x010402, version: V1, securityCounter: 7 });
    expect(m).toMatchObject({ imageSize: img1.length, encoding: 0, codec: 0, codecParam1: 0, codecParam2: 0, blockSize: 1024, dataSize: img1.length, baseSize: 0, reserved: 0 });
    expect(hex(m.vendorId)).toBe(hex(VENDOR));
    expect(hex(m.classId)).toBe(hex(CLASS));
    // Covered: everything before the unprotected TLVs (info 4 + KEYHASH 36 + SHA256 36 + ED25519 68 bytes).
    expect(hex(m.imageDigest)).toBe(hex(sha(img1.subarray(0, img1.length - 144))));
    expect(hex(m.baseDigest)).toBe("00".repeat(32));
    expect(hex(m.keyId)).toBe(hex(sha(RFC_PUB).subarray(0, 8)));
    expect(p.blockCount).toBe(Math.ceil(img1.length / 1024));
    expect(m.payloadSize).toBe(img1.length + 32 * p.blockCount);
    expect(r.bytes.length).toBe(256 + m.payloadSize);
    expect(ed25519.verify(p.signature, r.bytes.subarray(0, 192), RFC_PUB, { zip215: false })).toBe(true);
    const chain = checkChain(p.payload, m.chainHead, 1024, m.dataSize);
    expect(chain.ok).toBe(true);
    expect(hex(chain.stream)).toBe(hex(img1));
    expect(hex(p.manifestDigest)).toBe(hex(sha(r.bytes.subarray(0, 256))));
    expect(verifyPackageBytes(r.bytes, RFC_PUB, { hardwareRevision: 3, bootloaderVersion: 0x010500 })).toMatchObject({ ok: true, kind: "package", error: null, unchecked: [] });
    // The manifest's requirements need the device's identity; without it they are named as not checked.
    expect(verifyPackageBytes(r.bytes, RFC_PUB).unchecked.map((u) => u.name)).toEqual(["hw-revision", "bootloader"]);
    expect(verifyPackageBytes(r.bytes, RFC_PUB, { hardwareRevision: 6 }).error).toBe("HW_REVISION");
    expect(verifyPackageBytes(r.bytes, RFC_PUB, { bootloaderVersion: 0x010401 }).error).toBe("BOOTLOADER_TOO_OLD");
  });

  it("compressed: a delta against an empty base, with the codec's parameters", () => {
    for (const codec of ["rc", "heatshrink"] as const) {
      const r = packPackage({ image: img1, secretKey: KEY.secretKey, encoding: "compressed", codec });
      const m = parsePackage(r.bytes).manifest;
      expect(m.encoding).toBe(1);
      expect(m.codec).toBe(codec === "rc" ? 1 : 2);
      expect([m.codecParam1, m.codecParam2]).toEqual(codec === "rc" ? [0, 0] : [8, 7]);
      expect(m.dataSize).toBe(r.stream.length);
      expect(hex(applyPatch(new Uint8Array(0), r.stream))).toBe(hex(img1));
      expect(verifyPackageBytes(r.bytes, RFC_PUB).ok).toBe(true);
    }
  });

  it("delta: base digest and size name the base; the stream rebuilds the new image from it", () => {
    const r = packPackage({ image: img2, secretKey: KEY.secretKey, base: img1 });
    const m = parsePackage(r.bytes).manifest;
    expect(m).toMatchObject({ encoding: 2, codec: 1, baseSize: img1.length, imageSize: img2.length, version: V2, securityCounter: 8 });
    expect(hex(m.baseDigest)).toBe(hex(parseImage(img1).computedDigest));
    expect(r.stream.length).toBeLessThan(img2.length / 4);
    expect(hex(applyPatch(img1, r.stream))).toBe(hex(img2));
    const partial = verifyPackageBytes(r.bytes, RFC_PUB);
    expect(partial.ok).toBe(true);
    expect(partial.unchecked.map((u) => u.name)).toContain("image-digest");
    const full = verifyPackageBytes(r.bytes, RFC_PUB, { base: img1 });
    expect(full).toMatchObject({ ok: true, unchecked: [] });
    expect(full.checks.map((c) => c.name)).toEqual(expect.arrayContaining(["base", "decode", "image-digest", "image-signature"]));
    expect(verifyPackageBytes(r.bytes, RFC_PUB, { base: img2 })).toMatchObject({ ok: false, error: "BASE_MISMATCH" });
  });

  it("is deterministic: the same inputs give the same bytes", () => {
    for (const o of [{}, { encoding: "compressed" as const, codec: "heatshrink" as const }, { base: img1 }]) {
      const img = "base" in o ? img2 : img1;
      expect(hex(packPackage({ image: img, secretKey: KEY.secretKey, ...o }).bytes)).toBe(hex(packPackage({ image: img, secretKey: KEY.secretKey, ...o }).bytes));
    }
  });

  it("parsePackage refuses what is not a well-formed package, with a code", () => {
    const good = packPackage({ image: img1, secretKey: KEY.secretKey, blockSize: 512 }).bytes;
    const code = (b: Uint8Array) => {
      try {
        parsePackage(b);
        return "none";
      } catch (e) {
        expect(e).toBeInstanceOf(PackageFormatError);
        return (e as PackageFormatError).code;
      }
    };
    const edit = (f: (b: Uint8Array, dv: DataView) => void) => {
      const b = good.slice();
      f(b, new DataView(b.buffer));
      return b;
    };
    expect(code(good)).toBe("none");
    expect(code(img1)).toBe("NOT_A_PACKAGE");
    expect(code(new Uint8Array(2))).toBe("NOT_A_PACKAGE");
    expect(code(good.subarray(0, 100))).toBe("TRUNCATED");
    expect(code(good.subarray(0, good.length - 1))).toBe("TRUNCATED");
    expect(code(Uint8Array.from([...good, 0]))).toBe("TRAILING_BYTES");
    expect(code(edit((_, dv) => dv.setUint16(4, 2, true)))).toBe("BAD_FORMAT");
    expect(code(edit((_, dv) => dv.setUint16(6, 255, true)))).toBe("BAD_FORMAT");
    expect(code(edit((_, dv) => dv.setUint32(104, 768, true)))).toBe("BAD_FORMAT");
    expect(code(edit((_, dv) => dv.setUint32(104, 128, true)))).toBe("BAD_FORMAT");
    expect(code(edit((_, dv) => dv.setUint32(100, dv.getUint32(100, true) + 1, true)))).toBe("BAD_FORMAT");
    expect(code(edit((_, dv) => dv.setUint32(108, 0, true)))).toBe("BAD_FORMAT");
  });

  it("refuses inconsistent inputs unless told `unchecked`", () => {
    const padded = Uint8Array.from([...img1, 0xff, 0xff]);
    expect(() => packPackage({ image: padded, secretKey: KEY.secretKey })).toThrow(/without padding/);
    expect(() => packPackage({ image: firmware(100, 1), secretKey: KEY.secretKey })).toThrow(PackageFormatError);
    expect(() => packPackage({ image: img1, secretKey: KEY.secretKey, blockSize: 1000 })).toThrow(/power of two/);
    expect(() => packPackage({ image: img1, secretKey: KEY.secretKey, encoding: "delta" })).toThrow(/base image/);
    const junk = packPackage({ image: firmware(100, 1), secretKey: KEY.secretKey, unchecked: true });
    expect(junk.manifest.version).toEqual({ major: 0, minor: 0, revision: 0, build: 0 });
    expect(verifyPackageBytes(junk.bytes, RFC_PUB)).toMatchObject({ ok: false, error: "BAD_HEADER" });
  });
});

describe("host verifier", () => {
  const small = image(700, 9, V1);
  const pkg = packPackage({ image: small, secretKey: KEY.secretKey, blockSize: 256 });

  it("catches every flipped byte of manifest and payload, with the device's first failing check", () => {
    expect(verifyPackageBytes(pkg.bytes, RFC_PUB).ok).toBe(true);
    const seen = new Map<string, number>();
    for (let i = 0; i < pkg.bytes.length; i++) {
      const b = pkg.bytes.slice();
      b[i] ^= 0x40;
      const r = verifyPackageBytes(b, RFC_PUB);
      expect(r.ok, `byte ${i}`).toBe(false);
      const want = i >= 184 && i < 192 ? "UNKNOWN_KEY" : i < 256 ? "BAD_SIGNATURE" : "CHAIN_MISMATCH";
      expect(r.error, `byte ${i}`).toBe(want);
      seen.set(r.error!, (seen.get(r.error!) ?? 0) + 1);
    }
    expect(seen.get("UNKNOWN_KEY")).toBe(8);
  });

  it("names truncation, trailing bytes and a foreign key", () => {
    expect(verifyPackageBytes(pkg.bytes.subarray(0, pkg.bytes.length - 10), RFC_PUB).error).toBe("TRUNCATED");
    expect(verifyPackageBytes(pkg.bytes.subarray(0, 200), RFC_PUB).error).toBe("TRUNCATED");
    expect(verifyPackageBytes(Uint8Array.from([...pkg.bytes, 1]), RFC_PUB).error).toBe("TRAILING_BYTES");
    expect(verifyPackageBytes(pkg.bytes, OTHER.publicKey).error).toBe("UNKNOWN_KEY");
    // A package that claims the other key's ID but is signed with ours.
    const forged = packPackage({ image: small, secretKey: KEY.secretKey, manifest: { keyId: keyId(OTHER.publicKey) } });
    expect(verifyPackageBytes(forged.bytes, OTHER.publicKey).error).toBe("BAD_SIGNATURE");
    // Signed with the other key, whose image was signed with ours.
    const mixed = packPackage({ image: small, secretKey: OTHER.secretKey });
    const r = verifyPackageBytes(mixed.bytes, OTHER.publicKey);
    expect(r.error).toBe("WRONG_KEY");
    expect(r.checks.find((c) => !c.ok)!.name).toBe("image-keyhash");
  });

  it("catches a signed manifest that does not describe its image", () => {
    const cases: Array<[Partial<Manifest>, string, string]> = [
      [{ securityCounter: 99 }, "IMAGE_MISMATCH", "image-security-counter"],
      [{ version: V2 }, "IMAGE_MISMATCH", "image-version"],
      [{ imageDigest: new Uint8Array(32).fill(1) }, "DIGEST_MISMATCH", "image-digest"],
      [{ vendorId: CLASS }, "IMAGE_MISMATCH", "image-vendor"],
      [{ codecParam1: 8 }, "BAD_ENCODING", "encoding"],
      [{ encoding: 3 }, "BAD_ENCODING", "encoding"],
      // 1 and 2 name an encryption (an encryption block then follows the manifest); 3 is no known one.
      [{ reserved: 3 }, "BAD_FORMAT", "format"],
      [{ dataSize: small.length - 1 }, "BAD_FORMAT", "payload-size"],
      [{ chainHead: new Uint8Array(32) }, "CHAIN_MISMATCH", "chain"],
    ];
    for (const [manifest, code, check] of cases) {
      const r = verifyPackageBytes(packPackage({ image: small, secretKey: KEY.secretKey, manifest }).bytes, RFC_PUB);
      expect(r.error, JSON.stringify(Object.keys(manifest))).toBe(code);
      expect(r.checks.find((c) => !c.ok)!.name).toBe(check);
    }
  });

  it("decodes compressed streams and refuses hand-made ones that do not decode", () => {
    const stream = packPackage({ image: small, secretKey: KEY.secretKey, encoding: "compressed" }).stream.slice();
    stream[stream.length - 3] ^= 0xff; // inside the last coded block: the CRC catches it
    const r = verifyPackageBytes(packPackage({ image: small, secretKey: KEY.secretKey, encoding: "compressed", stream }).bytes, RFC_PUB);
    expect(r).toMatchObject({ ok: false, error: "DECODE_FAILED" });
    const notDelta = packPackage({ image: small, secretKey: KEY.secretKey, encoding: "compressed", stream: firmware(300, 2) });
    expect(verifyPackageBytes(notDelta.bytes, RFC_PUB).error).toBe("BAD_ENCODING");
  });

  it("checks images: digest, key hash, signature (the device's codes)", () => {
    expect(verifyImageBytes(small, RFC_PUB)).toMatchObject({ ok: true, kind: "image", error: null });
    expect(verifyImageBytes(small, OTHER.publicKey).error).toBe("WRONG_KEY");
    const unsigned = createImage(firmware(500, 1), { version: V1 });
    expect(verifyImageBytes(unsigned, RFC_PUB).error).toBe("NO_SIGNATURE");
    const body = small.slice();
    body[600] ^= 1;
    expect(verifyImageBytes(body, RFC_PUB).error).toBe("DIGEST_MISMATCH");
    const p = parseImage(small);
    const sig = p.tlvs.find((t) => t.type === 0x24)!;
    const badSig = small.slice();
    badSig[sig.offset + 5] ^= 1;
    expect(verifyImageBytes(badSig, RFC_PUB).error).toBe("BAD_SIGNATURE");
  });
});

describe("keys", () => {
  it("RFC 8032 key: public key and key ID", () => {
    expect(hex(publicKeyOf(RFC_SEED))).toBe(hex(RFC_PUB));
    expect(hex(keyId(RFC_PUB))).toBe(hex(sha(RFC_PUB).subarray(0, 8)));
  });

  it("PEM files round-trip and are the DER node's crypto (OpenSSL) reads and writes", () => {
    const pem = privateKeyPem(RFC_SEED);
    expect(pem.startsWith("-----BEGIN PRIVATE KEY-----\n")).toBe(true);
    expect(hex(parsePrivateKey(Buffer.from(pem)))).toBe(hex(RFC_SEED));
    const pub = publicKeyPem(RFC_PUB);
    expect(pub.startsWith("-----BEGIN PUBLIC KEY-----\n")).toBe(true);
    expect(hex(parsePublicKey(Buffer.from(pub)))).toBe(hex(RFC_PUB));
    // node reads ours...
    const nodeKey = createPrivateKey(pem);
    expect(nodeKey.asymmetricKeyType).toBe("ed25519");
    expect(Buffer.from(nodeKey.export({ format: "jwk" }).d!, "base64url").toString("hex")).toBe(hex(RFC_SEED));
    expect(createPublicKey(pub).export({ format: "der", type: "spki" }).toString("hex")).toBe(createPublicKey(nodeKey).export({ format: "der", type: "spki" }).toString("hex"));
    // ...and we read node's, byte for byte the same files.
    const { privateKey, publicKey } = generateKeyPairSync("ed25519");
    const nodePem = privateKey.export({ format: "pem", type: "pkcs8" }).toString();
    const nodePub = publicKey.export({ format: "pem", type: "spki" }).toString();
    const seed = parsePrivateKey(Buffer.from(nodePem));
    expect(privateKeyPem(seed)).toBe(nodePem);
    expect(publicKeyPem(publicKeyOf(seed))).toBe(nodePub);
    const msg = Buffer.from("slotboot");
    expect(ed25519.verify(nodeSign(null, msg, privateKey), msg, parsePublicKey(Buffer.from(nodePub)))).toBe(true);
  });

  it("reads hex and raw files, and PKCS#8 v2 with a matching public key", () => {
    expect(hex(parsePrivateKey(Buffer.from(hex(RFC_SEED) + "\n")))).toBe(hex(RFC_SEED));
    expect(hex(parsePrivateKey(RFC_SEED))).toBe(hex(RFC_SEED));
    expect(hex(parsePublicKey(Buffer.from(hex(RFC_PUB).toUpperCase())))).toBe(hex(RFC_PUB));
    expect(hex(parsePublicKey(RFC_PUB))).toBe(hex(RFC_PUB));
    const v2 = (pub: Uint8Array) =>
      `-----BEGIN PRIVATE KEY-----\n${Buffer.from([0x30, 0x51, 0x02, 0x01, 0x01, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20, ...RFC_SEED, 0x81, 0x21, 0x00, ...pub]).toString("base64")}\n-----END PRIVATE KEY-----\n`;
    expect(hex(parsePrivateKey(Buffer.from(v2(RFC_PUB))))).toBe(hex(RFC_SEED));
    expect(() => parsePrivateKey(Buffer.from(v2(OTHER.publicKey)))).toThrow(/does not belong/);
  });

  it("refuses what is not an Ed25519 key of the right kind, with BAD_KEY", () => {
    const bad = (f: () => unknown, re: RegExp) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(KeyError);
        expect((e as KeyError).code).toBe("BAD_KEY");
        expect((e as Error).message).toMatch(re);
        return;
      }
      throw new Error("accepted");
    };
    const x25519 = generateKeyPairSync("x25519").privateKey.export({ format: "pem", type: "pkcs8" }).toString();
    // P-256 keys are read (as 65-byte points, tools/p256-keys.ts); other curves are not.
    const p256Key = generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey;
    const p256Pem = p256Key.export({ format: "pem", type: "spki" }).toString();
    expect(hex(parsePublicKey(Buffer.from(p256Pem)))).toBe(hex(new Uint8Array(p256Key.export({ format: "der", type: "spki" }).subarray(-65))));
    const ec = generateKeyPairSync("ec", { namedCurve: "P-384" }).publicKey.export({ format: "pem", type: "spki" }).toString();
    bad(() => parsePrivateKey(Buffer.from(x25519)), /not an Ed25519/);
    bad(() => parsePublicKey(Buffer.from(ec)), /not on P-256/);
    bad(() => parsePrivateKey(Buffer.from(publicKeyPem(RFC_PUB))), /public key/);
    bad(() => parsePublicKey(Buffer.from(privateKeyPem(RFC_SEED))), /private key/);
    bad(() => parsePrivateKey(Buffer.from("-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n")), /encrypted/);
    bad(() => parsePrivateKey(Buffer.from("hello")), /not an Ed25519 private key/);
    bad(() => parsePublicKey(new Uint8Array(31)), /not an Ed25519 public key/);
    bad(() => parsePrivateKey(Buffer.from("-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n")), /.+/);
    // y = 2 has no x on the curve: not a point, refused as the device's strict decoder would.
    const notPoint = new Uint8Array(32);
    notPoint[0] = 2;
    bad(() => parsePublicKey(notPoint), /not a curve point|valid/);
  });

  it("readPrivateKey/readPublicKey name a missing file", () => {
    expect(() => readPrivateKey("/nonexistent/k.key")).toThrow(expect.objectContaining({ code: "FILE_NOT_FOUND" }));
    expect(() => readPublicKey("/nonexistent/k.pub")).toThrow(expect.objectContaining({ code: "FILE_NOT_FOUND" }));
  });

  const haveOpenssl = spawnSync("openssl", ["version"]).status === 0;
  if (!haveOpenssl) console.warn("keys: openssl is not installed; openssl interop tests skipped");
  it.skipIf(!haveOpenssl)("openssl interop: it reads our PEM files; we read its keys and check its signatures", () => {
    const dir = mkdtempSync(join(tmpdir(), "slotboot-keys-"));
    const run = (args: string[]) => {
      const r = spawnSync("openssl", args, { cwd: dir });
      expect(r.status, `openssl ${args.join(" ")}: ${r.stderr}`).toBe(0);
      return r.stdout;
    };
    const pair = generateKeyPair();
    writeFileSync(join(dir, "ours.key"), privateKeyPem(pair.secretKey));
    writeFileSync(join(dir, "ours.pub"), publicKeyPem(pair.publicKey));
    expect(run(["pkey", "-in", "ours.key", "-pubout"]).toString()).toBe(publicKeyPem(pair.publicKey));
    expect(run(["pkey", "-pubin", "-in", "ours.pub"]).toString()).toBe(publicKeyPem(pair.publicKey));
    run(["genpkey", "-algorithm", "ed25519", "-out", "theirs.key"]);
    run(["pkey", "-in", "theirs.key", "-pubout", "-out", "theirs.pub"]);
    const seed = readPrivateKey(join(dir, "theirs.key"));
    const pub = readPublicKey(join(dir, "theirs.pub"));
    expect(hex(publicKeyOf(seed))).toBe(hex(pub));
    writeFileSync(join(dir, "msg"), "manifest bytes");
    run(["pkeyutl", "-sign", "-rawin", "-inkey", "theirs.key", "-in", "msg", "-out", "sig"]);
    const sig = new Uint8Array(readFileSync(join(dir, "sig")));
    expect(hex(sig)).toBe(hex(ed25519.sign(Buffer.from("manifest bytes"), seed)));
  });
});

describe("UUIDs", () => {
  it("text order, several spellings, round trip", () => {
    const u = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";
    expect(hex(parseUuid(u))).toBe("3f2504e04f8911d39a0c0305e82c3301");
    for (const s of [u.toUpperCase(), `{${u}}`, `urn:uuid:${u}`, u.replace(/-/g, ""), ` ${u}\n`]) expect(formatUuid(parseUuid(s))).toBe(u);
    for (const s of ["", "3f2504e0-4f89-11d3-9a0c-0305e82c330", "3f2504e0-4f89-11d3-9a0c-0305e82c33011", "zf2504e0-4f89-11d3-9a0c-0305e82c3301", "acme"])
      expect(() => parseUuid(s)).toThrow(UuidError);
  });
});
