// End-to-end encrypted packages (`pack --encrypt DEVICE.pub`): the payload is
// encrypted for one device (or a device class key) as the outermost layer,
// over raw, compressed and delta streams; the manifest stays signed and binds
// the encryption block (recipient ID, key wrap, ciphertext digest). A gateway
// or server in the middle sees only ciphertext; the device refuses a package
// for another device before writing a byte, catches any tampering, and
// resumes an interrupted download. Both core builds.
import { describe, expect, it } from "vitest";
import { x25519 } from "@noble/curves/ed25519.js";
import { sha256 } from "@noble/hashes/sha2.js";
import type { SimDevice } from "../bootloader-sim/device.js";
import { CORE_KINDS } from "./helpers/cores.js";
import { outcome } from "./helpers/outcome.js";
import { KEY, signedDevice, signedImage, slotBytes } from "./helpers/signed.js";
import { packPackage, parsePackage, ENC_BLOCK_SIZE, MANIFEST_SIZE, type PackOptions } from "../tools/package.js";
import { aesCtrZero } from "../tools/encrypt.js";
import { parseImage } from "../tools/image.js";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const DEVICE_SECRET = Uint8Array.from({ length: 32 }, (_, i) => (i * 29 + 7) & 0xff);
const DEVICE_PUBLIC = x25519.getPublicKey(DEVICE_SECRET);
const OTHER_PUBLIC = x25519.getPublicKey(Uint8Array.from({ length: 32 }, (_, i) => (i * 53 + 11) & 0xff));
const V1 = signedImage({ version: "1.0.0", securityCounter: 1, seed: 1, size: 2500 });
const V2 = signedImage({ version: "2.0.0", securityCounter: 2, seed: 2, size: 9000 });

function encryptedPkg(o: Partial<PackOptions> = {}, recipientPublic = DEVICE_PUBLIC, aes: 128 | 256 = 128) {
  return packPackage({ image: V2, secretKey: KEY, blockSize: 512, encryptFor: { recipientPublic, aes }, ...o });
}

async function device(core: (typeof CORE_KINDS)[number], withKey = true): Promise<SimDevice> {
  const dev = await signedDevice({ core }, V1);
  if (withKey) dev.config.decryptionKey = hex(DEVICE_SECRET);
  return dev;
}

/** Every 24-byte window of the plaintext image, looked for in the package: none may occur. */
function plaintextWindowsIn(pkg: Uint8Array, image: Uint8Array): number {
  const text = hex(pkg);
  let found = 0;
  for (let at = 64; at + 24 <= image.length - 200; at += 24) if (text.includes(hex(image.subarray(at, at + 24)))) found++;
  return found;
}

describe("what a gateway in the middle sees", () => {
  it("only ciphertext: no 24-byte window of the image occurs in an encrypted package (it does in a clear one)", () => {
    expect(plaintextWindowsIn(packPackage({ image: V2, secretKey: KEY, blockSize: 512 }).bytes, V2)).toBeGreaterThan(300);
    for (const o of [{}, { encoding: "compressed" as const, codec: "heatshrink" as const }, { base: V1 }]) {
      expect(plaintextWindowsIn(encryptedPkg(o).bytes, V2)).toBe(0);
    }
  });

  it("the manifest names both digests and binds the encryption block; the gateway can check the ciphertext without the key", () => {
    const r = encryptedPkg();
    const p = parsePackage(r.bytes);
    expect(p.encryptionBlock!.length).toBe(ENC_BLOCK_SIZE);
    expect(hex(p.encryptionBlock!.subarray(0, 32))).toBe(hex(sha256(DEVICE_PUBLIC)));
    expect(hex(p.encryptionBlock!.subarray(128, 160))).toBe(hex(sha256(r.encryptedStream!)));
    expect(hex(p.manifest.imageDigest)).toBe(hex(parseImage(V2).computedDigest));
    expect(p.payload.length).toBe(r.bytes.length - MANIFEST_SIZE - ENC_BLOCK_SIZE);
  });
});

describe.each(CORE_KINDS)("encrypted packages on the %s core", (core) => {
  const kinds: [string, Partial<PackOptions>, 128 | 256][] = [
    ["raw, AES-128", {}, 128],
    ["raw, AES-256", {}, 256],
    ["compressed (heatshrink)", { encoding: "compressed", codec: "heatshrink" }, 128],
    ["delta (rc)", { base: V1, codec: "rc" }, 256],
  ];
  it.each(kinds)("%s installs, decrypted, and boots", async (_name, o, aes) => {
    const dev = await device(core);
    const r = await dev.installPackage(encryptedPkg(o, DEVICE_PUBLIC, aes).bytes, 700);
    expect(r.slot).toBe("B");
    expect(hex(slotBytes(dev, "B", V2.length))).toBe(hex(V2));
    expect((await dev.powerUp()).booted).toBe("B");
  });

  it("a package for another device is refused before a byte is written (ENC_WRONG_DEVICE)", async () => {
    const dev = await device(core);
    const before = { ...dev.flash.counters };
    expect(await outcome(dev.installPackage(encryptedPkg({}, OTHER_PUBLIC).bytes, 4096))).toBe("ENC_WRONG_DEVICE");
    expect(dev.flash.counters.programs).toBe(before.programs);
    expect(dev.flash.counters.erases).toBe(before.erases);
    expect((await dev.powerUp()).booted).toBe("A");
  });

  it("a device without a decryption key refuses it before writing (ENCRYPTED_IMAGE_UNSUPPORTED)", async () => {
    const dev = await device(core, false);
    const before = { ...dev.flash.counters };
    expect(await outcome(dev.installPackage(encryptedPkg().bytes))).toBe("ENCRYPTED_IMAGE_UNSUPPORTED");
    expect(dev.flash.counters.programs).toBe(before.programs);
  });

  const tamper: [string, (b: Uint8Array) => void, string][] = [
    ["a ciphertext byte", (b) => (b[MANIFEST_SIZE + ENC_BLOCK_SIZE + 3000] ^= 1), "CHAIN_MISMATCH"],
    ["the recipient ID", (b) => (b[MANIFEST_SIZE + 5] ^= 1), "BAD_SIGNATURE"],
    ["the key-wrap tag", (b) => (b[MANIFEST_SIZE + 70] ^= 1), "BAD_SIGNATURE"],
    ["the ciphertext digest", (b) => (b[MANIFEST_SIZE + 140] ^= 1), "BAD_SIGNATURE"],
    ["the encryption field (byte 180) cleared", (b) => (b[180] = 0), "BAD_SIGNATURE"],
  ];
  it.each(tamper)("tampering with %s is caught (%s), nothing new boots", async (_name, change, code) => {
    const dev = await device(core);
    const bytes = encryptedPkg().bytes.slice();
    change(bytes);
    expect(await outcome(dev.installPackage(bytes, 1000))).toBe(code);
    expect((await dev.powerUp()).booted).toBe("A");
  });

  it("a key wrap re-made for this device by someone without the signing key is refused (BAD_SIGNATURE)", async () => {
    // The gateway knows the device's public key: it can wrap a key of its own for it, but not re-sign.
    const dev = await device(core);
    const mine = encryptedPkg();
    const theirs = encryptedPkg({}, DEVICE_PUBLIC);
    const mixed = mine.bytes.slice();
    mixed.set(theirs.encryptionBlock!, MANIFEST_SIZE);
    expect(await outcome(dev.installPackage(mixed))).toBe("BAD_SIGNATURE");
  });

  it("an interrupted download resumes mid-stream and decrypts from there", async () => {
    const dev = await device(core);
    const pkg = encryptedPkg({}, DEVICE_PUBLIC, 256).bytes;
    await dev.installPackage(pkg, 333, 6000);
    const second = await dev.installPackage(pkg, 333);
    expect(second.resumed).toBe(true);
    expect(second.resumeOffset).toBeGreaterThan(MANIFEST_SIZE + ENC_BLOCK_SIZE);
    expect(hex(slotBytes(dev, "B", V2.length))).toBe(hex(V2));
    expect((await dev.powerUp()).booted).toBe("B");
  });

  it("a power cut in the middle of programming resumes and installs the same image", async () => {
    const dev = await device(core);
    const pkg = encryptedPkg({ base: V1, codec: "heatshrink" }).bytes;
    dev.flash.setFaultPlan({ op: 12, timing: "during", seed: 5, unstableBits: 8 });
    await expect(dev.installPackage(pkg, 400)).rejects.toThrow();
    dev.flash.clearFaultPlan();
    if (!dev.flash.powered) dev.flash.powerOn();
    const r = await dev.installPackage(pkg, 400);
    expect(r.slot).toBe("B");
    expect(hex(slotBytes(dev, "B", V2.length))).toBe(hex(V2));
  });
});

it("the encryption is AES-CTR of the encoded stream from counter 0 (the stream the chain covers decrypts to it)", () => {
  const key = new Uint8Array(16).fill(9);
  const r = packPackage({ image: V2, secretKey: KEY, blockSize: 512, encryptFor: { recipientPublic: DEVICE_PUBLIC, imageKey: key } });
  expect(hex(aesCtrZero(key, r.encryptedStream!))).toBe(hex(r.stream));
});
