// A Flash wrapper for Node hosts that offers the core an accelerated SHA-256
// (node:crypto) over flash ranges and as a stream (package chain blocks), the
// way a hardware SHA engine would.
import { createHash } from "node:crypto";
import type { Flash, HostHash } from "./flash.js";

export function withNodeHashing(flash: Flash): Flash & { hashCalls: number; streamCalls: number } {
  const chunk = new Uint8Array(64 * 1024);
  const wrapped = {
    hashCalls: 0,
    streamCalls: 0,
    geometry: flash.geometry,
    read: (addr: number, out: Uint8Array) => flash.read(addr, out),
    program: (addr: number, data: Uint8Array) => flash.program(addr, data),
    erase: (addr: number) => flash.erase(addr),
    sha256(addr: number, len: number): Uint8Array {
      wrapped.hashCalls++;
      const h = createHash("sha256");
      for (let off = 0; off < len; off += chunk.length) {
        const n = Math.min(chunk.length, len - off);
        const view = chunk.subarray(0, n);
        flash.read(addr + off, view);
        h.update(view);
      }
      return new Uint8Array(h.digest());
    },
    sha256Stream(): HostHash {
      wrapped.streamCalls++;
      const h = createHash("sha256");
      return { update: (data: Uint8Array) => { h.update(data); }, digest: () => new Uint8Array(h.digest()) };
    },
  };
  return wrapped;
}
