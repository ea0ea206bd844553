// Host tooling as a package entry point ("slotboot/tools"): images
// (docs/formats.md), signed update packages, Ed25519 keys, UUIDs and deltas.
export * from "./image.js";
export * from "./package.js";
export * from "./keys.js";
export * from "./uuid.js";
export { diff, encodePatch, applyPatch, DeltaFormatError, type DiffOptions, type DeltaCodecName, type DeltaOp } from "./delta/index.js";
