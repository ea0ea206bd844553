// The device file as a safe store, driven through the CLI: one command at a
// time per device (the lock), damage detected (the checksum), killed runs
// tidied up, permissions respected, inputs read with a bound.
import { beforeAll, describe, expect, it } from "vitest";
import { chmodSync, copyFileSync, existsSync, readdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createHash } from "node:crypto";
import { slotboot, tempDir, type CliResult } from "./helpers/cli.js";

const BIN = fileURLToPath(new URL("../bin/slotboot.js", import.meta.url));
const MAIN = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));
const JS_ERROR = /TypeError|RangeError|ReferenceError|SyntaxError|Cannot read properties|is not a function|\n\s+at .+:\d+:\d+/;

let dir: string;
const at = (name: string) => join(dir, name);
const run = (...args: string[]) => slotboot(args, dir);
const sha = (name: string) => createHash("sha256").update(readFileSync(at(name))).digest("hex");

/** The CLI as a process that runs alongside others. */
function start(args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, [BIN, ...args], { cwd: dir });
    let stdout = "";
    let stderr = "";
    c.stdout.on("data", (d) => (stdout += d));
    c.stderr.on("data", (d) => (stderr += d));
    c.on("close", (status) => {
      let json: unknown;
      try {
        json = JSON.parse(stdout.trim().split("\n").pop() ?? "");
      } catch {
        /* not JSON */
      }
      resolve({ status: status ?? -1, stdout, stderr, json });
    });
  });
}

/** The CLI's main() in this process: for sweeps of thousands of runs (a process each would take minutes). */
async function inProcess(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const { main } = (await import(MAIN)) as { main: (argv: string[]) => Promise<number> };
  const saved = [process.stdout.write, process.stderr.write];
  let stdout = "";
  let stderr = "";
  process.stdout.write = ((s: string) => ((stdout += s), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => ((stderr += s), true)) as typeof process.stderr.write;
  try {
    return { status: await main(args), stdout, stderr };
  } finally {
    [process.stdout.write, process.stderr.write] = saved as [typeof process.stdout.write, typeof process.stderr.write];
  }
}

/** A PID that belonged to a process that has ended. */
function deadPid(): number {
  return spawnSync(process.execPath, ["-e", ""]).pid as number;
}

function fw(name: string, size: number, seed: number): string {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (i * seed + (i >> 5)) & 0xff;
  writeFileSync(at(name), b);
  return name;
}

beforeAll(() => {
  dir = tempDir();
  for (const [v, n] of [["1.0.0", 3000], ["2.0.0", 5000], ["3.0.0", 4000]] as const) {
    expect(run("image", "create", "--in", fw(`fw${v}.bin`, n, n % 251), "--version", v, "--out", `v${v[0]}.img`).status).toBe(0);
  }
  expect(run("sim", "create", "dev.sim", "--image", "v1.img", "--slot-size", "65536").status).toBe(0);
  expect(run("keygen", "--out", "k").status).toBe(0);
  const V = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";
  expect(run("image", "create", "--in", "fw1.0.0.bin", "--version", "1.0.0", "--key", "k.key", "--vendor", V, "--class", V, "--out", "s1.img").status).toBe(0);
  // Small, and every metadata field set: the sweep flips each of its bits.
  const r = run("sim", "create", "small.sim", "--image", "s1.img", "--slot-size", "4096", "--sector-size", "256", "--pub", "k.pub", "--vendor", V, "--class", V, "--hw-rev", "3");
  expect(r.status, r.stderr).toBe(0);
});

describe("device lock", () => {
  it("two installs started together: each reports what the device ends up holding, none is lost", async () => {
    for (let round = 0; round < 2; round++) {
      copyFileSync(at("dev.sim"), at("pair.sim"));
      const rs = await Promise.all([start(["sim", "install", "pair.sim", "v2.img", "--json"]), start(["sim", "install", "pair.sim", "v3.img", "--json"])]);
      for (const r of rs) {
        expect(JS_ERROR.test(r.stderr), r.stderr).toBe(false);
        // Either installed, or told plainly that the device was busy.
        if (r.status !== 0) expect([r.status, r.json?.error]).toEqual([75, "DEVICE_BUSY"]);
        else expect(r.json).toMatchObject({ result: "installed", slot: "B" });
      }
      const st = run("sim", "status", "pair.sim", "--json").json;
      const ok = rs.filter((r) => r.status === 0).map((r) => r.json.version);
      expect(ok).toContain(st.slots.B.version);
      // Each install writes boot-control records: two that both happened leave two installs' worth
      // (one install: sequence 3 -> 4; a second over the pending one: -> 6). A lost one leaves 4.
      expect(st.sequence, `round ${round}: ${ok.join(", ")}`).toBe(ok.length === 2 ? 6 : 4);
    }
  });

  it("an install and a boot together: the boot's report and the final state agree", async () => {
    copyFileSync(at("dev.sim"), at("ib.sim"));
    const [inst, boot] = await Promise.all([start(["sim", "install", "ib.sim", "v2.img", "--json"]), start(["sim", "boot", "ib.sim", "--json"])]);
    expect(inst.status, inst.stderr).toBe(0);
    expect(boot.status, boot.stderr).toBe(0);
    const st = run("sim", "status", "ib.sim", "--json").json;
    // Boot first: A boots, B stays pending. Install first: B boots on trial and confirms itself.
    if (boot.json.booted === "A") expect(st.slots.B).toMatchObject({ state: "pending", version: "2.0.0" });
    else expect([boot.json.reason, st.slots.B.state, st.slots.B.version]).toEqual(["trial-start", "confirmed", "2.0.0"]);
  });

  it("four bit flips of the same bit at once: an even number of successes leaves the image intact", async () => {
    copyFileSync(at("dev.sim"), at("flip4.sim"));
    const args = ["sim", "corrupt", "flip4.sim", "--slot", "A", "--offset", "1000", "--bit", "5", "--json"];
    const rs = await Promise.all([start(args), start(args), start(args), start(args)]);
    const done = rs.filter((r) => r.status === 0).length;
    for (const r of rs) if (r.status !== 0) expect(r.json?.error, r.stderr).toBe("DEVICE_BUSY");
    // A lost update would leave an odd number of flips applied: the image would not verify.
    const st = run("sim", "status", "flip4.sim", "--json").json;
    expect(st.slots.A.state).toBe(done % 2 === 0 ? "confirmed" : "invalid");
    expect(done).toBeGreaterThan(0);
  });

  it("a live holder makes others wait, then DEVICE_BUSY (exit 75); a dead holder's lock is reclaimed", () => {
    copyFileSync(at("dev.sim"), at("held.sim"));
    // This test process is alive: its PID in a lock file holds the device.
    const live = at(`held.sim.lock-${process.pid}`);
    writeFileSync(live, JSON.stringify({ pid: process.pid }));
    const before = sha("held.sim");
    const t0 = Date.now();
    const r = run("sim", "boot", "held.sim", "--lock-timeout", "1", "--json");
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1000);
    expect(r.status, r.stderr).toBe(75);
    expect(r.stderr).toMatch(/^slotboot: error DEVICE_BUSY: held\.sim is in use by another slotboot command \(process \d+/m);
    expect(r.json).toMatchObject({ ok: false, error: "DEVICE_BUSY" });
    expect(sha("held.sim")).toBe(before);
    // The holder is killed (SIGKILL: no chance to clean up): its lock file stays, with a dead PID.
    const dead = deadPid();
    writeFileSync(at(`held.sim.lock-${dead}`), JSON.stringify({ pid: dead }));
    unlinkSync(live);
    const b = run("sim", "boot", "held.sim", "--lock-timeout", "0", "--json");
    expect(b.status, b.stderr).toBe(0);
    expect(readdirSync(dir).filter((n) => n.startsWith("held.sim.lock-"))).toEqual([]);
  });
});

describe("device file checksum", () => {
  it("every single-bit flip of the header, metadata and checksum (and a sample of the flash) is DEVICE_FILE_CORRUPT", async () => {
    const orig = readFileSync(at("small.sim"));
    expect(orig.subarray(0, 22).toString()).toBe("SLOTBOOT-SIM-DEVICE-2\n");
    const metaEnd = 30 + orig.readUInt32LE(22);
    // Every bit of the magic, the lengths, the metadata, the flash image header and the checksums.
    const flips: Array<[number, number]> = [];
    const everyBit = (from: number, to: number) => {
      for (let i = from; i < to; i++) for (let bit = 0; bit < 8; bit++) flips.push([i, bit]);
    };
    everyBit(0, metaEnd + 84);
    everyBit(orig.length - 36, orig.length);
    // And a sample of the flash contents and wear counters, which the flash's own CRC covered already.
    for (let i = metaEnd + 84; i < orig.length - 36; i += 613) flips.push([i, i % 8]);
    const flipped = at("flip.sim");
    const outcomes = new Map<string, number>();
    for (const [i, bit] of flips) {
      {
        const b = Buffer.from(orig);
        b[i] ^= 1 << bit;
        writeFileSync(flipped, b);
        const r = await inProcess(["sim", "status", flipped, "--json"]);
        const where = `byte ${i} bit ${bit}`;
        expect(JS_ERROR.test(r.stderr), `${where}: ${r.stderr}`).toBe(false);
        expect(r.status, where).toBe(1);
        expect(r.stderr, where).toMatch(/^slotboot: error (DEVICE_FILE_CORRUPT|BAD_DEVICE_FILE): \S.*\n$/);
        expect(JSON.parse(r.stdout.trim().split("\n").pop() as string)).toMatchObject({ ok: false });
        const code = /error (\w+)/.exec(r.stderr)![1];
        outcomes.set(code, (outcomes.get(code) ?? 0) + 1);
        // Nothing writes to a damaged device file.
        expect(readFileSync(flipped).equals(b), where).toBe(true);
      }
    }
    // A magic a few bits from ours is damage too, never "some other file".
    expect([...outcomes.keys()]).toEqual(["DEVICE_FILE_CORRUPT"]);
    expect(outcomes.get("DEVICE_FILE_CORRUPT")).toBe(flips.length);
  });

  it("the same through the real binary, for a few flips; sim corrupt (through the tool) still works", () => {
    const orig = readFileSync(at("small.sim"));
    const metaEnd = 30 + orig.readUInt32LE(22);
    for (const [i, bit] of [[23, 2], [metaEnd - 2, 4], [orig.length - 1, 0]]) {
      const b = Buffer.from(orig);
      b[i] ^= 1 << bit;
      writeFileSync(at("flip1.sim"), b);
      const r = run("sim", "boot", "flip1.sim");
      expect(r.status, `${i}:${bit} ${r.stderr}`).toBe(1);
      expect(r.stderr).toMatch(/^slotboot: error DEVICE_FILE_CORRUPT: flip1\.sim is damaged \(.+\n$/);
    }
    copyFileSync(at("small.sim"), at("rot.sim"));
    expect(run("sim", "corrupt", "rot.sim", "--slot", "A", "--offset", "700").status).toBe(0);
    expect(run("sim", "status", "rot.sim", "--json").json.slots.A.state).toBe("invalid");
  });

  it("a version 1 device file (no checksum) still loads, every flip of its metadata is a typed error or a clean run, and it is saved as version 2", async () => {
    // Version 1 is version 2 without the flash length and the checksum.
    const v2 = readFileSync(at("small.sim"));
    const m = v2.readUInt32LE(22);
    const f = v2.readUInt32LE(26);
    const len = Buffer.alloc(4);
    len.writeUInt32LE(m);
    const v1 = Buffer.concat([Buffer.from("SLOTBOOT-SIM-DEVICE-1\n"), len, v2.subarray(30, 30 + m + f)]);
    writeFileSync(at("old.sim"), v1);
    const want = await inProcess(["sim", "status", at("old.sim"), "--json"]);
    expect(want.status, want.stderr).toBe(0);
    // One bit per byte (rotating), to keep it quick: each flip that loads runs the boot core.
    for (let i = 22; i < 26 + m; i++) {
      for (const bit of [i % 8]) {
        const b = Buffer.from(v1);
        b[i] ^= 1 << bit;
        writeFileSync(at("oldflip.sim"), b);
        const r = await inProcess(["sim", "status", at("oldflip.sim"), "--json"]);
        expect(JS_ERROR.test(r.stderr), `byte ${i} bit ${bit}: ${r.stderr}`).toBe(false);
        expect([0, 1], `byte ${i} bit ${bit}: ${r.stderr}`).toContain(r.status);
        if (r.status === 1) expect(r.stderr).toMatch(/^slotboot: error (DEVICE_FILE_CORRUPT|BAD_DEVICE_FILE): /);
      }
    }
    // (About 1 flip in 10 still loads as a different device, e.g. another max-attempts or vendor ID:
    // that is why version 2 has a checksum.)
    expect(run("sim", "boot", "old.sim").status).toBe(0);
    expect(readFileSync(at("old.sim")).subarray(0, 22).toString()).toBe("SLOTBOOT-SIM-DEVICE-2\n");
  });
});

describe("device file hygiene", () => {
  it("a killed run's temporary file is removed at the next open; a live run's is left alone", () => {
    copyFileSync(at("dev.sim"), at("tidy.sim"));
    const stale = at(`tidy.sim.tmp-${deadPid()}`);
    writeFileSync(stale, Buffer.alloc(1 << 20, 0xa5));
    const mine = at(`tidy.sim.tmp-${process.pid}`);
    writeFileSync(mine, "in progress");
    expect(run("sim", "status", "tidy.sim").status).toBe(0);
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(mine)).toBe(true);
    // The same for other outputs, at their next write.
    const staleOut = at(`tidy.img.tmp-${deadPid()}`);
    writeFileSync(staleOut, "half an image");
    expect(run("image", "create", "--in", "fw1.0.0.bin", "--version", "1.0.0", "--out", "tidy.img").status).toBe(0);
    expect(existsSync(staleOut)).toBe(false);
  });

  it("a read-only device file is refused by every changing verb and left as it was; status still reads it", () => {
    copyFileSync(at("dev.sim"), at("ro.sim"));
    chmodSync(at("ro.sim"), 0o444);
    const before = sha("ro.sim");
    for (const args of [["sim", "boot", "ro.sim"], ["sim", "install", "ro.sim", "v2.img"], ["sim", "corrupt", "ro.sim", "--slot", "A", "--offset", "0"]]) {
      const r = run(...args);
      expect(r.status, args.join(" ")).toBe(1);
      expect(r.stderr).toMatch(/^slotboot: error READ_ONLY: device file ro\.sim is read-only; .+\n$/);
    }
    expect(sha("ro.sim")).toBe(before);
    expect(statSync(at("ro.sim")).mode & 0o777).toBe(0o444);
    expect(run("sim", "status", "ro.sim").status).toBe(0);
  });

  it("saving keeps the device file's permissions", () => {
    copyFileSync(at("dev.sim"), at("mode.sim"));
    chmodSync(at("mode.sim"), 0o640);
    expect(run("sim", "boot", "mode.sim").status).toBe(0);
    expect(statSync(at("mode.sim")).mode & 0o777).toBe(0o640);
  });

  it("an endless input (/dev/zero) is refused while reading, with the slot's bound", () => {
    const before = sha("dev.sim");
    const t0 = Date.now();
    const r = run("sim", "install", "dev.sim", "/dev/zero");
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^slotboot: error IMAGE_TOO_LARGE: \/dev\/zero is more than 65536 bytes but a slot of this device holds 65536; .+\n$/);
    expect(sha("dev.sim")).toBe(before);
    const k = run("verify", "v1.img", "--pub", "/dev/zero");
    expect(k.status).toBe(1);
    expect(k.stderr).toMatch(/^slotboot: error BAD_KEY: public key \/dev\/zero is larger than 65536 bytes/);
  });
});
