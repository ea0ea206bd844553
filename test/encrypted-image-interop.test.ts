// Interoperability of encrypted images with an independent implementation:
// test/interop/mcuboot_ecies_x25519.py follows imgtool's and MCUboot's steps
// on Python's `cryptography` (OpenSSL). Images it encrypts install and boot
// on the simulated device; images `image create --encrypt` makes decrypt
// there to exactly the plaintext image that was signed. Skipped, saying so,
// where python3 with `cryptography` is missing.
import { describe, expect, it } from "vitest";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { x25519 } from "@noble/curves/ed25519.js";
import { body, KEY, signedDevice, signedImage, slotBytes, VENDOR, CLASS } from "./helpers/signed.js";
import { createEncryptedImage } from "../tools/encrypt.js";
import { createImage, parseVersion, IMAGE_FLAGS } from "../tools/image.js";

const SCRIPT = new URL("./interop/mcuboot_ecies_x25519.py", import.meta.url).pathname;
const hasPython = spawnSync("python3", ["-c", "import cryptography"]).status === 0;
if (!hasPython) console.warn("encrypted-image-interop: python3 with `cryptography` not found; skipped");

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const DEVICE_SECRET = Uint8Array.from({ length: 32 }, (_, i) => (i * 29 + 7) & 0xff);
const DEVICE_PUBLIC = x25519.getPublicKey(DEVICE_SECRET);
const FIRMWARE = body(6000, 12); // a multiple of 16, as imgtool pads it
const options = (flags: number) => ({ version: parseVersion("2.0.0"), headerSize: 64, securityCounter: 2, vendorId: VENDOR, classId: CLASS, key: { secretKey: KEY }, flags });

function python(mode: "encrypt" | "decrypt", image: Uint8Array, keyHex: string): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), "slotboot-interop-"));
  writeFileSync(join(dir, "in.img"), image);
  execFileSync("python3", [SCRIPT, mode, join(dir, "in.img"), keyHex, join(dir, "out.img")]);
  return new Uint8Array(readFileSync(join(dir, "out.img")));
}

describe.skipIf(!hasPython)("encrypted images against an independent implementation (Python cryptography)", () => {
  it.each([[128, IMAGE_FLAGS.ENCRYPTED_AES128], [256, IMAGE_FLAGS.ENCRYPTED_AES256]] as const)("AES-%i: its encrypted image installs and boots", async (_bits, flag) => {
    const plain = createImage(FIRMWARE, options(flag));
    const encrypted = python("encrypt", plain, hex(DEVICE_PUBLIC));
    expect(hex(encrypted).includes(hex(FIRMWARE.subarray(0, 48)))).toBe(false);
    // Both builds under SLOTBOOT_LONG; they share every line of the decryption (test/encrypted-image.test.ts runs both).
    for (const core of process.env.SLOTBOOT_LONG ? (["wasm", "js"] as const) : (["wasm"] as const)) {
      const dev = await signedDevice({ core }, signedImage({ version: "1.0.0", securityCounter: 1, seed: 1, size: 2500 }));
      dev.config.decryptionKey = hex(DEVICE_SECRET);
      expect(await dev.installImage(encrypted, 1000)).toBe("B");
      // Header, plaintext body and protected TLVs: the bytes that were signed.
      const signedEnd = findUnprotected(plain);
      expect(hex(slotBytes(dev, "B", signedEnd)) === hex(plain.subarray(0, signedEnd))).toBe(true);
      expect((await dev.powerUp()).booted).toBe("B");
    }
  });

  it.each([128, 256] as const)("AES-%i: `image create --encrypt`'s image decrypts there to the signed plaintext image", (aes) => {
    const imageKey = new Uint8Array(aes / 8).fill(0x5a);
    const encrypted = createEncryptedImage(FIRMWARE, options(0), { recipientPublic: DEVICE_PUBLIC, aes, imageKey });
    const plain = createImage(FIRMWARE, options(aes === 128 ? IMAGE_FLAGS.ENCRYPTED_AES128 : IMAGE_FLAGS.ENCRYPTED_AES256));
    const decrypted = python("decrypt", encrypted, hex(DEVICE_SECRET));
    // Equal to the signed plaintext image but for the ENC_X25519 entry appended to the unprotected TLVs (and that area's length).
    const unprotAt = findUnprotected(plain);
    const areaLength = (img: Uint8Array) => img[unprotAt + 2] | (img[unprotAt + 3] << 8);
    expect(areaLength(decrypted)).toBe(areaLength(plain) + 4 + 64 + aes / 8);
    expect(hex(decrypted.subarray(0, unprotAt + 2)) === hex(plain.subarray(0, unprotAt + 2))).toBe(true);
    expect(hex(decrypted.subarray(unprotAt + 4, plain.length)) === hex(plain.subarray(unprotAt + 4))).toBe(true);
  });
});

/** Offset of the unprotected TLV area (after header, body and protected TLVs). */
function findUnprotected(img: Uint8Array): number {
  const dv = new DataView(img.buffer, img.byteOffset, img.byteLength);
  return dv.getUint16(8, true) + dv.getUint32(12, true) + dv.getUint16(10, true);
}
