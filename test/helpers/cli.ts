// Runs the built CLI as a user would: a separate process, exit code, stdout, stderr.
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const BIN = fileURLToPath(new URL("../../bin/slotboot.js", import.meta.url));

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export function slotboot(args: string[], cwd: string): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: "utf8" });
  const lines = r.stdout.trim().split("\n");
  let json: unknown = undefined;
  try {
    json = JSON.parse(lines[lines.length - 1]);
  } catch {
    /* not JSON */
  }
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, json };
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "slotboot-"));
}
