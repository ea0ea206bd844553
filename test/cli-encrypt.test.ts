// The encryption verbs end to end through the CLI: keygen --type x25519,
// image create --encrypt, pack --encrypt, sim create --enc-key, sim install,
// verify and inspect of an encrypted package (what a gateway can check).
import { beforeAll, expect, it } from "vitest";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { slotboot, tempDir } from "./helpers/cli.js";
import { body } from "./helpers/signed.js";

let dir: string;
const run = (...args: string[]) => slotboot(args, dir);
const FIRMWARE = body(7000, 21);

beforeAll(() => {
  dir = tempDir();
  writeFileSync(join(dir, "fw1.bin"), body(3000, 20));
  writeFileSync(join(dir, "fw2.bin"), FIRMWARE);
  for (const args of [
    ["keygen", "--out", "sign"],
    ["keygen", "--type", "x25519", "--out", "dev"],
    ["keygen", "--type", "x25519", "--out", "other"],
    ["image", "create", "--in", "fw1.bin", "--version", "1.0.0", "--key", "sign.key", "--security-counter", "1", "--out", "v1.img"],
    ["sim", "create", "d.sim", "--image", "v1.img", "--pub", "sign.pub", "--enc-key", "dev.key", "--slot-size", "65536", "--sector-size", "4096"],
  ]) {
    const r = run(...args);
    expect(r.status, `${args.join(" ")}: ${r.stderr}`).toBe(0);
  }
}, 60_000);

it("keygen --type x25519 writes PEM files with the X25519 OID and names the recipient ID", () => {
  expect(readFileSync(join(dir, "dev.key"), "utf8")).toMatch(/^-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VuBCIEI/);
  expect(readFileSync(join(dir, "dev.pub"), "utf8")).toMatch(/^-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VuAyEA/);
});

it("an encrypted package installs on its device, is refused by another, and a gateway can verify but not read it", () => {
  const p = run("pack", "--key", "sign.key", "--in", "fw2.bin", "--version", "2.0.0", "--security-counter", "2", "--encrypt", "dev.pub", "--out", "v2.pkg", "--json");
  expect(p.status, p.stderr).toBe(0);
  expect(p.json).toMatchObject({ encryption: "aes-128" });
  const pkg = readFileSync(join(dir, "v2.pkg"));
  expect(pkg.includes(Buffer.from(FIRMWARE.subarray(100, 132)))).toBe(false);
  const v = run("verify", "v2.pkg", "--pub", "sign.pub", "--json");
  expect(v.status, v.stderr).toBe(0);
  const inspect = run("inspect", "v2.pkg", "--json");
  expect(inspect.json).toMatchObject({ encryption: "aes-128", recipientId: p.json.recipientId, ciphertextDigest: p.json.ciphertextDigest, chainOk: true });
  // For another device's key: refused with its own code, the device file unchanged.
  expect(run("pack", "--key", "sign.key", "--in", "fw2.bin", "--version", "2.0.1", "--security-counter", "2", "--encrypt", "other.pub", "--out", "other.pkg").status).toBe(0);
  const before = readFileSync(join(dir, "d.sim"));
  const refused = run("sim", "install", "d.sim", "other.pkg");
  expect(refused.stderr).toMatch(/error ENC_WRONG_DEVICE/);
  expect(readFileSync(join(dir, "d.sim")).equals(before)).toBe(true);
  const ok = run("sim", "install", "d.sim", "v2.pkg", "--json");
  expect(ok.status, ok.stderr).toBe(0);
  expect(run("sim", "boot", "d.sim", "--json").json).toMatchObject({ booted: "B", version: "2.0.0" });
}, 60_000);

it("image create --encrypt makes an image the device installs; a device without the key refuses it", () => {
  const c = run("image", "create", "--in", "fw2.bin", "--version", "3.0.0", "--key", "sign.key", "--security-counter", "3", "--encrypt", "dev.pub", "--aes", "256", "--out", "v3.img", "--json");
  expect(c.status, c.stderr).toBe(0);
  expect(c.json).toMatchObject({ encrypted: "aes-256" });
  expect(run("sim", "create", "nokey.sim", "--image", "v1.img", "--pub", "sign.pub", "--slot-size", "65536").status).toBe(0);
  expect(run("sim", "install", "nokey.sim", "v3.img").stderr).toMatch(/error ENCRYPTED_IMAGE_UNSUPPORTED/);
  expect(run("sim", "create", "k.sim", "--image", "v1.img", "--pub", "sign.pub", "--enc-key", "dev.key", "--slot-size", "65536").status).toBe(0);
  const r = run("sim", "install", "k.sim", "v3.img", "--json");
  expect(r.status, r.stderr).toBe(0);
  expect(run("sim", "boot", "k.sim", "--json").json).toMatchObject({ booted: "B", version: "3.0.0" });
}, 60_000);
