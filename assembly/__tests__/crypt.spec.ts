import { x25519 } from "../crypto/x25519";
import { HmacSha256 } from "../crypto/hmac-sha256";
import { hkdfExtract, hkdfExpand } from "../crypto/hkdf-sha256";
import { Aes } from "../crypto/aes";
import { AesCtr } from "../crypto/aes-ctr";
import { E_ENC_ZERO_SECRET } from "../common/status";

function cryptHex(s: string): Uint8Array {
  const out = new Uint8Array(s.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = <u8>I32.parseInt(s.substr(2 * i, 2), 16);
  return out;
}

function cryptToHex(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i++) s += (b[i] < 16 ? "0" : "") + b[i].toString(16);
  return s;
}

// The classes and functions directly in WASM; test/crypt-primitives.test.ts
// runs the full vector sets through both builds.
describe("crypt primitives", () => {
  it("X25519: RFC 7748 5.2 test 1, and the all-zero secret refused", () => {
    const out = new Uint8Array(32);
    expect(x25519(out, 0, cryptHex("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4"), 0,
      cryptHex("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c"), 0)).toBe(0);
    expect(cryptToHex(out)).toBe("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552");
    expect(x25519(out, 0, cryptHex("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4"), 0, new Uint8Array(32), 0)).toBe(E_ENC_ZERO_SECRET);
  });

  it("HMAC-SHA256: RFC 4231 test case 2, in one update and byte by byte", () => {
    const mac = new HmacSha256();
    const key = cryptHex("4a656665");
    const msg = cryptHex("7768617420646f2079612077616e7420666f72206e6f7468696e673f");
    const out = new Uint8Array(32);
    mac.begin(key, 0, 4);
    mac.update(msg, 0, msg.length);
    mac.finish(out, 0);
    expect(cryptToHex(out)).toBe("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    mac.begin(key, 0, 4);
    for (let i = 0; i < msg.length; i++) mac.update(msg, i, 1);
    mac.finish(out, 0);
    expect(cryptToHex(out)).toBe("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  });

  it("HKDF-SHA256: RFC 5869 A.3 (no salt, no info)", () => {
    const prk = new Uint8Array(32);
    const ikm = new Uint8Array(22).fill(0x0b);
    hkdfExtract(prk, 0, 0, ikm, 0, 22, prk, 0);
    const okm = new Uint8Array(42);
    expect(hkdfExpand(prk, 0, 32, okm, 0, 0, 42, 0, okm, 0, 42)).toBe(0);
    expect(cryptToHex(okm)).toBe("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
  });

  it("AES: FIPS-197 C.1 and C.3", () => {
    const aes = new Aes();
    const block = cryptHex("00112233445566778899aabbccddeeff");
    const out = new Uint8Array(16);
    expect(aes.setKey(cryptHex("000102030405060708090a0b0c0d0e0f"), 0, 16)).toBe(0);
    aes.encryptBlock(block, 0, out, 0);
    expect(cryptToHex(out)).toBe("69c4e0d86a7b0430d8cdb78070b4c55a");
    expect(aes.setKey(cryptHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"), 0, 32)).toBe(0);
    aes.encryptBlock(block, 0, out, 0);
    expect(cryptToHex(out)).toBe("8ea2b7ca516745bfeafc49904b496089");
  });

  it("AES-CTR: SP 800-38A F.5.1, seeking into the middle of a block", () => {
    const ctr = new AesCtr();
    const data = cryptHex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51");
    expect(ctr.begin(cryptHex("2b7e151628aed2a6abf7158809cf4f3c"), 0, 16, cryptHex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff"), 0)).toBe(0);
    ctr.seek(21);
    ctr.xor(data, 21, 11);
    expect(cryptToHex(data.subarray(21))).toBe("70fdff8617187bb9fffdff");
  });
});
