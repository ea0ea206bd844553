// A device that trusts an ECDSA P-256 key, inside Espruino: provisioning
// with a P-256-signed factory image, a P-256-signed package received through
// the example update task (which plugs in the p256 module, build/es5/p256.cjs,
// at the first P-256 signature), and two packages refused: one signed by
// another P-256 key, one whose manifest signature has a flipped bit. Memory is read at every flash call (the p256 module, once loaded,
// stays until the step ends, so it is in every later sample); a P-256 check
// makes no host call, so its own call frames are not seen (the Ed25519
// figures sampled inside checks, docs/delta.md, were about 40 variables above
// those sampled at flash calls only).
// Used by test/engines/espruino-p256.test.ts and `npm run bench -- engines`.
import { createImage, parseVersion } from "../../tools/image.js";
import { MANIFEST_SIGNED_SIZE, packPackage } from "../../tools/package.js";
import { p256PublicKeyOf } from "../../tools/p256-keys.js";
import { LAYOUT, read, storyModules } from "./story.js";
import { espruinoStepJs, runEspruino } from "./espruino.js";

/** The P-256 vendor key of this case (a fixed test scalar) and a stranger's. */
const P256_KEY = Uint8Array.from({ length: 32 }, (_, i) => (i * 37 + 11) & 0xff);
const OTHER_P256_KEY = Uint8Array.from({ length: 32 }, (_, i) => (i * 53 + 5) & 0xff);

const MAIN = `
var S = require("Storage");
var input = JSON.parse(S.read("p256-input"));
function bytes(h) { var b = new Uint8Array(h.length / 2); for (var i = 0; i < b.length; i++) b[i] = parseInt(h.substr(2 * i, 2), 16); return b; }
var layout = input.layout;
var flash = require("slotboot-ram-flash").create(layout, null);
flash.load(layout.slotA, S.read("image-v1"));
${espruinoStepJs(["slotboot-update", "slotboot-p256"])}
var task = require("slotboot-update-task");
var options = { publicKey: bytes(input.publicKey) };
function receive(name) {
  var data = S.read(name);
  return step(function () { return task.receive(flash, layout, options, function (offset, max) { return data.substr(offset, max); }); });
}
var provision = step(function () { var slot = task.provision(flash, layout, options); return { status: slot >= 0 ? 0 : slot, slot: slot }; });
var stranger = receive("package-stranger");
var forged = receive("package-forged");
var before = require("slotboot-loader").decide(flash, layout, 0);
var installed = receive("package-v2");
var decision = require("slotboot-loader").decide(flash, layout, 0);
print("@@" + JSON.stringify({ provision: provision,
  stranger: stranger, forged: forged, afterRefusals: { slot: before.slot, version: before.version }, installed: installed, decided: { slot: decision.slot, version: decision.version } }));
`;

export interface P256Install {
  /** factoryAdopt (slot 0: the factory image in slot A was checked and adopted), with the step's peak variables and seconds */
  provision: { status: number; slot: number; peak: number; seconds: number };
  /** a package signed by another P-256 key: refused by its key id, before any signature check */
  stranger: { status: number; slot: number; peak: number; seconds: number };
  /** the trusted key's package with one bit of its manifest signature flipped: refused by the P-256 check */
  forged: { status: number; slot: number; peak: number; seconds: number };
  /** the loader's decision after the two refusals: still the factory image */
  afterRefusals: { slot: number; version: string | null };
  /** the package signed by the trusted key: status 0, the slot it went to */
  installed: { status: number; slot: number; peak: number; seconds: number };
  /** the loader's decision after the install: the new image's trial */
  decided: { slot: number; version: string | null };
}

/** Provisioning and a signed update of a device that trusts a P-256 key, inside Espruino, JS only (no host calls). */
export function runP256InstallInEspruino(bodyBytes = 4000): P256Install {
  const app = (version: string) => new Uint8Array(Buffer.from(`({ version: "${version}", healthy: true })\n//${"p".repeat(bodyBytes)}`, "latin1"));
  const image = (version: string, secretKey: Uint8Array) => createImage(app(version), {
    version: parseVersion(version), headerSize: 64, securityCounter: 1, key: { type: "ecdsa-p256", secretKey },
  });
  const v1 = image("1.0.0", P256_KEY);
  const v2 = image("2.0.0", P256_KEY);
  const packageV2 = packPackage({ image: v2, secretKey: P256_KEY, keyType: "ecdsa-p256", blockSize: 1024 }).bytes;
  const stranger = packPackage({ image: image("2.0.0", OTHER_P256_KEY), secretKey: OTHER_P256_KEY, keyType: "ecdsa-p256", blockSize: 1024 }).bytes;
  const forged = packageV2.slice();
  forged[MANIFEST_SIGNED_SIZE + 8] ^= 1;
  const input = { layout: LAYOUT, publicKey: Buffer.from(p256PublicKeyOf(P256_KEY)).toString("hex") };
  const modules = storyModules();
  delete (modules as Record<string, string>)["slotboot-codecs"];
  delete (modules as Record<string, string>)["slotboot-story"];
  const run = runEspruino({
    ...modules, "slotboot-p256": read("build/es5/p256.cjs"),
    "image-v1": v1, "package-v2": packageV2, "package-stranger": stranger, "package-forged": forged, "p256-input": JSON.stringify(input),
  }, MAIN, 600_000);
  const result = run.results[0] as unknown as P256Install | undefined;
  if (!result) throw new Error(`P-256 install: no result\n${run.output.slice(-2000)}`);
  return result;
}
