import { edHalfScalars, edMultiplyHalf } from "../crypto/edhalves";
import { edReduce512 } from "../crypto/edscalar";

function fromHex(s: string): Uint8Array {
  const out = new Uint8Array(s.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = <u8>I32.parseInt(s.substr(2 * i, 2), 16);
  return out;
}

function toHex(b: Uint8Array, off: i32, len: i32): string {
  let s = "";
  for (let i = off; i < off + len; i++) s += (b[i] < 16 ? "0" : "") + b[i].toString(16);
  return s;
}

// (k, u, |v|, sign of v), all little-endian hex, from the extended Euclidean
// algorithm on (L, k) in BigInt, stopped at the first remainder below
// 2^126 (computed outside the core, by a script independent of this code).
// They cover k = 0, k below the bound, k = 2^126 and k = 2^183 + 12345
// (quotients of 2^126 and 2^70: the estimate is scaled down in steps),
// L - 1 and (L - 1) / 2 (L / k just above 2), the quotient-estimate edge:
// (L + 1) / 2, floor(L / 3) + 1 and floor(L / (2^26 - 1)) + 1, where L / k
// is just below an integer, so an estimate not scaled below the truth
// overshoots (with the scale factor at 1, (L + 1) / 2 fails: the step cap
// is reached), and hashes reduced mod L.
const KATS: string[][] = [
  ["0000000000000000000000000000000000000000000000000000000000000000", "00000000000000000000000000000000", "01000000000000000000000000000000", "1"],
  ["0100000000000000000000000000000000000000000000000000000000000000", "01000000000000000000000000000000", "01000000000000000000000000000000", "1"],
  ["ffffffffffffffffffffffffffffff3f00000000000000000000000000000000", "ffffffffffffffffffffffffffffff3f", "01000000000000000000000000000000", "1"],
  ["0000000000000000000000000000004000000000000000000000000000000000", "edd3f55c1a631258d69cf7a2def9de14", "00000000000000000000000000000040", "-1"],
  ["ecd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010", "01000000000000000000000000000000", "01000000000000000000000000000000", "-1"],
  ["f6e97a2e8d31092c6bce7b51ef7c6f0a00000000000000000000000000000008", "01000000000000000000000000000000", "02000000000000000000000000000000", "-1"],
  ["f7e97a2e8d31092c6bce7b51ef7c6f0a00000000000000000000000000000008", "01000000000000000000000000000000", "02000000000000000000000000000000", "1"],
  ["a546a7c9082106c89c8952364a534a5c55555555555555555555555555555505", "02000000000000000000000000000000", "03000000000000000000000000000000", "1"],
  ["f196f965418385ad3679be370600000400001000004000000001000004000000", "22951001000000000000000000000000", "ffffff03000000000000000000000000", "1"],
  ["3930000000000000000000000000000000000000000080000000000000000000", "edd3f55c1a631258b695f1a2def9de14", "00000000000000002000000000000000", "-1"],
  ["0000000000000000000000000000000000000000000000000000000000000010", "edd3f55c1a631258d69cf7a2def9de14", "01000000000000000000000000000000", "-1"],
  ["e57a432ee2d48b2bea29642bce7fa6a70be50a76fc5de51c89245e87d5f64f04", "162a702518db41636f61e1030390f90d", "69b2e6afd30dbc7ac658cd7426282f30", "-1"],
  ["f14ad15a4e5b784f7d554cae652e04b793c4c9bf3e03b6ec25f3686abd81110c", "6106a3e3cb0ca113173ded73c4dacc2c", "227da5eb50de9de614c47fcd7efd450b", "-1"],
  ["f6a7961f2a62f9b124c638f62484430fe1b3115eee0a397ce767e17c441fe00e", "e90573be6201608b673f57f893147123", "adb9ce6fc75d53fc647686d4ff824835", "-1"],
  ["05253b1b931fcbebc8601bcd610c403233f6547dfd071455b4c6f49586973e02", "05ee5f6a77482cdd112cc9674894c42a", "0af44ac9aff23dbd4879131b47ad1d1d", "-1"],
  ["0540bf95ecad178ade246f57763a66c4d430da5b083b45acc62f6140e5f9910e", "9560fad10db9568f02a8c6d60907b706", "5e6c91a69ae1d3620e3c1630d1b71e0e", "1"],
  ["582f1a0ebe1e008ed5d5c4595319582f874ad817cd088cb1be687532fda8df05", "317aae92570396e09c6a90f32156ce26", "56075a09025dcd3d8fef03b55556573a", "-1"],
];

describe("half-length scalars for verification", () => {
  it("match the extended Euclidean algorithm computed outside the core", () => {
    const out = new Uint8Array(32);
    for (let i = 0; i < KATS.length; i++) {
      const sign = edHalfScalars(out, 0, fromHex(KATS[i][0]), 0);
      expect(toHex(out, 0, 16)).toBe(KATS[i][1], "u for k = " + KATS[i][0]);
      expect(toHex(out, 16, 16)).toBe(KATS[i][2], "|v| for k = " + KATS[i][0]);
      expect(sign).toBe(I32.parseInt(KATS[i][3]), "sign of v for k = " + KATS[i][0]);
    }
  });

  it("give u = v k mod L, u < 2^126 and 0 < |v| < 2^127 for pseudo-random k", () => {
    const k = new Uint8Array(32);
    const halves = new Uint8Array(32);
    const wide = new Uint8Array(64);
    const product = new Uint8Array(32);
    let seed: u32 = 0x9e3779b9;
    for (let round = 0; round < 300; round++) {
      for (let i = 0; i < 64; i++) {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        wide[i] = <u8>seed;
      }
      edReduce512(k, 0, wide, 0);
      const sign = edHalfScalars(halves, 0, k, 0);
      expect(sign == 1 || sign == -1).toBe(true);
      expect(halves[15] < 0x40).toBe(true, "u < 2^126");
      expect(halves[31] < 0x80).toBe(true, "|v| < 2^127");
      let any: i32 = 0;
      for (let i = 16; i < 32; i++) any |= halves[i];
      expect(any != 0).toBe(true, "v != 0");
      // |v| k mod L is u for v > 0 and L - u (mod L) for v < 0.
      edMultiplyHalf(wide, 0, halves, 16, k, 0);
      edReduce512(product, 0, wide, 0);
      const expected = new Uint8Array(64);
      for (let i = 0; i < 16; i++) expected[i] = halves[i];
      if (sign < 0) {
        // L - u, or 0 for u = 0: reduce (L - u) through edReduce512.
        const order = fromHex("edd3f55c1a631258d69cf7a2def9de14" + "00".repeat(15) + "10");
        let borrow: i32 = 0;
        for (let i = 0; i < 32; i++) {
          const d = i32(order[i]) - i32(expected[i]) - borrow;
          expected[i] = <u8>d;
          borrow = d < 0 ? 1 : 0;
        }
      }
      const reduced = new Uint8Array(32);
      edReduce512(reduced, 0, expected, 0);
      expect(toHex(product, 0, 32)).toBe(toHex(reduced, 0, 32));
    }
  });

  it("multiply a 16-byte by a 32-byte number exactly", () => {
    const a = new Uint8Array(16);
    const b = new Uint8Array(32);
    a.fill(0xff);
    b.fill(0xff);
    const out = new Uint8Array(64);
    edMultiplyHalf(out, 0, a, 0, b, 0);
    // (2^128 - 1)(2^256 - 1) = 2^384 - 2^256 - 2^128 + 1.
    const expected = new Uint8Array(64);
    expected[0] = 1;
    for (let i = 16; i < 32; i++) expected[i] = 0xff;
    for (let i = 32; i < 48; i++) expected[i] = 0xff;
    expected[32] = 0xfe;
    expect(toHex(out, 0, 64)).toBe(toHex(expected, 0, 64));
  });
});
