// The CLI contract of the signing tools, driven as a separate process:
// keygen, image create --key, pack, inspect, verify.
import { beforeAll, describe, expect, it } from "vitest";
import { readFileSync, writeFileSync, existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { slotboot, tempDir } from "./helpers/cli.js";

const VENDOR = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";
const CLASS = "00112233-4455-6677-8899-aabbccddeeff";
let dir: string;
const file = (name: string) => new Uint8Array(readFileSync(join(dir, name)));
const put = (name: string, b: Uint8Array) => writeFileSync(join(dir, name), b);
const run = (...args: string[]) => slotboot(args, dir);

function fw(name: string, size: number, seed: number, edit?: (b: Buffer) => void): string {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = ((i >> 4) * seed + (i % 7)) & 0xff;
  edit?.(b);
  writeFileSync(join(dir, name), b);
  return name;
}

/** The exit status and one `slotboot: error CODE: message` line, last on stderr (--json sends the check list there too). */
function expectError(r: ReturnType<typeof run>, code: string, status = 1): void {
  expect(r.status, r.stderr).toBe(status);
  const errors = r.stderr.split("\n").filter((l) => l.startsWith("slotboot: error"));
  expect(errors, r.stderr).toHaveLength(1);
  expect(r.stderr.endsWith(`${errors[0]}\n`)).toBe(true);
  expect(errors[0]).toMatch(new RegExp(`^slotboot: error ${code}: .+$`));
}

const packArgs = (out: string, extra: string[] = [], input = "fw1.bin", version = "1.2.3") =>
  ["pack", "--key", "k.key", "--in", input, "--version", version, "--security-counter", "4", "--vendor", VENDOR, "--class", CLASS, "--out", out, ...extra];

beforeAll(() => {
  dir = tempDir();
  fw("fw1.bin", 9000, 3);
  fw("fw2.bin", 9000, 3, (b) => b.write("version two", 4000));
  expect(run("keygen", "--out", "k").status).toBe(0);
  expect(run("keygen", "--out", "other").status).toBe(0);
  expect(run(...packArgs("v1.pkg", ["--image-out", "v1.img"])).status).toBe(0);
});

describe("slotboot keygen", () => {
  it("writes a PKCS#8 private key (0600) and an SPKI public key; JSON names them", () => {
    const r = run("keygen", "--out", "fresh", "--json");
    expect(r.status).toBe(0);
    expect(r.json).toMatchObject({ private: "fresh.key", public: "fresh.pub" });
    expect(r.json.keyId).toMatch(/^[0-9a-f]{16}$/);
    expect(r.json.publicKey).toMatch(/^[0-9a-f]{64}$/);
    expect(readFileSync(join(dir, "fresh.key"), "utf8")).toMatch(/^-----BEGIN PRIVATE KEY-----\n[A-Za-z0-9+/=\n]+-----END PRIVATE KEY-----\n$/);
    expect(readFileSync(join(dir, "fresh.pub"), "utf8")).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    expect(statSync(join(dir, "fresh.key")).mode & 0o777).toBe(0o600);
  });

  it("refuses to replace a key pair unless --force", () => {
    const before = readFileSync(join(dir, "other.key"), "utf8");
    expectError(run("keygen", "--out", "other"), "FILE_EXISTS");
    expect(readFileSync(join(dir, "other.key"), "utf8")).toBe(before);
    expect(run("keygen", "--out", "forced").status).toBe(0);
    expect(run("keygen", "--out", "forced", "--force").status).toBe(0);
  });

  const haveOpenssl = spawnSync("openssl", ["version"]).status === 0;
  it.skipIf(!haveOpenssl)("openssl reads the key pair, and its own keys sign packages that verify", () => {
    const pub = spawnSync("openssl", ["pkey", "-in", "k.key", "-pubout"], { cwd: dir, encoding: "utf8" });
    expect(pub.status).toBe(0);
    expect(pub.stdout).toBe(readFileSync(join(dir, "k.pub"), "utf8"));
    expect(spawnSync("openssl", ["genpkey", "-algorithm", "ed25519", "-out", "ossl.key"], { cwd: dir }).status).toBe(0);
    expect(spawnSync("openssl", ["pkey", "-in", "ossl.key", "-pubout", "-out", "ossl.pub"], { cwd: dir }).status).toBe(0);
    expect(run("pack", "--key", "ossl.key", "--in", "fw1.bin", "--version", "1.0.0", "--out", "ossl.pkg").status).toBe(0);
    expect(run("verify", "ossl.pkg", "--pub", "ossl.pub").status).toBe(0);
  });
});

describe("slotboot image create --key", () => {
  it("signs the image; verify accepts it with the key and names the failure with another", () => {
    const r = run("image", "create", "--key", "k.key", "--in", "fw1.bin", "--version", "1.2.3", "--security-counter", "4", "--vendor", VENDOR, "--class", CLASS, "--out", "s.img", "--json");
    expect(r.status, r.stderr).toBe(0);
    expect(r.json).toMatchObject({ out: "s.img", version: "1.2.3", signed: true, securityCounter: 4, bodySize: 9000 });
    const v = run("verify", "s.img", "--pub", "k.pub", "--json");
    expect(v.status).toBe(0);
    expect(v.json).toMatchObject({ ok: true, kind: "image", error: null });
    expect(v.json.checks.map((c: { name: string }) => c.name)).toEqual(["format", "sha256", "keyhash", "signature"]);
    for (const c of v.json.checks) expect(c).toMatchObject({ ok: true, detail: expect.any(String) });
    // The device's code for an image whose KEYHASH names another key.
    const bad = run("verify", "s.img", "--pub", "other.pub", "--json");
    expectError(bad, "WRONG_KEY");
    expect(bad.json).toMatchObject({ ok: false, kind: "image", error: "WRONG_KEY" });
    // The same bytes pack into an image identical to the one inside the package.
    expect(Buffer.from(file("s.img")).equals(Buffer.from(file("v1.img")))).toBe(true);
  });

  it("inspect shows the header, named TLVs and the signature state", () => {
    const r = run("inspect", "s.img", "--json");
    expect(r.status).toBe(0);
    expect(r.json).toMatchObject({ kind: "image", version: "1.2.3", headerSize: 512, bodySize: 9000, digestOk: true, signed: true, securityCounter: 4, vendor: VENDOR, class: CLASS, trailingBytes: 0 });
    expect(r.json.tlvs.map((t: { name: string; protected: boolean }) => `${t.protected ? "p" : "u"}:${t.name}`)).toEqual(["p:SEC_CNT", "p:VENDOR_UUID", "p:CLASS_UUID", "u:KEYHASH", "u:SHA256", "u:ED25519"]);
    run("image", "create", "--in", "fw1.bin", "--version", "1.0.0", "--out", "plain.img");
    expect(run("inspect", "plain.img", "--json").json).toMatchObject({ signed: false, securityCounter: null, vendor: null });
    expectError(run("verify", "plain.img", "--pub", "k.pub"), "NO_SIGNATURE");
  });
});

describe("slotboot pack / inspect / verify", () => {
  it("raw package: inspect shows every manifest field; verify passes", () => {
    const r = run("inspect", "v1.pkg", "--json");
    expect(r.status).toBe(0);
    const img = file("v1.img");
    expect(r.json).toMatchObject({
      kind: "package", formatVersion: 1, manifestSize: 256, version: "1.2.3", securityCounter: 4, vendor: VENDOR, class: CLASS,
      hwRevMin: 0, hwRevMax: 65535, minBootloader: "0.0.0", encoding: "raw", codec: "none", codecParams: [0, 0],
      imageSize: img.length, dataSize: img.length, blockSize: 4096, blockCount: 3, payloadSize: img.length + 96,
      chainOk: true, imageDigestOk: true, baseDigest: null, problems: [],
    });
    expect(r.json.signature).toMatch(/^[0-9a-f]{128}$/);
    expect(r.json.image).toMatchObject({ version: "1.2.3", signed: true, digestOk: true });
    const v = run("verify", "v1.pkg", "--pub", "k.pub", "--json");
    expect(v.status, v.stderr).toBe(0);
    expect(v.json).toMatchObject({ ok: true, kind: "package", error: null });
    expect(v.json.checks.every((c: { ok: boolean }) => c.ok)).toBe(true);
  });

  it("the key ID is the first 8 bytes of SHA-256 of the raw public key", () => {
    const kg = run("keygen", "--out", "idcheck", "--json").json;
    run("pack", "--key", "idcheck.key", "--in", "fw1.bin", "--version", "1.0.0", "--out", "id.pkg");
    const want = createHash("sha256").update(Buffer.from(kg.publicKey, "hex")).digest("hex").slice(0, 16);
    expect(kg.keyId).toBe(want);
    expect(run("inspect", "id.pkg", "--json").json.keyId).toBe(want);
  });

  it("is deterministic and takes the documented options", () => {
    const extra = ["--block-size", "1024", "--hw-rev-min", "3", "--hw-rev-max", "9", "--min-bootloader", "2.1.0", "--compress", "heatshrink"];
    expect(run(...packArgs("o1.pkg", extra)).status).toBe(0);
    expect(run(...packArgs("o2.pkg", extra)).status).toBe(0);
    expect(Buffer.from(file("o1.pkg")).equals(Buffer.from(file("o2.pkg")))).toBe(true);
    const j = run("inspect", "o1.pkg", "--json").json;
    expect(j).toMatchObject({ blockSize: 1024, hwRevMin: 3, hwRevMax: 9, minBootloader: "2.1.0", encoding: "compressed", encodingId: 1, codec: "heatshrink", codecId: 2, codecParams: [8, 7], imageDigestOk: true });
    expect(run("verify", "o1.pkg", "--pub", "k.pub").status).toBe(0);
  });

  it("compressed (rc) and delta packages verify; a delta needs --base for the image checks", () => {
    const c = run(...packArgs("c.pkg", ["--compress", "rc", "--json"]));
    expect(c.json).toMatchObject({ encoding: "compressed", codec: "rc", baseDigest: null });
    expect(run("verify", "c.pkg", "--pub", "k.pub").status).toBe(0);
    const d = run(...packArgs("d.pkg", ["--base", "v1.img", "--json"], "fw2.bin", "1.3.0"));
    expect(d.status, d.stderr).toBe(0);
    expect(d.json).toMatchObject({ encoding: "delta", codec: "rc", baseSize: file("v1.img").length, version: "1.3.0" });
    expect(d.json.dataSize).toBeLessThan(d.json.imageSize / 4);
    const partial = run("verify", "d.pkg", "--pub", "k.pub", "--json");
    expect(partial.status).toBe(0);
    expect(partial.json.ok).toBe(true);
    expect(partial.json.unchecked.map((u: { name: string }) => u.name)).toContain("image-digest");
    const full = run("verify", "d.pkg", "--pub", "k.pub", "--base", "v1.img", "--json");
    expect(full.status).toBe(0);
    expect(full.json).toMatchObject({ ok: true, unchecked: [] });
    expectError(run("verify", "d.pkg", "--pub", "k.pub", "--base", "plain.img"), "BASE_MISMATCH");
    const dh = run(...packArgs("dh.pkg", ["--base", "v1.img", "--compress", "heatshrink"], "fw2.bin", "1.3.0"));
    expect(dh.status).toBe(0);
    expect(run("inspect", "dh.pkg", "--json").json).toMatchObject({ encoding: "delta", codec: "heatshrink", codecParams: [8, 7], imageDigestOk: null });
    expect(run("verify", "dh.pkg", "--pub", "k.pub", "--base", "v1.img").status).toBe(0);
  });

  it("packs a ready signed image as is, and refuses one that disagrees with the flags", () => {
    const r = run("pack", "--key", "k.key", "--in", "v1.img", "--out", "fromimg.pkg");
    expect(r.status, r.stderr).toBe(0);
    expect(Buffer.from(file("fromimg.pkg")).equals(Buffer.from(file("v1.pkg")))).toBe(true);
    expectError(run("pack", "--key", "k.key", "--in", "v1.img", "--version", "2.0.0", "--out", "x.pkg"), "VERSION_MISMATCH");
    expectError(run("pack", "--key", "k.key", "--in", "v1.img", "--security-counter", "5", "--out", "x.pkg"), "IMAGE_MISMATCH");
    expectError(run("pack", "--key", "other.key", "--in", "v1.img", "--out", "x.pkg"), "WRONG_KEY");
    expectError(run("pack", "--key", "k.key", "--in", "plain.img", "--out", "x.pkg"), "NO_SIGNATURE");
    expect(existsSync(join(dir, "x.pkg"))).toBe(false);
  });

  it("tampered, truncated and foreign-key packages fail with their codes", () => {
    const good = file("v1.pkg");
    const variant = (name: string, f: (b: Uint8Array) => Uint8Array) => {
      put(name, f(good.slice()));
      return name;
    };
    const flip = (at: number) => (b: Uint8Array) => ((b[at] ^= 0x01), b);
    const cases: Array<[string, string[], string]> = [
      [variant("t-version.pkg", flip(48)), [], "BAD_SIGNATURE"],
      [variant("t-seccnt.pkg", flip(56)), [], "BAD_SIGNATURE"],
      [variant("t-sig.pkg", flip(200)), [], "BAD_SIGNATURE"],
      [variant("t-keyid.pkg", flip(190)), [], "UNKNOWN_KEY"],
      [variant("t-payload.pkg", flip(256 + 5000)), [], "CHAIN_MISMATCH"],
      [variant("t-next.pkg", flip(256 + 4096 + 3)), [], "CHAIN_MISMATCH"],
      [variant("t-short.pkg", (b) => b.subarray(0, b.length - 1)), [], "TRUNCATED"],
      [variant("t-manifest.pkg", (b) => b.subarray(0, 100)), [], "TRUNCATED"],
      [variant("t-long.pkg", (b) => Uint8Array.from([...b, 0])), [], "TRAILING_BYTES"],
      ["v1.pkg", ["--pub", "other.pub"], "UNKNOWN_KEY"],
    ];
    for (const [name, flags, code] of cases) {
      const r = run("verify", name, ...(flags.length ? flags : ["--pub", "k.pub"]), "--json");
      expectError(r, code);
      expect(r.json, name).toMatchObject({ ok: false, kind: "package", error: code });
      expect(r.json.checks.some((c: { ok: boolean }) => !c.ok)).toBe(true);
    }
    expect(run("inspect", "t-payload.pkg", "--json").json).toMatchObject({ chainOk: false, chainBadBlock: 1 });
    expect(run("inspect", "t-short.pkg", "--json").json.problems[0]).toMatch(/truncated/);
  });

  it("bad input: one typed error line, exit 1 (2 for malformed flags), no output file", () => {
    put("junk.bin", new Uint8Array(300).fill(7));
    put("bad.key", Buffer.from("not a key"));
    const cases: Array<[string[], string, number]> = [
      [["verify", "missing.pkg", "--pub", "k.pub"], "FILE_NOT_FOUND", 1],
      [["verify", "v1.pkg", "--pub", "missing.pub"], "FILE_NOT_FOUND", 1],
      [["verify", "v1.pkg", "--pub", "k.key"], "BAD_KEY", 1],
      [["verify", "junk.bin", "--pub", "k.pub"], "NOT_A_PACKAGE", 1],
      [["inspect", "junk.bin"], "NOT_A_PACKAGE", 1],
      [["inspect", "missing.pkg"], "FILE_NOT_FOUND", 1],
      [packArgs("e.pkg").map((a) => (a === "k.key" ? "bad.key" : a)), "BAD_KEY", 1],
      [packArgs("e.pkg").map((a) => (a === "k.key" ? "k.pub" : a)), "BAD_KEY", 1],
      [packArgs("e.pkg").map((a) => (a === "k.key" ? "nokey.key" : a)), "FILE_NOT_FOUND", 1],
      [packArgs("e.pkg").map((a) => (a === VENDOR ? "acme" : a)), "BAD_UUID", 2],
      [packArgs("e.pkg", [], "fw1.bin", "1.2"), "BAD_VERSION", 2],
      [packArgs("e.pkg", ["--min-bootloader", "1.256.0"]), "BAD_VERSION", 2],
      [packArgs("e.pkg", [], "missing.bin"), "FILE_NOT_FOUND", 1],
      [packArgs("e.pkg", ["--base", "junk.bin"]), "BAD_HEADER", 1],
    ];
    for (const [args, code, status] of cases) expectError(run(...args), code, status);
    for (const args of [packArgs("e.pkg", ["--block-size", "1000"]), packArgs("e.pkg", ["--compress", "zip"]), ["pack", "--in", "fw1.bin", "--out", "e.pkg"], ["verify", "v1.pkg"], ["inspect"], ["keygen"]]) {
      const r = run(...args);
      expect(r.status, args.join(" ")).toBe(2);
    }
    expect(existsSync(join(dir, "e.pkg"))).toBe(false);
  });
});

// MCUboot's own signer, when present: its ed25519 images must verify here.
const imgtool = ["imgtool", "imgtool.py"].find((c) => spawnSync(c, ["version"]).status === 0);
if (!imgtool) console.warn("cli-tools: MCUboot imgtool is not installed (not packaged for Debian); imgtool interop test skipped");
describe.skipIf(!imgtool)("MCUboot imgtool interop", () => {
  it("an imgtool-signed ed25519 image verifies with slotboot verify and packs", () => {
    expect(spawnSync(imgtool!, ["keygen", "-k", "it.pem", "-t", "ed25519"], { cwd: dir }).status).toBe(0);
    const pub = spawnSync("openssl", ["pkey", "-in", "it.pem", "-pubout", "-out", "it.pub"], { cwd: dir });
    expect(pub.status).toBe(0);
    const sign = spawnSync(imgtool!, ["sign", "-k", "it.pem", "--header-size", "0x200", "--pad-header", "--align", "4", "--version", "1.2.3", "--slot-size", "0x10000", "--security-counter", "7", "fw1.bin", "it.img"], { cwd: dir, encoding: "utf8" });
    expect(sign.status, sign.stderr).toBe(0);
    const v = run("verify", "it.img", "--pub", "it.pub", "--json");
    expect(v.status, v.stderr).toBe(0);
    expect(run("inspect", "it.img", "--json").json).toMatchObject({ version: "1.2.3", signed: true, securityCounter: 7 });
    expect(run("pack", "--key", "it.pem", "--in", "it.img", "--out", "it.pkg").status).toBe(0);
    expect(run("verify", "it.pkg", "--pub", "it.pub").status).toBe(0);
  });
});
