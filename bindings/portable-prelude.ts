// Globals that AssemblyScript provides as builtins and the plain-JS build of
// the core expects at run time. Written for ES5-level engines (no Math.imul,
// no Object.defineProperties tricks) so the same prelude serves Espruino.
const g = globalThis as unknown as Record<string, unknown>;
if (typeof g.u32 !== "function") {
  g.i8 = function (v: number) { return (v << 24) >> 24; };
  g.i16 = function (v: number) { return (v << 16) >> 16; };
  g.i32 = function (v: number) { return v | 0; };
  g.u8 = function (v: number) { return v & 0xff; };
  g.u16 = function (v: number) { return v & 0xffff; };
  g.u32 = function (v: number) { return v >>> 0; };
  g.usize = g.u32;
  g.isize = g.i32;
  g.bool = function (v: unknown) { return !!v; };
  g.f64 = function (v: number) { return +v; };
  g.unchecked = function <T>(v: T) { return v; };
  g.ASC_TARGET = 0;
}
export {};
