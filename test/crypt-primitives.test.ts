// The decryption primitives of the core (both builds): X25519, HMAC-SHA256,
// HKDF-SHA256 and AES-128/256 in CTR mode, pinned by published vectors
// (test/vectors/README.md says where each comes from) and cross-checked with
// fast-check against @noble/curves, @noble/hashes and @noble/ciphers.
import { beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { x25519 as nobleX25519 } from "@noble/curves/ed25519.js";
import { hmac } from "@noble/hashes/hmac.js";
import { hkdf } from "@noble/hashes/hkdf.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { ctr } from "@noble/ciphers/aes.js";
import { CORE_KINDS, loadCore } from "./helpers/cores.js";
import type { Core } from "../bindings/core.js";
import { x25519With, hmacSha256With, hkdfSha256With, aesCtrWith, aesEncryptBlockWith } from "../bindings/crypt.js";

const LONG = !!process.env.SLOTBOOT_LONG;
const RUNS = LONG ? 1000 : 40;

const h = (s: string) => Uint8Array.from(Buffer.from(s, "hex"));
const hex = (b: Uint8Array | null) => (b ? Buffer.from(b).toString("hex") : null);
const vectors = JSON.parse(readFileSync(new URL("./vectors/crypt-vectors.json", import.meta.url), "utf8"));
const wycheproof = (name: string) => JSON.parse(readFileSync(new URL(`./vectors/wycheproof/${name}`, import.meta.url), "utf8"));

interface WpX25519 { tcId: number; public: string; private: string; shared: string; result: string; flags: string[] }
interface WpMac { tcId: number; key: string; msg: string; tag: string; result: string }
interface WpHkdf { tcId: number; ikm: string; salt: string; info: string; size: number; okm: string; result: string }
const tests = <T>(file: { testGroups: { tests: T[]; tagSize?: number }[] }) => file.testGroups.flatMap((g) => g.tests.map((t) => ({ ...t, tagSize: g.tagSize })));

describe.each(CORE_KINDS)("X25519 in the %s core", (kind) => {
  let core: Core;
  beforeAll(async () => {
    core = await loadCore(kind);
  });

  it("gives RFC 7748's outputs (5.2 and the 6.1 key agreement)", () => {
    for (const t of vectors.rfc7748.scalarMult) expect(hex(x25519With(core, h(t.scalar), h(t.u)))).toBe(t.out);
    const d = vectors.rfc7748.diffieHellman;
    const nine = new Uint8Array(32);
    nine[0] = 9;
    expect(hex(x25519With(core, h(d.alicePrivate), nine))).toBe(d.alicePublic);
    expect(hex(x25519With(core, h(d.bobPrivate), nine))).toBe(d.bobPublic);
    expect(hex(x25519With(core, h(d.alicePrivate), h(d.bobPublic)))).toBe(d.shared);
    expect(hex(x25519With(core, h(d.bobPrivate), h(d.alicePublic)))).toBe(d.shared);
  });

  it("iterates as RFC 7748 5.2 says (after 1 and 1,000 iterations)", () => {
    let k: Uint8Array = new Uint8Array(32);
    k[0] = 9;
    let u: Uint8Array = k.slice();
    const last = 1000;
    for (let i = 1; i <= last; i++) {
      const r = x25519With(core, k, u)!;
      u = k;
      k = r;
      if (vectors.rfc7748.iterated[i]) expect(hex(k), `iteration ${i}`).toBe(vectors.rfc7748.iterated[i]);
    }
  });

  it("passes Wycheproof x25519_test.json: every shared secret, all-zero ones refused", () => {
    const all = tests<WpX25519>(wycheproof("x25519_test.json"));
    expect(all.length).toBe(518);
    let refused = 0;
    for (const t of all) {
      const got = x25519With(core, h(t.private), h(t.public));
      if (/^0+$/.test(t.shared)) {
        // "acceptable" in Wycheproof; RFC 7748 6.1 lets a protocol refuse it, and ECIES must.
        expect(got, `tcId ${t.tcId}`).toBeNull();
        refused++;
      } else {
        expect(hex(got), `tcId ${t.tcId} (${t.result}, ${t.flags.join(",")})`).toBe(t.shared);
      }
    }
    expect(refused).toBeGreaterThan(10);
  });

  it("agrees with @noble/curves x25519 on random scalars and points", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), (scalar, u) => {
        let expected: string | null;
        try {
          expected = hex(nobleX25519.scalarMult(scalar, u));
        } catch {
          expected = null; // noble refuses the all-zero result too
        }
        expect(hex(x25519With(core, scalar, u))).toBe(expected);
      }),
      { numRuns: RUNS },
    );
  });
});

describe.each(CORE_KINDS)("HMAC-SHA256 and HKDF-SHA256 in the %s core", (kind) => {
  let core: Core;
  beforeAll(async () => {
    core = await loadCore(kind);
  });

  it("gives RFC 4231's tags (test cases 1-7, keys longer than a block included)", () => {
    for (const t of vectors.rfc4231) expect(hex(hmacSha256With(core, h(t.key), h(t.data)))!.slice(0, t.mac.length)).toBe(t.mac);
  });

  it("passes Wycheproof hmac_sha256_test.json (truncated tags compared on their length)", () => {
    const all = tests<WpMac>(wycheproof("hmac_sha256_test.json"));
    expect(all.length).toBe(174);
    for (const t of all) {
      const tag = hex(hmacSha256With(core, h(t.key), h(t.msg)))!.slice(0, ((t.tagSize ?? 256) / 8) * 2);
      if (t.result === "valid") expect(tag, `tcId ${t.tcId}`).toBe(t.tag);
      else expect(tag, `tcId ${t.tcId}`).not.toBe(t.tag);
    }
  });

  it("gives RFC 5869's outputs (A.1-A.3, no salt included)", () => {
    for (const t of vectors.rfc5869) expect(hex(hkdfSha256With(core, h(t.ikm), h(t.salt), h(t.info), t.length))).toBe(t.okm);
  });

  it("passes Wycheproof hkdf_sha256_test.json: lengths above 255 × 32 refused", () => {
    const all = tests<WpHkdf>(wycheproof("hkdf_sha256_test.json"));
    expect(all.length).toBe(86);
    for (const t of all) {
      if (t.result === "valid") expect(hex(hkdfSha256With(core, h(t.ikm), h(t.salt), h(t.info), t.size)), `tcId ${t.tcId}`).toBe(t.okm);
      else expect(() => hkdfSha256With(core, h(t.ikm), h(t.salt), h(t.info), t.size), `tcId ${t.tcId}`).toThrow(/out of range/);
    }
  });

  it("agrees with @noble/hashes hmac and hkdf on random inputs", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 150 }), fc.uint8Array({ maxLength: 3000 }), fc.uint8Array({ maxLength: 100 }), fc.integer({ min: 1, max: 1200 }),
        (key, message, info, length) => {
          expect(hex(hmacSha256With(core, key, message))).toBe(hex(hmac(sha256, key, message)));
          const salt = key.subarray(0, 64);
          expect(hex(hkdfSha256With(core, message.subarray(0, 200), salt, info, length))).toBe(hex(hkdf(sha256, message.subarray(0, 200), salt, info, length)));
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe.each(CORE_KINDS)("AES and AES-CTR in the %s core", (kind) => {
  let core: Core;
  beforeAll(async () => {
    core = await loadCore(kind);
  });

  it("encrypts FIPS-197 appendix C's blocks (AES-128, AES-256) and refuses AES-192 keys", () => {
    for (const t of vectors.fips197) expect(hex(aesEncryptBlockWith(core, h(t.key), h(t.plaintext)))).toBe(t.ciphertext);
    const t = vectors.fips197Aes192;
    expect(() => aesEncryptBlockWith(core, h(t.key), h(t.plaintext))).toThrow(/out of range/);
  });

  it("gives SP 800-38A F.5.1 and F.5.5 (CTR-AES128/256), whole and from every offset", () => {
    for (const t of vectors.sp80038a) {
      const pt = h(t.plaintext);
      expect(hex(aesCtrWith(core, h(t.key), h(t.counter), pt))).toBe(t.ciphertext);
      // Seeking into the stream (a resumed install) gives the same bytes as running up to there.
      for (let offset = 0; offset < pt.length; offset += 7) {
        expect(hex(aesCtrWith(core, h(t.key), h(t.counter), pt.subarray(offset), offset))).toBe(t.ciphertext.slice(offset * 2));
      }
    }
  });

  it("agrees with @noble/ciphers ctr for random keys, counters (wrapping ones too) and seek offsets", () => {
    const counter = fc.oneof(
      fc.uint8Array({ minLength: 16, maxLength: 16 }),
      // Counters near 2^32, 2^64 and 2^128 exercise the carry between words.
      fc.integer({ min: 0, max: 15 }).map((low) => Uint8Array.from({ length: 16 }, (_, i) => (i === 15 ? 0xf0 | low : i >= 8 ? 0xff : i))),
      fc.integer({ min: 0, max: 15 }).map((low) => Uint8Array.from({ length: 16 }, (_, i) => (i === 15 ? 0xf0 | low : 0xff))),
    );
    fc.assert(
      fc.property(
        fc.oneof(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.uint8Array({ minLength: 32, maxLength: 32 })), counter,
        fc.uint8Array({ maxLength: 2500 }), fc.integer({ min: 0, max: 700 }),
        (key, iv, data, offset) => {
          const whole = new Uint8Array(offset + data.length);
          whole.set(data, offset);
          const expected = ctr(key, iv).encrypt(whole).subarray(offset);
          expect(hex(aesCtrWith(core, key, iv, data, offset))).toBe(hex(expected));
        },
      ),
      { numRuns: RUNS },
    );
  });
});
