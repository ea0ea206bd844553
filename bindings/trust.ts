// What a device trusts, handed to a core: the exchange buffer takes the key
// (32 bytes), vendor ID (16) and class ID (16), then trustConfigure() reads
// them with a flag for each one present. A P-256 key (65-byte uncompressed
// point) goes to bytes 64..129 instead, with flag bit 3 saying so. The bootloader and the host-side
// image check provision a core the same way through this one function.
import type { Core } from "./core.js";

export interface TrustedIdentity {
  /** 32 bytes: Ed25519; 65 bytes (0x04 || x || y): ECDSA P-256. */
  publicKey?: Uint8Array;
  /** If given, must agree with the key's length (the core is told the type explicitly either way). */
  publicKeyType?: "ed25519" | "ecdsa-p256";
  vendorId?: Uint8Array;
  classId?: Uint8Array;
  /**
   * Let a package's verified manifest signature vouch for the image it binds:
   * the image's own signature is not verified again at install (one public-key
   * check per package instead of two; docs/threat-model.md). Needs a key.
   */
  manifestVouchesForImage?: boolean;
}

export function provisionTrust(core: Core, identity: TrustedIdentity, hardwareRevision: number, bootloaderVersion: number): void {
  const io = core.io();
  io.fill(0, 0, 64);
  let flags = 0;
  const put = (bytes: Uint8Array | undefined, at: number, length: number, bit: number, what: string) => {
    if (!bytes) return;
    if (bytes.length !== length) throw new TypeError(`${what} must be ${length} bytes, not ${bytes.length}`);
    io.set(bytes, at);
    flags |= bit;
  };
  const key = identity.publicKey;
  const isP256 = !!key && key.length === 65 && key[0] === 4;
  if (key && identity.publicKeyType && identity.publicKeyType !== (isP256 ? "ecdsa-p256" : "ed25519"))
    throw new TypeError(`public key of ${key.length} bytes is not an ${identity.publicKeyType} key`);
  if (isP256) {
    if (io.length < 129) throw new TypeError("this core's exchange buffer cannot take a P-256 key (use the update role or the whole core)");
    io.set(key, 64);
    flags |= 1 | 8;
  } else {
    put(key, 0, 32, 1, "public key (32 bytes Ed25519, or a 65-byte P-256 point)");
  }
  put(identity.vendorId, 32, 16, 2, "vendor ID");
  put(identity.classId, 48, 16, 4, "class ID");
  if (identity.manifestVouchesForImage) {
    if (!key) throw new TypeError("manifestVouchesForImage needs a public key: a manifest vouches only by its signature");
    flags |= 16;
  }
  core.exports.trustConfigure(flags, hardwareRevision >>> 0, bootloaderVersion >>> 0);
}

/**
 * The device's X25519 private key for encrypted images and packages (32
 * bytes), or none: without one the device refuses encrypted updates.
 */
export function provisionDecryptionKey(core: Core, privateKey: Uint8Array | undefined): void {
  if (privateKey && privateKey.length !== 32) throw new TypeError(`an X25519 private key must be 32 bytes, not ${privateKey.length}`);
  if (!core.exports.decryptionConfigure) return;
  if (privateKey) core.io().set(privateKey, 0);
  core.exports.decryptionConfigure(privateKey ? 1 : 0);
}
