// One SHA-256 for hashing that starts and finishes inside a single core call:
// an image digest (boot/image.ts), the manifest digest (update/manifest.ts),
// the trusted key's hash and ID (update/trust.ts). None of them keeps hash
// state between calls, so they never overlap and can share one instance: on
// Espruino each instance is about twenty variables. The package hash chain
// (update/receiver.ts) does span calls and keeps its own.
import { Sha256 } from "../crypto/sha256";

export const callHash: Sha256 = new Sha256();
