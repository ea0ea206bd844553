// The public bindings entry: sha256 and ed25519Verify from the core, on both builds.
import { afterAll, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { ed25519 } from "@noble/curves/ed25519.js";
import { sha256, ed25519Verify, useCore, CORE_KINDS } from "../bindings/index.js";

// RFC 8032 section 7.1, TEST 2.
const PUB = Buffer.from("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "hex");
const MSG = Buffer.from("72", "hex");
const SIG = Buffer.from(
  "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
  "hex",
);

describe.each(CORE_KINDS)("bindings entry on the %s build", (kind) => {
  it("sha256 matches node:crypto", async () => {
    await useCore(kind);
    for (const n of [0, 3, 55, 56, 64, 1023, 1024, 5000]) {
      const m = Uint8Array.from({ length: n }, (_, i) => (i * 7 + n) & 0xff);
      expect(Buffer.from(sha256(m)).toString("hex")).toBe(createHash("sha256").update(m).digest("hex"));
    }
  });
  it("ed25519Verify accepts the RFC 8032 vector and rejects tampering", async () => {
    await useCore(kind);
    expect(ed25519Verify(PUB, MSG, SIG)).toBe(true);
    const bad = Uint8Array.from(SIG);
    bad[10] ^= 1;
    expect(ed25519Verify(PUB, MSG, bad)).toBe(false);
    const sk = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
    const msg = new TextEncoder().encode("slotboot");
    expect(ed25519Verify(ed25519.getPublicKey(sk), msg, ed25519.sign(msg, sk))).toBe(true);
  });
});

afterAll(() => useCore("wasm"));
