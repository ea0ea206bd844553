// Fixed-size frames of the secure local link. Every frame on the byte stream is
// exactly FRAME_BYTES long, so the reader needs one frame buffer and no length
// field an attacker could inflate. Portable: no host APIs.
//
//   offset 0     kind        HELLO 0xA1 | WELCOME 0xA2 | DATA 0xA3
//   offset 1..4  counter     u32 big-endian; DATA: frame number in this direction, handshake frames: 0
//   offset 5..   body        HELLO: Noise message 1, WELCOME: Noise message 2, each then zero padding;
//                            DATA: ChaCha20-Poly1305(record) + 16-byte tag, header bytes 0..4 as associated data
//
// A DATA frame's plaintext is one record:
//   type u8 | channel u8 | flags u8 | length u8 | payload (length ≤ RECORD_PAYLOAD_BYTES) | zero padding
import { TAG_BYTES } from "./noise-symmetric.js";
import { helloLength, welcomeLength } from "./noise-ik.js";

export const FRAME_BYTES = 256;
export const FRAME_HEADER_BYTES = 5;
export const FRAME_BODY_BYTES = FRAME_BYTES - FRAME_HEADER_BYTES;

export const KIND_HELLO = 0xa1;
export const KIND_WELCOME = 0xa2;
export const KIND_DATA = 0xa3;

/** Payload of each handshake message: version u8, then reserved zero bytes. */
export const HANDSHAKE_PAYLOAD_BYTES = 16;
export const LINK_PROTOCOL_VERSION = 1;
export const HELLO_BYTES = helloLength(HANDSHAKE_PAYLOAD_BYTES);
export const WELCOME_BYTES = welcomeLength(HANDSHAKE_PAYLOAD_BYTES);

export const RECORD_BYTES = FRAME_BODY_BYTES - TAG_BYTES;
export const RECORD_HEADER_BYTES = 4;
export const RECORD_PAYLOAD_BYTES = RECORD_BYTES - RECORD_HEADER_BYTES;

/** Record type the link itself uses: a graceful close, payload = ASCII reason. Types 1..255 belong to the layer above. */
export const RECORD_CLOSE = 0;

export function writeHeader(frame: Uint8Array, kind: number, counter: number): void {
  frame[0] = kind;
  frame[1] = (counter >>> 24) & 0xff;
  frame[2] = (counter >>> 16) & 0xff;
  frame[3] = (counter >>> 8) & 0xff;
  frame[4] = counter & 0xff;
}

export function readCounter(frame: Uint8Array): number {
  return ((frame[1] << 24) >>> 0) + (frame[2] << 16) + (frame[3] << 8) + frame[4];
}

/** A handshake frame: header with counter 0, message, zero padding. */
export function handshakeFrame(kind: number, message: Uint8Array): Uint8Array {
  const frame = new Uint8Array(FRAME_BYTES);
  writeHeader(frame, kind, 0);
  frame.set(message, FRAME_HEADER_BYTES);
  return frame;
}

/** True when bytes from..FRAME_BYTES are all zero (the padding after a handshake message). */
export function paddingIsZero(frame: Uint8Array, from: number): boolean {
  let bits = 0;
  for (let index = from; index < FRAME_BYTES; index++) bits |= frame[index];
  return bits === 0;
}

export function handshakePayload(): Uint8Array {
  const payload = new Uint8Array(HANDSHAKE_PAYLOAD_BYTES);
  payload[0] = LINK_PROTOCOL_VERSION;
  return payload;
}
