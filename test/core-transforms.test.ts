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
import { describe, expect, it } from "vitest";
import ts from "typescript";
// @ts-expect-error: a plain ES module of the build, without types
import { hoistHostArithmetic, poolFieldElements, poolModuleBytes, fieldElementsAsInt32Arrays, LIMB_POOL, POOLED_BYTES_MAX, POOL_BYTES } from "../scripts/core-transforms.mjs";

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
