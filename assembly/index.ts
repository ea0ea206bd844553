// The core's exported surface. Each api_* module owns one concern.
export * from "./api_io";
export * from "./api_hash";
export * from "./api_ed25519";
export * from "./api_heatshrink";
export * from "./api_delta";
export * from "./api_boot";
export * from "./api_update";
