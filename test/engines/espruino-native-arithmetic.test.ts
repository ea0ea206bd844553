// Espruino's native arithmetic for the update core
// (examples/espruino/native-arithmetic.js), inside the real interpreter: the
// field multiply gives, limb for limb, what the core's own feMul gives
// (crypto/fe25519.ts: exact column sums, then the same carries), for inputs
// anywhere within the limb bounds feMul accepts; RFC 8032 signatures verify
// and a forged one fails with the core multiplying and hashing through it;
// the SHA-512 is Node's; the CRC-32 is the core's, and a download cut short
// resumes with it. A planted bug in the multiply is caught.
import { describe, expect, it } from "vitest";
import { crc32 } from "node:zlib";
import { createHash } from "node:crypto";
import fc from "fast-check";
import { ed25519 } from "@noble/curves/ed25519.js";
import { espruinoBinary, runEspruino } from "../../tools/engines/espruino.js";
import { read, storyFiles, storyModules } from "../../tools/engines/story.js";

const binary = espruinoBinary();
const P = (1n << 255n) - 19n;
const RADIX = 1n << 17n;

/** Floor division (BigInt division truncates toward zero). */
const floorDiv = (x: bigint, d: bigint) => (x >= 0n ? x / d : -((-x + d - 1n) / d));

/** feMul's result as fe25519.ts specifies it: column sums with 19 for the wrap, one carry pass, the top carry times 19 into limb 0, two more carries. */
function expectedLimbs(a: number[], b: number[]): number[] {
  const c = Array.from({ length: 15 }, (_, i) => {
    let sum = 0n;
    for (let j = 0; j < 15; j++) {
      const k = i - j;
      sum += BigInt(a[j]) * (k >= 0 ? BigInt(b[k]) : 19n * BigInt(b[k + 15]));
    }
    return sum;
  });
  let q = 0n;
  for (let i = 0; i < 15; i++) {
    const v = c[i] + q;
    q = floorDiv(v, RADIX);
    c[i] = v - q * RADIX;
  }
  c[0] += 19n * q;
  q = floorDiv(c[0], RADIX);
  c[0] -= q * RADIX;
  c[1] += q;
  q = floorDiv(c[1], RADIX);
  c[1] -= q * RADIX;
  c[2] += q;
  return c.map(Number);
}

const value = (limbs: number[]) => limbs.reduce((sum, l, i) => sum + BigInt(l) * (1n << BigInt(17 * i)), 0n);
const mod = (x: bigint) => ((x % P) + P) % P;

// Inputs anywhere feMul accepts them (|limb| < 2^21: sums and differences of
// outputs), outputs of a multiply ([0, 2^17 + 2^5)), and the extremes.
const BOUND = (1 << 21) - 1;
const anyLimbs = fc.array(fc.integer({ min: -BOUND, max: BOUND }), { minLength: 15, maxLength: 15 });
const productLimbs = fc.array(fc.integer({ min: 0, max: (1 << 17) + 31 }), { minLength: 15, maxLength: 15 });
const limbsArb = fc.oneof(anyLimbs, productLimbs, fc.constantFrom(Array(15).fill(BOUND), Array(15).fill(-BOUND), Array.from({ length: 15 }, (_, i) => (i % 2 ? BOUND : -BOUND))));

/** Runs the module's fieldMultiply over the pairs inside Espruino: plain, and with the output aliasing a, b or both inputs. */
function multiplyInEspruino(moduleText: string, pairs: Array<[number[], number[]]>) {
  const main = `
var multiply = require("slotboot-native-arithmetic").fieldMultiply();
var pairs = JSON.parse(require("Storage").read("pairs"));
function run(alias) {
  return pairs.map(function (p) {
    var a = new Int32Array(p[0]), b = new Int32Array(p[1]), o = new Int32Array(15);
    if (alias === "a") { multiply(a, a, b); return [].slice.call(a); }
    if (alias === "b") { multiply(b, a, b); return [].slice.call(b); }
    if (alias === "square") { var s = new Int32Array(p[0]); multiply(s, s, s); return [].slice.call(s); }
    var status = multiply(o, a, b);
    return status === 0 ? [].slice.call(o) : null;
  });
}
print("@@" + JSON.stringify({ plain: run(""), a: run("a"), b: run("b"), square: run("square") }));
`;
  const r = runEspruino({ "slotboot-native-arithmetic": moduleText, pairs: JSON.stringify(pairs) }, main, 120_000);
  return r.results[0] as { plain: number[][]; a: number[][]; b: number[][]; square: number[][] };
}

/** Runs the module's fieldAdd and fieldSubtract over the pairs inside Espruino: plain, and with the output aliasing a or b. */
function addInEspruino(moduleText: string, pairs: Array<[number[], number[]]>) {
  const main = `
var native = require("slotboot-native-arithmetic"), add = native.fieldAdd(), subtract = native.fieldSubtract();
var pairs = JSON.parse(require("Storage").read("pairs"));
function run(f, alias) {
  return pairs.map(function (p) {
    var a = new Int32Array(p[0]), b = new Int32Array(p[1]), o = new Int32Array(15);
    if (alias === "a") { f(a, a, b); return [].slice.call(a); }
    if (alias === "b") { f(b, a, b); return [].slice.call(b); }
    return f(o, a, b) === 0 ? [].slice.call(o) : null;
  });
}
print("@@" + JSON.stringify({ add: [run(add, ""), run(add, "a"), run(add, "b")], subtract: [run(subtract, ""), run(subtract, "a"), run(subtract, "b")] }));
`;
  const r = runEspruino({ "slotboot-native-arithmetic": moduleText, pairs: JSON.stringify(pairs) }, main, 120_000);
  return r.results[0] as { add: number[][][]; subtract: number[][][] };
}

describe.skipIf(!binary)("native arithmetic inside Espruino", () => {
  const moduleText = read("examples/espruino/native-arithmetic.js");
  const seed = Date.now() % 0x7fffffff;
  const pairs = fc.sample(fc.tuple(limbsArb, limbsArb), { numRuns: 150, seed }) as Array<[number[], number[]]>;

  it("fieldMultiply gives feMul's limbs for inputs within the limb bounds, aliased or not (a failure names its fast-check seed)", () => {
    const out = multiplyInEspruino(moduleText, pairs);
    pairs.forEach(([a, b], i) => {
      const want = expectedLimbs(a, b);
      const context = `seed ${seed}, pair ${i}`;
      expect(out.plain[i], context).toEqual(want);
      expect(out.a[i], context).toEqual(want);
      expect(out.b[i], context).toEqual(want);
      expect(out.square[i], context).toEqual(expectedLimbs(a, a));
      // Independently of the carry order: the value is a * b mod p, and the limbs are an output's.
      expect(mod(value(out.plain[i])), context).toBe(mod(value(a) * value(b)));
      for (const limb of out.plain[i]) expect(limb >= 0 && limb < (1 << 17) + 32, context).toBe(true);
    });
  }, 120_000);

  it("a planted bug in the multiply (18 for 19 in the wrapped columns) is caught", () => {
    const planted = moduleText.replace("y[20] = 19 * y[5]", "y[20] = 18 * y[5]");
    expect(planted).not.toBe(moduleText);
    const out = multiplyInEspruino(planted, pairs.slice(0, 10));
    const wrong = pairs.slice(0, 10).filter(([a, b], i) => JSON.stringify(out.plain[i]) !== JSON.stringify(expectedLimbs(a, b)));
    expect(wrong.length).toBeGreaterThan(0);
  }, 60_000);

  it("fieldAdd and fieldSubtract give feAdd's and feSub's limbs (limb by limb, no carry), aliased or not; a planted bug is caught", () => {
    const sums = pairs.map(([a, b]) => a.map((l, i) => l + b[i]));
    const differences = pairs.map(([a, b]) => a.map((l, i) => l - b[i]));
    const out = addInEspruino(moduleText, pairs);
    for (const alias of [0, 1, 2]) {
      expect(out.add[alias], `seed ${seed}`).toEqual(sums);
      expect(out.subtract[alias], `seed ${seed}`).toEqual(differences);
    }
    // The loop stops one limb short.
    const planted = moduleText.replace("while (i--) o[i] = a[i] - b[i];", "while (--i) o[i] = a[i] - b[i];");
    expect(planted).not.toBe(moduleText);
    expect(addInEspruino(planted, pairs.slice(0, 5)).subtract[0]).not.toEqual(differences.slice(0, 5));
  }, 60_000);

  it("RFC 8032 signatures verify, and a forged one fails, with the core multiplying, adding and hashing (SHA-512) through the host; crc32 is the core's CRC-32", () => {
    // RFC 8032 section 7.1, TEST 1 to 3 (public key, message, signature).
    const vectors = [
      ["d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"],
      ["3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
        "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"],
      ["fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
        "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"],
    ];
    const hex = (h: string) => Uint8Array.from(Buffer.from(h, "hex"));
    for (const [pk, msg, sig] of vectors) expect(ed25519.verify(hex(sig), hex(msg), hex(pk))).toBe(true);
    const forged = vectors[2][2].slice(0, 10) + (vectors[2][2][10] === "0" ? "1" : "0") + vectors[2][2].slice(11);
    const cases = [...vectors, [vectors[2][0], vectors[2][1], forged]];
    const main = `
var native = require("slotboot-native-arithmetic");
var calls = 0, additions = 0, hashes = 0, multiply = native.fieldMultiply(), add = native.fieldAdd(), subtract = native.fieldSubtract();
var host = { read: function () { return -1; }, program: function () { return -1; }, erase: function () { return -1; }, sha256: function () { return -1; },
  fieldMultiply: function (o, a, b) { calls++; return multiply(o, a, b); },
  fieldAdd: function (o, a, b) { additions++; return add(o, a, b); },
  fieldSubtract: function (o, a, b) { additions++; return subtract(o, a, b); },
  sha512: function (buf, off, len, out, outOff) { hashes++; return native.sha512(buf, off, len, out, outOff); } };
var core = require("slotboot-core").createCore(host);
var io = core.ioBuffer();
function bytes(h) { var b = new Uint8Array(h.length / 2); for (var i = 0; i < b.length; i++) b[i] = parseInt(h.substr(2 * i, 2), 16); return b; }
var results = JSON.parse(require("Storage").read("cases")).map(function (c) {
  io.set(bytes(c[0]), 0); io.set(bytes(c[2]), 32);
  if (core.ed25519VerifyBegin() !== 0) return -1;
  var m = bytes(c[1]); io.set(m, 0); core.ed25519VerifyUpdate(m.length);
  return core.ed25519VerifyFinish();
});
var text = "123456789", check = new Uint8Array(text.length);
for (var i = 0; i < text.length; i++) check[i] = text.charCodeAt(i);
var padded = new Uint8Array(12); padded.set(check, 2);
var digest = new Uint8Array(70), status = native.sha512(padded, 2, 9, digest, 3);
print("@@" + JSON.stringify({ results: results, calls: calls, additions: additions, hashes: hashes, crc: native.crc32(padded, 2, 9), sha512: [status, [].slice.call(digest)] }));
`;
    const r = runEspruino({
      "slotboot-core": read("build/es5/core.cjs"), "slotboot-native-arithmetic": moduleText, cases: JSON.stringify(cases),
    }, main, 120_000).results[0] as { results: number[]; calls: number; additions: number; hashes: number; crc: number; sha512: [number, number[]] };
    expect(r.results).toEqual([1, 1, 1, 0]);
    // Each check's challenge hash in one native SHA-512 call, over the bytes it was given (offsets honoured).
    expect(r.hashes).toBe(4);
    const expected = createHash("sha512").update("123456789").digest();
    expect(r.sha512[0]).toBe(0);
    expect(r.sha512[1]).toEqual([0, 0, 0, ...expected, 0, 0, 0]);
    // Every multiply and square of the four checks went through the host, and the limb additions of the point formulas.
    // With half-length scalars a check is about 2,300 multiplies and 1,600 additions (3,100 and 2,300 before).
    expect(r.calls).toBeGreaterThan(4 * 2000);
    expect(r.additions).toBeGreaterThan(4 * 1400);
    expect(r.crc).toBe(0xcbf43926);
  }, 120_000);

  it("crc32 equals the IEEE CRC-32 on random buffers, and a download cut short resumes from its last slot-checked point with it", () => {
    const buffers = fc.sample(fc.uint8Array({ minLength: 1, maxLength: 300 }), { numRuns: 20, seed });
    const { v1, packageV2, input } = storyFiles();
    const main = `
var S = require("Storage");
var native = require("slotboot-native-arithmetic");
var crcs = JSON.parse(S.read("buffers")).map(function (b) { var u = new Uint8Array(b.length + 3); u.set(b, 3); return native.crc32(u, 3, b.length); });
function bytes(h) { var b = new Uint8Array(h.length / 2); for (var i = 0; i < b.length; i++) b[i] = parseInt(h.substr(2 * i, 2), 16); return b; }
var input = JSON.parse(S.read("story-input"));
var layout = input.layout;
var flash = require("slotboot-ram-flash").create(layout, null);
flash.load(layout.slotA, S.read("image-v1"));
var attached = {}, program = flash.program;
function seen(name, what) { attached[name + " " + what] = (attached[name + " " + what] || 0) + 1; }
var last = null;
flash.program = function (a, b, c, d) { seen("crc32", typeof flash.crc32); seen("sha512", typeof flash.sha512); seen("fieldMultiply", typeof flash.fieldMultiply); last = typeof flash.fieldMultiply; return program(a, b, c, d); };
var task = require("slotboot-update-task");
var options = { publicKey: bytes(input.publicKey) };
var data = S.read("package-v2");
var asked = [];
function source(limit) { return function (offset, max) { asked.push(offset); return offset >= limit ? "" : data.substr(offset, Math.min(max, limit - offset)); }; }
task.provision(flash, layout, options);
var cut = task.receive(flash, layout, options, source(6500));
asked = [];
last = null;
var resumed = task.receive(flash, layout, options, source(data.length));
print("@@" + JSON.stringify({ lastProgramResumed: last, crcs: crcs, empty: native.crc32(new Uint8Array(8), 3, 0), cut: cut.status, resumed: resumed.status, firstAfterManifest: asked[1], attached: attached,
  left: [typeof flash.crc32, typeof flash.sha512, typeof flash.fieldMultiply, typeof flash.fieldAdd, typeof flash.fieldSubtract] }));
`;
    const r = runEspruino({
      ...storyModules(), "image-v1": v1, "package-v2": packageV2, "story-input": JSON.stringify(input),
      buffers: JSON.stringify(buffers.map((b) => [...b])),
    }, main, 120_000).results[0] as { lastProgramResumed: string; crcs: number[]; empty: number; cut: number; resumed: number; firstAfterManifest: number; attached: Record<string, number>; left: string[] };
    expect(r.crcs).toEqual(buffers.map((b) => crc32(b)));
    // Of nothing (Espruino takes a view of length 0 as one to the end of the buffer).
    expect(r.empty).toBe(0);
    expect(r.cut).not.toBe(0);
    expect(r.resumed).toBe(0);
    // The second download skipped what the first one had written and checked (a 4 KiB sector).
    expect(r.firstAfterManifest).toBeGreaterThan(4096);
    // The task attached its host calls while the core ran, and took them back off the driver:
    // CRC-32 and SHA-512 at every program, the field arithmetic for the signature checks
    // (programs before the manifest is verified and in receiveComplete) and not for the
    // chain blocks' writes in between.
    expect(Object.keys(r.attached).sort()).toEqual(["crc32 function", "fieldMultiply function", "fieldMultiply undefined", "sha512 function"]);
    expect(r.attached["fieldMultiply undefined"]).toBeGreaterThan(r.attached["fieldMultiply function"]);
    expect(r.left).toEqual(Array(5).fill("undefined"));
    // The resumed download's last program is receiveComplete's boot-control record, after the
    // image's signature check: the arithmetic was back on for that check.
    expect(r.lastProgramResumed).toBe("function");
  }, 120_000);
});
