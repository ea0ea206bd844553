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
import { hoistHostArithmetic } from "../scripts/core-transforms.mjs";

function transform(text: string): string {
  const source = ts.createSourceFile("core.js", text, ts.ScriptTarget.ES2017, true);
  const result = ts.transform(source, [hoistHostArithmetic]);
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
