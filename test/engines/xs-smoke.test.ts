// The plain-JS core (build/core.js) inside Moddable XS, the engine of Moddable boards:
// it loads, makes a core, and its SHA-256 gives the known answers node:crypto gives.
// The memory XS counts for the run is printed (see test/engines/xs.ts for what it means).
import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { esmToScript, formatXsMemory, runInXs, xsAvailable, xsStatus } from "../../tools/engines/xs.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const CORE_JS = fileURLToPath(new URL("../../build/core.js", import.meta.url));

const XS = xsAvailable();
if (!XS) console.warn(`[xs] Moddable XS tests skipped: ${xsStatus().reason}`);
else console.log(`[xs] ${xsStatus().xsVersion}: ${xsStatus().reason}`);

function coreScript(): string {
  if (!existsSync(CORE_JS)) execFileSync("npm", ["run", "build", "--silent"], { cwd: ROOT, stdio: "inherit" });
  return esmToScript(readFileSync(CORE_JS, "utf8"));
}

// Messages for the known answers: empty, "abc", the two-block NIST message, and 3000 bytes
// that cross the 1 KiB exchange buffer and many 64-byte blocks.
const MESSAGES: Buffer[] = [
  Buffer.alloc(0),
  Buffer.from("abc"),
  Buffer.from("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
  Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7 + 3) & 0xff)),
];

// Runs in XS. The host offers no flash (sha256 -1 = not offered, as host.portable.ts allows);
// hashing goes through ioBuffer() exactly as bindings/hash.ts drives it.
const KAT_SCRIPT = (hexes: string[]) => `
xsMark("core.js loaded");
var host = {
  read: function (addr, buf, off, len) { return -1; },
  program: function (addr, buf, off, len) { return -1; },
  erase: function (addr) { return -1; },
  sha256: function (addr, len, out, off) { return -1; }
};
var core = createCore(host);
xsMark("createCore done");
function fromHex(h) {
  var out = new Uint8Array(h.length / 2);
  for (var i = 0; i < out.length; i++) out[i] = parseInt(h.substr(i * 2, 2), 16);
  return out;
}
function toHex(b, n) {
  var s = "";
  for (var i = 0; i < n; i++) s += (b[i] < 16 ? "0" : "") + b[i].toString(16);
  return s;
}
function sha256Hex(bytes) {
  var io = core.ioBuffer();
  core.sha256Reset();
  for (var off = 0; off < bytes.length; off += io.length) {
    var n = Math.min(io.length, bytes.length - off);
    for (var i = 0; i < n; i++) io[i] = bytes[off + i];
    var status = core.sha256Update(n);
    if (status < 0) throw new Error("sha256Update " + status);
  }
  core.sha256Final();
  var digest = toHex(core.ioBuffer(), 32);
  core.sha256Reset();
  return digest;
}
var messages = ${JSON.stringify(hexes)};
for (var m = 0; m < messages.length; m++) print(sha256Hex(fromHex(messages[m])));
xsMark("SHA-256 known answers done");
gc();
xsMark("after gc");
`;

describe("build/core.js in Moddable XS", () => {
  it.skipIf(!XS)("loads, creates a core, and its SHA-256 matches node:crypto", async () => {
    const run = await runInXs([
      { name: "build/core.js", code: coreScript() },
      { name: "sha256 known answers", code: KAT_SCRIPT(MESSAGES.map((m) => m.toString("hex"))) },
    ]);
    expect(run.output).toEqual(MESSAGES.map((m) => createHash("sha256").update(m).digest("hex")));
    expect(run.marks.map((m) => m.label)).toEqual(["core.js loaded", "createCore done", "SHA-256 known answers done", "after gc"]);
    expect(run.memory.chunksPeak).toBeGreaterThan(0);
    expect(run.memory.slotsPeak).toBeGreaterThan(0);
    console.log(`[xs] build/core.js + createCore + ${MESSAGES.length} SHA-256 known answers (${run.ms} ms)\n${formatXsMemory(run)}`);
  });
});

// RFC 8032 section 7.1, TEST 3 (a two-byte message), then the same with one flipped
// signature bit, then a signature from @noble over 3000 bytes (crosses the exchange buffer).
const ED25519_SCRIPT = (cases: Array<{ key: string; sig: string; msg: string }>) => `
var core = createCore({ read: function () { return -1; }, program: function () { return -1; }, erase: function () { return -1; }, sha256: function () { return -1; } });
function fromHex(h) {
  var out = new Uint8Array(h.length / 2);
  for (var i = 0; i < out.length; i++) out[i] = parseInt(h.substr(i * 2, 2), 16);
  return out;
}
function verify(key, sig, msg) {
  var io = core.ioBuffer();
  io.set(key, 0);
  io.set(sig, 32);
  if (core.ed25519VerifyBegin() !== 0) return 0;
  for (var off = 0; off < msg.length; off += io.length) {
    var n = Math.min(io.length, msg.length - off);
    for (var i = 0; i < n; i++) io[i] = msg[off + i];
    core.ed25519VerifyUpdate(n);
  }
  return core.ed25519VerifyFinish();
}
var cases = ${JSON.stringify(cases)};
for (var c = 0; c < cases.length; c++) print(verify(fromHex(cases[c].key), fromHex(cases[c].sig), fromHex(cases[c].msg)));
`;

describe("Ed25519 in Moddable XS", () => {
  it.skipIf(!XS)("RFC 8032 test 3 verifies, a flipped bit does not, and a long message from @noble verifies", async () => {
    const { ed25519 } = await import("@noble/curves/ed25519.js");
    const key = "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025";
    const sig = "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a";
    const forged = sig.slice(0, 10) + (parseInt(sig[10], 16) ^ 1).toString(16) + sig.slice(11);
    const secret = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
    const long = Uint8Array.from({ length: 3000 }, (_, i) => (i * 7 + 3) & 0xff);
    const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
    const run = await runInXs([
      { name: "build/core.js", code: coreScript() },
      { name: "ed25519 known answers", code: ED25519_SCRIPT([
        { key, sig, msg: "af82" },
        { key, sig: forged, msg: "af82" },
        { key: hex(ed25519.getPublicKey(secret)), sig: hex(ed25519.sign(long, secret)), msg: hex(long) },
      ]) },
    ]);
    expect(run.output).toEqual(["1", "0", "1"]);
  });
});

describe("the XS harness", () => {
  it.skipIf(!XS)("prints, measures, and reports exceptions and aborts", async () => {
    const ok = await runInXs([
      "var a = []; for (var i = 0; i < 1000; i++) a.push({ i: i }); xsMark('built');",
      "a = null; gc(); var m = xsMemory(); print(typeof m.slotsPeak, m.slotsPeak >= m.slots, 6 * 7);",
    ]);
    expect(ok.output).toEqual(["number true 42"]);
    // 1000 objects, each an instance slot and a property slot, plus the array's items.
    expect(ok.memory.slotsPeak).toBeGreaterThanOrEqual(2000);
    expect(ok.marks[0].slots - ok.memory.baseline.slots).toBeGreaterThanOrEqual(2000);

    await expect(runInXs([{ name: "thrower", code: "throw new TypeError('nope')" }])).rejects.toThrow(/thrower: TypeError: nope/);
    const syntax = await runInXs(["var = 1;"], { allowError: true });
    expect(syntax.error).toMatch(/SyntaxError/);

    // XS stack overflow is an abort, not an exception; the harness reports it and goes on.
    const deep = await runInXs(["function f(n) { return f(n + 1) + 1; } f(0);"], { allowError: true, creation: { stackCount: 256 } });
    expect(deep.error).toMatch(/stack overflow/);
    // A fixed-size heap that is too small: "memory full", as on a board.
    const full = await runInXs(["var s = []; for (var i = 0; i < 100000; i++) s.push('x' + i);"], {
      allowError: true,
      creation: { incrementalChunkSize: 0, incrementalHeapCount: 0, initialChunkSize: 64 * 1024, initialHeapCount: 8192 },
    });
    expect(full.error).toMatch(/memory full/);
  });
});

describe("the XS host's native SHA-256 (a board's Crypt.Digest)", () => {
  it.skipIf(!XS)("gives node:crypto's digests, fed whole or in pieces of 1, 63 and 64 bytes", async () => {
    const hexes = MESSAGES.map((m) => m.toString("hex"));
    const script = `
function bytes(h) { var b = new Uint8Array(h.length / 2); for (var i = 0; i < b.length; i++) b[i] = parseInt(h.substr(2 * i, 2), 16); return b; }
function hex(buffer) { var b = new Uint8Array(buffer), s = ""; for (var i = 0; i < b.length; i++) s += (b[i] < 16 ? "0" : "") + b[i].toString(16); return s; }
${JSON.stringify(hexes)}.forEach(function (h) {
  var message = bytes(h), line = [];
  [0, 1, 63, 64].forEach(function (piece) {
    var state = nativeSha256Begin();
    if (piece === 0) nativeSha256Write(state, message.buffer);
    else for (var at = 0; at < message.length; at += piece) nativeSha256Write(state, message.slice(at, at + piece).buffer);
    line.push(hex(nativeSha256Close(state)));
  });
  print(line.join(" "));
});`;
    const run = await runInXs([script]);
    expect(run.output).toEqual(MESSAGES.map((m) => Array(4).fill(createHash("sha256").update(m).digest("hex")).join(" ")));
  });
});
