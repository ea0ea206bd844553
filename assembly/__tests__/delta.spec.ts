import { DeltaApplier, deltaApplier, DELTA_BUFFER_BYTES, DELTA_TABLE_BYTES, DELTA_HS_SHARED_BYTES } from "../codecs/delta_applier";
import {
  DELTA_CODEC_HEATSHRINK, DELTA_CODEC_RC, DELTA_E_CHECKSUM, DELTA_E_CODEC, DELTA_E_HEADER, DELTA_E_RESUME,
  DELTA_E_STATE, DELTA_E_TRAILING, DELTA_E_TRUNCATED,
} from "../codecs/delta_format";

// Patches made by tools/delta: diff(300 zero bytes, TEXT, { codec }). The new
// image shares nothing with the old one, so the patch is one insert and the
// applier never reads flash (as-pect's flash model is not used here; the
// copy path runs against real images in test/delta.test.ts, both builds).
const TEXT = "slotboot: fail-safe OTA updates for JS microcontrollers; delta blocks resume.";
const RC_PATCH: u8[] = [83, 66, 68, 49, 1, 16, 135, 0, 44, 1, 0, 0, 77, 0, 0, 0, 69, 248, 212, 70, 46, 0, 1, 205, 111, 108, 115, 6, 82, 253, 222, 113, 168, 82, 231, 79, 164, 9, 173, 128, 69, 82, 146, 72, 157, 28, 32, 52, 43, 85, 154, 108, 15, 197, 194, 185, 228, 207, 116, 91, 4, 80, 191, 92, 122, 104, 123, 235, 60, 16, 159, 126, 236, 110, 143, 16, 196, 92, 104, 25, 44, 82, 71, 135, 142, 214, 222, 120, 11, 0];
const HS_PATCH: u8[] = [83, 66, 68, 49, 2, 16, 135, 0, 44, 1, 0, 0, 77, 0, 0, 0, 88, 248, 212, 70, 46, 128, 83, 110, 118, 203, 125, 210, 197, 111, 1, 129, 157, 72, 44, 214, 27, 77, 178, 91, 115, 176, 217, 172, 178, 10, 125, 82, 131, 32, 186, 220, 44, 150, 27, 165, 150, 230, 21, 3, 111, 185, 72, 41, 85, 57, 5, 182, 211, 99, 185, 91, 236, 118, 251, 117, 208, 10, 6, 217, 108, 178, 220, 174, 115, 185, 5, 146, 203, 108, 186, 88, 100, 22, 33, 240, 27, 29, 172, 74, 6, 228, 41, 3, 117, 182, 217, 101, 192];
const OLD_ADDR: u32 = 0x10000;
const OLD_SIZE: u32 = 300;
const NEW_SIZE: u32 = 77;

function bytes(a: u8[]): Uint8Array {
  const b = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) b[i] = a[i];
  return b;
}

/** Feeds patch[0..len) one byte at a time, polling 1..7 bytes; returns output length or a status. */
function apply(d: DeltaApplier, patch: Uint8Array, len: i32, out: Uint8Array): i32 {
  let n: i32 = 0;
  for (let i: i32 = 0; i < len; i++) {
    const s = d.sink(patch, i, 1);
    if (s < 0) return s;
    for (;;) {
      const k = d.poll(out, n, min(7, out.length - n));
      if (k < 0) return k;
      if (k == 0) break;
      n += k;
    }
  }
  const f = d.finish();
  return f < 0 ? f : n;
}

function checkCodec(codec: i32, patch: Uint8Array): void {
  const d = new DeltaApplier();
  expect(d.begin(OLD_ADDR, OLD_SIZE, NEW_SIZE, codec)).toBe(0);
  const out = new Uint8Array(NEW_SIZE);
  expect(apply(d, patch, patch.length, out)).toBe(i32(NEW_SIZE));
  for (let i = 0; i < i32(NEW_SIZE); i++) expect<i32>(out[i]).toBe(TEXT.charCodeAt(i));
  expect(d.atBlockStart()).toBe(true);
  expect(d.outputOffset()).toBe(NEW_SIZE);
  expect(d.patchOffset()).toBe(u32(patch.length));
}

describe("delta applier", () => {
  it("applies a range-coder patch fed one byte at a time", () => {
    checkCodec(DELTA_CODEC_RC, bytes(RC_PATCH));
  });

  it("applies a heatshrink patch fed one byte at a time", () => {
    checkCodec(DELTA_CODEC_HEATSHRINK, bytes(HS_PATCH));
  });

  it("reports a truncated patch", () => {
    const d = new DeltaApplier();
    const p = bytes(RC_PATCH);
    expect(d.begin(OLD_ADDR, OLD_SIZE, NEW_SIZE, DELTA_CODEC_RC)).toBe(0);
    expect(apply(d, p, p.length - 1, new Uint8Array(NEW_SIZE))).toBe(DELTA_E_TRUNCATED);
  });

  it("reports bytes after the last block", () => {
    const d = new DeltaApplier();
    const p = new Uint8Array(RC_PATCH.length + 1);
    for (let i = 0; i < RC_PATCH.length; i++) p[i] = RC_PATCH[i];
    expect(d.begin(OLD_ADDR, OLD_SIZE, NEW_SIZE, DELTA_CODEC_RC)).toBe(0);
    expect(apply(d, p, p.length, new Uint8Array(NEW_SIZE))).toBe(DELTA_E_TRAILING);
  });

  it("checks each block's CRC", () => {
    const d = new DeltaApplier();
    const p = bytes(HS_PATCH);
    p[18] ^= 1; // inside the block CRC field
    expect(d.begin(OLD_ADDR, OLD_SIZE, NEW_SIZE, DELTA_CODEC_HEATSHRINK)).toBe(0);
    expect(apply(d, p, p.length, new Uint8Array(NEW_SIZE))).toBe(DELTA_E_CHECKSUM);
  });

  it("rejects headers that do not match begin()", () => {
    const d = new DeltaApplier();
    const p = bytes(RC_PATCH);
    expect(d.begin(OLD_ADDR, OLD_SIZE + 1, NEW_SIZE, DELTA_CODEC_RC)).toBe(0);
    expect(apply(d, p, p.length, new Uint8Array(NEW_SIZE))).toBe(DELTA_E_HEADER);
    expect(d.begin(OLD_ADDR, OLD_SIZE, NEW_SIZE, DELTA_CODEC_HEATSHRINK)).toBe(0);
    expect(apply(d, p, p.length, new Uint8Array(NEW_SIZE))).toBe(DELTA_E_CODEC);
    expect(d.begin(OLD_ADDR, OLD_SIZE, NEW_SIZE, 7)).toBe(DELTA_E_CODEC);
  });

  it("enforces call order and resume points", () => {
    const d = new DeltaApplier();
    expect(d.resume(16, 0)).toBe(DELTA_E_STATE);
    expect(d.sink(new Uint8Array(1), 0, 1)).toBe(DELTA_E_STATE);
    expect(d.begin(OLD_ADDR, OLD_SIZE, NEW_SIZE, DELTA_CODEC_RC)).toBe(0);
    expect(d.resume(16, 5)).toBe(DELTA_E_RESUME);
  });

  // Its buffers as declared (plus the 320 bytes of fields and headers the JS
  // builds assume): as-pect runs a collecting allocator, where the heap top
  // before and after making the applier says nothing about its size. The
  // measured figure, under the production build's bump allocator, is checked
  // in test/delta.test.ts for both builds.
  it("fits its RAM budget", () => {
    expect(DELTA_BUFFER_BYTES + 320 + DELTA_TABLE_BYTES + DELTA_HS_SHARED_BYTES).toBeLessThanOrEqual(16384);
  });
});
