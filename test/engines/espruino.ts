// Runs code inside the real Espruino interpreter for Linux
// (../shared/tools/espruino/espruino, or SLOTBOOT_ESPRUINO): files are first
// written into the engine's Storage by one run, then a second run starts
// fresh and loads them with require(), as a board does (function bodies stay
// in flash). Lines the script prints as "@@<json>" come back as results.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

export function espruinoBinary(): string | null {
  const candidates = [process.env.SLOTBOOT_ESPRUINO, join(root, "..", "shared", "tools", "espruino", "espruino")];
  for (const c of candidates) if (c && existsSync(c)) return c;
  return null;
}

export interface EspruinoRun {
  results: Array<Record<string, unknown>>;
  output: string;
}

/** Storage file contents: text, or bytes (stored as a binary string). */
export type StorageFiles = Record<string, string | Uint8Array>;

function setupScript(files: StorageFiles): string {
  let s = 'var S = require("Storage");\nS.eraseAll();\n';
  for (const [name, data] of Object.entries(files)) {
    const bytes = typeof data === "string" ? Buffer.from(data, "latin1") : Buffer.from(data);
    const chunk = 4096;
    for (let at = 0; at < bytes.length || at === 0; at += chunk) {
      const part = bytes.subarray(at, at + chunk).toString("base64");
      s += `S.write(${JSON.stringify(name)}, atob(${JSON.stringify(part)}), ${at}, ${bytes.length});\n`;
      if (bytes.length === 0) break;
    }
  }
  s += 'print("@@" + JSON.stringify({ storageFree: S.getFree() }));\n';
  return s;
}

function runScript(binary: string, dir: string, script: string, timeoutMs: number): string {
  const file = join(dir, "main.js");
  writeFileSync(file, script);
  const r = spawnSync(binary, [file], { cwd: dir, encoding: "latin1", timeout: timeoutMs, input: "", maxBuffer: 64 << 20 });
  if (r.error) throw new Error(`espruino: ${r.error.message}`);
  return r.stdout + r.stderr;
}

export function runEspruino(files: StorageFiles, main: string, timeoutMs = 120_000): EspruinoRun {
  const binary = espruinoBinary();
  if (!binary) throw new Error("espruino: interpreter not found");
  const dir = mkdtempSync(join(tmpdir(), "slotboot-espruino-"));
  try {
    const setup = runScript(binary, dir, setupScript(files), timeoutMs);
    if (!setup.includes("@@")) throw new Error(`espruino: could not write Storage:\n${setup.slice(-2000)}`);
    const output = runScript(binary, dir, main, timeoutMs);
    const results = output.split("\n").filter((l) => l.startsWith("@@")).map((l) => JSON.parse(l.slice(2)));
    const errors = output.split("\n").filter((l) => /Uncaught|Error/.test(l));
    if (errors.length) throw new Error(`espruino: ${errors.join("\n")}\n${output.slice(-3000)}`);
    return { results, output };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
