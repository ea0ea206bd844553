// The JS builds' native copy (hostCopy in assembly/common/host.portable.ts, the
// body of copyBytes) refuses a range past either buffer's end, under Node and
// inside Espruino. In the ES5 builds small buffers are views into shared
// ArrayBuffers (poolModuleBytes), and Espruino checks neither a view's bounds
// nor set()'s (shown here), so without the check a copy past a buffer's end
// would read or write its neighbour in the pool without a word.
import { describe, expect, it } from "vitest";
import { existsSync, readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { esmToScript } from "../../tools/engines/xs.js";
import { espruinoBinary, runEspruino } from "../../tools/engines/espruino.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const HOST_JS = fileURLToPath(new URL("../../build/portable-out/common/host.js", import.meta.url));
const binary = espruinoBinary();
if (!binary) console.warn("[espruino] interpreter not found: the Espruino case of the copy bounds test is skipped");

function hostModule(): string {
  if (!existsSync(HOST_JS)) execFileSync("npm", ["run", "build", "--silent"], { cwd: ROOT, stdio: "inherit" });
  return `${esmToScript(readFileSync(HOST_JS, "utf8"))}\nexports.hostCopy = hostCopy;\n`;
}

// Runs in Node and in Espruino: two 8-byte views side by side in one 16-byte
// pool, as poolModuleBytes lays buffers out. Each case: [dOff, sOff, len].
const CASES_JS = String.raw`
function copyCases(hostCopy) {
  var cases = [[0, 0, 8], [2, 5, 3], [7, 0, 1], [8, 8, 0], [0, 6, 3], [6, 0, 3], [-1, 0, 2], [0, -1, 2], [0, 1, 8], [0, NaN, 2], [NaN, 0, 9], [0, -0.5, 2]];
  var out = [];
  for (var c = 0; c < cases.length; c++) {
    var pool = new ArrayBuffer(16);
    var dst = new Uint8Array(pool, 0, 8), src = new Uint8Array(pool, 8, 8);
    for (var i = 0; i < 8; i++) { dst[i] = 100 + i; src[i] = 200 + i; }
    var outcome;
    try { outcome = hostCopy(dst, cases[c][0], src, cases[c][1], cases[c][2]) ? "copied" : "declined"; }
    catch (e) { outcome = /past a buffer's end/.test(e.message) ? "refused" : "other: " + e; }
    out.push({ outcome: outcome, pool: [].slice.call(new Uint8Array(pool)) });
  }
  var bareViewLength = -1;
  try { bareViewLength = new Uint8Array(new ArrayBuffer(8), 6, 4).length; } catch (e) { /* Node: RangeError */ }
  return { cases: out, bareViewLength: bareViewLength };
}
`;

const before = Array.from({ length: 16 }, (_, i) => (i < 8 ? 100 + i : 192 + i));
/** The pool after copying src[sOff, sOff + len) to dst[dOff, ...], both in range. */
function copied(dOff: number, sOff: number, len: number): number[] {
  const pool = [...before];
  for (let i = 0; i < len; i++) pool[dOff + i] = pool[8 + sOff + i];
  return pool;
}
const EXPECTED = [
  { outcome: "copied", pool: copied(0, 0, 8) },
  { outcome: "copied", pool: copied(2, 5, 3) },
  { outcome: "copied", pool: copied(7, 0, 1) },
  { outcome: "copied", pool: before }, // length 0 at the end: nothing
  // Past the source's end (into nothing here; into a neighbour in a larger pool),
  // past the destination's end (into src), negative offsets, one byte too many,
  // NaN offsets, a negative fraction: refused, and neither buffer touched.
  ...Array.from({ length: 8 }, () => ({ outcome: "refused", pool: before })),
];

type Result = { cases: Array<{ outcome: string; pool: number[] }>; bareViewLength: number };

describe("the JS builds' native copy stays within both buffers", () => {
  it("under Node (build/portable-out/common/host.js)", async () => {
    const { hostCopy } = await import(HOST_JS);
    const copyCases = new Function(`${CASES_JS}\nreturn copyCases;`)() as (h: unknown) => Result;
    const result = copyCases(hostCopy);
    expect(result.cases).toEqual(EXPECTED);
    expect(result.bareViewLength).toBe(-1);
  });

  it.skipIf(!binary)("inside Espruino, which itself lets a view reach past its buffer", () => {
    const main = `${CASES_JS}\nprint("@@" + JSON.stringify(copyCases(require("host-copy").hostCopy)));\n`;
    const result = runEspruino({ "host-copy": hostModule() }, main).results[0] as Result;
    expect(result.cases).toEqual(EXPECTED);
    // The premise: Espruino made a 4-byte view at offset 6 of an 8-byte buffer.
    expect(result.bareViewLength).toBe(4);
  });
});
