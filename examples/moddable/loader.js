// Power-up on Moddable: the boot role decides, then the chosen slot's mod
// runs. The role modules are preloaded (manifest.json): their functions and
// read-only tables sit in flash, and each makes its buffers (RAM) and keeps
// one core when its factory is first called. This module is preloaded too,
// so what it exports at module level is frozen (no RAM kept to alias it).
import { createBootCore } from "slotboot/boot";
import { createUpdateCore } from "slotboot/update";
import { createCodecs } from "slotboot/codecs";
import { createP256 } from "slotboot/p256";
import { createCrypt } from "slotboot/crypt";
import { createUnwrap } from "slotboot/unwrap";

export const RESET = Object.freeze({ powerOn: 0, watchdog: 1, software: 2, brownout: 3 });

export function configure(core, layout, host) {
  const status = core.layoutConfigure(layout.control, layout.controlSectors, layout.resume, layout.resumeSectors,
    layout.slotA, layout.slotB, layout.slotSize, host.blockSize ?? layout.sectorSize, layout.writeSize,
    layout.maxAttempts, layout.maxPowerAttempts);
  if (status !== 0) throw new Error(`slotboot: layout refused (${status})`);
  core.hashByHost(true);
  core.bootCheckMode(layout.verifyOnce ? 1 : 0);
  if (layout.keyed) core.bootKeyed(true);
}

export function decide(host, layout, resetReason) {
  const core = createBootCore(host);
  configure(core, layout, host);
  const slot = core.bootDecide(resetReason);
  const version = slot >= 0 && core.slotParse(slot) === 0 ? `${core.imageMajor()}.${core.imageMinor()}.${core.imageRevision()}` : null;
  return { slot, reason: core.bootLastReason(), version };
}

// The update role with the device's trust: the vendor key (through the 1 KiB
// exchange buffer), its hardware revision and bootloader version, and the
// device's decryption key when it has one.
function updateCore(host, layout, trust) {
  const core = createUpdateCore(host);
  configure(core, layout, host);
  // The delta and heatshrink appliers are made only for a package that needs them.
  core.useCodecs(() => createCodecs(host).codecsApplier());
  const io = core.ioBuffer();
  io.fill(0, 0, 64);
  // A 65-byte key is ECDSA P-256 (04 || x || y): bytes 64..129 and flag bit 3,
  // with the P-256 module plugged in; an Ed25519 key goes to bytes 0..32.
  const p256Key = trust.publicKey.length === 65;
  if (p256Key) core.useP256(() => createP256(host));
  io.set(trust.publicKey, p256Key ? 64 : 0);
  // Bit 4: one signature check per package, the verified manifest vouching for
  // the image it binds (docs/threat-model.md).
  core.trustConfigure((p256Key ? 9 : 1) | (trust.manifestVouchesForImage ? 16 : 0), trust.hardwareRevision ?? 0, trust.bootloaderVersion ?? 0);
  // The device's X25519 private key (32 bytes) for packages and images
  // encrypted to it; without one they are refused before a byte is written.
  // The crypt module (the AES-CTR stream) is made only for an encrypted
  // update, with the unwrap module (X25519, HKDF) to open its key, and the key leaves the exchange buffer once the core has its copy.
  // Without a key, a key set by an earlier call is cleared: the role module
  // keeps one core for its whole life.
  const key = trust.decryptionKey;
  if (key) io.set(key, 0);
  core.decryptionConfigure(!!key);
  io.fill(0, 0, 32);
  core.useDecryption(key ? () => {
    const crypt = createCrypt(host);
    crypt.useUnwrap(() => createUnwrap(host));
    return crypt.cryptDecryptor();
  } : null);
  return core;
}

// Factory provisioning: the image programmed into a slot at the factory
// becomes the confirmed one after the full check (digest and signature),
// which only the update role can make. Returns the slot or a negative status:
// -32 (ALREADY_PROVISIONED) on a device with a history, which it leaves as it was.
export function provision(host, layout, trust) {
  return updateCore(host, layout, trust).factoryAdopt();
}

// Receives a package from `source(position, maxBytes)` (a promise of the next
// bytes from that position, empty at the end). Returns 0 when the image is
// installed for a trial boot, or a negative status (docs/status-codes.md).
export async function receive(host, layout, trust, source) {
  const core = updateCore(host, layout, trust);
  const io = core.ioBuffer();
  core.receiveBegin();
  for (;;) {
    const chunk = await source(core.receivePosition(), core.ioBufferSize());
    if (!chunk || chunk.length === 0) break;
    io.set(chunk, 0);
    const taken = core.receiveWrite(chunk.length);
    if (taken < 0) { core.receiveCancel(); return taken; }
  }
  return core.receiveComplete();
}

export function confirmAfterCheckIn(host, layout, checkedIn) {
  const core = createBootCore(host);
  configure(core, layout, host);
  return checkedIn ? core.appConfirm() : core.appReject();
}
