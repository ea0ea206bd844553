// The command-line contract, driven through the CLI: per-verb help and the
// flags each verb takes, --version, outputs that are never replaced by
// surprise, one-line file-system errors, a closed stdout, the sim verbs'
// outcomes (reject, boot with nothing to boot) and the keys pack refuses.
import { beforeAll, describe, expect, it } from "vitest";
import {
  chmodSync, closeSync, copyFileSync, existsSync, lstatSync, mkdirSync, openSync, readFileSync, statSync, symlinkSync, unlinkSync, writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createHash } from "node:crypto";
import { slotboot, tempDir } from "./helpers/cli.js";

const BIN = fileURLToPath(new URL("../bin/slotboot.js", import.meta.url));
const MAIN = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));
const PKG_VERSION = JSON.parse(readFileSync(fileURLToPath(new URL("../package.json", import.meta.url)), "utf8")).version as string;
const STACK = /\n\s+at .+:\d+:\d+|TypeError|Cannot read properties/;

let dir: string;
const at = (name: string) => join(dir, name);
const run = (...args: string[]) => slotboot(args, dir);
const sha = (name: string) => createHash("sha256").update(readFileSync(at(name))).digest("hex");

/** The CLI's main() in this process (paths must be absolute): quick for tables of cases. */
async function cli(...args: string[]): Promise<{ status: number; stdout: string; stderr: string; json: any }> {
  const { main } = (await import(MAIN)) as { main: (argv: string[]) => Promise<number> };
  const saved = [process.stdout.write, process.stderr.write];
  let stdout = "";
  let stderr = "";
  process.stdout.write = ((s: string) => ((stdout += s), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => ((stderr += s), true)) as typeof process.stderr.write;
  let status: number;
  try {
    status = await main(args);
  } finally {
    [process.stdout.write, process.stderr.write] = saved as [typeof process.stdout.write, typeof process.stderr.write];
  }
  let json: unknown;
  try {
    json = JSON.parse(stdout.trim().split("\n").pop() ?? "");
  } catch {
    /* not JSON */
  }
  return { status, stdout, stderr, json };
}

function canCreateIn(d: string): boolean {
  const probe = join(d, `slotboot-probe-${process.pid}`);
  try {
    closeSync(openSync(probe, "wx"));
    unlinkSync(probe);
    return true;
  } catch {
    return false;
  }
}

/** Exit status and exactly one `slotboot: error CODE: …` line, no stack. */
function expectError(r: { status: number; stderr: string }, code: string, status = 1, line?: RegExp): void {
  expect(r.status, r.stderr).toBe(status);
  expect(STACK.test(r.stderr), r.stderr).toBe(false);
  const lines = r.stderr.trimEnd().split("\n");
  expect(lines.filter((l) => l.startsWith("slotboot: error")), r.stderr).toEqual([lines[lines.length - 1]]);
  expect(lines[lines.length - 1]).toMatch(line ?? new RegExp(`^slotboot: error ${code}: \\S.+$`));
  expect(lines[lines.length - 1].startsWith(`slotboot: error ${code}: `), r.stderr).toBe(true);
}

beforeAll(() => {
  dir = tempDir();
  const b = Buffer.alloc(3000);
  for (let i = 0; i < b.length; i++) b[i] = (i * 7 + (i >> 3)) & 0xff;
  writeFileSync(at("fw.bin"), b);
  b.write("two", 100);
  writeFileSync(at("fw2.bin"), b);
  expect(run("image", "create", "--in", "fw.bin", "--version", "1.0.0", "--out", "v1.img").status).toBe(0);
  expect(run("image", "create", "--in", "fw2.bin", "--version", "2.0.0", "--out", "v2.img").status).toBe(0);
  expect(run("sim", "create", "dev.sim", "--image", "v1.img", "--slot-size", "16384").status).toBe(0);
  expect(run("keygen", "--out", "k").status).toBe(0);
});

// The documented flags of each verb (docs/cli.md), besides --json and --help.
const FLAGS: Record<string, string[]> = {
  keygen: ["out", "type", "force"],
  "image create": ["in", "version", "out", "header-size", "key", "security-counter", "vendor", "class", "hw-rev-min", "hw-rev-max", "min-bootloader", "encrypt", "aes", "force"],
  pack: ["key", "in", "out", "version", "security-counter", "vendor", "class", "compress", "base", "block-size", "hw-rev-min", "hw-rev-max", "min-bootloader", "header-size", "image-out", "encrypt", "aes", "force"],
  inspect: [],
  verify: ["pub", "base", "hw-rev", "bootloader"],
  "sim create": ["image", "pub", "vendor", "class", "hw-rev", "slot-size", "sector-size", "write-size", "max-attempts", "max-power-attempts", "core", "enc-key", "force", "lock-timeout"],
  "sim install": ["chunk", "cut-after-ops", "lock-timeout"],
  "sim boot": ["app", "reset", "cut-after-ops", "lock-timeout"],
  "sim confirm": ["cut-after-ops", "lock-timeout"],
  "sim reject": ["cut-after-ops", "lock-timeout"],
  "sim status": ["lock-timeout"],
  "sim corrupt": ["slot", "offset", "bit", "lock-timeout"],
  serve: ["config", "dir", "port", "poll", "gateway-token"],
  gateway: ["upstream", "gateway-token", "link-key", "devices", "ca", "tenant", "port", "cache", "poll"],
  "link-keygen": ["out", "force"],
};
const EVERY_FLAG = [...new Set(Object.values(FLAGS).flat())];

describe("help, version, operands and flags", () => {
  it("slotboot --version prints package.json's version", () => {
    const r = run("--version");
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`slotboot ${PKG_VERSION}\n`);
    expect(run("--version", "--json").json).toEqual({ name: "slotboot", version: PKG_VERSION });
  });

  it("every VERB --help shows that verb's usage and exactly its flags, exit 0", async () => {
    for (const [verb, flags] of Object.entries(FLAGS)) {
      const r = await cli(...verb.split(" "), "--help");
      expect(r.status, verb).toBe(0);
      expect(r.stdout.startsWith(`usage: slotboot ${verb} `) || r.stdout.startsWith(`usage: slotboot ${verb}\n`), r.stdout).toBe(true);
      const shown = [...r.stdout.matchAll(/^ {2}--([a-z-]+)/gm)].map((m) => m[1]).filter((f) => f !== "help" && f !== "json");
      expect(shown.sort(), verb).toEqual([...flags].sort());
      expect(r.stdout).toMatch(/^ {2}--json /m);
    }
    const real = run("sim", "install", "--help");
    expect(real.status).toBe(0);
    expect(real.stdout).toMatch(/^usage: slotboot sim install DEVICE FILE \[--chunk BYTES\]/);
    expect(real.stdout).not.toContain("--slot ");
    expect(run("sim", "boot", "-h").stdout).toMatch(/^usage: slotboot sim boot DEVICE/);
  });

  it("a flag the verb does not take, or an extra operand, is a usage error (exit 2) that changes nothing", async () => {
    const dev = at("dev.sim");
    const before = sha("dev.sim");
    for (const [verb, flags] of Object.entries(FLAGS)) {
      const foreign = EVERY_FLAG.find((f) => !flags.includes(f))!;
      const r = await cli(...verb.split(" "), "--" + foreign, "1");
      expect(r.status, `${verb} --${foreign}`).toBe(2);
      expect(r.stderr, verb).toContain(`\`slotboot ${verb}\` does not take --${foreign}`);
    }
    const cases = [
      ["sim", "install", dev, at("v2.img"), at("v1.img")],
      ["sim", "boot", dev, dev],
      ["sim", "status", dev, "extra"],
      ["inspect", at("v1.img"), at("v2.img")],
      ["keygen", "--out", at("kk"), "extra"],
      ["image", "create", "extra", "--in", at("fw.bin"), "--version", "1.0.0", "--out", at("never.img")],
    ];
    for (const args of cases) {
      const r = await cli(...args, "--json");
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(/^slotboot: unexpected operand "[^"]+": `slotboot [a-z ]+` takes /);
      expect(r.json).toMatchObject({ ok: false, error: "USAGE" });
    }
    expect(sha("dev.sim")).toBe(before);
    expect(existsSync(at("never.img"))).toBe(false);
    expect(existsSync(at("kk.key"))).toBe(false);
    // Through the real binary too.
    const r = run("sim", "install", "dev.sim", "v2.img", "v1.img");
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("usage: slotboot sim install DEVICE FILE");
    expect(run("sim", "status", "dev.sim", "--json").json.slots.B.state).toBe("empty");
  });
});

describe("outputs are never replaced by surprise", () => {
  it("an existing output is refused unless --force; the same file as an input is refused even with it", async () => {
    const img = (out: string, ...extra: string[]) => cli("image", "create", "--in", at("fw.bin"), "--version", "1.0.0", "--out", at(out), ...extra);
    writeFileSync(at("taken.img"), "precious");
    expectError(await img("taken.img"), "FILE_EXISTS");
    expect(readFileSync(at("taken.img"), "utf8")).toBe("precious");
    expect((await img("taken.img", "--force")).status).toBe(0);
    expectError(await cli("image", "create", "--in", at("fw.bin"), "--version", "1.0.0", "--out", at("fw.bin"), "--force"), "SAME_FILE");
    expectError(await cli("image", "create", "--in", at("fw.bin"), "--version", "1.0.0", "--key", at("k.key"), "--out", at("k.key"), "--force"), "SAME_FILE");
    copyFileSync(at("v1.img"), at("B.img"));
    const beforeB = sha("B.img");
    expectError(await cli("pack", "--key", at("k.key"), "--in", at("fw2.bin"), "--version", "2.0.0", "--base", at("B.img"), "--out", at("B.img"), "--force"), "SAME_FILE");
    expectError(await cli("pack", "--key", at("k.key"), "--in", at("fw2.bin"), "--version", "2.0.0", "--out", at("p.pkg"), "--image-out", at("p.pkg")), "SAME_FILE");
    expect(sha("B.img")).toBe(beforeB);
    expect(existsSync(at("p.pkg"))).toBe(false);
    // A hard link is the same file under another name.
    spawnSync("ln", [at("fw.bin"), at("fw-link.bin")]);
    expectError(await cli("image", "create", "--in", at("fw.bin"), "--version", "1.0.0", "--out", at("fw-link.bin"), "--force"), "SAME_FILE");
  });

  it("sim create does not replace a device (FILE_EXISTS), nor a read-only one with --force", () => {
    copyFileSync(at("dev.sim"), at("made.sim"));
    expect(run("sim", "install", "made.sim", "v2.img").status).toBe(0);
    const before = sha("made.sim");
    expectError(run("sim", "create", "made.sim", "--image", "v1.img"), "FILE_EXISTS");
    expect(sha("made.sim")).toBe(before);
    chmodSync(at("made.sim"), 0o444);
    expectError(run("sim", "create", "made.sim", "--image", "v1.img", "--force"), "READ_ONLY");
    expect(sha("made.sim")).toBe(before);
    chmodSync(at("made.sim"), 0o644);
    expect(run("sim", "create", "made.sim", "--image", "v1.img", "--force").status).toBe(0);
    expect(run("sim", "status", "made.sim", "--json").json.slots.B.state).toBe("empty");
  });

  it("symbolic links, devices and FIFOs are never replaced, even with --force", async () => {
    writeFileSync(at("target.img"), "keep me");
    symlinkSync(at("target.img"), at("link.img"));
    const img = (out: string) => cli("image", "create", "--in", at("fw.bin"), "--version", "1.0.0", "--out", out, "--force");
    expectError(await img(at("link.img")), "OUTPUT_IS_SYMLINK");
    expect(lstatSync(at("link.img")).isSymbolicLink()).toBe(true);
    expect(readFileSync(at("target.img"), "utf8")).toBe("keep me");
    expectError(await img("/dev/null"), "NOT_A_REGULAR_FILE", 1, /^slotboot: error NOT_A_REGULAR_FILE: image \/dev\/null is a character device; /);
    expect(statSync("/dev/null").isCharacterDevice()).toBe(true);
    if (spawnSync("mkfifo", [at("fifo")]).status === 0) {
      expectError(await cli("pack", "--key", at("k.key"), "--in", at("fw.bin"), "--version", "1.0.0", "--out", at("fifo"), "--force"), "NOT_A_REGULAR_FILE");
      expect(lstatSync(at("fifo")).isFIFO()).toBe(true);
    }
    symlinkSync(at("dev.sim"), at("devlink.sim"));
    expectError(await cli("sim", "create", at("devlink.sim"), "--image", at("v1.img"), "--force"), "OUTPUT_IS_SYMLINK");
  });

  it("file-system errors on outputs are one line naming the path, never a stack trace", async () => {
    const img = (out: string) => cli("image", "create", "--in", at("fw.bin"), "--version", "1.0.0", "--out", out);
    expectError(await img(at("no/such/dir/x.img")), "FILE_NOT_FOUND", 1, /^slotboot: error FILE_NOT_FOUND: cannot write image .*no\/such\/dir\/x\.img: the directory .* does not exist$/);
    mkdirSync(at("adir"));
    expectError(await img(at("adir")), "IS_A_DIRECTORY");
    expectError(await cli("keygen", "--out", at("no/such/k")), "FILE_NOT_FOUND");
    // A directory nobody may write to: as root, chmod does not stop us, /sys does.
    mkdirSync(at("locked"));
    chmodSync(at("locked"), 0o555);
    const where = [at("locked"), "/sys/kernel"].find((d) => !canCreateIn(d));
    if (!where) return; // no directory here refuses us: nothing to see
    const r = await img(join(where, "x.img"));
    expectError(r, r.stderr.includes("READ_ONLY") ? "READ_ONLY" : "PERMISSION_DENIED");
    expect(r.stderr).toContain(join(where, "x.img"));
    // The same through the real binary: exit 1, not 70.
    const real = run("image", "create", "--in", "fw.bin", "--version", "1.0.0", "--out", join(where, "y.img"));
    expect(real.status).toBe(1);
    expect(STACK.test(real.stderr)).toBe(false);
  });
});

describe("closed stdout", () => {
  it("a reader that goes away (EPIPE) ends the command quietly", async () => {
    expect(run("pack", "--key", "k.key", "--in", "fw.bin", "--version", "1.0.0", "--out", "e.pkg").status).toBe(0);
    // The read end is closed before the CLI writes a byte: every write is EPIPE.
    const r = await new Promise<{ status: number | null; stderr: string }>((resolve) => {
      const c = spawn(process.execPath, [BIN, "inspect", "e.pkg"], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
      c.stdout.destroy();
      let stderr = "";
      c.stderr.on("data", (d) => (stderr += d));
      c.on("close", (status) => resolve({ status, stderr }));
    });
    expect(r).toEqual({ status: 0, stderr: "" });
    const sh = spawnSync("sh", ["-c", `"${process.execPath}" "${BIN}" inspect e.pkg | head -1; echo "status $?"`], { cwd: dir, encoding: "utf8" });
    expect(sh.stdout).toMatch(/^e\.pkg: slotboot update package, \d+ bytes\nstatus 0\n$/);
    expect(sh.stderr).toBe("");
  });
});

describe("sim outcomes", () => {
  it("sim reject --json tells rejected, not-in-trial and interrupted apart", () => {
    copyFileSync(at("dev.sim"), at("rj.sim"));
    const nt = run("sim", "reject", "rj.sim", "--json");
    expectError(nt, "NOT_IN_TRIAL");
    expect(nt.json).toMatchObject({ result: "not-in-trial", error: "NOT_IN_TRIAL", ok: false });
    expect(run("sim", "install", "rj.sim", "v2.img").status).toBe(0);
    expect(run("sim", "boot", "rj.sim", "--app", "noconfirm").status).toBe(0);
    copyFileSync(at("rj.sim"), at("rj-cut.sim"));
    const cut = run("sim", "reject", "rj-cut.sim", "--cut-after-ops", "0", "--json");
    expect(cut.status).toBe(3);
    expect(cut.json).toMatchObject({ result: "interrupted", error: "POWER_CUT", ok: false });
    const ok = run("sim", "reject", "rj.sim", "--json");
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.json).toEqual({ result: "rejected", error: null, ok: true });
  });

  it("sim boot exits 4 (NO_BOOTABLE_IMAGE) when nothing boots, and still prints its JSON", () => {
    copyFileSync(at("dev.sim"), at("dead.sim"));
    expect(run("sim", "corrupt", "dead.sim", "--slot", "A", "--offset", "900").status).toBe(0);
    const r = run("sim", "boot", "dead.sim", "--json");
    expectError(r, "NO_BOOTABLE_IMAGE", 4);
    expect(r.json).toMatchObject({ booted: null, version: null, reason: "no-bootable-image" });
  });
});

describe("signing keys", () => {
  it("pack and image create refuse public keys, weak keys and keys of the wrong length", async () => {
    const pub = run("keygen", "--out", "pk", "--json").json.publicKey as string;
    writeFileSync(at("raw.pub"), Buffer.from(pub, "hex"));
    writeFileSync(at("pk-hex.key"), pub + "\n");
    copyFileSync(at("pk.pub"), at("pk-hex.pub")); // its public key file, next to it
    writeFileSync(at("zero.key"), Buffer.alloc(32));
    writeFileSync(at("zerohex.key"), "0".repeat(64));
    writeFileSync(at("ff.key"), Buffer.alloc(32, 0xff));
    writeFileSync(at("short.key"), Buffer.alloc(31, 7));
    const pack = (key: string) => cli("pack", "--key", at(key), "--in", at("fw.bin"), "--version", "1.0.0", "--out", at("weak.pkg"));
    expectError(await pack("raw.pub"), "BAD_KEY", 1, /public key/);
    expectError(await pack("pk.pub"), "BAD_KEY", 1, /public key/);
    expectError(await pack("pk-hex.key"), "BAD_KEY", 1, /public key/);
    expectError(await pack("zero.key"), "WEAK_KEY");
    expectError(await pack("zerohex.key"), "WEAK_KEY");
    expectError(await pack("ff.key"), "WEAK_KEY");
    expectError(await pack("short.key"), "BAD_KEY");
    expectError(await cli("image", "create", "--in", at("fw.bin"), "--version", "1.0.0", "--key", at("zero.key"), "--out", at("weak.img")), "WEAK_KEY");
    expect(existsSync(at("weak.pkg")) || existsSync(at("weak.img"))).toBe(false);
    // The all-zero public key is a point of small order: anyone can sign for it.
    writeFileSync(at("zero.pub"), Buffer.alloc(32));
    expectError(await cli("verify", at("v1.img"), "--pub", at("zero.pub")), "WEAK_KEY");
    expectError(await cli("sim", "create", at("zero.sim"), "--image", at("v1.img"), "--pub", at("zero.pub")), "WEAK_KEY");
    // The real key still signs.
    expect((await cli("pack", "--key", at("pk.key"), "--in", at("fw.bin"), "--version", "1.0.0", "--out", at("good.pkg"))).status).toBe(0);
  });
});
