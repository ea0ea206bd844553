// The agent's device on a board (Espruino, XS): the core's roles over the
// board's flash. The update role ("slotboot-update") is loaded only while a
// package is received; the boot role ("slotboot-boot") answers status,
// confirm and reject. Plain ES5, nothing hoisted, like agent.js.
//
// options: { flash, layout (as examples/espruino/loader.js), running (the slot
// the loader booted), bootReason (its reason), trust: { publicKey, vendor, deviceClass,
// hardwareRevision } (bytes), store: { load(), save(text) }, now(), random(),
// reboot(), attributes (extra configData, optional) }.

function createCoreDevice(options) {
  var flash = options.flash;
  var layout = options.layout;
  var loader = require("slotboot-loader");
  var update = null;
  var boot = null;
  var cached = null;
  var confirmed = false;
  // Boot decision reasons (bindings/names.ts BOOT_REASONS) that start or continue a trial.
  var TRIAL_START = 2;
  var TRIAL_CONTINUE = 3;
  var TRIAL_RETRY = 4;

  function bootCore() {
    if (!boot) {
      boot = require("slotboot-boot").createBootCore(flash);
      loader.configure(boot, layout);
    }
    return boot;
  }

  function trust(core) {
    var t = options.trust || {};
    if (!t.publicKey) return;
    var io = core.ioBuffer();
    for (var i = 0; i < 64; i++) io[i] = 0;
    var flags = 1;
    io.set(t.publicKey, 0);
    if (t.vendor) { io.set(t.vendor, 32); flags |= 2; }
    if (t.deviceClass) { io.set(t.deviceClass, 48); flags |= 4; }
    if (t.manifestVouchesForImage) flags |= 16;
    core.trustConfigure(flags, t.hardwareRevision || 0, t.bootloaderVersion || 0x010000);
  }

  function versionOf(core, slot) {
    if (slot < 0 || core.slotParse(slot) !== 0) return "none";
    return core.imageMajor() + "." + core.imageMinor() + "." + core.imageRevision();
  }

  // The boot role keeps no state getters (memory): whether this run is a
  // trial comes from the loader's decision at power-up (options.bootReason).
  function status() {
    if (cached) return cached;
    var core = bootCore();
    var reason = options.bootReason;
    var trial = !confirmed && (reason === TRIAL_START || reason === TRIAL_CONTINUE || reason === TRIAL_RETRY);
    var version = versionOf(core, options.running);
    var attributes = {
      version: version,
      runningSlot: options.running === 0 ? "A" : options.running === 1 ? "B" : "none",
      trial: trial ? "yes" : "no",
      bootReason: String(reason)
    };
    var extra = options.attributes || {};
    for (var key in extra) attributes[key] = extra[key];
    cached = { version: version, trial: trial, lastEvent: "boot reason " + reason, attributes: attributes };
    return cached;
  }

  function receiveBegin() {
    if (!update) {
      update = require("slotboot-update").createUpdateCore(flash);
      loader.configure(update, layout);
      trust(update);
      if (update.useCodecs) update.useCodecs(function () { return require("slotboot-codecs").createCodecs(flash).codecsApplier(); });
    }
    update.receiveBegin();
  }

  function receivePosition() {
    return update ? update.receivePosition() : 0;
  }

  function receiveWrite(bytes, from, to) {
    var io = update.ioBuffer();
    var n = to - from;
    if (n > io.length) n = io.length;
    io.set(new Uint8Array(bytes.buffer, bytes.byteOffset + from, n), 0);
    return update.receiveWrite(n);
  }

  function unloadUpdate() {
    update = null;
    if (typeof Modules !== "undefined") {
      try { Modules.removeCached("slotboot-update"); } catch (e) { /* not cached */ }
      try { Modules.removeCached("slotboot-codecs"); } catch (e2) { /* not cached */ }
    }
  }

  function receiveComplete() {
    var result = update.receiveComplete();
    unloadUpdate();
    cached = null;
    return result;
  }

  function receiveCancel() {
    if (update) update.receiveCancel();
    unloadUpdate();
  }

  function confirm() {
    cached = null;
    var result = bootCore().appConfirm();
    if (result >= 0) confirmed = true;
    return result < 0 ? result : 0;
  }

  function reject() {
    cached = null;
    return bootCore().appReject();
  }

  return {
    now: options.now,
    random: options.random,
    load: options.store.load,
    save: options.store.save,
    status: status,
    receiveBegin: receiveBegin,
    receivePosition: receivePosition,
    receiveWrite: receiveWrite,
    receiveComplete: receiveComplete,
    receiveCancel: receiveCancel,
    confirm: confirm,
    reject: reject,
    reboot: options.reboot
  };
}

exports.createCoreDevice = createCoreDevice;
