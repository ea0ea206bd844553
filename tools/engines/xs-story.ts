// One device's life (test/engines/story.js, unchanged) inside Moddable XS, the engine of
// Moddable boards, with the XS role modules build/boot.js and build/update.js: the decisions
// and the flash after every step equal the WASM core's under Node, and the memory each step
// takes is measured by XS itself (see tools/engines/xs.ts for the host and its counters).
//
// Inside XS: the modules are CommonJS factories behind a small require(); "slotboot-boot" and
// "slotboot-update" are build/boot.js and build/update.js as scripts. The engine object:
// unload() drops the role modules and starts the step's measurement, memory() is the heap in
// use (bytes, read without allocating), read() gives the package as a latin1 string (a string
// literal of the run), out() records the step's end and prints it. There is no engine.sha256
// (this host has no native SHA-256), so the story's own digest is "" and out() fills `flash`
// with the three regions' SHA-256 computed by a small ES5 SHA-256 here (known-answer checked).
//
// The story runs twice, in parallel:
//  - "parsed": every module is source parsed at run time, as on a host. XS then copies each
//    closure's byte code (and each string literal) into chunks: the figures include code.
//  - "preloaded": the same modules preloaded as Moddable's linker does for a board: byte code
//    and string literals stay in flash (here outside the heap), and the role modules' bodies
//    run before each step (the linker runs them at build time), so their functions, classes,
//    closures and read-only tables are not in the step's figures, as they are in flash on a
//    board. Typed arrays made then are read-only in that run (XS keeps them in flash: a write
//    throws), so a module that writes one fails here as on the board; the RAM XS keeps to alias
//    module variables is added to the figures (aliasBytesByRole).
// Per step (engine.unload(), which the story calls first in every step): a full collection,
// then the free space is squeezed out (xsSqueeze), peaks reset, "start" mark; "end" mark first
// thing in engine.out(). XS never gives memory back, so without the squeeze a step would run in
// a heap left large by earlier steps and garbage would pile up into its peaks; squeezed, the
// heap at the step's start + the step's peaks is the smallest fixed-size heap the step runs in
// (checked by bisection when this was written: provisioning fits a fixed heap of exactly that
// many chunk bytes and slots, and not one 0.5% smaller; the same for the next step's chunks).
// The figures are what the role adds to a device already running the loader, the update task,
// the story (and the 144 KB RAM flash of test/engines/ram-flash.js, in the baseline).
// Further marks: "core" right after createBootCore/createUpdateCore returned (with a census of
// the slots by kind), "app" when the loader fetches the application's text (the boot decision
// is over; what follows starts the application).
// XS stack: the deepest use during the step, absolute (the stackCount a board needs: checked,
// the run overflows with one slot less) and below the story's frames at the step's start.
// Used by test/engines/xs-story.test.ts (results, flash and the preload model's reach) and by
// `npm run bench -- engines` (the per-role figures against the budgets).
import { pathToFileURL } from "node:url";
import { join } from "node:path";
import { runInXs, xsCommonJs, xsRoleModule, type XsRun, type XsSample, type XsSource } from "./xs.js";
import { read, storyFiles, type StoryStep } from "./story.js";
import { repositoryRoot } from "./root.js";

const commonJs = (name: string, code: string) => xsCommonJs("__slotbootModules", name, code);
const roleModule = (name: string, path: string, factory: string) => xsRoleModule("__slotbootModules", name, read(path), factory);

// SHA-256 for the flash digests: the host's native one (nativeSha256*, known answers in
// test/engines/xs-smoke.test.ts), used after the step's "end" mark, outside the figures.
// Regions that did not change since the last step keep their digest.
export const SHA256_JS = String.raw`
function __sha256Hex(b) {
  var state = nativeSha256Begin();
  nativeSha256Write(state, b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
  var digest = new Uint8Array(nativeSha256Close(state)), s = "";
  for (var i = 0; i < digest.length; i++) s += (digest[i] < 16 ? "0" : "") + digest[i].toString(16);
  return s;
}
var __digests = [];
function __regionDigest(r, bytes) {
  var last = __digests[r];
  if (last && last.copy.length === bytes.length) {
    var same = true;
    for (var i = 0; i < bytes.length; i++) if (bytes[i] !== last.copy[i]) { same = false; break; }
    if (same) return last.digest;
  }
  __digests[r] = { copy: bytes.slice(0), digest: __sha256Hex(bytes) };
  return __digests[r].digest;
}
`;

/** Moddable's linker, modelled inside XS: `__preloadModules(names)` requires the named modules
 *  (their bodies run, as at build time on a board; functions, classes and closures are then in
 *  flash) with every typed array made meanwhile read-only afterwards, as XS keeps it in flash:
 *  an indexed write, set(), fill(), copyWithin(), reverse() or sort() throws a TypeError. A
 *  module that writes a buffer made at load fails here as it would on the board. Needs the
 *  run's require(). */
export const PRELOAD_MODEL_JS = String.raw`
var __romSealed = false;
var __typedArrays = ["Int8Array", "Uint8Array", "Int16Array", "Uint16Array", "Int32Array", "Uint32Array", "Float32Array", "Float64Array"];
var __romHandler = {
  set: function (target, key, value) {
    if (__romSealed) throw new TypeError("preloaded typed array written: " + String(key));
    target[key] = value;
    return true;
  },
  get: function (target, key) {
    var value = target[key];
    if (__romSealed && (key === "set" || key === "fill" || key === "copyWithin" || key === "reverse" || key === "sort"))
      return function () { throw new TypeError("preloaded typed array: " + String(key)); };
    return typeof value === "function" ? function () { return value.apply(target, arguments); } : value;
  }
};
function __preloadModules(names) {
  var saved = {};
  __typedArrays.forEach(function (name) {
    var Real = globalThis[name];
    saved[name] = Real;
    globalThis[name] = function (a, b, c) {
      var made = arguments.length === 1 ? new Real(a) : arguments.length === 2 ? new Real(a, b) : new Real(a, b, c);
      return new Proxy(made, __romHandler);
    };
  });
  __romSealed = false;
  try { names.forEach(function (name) { require(name); }); }
  finally { __typedArrays.forEach(function (name) { globalThis[name] = saved[name]; }); }
  __romSealed = true;
}
`;

// The module system and the engine object of story.js over this XS host's facilities.
// engine.unload() starts a step: role modules dropped, full collection, peaks reset, "start" mark.
// engine.out() ends it: "end" mark first (before anything the harness allocates), then the
// flash digests. The story's own figure (engine.memory(), sampled at step start, end and every
// flash call) is the heap in use in bytes, read without allocating.
const HARNESS_JS = String.raw`
var __cache = {};
function require(name) {
  if (Object.prototype.hasOwnProperty.call(__cache, name)) return __cache[name].exports;
  var factory = __slotbootModules[name];
  if (!factory) throw new Error("no module " + name);
  var module = { exports: {} };
  __cache[name] = module;
  factory.call(module.exports, module.exports, module, require);
  var make = name === "slotboot-boot" ? "createBootCore" : name === "slotboot-update" ? "createUpdateCore" : null;
  if (make) {
    // "core" mark: the heap with the role's core made, before it works.
    var create = module.exports[make];
    module.exports[make] = function (host) { var core = create(host); xsMark("core " + __step); xsCensus("core " + __step); return core; };
  }
  return module.exports;
}
var __step = 0;
var __flash = null;
var __ballast = null;
(function () {
  // Keep the story's flash for the digests; mark when the loader fetches the application's
  // text (the boot decision is over there; what follows is starting the application).
  var ramFlash = require("slotboot-ram-flash");
  var create = ramFlash.create;
  ramFlash.create = function (layout, nativeSha256) {
    var flash = create(layout, nativeSha256);
    var text = flash.text;
    flash.text = function (addr, len) { xsMark("app " + __step); return text(addr, len); };
    __flash = flash;
    return flash;
  };
})();
if (__sha256Hex(new Uint8Array([0x61, 0x62, 0x63])) !== "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
  throw new Error("harness SHA-256 known answer");
// The preloaded run models Moddable's linker (PRELOAD_MODEL_JS): the role modules are
// preloaded before each step. (The RAM XS keeps for the module variables it may alias is
// added to the figures outside, from the module text.)
var __roleModules = ["slotboot-boot", "slotboot-update", "slotboot-codecs"];
var engine = {
  unload: function () {
    __roleModules.forEach(function (name) { delete __cache[name]; });
    if (__preloadModel) __preloadModules(__roleModules);
    __ballast = null;
    __ballast = xsSqueeze();
    xsResetPeak();
    xsMark("start " + __step);
    xsCensus("start " + __step);
  },
  memory: function () { return xsHeapUsed(); },
  now: function () { return Date.now() / 1000; },
  read: function (name) {
    if (!Object.prototype.hasOwnProperty.call(__files, name)) throw new Error("no file " + name);
    return __files[name];
  },
  out: function (o) {
    xsMark("end " + __step);
    // The story's slots are 64 KiB: each region is one piece of the RAM flash.
    var r = __flash.regions;
    o.flash = __regionDigest(0, r[0].pieces[0].bytes) + __regionDigest(1, r[1].pieces[0].bytes) + __regionDigest(2, r[2].pieces[0].bytes);
    print("@@" + JSON.stringify(o));
    __step++;
  }
};
`;

/** The scripts of one XS run of the story. */
export function storySources(preload: boolean, roles: "xs" | "es5" = "xs"): XsSource[] {
  const { v1, packageV2, packageV3, input } = storyFiles();
  const latin1 = (b: Uint8Array) => JSON.stringify(Buffer.from(b).toString("latin1"));
  // "es5": the Espruino builds, which keep their buffers at module level (Espruino
  // has no preload): what a preloaded XS module must not do.
  const role = roles === "xs"
    ? (name: string, file: string, factory: string) => roleModule(name, `build/${file}.js`, factory)
    : (name: string, file: string) => commonJs(name, read(`build/es5/${file}.cjs`));
  const modules = [
    "var __slotbootModules = {};\n",
    role("slotboot-boot", "boot", "createBootCore"),
    role("slotboot-update", "update", "createUpdateCore"),
    role("slotboot-codecs", "codecs", "createCodecs"),
    commonJs("slotboot-loader", read("examples/espruino/loader.js")),
    commonJs("slotboot-update-task", read("examples/espruino/update-task.js")),
    commonJs("slotboot-ram-flash", read("test/engines/ram-flash.js")),
    commonJs("slotboot-gathering-sha256", read("examples/espruino/gathering-sha256.js")),
    commonJs("slotboot-story", read("test/engines/story.js")),
  ].join("");
  // The files the story reads: string literals (in flash when preloaded, as Storage files are
  // on Espruino; copied into chunks once, before the first step, when parsed).
  const files = `var __files = { "image-v1": ${latin1(v1)}, "package-v2": ${latin1(packageV2)}, "package-v3-delta": ${latin1(packageV3)} };\n`;
  return [
    { name: "modules", code: modules, preload },
    { name: "files", code: files, preload },
    { name: "harness", code: `var __preloadModel = ${preload};\n` + SHA256_JS + HARNESS_JS + PRELOAD_MODEL_JS, preload },
    { name: "story", code: `require("slotboot-story").run(engine, ${JSON.stringify(input)});\n`, preload },
  ];
}

export interface Peaks {
  /** peak chunk bytes / slots above the heap at the step's start */
  chunks: number;
  slots: number;
  /** byte code in chunks when the role's core was made (parsed run), above the start */
  code: number;
  /** txSlots the core's arrays hold in chunks (sizeof(txSlot) bytes each here, 16 on an MCU) */
  arraySlots: number;
  /** deepest XS stack use, slots: absolute (the stackCount a board needs) and below the
   *  story's frames at the step's start (the role's own use) */
  stack: number;
  stackInStep: number;
}

export interface StepMemory extends Peaks {
  step: string;
  role: string;
  /** the heap in use (not a peak) just after the role's core was made, above the start */
  core?: { chunks: number; slots: number };
  /** the peaks until the loader fetched the application's text, when it did */
  beforeApp?: Peaks;
}

export interface StoryRun {
  run: XsRun;
  steps: StoryStep[];
  memory: StepMemory[];
}

export async function runXsStory(preload: boolean): Promise<StoryRun> {
  const run = await runInXs(storySources(preload), { timeoutMs: 120_000 });
  const steps = run.output.filter((l) => l.startsWith("@@")).map((l) => JSON.parse(l.slice(2)) as StoryStep);
  const mark = (label: string): XsSample | undefined => run.marks.find((m) => m.label === label);
  const census = (label: string) => run.census.find((c) => c.label === label);
  const memory = steps.map((s, i): StepMemory => {
    const start = mark(`start ${i}`);
    const end = mark(`end ${i}`);
    if (!start || !end) throw new Error(`step ${i} (${s.step}): marks missing`);
    const core = mark(`core ${i}`);
    const code = core ? core.code - start.code : 0;
    const arraySlots = (census(`core ${i}`)?.arrayItemSlots ?? 0) - (census(`start ${i}`)?.arrayItemSlots ?? 0);
    const peaks = (m: XsSample): Peaks => ({
      chunks: m.chunksPeak - start.chunks,
      slots: m.slotsPeak - start.slots,
      code,
      arraySlots: Math.max(0, arraySlots),
      stack: m.stackPeak,
      stackInStep: m.stackPeak - start.stack,
    });
    const app = mark(`app ${i}`);
    return {
      step: s.step,
      role: s.role,
      ...peaks(end),
      core: core && { chunks: core.chunks - start.chunks, slots: core.slots - start.slots },
      beforeApp: app && peaks(app),
    };
  });
  return { run, steps, memory };
}

const KB = 1024;
const kb = (n: number) => (n / KB).toFixed(1);

/**
 * RAM a board's XS keeps for preloaded module state, which this host cannot
 * show (its modules are in the heap): one 4-byte pointer for each aliasable
 * module variable and class prototype of every preloaded role module, and,
 * for the modules the role runs, a 16-byte slot for each of their variables as
 * if every one were written (XS copies a variable to RAM when it is first
 * written). An upper bound.
 */
export async function aliasBytesByRole(): Promise<(role: "boot" | "update") => number> {
  // The build step's own count (scripts/preload-init.mjs), found from the repository root
  // so that this works from the sources and from dist/.
  const { preloadAliases } = await import(pathToFileURL(join(repositoryRoot(), "scripts", "preload-init.mjs")).href);
  const counts: Record<string, { variables: number; classes: number }> = Object.fromEntries(["boot", "update", "codecs"].map((f) => [f, preloadAliases(read(`build/${f}.js`))]));
  const pointers = Object.values(counts).reduce((t, c) => t + 4 * (c.variables + c.classes), 0);
  return (role) => {
    const running = role === "boot" ? [counts.boot] : [counts.update, counts.codecs];
    return pointers + running.reduce((t, c) => t + 16 * c.variables, 0);
  };
}

/** Per-step table and per-role summary against the budgets (goals, not asserted). */
/** One role's worst step against its budget, bytes on a 32-bit MCU (16-byte slots). */
export interface XsRoleFigure {
  role: string;
  budget: number;
  /** step with the largest preloaded figure */
  step: string;
  /** preloaded: chunks + slots x16 + the alias RAM (aliasBytesByRole) */
  preloaded: number;
  chunks: number;
  slots: number;
  aliases: number;
  /** parsed at run time (byte code in the heap), no aliases */
  parsed: number;
  /** deepest XS stack, slots: absolute and within the step */
  stack: number;
  stackInStep: number;
}

/** Per role, the worst step of each run against the issue's XS budgets (boot: the decision, before the app starts). */
export async function xsRoleSummary(parsed: StoryRun, preloaded: StoryRun): Promise<XsRoleFigure[]> {
  const aliasBytes = await aliasBytesByRole();
  const slotBytes = parsed.run.memory.slotBytes;
  const chunksOnMcu = (p: Peaks) => p.chunks - p.arraySlots * (slotBytes - 16);
  const mcu = (p: Peaks) => chunksOnMcu(p) + p.slots * 16;
  const worst = (run: StoryRun, pick: (m: StepMemory) => boolean) => {
    let best: (Peaks & { name: string }) | undefined;
    let stack = 0, stackInStep = 0;
    for (const m of run.memory.filter(pick)) {
      const f = m.beforeApp ?? m;
      stack = Math.max(stack, f.stack);
      stackInStep = Math.max(stackInStep, f.stackInStep);
      if (!best || mcu(f) >= mcu(best)) best = { ...f, name: m.step };
    }
    return { ...best!, stack, stackInStep };
  };
  const budgets: Array<[string, (m: StepMemory) => boolean, number]> = [
    ["boot decision", (m) => m.role === "boot", 16 * KB],
    ["full signed update", (m) => m.step === "receive v2", 48 * KB],
    ["delta update", (m) => m.step === "receive delta v3", 64 * KB],
    ["factory provisioning", (m) => m.step === "provision", 48 * KB],
  ];
  return budgets.map(([role, pick, budget]) => {
    const p = worst(parsed, pick);
    const q = worst(preloaded, pick);
    const aliases = aliasBytes(role === "boot decision" ? "boot" : "update");
    return { role, budget, step: q.name, preloaded: mcu(q) + aliases, chunks: chunksOnMcu(q), slots: q.slots, aliases, parsed: mcu(p), stack: q.stack, stackInStep: q.stackInStep };
  });
}

export async function xsStoryReport(parsed: StoryRun, preloaded: StoryRun): Promise<string> {
  const slotBytes = parsed.run.memory.slotBytes;
  const host = (p: Peaks) => p.chunks + p.slots * slotBytes;
  // On a 32-bit MCU: slots and array items are 16 bytes (chunk headers, 16 bytes here, 8 there: ignored).
  const mcu = (p: Peaks) => p.chunks - p.arraySlots * (slotBytes - 16) + p.slots * 16;
  const n = (v: number | undefined, w: number) => (v === undefined ? "-" : String(v)).padStart(w);
  const rows = [
    `  ${"".padEnd(25)} ${"".padEnd(6)} ${"parsed: byte code in chunks".padEnd(40)} | ${"preloaded: byte code in flash".padEnd(32)} | ${"code".padStart(5)} | ` +
      `${"core made".padEnd(18)} | XS stack`,
    `  ${"step".padEnd(25)} ${"role".padEnd(6)} ${"chunks".padStart(7)} ${"slots".padStart(5)} ${`x${slotBytes}`.padStart(7)} ` +
      `${"MCU".padStart(7)} ${"code".padStart(7)} | ${"chunks".padStart(6)} ${"slots".padStart(5)} ${`x${slotBytes}`.padStart(7)} ${"MCU".padStart(7)} | ` +
      `${"share".padStart(5)} | ${"chunks".padStart(6)} ${"slots".padStart(5)} ${"array".padStart(5)} | ${"total".padStart(5)} ${"step".padStart(4)}`,
  ];
  const line = (name: string, role: string, p: Peaks, q: Peaks, core?: { chunks: number; slots: number }) => {
    const share = mcu(p) > 0 ? (mcu(p) - mcu(q)) / mcu(p) : 0;
    rows.push(`  ${name.padEnd(25)} ${role.padEnd(6)} ${n(p.chunks, 7)} ${n(p.slots, 5)} ${n(host(p), 7)} ${n(mcu(p), 7)} ${n(p.code, 7)} | ` +
      `${n(q.chunks, 6)} ${n(q.slots, 5)} ${n(host(q), 7)} ${n(mcu(q), 7)} | ${(100 * share).toFixed(0).padStart(4)}% | ` +
      `${n(core?.chunks, 6)} ${n(core?.slots, 5)} ${n(core && q.arraySlots, 5)} | ${n(q.stack, 5)} ${n(q.stackInStep, 4)}`);
  };
  parsed.memory.forEach((p, i) => {
    const q = preloaded.memory[i];
    if (p.beforeApp && q.beforeApp) {
      line(`${p.step} (decision)`, p.role, p.beforeApp, q.beforeApp, q.core);
      line(`${p.step} (+ app start)`, p.role, p, q, q.core);
    } else line(p.step, p.role, p, q, q.core);
  });

  // Per role: the largest step. The boot budget is for the decision (before the app starts).
  const summary = (await xsRoleSummary(parsed, preloaded)).map((r) => {
    const verdict = (v: number) => (v <= r.budget ? "within" : "over");
    return `  ${r.role.padEnd(21)} goal ${kb(r.budget).padStart(4)} KB | preloaded ${kb(r.preloaded).padStart(5)} KB ${verdict(r.preloaded).padEnd(6)} ` +
      `(${kb(r.chunks)} KB chunks + ${r.slots} slots x16 + ${kb(r.aliases)} KB aliases; ${r.step}) | parsed ${kb(r.parsed).padStart(5)} KB ` +
      `${verdict(r.parsed).padEnd(6)} | stack ${r.stack} slots = ${kb(r.stack * 16)} KB (${r.stackInStep} in the step)`;
  });
  // What the core instance's slots are, by XS slot kind (first step of each role), and in the
  // parsed run the byte code and other chunks beside them: where a parsed role's heap goes.
  const kinds = (role: string, run: StoryRun = preloaded) => {
    const i = run.memory.findIndex((m) => m.role === role && m.core);
    const at = (label: string) => run.run.census.find((c) => c.label === label)?.counts ?? {};
    const start = at(`start ${i}`);
    const core = at(`core ${i}`);
    const delta = Object.keys({ ...start, ...core }).map((k) => [k, (core[k] ?? 0) - (start[k] ?? 0)] as const)
      .filter(([, v]) => v !== 0).sort((a, b) => b[1] - a[1]);
    const total = delta.reduce((t, [, v]) => t + v, 0);
    const m = run.memory[i];
    const chunks = run === parsed && m.core ? `; chunks ${m.core.chunks} = byte code ${m.code} + other ${m.core.chunks - m.code}` : "";
    return `  ${run === parsed ? "parsed " : ""}${role} core (${m.step}): ${total} slots = ${delta.map(([k, v]) => `${k} ${v}`).join(", ")}${chunks}`;
  };
  return [
    `XS story. Per step: peaks above the heap at the step's start, squeezed (a full collection, then every free slot and chunk ` +
      `byte taken, so XS works as in a heap just large enough: start + peak = the smallest fixed heap, checked to 0.5%).`,
    `x${slotBytes} = chunk bytes + slots x ${slotBytes} (this 64-bit host); MCU = the same with 16-byte slots and array items (32-bit MCU). ` +
      `code = byte code copied into chunks once the core is made; share = part of the MCU heap preloading saves (byte code, string literals, ` +
      `and the role modules' functions, classes, closures and read-only tables, made before the step as the linker makes them at build time). ` +
      `core made = heap in use right after createBootCore/createUpdateCore returned, array = its array items (slots in chunks) (preloaded run). ` +
      `XS stack (slots, 16 bytes each on an MCU): deepest use, absolute (what stackCount must be) and below the story's frames.`,
    ...rows,
    `Per role, worst step (boot: the decision, before the loader starts the application), MCU estimate; goals, not asserted. ` +
      `aliases = RAM a board's XS keeps for the preloaded modules' variables (a 4-byte pointer each, and a 16-byte slot for every variable of the modules the role runs, as if all were written):`,
    ...summary,
    `Slots of a core just made, by XS slot kind (function instance: instance, code_x, home, name string, prototype object; closure = one per outer variable a function uses):`,
    kinds("boot"),
    kinds("update"),
    `The same when parsed at run time (every function object made in the heap, its byte code copied into chunks):`,
    kinds("boot", parsed),
    kinds("update", parsed),
    `runs: parsed ${parsed.run.ms} ms, preloaded ${preloaded.run.ms} ms (in parallel)`,
  ].join("\n");
}

