// A device with a decryption key, inside Espruino: packages encrypted to it
// end to end (`slotboot pack --encrypt`), received through the example update
// task, which plugs in the crypt module (build/es5/crypt.cjs: the AES-CTR
// stream, with the unwrap module for the key) when the first encrypted package arrives. The package offered
// without the key (before and after calls that gave it), a package encrypted
// for another device and one with a changed ciphertext byte are refused; the
// encrypted package installs, and the slot then holds the plaintext image
// (its SHA-256 is computed inside the engine and compared on the host).
// Memory is read at every flash call, as in p256-install.ts.
// Used by test/engines/espruino-encrypted.test.ts and `npm run bench -- engines`.
import { x25519 } from "@noble/curves/ed25519.js";
import { createHash } from "node:crypto";
import { ENC_BLOCK_SIZE, MANIFEST_SIZE, packPackage } from "../../tools/package.js";
import { KEY, read, storyFiles, storyModules } from "./story.js";
import { espruinoStepJs, runEspruino } from "./espruino.js";

/** The device's X25519 key of this case (a fixed test scalar) and another device's. */
const DEVICE_SECRET = Uint8Array.from({ length: 32 }, (_, i) => (i * 41 + 3) & 0xff);
const OTHER_SECRET = Uint8Array.from({ length: 32 }, (_, i) => (i * 59 + 17) & 0xff);

const MAIN = `
var S = require("Storage");
var input = JSON.parse(S.read("encrypted-input"));
function bytes(h) { var b = new Uint8Array(h.length / 2); for (var i = 0; i < b.length; i++) b[i] = parseInt(h.substr(2 * i, 2), 16); return b; }
function hex(buffer) { var b = new Uint8Array(buffer), s = ""; for (var i = 0; i < b.length; i++) s += (b[i] < 16 ? "0" : "") + b[i].toString(16); return s; }
var layout = input.layout;
var flash = require("slotboot-ram-flash").create(layout, input.hostHashing ? require("crypto").SHA256 : null);
flash.load(layout.slotA, S.read("image-v1"));
${espruinoStepJs(["slotboot-update", "slotboot-crypt", "slotboot-unwrap", "slotboot-codecs"])}
var task = require("slotboot-update-task");
// Bytes the native AES driver XORed, per step (counted when the harness wraps
// the driver: countAes; else 0).
var nativeAesBytes = 0;
function aesCounted(result, before) { result.aesBytes = nativeAesBytes - before; return result; }
var options = { publicKey: bytes(input.publicKey), decryptionKey: bytes(input.decryptionKey) };
function receive(name) {
  var data = S.read(name), before = nativeAesBytes;
  return aesCounted(step(function () { return task.receive(flash, layout, options, function (offset, max) { return data.substr(offset, max); }); }), before);
}
var provision = step(function () { var slot = task.provision(flash, layout, options); return { status: slot >= 0 ? 0 : slot, slot: slot }; });
var keyed = options;
options = { publicKey: keyed.publicKey };
var keyless = receive("package-v2");
options = keyed;
var stranger = receive("package-other-device");
var tampered = receive("package-tampered");
// The task called without the key straight after a call that gave it, in
// one step (the update module stays loaded, as on a device between calls):
// the key is cleared, not left in the update core.
var aesBefore = nativeAesBytes, keyedStatus = null;
var keylessAfterKey = aesCounted(step(function () {
  var other = S.read("package-other-device"), data = S.read("package-v2");
  keyedStatus = task.receive(flash, layout, keyed, function (offset, max) { return other.substr(offset, max); }).status;
  return task.receive(flash, layout, { publicKey: keyed.publicKey }, function (offset, max) { return data.substr(offset, max); });
}), aesBefore);
keylessAfterKey.keyedStatus = keyedStatus;
var before = require("slotboot-loader").decide(flash, layout, 0);
// The download cut short at input.cutAt (a link that drops), then received
// again: it resumes where the core says, the key opened anew.
aesBefore = nativeAesBytes;
var cut = aesCounted(step(function () {
  var data = S.read("package-v2");
  return task.receive(flash, layout, options, function (offset, max) { return offset >= input.cutAt ? "" : data.substr(offset, Math.min(max, input.cutAt - offset)); });
}), aesBefore);
var resumedFrom = -1;
aesBefore = nativeAesBytes;
var installed = aesCounted(step(function () {
  var data = S.read("package-v2");
  return task.receive(flash, layout, options, function (offset, max) { if (resumedFrom < 0 && offset > 0) resumedFrom = offset; return data.substr(offset, max); });
}), aesBefore);
var decision = require("slotboot-loader").decide(flash, layout, 0);
var slotDigest = hex(require("crypto").SHA256(flash.text(layout.slotB, input.imageLength)));
print("@@" + JSON.stringify({ provision: provision, keyless: keyless, stranger: stranger, tampered: tampered, keylessAfterKey: keylessAfterKey,
  afterRefusals: { slot: before.slot, version: before.version }, cut: cut, resumedFrom: resumedFrom, installed: installed,
  decided: { slot: decision.slot, version: decision.version }, slotDigest: slotDigest }));
`;

/** `aesBytes`: bytes the native AES driver (examples/espruino/native-aes.js) XORed in the step, counted with `countAes` (else 0). */
type Step = { status: number; slot: number; peak: number; seconds: number; aesBytes?: number };
export interface EncryptedInstall {
  provision: Step;
  /** the package, offered while the task is given no decryption key: refused (E_ENCRYPTED_IMAGE), the crypt module never loaded */
  keyless: Step;
  /** a package encrypted for another device: refused (E_ENC_WRONG_DEVICE) before a byte is written */
  stranger: Step;
  /** the device's own package with one ciphertext byte changed: refused by the hash chain */
  tampered: Step;
  /** the package, offered without the key straight after a call with it (another device's package, refused with
   *  `keyedStatus`), the update module loaded throughout: refused (E_ENCRYPTED_IMAGE) */
  keylessAfterKey: Step & { keyedStatus: number };
  afterRefusals: { slot: number; version: string | null };
  /** the package cut short at `cutAt` bytes (a dropped link): not installed */
  cut: Step;
  /** the first offset past 0 the next receive asked for: where it resumed */
  resumedFrom: number;
  cutAt: number;
  /** the package encrypted to this device, received again after the cut: installed into slot B for its trial */
  installed: Step;
  decided: { slot: number; version: string | null };
  /** SHA-256 of slot B's first image-length bytes after the install, computed in the engine */
  slotDigest: string;
  /** the same of the plaintext image, on the host */
  imageDigest: string;
  packageBytes: number;
  imageBytes: number;
}

/**
 * The example native AES driver, unchanged, with a wrapper that adds the bytes
 * each successful call XORed to the harness's `nativeAesBytes` (a few
 * variables more in the peaks: the bench measures without it).
 */
function countingNativeAes(): string {
  return read("examples/espruino/native-aes.js") + `
exports.aesCtr = (function (real) {
  return function (key, keyLength, counter, skip, buf, off, len) {
    var status = real(key, keyLength, counter, skip, buf, off, len);
    if (status === 0) nativeAesBytes += len;
    return status;
  };
})(exports.aesCtr);
`;
}

/**
 * An encrypted update (AES-`aes`, 1 KiB chain blocks) of the story's device, inside Espruino.
 * `countAes`: count the bytes the native AES driver XORs per step (Step.aesBytes).
 */
export function runEncryptedInstallInEspruino(bodyBytes = 8000, aes: 128 | 256 = 128, hostHashing = false, codec?: "heatshrink" | "rc" | "compressed", countAes = false): EncryptedInstall {
  // The story's v2 image, encrypted for this device and for another.
  const { v1, v2, input } = storyFiles(bodyBytes);
  // `codec`: a delta from the factory image (or the image compressed), so the codecs module loads beside the crypt module.
  // "compressed": the whole image heatshrink-compressed (no base).
  const delta = codec === "compressed" ? { encoding: "compressed" as const, codec: "heatshrink" as const } : codec ? { base: v1, codec } : {};
  const pack = (recipient: Uint8Array) => packPackage({ image: v2, secretKey: KEY, blockSize: 1024, ...delta, encryptFor: { recipientPublic: x25519.getPublicKey(recipient), aes } }).bytes;
  const packageV2 = pack(DEVICE_SECRET);
  const tampered = packageV2.slice();
  // A byte in the middle of the payload (the ciphertext).
  tampered[MANIFEST_SIZE + ENC_BLOCK_SIZE + ((packageV2.length - MANIFEST_SIZE - ENC_BLOCK_SIZE) >> 1)] ^= 1;
  // Past the manifest, the encryption block and the first chain blocks, mid-block.
  const cutAt = MANIFEST_SIZE + ENC_BLOCK_SIZE + Math.floor((packageV2.length - MANIFEST_SIZE - ENC_BLOCK_SIZE) * 0.6) + 7;
  const modules = storyModules();
  delete (modules as Record<string, string>)["slotboot-story"];
  const run = runEspruino({
    ...modules, ...(countAes ? { "slotboot-native-aes": countingNativeAes() } : {}), "slotboot-crypt": read("build/es5/crypt.cjs"), "slotboot-unwrap": read("build/es5/unwrap.cjs"),
    "image-v1": v1, "package-v2": packageV2, "package-other-device": pack(OTHER_SECRET), "package-tampered": tampered,
    "encrypted-input": JSON.stringify({
      ...input, layout: { ...input.layout, hostHashing }, hostHashing,
      decryptionKey: Buffer.from(DEVICE_SECRET).toString("hex"), imageLength: v2.length, cutAt,
    }),
  }, MAIN, 900_000);
  const result = run.results[0] as unknown as EncryptedInstall | undefined;
  if (!result) throw new Error(`encrypted install: no result\n${run.output.slice(-2000)}`);
  return { ...result, cutAt, imageDigest: createHash("sha256").update(v2).digest("hex"), packageBytes: packageV2.length, imageBytes: v2.length };
}
