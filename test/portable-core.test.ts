// The core must behave the same on engines without WebAssembly, down to
// Espruino's ES5 interpreter. This checks the source rules of
// docs/portable-core.md mechanically, and runs the ES5 build of the core
// through a boot story and the crypto, against the WASM build.
import { describe, expect, it } from "vitest";
import { readFileSync, readdirSync } from "node:fs";
import { createHash } from "node:crypto";
import { ed25519 } from "@noble/curves/ed25519.js";
import { loadCore } from "../bindings/core.js";
import { sha256With } from "../bindings/hash.js";
import { ed25519VerifyWith } from "../bindings/ed25519.js";
import { Bootloader, planLayout } from "../bindings/bootloader.js";
import { SimFlash } from "../bootloader-sim/flash.js";
import { makeImage } from "./helpers/world.js";
// @ts-expect-error plain JS build helper without types
import { findUseBeforeDeclaration } from "../scripts/declaration-order.mjs";

const DIR = new URL("../assembly/", import.meta.url).pathname;
// Every core source, by its path under assembly/ (the specs are not core code).
const SOURCES = (readdirSync(DIR, { recursive: true }) as string[])
  .filter((f) => f.endsWith(".ts") && !f.startsWith("__tests__") && f !== "common/host.ts");

function code(file: string): string {
  // Strip comments and string contents so the rules look at code only.
  return readFileSync(DIR + file, "utf8")
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/\/\/.*$/gm, "")
    .replace(/"(?:[^"\\]|\\.)*"/g, '""');
}

const RULES: Array<[string, RegExp]> = [
  ["labelled statement", /^\s*[A-Za-z_$][\w$]*\s*:\s*(for|while|do)\b/m],
  ["exponent operator **", /[\w)\]]\s*\*\*\s*[\w(]/],
  ["destructuring", /\b(const|let|var)\s*[[{]/],
  ["spread or rest", /\.\.\.\s*[A-Za-z_$([]/],
  ["generator", /function\s*\*/],
  ["BigInt", /\bBigInt\b|\b\d+n\b/],
  ["Map or Set", /\bnew\s+(Map|Set|WeakMap)\b/],
  ["template string", /`/],
  ["i64/u64", /\b[iu]64\b/],
  ["exception", /\b(throw|try)\b/],
  ["decorator", /^\s*@[A-Za-z]/m],
  ["import alias", /import\s*\{[^}]*\bas\b[^}]*\}/],
];

describe("portable subset of the core source", () => {
  // The one throw: the JS builds' bounds check on a copy past a buffer's end (docs/portable-core.md).
  const TRAP = /function copyPastEnd\(\): void \{\s*throw new Error\(""\);\s*\}/;
  const withoutTrap = (file: string) => (file === "common/host.portable.ts" ? code(file).replace(TRAP, "") : code(file));
  for (const [name, re] of RULES) {
    it(`no ${name} in assembly/*.ts`, () => {
      const hits = SOURCES.filter((f) => re.test(withoutTrap(f)));
      expect(hits).toEqual([]);
    });
  }
  it("the one throw is copyPastEnd's, in the portable host shim", () => {
    expect(TRAP.test(code("common/host.portable.ts"))).toBe(true);
  });
  it("Math.imul, Math.clz32 and Math.trunc only in int32.ts", () => {
    const hits = SOURCES.filter((f) => f !== "common/int32.ts" && /Math\.(imul|clz32|trunc)\b/.test(code(f)));
    expect(hits).toEqual([]);
  });
  it("the ES5 builds never use a name above its declaration (Espruino does not hoist)", () => {
    for (const file of ["core", "boot", "update", "codecs", "p256", "crypt", "unwrap"]) {
      const text = readFileSync(new URL(`../build/es5/${file}.cjs`, import.meta.url), "utf8");
      expect(findUseBeforeDeclaration(text), file).toEqual([]);
    }
  });
  it("the Espruino examples and engine test scripts follow the same rule", () => {
    for (const file of ["examples/espruino/loader.js", "examples/espruino/update-task.js", "examples/espruino/board-flash.js", "test/engines/story.js", "test/engines/ram-flash.js"]) {
      expect(findUseBeforeDeclaration(readFileSync(new URL(`../${file}`, import.meta.url), "utf8")), file).toEqual([]);
    }
  });
  it("the declaration-order check catches what Espruino refuses (planted bugs)", () => {
    expect(findUseBeforeDeclaration("exports.f = f;\nfunction f() { return 1; }\n")).toHaveLength(1);
    expect(findUseBeforeDeclaration("function make() {\n  var r = inner();\n  function inner() { return 1; }\n  return r;\n}\n")).toHaveLength(1);
    expect(findUseBeforeDeclaration("function table() { return k + 1; }\nvar a = table();\nvar k = 2;\n")).toEqual(["line 2: 'k' is used (through table) before its declaration at line 3"]);
    expect(findUseBeforeDeclaration("var C = (function () { function C() { this.t = T; } return C; }());\nvar c = new C();\nvar T = 3;\n")).toHaveLength(1);
    expect(findUseBeforeDeclaration("function f() { return later; }\nvar later = 1;\nvar x = f();\n")).toEqual([]);
  });
});

describe("the ES5 build (for Espruino) computes what the WASM build computes", () => {
  it("SHA-256 and Ed25519", async () => {
    const es5 = await loadCore("es5");
    const msg = Uint8Array.from({ length: 3000 }, (_, i) => (i * 31) & 0xff);
    expect(Buffer.from(sha256With(es5, msg)).toString("hex")).toBe(createHash("sha256").update(msg).digest("hex"));
    const sk = Uint8Array.from({ length: 32 }, (_, i) => 200 - i);
    const sig = ed25519.sign(msg, sk);
    expect(ed25519VerifyWith(es5, ed25519.getPublicKey(sk), msg, sig)).toBe(true);
    sig[0] ^= 1;
    expect(ed25519VerifyWith(es5, ed25519.getPublicKey(sk), msg, sig)).toBe(false);
  });

  it("a boot story: install, trial, hang until rollback", async () => {
    const layout = planLayout({ sectorSize: 512, slotSize: 8192 });
    const results: Record<string, string[]> = {};
    for (const kind of ["wasm", "es5"] as const) {
      const flash = new SimFlash({ sectorSize: 512, sectorCount: layout.flashSize / 512, writeSize: 4 });
      const open = () => Bootloader.open(kind, flash, layout);
      const log: string[] = [];
      for (const [v, n] of [["1.0.0", 2000], ["2.0.0", 3000]] as const) {
        const w = (await open()).update();
        const img = makeImage(v, n, n);
        w.open({ byteLength: img.length });
        w.write(img);
        log.push(`installed ${w.complete()}`);
        if (v === "1.0.0") log.push(`boot ${JSON.stringify((await open()).boot("power"))}`);
        if (v === "1.0.0") log.push(`confirm ${(await open()).confirm()}`);
      }
      for (const reset of ["power", "watchdog", "watchdog", "watchdog"] as const) {
        const r = (await open()).boot(reset);
        log.push(`${reset}: ${r.booted} ${r.version} ${r.reason}`);
      }
      log.push(JSON.stringify((await open()).state()));
      results[kind] = log;
    }
    expect(results.es5).toEqual(results.wasm);
    expect(results.es5.at(-2)).toBe("watchdog: A 1.0.0 rollback-attempts");
  });
});
