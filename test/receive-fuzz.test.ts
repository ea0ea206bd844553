// Fuzzing the receiver with mutated valid packages: bit flips, truncation,
// extension, length fields at their extremes (unsigned, and re-signed so the
// checks behind the signature are reached), one package's manifest with
// another's payload, and replayed older packages. Every case must end in a
// typed error or a correct install; nothing may escape the core; the running
// slot stays byte-identical. `npm run test:fuzz` runs >= 100,000 cases.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { SlotbootError } from "../bindings/errors.js";
import { SimDevice } from "../bootloader-sim/device.js";
import { CORE_KINDS } from "./helpers/cores.js";
import { LONG } from "./helpers/world.js";
import { KEY, pkg, signedDevice, signedImage, slotBytes } from "./helpers/signed.js";
import { MANIFEST_OFFSETS, packPackage } from "../tools/package.js";

/** `npm run test:fuzz`: the >= 100,000-case run. */
const FUZZ = process.env.SLOTBOOT_FUZZ === "1";

const V1 = signedImage({ version: "1.0.0", securityCounter: 2, seed: 1, size: 2500 });
const V2 = signedImage({ version: "2.0.0", securityCounter: 3, seed: 2, size: 4000 });
const V0 = signedImage({ version: "0.9.0", securityCounter: 1, seed: 9, size: 3000 });
const GOOD = pkg(V2, { blockSize: 512 });
const OLD = pkg(V0, { blockSize: 512 });
const OTHER = pkg(signedImage({ version: "2.1.0", securityCounter: 3, seed: 5, size: 4000 }), { blockSize: 512 });

const EXTREMES = [0, 1, 2, 255, 256, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffff0];
const FIELDS: Array<keyof typeof MANIFEST_OFFSETS> = ["imageSize", "payloadSize", "blockSize", "dataSize", "baseSize", "securityCounter", "encoding", "codec", "hwRevMin", "hwRevMax", "minBootloader"];

type Mutation =
  | { k: "flip"; at: number[]; bit: number }
  | { k: "truncate"; len: number }
  | { k: "extend"; extra: number[] }
  | { k: "field"; field: (typeof FIELDS)[number]; value: number; resign: boolean }
  | { k: "splice" }
  | { k: "replay" }
  | { k: "none" };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ k: fc.constant("flip" as const), at: fc.array(fc.nat({ max: GOOD.length - 1 }), { minLength: 1, maxLength: 4 }), bit: fc.nat({ max: 7 }) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant("truncate" as const), len: fc.nat({ max: GOOD.length - 1 }) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant("extend" as const), extra: fc.array(fc.nat({ max: 255 }), { minLength: 1, maxLength: 40 }) }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant("field" as const), field: fc.constantFrom(...FIELDS), value: fc.oneof(fc.constantFrom(...EXTREMES), fc.nat()), resign: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constant({ k: "splice" as const }) },
  { weight: 1, arbitrary: fc.constant({ k: "replay" as const }) },
  { weight: 1, arbitrary: fc.constant({ k: "none" as const }) },
);

function mutate(m: Mutation): { bytes: Uint8Array; intact: boolean } {
  switch (m.k) {
    case "flip": {
      const b = GOOD.slice();
      for (const at of m.at) b[at] ^= 1 << m.bit;
      return { bytes: b, intact: false };
    }
    case "truncate":
      return { bytes: GOOD.slice(0, m.len), intact: false };
    case "extend": {
      const b = new Uint8Array(GOOD.length + m.extra.length);
      b.set(GOOD);
      b.set(m.extra, GOOD.length);
      return { bytes: b, intact: false };
    }
    case "field": {
      const width = ["encoding", "codec"].includes(m.field) ? 1 : ["hwRevMin", "hwRevMax"].includes(m.field) ? 2 : 4;
      const value = width === 1 ? m.value & 0xff : width === 2 ? m.value & 0xffff : m.value >>> 0;
      if (m.resign) {
        const r = packPackage({ image: V2, secretKey: KEY, blockSize: 512, manifest: { [m.field]: value }, unchecked: true });
        return { bytes: r.bytes, intact: false };
      }
      const b = GOOD.slice();
      const dv = new DataView(b.buffer);
      const at = MANIFEST_OFFSETS[m.field];
      if (width === 1) b[at] = value;
      else if (width === 2) dv.setUint16(at, value, true);
      else dv.setUint32(at, value, true);
      return { bytes: b, intact: false };
    }
    case "splice": {
      const b = new Uint8Array(256 + OTHER.length - 256);
      b.set(GOOD.subarray(0, 256));
      b.set(OTHER.subarray(256), 256);
      return { bytes: b, intact: false };
    }
    case "replay":
      return { bytes: OLD, intact: false };
    case "none":
      return { bytes: GOOD, intact: true };
  }
}

describe.each(CORE_KINDS)("receiver fuzz, %s core", (core) => {
  it("mutated packages end in a typed error or a correct install; the running slot is untouched", async () => {
    const base = await signedDevice({ core, sectorSize: 512, slotSize: 8192 }, V1);
    const slotA = slotBytes(base, "A", 8192);
    const codes = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(mutationArb, fc.integer({ min: 1, max: 2000 }), async (m, chunk) => {
        const dev = new SimDevice(base.config, base.flash.clone(), { ...base.runtime });
        const { bytes, intact } = mutate(m);
        let installed = false;
        try {
          await dev.installPackage(bytes, chunk);
          installed = true;
        } catch (e) {
          expect(e, `escaped the core: ${String(e)}`).toBeInstanceOf(SlotbootError);
          const code = (e as SlotbootError).code;
          expect(/^UNKNOWN_-?\d+$/.test(code), `untyped status ${code}`).toBe(false);
          codes.set(code, (codes.get(code) ?? 0) + 1);
        }
        // Whatever happened, slot A is byte-identical and still the confirmed image.
        expect(slotBytes(dev, "A", 8192)).toEqual(slotA);
        const st = await dev.state();
        expect(st.confirmed).toBe("A");
        expect(st.securityFloor).toBe(2);
        if (installed) {
          // Only an install whose rebuilt image is exactly V2 may succeed.
          expect(slotBytes(dev, "B", V2.length)).toEqual(V2);
          expect(st.slots.B).toMatchObject({ state: "pending", version: "2.0.0" });
        }
        if (intact) expect(installed).toBe(true);
        const r = await dev.powerUp("power");
        expect(r.booted).toBe(installed ? "B" : "A");
      }),
      { numRuns: FUZZ ? (core === "wasm" ? 100_000 : 20_000) : LONG ? 5000 : core === "wasm" ? 400 : 150, seed: Number(process.env.SLOTBOOT_SEED ?? 0xf022) },
    );
    // The run reached the checks behind the signature, not only the signature.
    for (const c of ["BAD_SIGNATURE", "CHAIN_MISMATCH", "TRUNCATED", "DOWNGRADE", "PAYLOAD_SIZE"]) expect(codes.get(c) ?? 0, c).toBeGreaterThan(0);
  });
});
