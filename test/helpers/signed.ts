// Fixtures for signed updates: a vendor key, device identity, signed images
// and packages (built with the host tooling, which uses @noble for signing).
import { SimDevice } from "../../bootloader-sim/device.js";
import type { CoreKind } from "../../bindings/core.js";
import { createImage, parseVersion } from "../../tools/image.js";
import { packPackage, type PackOptions } from "../../tools/package.js";
import { publicKeyOf } from "../../tools/keys.js";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const seed = (n: number) => Uint8Array.from({ length: 32 }, (_, i) => (i * 37 + n * 101 + 5) & 0xff);

export const KEY = seed(1);
export const PUB = publicKeyOf(KEY);
export const OTHER_KEY = seed(2);
export const VENDOR = Uint8Array.from(Buffer.from("6ba7b8109dad11d180b400c04fd430c8", "hex"));
export const CLASS = Uint8Array.from(Buffer.from("0f1e2d3c4b5a69788796a5b4c3d2e1f0", "hex"));
export const OTHER_UUID = Uint8Array.from(Buffer.from("00112233445566778899aabbccddeeff", "hex"));

export function body(size: number, seedValue: number): Uint8Array {
  const b = new Uint8Array(size);
  let x = (seedValue * 2654435761) >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    // Mostly structured, partly random: compressible like firmware.
    b[i] = i % 7 === 0 ? x & 0xff : (i >> 3) & 0xff;
  }
  return b;
}

export interface SignedImageOptions {
  version: string;
  size?: number;
  seed?: number;
  securityCounter?: number;
  key?: Uint8Array;
  vendorId?: Uint8Array;
  classId?: Uint8Array;
}

export function signedImage(o: SignedImageOptions): Uint8Array {
  return createImage(body(o.size ?? 3000, o.seed ?? 1), {
    version: parseVersion(o.version),
    headerSize: 64,
    securityCounter: o.securityCounter ?? 1,
    vendorId: o.vendorId ?? VENDOR,
    classId: o.classId ?? CLASS,
    key: { secretKey: o.key ?? KEY },
  });
}

export function pkg(image: Uint8Array, o: Partial<PackOptions> = {}): Uint8Array {
  return packPackage({ image, secretKey: KEY, blockSize: 512, ...o }).bytes;
}

export interface SignedDeviceOptions {
  core: CoreKind;
  sectorSize?: number;
  slotSize?: number;
  writeSize?: number;
  hardwareRevision?: number;
}

/** A device that trusts PUB, VENDOR and CLASS, provisioned with `factory`. */
export async function signedDevice(o: SignedDeviceOptions, factory: Uint8Array): Promise<SimDevice> {
  const dev = SimDevice.create({ core: o.core, sectorSize: o.sectorSize ?? 512, slotSize: o.slotSize ?? 16384, writeSize: o.writeSize ?? 4 });
  dev.config.publicKey = hex(PUB);
  dev.config.vendorId = hex(VENDOR);
  dev.config.classId = hex(CLASS);
  dev.config.hardwareRevision = o.hardwareRevision ?? 3;
  await dev.provision(factory);
  return dev;
}

/** Bytes of a slot as they are on flash. */
export function slotBytes(dev: SimDevice, slot: "A" | "B", len: number): Uint8Array {
  const l = dev.config.layout;
  const at = slot === "A" ? l.slotA : l.slotB;
  return dev.flash.contents.slice(at, at + len);
}
