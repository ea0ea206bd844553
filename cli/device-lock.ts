// One slotboot process at a time per device file.
//
// Node has no flock() without native addons, so the lock is built from files
// next to the device: `DEVICE.lock-PID`, one per process that wants the device.
//
//   acquire: create my own `DEVICE.lock-MYPID` (O_EXCL), then list the
//            directory. If another lock file's process is alive, withdraw
//            (delete mine), sleep a random 10–40 ms and try again until the
//            timeout. If none is alive, the device is mine; lock files of dead
//            processes are deleted on the way.
//   release: delete my file.
//
// Why this is exclusive: if A and B both held the lock, each created its
// file before listing. Say A listed first: A's listing did not show B's file,
// so B created it after A listed, hence after A's file existed; B's listing
// then showed A's live file and B withdrew — a contradiction. No step ever
// deletes the file of a live process, so there is no "steal" race, and a
// killed holder (SIGKILL, power loss of the host) only leaves a file whose
// PID is dead, which the next process ignores and removes. Two processes that
// keep meeting back off by random amounts, so one of them gets through.
import { closeSync, openSync, readdirSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { CliError } from "./args.js";
import { fsError } from "./io.js";
import { isAlive, thisProcess, type Owner } from "./process-alive.js";

/** Exit status of DEVICE_BUSY: EX_TEMPFAIL, "try again later". */
export const BUSY_EXIT = 75;

export interface DeviceLock {
  readonly file: string;
  release(): void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function lockPrefix(path: string): string {
  return `${basename(path)}.lock-`;
}

function readOwner(file: string, pid: number): Owner {
  try {
    const o = JSON.parse(readFileSync(file, "utf8")) as Partial<Owner>;
    return { pid, host: typeof o.host === "string" ? o.host : undefined, start: typeof o.start === "string" ? o.start : undefined };
  } catch {
    // Being written right now, or damaged: the PID in the name still decides.
    return { pid };
  }
}

function createOwnFile(file: string): void {
  let fd: number;
  try {
    fd = openSync(file, "wx", 0o644);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    // A file with our PID can only be left by a dead process that had it before.
    unlinkSync(file);
    fd = openSync(file, "wx", 0o644);
  }
  try {
    writeSync(fd, JSON.stringify({ ...thisProcess(), since: new Date().toISOString(), tool: "slotboot" }) + "\n");
  } finally {
    closeSync(fd);
  }
}

function removeQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    /* already gone */
  }
}

/** The live holders other than us; dead ones' files are removed on the way. */
function liveOthers(path: string, own: string): Array<{ file: string; owner: Owner }> {
  const dir = dirname(path);
  const prefix = lockPrefix(path);
  const live: Array<{ file: string; owner: Owner }> = [];
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(prefix)) continue;
    const file = join(dir, name);
    if (file === own) continue;
    const pidText = name.slice(prefix.length);
    if (!/^\d+$/.test(pidText)) continue;
    const owner = readOwner(file, Number(pidText));
    if (isAlive(owner)) live.push({ file, owner });
    else removeQuietly(file);
  }
  return live;
}

/**
 * Lock the device file `path` (its real path: every name of the device must
 * give the same lock). Waits up to `timeoutMs`, then throws DEVICE_BUSY
 * (naming the device as `shownAs`, the path the user gave).
 */
export async function lockDevice(path: string, timeoutMs: number, shownAs = path): Promise<DeviceLock> {
  const own = join(dirname(path), `${lockPrefix(path)}${process.pid}`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      createOwnFile(own);
    } catch (e) {
      throw fsError(e, path, "lock device file");
    }
    let others: Array<{ file: string; owner: Owner }>;
    try {
      others = liveOthers(path, own);
    } catch (e) {
      removeQuietly(own);
      throw fsError(e, dirname(path), "list the directory of");
    }
    if (others.length === 0) {
      let released = false;
      return {
        file: own,
        release() {
          if (released) return;
          released = true;
          removeQuietly(own);
        },
      };
    }
    removeQuietly(own);
    if (Date.now() >= deadline) throw busy(shownAs, others[0], timeoutMs);
    await sleep(Math.min(10 + Math.floor(Math.random() * 30), Math.max(1, deadline - Date.now())));
  }
}

function busy(path: string, holder: { file: string; owner: Owner }, timeoutMs: number): CliError {
  const who = holder.owner.host ? `process ${holder.owner.pid} on ${holder.owner.host}` : `process ${holder.owner.pid}`;
  const waited = timeoutMs > 0 ? `waited ${timeoutMs / 1000} s; ` : "";
  return new CliError(
    "DEVICE_BUSY",
    `${path} is in use by another slotboot command (${who}); ${waited}retry when it is done, or pass --lock-timeout SECONDS to wait longer ` +
      `(if no such process runs, remove ${holder.file})`,
    BUSY_EXIT,
  );
}
