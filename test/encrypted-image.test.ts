// Encrypted images (imgtool `sign --encrypt` with an X25519 key): the device
// opens the ENC_X25519 entry with its own key, decrypts the body as it is
// installed, stores the plaintext image and boots it. Anything wrong is
// refused with its own code and nothing new boots. Both core builds.
import { describe, expect, it } from "vitest";
import { x25519 } from "@noble/curves/ed25519.js";
import { SimDevice } from "../bootloader-sim/device.js";
import { CORE_KINDS } from "./helpers/cores.js";
import { outcome } from "./helpers/outcome.js";
import { body, KEY, signedDevice, signedImage, slotBytes, VENDOR, CLASS } from "./helpers/signed.js";
import { createEncryptedImage, encryptSignedImage, eciesWrap, findKeyEntry } from "../tools/encrypt.js";
import { createImage, parseVersion, IMAGE_FLAGS } from "../tools/image.js";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const DEVICE_SECRET = Uint8Array.from({ length: 32 }, (_, i) => (i * 29 + 7) & 0xff);
const DEVICE_PUBLIC = x25519.getPublicKey(DEVICE_SECRET);
const OTHER_SECRET = Uint8Array.from({ length: 32 }, (_, i) => (i * 53 + 11) & 0xff);
const OTHER_PUBLIC = x25519.getPublicKey(OTHER_SECRET);
const FACTORY = signedImage({ version: "1.0.0", securityCounter: 1, seed: 1, size: 2500 });
const FIRMWARE = body(6001, 9);

function encrypted(aes: 128 | 256, recipient = DEVICE_PUBLIC): Uint8Array {
  return createEncryptedImage(FIRMWARE, {
    version: parseVersion("2.0.0"), headerSize: 64, securityCounter: 2, vendorId: VENDOR, classId: CLASS, key: { secretKey: KEY },
  }, { recipientPublic: recipient, aes });
}

async function device(core: (typeof CORE_KINDS)[number], withKey = true): Promise<SimDevice> {
  const dev = await signedDevice({ core }, FACTORY);
  if (withKey) dev.config.decryptionKey = hex(DEVICE_SECRET);
  return dev;
}

/** Offset of the body in an image made above (header 64 bytes). */
const BODY = 64;

describe.each(CORE_KINDS)("encrypted images on the %s core", (core) => {
  it.each([128, 256] as const)("an AES-%i image installs decrypted, boots and confirms", async (aes) => {
    const image = encrypted(aes);
    // The firmware does not occur in the file: the body is ciphertext.
    expect(hex(image).includes(hex(FIRMWARE.subarray(0, 64)))).toBe(false);
    const dev = await device(core);
    expect(await dev.installImage(image, 700)).toBe("B");
    // The slot holds the plaintext image: what imgtool hashed and signed.
    const slot = slotBytes(dev, "B", image.length);
    expect(hex(slot.subarray(BODY, BODY + FIRMWARE.length))).toBe(hex(FIRMWARE));
    expect(hex(slot.subarray(0, BODY))).toBe(hex(image.subarray(0, BODY)));
    expect((await dev.powerUp()).booted).toBe("B");
    expect(await dev.confirm()).toBe("confirmed");
    expect((await dev.powerUp()).booted).toBe("B");
  });

  it("chunk sizes that split the header and the body anywhere give the same slot", async () => {
    const image = encrypted(128);
    for (const chunk of [1, 33, 64, 65, 1024]) {
      const dev = await device(core);
      expect(await dev.installImage(image, chunk), `chunk ${chunk}`).toBe("B");
      expect(hex(slotBytes(dev, "B", BODY + FIRMWARE.length).subarray(BODY))).toBe(hex(FIRMWARE));
    }
  });

  const refusals: [string, () => Uint8Array, string, boolean?][] = [
    ["encrypted for another device's key", () => encrypted(128, OTHER_PUBLIC), "ENC_TAG_MISMATCH"],
    ["the entry's tag altered", () => flip(encrypted(128), (img) => entryAt(img) + 32), "ENC_TAG_MISMATCH"],
    ["the wrapped key altered", () => flip(encrypted(256), (img) => entryAt(img) + 70), "ENC_TAG_MISMATCH"],
    ["one ciphertext byte altered", () => flip(encrypted(128), () => BODY + 4000), "DIGEST_MISMATCH"],
    ["a small-order ephemeral key", () => withEphemeral(encrypted(128), new Uint8Array(32)), "ENC_ZERO_SHARED_SECRET"],
    ["no decryption key on the device", () => encrypted(128), "ENCRYPTED_IMAGE_UNSUPPORTED", false],
  ];
  it.each(refusals)("refused: %s (%s), nothing new boots", async (_name, make, code, withKey = true) => {
    const dev = await device(core, withKey);
    expect(await outcome(dev.installImage(make(), 512))).toBe(code);
    expect((await dev.powerUp()).booted).toBe("A");
    expect((await dev.state()).slots.B.state).not.toBe("pending");
  });

  it("refused before the body when the entry did not come first (ENC_KEY_ENTRY_MISSING)", async () => {
    const dev = await device(core);
    const w = (await dev.bootloader()).update();
    const image = encrypted(128);
    w.open({ byteLength: image.length });
    expect(() => w.write(image.subarray(0, 512))).toThrow(expect.objectContaining({ code: "ENC_KEY_ENTRY_MISSING" }));
    const l = dev.config.layout;
    expect(dev.flash.contents.subarray(l.slotB, l.slotB + l.slotSize).every((b) => b === 0xff)).toBe(true);
  });

  it("an entry sized for the other AES key than the header's flag is refused (BAD_TLV)", async () => {
    const dev = await device(core);
    const plain = createImage(new Uint8Array(FIRMWARE.length + 15 - ((FIRMWARE.length + 15) % 16)), {
      version: parseVersion("2.0.0"), headerSize: 64, securityCounter: 2, vendorId: VENDOR, classId: CLASS, key: { secretKey: KEY }, flags: IMAGE_FLAGS.ENCRYPTED_AES128,
    });
    const key32 = new Uint8Array(32).fill(7);
    const image = encryptSignedImage(plain, key32.subarray(0, 16), eciesWrap(DEVICE_PUBLIC, key32));
    expect(await outcome(dev.installImage(image, 512))).toBe("BAD_TLV");
  });
});

function entryAt(image: Uint8Array): number {
  const entry = findKeyEntry(image)!;
  return image.length - entry.length;
}

function flip(image: Uint8Array, at: (img: Uint8Array) => number): Uint8Array {
  const out = image.slice();
  out[at(out)] ^= 0x01;
  return out;
}

function withEphemeral(image: Uint8Array, ephemeral: Uint8Array): Uint8Array {
  const out = image.slice();
  out.set(ephemeral, entryAt(out));
  return out;
}
