// Is the process that left a lock or a temporary file still running? Lock
// files and temp files carry the PID of their writer; a dead writer's files
// are reclaimed. A PID can be reused by an unrelated process, so on Linux the
// process start time (field 22 of /proc/PID/stat) is recorded and compared too.
import { readFileSync } from "node:fs";
import { hostname } from "node:os";

/** The kernel's start time of a process (clock ticks since boot), or null where /proc is not there. */
export function processStartTime(pid: number | "self"): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
    // The command name (field 2) may contain spaces and parentheses: count from the last ')'.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return fields[19] ?? null; // field 22 overall
  } catch {
    return null;
  }
}

export interface Owner {
  pid: number;
  host?: string;
  /** processStartTime() of the owner when it wrote the file. */
  start?: string | null;
}

export function thisProcess(): Owner {
  return { pid: process.pid, host: hostname(), start: processStartTime("self") };
}

/**
 * False only when the owner is certainly gone. An owner on another host (a
 * shared directory) cannot be checked from here and counts as alive.
 */
export function isAlive(owner: Owner): boolean {
  if (!Number.isSafeInteger(owner.pid) || owner.pid <= 0) return false;
  if (owner.host && owner.host !== hostname()) return true;
  try {
    process.kill(owner.pid, 0);
  } catch (e) {
    // EPERM: it exists but belongs to another user.
    if ((e as NodeJS.ErrnoException).code === "ESRCH") return false;
  }
  if (owner.start) {
    const now = processStartTime(owner.pid);
    if (now !== null && now !== owner.start) return false; // the PID was reused
  }
  return true;
}
