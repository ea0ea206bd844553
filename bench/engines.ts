// `npm run bench -- engines`: one device's life (test/engines/story.js) run
// inside Espruino, every module loaded from Storage as a board loads it, and
// under Node with the WASM core, in the same run. Memory is read inside the
// engine (process.memory().usage, variables: 27-byte blocks on this Linux
// build, 12–16 on boards); peaks come from a run that samples at every flash
// call, seconds from a run that does not.
import { espruinoBinary, runStoryInEspruino } from "../tools/engines/espruino.js";
import { runStoryWithWasm, type StoryStep } from "../tools/engines/story.js";
import { bootTimingInEspruino } from "../tools/engines/boot-timing.js";
import { runLargeInstallInEspruino, type LargeInstall } from "../tools/engines/large-install.js";
import { runP256InstallInEspruino } from "../tools/engines/p256-install.js";
import { runEncryptedInstallInEspruino } from "../tools/engines/encrypted-install.js";
import { xsRows } from "./engines-xs.js";

/** The budgets for Espruino variables, by role and step. */
function budget(step: StoryStep): number {
  if (step.role === "boot") return 1000;
  return step.step.includes("delta") ? 4000 : 3000;
}

export async function run(): Promise<string> {
  const lines: string[] = ["## Engines: one device's life, per step", ""];
  const wasm = runStoryWithWasm();
  if (!espruinoBinary()) {
    lines.push("Espruino: ../shared/tools/espruino/espruino not found; only Node+WASM measured.", "");
  }
  const memory = espruinoBinary() ? runStoryInEspruino(true) : [];
  const timing = espruinoBinary() ? runStoryInEspruino(false) : [];
  const hosted = espruinoBinary() ? runStoryInEspruino(false, true) : [];
  // The same story with the rc codec's delta (smallest patches, slowest to apply).
  const rcMemory = espruinoBinary() ? runStoryInEspruino(true, false, "rc") : [];
  const rcTiming = espruinoBinary() ? runStoryInEspruino(false, false, "rc") : [];
  lines.push("| step | role | Espruino peak variables | budget | Espruino s (JS SHA-256) | Espruino s (native SHA-256) | Node+WASM ms |", "|---|---|---:|---:|---:|---:|---:|");
  wasm.forEach((w, i) => {
    const m = memory[i];
    const t = timing[i];
    const h = hosted[i];
    lines.push(`| ${w.step} | ${w.role} | ${m ? m.memory : "–"} | ${budget(w)} | ${t ? t.seconds.toFixed(3) : "–"} | ${h ? h.seconds.toFixed(3) : "–"} | ${(w.seconds * 1000).toFixed(2)} |`);
  });
  if (memory.length) {
    const worst = (pick: (s: StoryStep) => boolean) => Math.max(...memory.filter(pick).map((s) => s.memory));
    lines.push("", "| role | worst peak (variables) | budget |", "|---|---:|---:|",
      `| boot decision | ${worst((s) => s.role === "boot")} | 1,000 |`,
      `| full signed update | ${worst((s) => s.role === "update" && !s.step.includes("delta"))} | 3,000 |`,
      `| delta update (heatshrink codec) | ${worst((s) => s.step.includes("delta"))} | 4,000 |`);
    const rcDelta = rcMemory.find((s) => s.step.includes("delta"));
    const rcSeconds = rcTiming.find((s) => s.step.includes("delta"));
    if (rcDelta) lines.push(`| delta update (rc codec) | ${rcDelta.memory} (${rcSeconds ? rcSeconds.seconds.toFixed(3) : "–"} s) | 4,000 |`);
    // slotboot pack's default chain blocks (4 KiB) with host hashing: the gathering buffer is largest.
    const wide = runStoryInEspruino(true, true, "heatshrink", 4096);
    const wideWorst = (pick: (s: StoryStep) => boolean) => Math.max(...wide.filter(pick).map((s) => s.memory));
    lines.push(`| full signed update, host hashing, 4 KiB chain blocks | ${wideWorst((s) => s.role === "update" && !s.step.includes("delta"))} | 3,000 |`);
    lines.push(`| delta update (heatshrink), host hashing, 4 KiB chain blocks | ${wideWorst((s) => s.step.includes("delta"))} | 4,000 |`);
    // Not a budget row of the issue (its signed update is Ed25519): a device that trusts a P-256 key.
    const p256 = runP256InstallInEspruino();
    lines.push(`| signed update, P-256 key (JS only; sampled at flash calls and step ends) | provision ${p256.provision.peak} (${p256.provision.seconds.toFixed(1)} s), install ${p256.installed.peak} (${p256.installed.seconds.toFixed(1)} s, two checks; status ${p256.installed.status}) | (3,000 for Ed25519) |`);
    // Nor are encrypted updates (pack --encrypt): the crypt module, and native AES, come on top.
    const encrypted = runEncryptedInstallInEspruino(8000, 128, true);
    const encryptedDelta = runEncryptedInstallInEspruino(8000, 128, true, "heatshrink");
    lines.push(`| encrypted update, AES-128, host hashing (sampled at flash calls and step ends) | ${encrypted.installed.peak} (${encrypted.installed.seconds.toFixed(2)} s; status ${encrypted.installed.status}) | (3,000 unencrypted) |`);
    lines.push(`| encrypted heatshrink delta, AES-128, host hashing | ${encryptedDelta.installed.peak} (${encryptedDelta.installed.seconds.toFixed(2)} s; status ${encryptedDelta.installed.status}) | (4,000 unencrypted) |`);
  }
  if (espruinoBinary()) {
    // CPU time (the engine process's user + system seconds, differences of
    // runs with and without the operation), the measure.
    // 200 decisions per run: the CPU time of two engine runs differs by some 10 ms from run to run.
    const fromStorage = bootTimingInEspruino(false, 200);
    const fromRam = bootTimingInEspruino(true, 200);
    lines.push("", "### Boot decision and install, Espruino CPU time", "",
      "| operation | CPU | goal |", "|---|---:|---:|",
      `| boot decision (bootDecide, verified-once, power-on), module in Storage | ${fromStorage.decideMs.toFixed(1)} ms | 20 ms |`,
      `| power-up (load boot module + decide + parse the image), module in Storage | ${fromStorage.powerUpMs.toFixed(1)} ms | – |`,
      `| boot decision, module loaded from a RAM string | ${fromRam.decideMs.toFixed(1)} ms | – |`,
      `| power-up, module loaded from a RAM string | ${fromRam.powerUpMs.toFixed(1)} ms | – |`);
    // CPU time varies from run to run on a shared machine (by a third and
    // more over an hour here): the host-call rows are run five times and
    // print their range and median.
    const runs = (n: number, run: () => LargeInstall) => {
      const all = Array.from({ length: n }, run);
      const seconds = all.map((r) => r.cpuSeconds).sort((x, y) => x - y);
      const share = (f: (r: LargeInstall) => number) => all.reduce((sum, r) => sum + f(r), 0) / n;
      return { first: all[0], seconds, median: seconds[n >> 1], driverShare: share((r) => r.driverShare), sourceShare: share((r) => r.sourceShare) };
    };
    const cpu = (r: ReturnType<typeof runs>) => r.seconds.length > 1
      ? `${r.seconds[0].toFixed(2)}–${r.seconds[r.seconds.length - 1].toFixed(2)} s (median ${r.median.toFixed(2)})`
      : `${r.median.toFixed(1)} s`;
    const twoChecks = runs(5, () => runLargeInstallInEspruino(200_000, true));
    const oneCheck = runs(5, () => runLargeInstallInEspruino(200_000, true, true, true));
    const jsOnly = runs(1, () => runLargeInstallInEspruino(200_000, false));
    const kb = Math.round(twoChecks.first.packageBytes / 1000);
    lines.push(`| install a ${kb} KB signed package, native SHA-256, field arithmetic and CRC-32 (host calls; status ${twoChecks.first.status}) | ${cpu(twoChecks)} | 2 s |`);
    lines.push(`| … of which RAM flash driver (interpreted here, native on a board) / package source | ${(twoChecks.driverShare * 100).toFixed(0)} % / ${(twoChecks.sourceShare * 100).toFixed(0)} % | |`);
    // The same with the manifest vouching for the image (trust flag bit 4): one Ed25519 check.
    lines.push(`| install a ${kb} KB signed package, host calls, the manifest vouching for the image (one signature check; status ${oneCheck.first.status}) | ${cpu(oneCheck)} | 2 s |`);
    lines.push(`| … of which RAM flash driver / package source | ${(oneCheck.driverShare * 100).toFixed(0)} % / ${(oneCheck.sourceShare * 100).toFixed(0)} % | |`);
    lines.push(`| install a ${kb} KB signed package, JS only (status ${jsOnly.first.status}) | ${cpu(jsOnly)} | – |`);
    lines.push("", `On the Linux build every read of code kept in Storage goes through the emulated flash file; a board maps its flash into memory. An install with host calls pays two Ed25519 verifications (manifest and image), one when the manifest vouches for the image: the difference of the medians, ${(twoChecks.median - oneCheck.median).toFixed(2)} s, is about one verification with the native field arithmetic (examples/espruino/native-arithmetic.js).`);
  }
  lines.push("", "Espruino: 2v29 for Linux (x86-64, -O2): CPU seconds on this machine; a 64 MHz Cortex-M4 is 20–50× slower. Boot steps use the verified-once mode; the native column hashes images with Espruino's require(\"crypto\").SHA256 through the host's sha256 call. Images are 8 KB application bundles, the delta uses the heatshrink codec unless the row says rc; each signed package costs two Ed25519 verifications (manifest and image), with the native field arithmetic in the update steps (the update task attaches it).");
  lines.push(...(await xsRows()));
  return lines.join("\n");
}
