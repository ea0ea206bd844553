// Shared fixtures for boot tests: small images, a device factory, and a
// host-side oracle that checks what is really on flash (independent of the
// core under test: it uses tools/image.ts and @noble/hashes).
import { SimDevice } from "../../bootloader-sim/device.js";
import type { CoreKind } from "../../bindings/core.js";
import { createImage, parseImage, parseVersion, TLV } from "../../tools/image.js";

export const LONG = process.env.SLOTBOOT_LONG === "1";

/** A deterministic image whose body depends on version and size. */
export function makeImage(version: string, size = 1500, seed = 1): Uint8Array {
  const body = new Uint8Array(size);
  let x = (seed * 2654435761 + version.length * 97 + size) >>> 0;
  for (let i = 0; i < size; i++) {
    x = (x ^ (x << 13)) >>> 0;
    x = (x ^ (x >>> 17)) >>> 0;
    x = (x ^ (x << 5)) >>> 0;
    body[i] = x & 0xff;
  }
  return createImage(body, { version: parseVersion(version), headerSize: 64 });
}

export interface SmallDeviceOptions {
  core: CoreKind;
  sectorSize?: number;
  slotSize?: number;
  writeSize?: number;
  maxAttempts?: number;
  maxPowerAttempts?: number;
}

export async function smallDevice(o: SmallDeviceOptions, factory: Uint8Array): Promise<SimDevice> {
  const dev = SimDevice.create({
    core: o.core,
    sectorSize: o.sectorSize ?? 512,
    slotSize: o.slotSize ?? 8192,
    writeSize: o.writeSize ?? 4,
    maxAttempts: o.maxAttempts ?? 3,
    maxPowerAttempts: o.maxPowerAttempts ?? 10,
  });
  await dev.provision(factory);
  return dev;
}

/** The version string of the intact image in a slot, or null (oracle: host-side parse + SHA-256). */
export function slotImageVersion(dev: SimDevice, slot: "A" | "B"): string | null {
  const l = dev.config.layout;
  const start = slot === "A" ? l.slotA : l.slotB;
  const bytes = dev.flash.contents.slice(start, start + l.slotSize);
  try {
    const img = parseImage(bytes);
    const sha = img.tlvs.find((t) => t.type === TLV.SHA256 && !t.protected);
    if (!sha || !sha.value.every((b, i) => b === img.computedDigest[i])) return null;
    const v = img.version;
    return `${v.major}.${v.minor}.${v.revision}`;
  } catch {
    return null;
  }
}

/** Slots whose intact image has the given version. */
export function slotsHolding(dev: SimDevice, version: string): Array<"A" | "B"> {
  return (["A", "B"] as const).filter((s) => slotImageVersion(dev, s) === version);
}
