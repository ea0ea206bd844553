// CRC-32 (IEEE 802.3, reflected, poly 0xEDB88320) with a 16-entry nibble
// table: 64 bytes of RAM instead of 1 KiB, fast enough for 32-byte records.

const crcNibble: Uint32Array = new Uint32Array(16);
for (let i: i32 = 0; i < 16; i++) {
  let c: u32 = u32(i);
  for (let k: i32 = 0; k < 4; k++) {
    c = (c & 1) != 0 ? u32((c >>> 1) ^ 0xedb88320) : u32(c >>> 1);
  }
  crcNibble[i] = c;
}

export function crc32(buf: Uint8Array, off: i32, len: i32): u32 {
  let c: u32 = 0xffffffff;
  for (let i: i32 = 0; i < len; i++) {
    c = u32(c ^ unchecked(buf[off + i]));
    c = u32(unchecked(crcNibble[c & 15]) ^ (c >>> 4));
    c = u32(unchecked(crcNibble[c & 15]) ^ (c >>> 4));
  }
  return u32(~c);
}
