// The host ABI as the plain-JS build sees it. The bindings install an object
// with read/program/erase that work on the core's own Uint8Array buffers.

interface PortableHost {
  read(addr: u32, buf: Uint8Array, off: u32, len: u32): i32;
  program(addr: u32, buf: Uint8Array, off: u32, len: u32): i32;
  erase(addr: u32): i32;
}

let host: PortableHost | null = null;

export function setPortableHost(h: PortableHost): void {
  host = h;
}

export function hostRead(addr: u32, buf: Uint8Array, off: u32, len: u32): i32 {
  return (host as PortableHost).read(addr, buf, off, len);
}

export function hostProgram(addr: u32, buf: Uint8Array, off: u32, len: u32): i32 {
  return (host as PortableHost).program(addr, buf, off, len);
}

export function hostErase(addr: u32): i32 {
  return (host as PortableHost).erase(addr);
}

export function bufferAddress(buf: Uint8Array): u32 {
  return 0;
}
