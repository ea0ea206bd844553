// Incremental CRC-32 (IEEE, reflected) for delta block checks, one byte at a
// time with a 16-entry nibble table (64 bytes of RAM). Callers start from
// 0xffffffff and complement at the end.

const deltaCrcTable: Uint32Array = new Uint32Array(16);
for (let i: i32 = 0; i < 16; i++) {
  let c: u32 = u32(i);
  for (let k: i32 = 0; k < 4; k++) c = (c & 1) != 0 ? u32((c >>> 1) ^ 0xedb88320) : u32(c >>> 1);
  deltaCrcTable[i] = c;
}

export function deltaCrcByte(crc: u32, b: u32): u32 {
  let c = u32(crc ^ b);
  c = u32(unchecked(deltaCrcTable[c & 15]) ^ (c >>> 4));
  return u32(unchecked(deltaCrcTable[c & 15]) ^ (c >>> 4));
}
