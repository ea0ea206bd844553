// One device's life inside Moddable XS (tools/engines/xs-story.ts runs it and reports the
// memory): the decisions and the flash after every step equal the WASM core's under Node, in
// both runs (parsed at run time, and preloaded as Moddable's linker does), and the preload
// model refuses a module that would write a typed array kept in flash.
import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { runInXs, xsAvailable, xsStatus } from "../../tools/engines/xs.js";
import { runXsStory, storySources, xsStoryReport } from "../../tools/engines/xs-story.js";
import { runStoryWithWasm } from "./story-fixtures.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

const XS = xsAvailable();
if (!XS) console.warn(`[xs] Moddable XS story skipped: ${xsStatus().reason}`);

/** The XS role modules, and what the Node reference run loads (ES5 modules, WASM core). */
function ensureBuild(): void {
  const needed = ["build/boot.js", "build/update.js", "build/es5/boot.cjs", "build/es5/update.cjs", "build/core.wasm"];
  if (needed.some((f) => !existsSync(fileURLToPath(new URL(`../../${f}`, import.meta.url))))) {
    execFileSync("npm", ["run", "build", "--silent"], { cwd: ROOT, stdio: "inherit" });
  }
}

describe("one device's life inside Moddable XS", () => {
  it.skipIf(!XS)("provisioning, signed update, trial and confirm, delta update, hang and rollback: results and flash equal to the WASM core's", async () => {
    ensureBuild();
    const reference = runStoryWithWasm();
    // The two runs are separate XS processes; the machine has two cores.
    const [parsed, preloaded] = await Promise.all([runXsStory(false), runXsStory(true)]);
    for (const xs of [parsed, preloaded]) {
      expect(xs.steps.map((s) => [s.step, s.role, s.result])).toEqual(reference.map((s) => [s.step, s.role, s.result]));
      // The flash after every step, byte for byte (SHA-256 of each region, computed inside XS).
      expect(xs.steps.map((s) => s.flash)).toEqual(reference.map((s) => s.flash));
      expect(xs.memory.every((m) => m.chunks >= 0 && m.slots > 0 && m.stack > 0)).toBe(true);
    }
    // The story's own outcomes.
    const by = (name: string) => parsed.steps.filter((s) => s.step === name).map((s) => s.result);
    expect(by("provision")).toEqual([0]);
    expect(by("receive v2")[0]).toMatchObject({ status: 0, slot: 1 });
    expect(by("trial boot")[0]).toMatchObject({ slot: 1, reason: 2, version: "2.0.0", app: { version: "2.0.0", healthy: true } });
    expect(by("confirm after check-in")).toEqual([0]);
    expect(by("receive delta v3")[0]).toMatchObject({ status: 0, slot: 0 });
    expect(by("watchdog reset 3")[0]).toMatchObject({ slot: 1, reason: 5, version: "2.0.0" });
    expect(by("power-on").at(-1)).toMatchObject({ slot: 1, reason: 1, version: "2.0.0" });
    // Preloading keeps the byte code out of the heap: no step copies code into chunks.
    expect(preloaded.memory.every((m) => m.code === 0)).toBe(true);
    expect(parsed.memory.filter((m) => m.role === "update").every((m) => m.code > 0)).toBe(true);
    console.log(await xsStoryReport(parsed, preloaded));
  }, 120_000);

  // The reach of the preload model: the ES5 builds, whose buffers are made at
  // module load, write a read-only (flash) typed array at the first step, as
  // they would on a board that preloaded them; build/*.js make them at the
  // first factory call (scripts/preload-init.mjs) and run the story above.
  it.skipIf(!XS)("the preload model refuses a module that writes a typed array made at load", async () => {
    ensureBuild();
    const run = await runInXs(storySources(true, "es5"), { timeoutMs: 60_000, allowError: true });
    expect(run.error ?? "").toMatch(/preloaded typed array (written|: set|: fill)/);
    expect(run.output.filter((l) => l.startsWith("@@"))).toEqual([]);
  }, 60_000);
});
