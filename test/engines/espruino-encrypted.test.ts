// A device with a decryption key, inside Espruino (tools/engines/encrypted-install.ts):
// packages encrypted end to end go through the example update task, which
// plugs the crypt module in for the first encrypted package and attaches
// Espruino's native AES (counted here: the bytes it XORed). Offered without
// the key (also after calls that gave it), encrypted for another device, or with a ciphertext byte changed, a
// package is refused with its own status and the loader still sees the
// factory image; the package encrypted to this device, cut short once and
// received again (it resumes, the key opened anew), installs, and the slot
// then holds the plaintext image byte for byte.
import { describe, expect, it } from "vitest";
import { espruinoBinary } from "../../tools/engines/espruino.js";
import { runEncryptedInstallInEspruino } from "../../tools/engines/encrypted-install.js";
import { STATUS_TABLE } from "../../bindings/status-table.js";
import { ENC_BLOCK_SIZE, MANIFEST_SIZE } from "../../tools/package.js";

const coreStatus = (name: string) => STATUS_TABLE.find((e) => e.scope === "core" && e.core === name)!.status;

const binary = espruinoBinary();
if (!binary) console.warn("[espruino] interpreter not found: the encrypted-package device test is skipped");

describe.skipIf(!binary)("an encrypted package inside Espruino", () => {
  it("refuses it without the key, for another device, or tampered; installs and decrypts the one for this device, resumed after a cut", () => {
    const r = runEncryptedInstallInEspruino(8000, 256, false, undefined, true);
    expect(r.provision).toMatchObject({ status: 0, slot: 0 });
    expect(r.keyless).toMatchObject({ status: coreStatus("E_ENCRYPTED_IMAGE"), slot: -1, aesBytes: 0 });
    expect(r.stranger).toMatchObject({ status: coreStatus("E_ENC_WRONG_DEVICE"), slot: -1, aesBytes: 0 });
    expect(r.tampered).toMatchObject({ status: coreStatus("E_CHAIN_MISMATCH"), slot: -1 });
    // A call without the key straight after one with it (the update module still
    // loaded): the key was not kept, and the package is refused again.
    expect(r.keylessAfterKey).toMatchObject({ keyedStatus: coreStatus("E_ENC_WRONG_DEVICE"), status: coreStatus("E_ENCRYPTED_IMAGE"), slot: -1, aesBytes: 0 });
    expect(r.afterRefusals).toEqual({ slot: 0, version: "1.0.0" });
    // Cut short mid-payload, then received again: it resumes past the manifest and the
    // encryption block, at a saved chain block before the cut, and decrypts from there.
    expect(r.cut.status).toBe(coreStatus("E_TRUNCATED"));
    expect(r.resumedFrom).toBeGreaterThan(MANIFEST_SIZE + ENC_BLOCK_SIZE);
    expect(r.resumedFrom).toBeLessThanOrEqual(r.cutAt);
    expect(r.installed).toMatchObject({ status: 0, slot: 1 });
    expect(r.decided).toEqual({ slot: 1, version: "2.0.0" });
    expect(r.slotDigest).toBe(r.imageDigest);
    // Espruino's AES did the decrypting. The tampered download's blocks before
    // the changed one passed the hash chain and were kept, so the cut download
    // resumed from there, and the last one from the cut: between them the
    // three XORed every ciphertext byte natively, none of them all of it.
    for (const s of [r.tampered, r.cut, r.installed]) expect(s.aesBytes).toBeGreaterThan(0);
    expect(r.tampered.aesBytes! + r.cut.aesBytes! + r.installed.aesBytes!).toBeGreaterThanOrEqual(r.imageBytes);
    expect(r.installed.aesBytes).toBeLessThan(r.imageBytes);
    // Without a key nothing was decrypted: the crypt module never loaded (far below the others).
    expect(r.keyless.peak).toBeLessThan(r.stranger.peak - 300);
    console.log(`[espruino] encrypted package (AES-256, ${r.packageBytes} bytes), peak variables (sampled at flash calls and step ends): install ${r.installed.peak} (${r.installed.seconds.toFixed(1)} s, ${r.installed.aesBytes} bytes by native AES; the counting wrapper included), other device ${r.stranger.peak} (${r.stranger.seconds.toFixed(1)} s), without the key ${r.keyless.peak}`);
  }, 300_000);

  it.each([["a heatshrink delta", "heatshrink"], ["a heatshrink-compressed image", "compressed"]] as const)("encrypted, %s: the crypt and codecs modules together, decrypted then decoded", (_name, codec) => {
    const r = runEncryptedInstallInEspruino(8000, 128, true, codec, true);
    expect(r.keyless).toMatchObject({ status: coreStatus("E_ENCRYPTED_IMAGE"), slot: -1 });
    expect(r.keylessAfterKey).toMatchObject({ keyedStatus: coreStatus("E_ENC_WRONG_DEVICE"), status: coreStatus("E_ENCRYPTED_IMAGE"), slot: -1, aesBytes: 0 });
    expect(r.stranger).toMatchObject({ status: coreStatus("E_ENC_WRONG_DEVICE"), slot: -1 });
    expect(r.tampered.status).toBeLessThan(0);
    expect(r.afterRefusals).toEqual({ slot: 0, version: "1.0.0" });
    expect(r.cut.status).toBe(coreStatus("E_TRUNCATED"));
    expect(r.resumedFrom).toBeGreaterThanOrEqual(MANIFEST_SIZE + ENC_BLOCK_SIZE);
    expect(r.installed).toMatchObject({ status: 0, slot: 1 });
    expect(r.decided).toEqual({ slot: 1, version: "2.0.0" });
    expect(r.slotDigest).toBe(r.imageDigest);
    expect(r.installed.aesBytes).toBeGreaterThan(0);
    console.log(`[espruino] encrypted package, ${_name} (AES-128, ${r.packageBytes} bytes, host hashing), peak variables: install ${r.installed.peak} (${r.installed.seconds.toFixed(1)} s)`);
  }, 300_000);
});
