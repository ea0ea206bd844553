// Runs code inside the real Espruino interpreter for Linux
// (../shared/tools/espruino/espruino, or SLOTBOOT_ESPRUINO): files are first
// written into the engine's Storage by one run, then a second run starts
// fresh and loads them with require(), as a board does (function bodies stay
// in flash). Lines the script prints as "@@<json>" come back as results.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repositoryRoot } from "./root.js";
import { storyFiles, storyModules, type StoryStep } from "./story.js";

const root = repositoryRoot();

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

/** The story's main script: the engine object over Espruino's own facilities. */
const STORY_MAIN = `
var S = require("Storage");
var engine = {
  unload: function () {
    try { Modules.removeCached("slotboot-boot"); } catch (e) {}
    try { Modules.removeCached("slotboot-update"); } catch (e) {}
    try { Modules.removeCached("slotboot-codecs"); } catch (e) {}
  },
  memory: function () { return process.memory().usage; },
  now: getTime,
  sha256: function (b) { return require("crypto").SHA256(b); },
  read: function (name) { return S.read(name); },
  out: function (o) { print("@@" + JSON.stringify(o)); }
};
require("slotboot-story").run(engine, JSON.parse(S.read("story-input")));
`;

/**
 * test/engines/story.js inside Espruino, every module loaded from Storage.
 * `sampleMemory`: read process.memory() (with GC) at every flash call for the
 * peak per step; without it the seconds are the core's own. `hostHashing`:
 * image digests by Espruino's native SHA-256 instead of the core's.
 */
export function runStoryInEspruino(sampleMemory: boolean, hostHashing = false, deltaCodec: "heatshrink" | "rc" = "heatshrink"): StoryStep[] {
  const { v1, packageV2, packageV3, input } = storyFiles(undefined, deltaCodec);
  input.layout = { ...input.layout, hostHashing };
  const run = runEspruino({
    ...storyModules(), "image-v1": v1, "package-v2": packageV2, "package-v3-delta": packageV3,
    "story-input": JSON.stringify({ ...input, sampleMemory }),
  }, STORY_MAIN, 300_000);
  return run.results.filter((x) => "step" in x) as unknown as StoryStep[];
}
