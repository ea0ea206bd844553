// The one place where 32-bit multiply and count-leading-zeros live, so that
// the plain-JS build can run on engines without Math.imul / Math.clz32
// (Espruino). In WASM these compile to single instructions.

/** Low 32 bits of a * b, exact for all 32-bit inputs. */
export function mul32(a: u32, b: u32): u32 {
  if (ASC_TARGET != 0) return a * b;
  // Split b so no partial product exceeds 2^53 in a double.
  const lo = u32(a * (b & 0xffff));
  const hi = u32(u32(a * (b >>> 16)) << 16);
  return u32(lo + hi);
}

/** Number of leading zero bits of a 32-bit value (32 for 0). */
export function clz32(x: u32): i32 {
  if (ASC_TARGET != 0) return i32(clz<u32>(x));
  if (x == 0) return 32;
  let n: i32 = 0;
  let v: u32 = x;
  while ((v & 0x80000000) == 0) {
    v = u32(v << 1);
    n++;
  }
  return n;
}
