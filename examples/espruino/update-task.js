// slotboot update task for Espruino: receives an update package into the
// other slot, then the device resets into the trial. Save as a Storage module
// ("slotboot-update-task") beside the update core ("slotboot-update" =
// build/es5/update.cjs). Load it only while an update runs.
//
// `source(offset, max)` returns the next bytes of the package from `offset`
// (a string or Uint8Array, at most `max` bytes; empty at the end), from
// wherever the package comes: HTTP with a Range header, a gateway link, a file.

function trust(core, flash, options) {
  var io = core.ioBuffer();
  if (options.publicKey) vendorKey(core, io, options);
  decryption(core, flash, io, options);
}

/** The vendor key (Ed25519, or P-256 with the p256 module), with the vendor, class and hardware checks. */
function vendorKey(core, io, options) {
  for (var i = 0; i < 64; i++) io[i] = 0;
  var flags = 1;
  // A 65-byte key is an ECDSA P-256 point (04 || x || y): bytes 64..129, flag
  // bit 3, and the P-256 module ("slotboot-p256" = build/es5/p256.cjs) plugged
  // in; it loads at the first signature check. An Ed25519 key never loads it.
  if (options.publicKey.length === 65) {
    io.set(options.publicKey, 64);
    flags |= 8;
    if (core.useP256) core.useP256(function () { return require("slotboot-p256").createP256(null); });
  } else {
    io.set(options.publicKey, 0);
  }
  if (options.vendor) { io.set(options.vendor, 32); flags |= 2; }
  if (options.deviceClass) { io.set(options.deviceClass, 48); flags |= 4; }
  // One signature check per package: the verified manifest vouches for the image (docs/threat-model.md).
  if (options.manifestVouchesForImage) flags |= 16;
  core.trustConfigure(flags, options.hardwareRevision || 0, options.bootloaderVersion || 0);
}

function decryption(core, flash, io, options) {
  // The device's X25519 private key (32 bytes), for packages and images
  // encrypted to it: without one they are refused before a byte is written.
  // The crypt module ("slotboot-crypt" = build/es5/crypt.cjs, the AES-CTR
  // stream) is plugged in and loads only when an update turns out to be
  // encrypted; it loads the unwrap module ("slotboot-unwrap" =
  // build/es5/unwrap.cjs: X25519, HKDF, HMAC) only to open the key, and the
  // receive loop lets that go once the key is open. The key leaves the
  // exchange buffer once the core has its copy. Without a key, one set by an
  // earlier call is cleared (the update module keeps one core for as long as
  // it stays loaded).
  var key = options.decryptionKey;
  if (key) io.set(key, 0);
  core.decryptionConfigure(key ? 1 : 0);
  io.fill(0, 0, 32);
  if (core.useDecryption) core.useDecryption(key ? function () {
    var crypt = require("slotboot-crypt").createCrypt(flash);
    crypt.useUnwrap(function () { return require("slotboot-unwrap").createUnwrap(flash); });
    return crypt.cryptDecryptor();
  } : null);
}

/**
 * The field arithmetic alone, on (copied into RAM from the module) or off:
 * the update task holds it only for the signature checks. The CRC-32 and
 * SHA-512 calls stay (the CRC serves every slot page; neither is a copy).
 */
function fieldArithmetic(flash, on) {
  if (!on) {
    delete flash.fieldMultiply;
    delete flash.fieldAdd;
    delete flash.fieldSubtract;
    return;
  }
  var native = require("slotboot-native-arithmetic");
  flash.fieldMultiply = native.fieldMultiply();
  flash.fieldAdd = native.fieldAdd();
  flash.fieldSubtract = native.fieldSubtract();
}

/**
 * Espruino's native arithmetic for the update core (native-arithmetic.js,
 * Storage module "slotboot-native-arithmetic"): the host calls fieldMultiply,
 * fieldAdd, fieldSubtract, crc32 and sha512 on the driver while the core runs,
 * unless `options.nativeArithmetic` is false, the driver has any of its own,
 * or the engine is not Espruino (this task also runs in XS). Returns whether
 * there is anything to undo afterwards.
 */
function attachArithmetic(flash, options) {
  if (options.nativeArithmetic === false || typeof E === "undefined") return false;
  if (flash.fieldMultiply || flash.fieldAdd || flash.fieldSubtract || flash.crc32 || flash.sha512) return false;
  fieldArithmetic(flash, true);
  var native = require("slotboot-native-arithmetic");
  flash.crc32 = native.crc32;
  flash.sha512 = native.sha512;
  return true;
}

function detachArithmetic(flash, attached) {
  if (!attached) return;
  fieldArithmetic(flash, false);
  delete flash.crc32;
  delete flash.sha512;
  forget("slotboot-native-arithmetic");
}

/** A chunk given as a string (Storage and HTTP give strings): its character codes into the exchange buffer. */
function copyText(io, text) {
  for (var i = 0; i < text.length; i++) io[i] = text.charCodeAt(i);
}

/**
 * Receive one package. Resumes where an interrupted download stopped (the
 * core says where: receivePosition()). Returns { status, position, slot }:
 * status 0 = installed, pending its trial boot.
 */
function receive(flash, layout, options, source) {
  var core = require("slotboot-update").createUpdateCore(flash);
  require("slotboot-loader").configure(core, layout);
  trust(core, flash, options);
  var attached = attachArithmetic(flash, options), fields = attached, aes = false, opening = true;
  // Espruino's native AES for an encrypted update (the driver's `aesCtr`,
  // "slotboot-native-aes" = native-aes.js), on the same terms as the arithmetic. It stays
  // for the whole download, codecs or not: it is no RAM copy, and the
  // interpreted AES takes about 14 s per 200 KB on this machine's CPU (1.1 s
  // per 16 KiB, against 0.02 s natively), minutes on a board.
  // Without the module in Storage the core decrypts by itself.
  if (options.decryptionKey && options.nativeArithmetic !== false && typeof E !== "undefined" && !flash.aesCtr) {
    try { flash.aesCtr = require("slotboot-native-aes").aesCtr; aes = true; } catch (e) { /* not stored */ }
  }
  // The codecs module ("slotboot-codecs" = build/es5/codecs.cjs) is loaded
  // only if the package turns out to be compressed or a delta.
  // The native arithmetic makes way for them: the codecs are the larger
  // module, and the manifest's signature is checked by then.
  if (core.useCodecs) core.useCodecs(function () {
    forget("slotboot-unwrap");
    detachArithmetic(flash, attached);
    attached = false;
    return require("slotboot-codecs").createCodecs(flash).codecsApplier();
  });
  var io = core.ioBuffer();
  var size = core.ioBufferSize();
  var result;
  // Per chunk: the core may take fewer bytes than offered, so the loop asks
  // again from its position. The chunk is let go of before the core runs (it
  // is in the exchange buffer; a second copy would add to the peak memory).
  // No comments inside the loop: Espruino reads its text at every turn.
  // The native field arithmetic serves the two signature checks only: the
  // manifest's, while the state is still 1 (manifest; an encrypted package's
  // key is opened then too, and the unwrap module is let go of with it), and
  // the image's, in receiveComplete(). In between its RAM copies are let go of, so the chain
  // blocks a host SHA-256 gathers (up to 4 KiB) do not add to them
  // (docs/delta.md). A
  // source that throws still gets the driver back as it was (Espruino runs
  // no `finally` block on a throw, so: catch, tidy, throw again).
  try {
    core.receiveBegin();
    var position, chunk, length, taken;
    for (;;) {
      position = core.receivePosition();
      chunk = source(position, size);
      if (!chunk || !(length = chunk.length)) break;
      if (typeof chunk === "string") copyText(io, chunk);
      else io.set(chunk, 0);
      chunk = null;
      taken = core.receiveWrite(length);
      if (taken < 0) break;
      if (opening && core.receiveState() !== 1) { opening = false; forget("slotboot-unwrap"); if (fields) { fieldArithmetic(flash, false); fields = false; } }
    }
    if (taken < 0) {
      core.receiveCancel();
      result = { status: taken, position: position, slot: -1 };
    } else {
      // State 4: the payload is all there and the image's check is next; a
      // download cut short fails at once, with no check to speed up.
      if (attached && !fields && core.receiveState() === 4) fieldArithmetic(flash, true);
      var status = core.receiveComplete();
      result = { status: status, position: core.receivePosition(), slot: core.receiveSlot() };
    }
  } catch (e) {
    release(flash, attached, aes, core);
    throw e;
  }
  release(flash, attached, aes, core);
  return result;
}

/**
 * After a download: the native arithmetic and AES off the driver, the codecs
 * and crypt modules out of the module cache, and out of the update core (its
 * sockets held the applier and the decryptor; the next receive() plugs them
 * in again).
 */
function release(flash, attached, aes, core) {
  if (core.useCodecs) core.useCodecs(null);
  if (core.useDecryption) core.useDecryption(null);
  detachArithmetic(flash, attached);
  if (aes) { delete flash.aesCtr; forget("slotboot-native-aes"); }
  forget("slotboot-codecs");
  forget("slotboot-crypt");
  forget("slotboot-unwrap");
}

/** A Storage module out of the module cache (its memory freed once nothing holds it), if it was loaded. */
function forget(name) {
  if (typeof Modules !== "undefined") try { Modules.removeCached(name); } catch (e) { /* not loaded */ }
}

/**
 * On the trial image, after its health check: confirm only once the new
 * image has reached the update server (`checkIn()` returns true), so an image
 * that cannot be updated again is never made permanent.
 */
function confirmAfterCheckIn(flash, layout, checkIn) {
  var core = require("slotboot-boot").createBootCore(flash);
  require("slotboot-loader").configure(core, layout);
  if (!checkIn()) return core.appReject();
  return core.appConfirm();
}

/**
 * Factory provisioning: the image already programmed into a slot becomes the
 * confirmed one, after the full check (digest and signature) that only the
 * update core can make. Returns the slot or a negative status: -32
 * (ALREADY_PROVISIONED) on a device with a history, which it leaves as it was.
 */
function provision(flash, layout, options) {
  var core = require("slotboot-update").createUpdateCore(flash);
  require("slotboot-loader").configure(core, layout);
  trust(core, flash, options);
  var attached = attachArithmetic(flash, options);
  var slot = core.factoryAdopt();
  detachArithmetic(flash, attached);
  return slot;
}

exports.provision = provision;
exports.receive = receive;
exports.confirmAfterCheckIn = confirmAfterCheckIn;
