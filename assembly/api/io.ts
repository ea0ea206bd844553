import { bufferAddress, heapUsed } from "../common/host";
import { IO_SIZE, ioBuf } from "../common/buffers";

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

/** WASM: bytes of linear memory in use; all allocation happens at start, so this is the working set. */
export function memoryInUse(): u32 {
  return heapUsed();
}
