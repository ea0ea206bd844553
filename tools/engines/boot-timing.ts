// The power-on boot decision's CPU time inside Espruino, as a board makes it:
// the boot module loaded from Storage (function bodies stay in flash), the
// verified-once mode, a confirmed image and a power-on reset. The figure is
// the engine's CPU time for `rounds` decisions less the same run with none,
// divided by `rounds`: wall time on a shared machine says little.
//
// `fromRam` loads the same module text from a RAM string instead: on the
// Linux build every read of code kept in Storage goes through the emulated
// flash file (an open, seek, read and close), which a board's memory-mapped
// flash does not pay, so the two figures bound a board's interpretive cost.
import { runEspruino } from "./espruino.js";
import { storyFiles, storyModules } from "./story.js";

export interface BootTiming {
  /** CPU milliseconds per power-up: load the boot module, configure, decide, parse the chosen image. */
  powerUpMs: number;
  /** CPU milliseconds of bootDecide() alone (module loaded and configured). */
  decideMs: number;
  fromRam: boolean;
}

const MAIN = `
var S = require("Storage");
var input = JSON.parse(S.read("story-input"));
function bytes(h) { var b = new Uint8Array(h.length / 2); for (var i = 0; i < b.length; i++) b[i] = parseInt(h.substr(2 * i, 2), 16); return b; }
var layout = input.layout;
var flash = require("slotboot-ram-flash").create(layout, function (b) { return require("crypto").SHA256(b); });
flash.load(layout.slotA, S.read("image-v1"));
require("slotboot-update-task").provision(flash, layout, { publicKey: bytes(input.publicKey) });
Modules.removeCached("slotboot-update");
var loader = require("slotboot-loader");
if (input.fromRam) {
  var text = S.read("slotboot-boot") + "";
  Modules.addCached("slotboot-boot-ram", text);
}
function bootModule() { return require(input.fromRam ? "slotboot-boot-ram" : "slotboot-boot"); }
// The first decision counts the power-on and settles the state; the timed ones repeat it.
print("@@" + JSON.stringify({ first: loader.decide(flash, layout, 0).slot }));
var core = null;
if (input.part === "decide") { core = bootModule().createBootCore(flash); loader.configure(core, layout); }
for (var k = 0; k < input.rounds; k++) {
  if (input.part === "decide") core.bootDecide(0);
  else { Modules.removeCached(input.fromRam ? "slotboot-boot-ram" : "slotboot-boot"); if (input.fromRam) Modules.addCached("slotboot-boot-ram", text); loader.decide(flash, layout, 0); }
}
print("@@" + JSON.stringify({ done: input.rounds }));
`;

function cpuOf(part: "decide" | "powerUp", rounds: number, fromRam: boolean): number {
  const { v1, input } = storyFiles();
  const files = {
    ...storyModules(), "image-v1": v1,
    "story-input": JSON.stringify({ ...input, layout: { ...input.layout, verifyOnce: true }, rounds, part, fromRam }),
  };
  const run = runEspruino(files, MAIN, 600_000);
  if (!run.results.some((r) => r.done === rounds)) throw new Error(`boot timing: the run did not finish\n${run.output.slice(-2000)}`);
  return run.cpuSeconds;
}

/** CPU time per boot decision and per power-up, from `rounds` repetitions. */
export function bootTimingInEspruino(fromRam = false, rounds = 40): BootTiming {
  const per = (part: "decide" | "powerUp") => ((cpuOf(part, rounds, fromRam) - cpuOf(part, 0, fromRam)) / rounds) * 1000;
  return { decideMs: per("decide"), powerUpMs: per("powerUp"), fromRam };
}
