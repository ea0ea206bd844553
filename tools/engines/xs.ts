// Moddable XS inside the test suite: runs plain-JS scripts in the engine that Moddable
// microcontroller boards run, and reports the memory XS itself counts for the run.
//
// Where XS comes from: @agoric/xsnap (devDependency, exact pin) ships the XS sources
// (moddable/xs) and its install script builds them with the machine's C compiler;
// package.json#allowScripts approves that one script for npm 11.
//
// Why not xsnap's own worker: xsnap-worker answers each command with a meterUsage of
// { compute, currentHeapCount, allocate }: `allocate` is the bytes XS obtained from the
// system (chunk blocks plus slot arenas, never given back) and `currentHeapCount` the slots in
// use at that instant; nothing about peaks, nothing in the middle of a command, and the worker
// creates its machine with a 32 MB chunk block and 256 Ki slots, so XS never needs to collect
// and a "peak" would only be the sum of everything ever allocated.
//
// What we do instead (the most faithful figures reachable): a small C host (XS_HOST_C at the
// end of this file) linked against XS itself. XS keeps, in every build, these counters in its
// machine:
//   currentChunksSize / peakChunksSize   bytes of chunks in use (strings, byte code, array
//                                         and typed-array storage, ...), and their peak
//   currentHeapCount / peakHeapCount     slots in use, and their peak
//   maximumChunksSize / maximumHeapCount what XS reserved from the system
// The host creates the machine with the creation parameters of Moddable's
// examples/manifest_base.json (chunks 1536 + 1024 bytes, heap 512 + 64 slots), so XS collects
// garbage the way it does on a board: the peaks are then within a fraction of a percent of the
// smallest fixed-size heap the run fits in (checked when this was written, build/core.js +
// createCore + one SHA-256, absolute figures: peaks 254,040 chunk bytes / 11,890 slots; the
// smallest fixed-size heap that runs it, found by bisection: 253,648 bytes / 11,869 slots).
// Two more figures XS does not keep: the deepest XS stack use (the host paints the free stack
// and looks for the deepest slot touched; checked: it equals the smallest stackCount that
// works) and the bytes of byte code held in chunks (XS copies each closure's code into a chunk
// when it runs source parsed at run time; code preloaded into flash on a board takes none).
//
// Build: the host is compiled with the exact C options of xsnap's xsnap-worker.mk and linked
// with the object files xsnap's install left in node_modules (about a second); if those are
// missing (npm ci --ignore-scripts), the XS sources are compiled here (`make -j2`: half a
// minute of CPU, minutes of wall time on a busy 2-core machine). The binary is cached in
// node_modules/.cache/slotboot-xs/<hash>/. No C compiler or no @agoric/xsnap: xsAvailable()
// is false and xsStatus().reason says why.
//
// Differences from a board that remain (say so when quoting figures):
//  - slots are 32 bytes here (64-bit host), 16 on 32-bit MCUs; chunk sizes differ a little too
//    (8-byte chunk headers and alignment here). The slot COUNT is the portable figure.
//  - the built-ins live in this machine's heap (on a board they are in flash): every figure is
//    also given above the baseline, the empty machine after a full collection.
//  - scripts are parsed at run time, so their byte code sits in chunks (see `code`), unless
//    run with `preload` (XsSource): then closures and string literals point into the parsed
//    code as they point into flash on a board (XS_CODE_X_KIND / XS_STRING_X_KIND).
//  - this is XS 13.3.0 as xsnap 0.15.0 pins it (an mxDebug build, without line numbers in the
//    byte code unless debugInfo is asked for).
//
// Inside XS a script has these globals (no console, no TextEncoder, no harden):
//   print(...args)  one output line (args joined by a space)
//   gc()            full collection, chunks compacted
//   nativeSha256Begin() / nativeSha256Write(state, arrayBuffer) / nativeSha256Close(state)
//                   SHA-256 in C, as a board's host has it (Moddable's Crypt.Digest): the state
//                   is an ArrayBuffer; Close returns the 32-byte digest as an ArrayBuffer
//   nativeHexBytes(hex) an ArrayBuffer of the bytes a hex string spells (test data, in linear time)
//   xsMemory()      { chunks, chunksPeak, chunksReserved, slots, slotsPeak, slotsReserved,
//                     stack, stackPeak, code, slotBytes } now (absolute figures)
//   xsHeapUsed()    chunk bytes + slots x slotBytes in use now, a number (allocates nothing)
//   xsSqueeze()     full collection, then ballast (the returned object) fills every free slot
//                   and chunk byte: until it is collected, XS works as in a heap just large
//                   enough for what is live (it never gives memory back, so a heap left large
//                   by earlier work would otherwise let garbage pile up and inflate peaks)
//   xsResetPeak()   peaks (and the stack high-water mark) start over from now
//   xsMark(label)   records xsMemory() under `label` in the run's `marks`, allocating nothing
//   xsCensus(label) records the slots in use by kind (closure, instance, reference, ...) and the
//                   slots arrays hold in chunks under `label` in the run's `census`, allocating
//                   nothing
// Data goes in as source text (e.g. a hex string literal) and comes out through print().
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repositoryRoot } from "./root.js";

const ROOT = repositoryRoot();
const XSNAP = join(ROOT, "node_modules", "@agoric", "xsnap");
const MODDABLE = join(XSNAP, "moddable");
const XSNAP_SOURCES = join(XSNAP, "xsnap-native", "xsnap", "sources");
const WORKER_MK = join(XSNAP, "xsnap-native", "xsnap", "makefiles", "lin", "xsnap-worker.mk");
const PREBUILT_OBJECTS = join(XSNAP, "xsnap-native", "xsnap", "build", "tmp", "lin", "release", "xsnap-worker");
const CACHE = join(ROOT, "node_modules", ".cache", "slotboot-xs");

/** Counters sampled inside XS. Absolute: they include the built-ins of the empty machine. */
export interface XsSample {
  kind: "baseline" | "mark" | "final";
  label: string;
  /** chunk bytes in use now / at the peak / reserved from the system */
  chunks: number;
  chunksPeak: number;
  chunksReserved: number;
  /** slots in use now / at the peak / reserved from the system */
  slots: number;
  slotsPeak: number;
  slotsReserved: number;
  /** XS stack slots in use now / deepest since the last reset */
  stack: number;
  stackPeak: number;
  /** chunk bytes holding byte code (reachable or not yet collected) */
  code: number;
  /** sizeof(txSlot) in this build: 32 here, 16 on a 32-bit MCU */
  slotBytes: number;
}

/** Slots in use by kind (XS's txKind names, lower case, without XS_ and _KIND). */
export interface XsCensus {
  label: string;
  counts: Record<string, number>;
  /** txSlots that arrays' items take in chunks (sizeof(txSlot) bytes each, 16 on a 32-bit MCU) */
  arrayItemSlots: number;
}

/** A run's memory, above the baseline (the empty machine after a full collection). */
export interface XsMemory {
  /** peak chunk bytes above the baseline */
  chunksPeak: number;
  /** peak slot count above the baseline */
  slotsPeak: number;
  /** sizeof(txSlot) in this build */
  slotBytes: number;
  /** chunksPeak + slotsPeak * slotBytes. An upper bound: the two peaks need not coincide. */
  heapPeakBytes: number;
  /** the same with 16-byte slots, as on a 32-bit MCU (chunks unchanged: an approximation) */
  heapPeakBytesMcu: number;
  /** deepest XS stack use, in slots, absolute: the smallest creation stackCount that works */
  stackPeak: number;
  baseline: XsSample;
  final: XsSample;
}

export interface XsRun {
  /** lines printed with print() */
  output: string[];
  memory: XsMemory;
  /** xsMark(label) samples, in order */
  marks: XsSample[];
  /** xsCensus(label) records, in order: slots in use by kind */
  census: XsCensus[];
  /** the exception (or XS abort) that stopped the run, when allowError is set */
  error?: string;
  exitCode: number | null;
  stderr: string;
  ms: number;
}

/** XS creation parameters (see Moddable's manifest documentation, "creation"). */
export interface XsCreation {
  initialChunkSize: number;
  /** 0 makes the chunk space fixed-size: exceeding it aborts with "memory full" */
  incrementalChunkSize: number;
  initialHeapCount: number;
  /** 0 makes the slot heap fixed-size */
  incrementalHeapCount: number;
  /** XS stack, in slots (manifest_base.json has 256) */
  stackCount: number;
}

/** Moddable examples/manifest_base.json, except the stack: 4096 so a deep run is measured
 *  rather than stopped (stackPeak says what a board would need). */
export const XS_DEFAULT_CREATION: XsCreation = {
  initialChunkSize: 1536,
  incrementalChunkSize: 1024,
  initialHeapCount: 512,
  incrementalHeapCount: 64,
  stackCount: 4096,
};

export interface RunInXsOptions {
  creation?: Partial<XsCreation>;
  /** put line numbers in the byte code (as a debug build on a board does); default false */
  debugInfo?: boolean;
  /** resolve with `error` set instead of rejecting when a script throws or XS aborts */
  allowError?: boolean;
  /** default 120 s */
  timeoutMs?: number;
}

export interface XsStatus {
  available: boolean;
  reason: string;
  binary?: string;
  /** "prebuilt-objects": linked with xsnap's install output; "sources": compiled here */
  build?: "prebuilt-objects" | "sources" | "cached";
  xsVersion?: string;
}

let status: XsStatus | undefined;

/** True when the XS host is built (building it on first call). */
export function xsAvailable(): boolean {
  return xsStatus().available;
}

export function xsStatus(): XsStatus {
  if (!status) {
    try {
      status = buildHost();
    } catch (e) {
      status = { available: false, reason: (e as Error).message };
    }
  }
  return status;
}

/** An ES module whose exports are declarations, as a strict script with the same globals. */
export function esmToScript(code: string): string {
  const out = code.replace(/^export\s+(?=(?:async\s+)?function\b|class\b|const\b|let\b|var\b)/gm, "");
  const left = /^\s*(?:import|export)\b.*$/m.exec(out);
  if (left) throw new Error(`esmToScript: cannot turn into a script: ${left[0].trim()}`);
  return '"use strict";\n' + out;
}

/** An ES module with plain imports (`import X from "m"`, `import { a, b as c } from "m"`) and
 *  exported declarations, as strict CommonJS: Moddable's example modules in this host's require(). */
export function esmToCommonJs(code: string): string {
  const exported: string[] = [];
  let counter = 0;
  const out = code
    .replace(/^import\s+([A-Za-z_$][\w$]*)\s+from\s+"([^"]+)";?$/gm, (_m, name, from) => `var ${name} = require(${JSON.stringify(from)}).default;`)
    .replace(/^import\s*\{([^}]*)\}\s*from\s+"([^"]+)";?$/gm, (_m, names: string, from) => {
      const module = `__import${counter++}`;
      const bindings = names.split(",").map((n) => n.trim()).filter(Boolean).map((n) => {
        const [imported, local = imported] = n.split(/\s+as\s+/);
        return `var ${local} = ${module}.${imported};`;
      });
      return [`var ${module} = require(${JSON.stringify(from)});`, ...bindings].join(" ");
    })
    .replace(/^export\s+((?:async\s+)?function\s+([A-Za-z_$][\w$]*)|(?:const|let|var|class)\s+([A-Za-z_$][\w$]*))/gm, (_m, declaration, fn, other) => {
      exported.push(fn ?? other);
      return declaration;
    });
  const left = /^\s*(?:import|export)\b.*$/m.exec(out);
  if (left) throw new Error(`esmToCommonJs: cannot convert: ${left[0].trim()}`);
  return `"use strict";\n${out}\n${exported.map((n) => `exports.${n} = ${n};`).join("\n")}\n`;
}

/** A CommonJS module's `code` as a factory in an XS run's module table `table` (a global
 *  object the run's own require() reads; sloppy code, like Espruino's and Node's `new Function`). */
export function xsCommonJs(table: string, name: string, code: string): string {
  return `${table}[${JSON.stringify(name)}] = function (exports, module, require) {\n${code}\n};\n`;
}

/** A require() over a run's module table `__modules` (xsCommonJs / xsRoleModule with that table). */
export const MODULE_TABLE_REQUIRE_JS = String.raw`
var __cache = {};
function require(name) {
  if (Object.prototype.hasOwnProperty.call(__cache, name)) return __cache[name].exports;
  var factory = __modules[name];
  if (!factory) throw new Error("no module " + name);
  var module = { exports: {} };
  __cache[name] = module;
  factory.call(module.exports, module.exports, module, require);
  return module.exports;
}
`;

/** An ES module that exports one factory (a role module, build/*.js) as a CommonJS factory in `table`. */
export function xsRoleModule(table: string, name: string, esmCode: string, factory: string): string {
  return xsCommonJs(table, name, `${esmToScript(esmCode)}\nexports.${factory} = ${factory};`);
}

/** One script for runInXs. `preload`: as Moddable's linker preloads a module into flash, its
 *  byte code and string literals stay outside the XS heap (closures and literals point into
 *  the parsed code, kept for the process's life) instead of being copied into chunks each time
 *  a closure is made or a literal evaluated. Names become keys before the script runs. */
export interface XsSource {
  name: string;
  code: string;
  preload?: boolean;
}

/** Runs `sources` as successive scripts (sharing one global scope, like <script> tags) in a
 *  fresh XS machine. Rejects when a script throws or XS aborts, unless allowError is set. */
export async function runInXs(sources: Array<string | XsSource>, opts: RunInXsOptions = {}): Promise<XsRun> {
  const st = xsStatus();
  if (!st.available || !st.binary) throw new Error(`XS is not available: ${st.reason}`);
  const creation = { ...XS_DEFAULT_CREATION, ...opts.creation };
  const dir = mkdtempSync(join(tmpdir(), "slotboot-xs-"));
  const names = new Map<string, string>();
  const files = sources.flatMap((s, i) => {
    const { name, code, preload } = typeof s === "string" ? { name: `script ${i + 1}`, code: s, preload: false } : s;
    const file = join(dir, `${i}.js`);
    writeFileSync(file, code);
    names.set(file, name);
    return preload ? ["-x", file] : [file];
  });
  const args = [
    ...(opts.debugInfo ? ["-g"] : []),
    "-c", String(creation.initialChunkSize), String(creation.incrementalChunkSize),
    String(creation.initialHeapCount), String(creation.incrementalHeapCount), String(creation.stackCount),
    ...files,
  ];
  const started = Date.now();
  try {
    const { stdout, stderr, report, exitCode, timedOut } = await new Promise<{
      stdout: string; stderr: string; report: string; exitCode: number | null; timedOut: boolean;
    }>((resolve, reject) => {
      const child = spawn(st.binary!, args, { stdio: ["ignore", "pipe", "pipe", "pipe"] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      const rep: Buffer[] = [];
      child.stdout!.on("data", (b: Buffer) => out.push(b));
      child.stderr!.on("data", (b: Buffer) => err.push(b));
      (child.stdio[3] as NodeJS.ReadableStream).on("data", (b: Buffer) => rep.push(b));
      let timedOut = false;
      const timer = setTimeout(() => { timedOut = true; child.kill("SIGKILL"); }, opts.timeoutMs ?? 120_000);
      child.on("error", (e) => { clearTimeout(timer); reject(e); });
      child.on("close", (code) => {
        clearTimeout(timer);
        resolve({
          stdout: Buffer.concat(out).toString("utf8"),
          stderr: Buffer.concat(err).toString("utf8"),
          report: Buffer.concat(rep).toString("utf8"),
          exitCode: code,
          timedOut,
        });
      });
    });
    const ms = Date.now() - started;
    const records = report.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l));
    const baseline = records.find((r) => r.kind === "baseline") as XsSample | undefined;
    const final = records.find((r) => r.kind === "final") as XsSample | undefined;
    const failure = records.find((r) => r.kind === "error");
    let error: string | undefined;
    if (timedOut) error = `XS run timed out after ${opts.timeoutMs ?? 120_000} ms`;
    else if (failure) error = `${names.get(failure.label) ?? failure.label}: ${failure.message}`;
    else if (!baseline || !final || exitCode !== 0) error = `XS host exited with ${exitCode}: ${stderr.trim()}`;
    if (error && !opts.allowError) throw new Error(error + (stderr.trim() ? `\n${stderr.trim()}` : ""));
    const zero: XsSample = {
      kind: "final", label: "", chunks: 0, chunksPeak: 0, chunksReserved: 0, slots: 0, slotsPeak: 0,
      slotsReserved: 0, stack: 0, stackPeak: 0, code: 0, slotBytes: 0,
    };
    const b = baseline ?? zero;
    const f = final ?? b;
    const chunksPeak = f.chunksPeak - b.chunks;
    const slotsPeak = f.slotsPeak - b.slots;
    const output = stdout.split("\n");
    if (output[output.length - 1] === "") output.pop();
    return {
      output,
      memory: {
        chunksPeak,
        slotsPeak,
        slotBytes: f.slotBytes,
        heapPeakBytes: chunksPeak + slotsPeak * f.slotBytes,
        heapPeakBytesMcu: chunksPeak + slotsPeak * 16,
        stackPeak: f.stackPeak,
        baseline: b,
        final: f,
      },
      marks: records.filter((r) => r.kind === "mark"),
      census: records.filter((r) => r.kind === "census").map((r) => ({ label: r.label, counts: r.counts, arrayItemSlots: r.arrayItemSlots })),
      error,
      exitCode,
      stderr,
      ms,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One line per figure, for test logs. */
export function formatXsMemory(run: XsRun): string {
  const m = run.memory;
  const b = m.baseline;
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  const lines = [
    `XS memory above the empty machine (baseline ${b.chunks} chunk bytes, ${b.slots} slots):`,
    `  peak chunks ${m.chunksPeak} bytes (${kb(m.chunksPeak)}), peak slots ${m.slotsPeak} ` +
      `(x${m.slotBytes} = ${kb(m.slotsPeak * m.slotBytes)}; x16 on an MCU = ${kb(m.slotsPeak * 16)})`,
    `  heap peak <= ${m.heapPeakBytes} bytes (${kb(m.heapPeakBytes)}); with 16-byte slots ${kb(m.heapPeakBytesMcu)}`,
    `  XS stack peak ${m.stackPeak} slots (absolute); reserved at the end: ` +
      `${m.final.chunksReserved} chunk bytes, ${m.final.slotsReserved} slots`,
  ];
  for (const k of run.marks) {
    lines.push(
      `  mark ${JSON.stringify(k.label)}: chunks +${k.chunks - b.chunks} (code ${k.code}), ` +
        `slots +${k.slots - b.slots}, peaks +${k.chunksPeak - b.chunks} / +${k.slotsPeak - b.slots}, stack peak ${k.stackPeak}`,
    );
  }
  return lines.join("\n");
}

// --- building the host -------------------------------------------------------------------

function xsnapVersion(): string {
  return JSON.parse(readFileSync(join(XSNAP, "package.json"), "utf8")).version;
}

/** The C options of xsnap-worker.mk (xsnap 0.15.0), so our object file matches xsnap's. */
function cOptions(): string[] {
  return [
    "-D__has_builtin(x)=1", // xsnap's build.js passes this in CC
    "-fno-common",
    "-DINCLUDE_XSPLATFORM",
    '-DXSPLATFORM="xsnapPlatform.h"',
    `-DXSNAP_VERSION="${xsnapVersion()}"`,
    "-DXSNAP_TEST_RECORD=0",
    "-DmxLockdown=1",
    "-DmxMetering=1",
    "-DmxDebug=1",
    "-UmxInstrument",
    "-DmxNoConsole=1",
    "-DmxBoundsCheck=1",
    "-DmxParse=1",
    "-DmxRun=1",
    "-DmxSloppy=1",
    "-DmxSnapshot=1",
    "-DmxRegExpUnicodePropertyEscapes=1",
    "-DmxStringNormalize=1",
    "-DmxMinusZero=1",
    `-I${join(MODDABLE, "xs", "includes")}`,
    `-I${join(MODDABLE, "xs", "platforms")}`,
    `-I${join(MODDABLE, "xs", "sources")}`,
    `-I${XSNAP_SOURCES}`,
    "-Wno-misleading-indentation",
    "-Wno-implicit-fallthrough",
    "-O2",
  ];
}

/** The XS engine's object files as xsnap-worker.mk lists them, without xsnap's own main and
 *  the TextDecoder/TextEncoder/Base64 modules. */
function engineObjects(): string[] {
  const mk = readFileSync(WORKER_MK, "utf8");
  const names = [...mk.matchAll(/\$\(TMP_DIR\)\/([\w-]+)\.o/g)].map((m) => m[1]);
  const skip = new Set(["xsnap-worker", "textdecoder", "textencoder", "modBase64"]);
  return [...new Set(names)].filter((n) => !skip.has(n));
}

function run(cmd: string, args: string[], cwd: string): void {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8" });
  if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.slice(0, 3).join(" ")}... failed:\n${(r.stderr || r.stdout).slice(-2000)}`);
}

function buildHost(): XsStatus {
  if (!existsSync(join(MODDABLE, "xs", "sources", "xsAll.h")) || !existsSync(WORKER_MK)) {
    throw new Error("@agoric/xsnap (with its XS sources) is not installed: run npm ci");
  }
  const cc = spawnSync("cc", ["--version"], { encoding: "utf8" });
  if (cc.error || cc.status !== 0) throw new Error("no C compiler (cc) to build the XS host: apt-get install build-essential");
  const objects = engineObjects();
  const prebuilt = objects.map((n) => join(PREBUILT_OBJECTS, `${n}.o`));
  const usePrebuilt = prebuilt.every((p) => existsSync(p));
  const stamp = usePrebuilt ? prebuilt.map((p) => `${p}:${statSync(p).size}:${statSync(p).mtimeMs}`).join("\n") : "sources";
  const version = xsnapVersion();
  const key = createHash("sha256").update([XS_HOST_C, cOptions().join(" "), version, stamp, cc.stdout].join("\n")).digest("hex").slice(0, 16);
  const binary = join(CACHE, key, "xs-host");
  const versionOf = (bin: string) => `XS ${spawnSync(bin, ["-v"], { encoding: "utf8" }).stdout.trim()} (@agoric/xsnap ${version})`;
  if (existsSync(binary)) return { available: true, reason: "cached build", binary, build: "cached", xsVersion: versionOf(binary) };

  mkdirSync(CACHE, { recursive: true });
  const work = mkdtempSync(join(CACHE, "build-"));
  try {
    writeFileSync(join(work, "xs-host.c"), XS_HOST_C);
    let linkObjects = prebuilt;
    if (!usePrebuilt) {
      // No install output to link with: compile the engine here, two jobs at a time.
      const srcDirs = [join(MODDABLE, "xs", "sources"), XSNAP_SOURCES];
      const sourceOf = (n: string) => {
        const dir = srcDirs.find((d) => existsSync(join(d, `${n}.c`)));
        if (!dir) throw new Error(`XS source ${n}.c not found in @agoric/xsnap`);
        return join(dir, `${n}.c`);
      };
      const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
      const flags = cOptions().map(quote).join(" ");
      const rules = objects.map((n) => `${n}.o: ${sourceOf(n)}\n\tcc -c $< ${flags} -o $@\n`).join("\n");
      writeFileSync(join(work, "Makefile"), `all: ${objects.map((n) => `${n}.o`).join(" ")}\n\n${rules}`);
      run("make", ["-s", "-j2"], work);
      linkObjects = objects.map((n) => join(work, `${n}.o`));
    }
    run("cc", ["-c", "xs-host.c", ...cOptions(), "-o", "xs-host.o"], work);
    run("cc", ["-rdynamic", "xs-host.o", ...linkObjects, "-ldl", "-lm", "-lpthread", "-o", "xs-host"], work);
    // Smoke-run before publishing the binary into the cache.
    const probe = join(work, "probe.js");
    writeFileSync(probe, "print(6 * 7);");
    const r = spawnSync(join(work, "xs-host"), [probe], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe", "pipe"] });
    if (r.status !== 0 || r.stdout.trim() !== "42") throw new Error(`the XS host built but does not run: ${r.status} ${r.stderr}`);
    mkdirSync(join(CACHE, key), { recursive: true });
    renameSync(join(work, "xs-host"), binary);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  for (const old of readdirSync(CACHE)) {
    if (old !== key && !old.startsWith("build-")) rmSync(join(CACHE, old), { recursive: true, force: true });
  }
  return {
    available: true,
    reason: usePrebuilt ? "linked with xsnap's prebuilt XS objects" : "compiled from XS sources",
    binary,
    build: usePrebuilt ? "prebuilt-objects" : "sources",
    xsVersion: versionOf(binary),
  };
}

// The host, in C. Kept here so the harness is one file; compiled by buildHost().
const XS_HOST_C = String.raw`/* slotboot test host for Moddable XS: runs plain scripts, reports XS's own heap counters.
 * Built by tools/engines/xs.ts against the XS sources shipped in @agoric/xsnap. */
#include "xsAll.h"
#include "xsScript.h"
#include "xsnap.h"

#define PAINT 0xA5

static FILE* gReport = NULL;
static txSlot* gPaintLimit = NULL; /* stack slots below this one were painted */

typedef struct {
	long chunks, chunksPeak, chunksReserved;
	long slots, slotsPeak, slotsReserved;
	long stack, stackPeak;
	long code;
} Sample;

static void paintStack(txMachine* the)
{
	/* Slots below the->stack are free: paint them to find the deepest one used later. */
	c_memset(the->stackBottom, PAINT, (the->stack - the->stackBottom) * sizeof(txSlot));
	gPaintLimit = the->stack;
}

static int painted(txSlot* slot)
{
	unsigned char* p = (unsigned char*)slot;
	unsigned char* q = p + sizeof(txSlot);
	while (p < q) if (*p++ != PAINT) return 0;
	return 1;
}

/* XS pushes downward from stackTop; its dtoa and RegExp code borrow the free space upward
 * from stackBottom as scratch memory. So scan down from the paint limit: the deepest slot
 * written by pushes is the last touched one before a long painted run. */
static long stackPeak(txMachine* the)
{
	txSlot* slot = gPaintLimit;
	txSlot* lowest = gPaintLimit;
	int run = 0;
	while (slot > the->stackBottom) {
		slot--;
		if (painted(slot)) {
			if (++run >= 16) break;
		}
		else {
			run = 0;
			lowest = slot;
		}
	}
	return (long)(the->stackTop - lowest);
}

/* Bytes of chunks that hold function byte code: XS copies a function's code into a chunk each
 * time it makes a closure from source it parsed at run time. Code preloaded in flash on a
 * device (XS_CODE_X_KIND) takes none. Counts unreachable functions too until a collection. */
static long codeBytes(txMachine* the)
{
	long total = 0;
	txSlot* heap = the->firstHeap;
	while (heap) {
		txSlot* slot = heap + 1;
		txSlot* limit = heap->value.reference;
		for (; slot < limit; slot++) {
			if (slot->kind == XS_CODE_KIND)
				total += ((txChunk*)(((txByte*)slot->value.code.address) - sizeof(txChunk)))->size;
		}
		heap = heap->next;
	}
	return total;
}

static void sample(txMachine* the, Sample* s)
{
	s->chunks = the->currentChunksSize;
	s->chunksPeak = the->peakChunksSize;
	s->chunksReserved = the->maximumChunksSize;
	s->slots = the->currentHeapCount;
	s->slotsPeak = the->peakHeapCount;
	s->slotsReserved = the->maximumHeapCount;
	s->stack = (long)(the->stackTop - the->stack);
	s->stackPeak = stackPeak(the);
	if (s->stackPeak < s->stack) s->stackPeak = s->stack;
	s->code = codeBytes(the);
}

static void resetPeaks(txMachine* the)
{
	the->peakChunksSize = the->currentChunksSize;
	the->peakHeapCount = the->currentHeapCount;
	paintStack(the);
}

static void writeJSONString(FILE* f, const char* s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') { fputc('\\', f); fputc(c, f); }
		else if (c < 0x20) fprintf(f, "\\u%04x", c);
		else fputc(c, f);
	}
	fputc('"', f);
}

static void writeSample(const char* kind, const char* label, Sample* s)
{
	fprintf(gReport, "{\"kind\":\"%s\",\"label\":", kind);
	writeJSONString(gReport, label ? label : "");
	fprintf(gReport, ",\"chunks\":%ld,\"chunksPeak\":%ld,\"chunksReserved\":%ld,"
		"\"slots\":%ld,\"slotsPeak\":%ld,\"slotsReserved\":%ld,\"stack\":%ld,\"stackPeak\":%ld,"
		"\"code\":%ld,\"slotBytes\":%d}\n",
		s->chunks, s->chunksPeak, s->chunksReserved, s->slots, s->slotsPeak, s->slotsReserved,
		s->stack, s->stackPeak, s->code, (int)sizeof(txSlot));
	fflush(gReport);
}

static void writeError(const char* label, const char* message)
{
	fprintf(gReport, "{\"kind\":\"error\",\"label\":");
	writeJSONString(gReport, label);
	fprintf(gReport, ",\"message\":");
	writeJSONString(gReport, message);
	fprintf(gReport, "}\n");
	fflush(gReport);
}

/* print(...args): one line on stdout, arguments joined by a space */
static void xs_print(xsMachine* the)
{
	xsIntegerValue c = xsToInteger(xsArgc), i;
	for (i = 0; i < c; i++) {
		if (i) fputc(' ', stdout);
		fputs(xsToString(xsArg(i)), stdout);
	}
	fputc('\n', stdout);
	fflush(stdout);
}

/* SHA-256 in C, as a board's host has it (Moddable's Crypt.Digest, a hardware engine): the
 * state lives in an ArrayBuffer the script holds, so a JS Digest stand-in streams through it.
 * Written from FIPS 180-4; checked against known answers in test/engines/xs-smoke.test.ts. */
typedef struct {
	uint32_t h[8];
	uint8_t block[64];
	uint32_t used;
	uint32_t totalLow, totalHigh;
} Sha256State;

static const uint32_t gSha256K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
};

#define ROTR(v, n) (((v) >> (n)) | ((v) << (32 - (n))))

static void sha256Block(uint32_t* h, const uint8_t* block)
{
	uint32_t w[64], a, b, c, d, e, f, g, k, t1, t2;
	int i;
	for (i = 0; i < 16; i++)
		w[i] = ((uint32_t)block[4 * i] << 24) | ((uint32_t)block[4 * i + 1] << 16) | ((uint32_t)block[4 * i + 2] << 8) | block[4 * i + 3];
	for (i = 16; i < 64; i++) {
		uint32_t s0 = ROTR(w[i - 15], 7) ^ ROTR(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t s1 = ROTR(w[i - 2], 17) ^ ROTR(w[i - 2], 19) ^ (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	a = h[0]; b = h[1]; c = h[2]; d = h[3]; e = h[4]; f = h[5]; g = h[6]; k = h[7];
	for (i = 0; i < 64; i++) {
		t1 = k + (ROTR(e, 6) ^ ROTR(e, 11) ^ ROTR(e, 25)) + ((e & f) ^ (~e & g)) + gSha256K[i] + w[i];
		t2 = (ROTR(a, 2) ^ ROTR(a, 13) ^ ROTR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
		k = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
	}
	h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += k;
}

static void sha256Feed(Sha256State* state, const uint8_t* data, uint32_t length)
{
	uint32_t before = state->totalLow;
	state->totalLow += length;
	if (state->totalLow < before) state->totalHigh++;
	while (length) {
		uint32_t take = 64 - state->used;
		if (take > length) take = length;
		c_memcpy(state->block + state->used, data, take);
		state->used += take;
		data += take;
		length -= take;
		if (state->used == 64) {
			sha256Block(state->h, state->block);
			state->used = 0;
		}
	}
}

/* nativeSha256Begin() -> ArrayBuffer holding a fresh state */
static void xs_sha256_begin(xsMachine* the)
{
	static const uint32_t initial[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
	Sha256State fresh;
	c_memset(&fresh, 0, sizeof(fresh));
	c_memcpy(fresh.h, initial, sizeof(initial));
	xsResult = xsArrayBuffer(&fresh, sizeof(fresh));
}

static Sha256State* sha256StateOf(xsMachine* the)
{
	if (xsGetArrayBufferLength(xsArg(0)) != (xsIntegerValue)sizeof(Sha256State))
		xsTypeError("nativeSha256: not a SHA-256 state");
	return (Sha256State*)xsToArrayBuffer(xsArg(0));
}

/* nativeSha256Write(state, arrayBuffer) */
static void xs_sha256_write(xsMachine* the)
{
	xsIntegerValue length = xsGetArrayBufferLength(xsArg(1));
	sha256Feed(sha256StateOf(the), (const uint8_t*)xsToArrayBuffer(xsArg(1)), (uint32_t)length);
}

/* nativeSha256Close(state) -> ArrayBuffer of 32 bytes */
static void xs_sha256_close(xsMachine* the)
{
	Sha256State state;
	uint8_t pad[72], digest[32];
	uint32_t padLength, i;
	c_memcpy(&state, sha256StateOf(the), sizeof(state));
	uint32_t bitsHigh = (state.totalHigh << 3) | (state.totalLow >> 29), bitsLow = state.totalLow << 3;
	padLength = (state.used < 56 ? 56 : 120) - state.used;
	c_memset(pad, 0, sizeof(pad));
	pad[0] = 0x80;
	for (i = 0; i < 4; i++) {
		pad[padLength + i] = (uint8_t)(bitsHigh >> (24 - 8 * i));
		pad[padLength + 4 + i] = (uint8_t)(bitsLow >> (24 - 8 * i));
	}
	sha256Feed(&state, pad, padLength + 8);
	for (i = 0; i < 8; i++) {
		digest[4 * i] = (uint8_t)(state.h[i] >> 24);
		digest[4 * i + 1] = (uint8_t)(state.h[i] >> 16);
		digest[4 * i + 2] = (uint8_t)(state.h[i] >> 8);
		digest[4 * i + 3] = (uint8_t)state.h[i];
	}
	xsResult = xsArrayBuffer(digest, 32);
}

/* nativeHexBytes(hex) -> ArrayBuffer: test data into a script in linear time (XS keeps strings
 * in UTF-8, so a script that indexes a long string walks it from the start at each index). */
static void xs_hex_bytes(xsMachine* the)
{
	xsStringValue hex = xsToString(xsArg(0));
	xsIntegerValue length = (xsIntegerValue)c_strlen(hex) / 2, i;
	xsResult = xsArrayBuffer(NULL, length);
	hex = xsToString(xsArg(0)); /* the buffer's allocation may have moved the string */
	uint8_t* out = (uint8_t*)xsToArrayBuffer(xsResult);
	for (i = 0; i < length; i++) {
		int high = hex[2 * i], low = hex[2 * i + 1];
		high = high <= '9' ? high - '0' : (high | 0x20) - 'a' + 10;
		low = low <= '9' ? low - '0' : (low | 0x20) - 'a' + 10;
		if (high < 0 || high > 15 || low < 0 || low > 15) xsTypeError("nativeHexBytes: not hex");
		out[i] = (uint8_t)((high << 4) | low);
	}
}

/* gc(): full collection, chunks compacted */
static void xs_gc(xsMachine* the)
{
	xsCollectGarbage();
}

/* xsMemory(): the machine's counters now (sampled before the result object is made) */
static void xs_memory(xsMachine* the)
{
	Sample s;
	sample(the, &s);
	xsResult = xsNewObject();
	xsSet(xsResult, xsID("chunks"), xsNumber(s.chunks));
	xsSet(xsResult, xsID("chunksPeak"), xsNumber(s.chunksPeak));
	xsSet(xsResult, xsID("chunksReserved"), xsNumber(s.chunksReserved));
	xsSet(xsResult, xsID("slots"), xsNumber(s.slots));
	xsSet(xsResult, xsID("slotsPeak"), xsNumber(s.slotsPeak));
	xsSet(xsResult, xsID("slotsReserved"), xsNumber(s.slotsReserved));
	xsSet(xsResult, xsID("stack"), xsNumber(s.stack));
	xsSet(xsResult, xsID("stackPeak"), xsNumber(s.stackPeak));
	xsSet(xsResult, xsID("code"), xsNumber(s.code));
	xsSet(xsResult, xsID("slotBytes"), xsInteger((xsIntegerValue)sizeof(txSlot)));
}

/* xsHeapUsed(): chunk bytes + slots x sizeof(txSlot) in use now, as a number (allocates nothing) */
static void xs_heap_used(xsMachine* the)
{
	xsResult = xsNumber((double)the->currentChunksSize + (double)the->currentHeapCount * (double)sizeof(txSlot));
}

/* xsSqueeze(): a full collection, then ballast takes every free slot and every free byte of
 * chunk space; the ballast is the returned object (keep it to keep it). Until it is dropped and
 * collected, XS collects whenever it needs memory and grows by its increments only, as in a heap
 * just large enough for what is live now: the peaks that follow are then those of a tight heap,
 * not of one left large by earlier work (XS never gives memory back). */
static void xs_squeeze(xsMachine* the)
{
	txSlot* instance;
	txSlot* last;
	txBlock* block;
	xsCollectGarbage();
	xsResult = xsNewObject();
	instance = mxResult->value.reference;
	last = instance;
	while (last->next) last = last->next;
	/* Chunks: the free tail of every block becomes one string chunk, placed there directly as
	 * fxFindChunk places chunks (after the compacting collection, each block's free space is
	 * its tail). A string slot per chunk keeps it; the slots come from the free list. */
	for (;;) {
		txBlock* largest = C_NULL;
		txSize tail = 0, size;
		txChunk* chunk;
		txSlot* slot;
		for (block = the->firstBlock; block; block = block->nextBlock) {
			txSize room = (txSize)(block->limit - block->current);
			if (room > tail) { tail = room; largest = block; }
		}
		size = tail & ~(txSize)(sizeof(size_t) - 1);
		if (!largest || (size < (txSize)(sizeof(txChunk) + sizeof(size_t))) || !the->freeHeap)
			break;
		chunk = (txChunk*)(largest->current);
		largest->current += size;
		chunk->size = size;
	#if INTPTR_MAX == INT64_MAX
		chunk->dummy = 0;
	#endif
		chunk->temporary = largest->current;
		c_memset(((txByte*)chunk) + sizeof(txChunk), 'x', size - sizeof(txChunk) - 1);
		*(((txByte*)chunk) + size - 1) = 0;
		the->currentChunksSize += size;
		if (the->peakChunksSize < the->currentChunksSize)
			the->peakChunksSize = the->currentChunksSize;
		slot = fxNewSlot(the);
		slot->kind = XS_STRING_KIND;
		slot->value.string = (txString)(((txByte*)chunk) + sizeof(txChunk));
		last->next = slot;
		last = slot;
	}
	/* Slots: every free one. */
	while (the->freeHeap) {
		txSlot* slot = the->freeHeap;
		the->freeHeap = slot->next;
		slot->next = C_NULL;
		slot->ID = XS_NO_ID;
		slot->flag = XS_NO_FLAG;
		slot->kind = XS_UNDEFINED_KIND;
		the->currentHeapCount++;
		last->next = slot;
		last = slot;
	}
	if (the->peakHeapCount < the->currentHeapCount)
		the->peakHeapCount = the->currentHeapCount;
}

/* xsCensus(label): slots in use now, by kind, recorded in the run's report (free slots not
 * counted, garbage not yet collected counted), and the slots that arrays hold in chunks (array
 * items are txSlots: 32 bytes each here, 16 on a 32-bit MCU); allocates nothing in XS */
static const char* const gKindNames[] = {
	"undefined", "null", "boolean", "integer", "number", "string", "string_x", "symbol", "bigint", "bigint_x",
	"reference", "closure", "frame", "instance", "arguments_sloppy", "arguments_strict", "array", "array_buffer",
	"callback", "code", "code_x", "date", "data_view", "finalization_cell", "finalization_registry", "global",
	"host", "map", "module", "program", "promise", "proxy", "regexp", "set", "typed_array", "weak_map", "weak_ref",
	"weak_set", "accessor", "at", "entry", "error", "home", "key", "key_x", "list", "private", "stack", "var",
	"callback_x",
#ifdef mxHostFunctionPrimitive
	"host_function",
#endif
	"host_inspector", "instance_inspector", "export", "weak_entry", "buffer_info", "module_source", "ids",
};
#define KIND_COUNT ((int)(sizeof(gKindNames) / sizeof(gKindNames[0])))

static void xs_census(xsMachine* the)
{
	long counts[KIND_COUNT + 1];
	long arrayItemSlots = 0;
	txSlot* heap = the->firstHeap;
	txSlot* slot;
	int i, first = 1;
	c_memset(counts, 0, sizeof(counts));
	while (heap) {
		txSlot* limit = heap->value.reference;
		for (slot = heap + 1; slot < limit; slot++) {
			int kind = slot->kind;
			counts[(kind >= 0 && kind < KIND_COUNT) ? kind : KIND_COUNT]++;
			if ((kind == XS_ARRAY_KIND) && slot->value.array.address) {
				txChunk* chunk = (txChunk*)(((txByte*)slot->value.array.address) - sizeof(txChunk));
				arrayItemSlots += (long)(((chunk->size & 0x7FFFFFFF) - sizeof(txChunk)) / sizeof(txSlot));
			}
		}
		heap = heap->next;
	}
	for (slot = the->freeHeap; slot; slot = slot->next)
		counts[XS_UNDEFINED_KIND]--;
	fprintf(gReport, "{\"kind\":\"census\",\"label\":");
	writeJSONString(gReport, xsToInteger(xsArgc) > 0 ? xsToString(xsArg(0)) : "");
	fprintf(gReport, ",\"counts\":{");
	for (i = 0; i <= KIND_COUNT; i++) {
		if (!counts[i]) continue;
		fprintf(gReport, "%s\"%s\":%ld", first ? "" : ",", i < KIND_COUNT ? gKindNames[i] : "other", counts[i]);
		first = 0;
	}
	fprintf(gReport, "},\"arrayItemSlots\":%ld}\n", arrayItemSlots);
	fflush(gReport);
}

/* xsResetPeak(): peaks start over from the current figures */
static void xs_reset_peak(xsMachine* the)
{
	resetPeaks(the);
}

/* xsMark(label): records the counters now in the run's report, allocating nothing in XS */
static void xs_mark(xsMachine* the)
{
	Sample s;
	sample(the, &s);
	writeSample("mark", xsToInteger(xsArgc) > 0 ? xsToString(xsArg(0)) : "", &s);
}

static char* readFile(const char* path, size_t* size)
{
	FILE* f = fopen(path, "rb");
	char* buffer;
	long length;
	if (!f) return NULL;
	fseek(f, 0, SEEK_END);
	length = ftell(f);
	fseek(f, 0, SEEK_SET);
	buffer = malloc(length + 1);
	if (buffer) {
		*size = fread(buffer, 1, length, f);
		buffer[*size] = 0;
	}
	fclose(f);
	return buffer;
}

/* Like XS's default fxParseScript, without forcing debug information into the byte code
 * (a release device build has none). */
static txScript* parseScript(txMachine* the, char* source, size_t size, txUnsigned flags)
{
	txParser _parser;
	txParser* parser = &_parser;
	txParserJump jump;
	txScript* script = NULL;
	txStringCStream stream;
	stream.buffer = source;
	stream.offset = 0;
	stream.size = (txSize)size;
	fxInitializeParser(parser, the, the->parserBufferSize, the->parserTableModulo);
	parser->firstJump = &jump;
	if (c_setjmp(jump.jmp_buf) == 0) {
		fxParserTree(parser, &stream, fxStringCGetter, flags, NULL);
		fxParserHoist(parser);
		fxParserBind(parser);
		script = fxParserCode(parser);
	}
	fxTerminateParser(parser);
	return script;
}

/* Preloading, as Moddable's linker (xsl) does for a board: the byte code stays where it is
 * (here: the parsed script's buffer, kept for the life of the process; on a board: flash) and
 * closures and string literals point into it (XS_CODE_X_KIND, XS_STRING_X_KIND) instead of
 * being copied into chunks. Names are made keys first, as fxRunScript would, and the symbols
 * dropped, so fxRunScript neither maps them again nor frees the script. */
static void archiveScript(txMachine* the, txScript* script)
{
	const txS1* sizes = gxCodeSizes;
	txByte* p;
	txByte* q;
	if (script->symbolsBuffer) {
		txByte* s = script->symbolsBuffer;
		txID c, i;
		txID* ids;
		mxDecodeID(s, c);
		ids = c_malloc(c * sizeof(txID));
		if (!ids) xsUnknownError("not enough memory");
		ids[0] = XS_NO_ID;
		for (i = 1; i < c; i++) {
			ids[i] = fxNewNameC(the, (txString)s);
			s += mxStringLength((char*)s) + 1;
		}
		fxRemapIDs(the, script->codeBuffer, script->codeSize, ids);
		c_free(ids);
		c_free(script->symbolsBuffer);
		script->symbolsBuffer = C_NULL;
	}
	p = script->codeBuffer;
	q = p + script->codeSize;
	while (p < q) {
		txU1 op = *((txU1*)p);
		txS1 offset = (txS1)c_read8(sizes + op);
		if ((XS_CODE_CODE_1 <= op) && (op <= XS_CODE_CODE_4))
			*p = (txByte)(op - XS_CODE_CODE_1 + XS_CODE_CODE_ARCHIVE_1);
		else if ((XS_CODE_STRING_1 <= op) && (op <= XS_CODE_STRING_4))
			*p = (txByte)(op - XS_CODE_STRING_1 + XS_CODE_STRING_ARCHIVE_1);
		if (0 < offset)
			p += offset;
		else if (0 == offset)
			p += 1 + sizeof(txID);
		else if (-1 == offset) {
			txU1 length;
			p++;
			length = *((txU1*)p);
			p += 1 + length;
		}
		else if (-2 == offset) {
			txU2 length;
			p++;
			mxDecode2(p, length);
			p += length;
		}
		else {
			txS4 length;
			p++;
			mxDecode4(p, length);
			p += length;
		}
	}
}

static void runScript(txMachine* the, txScript* script)
{
	txSlot* realm = mxProgram.value.reference->next->value.module.realm;
	fxRunScript(the, script, mxRealmGlobal(realm), C_NULL, mxRealmClosures(realm)->value.reference, C_NULL, mxProgram.value.reference);
	mxPullSlot(mxResult);
}

static const char* abortName(int status)
{
	switch (status) {
	case xsNotEnoughMemoryExit: return "memory full";
	case xsStackOverflowExit: return "stack overflow";
	case xsNoMoreKeysExit: return "not enough keys";
	case xsTooMuchComputationExit: return "too much computation";
	case xsUnhandledExceptionExit: return "unhandled exception";
	case xsUnhandledRejectionExit: return "unhandled rejection";
	default: return "fatal";
	}
}

/* 1 when the script ran to its end (and its promise jobs too); 0 after an exception or an abort. */
static int runGuarded(txMachine* machine, const char* name, char* source, size_t size, txUnsigned flags, int preload)
{
	int ok = 1;
	xsJump guard;
	guard.nextJump = machine->firstJump;
	guard.stack = machine->stack;
	guard.scope = machine->scope;
	guard.frame = machine->frame;
	guard.environment = NULL;
	guard.code = machine->code;
	guard.flag = 0;
	machine->firstJump = &guard;
	if (setjmp(guard.buffer) == 0) {
		xsBeginHost(machine);
		{
			xsTry {
				txScript* script = parseScript(the, source, size, flags);
				if (!script)
					xsUnknownError("cannot parse");
				if (preload)
					archiveScript(the, script);
				runScript(the, script);
			}
			xsCatch {
				writeError(name, xsToString(xsException));
				ok = 0;
			}
		}
		xsEndHost(machine);
		if (ok)
			fxRunLoop(machine);
	}
	else {
		char message[64];
		snprintf(message, sizeof(message), "XS aborted: %s (status %d)", abortName(machine->abortStatus), machine->abortStatus);
		writeError(name, message);
		ok = 0;
	}
	machine->stack = guard.stack;
	machine->scope = guard.scope;
	machine->frame = guard.frame;
	machine->code = guard.code;
	machine->firstJump = guard.nextJump;
	if (machine->abortStatus)
		ok = 0;
	return ok;
}

static int usage(void)
{
	fprintf(stderr, "usage: xs-host [-v] [-g] [-c initialChunk incrementalChunk initialHeap incrementalHeap stack] [-x] script.js...\n"
		"  -x before a script: preload it (byte code and string literals stay outside the heap)\n");
	return 2;
}
/* The globals a script sees (see the header of tools/engines/xs.ts). */
static const struct { const char* name; xsCallback callback; xsIntegerValue length; } gGlobals[] = {
	{ "print", xs_print, 0 },
	{ "gc", xs_gc, 0 },
	{ "nativeHexBytes", xs_hex_bytes, 1 },
	{ "nativeSha256Begin", xs_sha256_begin, 0 },
	{ "nativeSha256Write", xs_sha256_write, 2 },
	{ "nativeSha256Close", xs_sha256_close, 1 },
	{ "xsMemory", xs_memory, 0 },
	{ "xsHeapUsed", xs_heap_used, 0 },
	{ "xsCensus", xs_census, 1 },
	{ "xsSqueeze", xs_squeeze, 0 },
	{ "xsResetPeak", xs_reset_peak, 0 },
	{ "xsMark", xs_mark, 1 },
};


int main(int argc, char* argv[])
{
	xsCreation creation = {
		1536,          /* initialChunkSize: Moddable examples/manifest_base.json */
		1024,          /* incrementalChunkSize */
		512,           /* initialHeapCount */
		64,            /* incrementalHeapCount */
		4096,          /* stackCount */
		32000,         /* initialKeyCount */
		8000,          /* incrementalKeyCount */
		1993,          /* nameModulo */
		127,           /* symbolModulo */
		8192 * 1024,   /* parserBufferSize */
		1993,          /* parserTableModulo */
		0,             /* staticSize */
	};
	txUnsigned flags = mxProgramFlag;
	int argi = 1, error = 0, preload = 0;
	size_t i;
	xsMachine* machine;
	Sample s;

	gReport = fdopen(3, "w");
	if (!gReport) gReport = stderr;
	while ((argi < argc) && (argv[argi][0] == '-') && strcmp(argv[argi], "-x")) {
		if (!strcmp(argv[argi], "-v")) {
			char version[64];
			fxVersion(version, sizeof(version));
			printf("%s\n", version);
			return 0;
		}
		else if (!strcmp(argv[argi], "-g")) {
			flags |= mxDebugFlag;
			argi++;
		}
		else if (!strcmp(argv[argi], "-c") && (argi + 5 < argc)) {
			creation.initialChunkSize = atoi(argv[argi + 1]);
			creation.incrementalChunkSize = atoi(argv[argi + 2]);
			creation.initialHeapCount = atoi(argv[argi + 3]);
			creation.incrementalHeapCount = atoi(argv[argi + 4]);
			creation.stackCount = atoi(argv[argi + 5]);
			argi += 6;
		}
		else
			return usage();
	}
	if (argi >= argc)
		return usage();

	fxInitializeSharedCluster();
	machine = xsCreateMachine(&creation, "xs-host", NULL);
	xsBeginHost(machine);
	{
		xsVars(1);
		for (i = 0; i < sizeof(gGlobals) / sizeof(gGlobals[0]); i++) {
			xsVar(0) = xsNewHostFunction(gGlobals[i].callback, gGlobals[i].length);
			xsDefine(xsGlobal, xsID(gGlobals[i].name), xsVar(0), xsDontEnum);
		}
		xsVar(0) = xsUndefined;
	}
	xsEndHost(machine);

	/* Baseline: the empty machine (built-ins, host functions) after a full collection. */
	xsBeginHost(machine);
	xsCollectGarbage();
	resetPeaks(the);
	sample(the, &s);
	writeSample("baseline", "", &s);
	xsEndHost(machine);

	for (; argi < argc; argi++) {
		size_t size = 0;
		char* source;
		if (!strcmp(argv[argi], "-x")) {
			preload = 1;
			continue;
		}
		source = readFile(argv[argi], &size);
		if (!source) {
			writeError(argv[argi], "cannot read file");
			error = 1;
			break;
		}
		/* XS leaves through the oldest jump when it aborts (stack overflow, memory full):
		 * that one must be ours, outside xsBeginHost, as xsnap's metering block is. */
		if (!runGuarded(machine, argv[argi], source, size, flags, preload))
			error = 1;
		preload = 0;
		free(source);
		if (error) break;
	}

	sample(machine, &s); /* reads counters only: safe after an abort too */
	writeSample("final", "", &s);
	if (machine->abortStatus) {
		/* an aborted machine is left as is: the process ends */
		fflush(stdout);
		return 10 + machine->abortStatus;
	}
	xsDeleteMachine(machine);
	fxTerminateSharedCluster();
	fflush(stdout);
	return error;
}
`;
