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
  /** CPU seconds (user + system) of the main script's run, start-up included. */
  cpuSeconds: number;
}

/**
 * A file stored as heatshrink-compressed pieces ("name#0", "name#1", …, each
 * `pieceSize` bytes before compression), compressed by Espruino's own
 * heatshrink: for data larger than the engine's 256 KiB Storage holds raw.
 */
export interface CompressedFile { pieces: Uint8Array; pieceSize: number }

/** Storage file contents: text, bytes (stored as a binary string), or compressed pieces. */
export type StorageFiles = Record<string, string | Uint8Array | CompressedFile>;

/**
 * The scripts that write `files` into Storage, each small enough for the
 * engine to load as one script (a script is read into RAM whole).
 */
function setupScripts(files: StorageFiles): string[] {
  const scriptBytes = 48 << 10;
  const scripts: string[] = [];
  let s = 'var S = require("Storage");\nS.eraseAll();\n';
  const flush = () => { scripts.push(s); s = 'var S = require("Storage");\n'; };
  const add = (statement: string) => {
    if (s.length + statement.length > scriptBytes) flush();
    s += statement;
  };
  for (const [name, data] of Object.entries(files)) {
    if (typeof data === "object" && "pieces" in data) {
      for (let at = 0, piece = 0; at < data.pieces.length; at += data.pieceSize, piece++) {
        const part = Buffer.from(data.pieces.subarray(at, at + data.pieceSize)).toString("base64");
        add(`S.write(${JSON.stringify(`${name}#${piece}`)}, require("heatshrink").compress(atob(${JSON.stringify(part)})));\n`);
      }
      continue;
    }
    const bytes = typeof data === "string" ? Buffer.from(data, "latin1") : Buffer.from(data);
    const chunk = 4096;
    for (let at = 0; at < bytes.length || at === 0; at += chunk) {
      const part = bytes.subarray(at, at + chunk).toString("base64");
      add(`S.write(${JSON.stringify(name)}, atob(${JSON.stringify(part)}), ${at}, ${bytes.length});\n`);
      if (bytes.length === 0) break;
    }
  }
  s += 'print("@@" + JSON.stringify({ storageFree: S.getFree() }));\n';
  scripts.push(s);
  return scripts;
}

const CPU_MARK = "@@cpu ";

/**
 * Runs one script; also returns the engine process's CPU seconds (user +
 * system), read by the shell that starts it: wall time on a shared machine
 * says little, and the issue's goals are CPU time.
 */
function runScript(binary: string, dir: string, script: string, timeoutMs: number): { output: string; cpuSeconds: number } {
  const file = join(dir, "main.js");
  writeFileSync(file, script);
  // bash's `times` prints the shell's then its children's user and system time.
  const shell = `"$1" "$2"; status=$?; echo "${CPU_MARK}" >&2; times >&2; exit $status`;
  const r = spawnSync("bash", ["-c", shell, "espruino", binary, file], { cwd: dir, encoding: "latin1", timeout: timeoutMs, input: "", maxBuffer: 64 << 20 });
  if (r.error) throw new Error(`espruino: ${r.error.message}`);
  const at = r.stderr.lastIndexOf(CPU_MARK);
  // After the mark: the shell's own times, then its children's (the engine's).
  const children = at < 0 ? "" : (r.stderr.slice(at).split("\n")[2] ?? "");
  const seconds = [...children.matchAll(/(\d+)m([\d.]+)s/g)].reduce((sum, m) => sum + Number(m[1]) * 60 + Number(m[2]), 0);
  return { output: r.stdout + (at < 0 ? r.stderr : r.stderr.slice(0, at)), cpuSeconds: seconds };
}

export function runEspruino(files: StorageFiles, main: string, timeoutMs = 120_000): EspruinoRun {
  const binary = espruinoBinary();
  if (!binary) throw new Error("espruino: interpreter not found");
  const dir = mkdtempSync(join(tmpdir(), "slotboot-espruino-"));
  try {
    const scripts = setupScripts(files);
    scripts.forEach((script, i) => {
      const setup = runScript(binary, dir, script, timeoutMs).output;
      const done = i === scripts.length - 1 ? setup.includes("@@") : !/Uncaught|Error/.test(setup);
      if (!done) throw new Error(`espruino: could not write Storage:\n${setup.slice(-2000)}`);
    });
    const { output, cpuSeconds } = runScript(binary, dir, main, timeoutMs);
    const results = output.split("\n").filter((l) => l.startsWith("@@")).map((l) => JSON.parse(l.slice(2)));
    const errors = output.split("\n").filter((l) => /Uncaught|Error/.test(l));
    if (errors.length) throw new Error(`espruino: ${errors.join("\n")}\n${output.slice(-3000)}`);
    return { results, output, cpuSeconds };
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
  out: function (o) { print("@@" + JSON.stringify(o)); },
  // Memory inside signature checks, which make no flash call: every 16th
  // native field multiply samples too. The module loads here, in the step,
  // as the update task would load it; the sampling wrapper's own few
  // variables count in the peak.
  watchArithmetic: function (sample) {
    var arithmetic = require("slotboot-native-arithmetic"), make = arithmetic.fieldMultiply;
    if (make.watched) return;
    arithmetic.fieldMultiply = function () {
      var multiply = make(), calls = 0;
      return function (o, a, b) { if (!(calls++ & 15)) sample(); return multiply(o, a, b); };
    };
    arithmetic.fieldMultiply.watched = true;
  }
};
require("slotboot-story").run(engine, JSON.parse(S.read("story-input")));
`;

/**
 * test/engines/story.js inside Espruino, every module loaded from Storage.
 * `sampleMemory`: read process.memory() (with GC) at every flash call for the
 * peak per step; without it the seconds are the core's own. `hostHashing`:
 * image digests by Espruino's native SHA-256 instead of the core's.
 */
export function runStoryInEspruino(sampleMemory: boolean, hostHashing = false, deltaCodec: "heatshrink" | "rc" = "heatshrink", blockSize = 1024): StoryStep[] {
  const { v1, packageV2, packageV3, input } = storyFiles(undefined, deltaCodec, blockSize);
  input.layout = { ...input.layout, hostHashing };
  const run = runEspruino({
    ...storyModules(), "image-v1": v1, "package-v2": packageV2, "package-v3-delta": packageV3,
    "story-input": JSON.stringify({ ...input, sampleMemory }),
  }, STORY_MAIN, 300_000);
  return run.results.filter((x) => "step" in x) as unknown as StoryStep[];
}

/**
 * The step harness of the Espruino scripts that install packages through the
 * update task (p256-install.ts, encrypted-install.ts), counted as
 * test/engines/story.js counts a step: the peak less the use at its start
 * (RAM flash and task loaded, role modules not), sampled at every flash call
 * and once more at its end (a refused package's check is followed by no flash
 * call), the `unloaded` modules dropped after it. Needs `flash` defined first.
 */
export function espruinoStepJs(unloaded: string[]): string {
  return `
var peak = 0;
flash.sample = function () { var used = process.memory().usage; if (used > peak) peak = used; };
function step(body) {
  var before = process.memory().usage;
  peak = before;
  var started = getTime();
  var result = body();
  var seconds = getTime() - started;
  flash.sample();
  ${JSON.stringify(unloaded)}.forEach(function (name) { try { Modules.removeCached(name); } catch (e) {} });
  return { status: result.status, slot: result.slot, peak: peak - before, seconds: seconds };
}
`;
}
