// The preload step of the XS role modules (scripts/preload-init.mjs): what stays in flash and
// what moves to the first factory call, checked on small modules run as a Moddable board would
// run them preloaded: module body first, then every typed array it made is read-only.
import { describe, expect, it } from "vitest";
import { runInNewContext } from "node:vm";
// @ts-expect-error plain JS build helper without types
import { preloadReady } from "../scripts/preload-init.mjs";

interface Prepared { text: string; tablesInFlash: string[]; madeAtFirstCall: string[] }

/** Runs `text` (CommonJS, exporting `factory`) preloaded, then calls the factory: returns its result. */
function runPreloaded(text: string, factory: string): unknown {
  let sealed = false;
  const handler: ProxyHandler<Uint8Array> = {
    set(target, key, value) {
      if (sealed) throw new TypeError(`preloaded typed array written: ${String(key)}`);
      return Reflect.set(target, key, value);
    },
    get(target, key) {
      const value = Reflect.get(target, key);
      if (sealed && (key === "set" || key === "fill")) return () => { throw new TypeError(`preloaded typed array: ${String(key)}`); };
      return typeof value === "function" ? value.bind(target) : value;
    },
  };
  const exports: Record<string, () => unknown> = {};
  const romTypedArray = (Real: typeof Uint8Array) => function (...args: unknown[]) {
    return new Proxy(new (Real as unknown as new (...a: unknown[]) => Uint8Array)(...args), handler);
  };
  const context = {
    exports, Uint8Array: romTypedArray(Uint8Array), Uint32Array: romTypedArray(Uint32Array as unknown as typeof Uint8Array),
    Int32Array: romTypedArray(Int32Array as unknown as typeof Uint8Array),
  };
  runInNewContext(text, context);
  // After preload the module runs with the engine's own constructors (RAM).
  Object.assign(context, { Uint8Array, Uint32Array, Int32Array });
  sealed = true;
  return exports[factory]();
}

const MODULE = `
var table = new Uint32Array(4);
for (var i = 0; i < 4; i++) table[i] = i * 3;
var buffer = new Uint8Array(4);
var count = 0;
function fill(v) { for (var i = 0; i < 4; i++) buffer[i] = v + table[i]; count++; return buffer[3] + count; }
exports.make = function () { return fill(1); };
`;

describe("the preload step of the XS role modules", () => {
  it("a buffer a function writes moves to the first factory call; a table every function only reads stays in flash", () => {
    const prepared = preloadReady(MODULE, "make") as Prepared;
    expect(prepared.tablesInFlash).toEqual(["table"]);
    expect(prepared.madeAtFirstCall).toEqual(["buffer"]);
    expect(runPreloaded(prepared.text, "make")).toBe(11);
    // The module as it was writes its buffer in flash: the model refuses it.
    expect(() => runPreloaded(MODULE, "make")).toThrow(/preloaded typed array written/);
  });

  it("a table filled by a statement that moves moves too, and a moved loop keeps the module's loop variable", () => {
    const module = `
var buffer = new Uint8Array(4);
var table = new Uint8Array(4);
for (var i = 0; i < 4; i++) { buffer[i] = 1; table[i] = 2 * i; }
var after = i;
function sum() { buffer[0] = 5; var s = 0; for (var k = 0; k < 4; k++) s += buffer[k] + table[k]; return s + after; }
exports.make = function () { return sum(); };
`;
    const prepared = preloadReady(module, "make") as Prepared;
    expect(prepared.tablesInFlash).toEqual([]);
    expect(prepared.madeAtFirstCall.sort()).toEqual(["after", "buffer", "table"]);
    expect(runPreloaded(prepared.text, "make")).toBe(5 + 3 + 12 + 4);
    // Both stay in flash when no function writes either.
    const readOnly = preloadReady(module.replace("buffer[0] = 5; ", ""), "make") as Prepared;
    expect(readOnly.tablesInFlash.sort()).toEqual(["buffer", "table"]);
    expect(runPreloaded(readOnly.text, "make")).toBe(4 + 12 + 4);
  });

  it("a table handed to a function that writes it is taken as written", () => {
    const module = `
var table = new Uint8Array([1, 2, 3]);
function first(t) { t[0] = 9; return t[0]; }
exports.make = function () { return first(table); };
`;
    const prepared = preloadReady(module, "make") as Prepared;
    expect(prepared.madeAtFirstCall).toEqual(["table"]);
    expect(runPreloaded(prepared.text, "make")).toBe(9);
  });

  it("load-time code that calls a function reaching state moves with it", () => {
    const module = `
var state = new Uint8Array(2);
function bump() { state[0]++; return state[0]; }
var first = bump();
exports.make = function () { return first + bump(); };
`;
    const prepared = preloadReady(module, "make") as Prepared;
    expect(prepared.madeAtFirstCall.sort()).toEqual(["first", "state"]);
    expect(runPreloaded(prepared.text, "make")).toBe(3);
  });

  // What packIntegerTables makes (a table unpacked from a string by a helper terser
  // renames), read through a copy of a view and by a function it is handed to.
  const PACKED = `
function unpack(hex) { var n = hex.length >> 3; var t = new Int32Array(n); for (var i = 0; i < n; i++) t[i] = parseInt(hex.substr(i * 8, 8), 16) | 0; return t; }
var table = unpack("0000000100000002000000030000000400000005");
var copy = new Int32Array(2);
function sum(t, at) { var s = 0; for (var i = 0; i < 2; i++) s += t[at + i]; return s; }
function load(at) { table.subarray && (copy.set(table.subarray(at, at + 2)), 1) || (copy[0] = table[at], copy[1] = table[at + 1]); return copy[0] + copy[1]; }
exports.make = function () { return load(1) + sum(table, 3); };
`;

  it("a packed table stays in flash when it is only read, copied from, or handed to a function that only reads it", () => {
    const prepared = preloadReady(PACKED, "make") as Prepared;
    expect(prepared.tablesInFlash).toEqual(["table"]);
    expect(prepared.madeAtFirstCall).toEqual(["copy"]);
    expect(runPreloaded(prepared.text, "make")).toBe(2 + 3 + 4 + 5);
  });

  it("a packed table moves to the first call when a function it is handed to writes it, or when its helper reads module state", () => {
    const written = preloadReady(PACKED.replace("s += t[at + i];", "s += t[at + i]; t[at] = 0;"), "make") as Prepared;
    expect(written.tablesInFlash).toEqual([]);
    expect(written.madeAtFirstCall.sort()).toEqual(["copy", "table"]);
    expect(runPreloaded(written.text, "make")).toBe(2 + 3 + 4 + 5);
    const impure = preloadReady(PACKED.replace("| 0; return t; }", "| bias; return t; }\nvar bias = 0;"), "make") as Prepared;
    expect(impure.tablesInFlash).toEqual([]);
    // A helper that keeps what it made on itself, a reader that reaches its parameter
    // through `arguments`, a reader assigned anew at run time: each is taken as writing.
    const kept = preloadReady(PACKED.replace("var t = new Int32Array(n);", "var t = unpack.last = new Int32Array(n);"), "make") as Prepared;
    expect(kept.tablesInFlash).toEqual([]);
    const viaArguments = preloadReady(PACKED.replace("s += t[at + i];", "s += t[at + i]; arguments[0][at] = 0;"), "make") as Prepared;
    expect(viaArguments.tablesInFlash).toEqual([]);
    expect(runPreloaded(viaArguments.text, "make")).toBe(2 + 3 + 4 + 5);
    const swapped = preloadReady(PACKED.replace("exports.make = function () {", "function swap() { sum = function (t, at) { t[at] = 0; return 0; }; }\nexports.make = function () { swap();"), "make") as Prepared;
    expect(swapped.tablesInFlash).toEqual([]);
  });

  it("a class that makes objects when it is defined is refused", () => {
    const module = `
var Holder = function () { function Holder() {} Holder.shared = new Uint8Array(4); return Holder; }();
exports.make = function () { return new Holder(); };
`;
    expect(() => preloadReady(module, "make")).toThrow(/class Holder makes objects when it is defined/);
  });
});
