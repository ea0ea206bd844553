// The simulator as a package entry point ("slotboot/sim"): a simulated NOR
// flash with power cuts and bit rot (SimFlash), and a whole device on top of it
// (SimDevice). docs/simulator.md describes both.
export * from "./flash.js";
export * from "./device.js";
export { normalizePlan } from "./faults.js";
export { Rng } from "./rng.js";
