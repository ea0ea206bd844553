// The crypt module as a board loads it: the ES5 update module (Espruino's)
// carries no decryption code, and the ES5 crypt module plugged in with
// useDecryption() opens an encrypted image there exactly as the whole core
// does. An unencrypted install never loads it. The crypt module in turn loads
// the unwrap module (X25519, HKDF, HMAC) only to open the key.
import { expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { x25519 } from "@noble/curves/ed25519.js";
import { planLayout } from "../bindings/bootloader.js";
import { statusInfo } from "../bindings/errors.js";
import { body, KEY, PUB, signedImage, VENDOR, CLASS } from "./helpers/signed.js";
import { createEncryptedImage, findKeyEntry } from "../tools/encrypt.js";
import { parseVersion } from "../tools/image.js";
import { packPackage } from "../tools/package.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Module = Record<string, any>;
const load = (name: string): Module => {
  const module = { exports: {} as Module };
  new Function("exports", "module", readFileSync(new URL(`../build/es5/${name}.cjs`, import.meta.url), "utf8"))(module.exports, module);
  return module.exports;
};

/** The ES5 crypt module (the AES-CTR stream) with the ES5 unwrap module plugged in, as a board wires them. */
function cryptDecryptor(): Module {
  const crypt = load("crypt").createCrypt({});
  crypt.useUnwrap(() => load("unwrap").createUnwrap({}));
  return crypt.cryptDecryptor();
}

const DEVICE_SECRET = Uint8Array.from({ length: 32 }, (_, i) => (i * 29 + 7) & 0xff);
const layout = planLayout({ sectorSize: 512, slotSize: 16384 });

function updateCore(flash: Uint8Array): Module {
  const host = {
    read: (addr: number, buf: Uint8Array, off: number, len: number) => (buf.set(flash.subarray(addr, addr + len), off), 0),
    program: (addr: number, buf: Uint8Array, off: number, len: number) => {
      for (let i = 0; i < len; i++) flash[addr + i] &= buf[off + i];
      return 0;
    },
    erase: (addr: number) => (flash.fill(0xff, addr - (addr % 512), addr - (addr % 512) + 512), 0),
    sha256: () => -1,
  };
  const x = load("update").createUpdateCore(host);
  const l = layout;
  expect(x.layoutConfigure(l.ctlAddr, l.ctlSectors, l.resumeAddr, l.resumeSectors, l.slotA, l.slotB, l.slotSize, l.sectorSize, l.writeSize, l.maxAttempts, l.maxPowerAttempts)).toBe(0);
  const io = x.ioBuffer() as Uint8Array;
  io.fill(0, 0, 64);
  io.set(PUB, 0);
  io.set(VENDOR, 32);
  io.set(CLASS, 48);
  x.trustConfigure(7, 3, 0x010000);
  io.set(DEVICE_SECRET, 0);
  x.decryptionConfigure(1);
  return x;
}

function install(x: Module, image: Uint8Array, entry?: Uint8Array): number {
  const io = x.ioBuffer() as Uint8Array;
  const slot = x.installOpen(image.length);
  if (slot < 0) return slot;
  if (entry) {
    io.set(entry, 0);
    const s = x.installKeyEntry(entry.length);
    if (s < 0) return s;
  }
  for (let off = 0; off < image.length; off += 1000) {
    const part = image.subarray(off, Math.min(image.length, off + 1000));
    io.set(part, 0);
    const s = x.installWrite(part.length);
    if (s < 0) return s;
  }
  return x.installComplete();
}

it("the ES5 update module decrypts through a plugged-in ES5 crypt module, loaded only for an encrypted image", () => {
  const flash = new Uint8Array(layout.flashSize).fill(0xff);
  const x = updateCore(flash);
  let loads = 0;
  x.useDecryption(() => {
    loads++;
    return cryptDecryptor();
  });
  expect(install(x, signedImage({ version: "1.0.0", securityCounter: 1, seed: 1, size: 2500 }))).toBe(0);
  expect(x.factoryAdopt()).toBeGreaterThanOrEqual(0);
  expect(loads).toBe(0);
  const firmware = body(5000, 4);
  const image = createEncryptedImage(firmware, { version: parseVersion("2.0.0"), headerSize: 64, securityCounter: 2, vendorId: VENDOR, classId: CLASS, key: { secretKey: KEY } },
    { recipientPublic: x25519.getPublicKey(DEVICE_SECRET) });
  expect(install(x, image, findKeyEntry(image))).toBe(0);
  expect(loads).toBe(1);
  const slotB = flash.subarray(layout.slotB + 64, layout.slotB + 64 + firmware.length);
  expect(Buffer.from(slotB).equals(Buffer.from(firmware))).toBe(true);
});

it("without the crypt module, the ES5 update module refuses an encrypted image with ENC_NOT_LOADED", () => {
  const flash = new Uint8Array(layout.flashSize).fill(0xff);
  const x = updateCore(flash);
  const image = createEncryptedImage(body(3000, 5), { version: parseVersion("2.0.0"), headerSize: 64, securityCounter: 2, key: { secretKey: KEY } },
    { recipientPublic: x25519.getPublicKey(DEVICE_SECRET) });
  expect(statusInfo(install(x, image, findKeyEntry(image))).code).toBe("ENC_NOT_LOADED");
});

/** Feed a package the way a board does: write from the offset the device asks for. */
function receive(x: Module, pkg: Uint8Array): number {
  const io = x.ioBuffer() as Uint8Array;
  x.receiveBegin();
  while (x.receivePosition() < pkg.length) {
    const at = x.receivePosition();
    const part = pkg.subarray(at, Math.min(pkg.length, at + 700));
    io.set(part, 0);
    const used = x.receiveWrite(part.length);
    if (used < 0) return used;
  }
  return x.receiveComplete();
}

/** A device (ES5 update module) that adopted v1 at the factory, and a package of v2 encrypted to it. */
function adoptedDeviceAndEncryptedPackage() {
  const v1 = signedImage({ version: "1.0.0", securityCounter: 1, seed: 1, size: 2500 });
  const v2 = signedImage({ version: "2.0.0", securityCounter: 2, seed: 2, size: 6000 });
  const pkg = packPackage({ image: v2, secretKey: KEY, blockSize: 512, encryptFor: { recipientPublic: x25519.getPublicKey(DEVICE_SECRET) } }).bytes;
  const flash = new Uint8Array(layout.flashSize).fill(0xff);
  const x = updateCore(flash);
  expect(install(x, v1)).toBe(0);
  expect(x.factoryAdopt()).toBeGreaterThanOrEqual(0);
  return { v2, pkg, flash, x };
}

it("an encrypted package through the ES5 update module: refused without the crypt module, installed with it", () => {
  const { v2, pkg, flash, x } = adoptedDeviceAndEncryptedPackage();
  expect(statusInfo(receive(x, pkg)).code).toBe("ENC_NOT_LOADED");
  x.useDecryption(() => cryptDecryptor());
  expect(receive(x, pkg)).toBe(0);
  expect(Buffer.from(flash.subarray(layout.slotB, layout.slotB + v2.length)).equals(Buffer.from(v2))).toBe(true);
});

it("the crypt module holds the AES-CTR stream only: the key unwrap is the unwrap module, loaded at each key opening and kept by nobody", () => {
  const source = (name: string) => readFileSync(new URL(`../build/es5/${name}.cjs`, import.meta.url), "utf8");
  // X25519's (A - 2) / 4 = 121665 and SHA-256's first round constant 0x428a2f98 = 1116352408.
  for (const constant of ["121665", "1116352408"]) {
    expect(source("crypt")).not.toContain(constant);
    expect(source("unwrap")).toContain(constant);
  }
  const { v2, pkg, flash, x } = adoptedDeviceAndEncryptedPackage();
  // The crypt module without its unwrap module: the key cannot be opened.
  x.useDecryption(() => load("crypt").createCrypt({}).cryptDecryptor());
  expect(statusInfo(receive(x, pkg)).code).toBe("ENC_NOT_LOADED");
  let opened = 0;
  x.useDecryption(() => {
    const crypt = load("crypt").createCrypt({});
    crypt.useUnwrap(() => {
      opened++;
      return load("unwrap").createUnwrap({});
    });
    return crypt.cryptDecryptor();
  });
  expect(receive(x, pkg)).toBe(0);
  // Twice per package: the recipient ID, then the key wrap.
  expect(opened).toBe(2);
  expect(Buffer.from(flash.subarray(layout.slotB, layout.slotB + v2.length)).equals(Buffer.from(v2))).toBe(true);
});
