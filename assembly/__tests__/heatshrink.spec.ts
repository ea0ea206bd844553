import {
  HeatshrinkDecoder, HS_OK, HS_MORE, HS_E_PARAMS, HS_E_REFERENCE, HS_E_TRUNCATED, HS_MAX_WINDOW_BITS,
} from "../codecs/heatshrink";

// "this is a test" compressed with window 8, lookahead 4: the example stream of
// the heatshrink-ts README (decoded there by a separate implementation).
const THIS_IS_A_TEST: u8[] = [0xba, 0x5a, 0x2d, 0x37, 0x39, 0x00, 0x08, 0xac, 0x32, 0x0b, 0xa5, 0x96, 0xe7, 0x74];
const EXPECTED: u8[] = [0x74, 0x68, 0x69, 0x73, 0x20, 0x69, 0x73, 0x20, 0x61, 0x20, 0x74, 0x65, 0x73, 0x74];

function bytes(a: u8[]): Uint8Array {
  const b = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) b[i] = a[i];
  return b;
}

describe("heatshrink decoder", () => {
  it("decodes the known 'this is a test' stream one byte at a time", () => {
    const d = new HeatshrinkDecoder();
    expect(d.reset(8, 4, true)).toBe(HS_OK);
    const input = bytes(THIS_IS_A_TEST);
    const out = new Uint8Array(32);
    let n = 0;
    for (let i = 0; i < input.length; i++) {
      expect(d.sink(input, i, 1)).toBe(1);
      for (;;) {
        const k = d.poll(out, n, 1);
        expect(k).toBeGreaterThanOrEqual(0);
        if (k == 0) break;
        n += k;
      }
    }
    expect(d.finish()).toBe(HS_OK);
    expect(n).toBe(EXPECTED.length);
    for (let i = 0; i < EXPECTED.length; i++) expect(out[i]).toBe(EXPECTED[i]);
  });

  it("reports truncation when the last byte is missing", () => {
    const d = new HeatshrinkDecoder();
    expect(d.reset(8, 4, false)).toBe(HS_OK);
    const input = bytes(THIS_IS_A_TEST);
    const out = new Uint8Array(32);
    expect(d.sink(input, 0, input.length - 1)).toBe(input.length - 1);
    expect(d.finish()).toBe(HS_MORE);
    expect(d.poll(out, 0, 32)).toBe(13);
    expect(d.finish()).toBe(HS_E_TRUNCATED);
  });

  it("rejects unsupported parameters and references before the start in strict mode", () => {
    const d = new HeatshrinkDecoder();
    expect(d.reset(HS_MAX_WINDOW_BITS + 1, 4, false)).toBe(HS_E_PARAMS);
    expect(d.reset(8, 2, false)).toBe(HS_E_PARAMS);
    expect(d.reset(8, 4, true)).toBe(HS_OK);
    const zeros = new Uint8Array(4); // a reference to 1 byte back, at the start
    const out = new Uint8Array(8);
    expect(d.sink(zeros, 0, 4)).toBe(4);
    expect(d.poll(out, 0, 8)).toBe(HS_E_REFERENCE);
    expect(d.reset(8, 4, false)).toBe(HS_OK);
    expect(d.sink(zeros, 0, 2)).toBe(2); // 16 bits: one 13-bit token, 3 zero bits of padding
    expect(d.poll(out, 0, 8)).toBe(1);
    expect(out[0]).toBe(0);
    expect(d.finish()).toBe(HS_OK);
  });
});
