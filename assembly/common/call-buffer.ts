// One 512-byte scratch buffer for work that reads flash and is done with the
// bytes inside a single core call: the image parser's header reads, digest
// chunks and TLV walks (boot/image.ts) and the resume record's slot check
// (update/resume.ts). They never hold its contents across calls or around
// each other, so they share it: on Espruino 512 bytes are about twenty
// variables.
export const CALL_BUFFER_SIZE: i32 = 512;
export const callBuffer: Uint8Array = new Uint8Array(CALL_BUFFER_SIZE);
