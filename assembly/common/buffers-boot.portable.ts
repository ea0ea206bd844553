// The exchange buffer of the JS boot module (build/boot.js, es5/boot.cjs):
// the boot role passes at most a 32-byte header or digest through it, so it
// is 64 bytes rather than the update role's 1 KiB (on Espruino, about 45
// variables less at every power-up). ioBufferSize() reports it.

export const IO_SIZE: i32 = 64;
export const ioBuf: Uint8Array = new Uint8Array(IO_SIZE);
