import { describe, expect, it } from "vitest";
import { CORE_KINDS, loadCore } from "./helpers/cores.js";

describe.each(CORE_KINDS)("core build %s", (kind) => {
  it("exposes the exchange buffer", async () => {
    const core = await loadCore(kind);
    expect(core.io().length).toBe(core.exports.ioBufferSize());
  });
  it("keeps instances independent", async () => {
    const a = await loadCore(kind);
    const b = await loadCore(kind);
    a.io()[0] = 7;
    b.io()[0] = 9;
    expect(a.io()[0]).toBe(7);
  });
});

it("the WASM core fits in one 64 KiB page", async () => {
  const core = await loadCore("wasm");
  expect(core.memoryBytes()).toBe(65536);
});

// The ES5 role modules pool small module buffers into shared ArrayBuffers
// (scripts/core-transforms.mjs, poolModuleBytes); the exchange buffer a host
// gets from ioBuffer() keeps one of its own, so `io.buffer` handed to a
// native call holds the exchange bytes and nothing of the core's state.
describe.each([["boot", "createBootCore"], ["update", "createUpdateCore"], ["core", "createCore"]])("ES5 module %s", (file, factory) => {
  it("gives the exchange buffer an ArrayBuffer of its own", async () => {
    const { createRequire } = await import("node:module");
    const module = createRequire(import.meta.url)(`../build/es5/${file}.cjs`);
    const io = module[factory]({}).ioBuffer() as Uint8Array;
    expect(io.length).toBeGreaterThan(0);
    expect(io.byteOffset).toBe(0);
    expect(io.buffer.byteLength).toBe(io.length);
  });
});
