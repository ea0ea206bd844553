// examples/espruino/gathering-sha256.js under Node, over node:crypto's SHA-256
// as the one-shot hash: a block handed over in pieces gives its digest; every
// misuse, a block over the limit, and a one-shot hash that gives no digest
// (Espruino short of memory) are declined with -1 and leave `out` untouched,
// so the core hashes the block itself and never takes a wrong digest as done.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { createHash } from "node:crypto";

type Gathering = { begin(len: number): number; update(buf: Uint8Array, off: number, len: number): number; finish(out: Uint8Array, off: number): number };
const module = { exports: {} as { create(hash: (b: Uint8Array) => ArrayBuffer | undefined, limit: number): Gathering } };
new Function("exports", "module", readFileSync(new URL("../examples/espruino/gathering-sha256.js", import.meta.url), "utf8"))(module.exports, module);
const nodeSha256 = (b: Uint8Array) => new Uint8Array(createHash("sha256").update(b).digest()).buffer;
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

describe("the gathering SHA-256 (Espruino example)", () => {
  const data = Uint8Array.from({ length: 300 }, (_, i) => (i * 7 + 1) & 0xff);

  it("hashes a block given in pieces, and the empty block", () => {
    const g = module.exports.create(nodeSha256, 4096 + 32);
    const out = new Uint8Array(40);
    expect(g.begin(300)).toBe(0);
    for (const [at, len] of [[0, 100], [100, 0], [100, 150], [250, 50]]) expect(g.update(data, at, len)).toBe(0);
    expect(g.finish(out, 8)).toBe(0);
    expect(hex(out.subarray(8))).toBe(createHash("sha256").update(data).digest("hex"));
    expect(g.begin(0)).toBe(0);
    expect(g.finish(out, 0)).toBe(0);
    expect(hex(out.subarray(0, 32))).toBe(createHash("sha256").update(new Uint8Array(0)).digest("hex"));
  });

  it("declines misuse, an oversized block and a missing digest, and never writes out then", () => {
    const cases: [string, Gathering, (g: Gathering, out: Uint8Array) => number][] = [
      ["over the limit", module.exports.create(nodeSha256, 100), (g) => g.begin(101)],
      ["more than begun", module.exports.create(nodeSha256, 1000), (g) => (g.begin(10), g.update(data, 0, 11))],
      ["finished short", module.exports.create(nodeSha256, 1000), (g, out) => (g.begin(10), g.update(data, 0, 9), g.finish(out, 0))],
      ["finished without begin", module.exports.create(nodeSha256, 1000), (g, out) => g.finish(out, 0)],
      ["updated after finish", module.exports.create(nodeSha256, 1000), (g) => (g.begin(1), g.update(data, 0, 1), g.finish(new Uint8Array(32), 0), g.update(data, 0, 1))],
      ["no digest (out of memory)", module.exports.create(() => undefined, 1000), (g, out) => (g.begin(5), g.update(data, 0, 5), g.finish(out, 0))],
      ["a short digest", module.exports.create(() => new ArrayBuffer(20), 1000), (g, out) => (g.begin(5), g.update(data, 0, 5), g.finish(out, 0))],
    ];
    for (const [name, g, run] of cases) {
      const out = new Uint8Array(32).fill(0xee);
      expect(run(g, out), name).toBe(-1);
      expect(out.every((b) => b === 0xee), name).toBe(true);
    }
  });
});
