// The exchange buffer between host and core. The host copies inputs (update
// bytes, messages to hash) into it and reads results out of it; the core never
// holds a reference to host memory. Sized once, here.

export const IO_SIZE: i32 = 1024;
export const ioBuf: Uint8Array = new Uint8Array(IO_SIZE);
