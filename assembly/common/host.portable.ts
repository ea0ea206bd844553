// The host ABI as the plain-JS build sees it. The bundler wraps the whole core
// in `createCore(__host)`, so each core instance has its own host and state;
// `__host` works on the core's own Uint8Array buffers.

interface PortableHost {
  read(addr: u32, buf: Uint8Array, off: u32, len: u32): i32;
  program(addr: u32, buf: Uint8Array, off: u32, len: u32): i32;
  erase(addr: u32): i32;
  sha256(addr: u32, len: u32, out: Uint8Array, off: u32): i32;
  /** Optional streaming SHA-256 (absent = not offered). */
  sha256Begin: ((len: u32) => i32) | null;
  sha256Update: ((buf: Uint8Array, off: u32, len: u32) => i32) | null;
  sha256Finish: ((out: Uint8Array, off: u32) => i32) | null;
}

declare const __host: PortableHost;

export function hostRead(addr: u32, buf: Uint8Array, off: u32, len: u32): i32 {
  return __host.read(addr, buf, off, len);
}

export function hostProgram(addr: u32, buf: Uint8Array, off: u32, len: u32): i32 {
  return __host.program(addr, buf, off, len);
}

export function hostErase(addr: u32): i32 {
  return __host.erase(addr);
}

export function hostFlashSha256(addr: u32, len: u32, out: Uint8Array, off: u32): i32 {
  return __host.sha256(addr, len, out, off);
}

export function hostSha256Begin(len: u32): i32 {
  return __host.sha256Begin ? __host.sha256Begin(len) : -1;
}

export function hostSha256Update(buf: Uint8Array, off: u32, len: u32): i32 {
  return __host.sha256Update ? __host.sha256Update(buf, off, len) : -1;
}

export function hostSha256Finish(out: Uint8Array, off: u32): i32 {
  return __host.sha256Finish ? __host.sha256Finish(out, off) : -1;
}

export function bufferAddress(buf: Uint8Array): u32 {
  return 0;
}

/** Not measurable from inside a JS engine. */
export function heapUsed(): u32 {
  return 0;
}
