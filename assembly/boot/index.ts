// The boot role: what runs at every power-up. It reads the boot-control log,
// chooses a slot and checks it, and lets the running application confirm or
// reject its trial. No signature, package or codec code is reachable from
// here, so a board pays only for this at boot (docs/porting.md).
export * from "../api/io";
export * from "../api/boot";
