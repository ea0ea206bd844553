// AES-CTR by the host (hostAesCtr, JS builds): the ES5 crypt module's stream
// gives the same bytes whether a host runs the AES, declines some calls, or
// is absent, at every offset a resume or a seek can bring. The host here is
// the Espruino example's own aesCtr (examples/espruino/native-aes.js)
// with Node's AES-ECB in place of Espruino's require("crypto").AES; the
// reference keystream is Node's AES-CTR. Counters start near 2^32 and 2^128
// boundaries so the driver's and the core's carries are both reached.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { createCipheriv } from "node:crypto";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Module = Record<string, any>;
const load = (path: string, require?: (name: string) => unknown): Module => {
  const module = { exports: {} as Module };
  new Function("exports", "module", "require", readFileSync(new URL(path, import.meta.url), "utf8"))(module.exports, module, require);
  return module.exports;
};

/** Espruino's crypto.AES, ECB mode only (what the driver uses), over Node's. */
const espruinoCrypto = {
  AES: {
    encrypt(data: Uint8Array, key: Uint8Array, options: { mode: string }) {
      if (options.mode !== "ECB") throw new Error("only ECB here");
      const cipher = createCipheriv(`aes-${key.length * 8}-ecb`, key, null).setAutoPadding(false);
      return new Uint8Array(Buffer.concat([cipher.update(data), cipher.final()])).buffer;
    },
  },
};
const driver = load("../examples/espruino/native-aes.js", (name) => {
  if (name !== "crypto") throw new Error(`no module ${name}`);
  return espruinoCrypto;
});

function reference(key: Uint8Array, iv: Uint8Array, data: Uint8Array, position: number): Uint8Array {
  // Node's CTR from the block holding `position`, then the bytes before it dropped.
  const counter = Buffer.from(iv);
  let carry = Math.floor(position / 16);
  for (let i = 15; i >= 0 && carry > 0; i--) {
    const sum = counter[i] + (carry % 256);
    counter[i] = sum & 0xff;
    carry = Math.floor(carry / 256) + (sum >> 8);
  }
  const skip = position % 16;
  const cipher = createCipheriv(`aes-${key.length * 8}-ctr`, key, counter);
  const out = cipher.update(Buffer.concat([Buffer.alloc(skip), Buffer.from(data)]));
  return new Uint8Array(out.subarray(skip));
}

type Op = { seek: number } | { xor: number };

function run(key: Uint8Array, iv: Uint8Array, ops: Op[], data: Uint8Array, hostAnswers: boolean[] | null) {
  let calls = 0;
  let taken = 0;
  const host = hostAnswers === null ? {} : {
    aesCtr(k: Uint8Array, keyLength: number, counter: Uint8Array, skip: number, buf: Uint8Array, off: number, len: number) {
      if (!hostAnswers[calls++ % hostAnswers.length]) return -1;
      taken++;
      return driver.aesCtr(k, keyLength, counter, skip, buf, off, len);
    },
  };
  const ctr = load("../build/es5/crypt.cjs").createCrypt(host).cryptDecryptor().ctr;
  expect(ctr.begin(key, 0, key.length, iv, 0)).toBe(0);
  let position = 0;
  let at = 0;
  const results: { position: number; bytes: Uint8Array }[] = [];
  for (const op of ops) {
    if ("seek" in op) {
      ctr.seek(op.seek);
      position = op.seek;
      continue;
    }
    const buf = new Uint8Array(op.xor + 7);
    const chunk = data.subarray(at % data.length, (at % data.length) + op.xor);
    at += op.xor;
    buf.set(chunk, 3);
    ctr.xor(buf, 3, chunk.length);
    results.push({ position, bytes: buf.slice(3, 3 + chunk.length) });
    expect(buf.subarray(0, 3)).toEqual(new Uint8Array(3));
    position += chunk.length;
  }
  return { results, taken };
}

const ivs = [
  new Uint8Array(16),
  Uint8Array.from([...Array(12).fill(0), 0xff, 0xff, 0xff, 0xfa]), // the low word wraps within a few blocks
  new Uint8Array(16).fill(0xff).map((v, i) => (i === 15 ? 0xfd : v)), // the whole 128-bit counter wraps
];

describe("AES-CTR with the host's AES (ES5 crypt module)", () => {
  it("gives Node's AES-CTR bytes with the host always, sometimes, and never answering, through seeks and odd lengths", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(16, 32),
        fc.integer({ min: 0, max: ivs.length - 1 }),
        fc.array(fc.oneof(fc.record({ xor: fc.integer({ min: 0, max: 90 }) }), fc.record({ seek: fc.integer({ min: 0, max: 400 }) })), { minLength: 1, maxLength: 12 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 5 }),
        (keyLength, ivIndex, ops, answers) => {
          const key = Uint8Array.from({ length: keyLength }, (_, i) => (i * 37 + keyLength) & 0xff);
          const data = Uint8Array.from({ length: 1024 }, (_, i) => (i * 13 + 5) & 0xff);
          const iv = ivs[ivIndex];
          const always = run(key, iv, ops, data, [true]);
          const mixed = run(key, iv, ops, data, answers);
          const never = run(key, iv, ops, data, null);
          for (const outcome of [always, mixed]) {
            outcome.results.forEach((r, i) => {
              expect(Buffer.from(r.bytes).toString("hex")).toBe(Buffer.from(never.results[i].bytes).toString("hex"));
            });
          }
          // And the reference: XOR the data back out and compare keystreams.
          let at = 0;
          never.results.forEach((r) => {
            const chunk = data.subarray(at % data.length, (at % data.length) + r.bytes.length);
            at += r.bytes.length;
            expect(Buffer.from(r.bytes).toString("hex")).toBe(Buffer.from(reference(key, iv, chunk, r.position)).toString("hex"));
          });
          const xors = ops.filter((o) => "xor" in o && o.xor > 0).length;
          expect(always.taken).toBe(xors);
          expect(never.taken).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("the Espruino AES driver on a build without AES", () => {
  it("declines (-1) and leaves the buffer as it was, whether require('crypto') throws or has no AES", () => {
    for (const require of [() => { throw new Error('Module "crypto" not found'); }, () => ({})]) {
      const bare = load("../examples/espruino/native-aes.js", require);
      const buf = Uint8Array.from({ length: 40 }, (_, i) => i);
      expect(bare.aesCtr(new Uint8Array(16), 16, new Uint8Array(16), 3, buf, 2, 30)).toBe(-1);
      expect([...buf]).toEqual(Array.from({ length: 40 }, (_, i) => i));
    }
  });
});
