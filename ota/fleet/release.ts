// Firmware for fleet runs: a factory image and a signed update package (full
// or delta), made with the project's own tools, and a key the devices trust.
import { createImage, parseVersion } from "../../tools/image.js";
import { packPackage } from "../../tools/package.js";
import { publicKeyOf } from "../../tools/keys.js";

export interface Release {
  publicKey: string;
  factory: Uint8Array;
  factoryVersion: string;
  /** Update package bytes by version. */
  packages: Map<string, Uint8Array>;
}

function body(size: number, seed: number): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed >>> 0;
  for (let i = 0; i < size; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = i % 7 === 0 ? x >>> 24 : (i >> 5) & 0xff;
  }
  return out;
}

/** v1 (factory) and updates to each of `versions`, `size` bytes of firmware each; deltas from v1 when `delta`. */
export function makeRelease(versions: string[], size = 60_000, delta = false): Release {
  const secretKey = Uint8Array.from({ length: 32 }, (_, i) => (i * 37 + 11) & 0xff);
  const image = (version: string, seed: number) =>
    createImage(body(size, seed), { version: parseVersion(version), securityCounter: 1, key: { secretKey } });
  const factory = image("1.0.0", 1);
  const packages = new Map<string, Uint8Array>();
  versions.forEach((version, index) => {
    const next = body(size, 1);
    next.set(body(2000 + index * 100, 50 + index), 1000 + index * 4000); // an edit: deltas stay small
    const update = createImage(next, { version: parseVersion(version), securityCounter: 1, key: { secretKey } });
    packages.set(version, packPackage({ image: update, secretKey, base: delta ? factory : undefined }).bytes);
  });
  return { publicKey: Buffer.from(publicKeyOf(secretKey)).toString("hex"), factory, factoryVersion: "1.0.0", packages };
}
