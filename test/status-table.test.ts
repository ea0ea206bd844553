// The status table (bindings/status-table.ts) against everything that names a
// status: the core's constants in assembly/, the bindings' tables, the codes
// the CLI prints, and docs/status-codes.md (rendered from the table).
// Regenerate the doc: SLOTBOOT_WRITE_STATUS_DOC=1 npx vitest run test/status-table.test.ts
// (or npx tsc -p . && node scripts/status-codes-doc.mjs).
import { describe, expect, it } from "vitest";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  STATUS_TABLE, HOST_CODES, renderStatusCodesDoc, statusMatches, statusesNamed, canonicalCode, type StatusScope,
} from "../bindings/status-table.js";
import { statusInfo } from "../bindings/errors.js";
import * as deltaBindings from "../bindings/delta.js";
import * as hsBindings from "../bindings/heatshrink.js";
import { ED25519_BEGIN_STATUS } from "../bindings/ed25519.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const read = (rel: string) => readFileSync(ROOT + rel, "utf8");

/** The core files that hold status constants, and the scope their numbers live in. */
const CORE_STATUS_FILES: ReadonlyArray<[string, StatusScope]> = [
  ["assembly/common/status.ts", "core"],
  ["assembly/codecs/heatshrink.ts", "core"],
  ["assembly/codecs/delta_format.ts", "core"],
  ["assembly/crypto/ed25519.ts", "ed25519"],
  ["assembly/crypto/ecdsa-p256.ts", "core"],
];

interface CoreConst { name: string; status: number; scope: StatusScope; file: string }

/** Every `export const NAME: i32 = -N` (an error status) in the core's status files. */
function coreConstants(): CoreConst[] {
  const out: CoreConst[] = [];
  for (const [file, scope] of CORE_STATUS_FILES) {
    const found = [...read(file).matchAll(/^export const ([A-Z][A-Z0-9_]*)\s*:\s*i32\s*=\s*(-\d+)\s*;/gm)];
    expect(found.length, `${file}: no status constants parsed`).toBeGreaterThan(0);
    for (const m of found) out.push({ name: m[1], status: Number(m[2]), scope, file });
  }
  return out;
}

/** The names the table retires: aliases that are nobody's current code. */
const retired = new Set(STATUS_TABLE.flatMap((e) => e.aliases ?? []).filter((a) => !STATUS_TABLE.some((e) => e.code === a)));

/** Status-code string literals the CLI reports: in r.check(…)/new CliError(…)/PackageFormatError(…) lines. */
function cliCodes(): Map<string, string> {
  const files = readdirSync(ROOT + "cli").filter((f) => f.endsWith(".ts")).map((f) => "cli/" + f).concat("tools/package.ts");
  const codes = new Map<string, string>();
  for (const file of files) {
    read(file).split("\n").forEach((line, i) => {
      const found: string[] = [];
      for (const m of line.matchAll(/new (?:CliError|PackageFormatError)\(\s*"([A-Z][A-Z0-9_]+)"/g)) found.push(m[1]);
      const check = line.indexOf("r.check(");
      if (check >= 0) {
        // r.check(name, ok, detail, CODE) or (…, cond ? CODE1 : CODE2): the code literals close the call.
        for (const m of line.slice(check).matchAll(/[,?:]\s*"([A-Z][A-Z0-9_]+)"(?=\s*[):])/g)) found.push(m[1]);
      }
      for (const c of found) if (!codes.has(c)) codes.set(c, `${file}:${i + 1}`);
    });
  }
  return codes;
}

describe("status table", () => {
  it("has exactly one entry for every core status constant, under its constant's name", () => {
    const consts = coreConstants();
    for (const c of consts) {
      const entries = STATUS_TABLE.filter((e) => e.scope === c.scope && e.status === c.status);
      expect(entries.length, `${c.file}: ${c.name} = ${c.status} has ${entries.length} table entries (want 1)`).toBe(1);
      expect(entries[0].core, `${c.file}: ${c.status} is ${c.name} in the core but ${entries[0].core} in the table`).toBe(c.name);
    }
    // No stale entries: each names a constant that exists with that number.
    for (const e of STATUS_TABLE) {
      const c = consts.find((k) => k.scope === e.scope && k.name === e.core);
      expect(c, `table entry ${e.status} ${e.code}: no core constant ${e.core}`).toBeDefined();
      expect(c!.status, `${e.core}`).toBe(e.status);
    }
  });

  it("gives each number one code, and keeps old names only as aliases", () => {
    for (const scope of ["core", "ed25519"] as const) {
      const seen = new Map<number, string>();
      for (const e of STATUS_TABLE.filter((x) => x.scope === scope)) {
        expect(seen.has(e.status), `${scope} ${e.status} is both ${seen.get(e.status)} and ${e.code}`).toBe(false);
        seen.set(e.status, e.code);
        expect(e.code).toMatch(/^[A-Z][A-Z0-9_]+$/);
        expect(e.message.length, `${e.code} needs a message`).toBeGreaterThan(10);
        for (const a of e.aliases ?? []) {
          expect(a, `${e.code} lists itself as an alias`).not.toBe(e.code);
          // An alias must be a retired name: no status (in any scope) reports it as its code.
          expect(STATUS_TABLE.some((x) => x.code === a), `alias ${a} of ${e.status} is another status's code`).toBe(false);
        }
      }
    }
    // Host-only codes never collide with a core code or alias.
    for (const h of HOST_CODES) {
      expect(STATUS_TABLE.some((e) => e.code === h || (e.aliases ?? []).includes(h)), `host code ${h} is also a core name`).toBe(false);
    }
  });

  it("drives the bindings' codes and numbers", () => {
    for (const e of STATUS_TABLE.filter((x) => x.scope === "core")) {
      expect(statusInfo(e.status)).toEqual({ code: e.code, message: e.message });
      // Hand-kept numeric constants in the bindings agree with the core under the same name.
      if (e.core.startsWith("DELTA_E_")) {
        expect((deltaBindings as Record<string, unknown>)[e.core], e.core).toBe(e.status);
        expect(deltaBindings.DELTA_STATUS_CODES[e.status]).toBe(e.code);
      }
      if (e.core.startsWith("HS_E_")) {
        expect((hsBindings as Record<string, unknown>)[e.core], e.core).toBe(e.status);
        const err = new hsBindings.HeatshrinkError(e.status);
        expect(err.code).toBe(e.code);
        expect(err.message).toBe(`heatshrink: ${e.message}`);
      }
    }
    expect(Object.keys(deltaBindings.DELTA_STATUS_CODES)).toHaveLength(12);
    const ed = STATUS_TABLE.filter((x) => x.scope === "ed25519");
    expect(Object.fromEntries(Object.entries(ED25519_BEGIN_STATUS).filter(([k]) => k !== "OK")))
      .toEqual(Object.fromEntries(ed.map((e) => [e.core.replace(/^ED_/, ""), e.status])));
  });

  it("accepts the old names for one release", () => {
    expect(canonicalCode("TRAILING_DATA")).toBe("TRAILING_BYTES");
    expect(canonicalCode("DELTA_BAD_HEADER")).toBe("DELTA_HEADER");
    expect(statusesNamed("DELTA_BAD_HEADER")).toEqual([-52]);
    expect(statusesNamed("HS_TRUNCATED")).toEqual([-43]);
    expect(statusesNamed("HEATSHRINK_ERROR")).toEqual([-40, -41, -42, -43, -44]);
    expect(canonicalCode("HEATSHRINK_ERROR")).toBeUndefined(); // it named five statuses
    expect(statusMatches(statusInfo(-81).code, "TRAILING_DATA")).toBe(true);
    expect(statusMatches(statusInfo(-43).code, "HEATSHRINK_ERROR")).toBe(true);
    expect(statusMatches(statusInfo(-43).code, "DELTA_BAD_HEADER")).toBe(false);
    expect(canonicalCode("NO_SUCH_CODE")).toBeUndefined();
  });

  it("knows every code the CLI reports, and the CLI uses no retired name", () => {
    const codes = cliCodes();
    expect(codes.size).toBeGreaterThan(20); // the scan found the CLI's codes
    const core = new Set(STATUS_TABLE.filter((e) => e.scope === "core").map((e) => e.code));
    for (const [code, where] of codes) {
      expect(retired.has(code), `${where}: ${code} is a retired name; use ${canonicalCode(code)}`).toBe(false);
      expect(core.has(code) || HOST_CODES.includes(code), `${where}: ${code} is neither a core status code nor in HOST_CODES`).toBe(true);
    }
  });

  it("docs/cli.md mentions retired names only as aliases", () => {
    const doc = read("docs/cli.md");
    for (const name of retired) {
      for (const m of doc.matchAll(new RegExp("`" + name + "`", "g"))) {
        const around = doc.slice(Math.max(0, m.index! - 80), m.index! + 120);
        expect(around, `docs/cli.md mentions ${name} without calling it an alias`).toMatch(/alias/);
      }
    }
  });

  it("docs/status-codes.md is rendered from the table", () => {
    const text = renderStatusCodesDoc();
    if (process.env.SLOTBOOT_WRITE_STATUS_DOC === "1") writeFileSync(ROOT + "docs/status-codes.md", text);
    let onDisk = "";
    try { onDisk = read("docs/status-codes.md"); } catch { /* missing: reported below */ }
    expect(onDisk === text, "docs/status-codes.md is out of date: SLOTBOOT_WRITE_STATUS_DOC=1 npx vitest run test/status-table.test.ts").toBe(true);
  });
});
