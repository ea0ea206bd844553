// The public API of the bindings. `sha256` and `ed25519Verify` run the core's
// own implementations (the WASM build by default; `useCore("js")` switches to
// the plain-JS build) so that anyone can run conformance vectors against them.
import { loadCore, loadWasmCoreSync, type Core, type CoreKind } from "./core.js";
import { sha256With } from "./hash.js";
import { ed25519VerifyWith } from "./ed25519.js";
import { ecdsaP256VerifyWith, ecdsaP256VerifyPrehashedWith } from "./ecdsa-p256.js";

export { loadCore, loadWasmCoreSync, CORE_KINDS, type Core, type CoreKind } from "./core.js";
export * from "./bootloader.js";
export * from "./errors.js";
export * from "./flash.js";
export * from "./names.js";
export { checkImage, checkImageOn, type ImageCheck, type ImageCheckOptions, type ImageCheckStage, type ImageFacts } from "./image-check.js";
export { sha256With, Sha256Stream } from "./hash.js";
export { ed25519VerifyWith } from "./ed25519.js";
export { ecdsaP256VerifyWith, ecdsaP256VerifyPrehashedWith, ecdsaP256VerifyRawPrehashedWith, p256PointOfKey, p256Spki } from "./ecdsa-p256.js";
export { heatshrinkDecodeWith } from "./heatshrink.js";
export { withNodeHashing } from "./node-hashing.js";

let defaultCore: Core | null = null;

function core(): Core {
  if (!defaultCore) defaultCore = loadWasmCoreSync();
  return defaultCore;
}

/** Run sha256/ed25519Verify/ecdsaP256Verify on the given core build from now on. */
export async function useCore(kind: CoreKind): Promise<void> {
  defaultCore = await loadCore(kind);
}

/** SHA-256 of `bytes`, computed by the slotboot core. */
export function sha256(bytes: Uint8Array): Uint8Array {
  return sha256With(core(), bytes);
}

/** Strict RFC 8032 Ed25519 verification by the slotboot core (docs/crypto-ed25519.md). */
export function ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  return ed25519VerifyWith(core(), publicKey, message, signature);
}

/**
 * ECDSA P-256 verification by the slotboot core (docs/crypto-ecdsa.md): the
 * message is hashed with SHA-256; `publicKey` is the 65-byte uncompressed
 * point or its SPKI DER; `signature` is strict DER. High-S is accepted.
 */
export function ecdsaP256Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  return ecdsaP256VerifyWith(core(), publicKey, message, signature);
}

/** As ecdsaP256Verify, over a 32-byte hash instead of the message. */
export function ecdsaP256VerifyPrehashed(publicKey: Uint8Array, hash: Uint8Array, signature: Uint8Array): boolean {
  return ecdsaP256VerifyPrehashedWith(core(), publicKey, hash, signature);
}
