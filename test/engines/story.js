// One device's life, run unchanged inside each engine (Espruino, XS) and
// under Node: factory provisioning, a signed update received in chunks, the
// trial boot and its confirm after check-in, a delta update whose image hangs
// until the watchdog rolls it back. It drives the example loader and update
// task (examples/espruino/) and reports, per step, the decision, the flash
// digest, the time and the peak memory the engine reports while the role ran.
//
// `engine`: { unload() (drop loaded role modules), memory() -> units in use, now() -> seconds, sha256(bytes) -> digest
// or null, read(name) -> package bytes as a string, out(object), and optionally watchArithmetic(sample): call
// sample() from within the host's field arithmetic too }.
function run(engine, input) {
  // Binary values travel as hex: JSON text is UTF-8 to some engines.
  function bytes(hexText) {
    var b = new Uint8Array(hexText.length / 2);
    for (var i = 0; i < b.length; i++) b[i] = parseInt(hexText.substr(2 * i, 2), 16);
    return b;
  }
  function step(name, role, body) {
    // Every step starts as after a reset: no role module loaded.
    if (engine.unload) engine.unload();
    var before = engine.memory();
    peak = before;
    // A signature check makes no flash call: where the engine can, the
    // update roles are also sampled inside the field arithmetic.
    if (role === "update" && flash.sample && engine.watchArithmetic) engine.watchArithmetic(flash.sample);
    var t0 = engine.now();
    var result = body();
    var seconds = engine.now() - t0;
    var after = engine.memory();
    if (after > peak) peak = after;
    var digest = engine.sha256 ? hex(engine.sha256(regionBytes(flash.regions[0]))) + hex(engine.sha256(regionBytes(flash.regions[1]))) + hex(engine.sha256(regionBytes(flash.regions[2]))) : "";
    engine.out({ step: name, role: role, result: result, seconds: seconds, memory: peak - before, flash: digest });
    return result;
  }
  /** A flash region's bytes in one array (the RAM flash keeps them in pieces). */
  function regionBytes(region) {
    if (region.pieces.length === 1) return region.pieces[0].bytes;
    var all = new Uint8Array(region.size);
    for (var p = 0; p < region.pieces.length; p++) all.set(region.pieces[p].bytes, region.pieces[p].at - region.at);
    return all;
  }
  function hex(digest) {
    var d = new Uint8Array(digest), s = "";
    for (var i = 0; i < d.length; i++) s += (d[i] < 16 ? "0" : "") + d[i].toString(16);
    return s;
  }
  function source(name) {
    var data = engine.read(name);
    return function (offset, max) { return data.substr(offset, max); };
  }
  function boot(reason) {
    var d = loader.decide(flash, layout, reason);
    return { slot: d.slot, reason: d.reason, version: d.version };
  }

  var layout = input.layout;
  var flash = require("slotboot-ram-flash").create(layout, engine.sha256);
  var loader = require("slotboot-loader");
  var task = require("slotboot-update-task");
  var options = { publicKey: bytes(input.publicKey) };
  var peak = 0;
  // Memory runs read the engine at every flash call (peak while the role
  // runs); timing runs do not, so their seconds are the core's alone.
  if (input.sampleMemory !== false) flash.sample = function () { var u = engine.memory(); if (u > peak) peak = u; };

  flash.load(layout.slotA, engine.read("image-v1"));
  step("provision", "update", function () { return task.provision(flash, layout, options); });
  step("power-on", "boot", function () { return boot(loader.RESET.powerOn); });
  step("receive v2", "update", function () { return task.receive(flash, layout, options, source("package-v2")); });
  step("trial boot", "boot", function () {
    var d = loader.powerUp(flash, layout, loader.RESET.software);
    return { slot: d.slot, reason: d.reason, version: d.version, app: d.app };
  });
  step("confirm after check-in", "boot", function () {
    return task.confirmAfterCheckIn(flash, layout, function () { return true; });
  });
  step("power-on", "boot", function () { return boot(loader.RESET.powerOn); });
  step("receive delta v3", "update", function () { return task.receive(flash, layout, options, source("package-v3-delta")); });
  step("trial boot", "boot", function () { return boot(loader.RESET.software); });
  for (var hang = 1; hang <= 3; hang++) {
    step("watchdog reset " + hang, "boot", function () { return boot(loader.RESET.watchdog); });
  }
  step("power-on", "boot", function () { return boot(loader.RESET.powerOn); });
}
exports.run = run;
