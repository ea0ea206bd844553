export { bufferAddress } from "./host";
export function add32(a: u32, b: u32): u32 { return u32(a + b); }
