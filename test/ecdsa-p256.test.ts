// ECDSA P-256 verification in the core (both builds): every Wycheproof
// ecdsa_secp256r1_sha256 vector through the exported ecdsaP256Verify, and
// held to exactly the verdicts of @noble/curves
// p256.verify(sig, hash, pub, { lowS: false, prehash: false, format: "der" })
// for random keys and messages, their high-S twins, single-byte corruptions
// of the DER and of the key, and non-DER (BER) re-encodings.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { p256 } from "@noble/curves/nist.js";
import { CORE_KINDS, loadCore } from "./helpers/cores.js";
import type { Core } from "../bindings/core.js";
import { ecdsaP256VerifyWith, ecdsaP256VerifyPrehashedWith, P256_BEGIN_STATUS, p256Spki } from "../bindings/ecdsa-p256.js";
import { ecdsaP256Verify, useCore } from "../bindings/index.js";

const LONG = !!process.env.SLOTBOOT_LONG;
const RUNS = LONG ? 500 : 25;

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const hexBytes = (s: string) => new Uint8Array(Buffer.from(s, "hex"));
const sha256 = (m: Uint8Array) => new Uint8Array(createHash("sha256").update(m).digest());
const N = p256.Point.Fn.ORDER;

interface WycheproofTest { tcId: number; msg: string; sig: string; result: "valid" | "invalid" | "acceptable"; flags: string[] }
interface WycheproofGroup { publicKey: { uncompressed: string }; publicKeyDer: string; tests: WycheproofTest[] }
const wycheproof = JSON.parse(readFileSync(join(root, "test/vectors/wycheproof/ecdsa_secp256r1_sha256_test.json"), "utf8")) as {
  numberOfTests: number;
  testGroups: WycheproofGroup[];
};

const nobleVerify = (pub: Uint8Array, hash: Uint8Array, der: Uint8Array) => {
  try {
    return p256.verify(der, hash, pub, { lowS: false, prehash: false, format: "der" });
  } catch {
    return false;
  }
};

/** The DER of (r, s), minimal as DER requires. */
function derOf(r: bigint, s: bigint): Uint8Array {
  const int = (v: bigint) => {
    let hex = v.toString(16);
    if (hex.length % 2) hex = "0" + hex;
    if (parseInt(hex.slice(0, 2), 16) >= 0x80) hex = "00" + hex;
    const body = hexBytes(hex);
    return [0x02, body.length, ...body];
  };
  const body = [...int(r), ...int(s)];
  return Uint8Array.from([0x30, body.length, ...body]);
}

describe("Wycheproof ecdsa_secp256r1_sha256 through the exported ecdsaP256Verify", () => {
  afterAll(async () => {
    await useCore("wasm");
  });
  it("has no 'acceptable' vectors to decide (so every verdict below is a strict valid/invalid)", () => {
    const results = new Set(wycheproof.testGroups.flatMap((g) => g.tests.map((t) => t.result)));
    expect([...results].sort()).toEqual(["invalid", "valid"]);
  });
  for (const kind of CORE_KINDS) {
    it(`the ${kind} core gives every one of the ${wycheproof.numberOfTests} vectors its verdict`, async () => {
      await useCore(kind);
      const wrong: string[] = [];
      let count = 0;
      for (const group of wycheproof.testGroups) {
        const point = hexBytes(group.publicKey.uncompressed);
        const spki = hexBytes(group.publicKeyDer);
        for (const [i, t] of group.tests.entries()) {
          count++;
          const got = ecdsaP256Verify(point, hexBytes(t.msg), hexBytes(t.sig));
          // The SPKI form of the key must give the same verdict (checked on each group's first vectors).
          const gotSpki = i < 2 ? ecdsaP256Verify(spki, hexBytes(t.msg), hexBytes(t.sig)) : got;
          if (got !== (t.result === "valid") || gotSpki !== got) wrong.push(`${t.tcId} (${t.flags.join(",")}): got ${got}/${gotSpki}`);
        }
      }
      expect(count).toBe(wycheproof.numberOfTests);
      expect(wrong).toEqual([]);
    });
  }
});

describe("the baked table of G", () => {
  it("holds G, 3G, ..., 15G as @noble/curves computes them", () => {
    const text = readFileSync(join(root, "assembly/crypto/p256-base.ts"), "utf8");
    const start = text.indexOf("= [", text.indexOf("const p256BaseTable"));
    const body = text.slice(start, text.indexOf("];", start));
    const numbers = [...body.replace(/\/\/.*$/gm, "").matchAll(/\d+/g)].map((m) => Number(m[0]));
    expect(numbers.length).toBe(8 * 32);
    const fromLimbs = (at: number) => numbers.slice(at, at + 16).reduceRight((acc, v) => (acc << 16n) | BigInt(v), 0n);
    for (let i = 0; i < 8; i++) {
      const expected = p256.Point.BASE.multiply(BigInt(2 * i + 1)).toAffine();
      expect([fromLimbs(i * 32), fromLimbs(i * 32 + 16)]).toEqual([expected.x, expected.y]);
    }
  });
});

describe.each(CORE_KINDS)("ECDSA P-256 verification in the %s core", (kind) => {
  let core: Core;
  beforeAll(async () => {
    core = await loadCore(kind);
  });
  const both = (pub: Uint8Array, msg: Uint8Array, der: Uint8Array) => {
    const streamed = ecdsaP256VerifyWith(core, pub, msg, der);
    const prehashed = ecdsaP256VerifyPrehashedWith(core, pub, sha256(msg), der);
    expect(prehashed).toBe(streamed);
    return streamed;
  };
  const keyAndMessage = fc.record({
    secret: fc.uint8Array({ minLength: 32, maxLength: 32 }).filter((s) => {
      const v = BigInt("0x" + Buffer.from(s).toString("hex"));
      return v > 0n && v < N;
    }),
    msg: fc.uint8Array({ maxLength: 1500 }),
  });

  it("accepts what noble signs, and its high-S twin (MCUboot's back-ends accept both)", () => {
    fc.assert(
      fc.property(keyAndMessage, ({ secret, msg }) => {
        const pub = p256.getPublicKey(secret, false);
        const sig = p256.Signature.fromBytes(p256.sign(msg, secret, { prehash: true }), "compact");
        const low = sig.toBytes("der");
        const high = derOf(sig.r, N - sig.s);
        expect(nobleVerify(pub, sha256(msg), high)).toBe(true);
        expect(both(pub, msg, low)).toBe(true);
        expect(both(pub, msg, high)).toBe(true);
        expect(ecdsaP256VerifyWith(core, p256Spki(pub), msg, high)).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it("agrees with noble on every single-byte change of the DER signature, the key or the message", () => {
    fc.assert(
      fc.property(keyAndMessage, fc.nat(), fc.integer({ min: 1, max: 255 }), fc.constantFrom("sig", "key", "msg"), ({ secret, msg }, at, xor, what) => {
        const pub = p256.getPublicKey(secret, false);
        const der = p256.Signature.fromBytes(p256.sign(msg, secret, { prehash: true }), "compact").toBytes("der");
        const target = what === "sig" ? der.slice() : what === "key" ? pub.slice() : msg.length ? msg.slice() : Uint8Array.of(0);
        target[at % target.length] ^= xor;
        const [k, m, s] = what === "sig" ? [pub, msg, target] : what === "key" ? [target, msg, der] : [pub, target, der];
        const expected = k[0] === 4 ? nobleVerify(k, sha256(m), s) : false;
        expect(both(k, m, s)).toBe(expected);
        if (what !== "msg" || msg.length) expect(expected).toBe(false);
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it("refuses BER re-encodings of a valid signature: long-form lengths, padded integers, trailing bytes", () => {
    const secret = p256.utils.randomSecretKey();
    const pub = p256.getPublicKey(secret, false);
    // A signature whose r needs no sign byte (32-byte INTEGER), so that a
    // padded r is 33 bytes: within the length limit, refused only as non-minimal.
    let msg = new Uint8Array(0);
    let der = new Uint8Array(0);
    for (let i = 0; der[3] !== 32; i++) {
      msg = new TextEncoder().encode(`ber ${i}`);
      der = p256.Signature.fromBytes(p256.sign(msg, secret, { prehash: true }), "compact").toBytes("der");
    }
    expect(both(pub, msg, der)).toBe(true);
    const longForm = Uint8Array.from([0x30, 0x81, der[1], ...der.subarray(2)]);
    const trailing = Uint8Array.from([...der.subarray(0, 1), der[1] + 1, ...der.subarray(2), 0]);
    const rLen = der[3];
    const paddedR = Uint8Array.from([0x30, der[1] + 1, 0x02, rLen + 1, 0x00, ...der.subarray(4)]);
    for (const ber of [longForm, trailing, paddedR, der.subarray(0, der.length - 1)]) {
      expect(both(pub, msg, ber)).toBe(false);
      expect(nobleVerify(pub, sha256(msg), ber)).toBe(false);
    }
  });

  it("reports why a key or signature can never verify", () => {
    const io = core.io();
    const secret = p256.utils.randomSecretKey();
    const pub = p256.getPublicKey(secret, false);
    const der = p256.Signature.fromBytes(p256.sign(new Uint8Array(1), secret, { prehash: true }), "compact").toBytes("der");
    const begin = (key: Uint8Array, sig: Uint8Array) => {
      io.set(key, 0);
      io.set(sig, 65);
      return core.exports.p256VerifyBegin(sig.length) as number;
    };
    expect(begin(pub, der)).toBe(P256_BEGIN_STATUS.OK);
    const offCurve = pub.slice();
    offCurve[64] ^= 1;
    expect(begin(offCurve, der)).toBe(P256_BEGIN_STATUS.BAD_KEY);
    expect(begin(Uint8Array.from([3, ...pub.subarray(1)]), der)).toBe(P256_BEGIN_STATUS.BAD_KEY);
    expect(begin(pub, derOf(0n, 1n))).toBe(P256_BEGIN_STATUS.BAD_SIGNATURE);
    expect(begin(pub, derOf(1n, N))).toBe(P256_BEGIN_STATUS.BAD_SIGNATURE);
    expect(begin(pub, der.subarray(1))).toBe(P256_BEGIN_STATUS.BAD_SIGNATURE);
    // After a failed begin, finish answers false whatever is in the buffer.
    expect(core.exports.p256VerifyFinishDigest()).toBe(0);
  });

  it("accepts r + n as the x-coordinate case: X = (r + n) Z is checked when r + n < p", () => {
    // A random R has x >= n with probability about 2^-128, so build R from
    // x = r + n directly and solve for the key that makes (r, s) sign it.
    let x = N + 1n; // below p; the first such x that is on the curve
    while (sqrtY(x) === undefined) x++;
    const R = p256.Point.fromAffine({ x, y: sqrtY(x)! });
    const r = x % N;
    const s = 7n;
    const e = BigInt("0x" + Buffer.from(sha256(new Uint8Array(3))).toString("hex")) % N;
    // s R = e G + r Q  =>  Q = (s R - e G) / r
    const Q = R.multiply(s).subtract(p256.Point.BASE.multiply(e)).multiply(inverse(r, N));
    const pub = Q.toBytes(false);
    const der = derOf(r, s);
    expect(nobleVerify(pub, sha256(new Uint8Array(3)), der)).toBe(true);
    expect(both(pub, new Uint8Array(3), der)).toBe(true);
    // The same r without the wrap must fail.
    expect(both(pub, new Uint8Array(3), derOf(r, s + 1n))).toBe(false);
  });
});

function inverse(a: bigint, m: bigint): bigint {
  let [r0, r1, s0, s1] = [((a % m) + m) % m, m, 1n, 0n];
  while (r1) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return ((s0 % m) + m) % m;
}

function sqrtY(x: bigint): bigint | undefined {
  const Fp = p256.Point.Fp;
  const rhs = Fp.add(Fp.sub(Fp.mul(Fp.sqr(x), x), Fp.mul(3n, x)), p256.Point.CURVE().b);
  try {
    return Fp.sqrt(rhs);
  } catch {
    return undefined;
  }
}

describe("the ES5 P-256 role module (build/es5/p256.cjs) plugged into the ES5 update module", () => {
  it("verifies what the WASM core verifies (high S too), and the ES5 update module takes it through useP256", async () => {
    const { createRequire } = await import("node:module");
    const require = createRequire(import.meta.url);
    const p256Role = require(join(root, "build/es5/p256.cjs")).createP256(null);
    const secret = p256.utils.randomSecretKey();
    const pub = p256.getPublicKey(secret, false);
    const hash = sha256(new TextEncoder().encode("role"));
    const rs = p256.sign(hash, secret, { prehash: false });
    expect(p256Role.ecdsaP256Begin(pub, 1, rs, 0)).toBe(0);
    expect(p256Role.ecdsaP256VerifyDigest(hash, 0)).toBe(true);
    const high = rs.slice();
    const s = N - BigInt("0x" + Buffer.from(rs.subarray(32)).toString("hex"));
    high.set(hexBytes(s.toString(16).padStart(64, "0")), 32);
    expect(p256Role.ecdsaP256Begin(pub, 1, high, 0)).toBe(0);
    expect(p256Role.ecdsaP256VerifyDigest(hash, 0)).toBe(true);
    hash[0] ^= 1;
    expect(p256Role.ecdsaP256Begin(pub, 1, rs, 0)).toBe(0);
    expect(p256Role.ecdsaP256VerifyDigest(hash, 0)).toBe(false);
    const update = require(join(root, "build/es5/update.cjs"));
    expect(typeof update.createUpdateCore(null).useP256).toBe("function");
  });
});
