import { bufferAddress } from "./host";
import { IO_SIZE, ioBuf } from "./buffers";

/** WASM hosts: byte address of the exchange buffer in linear memory. */
export function ioBufferAddress(): u32 {
  return bufferAddress(ioBuf);
}

/** JS hosts: the exchange buffer itself. */
export function ioBuffer(): Uint8Array {
  return ioBuf;
}

export function ioBufferSize(): i32 {
  return IO_SIZE;
}
