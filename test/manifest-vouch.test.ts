// A device that lets a package's verified manifest vouch for its image (trust flag bit 4,
// `manifestVouchesForImage`): one signature check per package instead of two. What it accepts
// and what it still refuses, against a device without the option (docs/threat-model.md).
import { describe, expect, it } from "vitest";
import { CORE_KINDS } from "./helpers/cores.js";
import { OTHER_KEY, PUB, pkg, signedDevice, signedImage } from "./helpers/signed.js";
import { parseImage } from "../tools/image.js";
import { SimFlash } from "../bootloader-sim/flash.js";
import { Bootloader, planLayout } from "../bindings/bootloader.js";

const V1 = signedImage({ version: "1.0.0", securityCounter: 1, seed: 1 });
const V2 = signedImage({ version: "2.0.0", securityCounter: 2, seed: 2, size: 5000 });

/** V2 with one bit of its Ed25519 signature flipped: its digest (and the manifest's) unchanged. */
function withBadSignature(image: Uint8Array): Uint8Array {
  const bad = image.slice();
  const signature = parseImage(bad).tlvs.find((t) => t.type === 0x24);
  if (!signature) throw new Error("no Ed25519 signature entry");
  bad[signature.offset + 7] ^= 0x10;
  return bad;
}

async function device(core: (typeof CORE_KINDS)[number], vouches: boolean) {
  const dev = await signedDevice({ core }, V1);
  dev.config.manifestVouchesForImage = vouches;
  return dev;
}

describe.each(CORE_KINDS)("a manifest that vouches for its image, %s core", (core) => {
  it("a good package installs either way", async () => {
    for (const vouches of [false, true]) {
      const dev = await device(core, vouches);
      expect(await dev.installPackage(pkg(V2))).toMatchObject({ slot: "B" });
    }
  });

  it("an image whose own signature is broken: refused without the option, installed with it (its digest is the one the signed manifest binds)", async () => {
    const bad = withBadSignature(V2);
    const plain = await device(core, false);
    await expect(plain.installPackage(pkg(bad))).rejects.toMatchObject({ code: "BAD_SIGNATURE" });
    const vouching = await device(core, true);
    expect(await vouching.installPackage(pkg(bad))).toMatchObject({ slot: "B" });
    // The whole core checks signatures at every boot in the default mode: the image the
    // manifest vouched for is refused there and the device stays on its confirmed image.
    expect(await vouching.powerUp("power")).toMatchObject({ booted: "A", reason: "pending-invalid" });
  });

  it("still refuses an image signed by another key (the key hash names it), and a raw image install is checked in full", async () => {
    const foreign = signedImage({ version: "2.0.0", securityCounter: 2, seed: 2, size: 5000, key: OTHER_KEY });
    const dev = await device(core, true);
    await expect(dev.installPackage(pkg(foreign))).rejects.toMatchObject({ code: "WRONG_KEY" });
    // No manifest, nothing vouches: the raw install path verifies the signature.
    const raw = await device(core, true);
    await expect(raw.installImage(withBadSignature(V2))).rejects.toMatchObject({ code: "BAD_SIGNATURE" });
  });
});

describe("the option needs a key", () => {
  it("is refused without a public key, with a message that says why", async () => {
    const layout = planLayout({ sectorSize: 512, slotSize: 8192 });
    const flash = new SimFlash({ sectorSize: 512, sectorCount: layout.flashSize / 512, writeSize: 4 });
    await expect(Bootloader.open("wasm", flash, layout, { manifestVouchesForImage: true })).rejects.toThrow(/needs a public key/);
    await expect(Bootloader.open("wasm", flash, layout, { publicKey: PUB, manifestVouchesForImage: true })).resolves.toBeDefined();
  });
});
