// slotboot loader for Espruino: runs the boot decision at power-up and starts
// the application in the chosen slot. Save as a Storage module ("slotboot-loader")
// beside the boot core ("slotboot-boot" = build/es5/boot.cjs) and call it
// from .bootcde: require("slotboot-loader").powerUp(flash, LAYOUT, resetReason()).
//
// `flash` is the device's flash driver (board-flash.js on a board): read,
// program, erase, optional sha256, and text(addr, len) that returns the bytes
// as a string without copying them into RAM where the board can (E.memoryArea).
// The slot holds an MCUboot image whose body is the application's JavaScript.

/** Reset reasons as the core numbers them (docs/porting.md). */
var RESET = { powerOn: 0, watchdog: 1, software: 2, brownout: 3 };

function configure(core, layout) {
  var status = core.layoutConfigure(layout.control, layout.controlSectors, layout.resume, layout.resumeSectors,
    layout.slotA, layout.slotB, layout.slotSize, layout.sectorSize, layout.writeSize,
    layout.maxAttempts, layout.maxPowerAttempts);
  if (status !== 0) throw new Error("slotboot: layout refused (" + status + ")");
  // Hash with the board's SHA-256 engine when the driver offers one.
  core.hashByHost(!!layout.hostHashing);
  // Verified once: signatures are checked at install, so power-ups only re-hash after a crash.
  core.bootCheckMode(layout.verifyOnce ? 1 : 0);
  if (layout.keyed) core.bootKeyed(true);
}

/** Decide which slot boots. Returns { slot, reason, version, bodyAt, bodySize } (slot -1: stay in recovery). */
function decide(flash, layout, resetReason) {
  var core = require("slotboot-boot").createBootCore(flash);
  configure(core, layout);
  var slot = core.bootDecide(resetReason);
  var result = { slot: slot, reason: core.bootLastReason(), version: null, bodyAt: 0, bodySize: 0 };
  if (slot >= 0 && core.slotParse(slot) === 0) {
    result.version = core.imageMajor() + "." + core.imageMinor() + "." + core.imageRevision();
    var header = core.ioBuffer();
    core.slotHeader(slot);
    var headerSize = header[8] | (header[9] << 8);
    var bodySize = header[12] | (header[13] << 8) | (header[14] << 16) | (header[15] << 24);
    result.bodyAt = (slot === 0 ? layout.slotA : layout.slotB) + headerSize;
    result.bodySize = bodySize;
  }
  return result;
}

/** Power-up: decide, then run the chosen application (or return the decision for recovery). */
function powerUp(flash, layout, resetReason) {
  var decision = decide(flash, layout, resetReason);
  // The boot core is done: let its memory go before the application starts.
  if (typeof Modules !== "undefined") try { Modules.removeCached("slotboot-boot"); } catch (e) { /* not cached */ }
  if (decision.slot < 0) return decision;
  decision.app = eval(flash.text(decision.bodyAt, decision.bodySize));
  return decision;
}

exports.RESET = RESET;
exports.configure = configure;
exports.decide = decide;
exports.powerUp = powerUp;
