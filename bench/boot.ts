// Boot-core figures: core size, memory, flash reads per boot decision and
// boot-control erases per update cycle, for both builds.
import { statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { SimDevice } from "../bootloader-sim/device.js";
import { loadCore } from "../bindings/core.js";
import { createImage, parseVersion } from "../tools/image.js";

function image(version: string, size: number): Uint8Array {
  const body = new Uint8Array(size);
  for (let i = 0; i < size; i++) body[i] = (i * 31 + size) & 0xff;
  return createImage(body, { version: parseVersion(version) });
}

export async function run(): Promise<string> {
  const wasmPath = fileURLToPath(new URL("../../build/core.wasm", import.meta.url));
  const jsPath = fileURLToPath(new URL("../../build/core.js", import.meta.url));
  const core = await loadCore("wasm");
  const rows: string[] = [];
  const cycles = 100;
  for (const kind of ["wasm", "js"] as const) {
    const dev = SimDevice.create({ core: kind, slotSize: 256 * 1024 });
    await dev.provision(image("1.0.0", 200_000));
    const before = { ...dev.flash.counters };
    const ctlWearBefore = dev.flash.wear[0] + dev.flash.wear[1];
    let reads = 0;
    let boots = 0;
    const t0 = performance.now();
    for (let i = 0; i < cycles; i++) {
      await dev.installImage(image(`1.${(i % 200) + 1}.0`, 200_000), 4096);
      const r = await dev.powerUp("power");
      reads += r.flashReads;
      boots++;
      await dev.runApp("ok");
    }
    const ms = performance.now() - t0;
    const r = await dev.powerUp("power");
    const ctlErases = dev.flash.wear[0] + dev.flash.wear[1] - ctlWearBefore;
    rows.push(
      `| ${kind} | ${(reads / boots).toFixed(0)} (trial) / ${r.flashReads} (confirmed) | ${(ctlErases / cycles).toFixed(3)} | ${((dev.flash.counters.programs - before.programs) / cycles).toFixed(0)} | ${(ms / cycles).toFixed(1)} ms |`,
    );
  }
  return [
    "## Boot core",
    "",
    `core.wasm ${statSync(wasmPath).size} bytes, core.js ${statSync(jsPath).size} bytes; WASM memory ${core.memoryBytes()! / 65536} page(s) of 64 KiB.`,
    "",
    `${cycles} update cycles (install 200 KB image in 4 KiB chunks, trial boot, confirm) on 4 KiB sectors:`,
    "",
    "| core | flash reads per boot decision | boot-control sector erases per update cycle | flash programs per cycle | time per cycle (simulated flash) |",
    "|---|---:|---:|---:|---:|",
    ...rows,
    "",
  ].join("\n");
}
