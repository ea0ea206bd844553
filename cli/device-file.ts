// The device file codec: a whole simulated device (configuration, runtime
// state, flash) in one file, with a checksum so that damage is an error and
// never a device that quietly behaves differently.
//
// Version 2 (written by this tool), integers little-endian:
//   0        22  magic "SLOTBOOT-SIM-DEVICE-2\n"
//   22        4  M = metadata length
//   26        4  F = flash image length
//   30        M  metadata: JSON {config, runtime}
//   30+M      F  flash image (SimFlash.serialize, with its own CRC-32)
//   30+M+F   32  SHA-256 of every byte before it
// The checksum covers the flash too: a change to any byte is caught. `sim
// corrupt` flips flash bits through this tool, which recomputes the checksum
// when it saves, so deliberate damage to the flash stays possible.
//
// Version 1 (SimDevice.serialize: magic "SLOTBOOT-SIM-DEVICE-1\n", M, metadata,
// flash) has no metadata checksum. It is still read, with the same strict
// structural checks, and becomes version 2 at its next save.
import { createHash } from "node:crypto";
import { CliError } from "./args.js";
import { SimDevice, type DeviceConfig, type DeviceRuntime } from "../bootloader-sim/device.js";
import { SimFlash } from "../bootloader-sim/flash.js";
import { planLayout } from "../bindings/bootloader.js";
import { RESET_CODES } from "../bindings/names.js";

const enc = new TextEncoder();
export const MAGIC_V1 = enc.encode("SLOTBOOT-SIM-DEVICE-1\n");
export const MAGIC_V2 = enc.encode("SLOTBOOT-SIM-DEVICE-2\n");
const HEAD = MAGIC_V2.length + 8;
const SUM = 32;

const sha256 = (bytes: Uint8Array) => new Uint8Array(createHash("sha256").update(bytes).digest());

export function encodeDevice(dev: SimDevice): Uint8Array {
  const meta = enc.encode(JSON.stringify({ config: dev.config, runtime: dev.runtime }));
  const flash = dev.flash.serialize();
  const body = HEAD + meta.length + flash.length;
  const out = new Uint8Array(body + SUM);
  const v = new DataView(out.buffer);
  out.set(MAGIC_V2, 0);
  v.setUint32(MAGIC_V2.length, meta.length, true);
  v.setUint32(MAGIC_V2.length + 4, flash.length, true);
  out.set(meta, HEAD);
  out.set(flash, HEAD + meta.length);
  out.set(sha256(out.subarray(0, body)), body);
  return out;
}

function notDevice(path: string, why: string): CliError {
  return new CliError("BAD_DEVICE_FILE", `${path} is not a slotboot device file (${why}); create one with \`slotboot sim create\``);
}

export function corrupt(path: string, why: string): CliError {
  return new CliError(
    "DEVICE_FILE_CORRUPT",
    `${path} is damaged (${why}); slotboot will not guess what it held — restore it from a copy or make a new one with \`slotboot sim create --force\``,
  );
}

/** Bits that differ between the start of `bytes` and `magic`. */
function bitDistance(bytes: Uint8Array, magic: Uint8Array): number {
  let d = 0;
  for (let i = 0; i < magic.length; i++) {
    let x = (bytes[i] ?? 0) ^ magic[i];
    for (; x; x &= x - 1) d++;
  }
  return d;
}

export function decodeDevice(bytes: Uint8Array, path: string): SimDevice {
  const n = MAGIC_V2.length;
  if (bytes.length < n) throw notDevice(path, "too short");
  const fromV1 = bitDistance(bytes, MAGIC_V1);
  const fromV2 = bitDistance(bytes, MAGIC_V2);
  const isV2 = fromV2 === 0;
  // A magic a few bits away from ours is our file with damage, not someone else's file.
  if (!isV2 && fromV1 !== 0) throw Math.min(fromV1, fromV2) <= 4 ? corrupt(path, "its header is damaged") : notDevice(path, "bad magic");
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let metaBytes: Uint8Array;
  let flashBytes: Uint8Array;
  if (isV2) {
    if (bytes.length < HEAD + SUM) throw corrupt(path, "truncated");
    const m = v.getUint32(n, true);
    const f = v.getUint32(n + 4, true);
    if (HEAD + m + f + SUM !== bytes.length) throw corrupt(path, `its length fields say ${HEAD + m + f + SUM} bytes, the file has ${bytes.length}: truncated or damaged`);
    const body = bytes.length - SUM;
    const want = bytes.subarray(body);
    const got = sha256(bytes.subarray(0, body));
    if (!got.every((b, i) => b === want[i])) throw corrupt(path, "checksum mismatch: changed outside slotboot or bit rot");
    metaBytes = bytes.subarray(HEAD, HEAD + m);
    flashBytes = bytes.subarray(HEAD + m, body);
  } else {
    if (bytes.length < n + 4) throw corrupt(path, "truncated");
    const m = v.getUint32(n, true);
    if (n + 4 + m > bytes.length) throw corrupt(path, "truncated");
    metaBytes = bytes.subarray(n + 4, n + 4 + m);
    flashBytes = bytes.subarray(n + 4 + m);
  }
  let meta: unknown;
  try {
    meta = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(metaBytes));
  } catch {
    throw corrupt(path, "unreadable metadata");
  }
  const { config, runtime } = checkMeta(meta, (why) => corrupt(path, `metadata: ${why}`));
  let flash: SimFlash;
  try {
    flash = SimFlash.deserialize(flashBytes);
  } catch (e) {
    throw corrupt(path, (e as Error).message);
  }
  const l = config.layout;
  const g = flash.geometry;
  if (g.sectorSize !== l.sectorSize || g.size !== l.flashSize || g.writeSize !== l.writeSize)
    throw corrupt(path, "the flash geometry does not match the layout");
  return new SimDevice(config, flash, runtime);
}

// -- metadata checks: every field, its type and its range ------------------------

type Fail = (why: string) => CliError;

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);

function onlyKeys(o: Record<string, unknown>, allowed: readonly string[], what: string, fail: Fail): void {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) throw fail(`unknown field ${JSON.stringify(k)} in ${what}`);
}

function int(o: Record<string, unknown>, key: string, min: number, max: number, fail: Fail): number {
  const x = o[key];
  if (typeof x !== "number" || !Number.isSafeInteger(x) || x < min || x > max) throw fail(`${key} is not an integer from ${min} to ${max}`);
  return x;
}

function hex(o: Record<string, unknown>, key: string, digits: number, fail: Fail): string | undefined {
  const x = o[key];
  if (x === undefined) return undefined;
  if (typeof x !== "string" || !new RegExp(`^[0-9a-f]{${digits}}$`).test(x)) throw fail(`${key} is not ${digits} hex digits`);
  return x;
}

const LAYOUT_KEYS = ["ctlAddr", "ctlSectors", "resumeAddr", "resumeSectors", "slotA", "slotB", "slotSize", "sectorSize", "writeSize", "maxAttempts", "maxPowerAttempts", "flashSize"] as const;

function checkMeta(meta: unknown, fail: Fail): { config: DeviceConfig; runtime: DeviceRuntime } {
  if (!isObject(meta)) throw fail("not an object");
  onlyKeys(meta, ["config", "runtime"], "the metadata", fail);
  const c = meta.config;
  const r = meta.runtime;
  if (!isObject(c)) throw fail("config is missing");
  if (!isObject(r)) throw fail("runtime is missing");
  onlyKeys(c, ["layout", "core", "publicKey", "vendorId", "classId", "hardwareRevision", "decryptionKey"], "config", fail);
  const l = c.layout;
  if (!isObject(l)) throw fail("layout is missing");
  onlyKeys(l, LAYOUT_KEYS, "layout", fail);
  const sectorSize = int(l, "sectorSize", 256, 1 << 20, fail);
  if ((sectorSize & (sectorSize - 1)) !== 0) throw fail("sectorSize is not a power of two");
  const slotSize = int(l, "slotSize", sectorSize, 1 << 28, fail);
  if (slotSize % sectorSize !== 0) throw fail("slotSize is not a multiple of sectorSize");
  const writeSize = int(l, "writeSize", 1, 16, fail);
  if (![1, 4, 8, 16].includes(writeSize)) throw fail("writeSize is not 1, 4, 8 or 16");
  const options = {
    sectorSize,
    slotSize,
    writeSize,
    ctlSectors: int(l, "ctlSectors", 1, 64, fail),
    resumeSectors: int(l, "resumeSectors", 0, 64, fail),
    maxAttempts: int(l, "maxAttempts", 1, 255, fail),
    maxPowerAttempts: int(l, "maxPowerAttempts", 1, 255, fail),
  };
  // Every derived address must be what the layout rules give: no hand-edited offsets.
  const planned = planLayout(options);
  for (const k of LAYOUT_KEYS) if (l[k] !== planned[k]) throw fail(`layout.${k} is ${String(l[k])}, the layout rules give ${planned[k]}`);
  if (c.core !== "wasm" && c.core !== "js") throw fail("core is not wasm or js");
  const config: DeviceConfig = { layout: planned, core: c.core };
  // An Ed25519 key (64 hex digits) or a P-256 uncompressed point (130, starting 04).
  const p256Key = typeof c.publicKey === "string" && c.publicKey.length === 130 && c.publicKey.startsWith("04");
  const publicKey = hex(c, "publicKey", p256Key ? 130 : 64, fail);
  const vendorId = hex(c, "vendorId", 32, fail);
  const classId = hex(c, "classId", 32, fail);
  if (publicKey !== undefined) config.publicKey = publicKey;
  if (vendorId !== undefined) config.vendorId = vendorId;
  if (classId !== undefined) config.classId = classId;
  if (c.hardwareRevision !== undefined) config.hardwareRevision = int(c, "hardwareRevision", 0, 0xffff, fail);
  const decryptionKey = hex(c, "decryptionKey", 64, fail);
  if (decryptionKey !== undefined) config.decryptionKey = decryptionKey;
  onlyKeys(r, ["nextReset", "running", "boots"], "runtime", fail);
  if (typeof r.nextReset !== "string" || !Object.hasOwn(RESET_CODES, r.nextReset)) throw fail("nextReset is not a reset reason");
  if (r.running !== null && r.running !== "A" && r.running !== "B") throw fail("running is not A, B or null");
  const runtime: DeviceRuntime = { nextReset: r.nextReset as DeviceRuntime["nextReset"], running: r.running, boots: int(r, "boots", 0, Number.MAX_SAFE_INTEGER, fail) };
  return { config, runtime };
}
