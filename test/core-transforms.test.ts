// The ES5 build's pooled module buffers (poolModuleBytes): module-level
// byte buffers become disjoint views of one buffer of exactly their total
// size; larger ones, other kinds and those made inside functions keep their own.
//
// The ES5 build's field-element pool (poolFieldElements): every `new Fe()`
// and `new P256Fe()` becomes a view of its own limbs in a shared buffer, and
// views never overlap, whatever the mix of sizes and however many pools.
//
// The ES5 build's host-arithmetic hoisting (scripts/core-transforms.mjs,
// hoistHostArithmetic), on small inputs: a point-formula-like function reads
// the host's arithmetic once into locals, drops the `!= null` guard where the
// local is only used in guarded calls (the local then falls back to a function
// that declines), keeps the guard where the local is used otherwise, and
// leaves alone a function that calls anything but arithmetic. Run, the
// transformed code gives the same answers with a host that does every
// operation, one that declines some, and none.
//
// The ES5 build's small-function inliner (inlineSmallFunctions): getters,
// setters and byte reads are written into their callers and disappear; a
// function is kept whole when any one call could not take its body (an
// argument reading a name the body assigns first, a call as an argument, a
// module name the body reads shadowed at the call, a void body whose value is
// used, a body calling core code given a module-level argument). Run, every
// case gives the same answers before and after.
import { describe, expect, it } from "vitest";
import ts from "typescript";
// @ts-expect-error: a plain ES module of the build, without types
import { hoistHostArithmetic, inlineSmallFunctions, poolFieldElements, poolModuleBytes, fieldElementsAsInt32Arrays, LIMB_POOL, POOLED_BYTES_MAX, POOL_BYTES } from "../scripts/core-transforms.mjs";

function transform(text: string, transformers: unknown[] = [hoistHostArithmetic]): string {
  const source = ts.createSourceFile("core.js", text, ts.ScriptTarget.ES2017, true);
  const result = ts.transform(source, transformers as ts.TransformerFactory<ts.SourceFile>[]);
  const printed = ts.createPrinter().printFile(result.transformed[0] as ts.SourceFile);
  result.dispose();
  return printed;
}

// The shape the build feeds it: the role's factory around the core, the host
// calls already written in as `__host.x != null && __host.x(...) == 0`.
const CORE: Record<string, string> = { fieldMultiply: "feMulCore", fieldAdd: "feAddCore" };
const guarded = (op: string, args: string) => `(__host.${op} != null && __host.${op}(${args}) == 0 || ${CORE[op]}(${args}))`;
const FACTORY = `
function createCore(__host) {
  function feMulCore(o, a, b) { o[0] = a[0] * b[0]; }
  function feAddCore(o, a, b) { o[0] = a[0] + b[0]; }
  function edFormula(r, p) {
    ${guarded("fieldMultiply", "r, p, p")};
    ${guarded("fieldMultiply", "r, r, p")};
    ${guarded("fieldAdd", "r, r, p")};
    ${guarded("fieldMultiply", "r, r, r")};
    ${guarded("fieldAdd", "r, r, r")};
  }
  function edCounted(r, p) {
    if (__host.fieldMultiply) r[1] = 1;
    ${guarded("fieldMultiply", "r, p, p")};
    ${guarded("fieldMultiply", "r, r, p")};
    ${guarded("fieldMultiply", "r, r, r")};
    ${guarded("fieldMultiply", "r, r, p")};
  }
  function edCallsOther(r, p) {
    log(r);
    ${guarded("fieldMultiply", "r, p, p")};
    ${guarded("fieldMultiply", "r, r, p")};
    ${guarded("fieldMultiply", "r, r, r")};
    ${guarded("fieldMultiply", "r, r, p")};
  }
  function log() {}
  return { edFormula: edFormula, edCounted: edCounted, edCallsOther: edCallsOther };
}
`;

const body = (text: string, name: string) => {
  const at = text.indexOf(`function ${name}(`);
  return text.slice(at, text.indexOf("\n    }", at));
};

describe("hoistHostArithmetic", () => {
  const out = transform(FACTORY);

  it("reads the host once, drops the guard where the local is only called guarded, and adds the declining stand-in", () => {
    const formula = body(out, "edFormula");
    expect(formula).toContain("__hostFieldMultiply = __host.fieldMultiply || __hostDeclines");
    expect(formula).toContain("__hostFieldAdd = __host.fieldAdd || __hostDeclines");
    expect(formula).not.toContain("!= null");
    expect(formula).toContain("__hostFieldMultiply(r, p, p) == 0 || feMulCore(r, p, p)");
    expect(out).toMatch(/function __hostDeclines\(\) \{\s*return -1;\s*\}/);
  });

  it("keeps the guard where the local is used otherwise, and leaves a function that calls other code alone", () => {
    const counted = body(out, "edCounted");
    expect(counted).toContain("var __hostFieldMultiply = __host.fieldMultiply;");
    expect(counted).toContain("__hostFieldMultiply != null && __hostFieldMultiply(r, p, p) == 0");
    const other = body(out, "edCallsOther");
    expect(other).not.toContain("__hostFieldMultiply");
    expect(other).toContain("__host.fieldMultiply != null && __host.fieldMultiply(r, p, p) == 0");
  });

  it("gives the same answers as before with a host that does everything, one that declines some calls, and none", () => {
    type Core = Record<string, (r: number[], p: number[]) => void>;
    const make = (text: string) => new Function(`${text}; return createCore;`)() as (host: unknown) => Core;
    const [before, after] = [make(FACTORY), make(out)];
    let turn = 0;
    const hosts = [
      () => ({}),
      () => ({ fieldMultiply: (o: number[], a: number[], b: number[]) => ((o[0] = a[0] * b[0]), 0), fieldAdd: (o: number[], a: number[], b: number[]) => ((o[0] = a[0] + b[0]), 0) }),
      // Declines every other call (returns -1 without writing): the core's own does it.
      () => ({ fieldMultiply: (o: number[], a: number[], b: number[]) => (turn++ % 2 ? -1 : ((o[0] = a[0] * b[0]), 0)), fieldAdd: () => -1 }),
    ];
    for (const host of hosts) {
      for (const name of ["edFormula", "edCounted", "edCallsOther"]) {
        const results = [before, after].map((factory) => {
          turn = 0;
          const r = [0, 0];
          factory({ ...host(), log: () => {} })[name](r, [3, 0]);
          return r;
        });
        expect(results[1], name).toEqual(results[0]);
      }
    }
  });
});

describe("poolFieldElements", () => {
  const POOLED = `
function createCore(__host) {
  class Point { x = new Fe(); y = new Fe(); }
  const points = [];
  for (let i = 0; i < 20; i++) points.push(new Point());
  const wide = [new P256Fe(), new P256Fe(), new P256Fe()];
  const last = new Fe();
  return { points: points, wide: wide, last: last };
}
`;
  const out = transform(POOLED, [poolFieldElements, fieldElementsAsInt32Arrays]);

  it("writes every field element as a view from __newLimbs, with the helper first in the factory", () => {
    expect(out).not.toMatch(/new (Fe|P256Fe)\(/);
    expect(out).toContain("__newLimbs(15)");
    expect(out).toContain("__newLimbs(16)");
    expect(out.indexOf("function __newLimbs(")).toBeLessThan(out.indexOf("class Point"));
  });

  it("refuses a field element, or an object holding some, made inside a function", () => {
    const inFunction = `function createCore(__host) { function scratch() { return new Fe(); } return { scratch: scratch }; }`;
    expect(() => transform(inFunction, [poolFieldElements])).toThrow(/made once/);
    const holderInFunction = `function createCore(__host) { class Point { x = new Fe(); } function point() { return new Point(); } return { point: point }; }`;
    expect(() => transform(holderInFunction, [poolFieldElements])).toThrow(/made once/);
    const outerInFunction = `function createCore(__host) { class Point { x = new Fe(); } class Pair { a = new Point(); } function pair() { return new Pair(); } return { pair: pair }; }`;
    expect(() => transform(outerInFunction, [poolFieldElements])).toThrow(/made once/);
    const outerAtModuleLevel = `function createCore(__host) { class Point { x = new Fe(); } class Pair { a = new Point(); } const pair = new Pair(); return { pair: pair }; }`;
    expect(() => transform(outerAtModuleLevel, [poolFieldElements])).not.toThrow();
  });

  it("gives disjoint views of the right lengths, sharing buffers of LIMB_POOL limbs", () => {
    const core = new Function(`${out}; return createCore;`)()(null) as { points: { x: Int32Array; y: Int32Array }[]; wide: Int32Array[]; last: Int32Array };
    const all = [...core.points.flatMap((p) => [p.x, p.y]), ...core.wide, core.last];
    expect(all.map((v) => v.length)).toEqual([...Array(40).fill(15), 16, 16, 16, 15]);
    const buffers = new Set(all.map((v) => v.buffer));
    // 40 x 15 + 3 x 16 + 15 limbs, LIMB_POOL to a buffer, none split across two.
    expect(buffers.size).toBeLessThan(all.length / 4);
    for (const buffer of buffers) expect(buffer.byteLength).toBe(LIMB_POOL * 4);
    // Writing each view's limbs with its own index, then reading them back: no two views share a limb.
    all.forEach((v, i) => v.fill(i + 1));
    all.forEach((v, i) => expect([...v].every((limb) => limb === i + 1), `view ${i}`).toBe(true));
  });
});

describe("poolModuleBytes", () => {
  const MODULE = `
function createCore(__host) {
  const digest = new Uint8Array(32);
  const naf = new Int8Array(2 * (100 + 28)), tag = new Uint8Array(16);
  const exchange = new Uint8Array(${POOLED_BYTES_MAX + 1});
  const words = new Uint32Array(16);
  const io = new Uint8Array(64);
  const more = new Uint8Array(${POOLED_BYTES_MAX}), most = new Uint8Array(${POOLED_BYTES_MAX});
  function scratch() { return new Uint8Array(8); }
  function ioBuffer() { return io; }
  return { digest: digest, naf: naf, tag: tag, exchange: exchange, words: words, scratch: scratch, ioBuffer: ioBuffer, more: more, most: most };
}
`;
  const out = transform(MODULE, [poolModuleBytes]);
  type Module = { digest: Uint8Array; naf: Int8Array; tag: Uint8Array; exchange: Uint8Array; words: Uint32Array; scratch: () => Uint8Array; ioBuffer: () => Uint8Array; more: Uint8Array; most: Uint8Array };
  const make = () => new Function(`${out}; return createCore;`)()(null) as Module;

  it("makes the module's small byte buffers views of one buffer of exactly their total size", () => {
    const made = make();
    const first = 32 + 256 + 16 + POOLED_BYTES_MAX;
    expect(out).toContain(`__moduleBytes0 = new ArrayBuffer(${first})`);
    for (const view of [made.digest, made.naf, made.tag, made.more]) expect(view.buffer).toBe(made.digest.buffer);
    expect(made.digest.buffer.byteLength).toBe(first);
    expect([made.digest.length, made.naf.length, made.tag.length, made.more.length]).toEqual([32, 256, 16, POOLED_BYTES_MAX]);
    made.digest.fill(1); made.naf.fill(2); made.tag.fill(3); made.more.fill(4);
    expect([...new Uint8Array(made.digest.buffer)]).toEqual([...Array(32).fill(1), ...Array(256).fill(2), ...Array(16).fill(3), ...Array(POOLED_BYTES_MAX).fill(4)]);
  });

  it("starts a new shared buffer rather than pass POOL_BYTES", () => {
    const made = make();
    expect(made.most.buffer).not.toBe(made.more.buffer);
    expect(made.most.byteOffset).toBe(0);
    for (const view of [made.digest, made.more, made.most]) expect(view.buffer.byteLength).toBeLessThanOrEqual(POOL_BYTES);
  });

  it("leaves larger buffers, other kinds, buffers a function returns and buffers made at run time with their own", () => {
    const made = make();
    for (const own of [made.exchange, made.words, made.scratch(), made.ioBuffer()]) {
      expect(own.buffer).not.toBe(made.digest.buffer);
      expect(own.byteOffset).toBe(0);
    }
  });
});

describe("inlineSmallFunctions", () => {
  // Each `case*` function is an API entry: its result (and the module state
  // it leaves, read through `state`) must be the same before and after.
  const INLINE_FACTORY = `
function createCore(__host) {
  var total = 0, seen = 0, last = -1, bytes = new Uint8Array(8);
  function getTotal() { return total; }
  function setLast(value) { last = value; }
  function setSeen(value) { seen = value; }
  function addBoth(a, b) { total = (total + a) >>> 0; seen = seen + b; }
  function setBoth(a, b) { total = a; seen = b; }
  function storeTwice(p) { seen = (seen = 1, seen + p); }
  function resetThen(x) { total = 0; seen = x; }
  function readU16(b, at) { return b[at] | (b[at + 1] << 8); }
  function putU16(b, at, v) { b[at] = v & 255; b[at + 1] = (v >>> 8) & 255; }
  function choose(flag, a) { if (flag) last = a; else seen = a; }
  function note(n) { last = n; return n + 1; }
  function bump() { total++; return total; }
  function sumAfterBump(k) { return bump() + k; }
  function caseGetters(k) { setLast(k); addBoth(k, 2); return getTotal() + readU16(bytes, 0); }
  function caseBytes(v) { putU16(bytes, 2, v); putU16(bytes, 4, v + 1); return readU16(bytes, 2) + readU16(bytes, 4); }
  function caseOrder(k) { total = k; addBoth(total, total); resetThen(total); return seen; }
  function grow() { for (var i = 0; i < 2; i++) total = total * 2 + 1; return 0; }
  function growThen(x) { return grow() + x; }
  function inner(v) { return v + seen; }
  function outer(v) { return inner(v) * 2; }
  function caseCoreCall(k) { total = k; var local = k; return growThen(total) * 1000 + growThen(local); }
  function caseNested(k) { seen = 1; return outer(k) + outer(k + 1); }
  function caseStoreTwice(k) { seen = k; storeTwice(seen); var first = seen; storeTwice(k); return first * 1000 + seen; }
  function caseSimpleOrder(k) { total = k; seen = k * 3; setBoth(total + 1, seen); return total * 1000 + seen; }
  function caseShadow(k) { var total = 100; setLast(total + k); return last + getTotalOuter(); }
  function getTotalOuter() { return total; }
  function caseChoose(k) { choose(k > 1, k); choose(k > 5, k + 1); return last * 10 + seen; }
  function caseValue(k) { var r = note(k) + note(k + 1); return r; }
  function caseVoidValue(k) { setSeen(k); return String(setSeen(k + 1)); }
  function caseCallArgument(k) { setLast(note(k)); return last; }
  function caseCallInBody(k) { total = k; return sumAfterBump(total); }
  function caseCallInBodyLocal(k) { var m = k * 2; return sumAfterBump(m); }
  function state() { return [total, seen, last, bytes.join(",")].join("|"); }
  return { caseGetters: caseGetters, caseBytes: caseBytes, caseOrder: caseOrder, caseShadow: caseShadow, caseChoose: caseChoose,
    caseValue: caseValue, caseVoidValue: caseVoidValue, caseCoreCall: caseCoreCall, caseNested: caseNested, caseSimpleOrder: caseSimpleOrder, caseStoreTwice: caseStoreTwice, caseCallArgument: caseCallArgument, caseCallInBody: caseCallInBody,
    caseCallInBodyLocal: caseCallInBodyLocal, state: state };
}
`;
  const passes = [1, 2, 3].map(() => inlineSmallFunctions([]));
  // Each pass on freshly parsed text, as the build runs it (parent links).
  const out = passes.reduce((text, pass) => transform(text, [pass]), INLINE_FACTORY);
  const declares = (name: string) => new RegExp(`function ${name}\\(`).test(out);

  it("writes getters, setters, byte reads and if/else setters into their callers and drops them", () => {
    for (const name of ["getTotal", "setBoth", "readU16", "putU16", "choose", "note"]) expect(declares(name), name).toBe(false);
    // setBoth(total + 1, seen): each argument is read by the assignment that
    // stores into the name it reads, before the store.
    expect(out).toMatch(/total =\s*\(total \+ 1\), seen = seen/);
  });

  it("keeps a function when any one of its calls could not take its body", () => {
    // addBoth(total, total): b is read after the body has assigned total.
    expect(declares("addBoth")).toBe(true);
    // storeTwice(seen): its one part stores to seen before it reads p.
    expect(declares("storeTwice")).toBe(true);
    // resetThen(total): the body assigns total before it reads x.
    expect(declares("resetThen")).toBe(true);
    // getTotalOuter is read where a local `total` shadows the module's.
    expect(declares("getTotalOuter")).toBe(true);
    // caseVoidValue uses the value of setSeen, which has none.
    expect(declares("setSeen")).toBe(true);
    expect(out).toContain("String(setSeen(k + 1))");
    // setLast(note(k)): an argument with an effect (note is inlined first,
    // an assignment then).
    expect(declares("setLast")).toBe(true);
    // growThen calls core code (grow, which changes total): given the
    // module's total it stays; given a local it could go.
    expect(declares("growThen")).toBe(true);
    // outer calls inner, itself inlined: outer follows a pass later.
    for (const name of ["inner", "outer"]) expect(declares(name), name).toBe(false);
    // sumAfterBump calls core code (bump): called with the module's total it stays.
    expect(declares("sumAfterBump")).toBe(true);
  });

  it("gives the same answers and leaves the same state as the code before it", () => {
    type Core = Record<string, (k: number) => unknown>;
    const make = (text: string) => new Function(`${text}; return createCore;`)() as (host: unknown) => Core;
    const cases = ["caseGetters", "caseBytes", "caseOrder", "caseShadow", "caseChoose", "caseValue", "caseVoidValue", "caseCallArgument", "caseCallInBody", "caseCallInBodyLocal", "caseSimpleOrder", "caseCoreCall", "caseNested", "caseStoreTwice"];
    for (const k of [0, 1, 3, 7, 300, 65535]) {
      const [before, after] = [make(INLINE_FACTORY)({}), make(out)({})];
      for (const name of cases) {
        expect(after[name](k), `${name}(${k})`).toEqual(before[name](k));
        expect(after.state(0), `state after ${name}(${k})`).toEqual(before.state(0));
      }
    }
  });
});
