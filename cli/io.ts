// Reading inputs for the CLI: errors that name the file and the fix, and a
// bound on how much is read (a mistaken `/dev/zero` or a huge file is refused
// while reading, not after filling memory).
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { CliError } from "./args.js";

/** A bound for one input: at most `max` bytes, else `error(sizeIfKnown)`. */
export interface InputLimit {
  max: number;
  error: (size: number | null) => CliError;
}

/** The largest input any verb reads by default: twice the largest simulated slot plus room for a package. */
export const MAX_INPUT_BYTES = 600 * 1024 * 1024;

/** The largest firmware or image: the largest slot a simulated device has (256 MiB). */
export const MAX_FIRMWARE_BYTES = 1 << 28;

/** At most `max` bytes of `what`, else INPUT_TOO_LARGE naming the file and the bound. */
export function sizeLimit(path: string, what: string, max: number, why = "slotboot reads no more"): InputLimit {
  return {
    max,
    error: (size) => new CliError("INPUT_TOO_LARGE", `${what} ${path} is ${size === null ? `more than ${max}` : size} bytes; ${why} than ${max} — pass the right file`),
  };
}

const defaultLimit = (path: string, what: string): InputLimit => sizeLimit(path, what, MAX_INPUT_BYTES);

const REASONS: Record<string, [code: string, text: string]> = {
  ENOENT: ["FILE_NOT_FOUND", "no such file or directory"],
  ENOTDIR: ["FILE_NOT_FOUND", "a part of the path is not a directory"],
  EACCES: ["PERMISSION_DENIED", "permission denied"],
  EPERM: ["PERMISSION_DENIED", "operation not permitted"],
  EISDIR: ["IS_A_DIRECTORY", "is a directory"],
  EROFS: ["READ_ONLY", "the file system is read-only"],
  ENOSPC: ["NO_SPACE", "no space left on the device"],
  EDQUOT: ["NO_SPACE", "disk quota exceeded"],
  EFBIG: ["NO_SPACE", "file too large for the file system"],
  ENAMETOOLONG: ["BAD_PATH", "the name is too long"],
  ELOOP: ["BAD_PATH", "too many levels of symbolic links"],
  EMFILE: ["TOO_MANY_OPEN_FILES", "too many open files"],
  ENFILE: ["TOO_MANY_OPEN_FILES", "too many open files in the system"],
  EBUSY: ["FILE_BUSY", "the file is busy"],
  ETXTBSY: ["FILE_BUSY", "the file is busy"],
  EXDEV: ["IO_ERROR", "cannot move a file across file systems"],
  EIO: ["IO_ERROR", "input/output error"],
};

export function isFsError(e: unknown): e is NodeJS.ErrnoException {
  const code = (e as NodeJS.ErrnoException)?.code;
  return e instanceof Error && typeof code === "string" && /^E[A-Z0-9]+$/.test(code) && typeof (e as NodeJS.ErrnoException).syscall === "string";
}

/** A Node file-system error as one CLI error line naming the path: `cannot ACTION PATH: reason`. */
export function fsError(e: unknown, path: string, action: string): CliError {
  if (e instanceof CliError) return e;
  const err = e as NodeJS.ErrnoException;
  const [code, text] = REASONS[err.code ?? ""] ?? ["IO_ERROR", `${err.code ?? "error"}: ${err.message}`];
  return new CliError(code, `cannot ${action} ${path}: ${text}`);
}

/** Any Node file-system error that escaped a verb: one line, naming the path it was about. */
export function describeFsError(e: NodeJS.ErrnoException): CliError {
  const action = { open: "open", read: "read", write: "write", rename: "replace", unlink: "remove", mkdir: "create", link: "create", fsync: "sync", stat: "read", lstat: "read", scandir: "list" }[e.syscall ?? ""] ?? e.syscall ?? "access";
  return fsError(e, e.path ?? (e as { dest?: string }).dest ?? "a file", action);
}

/**
 * The whole of an input file, reading at most `limit.max` bytes. `limit` may
 * depend on the first bytes (an image and a package have different bounds).
 * Pipes and devices work too; their size is only known by reading.
 */
export function readInput(path: string, what: string, limit?: InputLimit | ((head: Uint8Array) => InputLimit)): Uint8Array {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new CliError("FILE_NOT_FOUND", `${what} ${path} does not exist; check the path`);
    if (code === "EISDIR") throw new CliError("FILE_NOT_FOUND", `${what} ${path} is a directory; pass a file`);
    throw fsError(e, path, `read ${what}`);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new CliError("FILE_NOT_FOUND", `${what} ${path} is a directory; pass a file`);
    const known = st.isFile() ? st.size : null;
    let bound: InputLimit | null = typeof limit === "function" ? null : (limit ?? defaultLimit(path, what));
    if (bound && known !== null && known > bound.max) throw bound.error(known);
    let buf = Buffer.allocUnsafe(Math.max(16, Math.min(known !== null ? known + 1 : 1 << 16, (bound?.max ?? 1 << 16) + 1)));
    let n = 0;
    for (;;) {
      if (n === buf.length) {
        const cap = (bound?.max ?? MAX_INPUT_BYTES) + 1;
        const grown = Buffer.allocUnsafe(Math.min(Math.max(buf.length * 2, 1 << 16), cap));
        if (grown.length <= buf.length) throw (bound ?? defaultLimit(path, what)).error(known);
        buf.copy(grown, 0, 0, n);
        buf = grown;
      }
      const got = readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) break;
      n += got;
      if (!bound && (n >= 16 || got === 0)) {
        bound = (limit as (head: Uint8Array) => InputLimit)(new Uint8Array(buf.subarray(0, n)));
        if (known !== null && known > bound.max) throw bound.error(known);
      }
      if (bound && n > bound.max) throw bound.error(known);
    }
    if (!bound && typeof limit === "function") {
      bound = limit(new Uint8Array(buf.subarray(0, n)));
      if (n > bound.max) throw bound.error(known);
    }
    return new Uint8Array(buf.buffer, buf.byteOffset, n).slice();
  } catch (e) {
    if (e instanceof CliError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EISDIR") throw new CliError("FILE_NOT_FOUND", `${what} ${path} is a directory; pass a file`);
    throw fsError(e, path, `read ${what}`);
  } finally {
    closeSync(fd);
  }
}
