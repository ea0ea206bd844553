// Ed25519 verification in the core (both builds): pinned by the RFC 8032
// section 7.1 vectors, and held to exactly the verdicts of @noble/curves
// ed25519.verify(sig, msg, pub, { zip215: false }) for random signatures,
// single-bit corruptions, garbage, and crafted edge cases (non-canonical
// encodings, S >= L, small-order and mixed-order points).
import { beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ed25519, ED25519_TORSION_SUBGROUP } from "@noble/curves/ed25519.js";
import { CORE_KINDS, loadCore } from "./helpers/cores.js";
import { loadEs5Module, type Core } from "../bindings/core.js";
import { pathToFileURL } from "node:url";
import type { Flash } from "../bindings/flash.js";
import { ED25519_BEGIN_STATUS as ST, ed25519VerifyWith } from "../bindings/ed25519.js";

const LONG = !!process.env.SLOTBOOT_LONG;
const RUNS = LONG ? 1000 : 60;

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const hexBytes = (s: string) => new Uint8Array(Buffer.from(s, "hex"));
const Point = ed25519.Point;
const { p: P, n: L, d: D } = Point.CURVE();
const mod = (a: bigint, m: bigint) => ((a % m) + m) % m;
const leBytes = (v: bigint, len = 32) => {
  const out = new Uint8Array(len);
  for (let i = 0; i < len; i++) out[i] = Number((v >> BigInt(8 * i)) & 0xffn);
  return out;
};
const leNumber = (b: Uint8Array) => b.reduceRight((acc, x) => (acc << 8n) | BigInt(x), 0n);
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, x) => n + x.length, 0));
  let off = 0;
  for (const x of parts) {
    out.set(x, off);
    off += x.length;
  }
  return out;
};
const challenge = (r: Uint8Array, a: Uint8Array, m: Uint8Array) =>
  mod(leNumber(new Uint8Array(createHash("sha512").update(concat(r, a, m)).digest())), L);

const nobleVerify = (pub: Uint8Array, msg: Uint8Array, sig: Uint8Array) =>
  ed25519.verify(sig, msg, pub, { zip215: false });

// RFC 8032 section 7.1: secret key, public key, message, signature.
const TEST_1024_MSG =
  "08b8b2b733424243760fe426a4b54908632110a66c2f6591eabd3345e3e4eb98fa6e264bf09efe12ee50f8f54e9f77b1" +
  "e355f6c50544e23fb1433ddf73be84d879de7c0046dc4996d9e773f4bc9efe5738829adb26c81b37c93a1b270b20329d" +
  "658675fc6ea534e0810a4432826bf58c941efb65d57a338bbd2e26640f89ffbc1a858efcb8550ee3a5e1998bd177e93a" +
  "7363c344fe6b199ee5d02e82d522c4feba15452f80288a821a579116ec6dad2b3b310da903401aa62100ab5d1a36553e" +
  "06203b33890cc9b832f79ef80560ccb9a39ce767967ed628c6ad573cb116dbefefd75499da96bd68a8a97b928a8bbc10" +
  "3b6621fcde2beca1231d206be6cd9ec7aff6f6c94fcd7204ed3455c68c83f4a41da4af2b74ef5c53f1d8ac70bdcb7ed1" +
  "85ce81bd84359d44254d95629e9855a94a7c1958d1f8ada5d0532ed8a5aa3fb2d17ba70eb6248e594e1a2297acbbb39d" +
  "502f1a8c6eb6f1ce22b3de1a1f40cc24554119a831a9aad6079cad88425de6bde1a9187ebb6092cf67bf2b13fd65f270" +
  "88d78b7e883c8759d2c4f5c65adb7553878ad575f9fad878e80a0c9ba63bcbcc2732e69485bbc9c90bfbd62481d9089b" +
  "eccf80cfe2df16a2cf65bd92dd597b0707e0917af48bbb75fed413d238f5555a7a569d80c3414a8d0859dc65a46128ba" +
  "b27af87a71314f318c782b23ebfe808b82b0ce26401d2e22f04d83d1255dc51addd3b75a2b1ae0784504df543af8969b" +
  "e3ea7082ff7fc9888c144da2af58429ec96031dbcad3dad9af0dcbaaaf268cb8fcffead94f3c7ca495e056a9b47acdb7" +
  "51fb73e666c6c655ade8297297d07ad1ba5e43f1bca32301651339e22904cc8c42f58c30c04aafdb038dda0847dd988d" +
  "cda6f3bfd15c4b4c4525004aa06eeff8ca61783aacec57fb3d1f92b0fe2fd1a85f6724517b65e614ad6808d6f6ee34df" +
  "f7310fdc82aebfd904b01e1dc54b2927094b2db68d6f903b68401adebf5a7e08d78ff4ef5d63653a65040cf9bfd4aca7" +
  "984a74d37145986780fc0b16ac451649de6188a7dbdf191f64b5fc5e2ab47b57f7f7276cd419c17a3ca8e1b939ae49e4" +
  "88acba6b965610b5480109c8b17b80e1b7b750dfc7598d5d5011fd2dcc5600a32ef5b52a1ecc820e308aa342721aac09" +
  "43bf6686b64b2579376504ccc493d97e6aed3fb0f9cd71a43dd497f01f17c0e2cb3797aa2a2f256656168e6c496afc5f" +
  "b93246f6b1116398a346f1a641f3b041e989f7914f90cc2c7fff357876e506b50d334ba77c225bc307ba537152f3f161" +
  "0e4eafe595f6d9d90d11faa933a15ef1369546868a7f3a45a96768d40fd9d03412c091c6315cf4fde7cb68606937380d" +
  "b2eaaa707b4c4185c32eddcdd306705e4dc1ffc872eeee475a64dfac86aba41c0618983f8741c5ef68d3a101e8a3b8ca" +
  "c60c905c15fc910840b94c00a0b9d0";

const RFC8032 = [
  {
    name: "TEST 1",
    sk: "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
    pk: "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
    msg: "",
    sig:
      "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
  },
  {
    name: "TEST 2",
    sk: "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
    pk: "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
    msg: "72",
    sig:
      "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
  },
  {
    name: "TEST 3",
    sk: "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
    pk: "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
    msg: "af82",
    sig:
      "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a",
  },
  {
    name: "TEST 1024",
    sk: "f5e5767cf153319517630f226876b86c8160cc583bc013744c6bf255f5cc0ee5",
    pk: "278117fc144c72340f67d0f2316e8386ceffbf2b2428c9c51fef7c597f1d426e",
    msg: TEST_1024_MSG,
    sig:
      "0aab4c900501b3e24d7cdf4663326a3a87df5e4843b2cbdb67cbf6e460fec350aa5371b1508f9f4528ecea23c436d94b5e8fcd4f681e30a6ac00a9704a188a03",
  },
  {
    name: "TEST SHA(abc)",
    sk: "833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42",
    pk: "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf",
    msg:
      "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
    sig:
      "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b58909351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704",
  },
];

/** A signature made by hand from scalars, so keys and R can carry torsion. */
function craft(a: bigint, torsionA: Uint8Array | null, r: bigint, torsionR: Uint8Array | null, msg: Uint8Array) {
  let A = Point.BASE.multiply(a);
  if (torsionA) A = A.add(Point.fromBytes(torsionA));
  let R = r === 0n ? Point.ZERO : Point.BASE.multiply(r);
  if (torsionR) R = R.add(Point.fromBytes(torsionR));
  const pub = A.toBytes();
  const rBytes = R.toBytes();
  const s = mod(r + challenge(rBytes, pub, msg) * a, L);
  return { pub, sig: concat(rBytes, leBytes(s)) };
}

/** The 19 encodings of y in [p, 2^255), with the sign bit clear or set. */
function nonCanonicalEncodings(): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let k = 0n; k < 19n; k++) {
    const b = leBytes(P + k);
    out.push(b, Uint8Array.from(b, (x, i) => (i === 31 ? x | 0x80 : x)));
  }
  return out;
}

const beginStatus = (core: Core, pub: Uint8Array, sig: Uint8Array) => {
  core.io().set(pub, 0);
  core.io().set(sig, 32);
  return core.exports.ed25519VerifyBegin() as number;
};

describe("baked constants", () => {
  const limbs = (v: bigint) => Array.from({ length: 15 }, (_, i) => Number((v >> BigInt(17 * i)) & 0x1ffffn));
  const arrayIn = (file: string, name: string) => {
    const text = readFileSync(join(root, "assembly", file), "utf8");
    const m = new RegExp(`const ${name}: i32\\[\\] = \\[([^\\]]*)\\]`).exec(text);
    if (!m) throw new Error(`${name} not found in ${file}`);
    return m[1].replace(/\/\/.*$/gm, "").split(",").map((s) => s.trim()).filter(Boolean).map(Number);
  };

  it("d, 2d and sqrt(-1) match the curve", () => {
    const sqrtM1 = arrayIn("crypto/edpoint.ts", "edConstLimbs").slice(30);
    const s = sqrtM1.reduceRight((acc, x) => (acc << 17n) | BigInt(x), 0n);
    expect(mod(s * s, P)).toBe(P - 1n);
    expect(arrayIn("crypto/edpoint.ts", "edConstLimbs")).toEqual([...limbs(D), ...limbs(mod(2n * D, P)), ...limbs(s)]);
  });

  it("the base table holds (y+x, y-x, 2dxy) of B, 3B, 5B, 7B", () => {
    const expected: number[] = [];
    for (let i = 1n; i < 8n; i += 2n) {
      const { x, y } = Point.BASE.multiply(i).toAffine();
      expected.push(...limbs(mod(y + x, P)), ...limbs(mod(y - x, P)), ...limbs(mod(2n * D * x * y, P)));
    }
    expect(arrayIn("crypto/edbase.ts", "edBaseTable").slice(0, 180)).toEqual(expected);
  });

  it("the base table then holds (y+x, y-x, 2dxy) of H, 3H, 5H, 7H for H = [2^128]B", () => {
    const expected: number[] = [];
    const high = Point.BASE.multiply(1n << 128n);
    for (let i = 1n; i < 8n; i += 2n) {
      const { x, y } = high.multiply(i).toAffine();
      expected.push(...limbs(mod(y + x, P)), ...limbs(mod(y - x, P)), ...limbs(mod(2n * D * x * y, P)));
    }
    expect(arrayIn("crypto/edbase.ts", "edBaseTable").slice(180)).toEqual(expected);
  });
});

// A host that offers a one-shot SHA-512 (Espruino's native one on a board):
// the JS cores then gather R || A || M and hash it in one host call, falling
// back to their own SHA-512 for a message too long to gather.
const noFlash = () => { throw new Error("no flash in this test"); };
function sha512Host(digest: (data: Uint8Array) => Uint8Array): Flash & { calls: number } {
  const host = {
    geometry: { size: 0, sectorSize: 4096, writeSize: 1 },
    read: noFlash, program: noFlash, erase: noFlash,
    calls: 0,
    sha512: (data: Uint8Array) => { host.calls++; return digest(data); },
  };
  return host;
}
const nodeSha512 = (data: Uint8Array) => new Uint8Array(createHash("sha512").update(data).digest());

const VARIANTS: Array<[string, () => Promise<Core>]> = [
  ...CORE_KINDS.map((kind): [string, () => Promise<Core>] => [kind, () => loadCore(kind)]),
  ["js (host SHA-512)", () => loadCore("js", sha512Host(nodeSha512))],
  ["es5 (host SHA-512)", () => loadCore("es5", sha512Host(nodeSha512))],
];

describe.each(VARIANTS)("Ed25519 verification in the %s core", (_name, load) => {
  let core: Core;
  beforeAll(async () => {
    core = await load();
  });
  const verify = (pub: Uint8Array, msg: Uint8Array, sig: Uint8Array) => ed25519VerifyWith(core, pub, msg, sig);

  it("accepts the RFC 8032 section 7.1 vectors", () => {
    for (const v of RFC8032) {
      const pub = hexBytes(v.pk);
      const msg = hexBytes(v.msg);
      const sig = hexBytes(v.sig);
      expect(hexBytes(v.pk)).toEqual(ed25519.getPublicKey(hexBytes(v.sk)));
      expect(verify(pub, msg, sig), v.name).toBe(true);
      const bad = sig.slice();
      bad[0] ^= 1;
      expect(verify(pub, msg, bad), v.name + " corrupted").toBe(false);
    }
  });

  it("agrees with noble on random keys and messages, and every single-bit flip", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ maxLength: 2500 }),
        fc.nat(),
        (seed, msg, flip) => {
          const pub = ed25519.getPublicKey(seed);
          const sig = ed25519.sign(msg, seed);
          expect(verify(pub, msg, sig)).toBe(true);
          // Flip one bit of pub || sig || msg.
          const all = concat(pub, sig, msg);
          const bit = flip % (all.length * 8);
          all[bit >> 3] ^= 1 << (bit & 7);
          const [p2, s2, m2] = [all.subarray(0, 32), all.subarray(32, 96), all.subarray(96)];
          expect(verify(p2, m2, s2)).toBe(nobleVerify(p2, m2, s2));
          expect(verify(p2, m2, s2)).toBe(false);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("agrees with noble on random garbage", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 64, maxLength: 64 }),
        fc.uint8Array({ maxLength: 64 }),
        fc.boolean(),
        (pub, sig, msg, validKey) => {
          if (validKey) pub = ed25519.getPublicKey(pub);
          sig[63] &= 0x0f; // mostly S < L, so the point checks are reached
          expect(verify(pub, msg, sig)).toBe(nobleVerify(pub, msg, sig));
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("streams the message in any chunking", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ maxLength: 3000 }),
        fc.array(fc.integer({ min: 0, max: 1024 }), { maxLength: 12 }),
        fc.boolean(),
        (seed, msg, sizes, corrupt) => {
          const pub = ed25519.getPublicKey(seed);
          const sig = ed25519.sign(msg, seed);
          if (corrupt && msg.length > 0) msg = Uint8Array.from(msg, (x, i) => (i === msg.length - 1 ? x ^ 0x80 : x));
          expect(beginStatus(core, pub, sig)).toBe(ST.OK);
          let off = 0;
          for (const n of [...sizes, ...Array(4).fill(1024)]) {
            const part = msg.subarray(off, Math.min(msg.length, off + n));
            core.io().set(part, 0);
            expect(core.exports.ed25519VerifyUpdate(part.length)).toBe(0);
            off += part.length;
          }
          expect(off).toBe(msg.length);
          expect(core.exports.ed25519VerifyFinish()).toBe(corrupt && msg.length > 0 ? 0 : 1);
        },
      ),
      { numRuns: Math.ceil(RUNS / 2) },
    );
  });

  it("rejects S >= L (the non-canonical S + L and L itself)", () => {
    const seed = new Uint8Array(32).fill(7);
    const msg = new TextEncoder().encode("non-canonical S");
    const pub = ed25519.getPublicKey(seed);
    const sig = ed25519.sign(msg, seed);
    const s = leNumber(sig.subarray(32));
    for (const bad of [s + L, L, (1n << 256n) - 1n]) {
      const sig2 = concat(sig.subarray(0, 32), leBytes(bad));
      expect(nobleVerify(pub, msg, sig2)).toBe(false);
      expect(verify(pub, msg, sig2)).toBe(false);
      expect(beginStatus(core, pub, sig2)).toBe(ST.BAD_S);
    }
    // L - 1 is the largest S that passes the range check.
    expect(beginStatus(core, pub, concat(sig.subarray(0, 32), leBytes(L - 1n)))).toBe(ST.OK);
  });

  it("rejects non-canonical encodings of A and of R (y >= p, or x = 0 with the sign bit)", () => {
    const seed = new Uint8Array(32).fill(9);
    const msg = new TextEncoder().encode("non-canonical points");
    const pub = ed25519.getPublicKey(seed);
    const sig = ed25519.sign(msg, seed);
    const signedZero = [
      hexBytes("0100000000000000000000000000000000000000000000000000000000000080"),
      hexBytes("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"),
    ];
    for (const enc of [...nonCanonicalEncodings(), ...signedZero]) {
      expect(nobleVerify(enc, msg, sig)).toBe(false);
      expect(verify(enc, msg, sig)).toBe(false);
      expect(beginStatus(core, enc, sig)).toBe(ST.BAD_KEY);
      const sig2 = concat(enc, sig.subarray(32));
      expect(nobleVerify(pub, msg, sig2)).toBe(false);
      expect(verify(pub, msg, sig2)).toBe(false);
      expect(beginStatus(core, pub, sig2)).toBe(ST.BAD_R);
    }
  });

  it("rejects y values that are not on the curve", () => {
    const sig = ed25519.sign(new Uint8Array(0), new Uint8Array(32));
    let seen = 0;
    for (let y = 2n; seen < 8; y++) {
      const enc = leBytes(y);
      let onCurve = true;
      try {
        Point.fromBytes(enc);
      } catch {
        onCurve = false;
      }
      if (onCurve) continue;
      seen++;
      expect(beginStatus(core, enc, sig)).toBe(ST.BAD_KEY);
      expect(beginStatus(core, ed25519.getPublicKey(new Uint8Array(32)), concat(enc, sig.subarray(32)))).toBe(ST.BAD_R);
    }
  });

  it("rejects the eight small-order public keys", () => {
    const msg = new TextEncoder().encode("small order");
    expect(ED25519_TORSION_SUBGROUP.length).toBe(8);
    for (const h of ED25519_TORSION_SUBGROUP) {
      const pub = hexBytes(h);
      expect(Point.fromBytes(pub).isSmallOrder()).toBe(true);
      // With R = identity and S = 0 the cofactored equation holds for any
      // small-order A: only the explicit key check refuses it.
      const sig = concat(hexBytes(ED25519_TORSION_SUBGROUP[0]), new Uint8Array(32));
      expect(nobleVerify(pub, msg, sig)).toBe(false);
      expect(verify(pub, msg, sig)).toBe(false);
      expect(beginStatus(core, pub, sig)).toBe(ST.SMALL_ORDER_KEY);
    }
  });

  it("accepts small-order and mixed-order R, and mixed-order A (cofactored equation)", () => {
    const msg = new TextEncoder().encode("torsion");
    const a = mod(0x1234567890abcdefn * 0xfedcba987654321n, L);
    const r = mod(0x5555aaaa12345678n * 0x9999n, L);
    for (const t of ED25519_TORSION_SUBGROUP.map(hexBytes)) {
      const cases = [craft(a, null, 0n, t, msg), craft(a, null, r, t, msg), craft(a, t, r, null, msg)];
      for (const { pub, sig } of cases) {
        expect(nobleVerify(pub, msg, sig)).toBe(Point.fromBytes(pub).isSmallOrder() ? false : true);
        expect(verify(pub, msg, sig)).toBe(nobleVerify(pub, msg, sig));
      }
    }
    // A mixed-order key whose challenge is odd fails the cofactorless check
    // ([S]B = R + [k]A) but passes the cofactored one: both verifiers accept.
    const t8 = hexBytes(ED25519_TORSION_SUBGROUP[1]);
    for (let i = 0n; ; i++) {
      const { pub, sig } = craft(a, t8, r + i, null, msg);
      const k = challenge(sig.subarray(0, 32), pub, msg);
      if (k % 8n === 0n) continue;
      const S = leNumber(sig.subarray(32));
      const lhs = Point.BASE.multiply(S);
      const rhs = Point.fromBytes(sig.subarray(0, 32)).add(Point.fromBytes(pub).multiply(k));
      expect(lhs.equals(rhs)).toBe(false);
      expect(nobleVerify(pub, msg, sig)).toBe(true);
      expect(verify(pub, msg, sig)).toBe(true);
      break;
    }
  });

  it("finish() without a successful begin() is invalid, and bad chunk lengths are refused", () => {
    const e = core.exports;
    const v = RFC8032[0];
    expect(beginStatus(core, hexBytes(v.pk), hexBytes(v.sig))).toBe(ST.OK);
    expect(e.ed25519VerifyFinish()).toBe(1);
    expect(e.ed25519VerifyFinish()).toBe(0); // one verdict per begin()
    expect(beginStatus(core, new Uint8Array(32), hexBytes(v.sig))).toBe(ST.SMALL_ORDER_KEY);
    expect(e.ed25519VerifyFinish()).toBe(0);
    expect(beginStatus(core, hexBytes(v.pk), hexBytes(v.sig))).toBe(ST.OK);
    expect(e.ed25519VerifyUpdate(-1)).toBeLessThan(0);
    expect(e.ed25519VerifyUpdate(core.io().length + 1)).toBeLessThan(0);
    expect(e.ed25519VerifyFinish()).toBe(1);
  });

  it("the binding returns false for wrong lengths and throws TypeError for non-bytes", () => {
    const v = RFC8032[1];
    const [pub, msg, sig] = [hexBytes(v.pk), hexBytes(v.msg), hexBytes(v.sig)];
    expect(verify(pub.subarray(1), msg, sig)).toBe(false);
    expect(verify(pub, msg, sig.subarray(1))).toBe(false);
    expect(verify(pub, msg, concat(sig, new Uint8Array(1)))).toBe(false);
    const bad = "00" as unknown as Uint8Array;
    expect(() => verify(bad, msg, sig)).toThrow(TypeError);
    expect(() => verify(pub, bad, sig)).toThrow(TypeError);
    expect(() => verify(pub, msg, bad)).toThrow(TypeError);
    expect(verify(pub, msg, sig)).toBe(true);
  });
});

describe.each(["js", "es5"] as const)("the host's one-shot SHA-512, %s core", (kind) => {
  const seed = new Uint8Array(32).fill(9);
  const pub = ed25519.getPublicKey(seed);
  const signed = (length: number) => {
    const msg = Uint8Array.from({ length }, (_, i) => (i * 13 + 5) & 0xff);
    return { msg, sig: ed25519.sign(msg, seed) };
  };

  it("is asked once per signature with R || A || M, up to 512 bytes in all", async () => {
    const seen: Uint8Array[] = [];
    const host = sha512Host((data) => { seen.push(data.slice()); return nodeSha512(data); });
    const core = await loadCore(kind, host);
    for (const length of [0, 32, 192, 448]) {
      const { msg, sig } = signed(length);
      expect(ed25519VerifyWith(core, pub, msg, sig), `${length} bytes`).toBe(true);
      expect(seen.pop()).toEqual(concat(sig.subarray(0, 32), pub, msg));
    }
    expect(host.calls).toBe(4);
    // Longer: the core's own SHA-512, the host is not asked.
    const { msg, sig } = signed(449);
    expect(ed25519VerifyWith(core, pub, msg, sig)).toBe(true);
    expect(host.calls).toBe(4);
  });

  it("a wrong host digest fails the check (the core uses it), and a host that declines is replaced by the core", async () => {
    const { msg, sig } = signed(100);
    const wrong = await loadCore(kind, sha512Host((data) => { const d = nodeSha512(data); d[0] ^= 1; return d; }));
    expect(ed25519VerifyWith(wrong, pub, msg, sig)).toBe(false);
    const declining = sha512Host(() => { throw new Error("no SHA-512 on this board"); });
    const short = sha512Host(() => new Uint8Array(32));
    for (const host of [declining, short]) {
      const core = await loadCore(kind, host);
      expect(ed25519VerifyWith(core, pub, msg, sig)).toBe(true);
      const bad = sig.slice();
      bad[40] ^= 4;
      expect(ed25519VerifyWith(core, pub, msg, bad)).toBe(false);
      expect(host.calls).toBe(2);
    }
  });
});

describe("a host SHA-512 that says done without writing the digest", () => {
  // With the digest left at zero, k = 0 and [S]B = R + [k]A holds for
  // R = [S]B, whatever the key and message: a forgery anyone can make. The
  // verifier clears the digest before the host call and takes an all-zero
  // one as declined (its own SHA-512 then hashes).
  const seed = new Uint8Array(32).fill(3);
  const pub = ed25519.getPublicKey(seed);
  const msg = new TextEncoder().encode("firmware 9.9.9");
  const s = 123456789n;
  const forged = concat(Point.BASE.multiply(s).toBytes(), leBytes(s));
  const lazyHost = () => ({ calls: 0, read: () => -1, program: () => -1, erase: () => -1, sha256: () => -1, sha512(this: { calls: number }) { this.calls++; return 0; } });
  const raw = async (kind: "js" | "es5", host: ReturnType<typeof lazyHost>): Promise<Core> => {
    const factory = kind === "es5"
      ? (loadEs5Module("core").createCore as (h: unknown) => Core["exports"])
      : ((await import(pathToFileURL(join(root, "build", "core.js")).href)).createCore as (h: unknown) => Core["exports"]);
    const exports = factory(host);
    const io = exports.ioBuffer() as Uint8Array;
    return { kind, exports, io: () => io, memoryBytes: () => null } as Core;
  };
  it.each(["js", "es5"] as const)("is not trusted: the %s core refuses the forgery and still accepts a real signature", async (kind) => {
    const host = lazyHost();
    const core = await raw(kind, host);
    expect(ed25519VerifyWith(core, pub, msg, forged)).toBe(false);
    expect(ed25519VerifyWith(core, pub, msg, ed25519.sign(msg, seed))).toBe(true);
    expect(host.calls).toBe(2);
  });
});
