// CRC-32 (IEEE 802.3, reflected, poly 0xEDB88320) with a 16-entry nibble
// table: 64 bytes of RAM instead of 1 KiB, fast enough for 32-byte records.
//
// The JS builds take the host's where it offers one (the optional host call
// crc32; Espruino's native E.CRC32): an interpreter runs this loop token by
// token. The log records' CRCs go through it too, so a host CRC that differed
// from this one would make records unreadable to a core without it: the
// host's answers are compared with this loop's until one for a range that
// does not start the buffer agrees (a host that ignored the offset would
// agree on the others), and a host that disagrees once is not asked again.
// The WASM build never asks (common/host.ts).
import { hostCrc32 } from "./host";

const crcNibble: Uint32Array = new Uint32Array(16);
for (let i: i32 = 0; i < 16; i++) {
  let c: u32 = u32(i);
  for (let k: i32 = 0; k < 4; k++) {
    c = (c & 1) != 0 ? u32((c >>> 1) ^ 0xedb88320) : u32(c >>> 1);
  }
  crcNibble[i] = c;
}

// The host's CRC-32: 0 not trusted (yet, or no longer offered), 1 in use
// (crc32() answers with it while it is offered), -1 wrong. Read by the log's
// blank check (a variable, not a function: a function costs the boot role
// variables on Espruino).
export let crcHost: i32 = 0;

export function crc32(buf: Uint8Array, off: i32, len: i32): u32 {
  let hosted: f64 = -1.0;
  if (crcHost >= 0) hosted = hostCrc32(buf, off, len);
  if (hosted >= 0.0 && crcHost > 0) return u32(hosted);
  return crc32Loop(buf, off, len, hosted);
}

// The core's own loop, and the check of the host's answer against it. Kept
// out of crc32() (and out of line in the ES5 build: build-core's OUT_OF_LINE)
// because Espruino reads a function's whole text at every call, skipped
// loops included, and crc32() is called once per slot page with the host's.
function crc32Loop(buf: Uint8Array, off: i32, len: i32, hosted: f64): u32 {
  // A host that stops offering it (the update task takes it back when the
  // codecs load) is trusted again only once it agrees again.
  if (hosted < 0.0 && crcHost > 0) crcHost = 0;
  let c: u32 = 0xffffffff;
  for (let i: i32 = 0; i < len; i++) {
    c = u32(c ^ unchecked(buf[off + i]));
    c = u32(unchecked(crcNibble[c & 15]) ^ (c >>> 4));
    c = u32(unchecked(crcNibble[c & 15]) ^ (c >>> 4));
  }
  c = u32(~c);
  if (hosted >= 0.0) {
    if (u32(hosted) != c) crcHost = -1;
    else if (off != 0) crcHost = 1;
  }
  return c;
}
