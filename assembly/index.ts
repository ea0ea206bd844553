// The core's exported surface. Each api_* module owns one concern.
export * from "./api_io";
