// SHA-256 in the core (both builds): pinned by the NIST CAVP byte-oriented
// vectors (ShortMsg, LongMsg, Monte) and cross-checked against node:crypto for
// random messages split into random chunks.
import { beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { CORE_KINDS, loadCore } from "./helpers/cores.js";
import type { Core } from "../bindings/core.js";
import { Sha256Stream, sha256With } from "../bindings/hash.js";

const LONG = !!process.env.SLOTBOOT_LONG;
const RUNS = LONG ? 2000 : 100;

const VECTORS = join(dirname(fileURLToPath(import.meta.url)), "vectors");

interface MsgVector { bits: number; msg: Uint8Array; md: string }

/** Parses a CAVP .rsp file into its `KEY = value` records (blank-line separated). */
function rspRecords(file: string): Record<string, string>[] {
  const records: Record<string, string>[] = [];
  let cur: Record<string, string> = {};
  for (const raw of readFileSync(join(VECTORS, file), "latin1").split("\n")) {
    const line = raw.trim();
    const m = /^(\w+) = (\w*)$/.exec(line);
    if (m) cur[m[1]] = m[2];
    else if (line === "" && Object.keys(cur).length > 0) {
      records.push(cur);
      cur = {};
    }
  }
  if (Object.keys(cur).length > 0) records.push(cur);
  return records;
}

function msgVectors(file: string): MsgVector[] {
  return rspRecords(file).filter((r) => r.Len !== undefined).map((r) => {
    const bits = Number(r.Len);
    // Len = 0 is written as "Msg = 00": the message is empty.
    const msg = Uint8Array.from(Buffer.from(r.Msg, "hex")).subarray(0, bits / 8);
    return { bits, msg, md: r.MD.toLowerCase() };
  });
}

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const nodeSha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

const SHORT = msgVectors("SHA256ShortMsg.rsp");
const LONGMSG = msgVectors("SHA256LongMsg.rsp");
const MONTE = rspRecords("SHA256Monte.rsp");

it("the vector files hold the expected CAVP sets", () => {
  // ShortMsg: every byte length 0..64; LongMsg: 64 lengths up to 6400 bytes.
  expect(SHORT.map((v) => v.msg.length)).toEqual(Array.from({ length: 65 }, (_, i) => i));
  expect(LONGMSG).toHaveLength(64);
  expect(Math.max(...LONGMSG.map((v) => v.msg.length))).toBe(6400);
  expect(MONTE[0].Seed).toMatch(/^[0-9a-f]{64}$/);
  expect(MONTE.filter((r) => r.COUNT !== undefined)).toHaveLength(100);
});

describe.each(CORE_KINDS)("SHA-256 in core build %s", (kind) => {
  let core: Core;
  beforeAll(async () => {
    core = await loadCore(kind);
  });

  it("matches every SHA256ShortMsg vector", () => {
    for (const v of SHORT) expect(hex(sha256With(core, v.msg)), `Len = ${v.bits}`).toBe(v.md);
  });

  it("matches every SHA256LongMsg vector", () => {
    for (const v of LONGMSG) expect(hex(sha256With(core, v.msg)), `Len = ${v.bits}`).toBe(v.md);
  });

  it("matches every SHA256LongMsg vector fed in 1-byte and 63-byte chunks", () => {
    for (const step of [1, 63]) {
      for (const v of LONGMSG.slice(0, 8)) {
        expect(hex(new Sha256Stream(core).update(v.msg, step).digest()), `Len = ${v.bits}`).toBe(v.md);
      }
    }
  });

  it("reproduces the SHA256Monte checkpoints", () => {
    // CAVP Monte Carlo: MD[i] = SHA256(MD[i-3] || MD[i-2] || MD[i-1]), 1000 per checkpoint.
    let seed = Buffer.from(MONTE[0].Seed, "hex");
    const stream = new Sha256Stream(core);
    for (const r of MONTE.filter((x) => x.COUNT !== undefined)) {
      let md = [seed, seed, seed];
      for (let i = 0; i < 1000; i++) {
        const next = Buffer.from(stream.update(Buffer.concat(md)).digest());
        md = [md[1], md[2], next];
      }
      seed = md[2];
      expect(seed.toString("hex"), `COUNT = ${r.COUNT}`).toBe(r.MD);
    }
  });

  it("agrees with node:crypto for random messages in random chunk splits", () => {
    const ioSize = core.io().length;
    const chunkSize = fc.oneof(
      fc.constant(1),
      fc.constant(ioSize),
      fc.integer({ min: 1, max: 64 }),
      fc.integer({ min: 1, max: ioSize }),
    );
    fc.assert(
      fc.property(
        // Lengths spread over the whole range (fast-check's default size
        // would keep arrays short), with extra weight on a few blocks.
        fc.oneof(
          fc.uint8Array({ maxLength: 200, size: "max" }),
          fc.uint8Array({ maxLength: 10_240, size: "max" }),
        ),
        // Either one chunk size throughout (every block boundary is crossed
        // the same way, e.g. byte by byte) or a cycled mix of sizes.
        fc.oneof(chunkSize.map((n) => [n]), fc.array(chunkSize, { minLength: 2, maxLength: 40 })),
        (msg, sizes) => {
          const stream = new Sha256Stream(core);
          let off = 0;
          for (let k = 0; off < msg.length; k++) {
            const n = Math.min(sizes[k % sizes.length], msg.length - off);
            stream.update(msg.subarray(off, off + n));
            off += n;
          }
          expect(hex(stream.digest())).toBe(nodeSha256(msg));
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("hashes the whole exchange buffer in one call and handles every length around block edges", () => {
    const ioSize = core.io().length;
    const msg = Uint8Array.from({ length: 3 * ioSize + 130 }, (_, i) => (i * 151 + 7) & 255);
    for (const n of [0, 1, 55, 56, 63, 64, 65, 119, 120, 127, 128, ioSize - 1, ioSize, ioSize + 1, msg.length]) {
      const m = msg.subarray(0, n);
      expect(hex(new Sha256Stream(core).update(m, ioSize).digest()), `length ${n}`).toBe(nodeSha256(m));
    }
  });

  it("rejects lengths outside the exchange buffer without touching the running hash", () => {
    const x = core.exports;
    const ioSize = core.io().length;
    const msg = Uint8Array.from([0x61, 0x62, 0x63]);
    x.sha256Reset();
    core.io().set(msg);
    expect(x.sha256Update(msg.length)).toBe(0);
    expect(x.sha256Update(-1)).toBeLessThan(0);
    expect(x.sha256Update(ioSize + 1)).toBeLessThan(0);
    expect(x.sha256Update(0)).toBe(0);
    x.sha256Final();
    expect(hex(core.io().slice(0, 32))).toBe(nodeSha256(msg));
  });

  it("starts each message afresh after sha256Reset", () => {
    const a = Uint8Array.from({ length: 200 }, (_, i) => i);
    const stream = new Sha256Stream(core);
    stream.update(Uint8Array.from([1, 2, 3])); // abandoned: digest() below must not see it
    core.exports.sha256Reset();
    expect(hex(stream.update(a).digest())).toBe(nodeSha256(a));
    expect(hex(stream.update(a).digest())).toBe(nodeSha256(a));
  });
});
