// The half-length scalars of Ed25519 verification (assembly/crypto/edhalves.ts)
// in every build, through the core's ed25519HalfScalars() export: k below L
// becomes u and |v| below 2^127 with u = v k (mod L). Pinned against the
// extended Euclidean algorithm run here in BigInt (stopped at the first
// remainder below 2^126), on the values where the core's quotient estimate
// is tightest (L / k just below an integer), at the limb edges, and at random.
// The ES5 build also runs inside Espruino, the engine it is for.
import { describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { CORE_KINDS, loadCore } from "./helpers/cores.js";
import { espruinoBinary, runEspruino } from "../tools/engines/espruino.js";

const L = (1n << 252n) + 27742317777372353535851937790883648493n;
const LONG = !!process.env.SLOTBOOT_LONG;

const littleEndian = (v: bigint, n: number) => Buffer.from(Array.from({ length: n }, (_, i) => Number((v >> BigInt(8 * i)) & 255n)));
const hex = (v: bigint, n: number) => littleEndian(v, n).toString("hex");

/** The reference: extended Euclid on (L, k), stopped at the first remainder below 2^126. */
function halves(k: bigint): { u: bigint; v: bigint } {
  let [r0, r1, t0, t1] = [L, k, 0n, 1n];
  while (r1 >= 1n << 126n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [t0, t1] = [t1, t0 - q * t1];
  }
  return { u: r1, v: t1 };
}

/** What ed25519HalfScalars() leaves: "sign:u|v|" in hex, as the reference has it. */
function expected(k: bigint): string {
  const { u, v } = halves(k);
  return `${v > 0n ? 1 : -1}:${hex(u, 16)}${hex(v < 0n ? -v : v, 16)}`;
}

function scalars(): bigint[] {
  const ks = [0n, 1n, 2n, (1n << 126n) - 1n, 1n << 126n, (1n << 127n) + 1n, L - 1n, L - 2n, (L - 1n) / 2n, (L + 1n) / 2n, 1n << 252n];
  // L / k just below an integer q: the quotient estimate must stay under the truth.
  for (let q = 2n; q < 400n; q++) ks.push(L / q + 1n);
  for (const q of [(1n << 24n) - 1n, 1n << 24n, (1n << 26n) - 1n, 1n << 26n, (1n << 48n) - 1n, (1n << 70n) + 1n]) ks.push(L / q + 1n, L / q);
  // Each limb edge of the 24-bit representation.
  for (let b = 120n; b < 253n; b += 1n) ks.push((1n << b) - 1n, ((1n << b) + 1n) % L);
  for (let i = 0; i < (LONG ? 20_000 : 300); i++) ks.push(BigInt("0x" + randomBytes(64).toString("hex")) % L);
  return ks.map((k) => k % L);
}

describe("ed25519HalfScalars() in every build", () => {
  const ks = scalars();
  for (const kind of [...CORE_KINDS, "es5" as const]) {
    it(`${kind}: u and |v| equal the BigInt reference, u < 2^126, 0 < |v| < 2^127, u = v k mod L`, async () => {
      const core = await loadCore(kind);
      for (const k of ks) {
        core.io().set(littleEndian(k, 32), 0);
        const sign = core.exports.ed25519HalfScalars() as number;
        const out = Buffer.from(core.io().slice(32, 64));
        expect(`${sign}:${out.toString("hex")}`, `k = ${k.toString(16)}`).toBe(expected(k));
        const u = BigInt("0x" + Buffer.from(out.subarray(0, 16)).reverse().toString("hex"));
        const magnitude = BigInt("0x" + Buffer.from(out.subarray(16, 32)).reverse().toString("hex"));
        const v = sign > 0 ? magnitude : -magnitude;
        expect(u < 1n << 126n && magnitude > 0n && magnitude < 1n << 127n).toBe(true);
        expect((((v * k - u) % L) + L) % L).toBe(0n);
      }
    });
  }

  const binary = espruinoBinary();
  if (!binary) console.warn("[espruino] interpreter not found: the Espruino case of the half-length scalars is skipped");
  it.skipIf(!binary)("the ES5 build inside Espruino gives the same bytes", () => {
    const sample = ks.filter((_, i) => i % 4 === 0);
    const main = `
var core = require("slotboot-core").createCore({ read: function () { return -1; }, program: function () { return -1; }, erase: function () { return -1; }, sha256: function () { return -1; } });
var ks = JSON.parse(require("Storage").read("ks"));
var io = core.ioBuffer(), out = [];
for (var n = 0; n < ks.length; n++) {
  for (var i = 0; i < 32; i++) io[i] = parseInt(ks[n].substr(2 * i, 2), 16);
  var sign = core.ed25519HalfScalars(), h = "";
  for (var j = 32; j < 64; j++) h += (io[j] < 16 ? "0" : "") + io[j].toString(16);
  out.push(sign + ":" + h);
}
print("@@" + JSON.stringify(out));
`;
    const core = readFileSync(fileURLToPath(new URL("../build/es5/core.cjs", import.meta.url)), "utf8");
    const run = runEspruino({ "slotboot-core": core, ks: JSON.stringify(sample.map((k) => hex(k, 32))) }, main, 300_000);
    expect(run.results[0]).toEqual(sample.map(expected));
  }, 300_000);
});
