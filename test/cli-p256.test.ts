// ECDSA P-256 through the CLI, driven as a separate process: keys made by
// `keygen --type ecdsa-p256`, by OpenSSL-style SEC1 and by imgtool-style
// PKCS#8 (node:crypto writes both); signed images that `verify` checks with
// the core and that a P-256 device installs and boots; tampered images,
// wrong keys and imgtool's other modes (--sha 384, --pure) refused with their
// own codes; P-256 signed packages.
import { beforeAll, describe, expect, it } from "vitest";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, verify as nodeVerify } from "node:crypto";
import { slotboot, tempDir } from "./helpers/cli.js";
import { createImage, parseImage, parseVersion, TLV } from "../tools/image.js";

let dir: string;
const run = (...args: string[]) => slotboot(args, dir);
const file = (name: string) => new Uint8Array(readFileSync(join(dir, name)));
const put = (name: string, b: Uint8Array | string) => writeFileSync(join(dir, name), b);

function fw(name: string, size: number, seed: number): string {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = ((i >> 3) * seed + (i % 11)) & 0xff;
  put(name, b);
  return name;
}

function expectRefused(r: ReturnType<typeof run>, code: string): void {
  expect(r.status, r.stderr).not.toBe(0);
  expect(r.stderr, r.stderr).toMatch(new RegExp(`error ${code}:`));
}

beforeAll(() => {
  dir = tempDir();
  fw("fw1.bin", 6000, 3);
  fw("fw2.bin", 7000, 5);
  expect(run("keygen", "--type", "ecdsa-p256", "--out", "p").status).toBe(0);
  expect(run("keygen", "--type", "ecdsa-p256", "--out", "other").status).toBe(0);
  expect(run("keygen", "--out", "ed").status).toBe(0);
  // The files imgtool (PKCS#8) and OpenSSL (SEC1) write for a P-256 key.
  const pair = generateKeyPairSync("ec", { namedCurve: "P-256" });
  put("imgtool.key", pair.privateKey.export({ format: "pem", type: "pkcs8" }) as string);
  put("sec1.key", pair.privateKey.export({ format: "pem", type: "sec1" }) as string);
  put("imgtool.pub", pair.publicKey.export({ format: "pem", type: "spki" }) as string);
});

describe("P-256 keys", () => {
  it("keygen --type ecdsa-p256 writes PKCS#8 and SPKI PEM that OpenSSL reads as P-256", () => {
    const r = run("keygen", "--type", "ecdsa-p256", "--out", "k2", "--json");
    expect(r.status).toBe(0);
    expect(r.json).toMatchObject({ type: "ecdsa-p256" });
    expect(r.json.publicKey).toMatch(/^04[0-9a-f]{128}$/);
    const key = createPrivateKey(readFileSync(join(dir, "k2.key"), "utf8"));
    expect([key.asymmetricKeyType, key.asymmetricKeyDetails?.namedCurve]).toEqual(["ec", "prime256v1"]);
    const pub = createPublicKey(readFileSync(join(dir, "k2.pub"), "utf8"));
    expect(Buffer.from(pub.export({ format: "der", type: "spki" })).subarray(-65).toString("hex")).toBe(r.json.publicKey);
    expect(readFileSync(join(dir, "k2.key"), "utf8")).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(run("keygen", "--type", "rsa", "--out", "k3").status).toBe(2);
  });
});

describe("P-256 signed images", () => {
  it("image create signs with ECDSA_SIG over the digest and KEYHASH of the SPKI; verify (the core) accepts it", () => {
    expect(run("image", "create", "--in", "fw1.bin", "--version", "1.0.0", "--key", "p.key", "--out", "v1.img").status).toBe(0);
    const img = file("v1.img");
    const parsed = parseImage(img);
    const tlv = (t: number) => parsed.tlvs.find((x) => x.type === t)?.value;
    expect(tlv(TLV.ED25519)).toBeUndefined();
    const sig = tlv(TLV.ECDSA_SIG)!;
    // Independently of slotboot: OpenSSL's ECDSA-SHA256 over the hashed region is the same check.
    const covered = img.subarray(0, parsed.headerSize + parsed.imageSize + parsed.protectedTlvSize);
    const pub = createPublicKey(readFileSync(join(dir, "p.pub"), "utf8"));
    expect(nodeVerify("sha256", covered, pub, sig)).toBe(true);
    const spki = pub.export({ format: "der", type: "spki" });
    expect(Buffer.from(tlv(TLV.KEYHASH)!).toString("hex")).toBe(createHash("sha256").update(spki).digest("hex"));
    const v = run("verify", "v1.img", "--pub", "p.pub", "--json");
    expect(v.status, v.stderr).toBe(0);
    expect(v.json).toMatchObject({ ok: true, kind: "image" });
  });

  it("signs with imgtool's PKCS#8 and OpenSSL's SEC1 key files alike, verified with the SPKI public key", () => {
    for (const key of ["imgtool.key", "sec1.key"]) {
      expect(run("image", "create", "--in", "fw1.bin", "--version", "1.0.1", "--key", key, "--out", `${key}.img`).status).toBe(0);
      expect(run("verify", `${key}.img`, "--pub", "imgtool.pub").status).toBe(0);
    }
    expectRefused(run("verify", "sec1.key.img", "--pub", "p.pub"), "WRONG_KEY");
  });

  it("a P-256 device installs and boots a P-256 image; refuses a tampered one, another key's and an Ed25519 one", () => {
    expect(run("image", "create", "--in", "fw2.bin", "--version", "2.0.0", "--key", "p.key", "--out", "v2.img").status).toBe(0);
    expect(run("image", "create", "--in", "fw2.bin", "--version", "2.0.0", "--key", "other.key", "--out", "v2-other.img").status).toBe(0);
    expect(run("image", "create", "--in", "fw2.bin", "--version", "2.0.0", "--key", "ed.key", "--out", "v2-ed.img").status).toBe(0);
    const v2 = file("v2.img");
    const body = v2.slice();
    body[700] ^= 1;
    put("v2-body.img", body);
    const sigAt = parseImage(v2).tlvs.find((t) => t.type === TLV.ECDSA_SIG)!.offset;
    const forged = v2.slice();
    forged[sigAt + 20] ^= 1; // inside r: still DER, no longer the signature
    put("v2-sig.img", forged);
    expect(run("sim", "create", "dev.sim", "--image", "v1.img", "--pub", "p.pub", "--slot-size", "65536").status).toBe(0);
    for (const [img, code] of [["v2-body.img", "DIGEST_MISMATCH"], ["v2-sig.img", "BAD_SIGNATURE"], ["v2-other.img", "WRONG_KEY"], ["v2-ed.img", "WRONG_KEY"]] as const) {
      expectRefused(run("sim", "install", "dev.sim", img), code);
    }
    // An Ed25519 device refuses the P-256 image by its key hash too.
    expect(run("sim", "create", "ed.sim", "--image", "v2-ed.img", "--pub", "ed.pub", "--slot-size", "65536").status).toBe(0);
    expectRefused(run("sim", "install", "ed.sim", "v2.img"), "WRONG_KEY");
    const r = run("sim", "install", "dev.sim", "v2.img", "--json");
    expect(r.json).toMatchObject({ result: "installed", error: null });
    expect(run("sim", "boot", "dev.sim", "--app", "noconfirm", "--json").json).toMatchObject({ booted: "B", version: "2.0.0", reason: "trial-start" });
  });

  it("sim create --pub refuses a factory image another P-256 key signed", () => {
    expectRefused(run("sim", "create", "bad.sim", "--image", "v2-other.img", "--pub", "p.pub", "--slot-size", "65536"), "WRONG_KEY");
  });
});

describe("P-256 signed packages", () => {
  it("pack signs image and manifest with the P-256 key; verify and the device accept it; another key's is UNKNOWN_KEY", () => {
    const r = run("pack", "--key", "p.key", "--in", "fw2.bin", "--version", "3.0.0", "--out", "v3.pkg", "--json");
    expect(r.status, r.stderr).toBe(0);
    expect(run("verify", "v3.pkg", "--pub", "p.pub").status).toBe(0);
    expectRefused(run("verify", "v3.pkg", "--pub", "other.pub"), "UNKNOWN_KEY");
    const pkg = file("v3.pkg");
    pkg[200] ^= 1; // inside the r || s signature field
    put("v3-bad.pkg", pkg);
    expectRefused(run("verify", "v3-bad.pkg", "--pub", "p.pub"), "BAD_SIGNATURE");
    expect(run("sim", "create", "pkg.sim", "--image", "v1.img", "--pub", "p.pub", "--slot-size", "65536").status).toBe(0);
    expectRefused(run("sim", "install", "pkg.sim", "v3-bad.pkg"), "PKG_SIGNATURE|BAD_SIGNATURE");
    const ok = run("sim", "install", "pkg.sim", "v3.pkg", "--json");
    expect(ok.json, ok.stderr).toMatchObject({ result: "installed", error: null });
  });
});

describe("imgtool's other modes, each refused with its own code", () => {
  it("--sha 384 / --sha 512 digests: UNSUPPORTED_DIGEST; --pure: UNSUPPORTED_SIGNATURE_MODE (never DIGEST_MISMATCH)", () => {
    const plain = createImage(file("fw1.bin"), { version: parseVersion("1.0.0") });
    const p = parseImage(plain);
    const covered = plain.subarray(0, p.headerSize + p.imageSize + p.protectedTlvSize);
    const withTlv = (type: number, value: Uint8Array) => {
      const area = new Uint8Array(4 + 4 + value.length);
      const dv = new DataView(area.buffer);
      dv.setUint16(0, 0x6907, true);
      dv.setUint16(2, area.length, true);
      dv.setUint16(4, type, true);
      dv.setUint16(6, value.length, true);
      area.set(value, 8);
      return Uint8Array.from([...covered, ...area]);
    };
    put("sha384.img", withTlv(TLV.SHA384, new Uint8Array(createHash("sha384").update(covered).digest())));
    put("sha512.img", withTlv(TLV.SHA512, new Uint8Array(createHash("sha512").update(covered).digest())));
    put("pure.img", createImage(file("fw1.bin"), { version: parseVersion("1.0.0"), protectedTlvs: [[TLV.SIG_PURE, Uint8Array.of(0)]] }));
    expectRefused(run("verify", "sha384.img", "--pub", "p.pub"), "UNSUPPORTED_DIGEST");
    expectRefused(run("verify", "pure.img", "--pub", "ed.pub"), "UNSUPPORTED_SIGNATURE_MODE");
    expectRefused(run("sim", "install", "dev.sim", "sha512.img"), "UNSUPPORTED_DIGEST");
    expectRefused(run("sim", "install", "dev.sim", "pure.img"), "UNSUPPORTED_SIGNATURE_MODE");
  });
});
