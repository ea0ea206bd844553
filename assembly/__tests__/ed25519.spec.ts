import { Ed25519Verifier, ED_BAD_S, ED_SMALL_ORDER_KEY } from "../crypto/ed25519";
import { Sha512 } from "../crypto/sha512";
import { Fe, feFromBytes, feToBytes, feMul } from "../crypto/fe25519";

function fromHex(s: string): Uint8Array {
  const out = new Uint8Array(s.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = <u8>I32.parseInt(s.substr(2 * i, 2), 16);
  return out;
}

function toHex(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i++) s += (b[i] < 16 ? "0" : "") + b[i].toString(16);
  return s;
}

// RFC 8032 section 7.1, TEST 2.
const PUB = "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c";
const SIG =
  "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da" +
  "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00";

describe("ed25519", () => {
  it("verifies RFC 8032 TEST 2 and rejects it corrupted", () => {
    const v = new Ed25519Verifier();
    const pub = fromHex(PUB);
    const sig = fromHex(SIG);
    const msg = fromHex("72");
    expect(v.begin(pub, 0, sig, 0)).toBe(0);
    v.update(msg, 0, 1);
    expect(v.finish()).toBe(true);
    msg[0] = 0x73;
    expect(v.begin(pub, 0, sig, 0)).toBe(0);
    v.update(msg, 0, 1);
    expect(v.finish()).toBe(false);
  });

  it("reports malformed keys and signatures from begin()", () => {
    const v = new Ed25519Verifier();
    const sig = fromHex(SIG);
    expect(v.begin(new Uint8Array(32), 0, sig, 0)).toBe(ED_SMALL_ORDER_KEY);
    sig[63] = 0xff;
    expect(v.begin(fromHex(PUB), 0, sig, 0)).toBe(ED_BAD_S);
    expect(v.finish()).toBe(false);
  });

  it("hashes 'abc' with SHA-512", () => {
    const h = new Sha512();
    const out = new Uint8Array(64);
    h.update(fromHex("616263"), 0, 3);
    h.finish(out, 0);
    expect(toHex(out)).toBe(
      "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a" +
        "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
    );
  });

  it("reduces field elements to their canonical encoding", () => {
    const a = new Fe();
    const out = new Uint8Array(32);
    // 2^255 - 1 = p + 18, and p itself.
    feFromBytes(a, fromHex("ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"), 0);
    feToBytes(out, 0, a);
    expect(toHex(out)).toBe("1200000000000000000000000000000000000000000000000000000000000000");
    feFromBytes(a, fromHex("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"), 0);
    feToBytes(out, 0, a);
    expect(toHex(out)).toBe("0000000000000000000000000000000000000000000000000000000000000000");
    // (p - 1)^2 = 1.
    feFromBytes(a, fromHex("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"), 0);
    feMul(a, a, a);
    feToBytes(out, 0, a);
    expect(toHex(out)).toBe("0100000000000000000000000000000000000000000000000000000000000000");
  });
});
