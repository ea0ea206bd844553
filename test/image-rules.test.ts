// One set of image rules (docs/formats.md "Image TLVs and header flags"): a set
// of images — valid, each security TLV duplicated, misplaced, each header flag
// MCUboot defines, a hardware revision out of range, a bootloader too old —
// goes through the core's check on both builds, the device's raw-image writer
// and package receiver, and the CLI's verify / inspect / sim install; every
// route must give the same verdict and the same code. Then the tester's
// reproductions, and the requirements checked again at boot.
import { beforeAll, describe, expect, it } from "vitest";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { checkImageOn } from "../bindings/image-check.js";
import { BOOTLOADER_VERSION } from "../bindings/bootloader.js";
import { createImage, keyHash, parseImage, parseVersion, IMAGE_FLAGS, TLV, type ImageOptions } from "../tools/image.js";
import { packPackage, PackageFormatError } from "../tools/package.js";
import { privateKeyPem, publicKeyPem } from "../tools/keys.js";
import { outcome } from "./helpers/outcome.js";
import { CORE_KINDS } from "./helpers/cores.js";
import { CLASS, KEY, OTHER_KEY, OTHER_UUID, PUB, VENDOR, body, signedDevice, signedImage } from "./helpers/signed.js";
import { slotboot, tempDir, type CliResult } from "./helpers/cli.js";
import { LONG } from "./helpers/world.js";

const u32le = (n: number) => Uint8Array.from([n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24]);
const hwRange = (min: number, max: number) => Uint8Array.from([min & 0xff, min >> 8, max & 0xff, max >> 8]);
const BL_9 = 0x090000;
/** The device every route plays: keyed, vendor and class set, hardware revision 1, bootloader 1.0.0. */
const DEVICE_HW_REV = 1;

const FACTORY = signedImage({ version: "1.0.0", securityCounter: 1, seed: 1 });

function image(extra: Partial<ImageOptions> = {}, fw = body(3000, 2)): Uint8Array {
  return createImage(fw, {
    version: parseVersion("2.0.0"),
    headerSize: 64,
    securityCounter: 2,
    vendorId: VENDOR,
    classId: CLASS,
    key: { secretKey: KEY },
    ...extra,
  });
}

/** Append entries to the unprotected TLV area (not covered by the digest: the image still verifies otherwise). */
function withUnprotected(img: Uint8Array, entries: Array<[number, Uint8Array]>): Uint8Array {
  const p = parseImage(img);
  const at = p.headerSize + p.imageSize + p.protectedTlvSize;
  const dv = new DataView(img.buffer, img.byteOffset, img.byteLength);
  const total = dv.getUint16(at + 2, true);
  const added = entries.reduce((n, [, v]) => n + 4 + v.length, 0);
  const out = new Uint8Array(at + total + added);
  out.set(img.subarray(0, at + total));
  const odv = new DataView(out.buffer);
  odv.setUint16(at + 2, total + added, true);
  let q = at + total;
  for (const [type, v] of entries) {
    odv.setUint16(q, type, true);
    odv.setUint16(q + 2, v.length, true);
    out.set(v, q + 4);
    q += 4 + v.length;
  }
  return out;
}

const unprotectedValue = (img: Uint8Array, type: number) => parseImage(img).tlvs.find((t) => !t.protected && t.type === type)!.value;

/** imgtool encrypts the body after hashing the plain text: the digest no longer matches the bytes. */
function scrambledBody(img: Uint8Array): Uint8Array {
  const out = img.slice();
  for (let i = 64; i < 64 + 3000; i++) out[i] ^= 0x5a;
  return out;
}

interface Case {
  name: string;
  image: Uint8Array;
  /** The device's code; null = installed. */
  code: string | null;
}

const VALID = image();
const CASES: Case[] = [
  { name: "valid", image: VALID, code: null },
  { name: "valid, hardware 0…3, bootloader 1.0.0", image: image({ hwRevMin: 0, hwRevMax: 3, minBootloader: BOOTLOADER_VERSION }), code: null },
  { name: "SEC_CNT twice [1, 9]", image: image({ securityCounter: 1, protectedTlvs: [[TLV.SEC_CNT, u32le(9)]] }), code: "DUPLICATE_TLV" },
  { name: "VENDOR_UUID twice", image: image({ protectedTlvs: [[TLV.VENDOR_UUID, OTHER_UUID]] }), code: "DUPLICATE_TLV" },
  { name: "CLASS_UUID twice", image: image({ protectedTlvs: [[TLV.CLASS_UUID, OTHER_UUID]] }), code: "DUPLICATE_TLV" },
  { name: "HW_REVISION twice", image: image({ hwRevMin: 0, hwRevMax: 9, protectedTlvs: [[TLV.HW_REVISION, hwRange(5, 5)]] }), code: "DUPLICATE_TLV" },
  { name: "MIN_BOOTLOADER twice", image: image({ minBootloader: 0x010000, protectedTlvs: [[TLV.MIN_BOOTLOADER, u32le(BL_9)]] }), code: "DUPLICATE_TLV" },
  { name: "SHA256 twice (second one wrong)", image: withUnprotected(VALID, [[TLV.SHA256, new Uint8Array(32)]]), code: "DUPLICATE_TLV" },
  { name: "SHA256 twice (same value)", image: withUnprotected(VALID, [[TLV.SHA256, unprotectedValue(VALID, TLV.SHA256)]]), code: "DUPLICATE_TLV" },
  { name: "ED25519 twice", image: withUnprotected(VALID, [[TLV.ED25519, new Uint8Array(64).fill(7)]]), code: "DUPLICATE_TLV" },
  { name: "KEYHASH twice", image: withUnprotected(VALID, [[TLV.KEYHASH, keyHash(PUB)]]), code: "DUPLICATE_TLV" },
  { name: "SEC_CNT unprotected", image: withUnprotected(VALID, [[TLV.SEC_CNT, u32le(9)]]), code: "MISPLACED_TLV" },
  { name: "HW_REVISION unprotected", image: withUnprotected(VALID, [[TLV.HW_REVISION, hwRange(0, 0xffff)]]), code: "MISPLACED_TLV" },
  { name: "KEYHASH protected", image: image({ protectedTlvs: [[TLV.KEYHASH, keyHash(PUB)]] }), code: "MISPLACED_TLV" },
  { name: "HW_REVISION of 3 bytes", image: image({ protectedTlvs: [[TLV.HW_REVISION, new Uint8Array(3)]] }), code: "BAD_TLV" },
  { name: "flag PIC", image: image({ flags: IMAGE_FLAGS.PIC }), code: "UNSUPPORTED_FLAGS" },
  { name: "flag ENCRYPTED_AES128 (body scrambled, as imgtool --encrypt)", image: scrambledBody(image({ flags: IMAGE_FLAGS.ENCRYPTED_AES128 })), code: "ENCRYPTED_IMAGE_UNSUPPORTED" },
  { name: "flag ENCRYPTED_AES256", image: image({ flags: IMAGE_FLAGS.ENCRYPTED_AES256 }), code: "ENCRYPTED_IMAGE_UNSUPPORTED" },
  { name: "flag NON_BOOTABLE (imgtool --non-bootable)", image: image({ flags: IMAGE_FLAGS.NON_BOOTABLE }), code: "NON_BOOTABLE_IMAGE" },
  { name: "flag RAM_LOAD", image: image({ flags: IMAGE_FLAGS.RAM_LOAD }), code: "UNSUPPORTED_FLAGS" },
  { name: "flag ROM_FIXED", image: image({ flags: IMAGE_FLAGS.ROM_FIXED }), code: "UNSUPPORTED_FLAGS" },
  { name: "flag COMPRESSED_LZMA1", image: image({ flags: IMAGE_FLAGS.COMPRESSED_LZMA1 }), code: "UNSUPPORTED_FLAGS" },
  { name: "flag COMPRESSED_LZMA2 (imgtool --compression lzma2)", image: image({ flags: IMAGE_FLAGS.COMPRESSED_LZMA2 }), code: "UNSUPPORTED_FLAGS" },
  { name: "flags LZMA2 + ARM thumb filter", image: image({ flags: IMAGE_FLAGS.COMPRESSED_LZMA2 | IMAGE_FLAGS.COMPRESSED_ARM_THUMB }), code: "UNSUPPORTED_FLAGS" },
  { name: "an unknown flag", image: image({ flags: 0x00010000 }), code: "UNSUPPORTED_FLAGS" },
  { name: "hardware revision 5 only", image: image({ hwRevMin: 5, hwRevMax: 5 }), code: "HW_REVISION" },
  { name: "bootloader 9.0.0 or newer", image: image({ minBootloader: BL_9 }), code: "BOOTLOADER_TOO_OLD" },
  { name: "hardware 5 and bootloader 9.0.0 (the tester's image)", image: image({ hwRevMin: 5, hwRevMax: 5, minBootloader: BL_9 }), code: "HW_REVISION" },
  { name: "body corrupted", image: scrambledBody(VALID), code: "DIGEST_MISMATCH" },
  { name: "signed by another key", image: image({ key: { secretKey: OTHER_KEY } }), code: "WRONG_KEY" },
  { name: "unsigned", image: image({ key: undefined }), code: "NO_SIGNATURE" },
];

/** Codes every device finds without its key or identity: what `inspect` (no key) reports too. */
const IDENTITY_CODES = new Set(["HW_REVISION", "BOOTLOADER_TOO_OLD", "WRONG_KEY", "NO_SIGNATURE", "BAD_SIGNATURE"]);
const inspectCode = (c: Case) => (c.code && !IDENTITY_CODES.has(c.code) ? c.code : null);

describe.each(CORE_KINDS)("image rules: the core's check, the raw-image writer and the package receiver agree (%s core)", (core) => {
  it("every image of the set gets the same code from the host check and from an install", async () => {
    const dev = await signedDevice({ core, hardwareRevision: DEVICE_HW_REV }, FACTORY);
    for (const c of CASES) {
      const check = await checkImageOn(core, c.image, { publicKey: PUB, vendorId: VENDOR, classId: CLASS, hardwareRevision: DEVICE_HW_REV, bootloaderVersion: BOOTLOADER_VERSION });
      expect(check.code, c.name).toBe(c.code);
      expect(check.ok, c.name).toBe(c.code === null);
      expect((await checkImageOn(core, c.image)).code, `${c.name} (no key, no identity)`).toBe(inspectCode(c));
      expect(await outcome(dev.installImage(c.image, 500)), c.name).toBe(c.code ?? "ok");
    }
    // Refused images changed nothing: the factory image still boots (the last valid install is pending in B).
    expect((await dev.state()).slots.A).toMatchObject({ state: "confirmed", version: "1.0.0" });
  });

  it("packages: pack's consistency check refuses what the device refuses; a device fed the package anyway refuses it with the same code", async () => {
    const dev = await signedDevice({ core, hardwareRevision: DEVICE_HW_REV }, FACTORY);
    for (const c of CASES) {
      const code = inspectCode(c);
      if (code) {
        let thrown: unknown = null;
        try {
          packPackage({ image: c.image, secretKey: KEY });
        } catch (e) {
          thrown = e;
        }
        expect(thrown, c.name).toBeInstanceOf(PackageFormatError);
        expect((thrown as PackageFormatError).code, c.name).toBe(code);
      }
      const p = packPackage({ image: c.image, secretKey: KEY, blockSize: 512, unchecked: code !== null, vendorId: VENDOR, classId: CLASS, securityCounter: 2 });
      expect(await outcome(dev.installPackage(p.bytes, 700)), c.name).toBe(c.code ?? "ok");
    }
  });

  it("a package whose manifest allows this hardware still fails on the image's own requirement, at completion", async () => {
    const dev = await signedDevice({ core, hardwareRevision: DEVICE_HW_REV }, FACTORY);
    const img = image({ hwRevMin: 5, hwRevMax: 5, minBootloader: BL_9 });
    const p = packPackage({ image: img, secretKey: KEY, blockSize: 512, hwRevMin: 0, hwRevMax: 9, minBootloader: 0 });
    expect(p.manifest).toMatchObject({ hwRevMin: 0, hwRevMax: 9, minBootloader: 0 });
    expect(await outcome(dev.installPackage(p.bytes))).toBe("HW_REVISION");
    // By default the manifest carries the image's own requirements, and the manifest check refuses first.
    expect(packPackage({ image: img, secretKey: KEY }).manifest).toMatchObject({ hwRevMin: 5, hwRevMax: 5, minBootloader: BL_9 });
    expect(await outcome(dev.installPackage(packPackage({ image: img, secretKey: KEY, blockSize: 512 }).bytes))).toBe("HW_REVISION");
    expect(await dev.powerUp()).toMatchObject({ booted: "A", version: "1.0.0" });
  });

  it("at boot: an image whose requirement the device does not meet is not booted, and neither is one with a duplicated TLV", async () => {
    // Installed on a revision-5 board, then the same flash under a bootloader that is revision 1.
    const dev = await signedDevice({ core, hardwareRevision: 5 }, FACTORY);
    expect(await outcome(dev.installImage(image({ hwRevMin: 5, hwRevMax: 5 })))).toBe("ok");
    dev.config.hardwareRevision = DEVICE_HW_REV;
    expect((await dev.state()).slots.B).toMatchObject({ state: "invalid", error: "HW_REVISION", version: "2.0.0" });
    expect(await dev.powerUp()).toMatchObject({ booted: "A", version: "1.0.0", reason: "pending-invalid" });

    // A valid install, then a second signature entry written behind it (the unprotected area is not signed).
    const other = await signedDevice({ core, hardwareRevision: DEVICE_HW_REV }, FACTORY);
    expect(await outcome(other.installImage(VALID))).toBe("ok");
    const forged = withUnprotected(VALID, [[TLV.ED25519, new Uint8Array(64).fill(1)]]);
    other.flash.poke(other.config.layout.slotB, forged);
    expect((await other.state()).slots.B).toMatchObject({ state: "invalid", error: "DUPLICATE_TLV" });
    expect(await other.powerUp()).toMatchObject({ booted: "A", reason: "pending-invalid" });
  });
});

it("the ES5 build (Espruino) gives every image of the set the same code", async () => {
  for (const c of CASES) {
    const check = await checkImageOn("es5", c.image, { publicKey: PUB, vendorId: VENDOR, classId: CLASS, hardwareRevision: DEVICE_HW_REV, bootloaderVersion: BOOTLOADER_VERSION });
    expect(check.code, c.name).toBe(c.code);
  }
});

it.each(CORE_KINDS)("a flagged image is refused from its header: nothing reaches the slot (%s)", async (core) => {
  for (const flags of [IMAGE_FLAGS.COMPRESSED_LZMA2, IMAGE_FLAGS.ENCRYPTED_AES128, IMAGE_FLAGS.NON_BOOTABLE]) {
    const dev = await signedDevice({ core, hardwareRevision: DEVICE_HW_REV }, FACTORY);
    const l = dev.config.layout;
    expect(await outcome(dev.installImage(image({ flags }), 500))).not.toBe("ok");
    expect(dev.flash.contents.subarray(l.slotB, l.slotB + l.slotSize).every((b) => b === 0xff)).toBe(true);
  }
});

describe("image rules through the CLI: verify, inspect and sim install give the same verdict and code", () => {
  let dir: string;
  const run = (...args: string[]) => slotboot(args, dir);
  const errorCode = (r: CliResult) => /^slotboot: error ([A-Z0-9_]+):/m.exec(r.stderr)?.[1] ?? null;

  beforeAll(() => {
    dir = tempDir();
    writeFileSync(join(dir, "k.key"), privateKeyPem(KEY), { mode: 0o600 });
    writeFileSync(join(dir, "k.pub"), publicKeyPem(PUB));
    writeFileSync(join(dir, "factory.img"), FACTORY);
    const r = run("sim", "create", "dev.sim", "--image", "factory.img", "--pub", "k.pub", "--hw-rev", String(DEVICE_HW_REV), "--slot-size", "16384");
    expect(r.status, r.stderr).toBe(0);
  });

  // Every image of the set runs in process against each core above. Through
  // the binary (three processes per image), `npm test` takes the first image
  // of each verdict (every error code the three verbs give, at least once);
  // `npm run test:long` takes them all.
  const throughCli = LONG ? CASES : CASES.filter((c, i) => CASES.findIndex((d) => d.code === c.code) === i);
  it(LONG ? "every image of the set" : "one image of the set per verdict (all of them under test:long)", () => {
    expect(new Set(throughCli.map((c) => c.code)).size).toBe(new Set(CASES.map((c) => c.code)).size);
    throughCli.forEach((c, i) => {
      const file = `case${i}.img`;
      writeFileSync(join(dir, file), c.image);
      const v = run("verify", file, "--pub", "k.pub", "--hw-rev", String(DEVICE_HW_REV), "--bootloader", "1.0.0", "--json");
      expect(v.status, `${c.name}: ${v.stderr}`).toBe(c.code ? 1 : 0);
      expect(v.json.error, c.name).toBe(c.code);
      if (c.code) expect(errorCode(v), c.name).toBe(c.code);
      const ins = run("inspect", file, "--json");
      expect(ins.status, c.name).toBe(0);
      expect(ins.json.check.code, c.name).toBe(inspectCode(c));
      copyFileSync(join(dir, "dev.sim"), join(dir, "try.sim"));
      const s = run("sim", "install", "try.sim", file, "--json");
      expect(s.status, `${c.name}: ${s.stderr}`).toBe(c.code ? 1 : 0);
      expect(errorCode(s), c.name).toBe(c.code);
    });
  });

  it("reproduction: the raw image lifted out of a package built for hardware 5 / bootloader 9.0.0 is refused by a --hw-rev 1 device", () => {
    writeFileSync(join(dir, "fw.bin"), body(3000, 9));
    const p = run("pack", "--key", "k.key", "--in", "fw.bin", "--version", "2.0.0", "--hw-rev-min", "5", "--hw-rev-max", "5", "--min-bootloader", "9.0.0", "--out", "hw5.pkg", "--image-out", "hw5.img", "--json");
    expect(p.status, p.stderr).toBe(0);
    expect(p.json).toMatchObject({ hwRevMin: 5, hwRevMax: 5, minBootloader: "9.0.0" });
    // The same TLVs from `image create`: the bytes are the ones inside the package.
    const ic = run("image", "create", "--key", "k.key", "--in", "fw.bin", "--version", "2.0.0", "--security-counter", "0", "--hw-rev-min", "5", "--hw-rev-max", "5", "--min-bootloader", "9.0.0", "--out", "hw5b.img", "--json");
    expect(ic.json).toMatchObject({ hwRevision: { min: 5, max: 5 }, minBootloader: "9.0.0" });
    expect(Buffer.from(readFileSync(join(dir, "hw5b.img"))).equals(readFileSync(join(dir, "hw5.img")))).toBe(true);
    const shown = run("inspect", "hw5.img", "--json").json;
    expect(shown).toMatchObject({ hwRevision: { min: 5, max: 5 }, minBootloader: "9.0.0", check: { ok: true } });
    expect(shown.tlvs.filter((t: { protected: boolean }) => t.protected).map((t: { name: string }) => t.name)).toEqual(["SEC_CNT", "HW_REVISION", "MIN_BOOTLOADER"]);

    copyFileSync(join(dir, "dev.sim"), join(dir, "repro.sim"));
    for (const file of ["hw5.img", "hw5.pkg"]) {
      const s = run("sim", "install", "repro.sim", file);
      expect(s.status, file).toBe(1);
      expect(errorCode(s), file).toBe("HW_REVISION");
    }
    const st = run("sim", "status", "repro.sim", "--json").json;
    expect(st.slots.A).toMatchObject({ state: "confirmed", version: "1.0.0" });
    expect(st.slots.B.state).toBe("empty");
    expect(run("sim", "boot", "repro.sim", "--json").json).toMatchObject({ booted: "A" });

    expect(errorCode(run("verify", "hw5.img", "--pub", "k.pub", "--hw-rev", "1"))).toBe("HW_REVISION");
    expect(errorCode(run("verify", "hw5.img", "--pub", "k.pub", "--hw-rev", "5", "--bootloader", "1.0.0"))).toBe("BOOTLOADER_TOO_OLD");
    expect(run("verify", "hw5.img", "--pub", "k.pub", "--hw-rev", "5", "--bootloader", "9.0.0").status).toBe(0);
    expect(errorCode(run("verify", "hw5.pkg", "--pub", "k.pub", "--hw-rev", "1"))).toBe("HW_REVISION");
    // Without the device's identity the requirements are reported as not checked, never as passed.
    const open = run("verify", "hw5.img", "--pub", "k.pub", "--json");
    expect(open.status).toBe(0);
    expect(open.json.unchecked.map((u: { name: string }) => u.name)).toEqual(["hw-revision", "bootloader"]);

    // pack keeps image and manifest in step: the image's requirements become the manifest's, and flags that disagree are refused.
    const again = run("pack", "--key", "k.key", "--in", "hw5.img", "--out", "again.pkg", "--json");
    expect(again.json).toMatchObject({ hwRevMin: 5, hwRevMax: 5, minBootloader: "9.0.0" });
    expect(errorCode(run("pack", "--key", "k.key", "--in", "hw5.img", "--hw-rev-min", "0", "--hw-rev-max", "9", "--out", "wide.pkg"))).toBe("IMAGE_MISMATCH");
    expect(errorCode(run("pack", "--key", "k.key", "--in", "case0.img", "--min-bootloader", "2.0.0", "--out", "nobl.pkg"))).toBe("IMAGE_MISMATCH");
  });

  it("reproduction: counters [1, 9] are refused as a duplicate by verify, pack and the device; inspect lists both", () => {
    writeFileSync(join(dir, "dup.img"), image({ securityCounter: 1, protectedTlvs: [[TLV.SEC_CNT, u32le(9)]] }));
    expect(errorCode(run("verify", "dup.img", "--pub", "k.pub"))).toBe("DUPLICATE_TLV");
    expect(errorCode(run("pack", "--key", "k.key", "--in", "dup.img", "--out", "dup.pkg"))).toBe("DUPLICATE_TLV");
    copyFileSync(join(dir, "dev.sim"), join(dir, "dup.sim"));
    expect(errorCode(run("sim", "install", "dup.sim", "dup.img"))).toBe("DUPLICATE_TLV");
    const shown = run("inspect", "dup.img", "--json").json;
    expect(shown.tlvs.filter((t: { name: string }) => t.name === "SEC_CNT").map((t: { value: string }) => t.value)).toEqual(["01000000", "09000000"]);
    expect(shown).toMatchObject({ securityCounter: null, check: { ok: false, code: "DUPLICATE_TLV" } });
    expect(run("sim", "status", "dup.sim", "--json").json.securityFloor).toBe(1);
  });
});
