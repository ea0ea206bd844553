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
