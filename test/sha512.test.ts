// SHA-512 in the core (both builds), the hash inside Ed25519 verification:
// pinned by the FIPS 180-2 examples and the hash-test-vectors set, and
// cross-checked against node:crypto for random messages in random chunks.
import { beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { CORE_KINDS, loadCore } from "./helpers/cores.js";
import type { Core } from "../bindings/core.js";

const LONG = !!process.env.SLOTBOOT_LONG;
const RUNS = LONG ? 2000 : 100;

const require = createRequire(import.meta.url);
const nistSet = require("hash-test-vectors/index.json") as { input: string; sha512: string }[];

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const nodeSha512 = (m: Uint8Array) => createHash("sha512").update(m).digest("hex");

/** SHA-512 of the concatenated chunks, computed by the core. */
function coreSha512(core: Core, chunks: Uint8Array[]): string {
  const e = core.exports;
  e.sha512Reset();
  for (const c of chunks) {
    core.io().set(c, 0);
    expect(e.sha512Update(c.length)).toBe(0);
  }
  e.sha512Final();
  return hex(core.io().slice(0, 64));
}

function split(m: Uint8Array, sizes: number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let off = 0;
  for (const s of sizes) {
    if (off >= m.length) break;
    out.push(m.subarray(off, Math.min(m.length, off + s)));
    off += s;
  }
  for (; off < m.length; off += 1024) out.push(m.subarray(off, Math.min(m.length, off + 1024)));
  return out;
}

describe.each(CORE_KINDS)("SHA-512 in the %s core", (kind) => {
  let core: Core;
  beforeAll(async () => {
    core = await loadCore(kind);
  });

  it("matches the FIPS 180-2 examples", () => {
    const abc = new TextEncoder().encode("abc");
    expect(coreSha512(core, [abc])).toBe(
      "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a" +
        "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
    );
    const two = new TextEncoder().encode(
      "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
    );
    expect(coreSha512(core, [two])).toBe(
      "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018" +
        "501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909",
    );
    expect(coreSha512(core, [])).toBe(
      "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce" +
        "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e",
    );
  });

  it("matches the NIST-derived hash-test-vectors set", () => {
    expect(nistSet.length).toBeGreaterThan(100);
    for (const v of nistSet) {
      const m = new Uint8Array(Buffer.from(v.input, "base64"));
      expect(coreSha512(core, split(m, []))).toBe(v.sha512);
    }
  });

  it("handles every length around the padding boundaries", () => {
    for (let len = 0; len <= 300; len++) {
      const m = new Uint8Array(len).map((_, i) => (i * 31 + len) & 0xff);
      expect(coreSha512(core, [m]), `length ${len}`).toBe(nodeSha512(m));
    }
  });

  it("agrees with node:crypto for random messages in random chunks", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 4000 }),
        fc.array(fc.integer({ min: 0, max: 1024 }), { maxLength: 20 }),
        (m, sizes) => {
          expect(coreSha512(core, split(m, sizes))).toBe(nodeSha512(m));
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("refuses chunk lengths outside the exchange buffer", () => {
    const e = core.exports;
    e.sha512Reset();
    expect(e.sha512Update(-1)).toBeLessThan(0);
    expect(e.sha512Update(core.io().length + 1)).toBeLessThan(0);
    e.sha512Final();
    expect(hex(core.io().slice(0, 64))).toBe(nodeSha512(new Uint8Array(0)));
  });
});
