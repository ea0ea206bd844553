// The device file as a safe store: opened under the device lock, read with a
// bound, checked (device-file.ts), and saved atomically with its permissions
// and owner kept. A read-only device file is never rewritten, and temporary
// files left by killed runs are removed when the device is next opened.
import { lstatSync, realpathSync, statSync, type Stats } from "node:fs";
import { basename, dirname, join } from "node:path";
import { CliError, intOpt, type Opts } from "./args.js";
import { fsError, readInput } from "./io.js";
import { lockDevice, type DeviceLock } from "./device-lock.js";
import { decodeDevice, encodeDevice } from "./device-file.js";
import { checkOutput, isReadOnly, removeStaleTemps, writeFileAtomic, type OutputCheck } from "./safe-write.js";
import type { SimDevice } from "../bootloader-sim/device.js";

/** Default wait for a device another command holds. */
export const DEFAULT_LOCK_TIMEOUT_S = 30;
/** The largest device file: two 256 MiB slots with wear and unstable-bit records, and room to spare. */
const MAX_DEVICE_BYTES = 1536 * 1024 * 1024;

export function lockTimeoutMs(opts: Opts): number {
  return (intOpt(opts, "lock-timeout", DEFAULT_LOCK_TIMEOUT_S, 0, 86400) as number) * 1000;
}

/** One name for a file whatever path reaches it (symlinks, `./`, `..`): the lock must be the same for all. */
function canonical(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    try {
      return join(realpathSync(dirname(path)), basename(path));
    } catch {
      return path;
    }
  }
}

export interface OpenDevice {
  /** The path as the user wrote it (for messages). */
  readonly path: string;
  readonly dev: SimDevice;
  /** Write the device back (atomically); only for devices opened for writing. */
  save(): void;
  /** Release the lock; safe to call twice. */
  close(): void;
}

async function tryLock(file: string, shownAs: string, timeoutMs: number, required: boolean): Promise<DeviceLock | null> {
  try {
    return await lockDevice(file, timeoutMs, shownAs);
  } catch (e) {
    // A reader in a directory it cannot write to still may read: writers replace the file whole.
    if (!required && e instanceof CliError && (e.code === "PERMISSION_DENIED" || e.code === "READ_ONLY")) return null;
    throw e;
  }
}

/** Open an existing device file; `write` takes it for a command that changes it. */
export async function openDevice(path: string, o: { write: boolean; lockTimeoutMs: number }): Promise<OpenDevice> {
  let st: Stats;
  try {
    st = statSync(path); // follows a symlink: the device is its target
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new CliError("FILE_NOT_FOUND", `device file ${path} does not exist; check the path or create it with \`slotboot sim create\``);
    throw fsError(e, path, "open device file");
  }
  if (st.isDirectory()) throw new CliError("FILE_NOT_FOUND", `device file ${path} is a directory; pass a device file`);
  if (!st.isFile()) throw new CliError("NOT_A_REGULAR_FILE", `device file ${path} is not a regular file; a device file is made by \`slotboot sim create\``);
  const file = canonical(path);
  if (o.write && isReadOnly(file, st))
    throw new CliError("READ_ONLY", `device file ${path} is read-only; slotboot will not change it — make it writable (chmod u+w) or work on a copy`);
  const lock = await tryLock(file, path, o.lockTimeoutMs, o.write);
  try {
    if (lock) {
      // Under the lock only a dead run can have left a temporary file of this device.
      removeStaleTemps(file);
      if (file !== path) removeStaleTemps(path);
    }
    const bytes = readInput(file, "device file", {
      max: MAX_DEVICE_BYTES,
      error: () => new CliError("BAD_DEVICE_FILE", `${path} is larger than any device file; it is not one`),
    });
    const dev = decodeDevice(bytes, path);
    return {
      path,
      dev,
      save() {
        if (!o.write || !lock) throw new Error("device opened read-only");
        const now = lstatSync(file);
        if (!now.isFile()) throw new CliError("NOT_A_REGULAR_FILE", `device file ${path} was replaced by something else while in use; nothing was written`);
        writeFileAtomic(file, encodeDevice(dev), { what: "device file", replace: true, keep: now });
      },
      close() {
        lock?.release();
      },
    };
  } catch (e) {
    lock?.release();
    throw e;
  }
}

/**
 * Create a device file: the output rules (no silent replacing; --force
 * replaces a regular, writable file only), under the device lock so that a
 * forced create cannot land in the middle of another command's run.
 */
export async function createDevice(path: string, build: () => Promise<SimDevice>, o: OutputCheck & { lockTimeoutMs: number }): Promise<void> {
  const check = { ...o, what: "device file" };
  checkOutput(path, check);
  const file = canonical(path);
  const lock = await lockDevice(file, o.lockTimeoutMs, path);
  try {
    removeStaleTemps(file);
    const { existing } = checkOutput(path, check); // again: the world may have changed while we waited
    const dev = await build();
    writeFileAtomic(file, encodeDevice(dev), { what: "device file", replace: existing !== null, keep: existing });
  } finally {
    lock.release();
  }
}
