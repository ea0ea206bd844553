// The XS rows of `npm run bench -- engines`: memory per role from one device's life inside
// Moddable XS (tools/engines/xs-story.ts: XS's own counters, parsed and preloaded runs), and
// the boot decision and 200 KB install times, with and without host hashing
// (tools/engines/xs-timing.ts), beside the
// issue's budgets. Node+WASM and Espruino are in the same section.
import { xsAvailable, xsStatus } from "../tools/engines/xs.js";
import { runXsStory, xsRoleSummary } from "../tools/engines/xs-story.js";
import { runXsModdableInstall, runXsTiming } from "../tools/engines/xs-timing.js";

const kb = (bytes: number) => (bytes / 1024).toFixed(1);

export async function xsRows(): Promise<string[]> {
  if (!xsAvailable()) return ["", `Moddable XS: not measured (${xsStatus().reason}).`];
  const [parsed, preloaded] = await Promise.all([runXsStory(false), runXsStory(true)]);
  const roles = await xsRoleSummary(parsed, preloaded);
  const timing = await runXsTiming(20);
  const hosted = await runXsModdableInstall(200_000);
  return [
    "", "### Moddable XS: heap per role (KB on a 32-bit MCU: chunks + slots x 16 + alias RAM)", "",
    "| role | preloaded (as a Moddable build) | of which chunks / slots / aliases | parsed at run time | budget | XS stack (slots) | worst step |",
    "|---|---:|---:|---:|---:|---:|---|",
    ...roles.map((r) => `| ${r.role} | ${kb(r.preloaded)} ${r.preloaded <= r.budget ? "(within)" : "(over)"} | ${kb(r.chunks)} / ${r.slots} / ${kb(r.aliases)} | ${kb(r.parsed)} | ${kb(r.budget)} | ${r.stack} | ${r.step} |`),
    "",
    "| operation (XS, wall time) | time | goal |", "|---|---:|---:|",
    `| boot decision (bootDecide, verified-once, power-on) | ${timing.decideMs.toFixed(2)} ms | 20 ms |`,
    `| power-up (load boot module + decide + parse the image) | ${timing.powerUpMs.toFixed(2)} ms | – |`,
    `| install a ${Math.round(hosted.packageBytes / 1000)} KB signed package, host hashing (examples/moddable, native Crypt.Digest; status ${hosted.status}) | ${(hosted.installMs / 1000).toFixed(2)} s | 2 s |`,
    `| install a ${Math.round(timing.packageBytes / 1000)} KB signed package, core's own SHA-256 only (examples/espruino code; status ${timing.status}) | ${(timing.installMs / 1000).toFixed(2)} s | – |`,
    "",
    "XS 13.3 as @agoric/xsnap 0.15.0 builds it, in a host that reads XS's own counters (tools/engines/xs.ts); 64-bit here, so slots are counted and priced at 16 bytes as on a 32-bit MCU. " +
      "Preloaded: byte code, strings, and the role modules' functions, classes and read-only tables in flash, as Moddable's linker leaves them; the modules make their buffers at the first factory call (scripts/preload-init.mjs); aliases are an upper bound. " +
      "Parsed: the same modules as source evaluated at run time (as `xst` runs them), byte code in the heap.",
  ];
}
