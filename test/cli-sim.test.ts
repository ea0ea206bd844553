// The CLI contract of the boot core, driven as a separate process.
import { beforeAll, describe, expect, it } from "vitest";
import { readFileSync, writeFileSync, copyFileSync } from "node:fs";
import { join } from "node:path";
import { createHash } from "node:crypto";
import { slotboot, tempDir } from "./helpers/cli.js";

const sha = (p: string) => createHash("sha256").update(readFileSync(p)).digest("hex");

let dir: string;
function fw(name: string, size: number, seed: number): string {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (i * seed + (i >> 7)) & 0xff;
  writeFileSync(join(dir, name), b);
  return name;
}

beforeAll(() => {
  dir = tempDir();
  for (const [v, n] of [["1.0.0", 3000], ["2.0.0", 5000], ["3.0.0", 4000]] as const) {
    const bin = fw(`fw${v}.bin`, n, n % 251);
    expect(slotboot(["image", "create", "--in", bin, "--version", v, "--out", `v${v[0]}.img`], dir).status).toBe(0);
  }
  expect(slotboot(["sim", "create", "dev.sim", "--image", "v1.img", "--slot-size", "65536"], dir).status).toBe(0);
});

describe("slotboot sim", () => {
  it("status of a new device matches the documented JSON", () => {
    const r = slotboot(["sim", "status", "dev.sim", "--json"], dir);
    expect(r.status).toBe(0);
    expect(r.json).toMatchObject({ active: "A", slots: { A: { state: "confirmed", version: "1.0.0" }, B: { state: "empty", version: null } } });
  });

  it("install, trial, hang until rollback, then install and confirm", () => {
    copyFileSync(join(dir, "dev.sim"), join(dir, "story.sim"));
    let r = slotboot(["sim", "install", "story.sim", "v2.img", "--chunk", "100", "--json"], dir);
    expect(r.json).toMatchObject({ result: "installed", error: null, resumeOffset: 0 });
    expect(slotboot(["sim", "status", "story.sim", "--json"], dir).json.slots.B).toMatchObject({ state: "pending", version: "2.0.0" });
    const reasons = [];
    for (let i = 0; i < 4; i++) {
      r = slotboot(["sim", "boot", "story.sim", "--app", "hang", "--json"], dir);
      expect(r.status).toBe(0);
      reasons.push(`${r.json.booted}:${r.json.reason}`);
    }
    expect(reasons).toEqual(["B:trial-start", "B:trial-retry", "B:trial-retry", "A:rollback-attempts"]);
    expect(slotboot(["sim", "status", "story.sim", "--json"], dir).json).toMatchObject({ active: "A", slots: { B: { state: "rejected" } } });
    expect(slotboot(["sim", "install", "story.sim", "v3.img", "--json"], dir).status).toBe(0);
    r = slotboot(["sim", "boot", "story.sim", "--app", "noconfirm", "--json"], dir);
    expect(r.json).toMatchObject({ booted: "B", version: "3.0.0", reason: "trial-start" });
    expect(slotboot(["sim", "confirm", "story.sim"], dir).status).toBe(0);
    r = slotboot(["sim", "status", "story.sim", "--json"], dir);
    expect(r.json).toMatchObject({ active: "B", slots: { B: { state: "confirmed", version: "3.0.0" } } });
    r = slotboot(["sim", "boot", "story.sim", "--reset", "watchdog", "--json"], dir);
    expect(r.json).toMatchObject({ booted: "B", version: "3.0.0", reason: "confirmed" });
  });

  it("bad input gets a one-line typed error, a non-zero exit and an unchanged device file", () => {
    writeFileSync(join(dir, "junk.img"), Buffer.alloc(4000, 0x5a));
    const big = fw("big.bin", 70000, 3);
    expect(slotboot(["image", "create", "--in", big, "--version", "9.0.0", "--out", "big.img"], dir).status).toBe(0);
    const corrupt = Buffer.from(readFileSync(join(dir, "v2.img")));
    corrupt[600] ^= 0x10;
    writeFileSync(join(dir, "corrupt.img"), corrupt);
    const hdr = Buffer.from(readFileSync(join(dir, "v2.img")));
    hdr[12] = 0xff; // body size beyond the file
    hdr[13] = 0xff;
    writeFileSync(join(dir, "badhdr.img"), hdr);
    const before = sha(join(dir, "dev.sim"));
    const cases: Array<[string[], string]> = [
      [["sim", "install", "dev.sim", "missing.img"], "FILE_NOT_FOUND"],
      [["sim", "install", "dev.sim", "junk.img"], "BAD_HEADER"],
      [["sim", "install", "dev.sim", "big.img"], "IMAGE_TOO_LARGE"],
      [["sim", "install", "dev.sim", "corrupt.img"], "DIGEST_MISMATCH"],
      [["sim", "install", "dev.sim", "badhdr.img"], "BAD_HEADER"],
      [["sim", "install", "junk.img", "v2.img"], "BAD_DEVICE_FILE"],
      [["sim", "boot", "nodevice.sim"], "FILE_NOT_FOUND"],
    ];
    for (const [args, code] of cases) {
      const r = slotboot(args, dir);
      expect(r.status, args.join(" ")).not.toBe(0);
      expect(r.stderr.trim().split("\n")[0], args.join(" ")).toContain(code);
      expect(sha(join(dir, "dev.sim")), args.join(" ")).toBe(before);
    }
    expect(slotboot(["sim", "boot", "dev.sim", "--app", "sideways"], dir).status).toBe(2);
  });

  it("--cut-after-ops tears an operation, exits non-zero, keeps the torn state, and the device recovers", () => {
    let installed = false;
    for (let n = 0; n < 60 && !installed; n++) {
      copyFileSync(join(dir, "dev.sim"), join(dir, "cut.sim"));
      const r = slotboot(["sim", "install", "cut.sim", "v2.img", "--cut-after-ops", String(n), "--json"], dir);
      if (r.status === 0) {
        installed = true;
        break;
      }
      expect(r.status, `cut after ${n}`).toBe(3);
      expect(r.json).toMatchObject({ result: "interrupted", error: "POWER_CUT" });
      const b = slotboot(["sim", "boot", "cut.sim", "--json"], dir);
      expect(b.json.resetReason).toBe("power");
      expect(b.json.booted, `boot after cut ${n}`).not.toBeNull();
      const st = slotboot(["sim", "status", "cut.sim", "--json"], dir).json;
      expect(st.slots.A).toMatchObject({ state: "confirmed", version: "1.0.0" });
    }
    expect(installed).toBe(true);
  });

  it("bit rot in the confirmed image is detected and never booted", () => {
    copyFileSync(join(dir, "dev.sim"), join(dir, "rot.sim"));
    expect(slotboot(["sim", "corrupt", "rot.sim", "--slot", "A", "--offset", "1000", "--bit", "5"], dir).status).toBe(0);
    const st = slotboot(["sim", "status", "rot.sim", "--json"], dir).json;
    expect(st.slots.A.state).toBe("invalid");
    const b = slotboot(["sim", "boot", "rot.sim", "--json"], dir).json;
    expect(b).toMatchObject({ booted: null, reason: "no-bootable-image" });
  });
});
