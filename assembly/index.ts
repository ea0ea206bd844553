// The whole core in one module (core.wasm, core.js): both roles, the
// crypto and codec APIs. Devices that load code by role use the boot and
// update entries instead (assembly/boot/index.ts, assembly/update/index.ts).
export * from "./api/io";
export * from "./api/hash";
export * from "./api/ed25519";
export * from "./api/ecdsa";
export * from "./api/crypt";
export * from "./api/heatshrink";
export * from "./api/delta";
export * from "./api/boot";
export * from "./api/install";
export * from "./api/update";
export * from "./api/check";
