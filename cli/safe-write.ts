// Writing outputs so that nothing is lost or replaced by surprise:
//  - an existing output is refused unless the caller allows replacing it (--force);
//  - an output that is also an input, a symbolic link or a special file (device,
//    FIFO, socket) is always refused: replacing those is never what was meant;
//  - a read-only file is never replaced (permissions are the owner's decision);
//  - bytes go to a temporary file in the same directory, are fsync'ed, then
//    renamed (or hard-linked, when nothing may be replaced) into place, and the
//    directory is fsync'ed: a crash leaves the old file or the new one whole;
//  - a temporary file left by a killed run (its PID is dead) is removed the
//    next time the same output is written (a SIGKILL cannot be caught, so
//    tidying happens then, not at exit).
import {
  closeSync, fchmodSync, fchownSync, fsyncSync, linkSync, lstatSync, openSync, readdirSync, renameSync, statSync, unlinkSync, writeSync,
  accessSync, constants, type Stats,
} from "node:fs";
import { basename, dirname, join } from "node:path";
import { CliError } from "./args.js";
import { fsError } from "./io.js";
import { isAlive } from "./process-alive.js";

// -- checks -------------------------------------------------------------------

function kindOf(st: Stats): string | null {
  if (st.isFile()) return null;
  if (st.isDirectory()) return "a directory";
  if (st.isSymbolicLink()) return "a symbolic link";
  if (st.isCharacterDevice()) return "a character device";
  if (st.isBlockDevice()) return "a block device";
  if (st.isFIFO()) return "a FIFO (named pipe)";
  if (st.isSocket()) return "a socket";
  return "not a regular file";
}

function lstatOrNull(path: string, what: string): Stats | null {
  try {
    return lstatSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return null;
    throw fsError(e, path, `check ${what}`);
  }
}

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

/** True when the file may not be written: no write bit at all (also for root), or no write access for us. */
export function isReadOnly(path: string, st: Stats): boolean {
  if ((st.mode & 0o222) === 0) return true;
  try {
    accessSync(path, constants.W_OK);
    return false;
  } catch {
    return true;
  }
}

export interface OutputCheck {
  /** What the output is, for messages: "output", "device file", "private key"… */
  what?: string;
  /** Replace an existing regular file (the user passed --force). */
  force?: boolean;
  /** Input paths this output must not be (the same file through any name). */
  inputs?: Array<string | undefined>;
  /** The flag that allows replacing, named in the refusal. */
  forceFlag?: string;
}

export interface CheckedOutput {
  path: string;
  /** The existing file's status, null when there is none. */
  existing: Stats | null;
}

/** Check one output before any work is done; throws the refusal. */
export function checkOutput(path: string, o: OutputCheck = {}): CheckedOutput {
  const what = o.what ?? "output";
  const st = lstatOrNull(path, what);
  if (st) {
    const kind = kindOf(st);
    if (st.isDirectory()) throw new CliError("IS_A_DIRECTORY", `${what} ${path} is a directory; pass a file name`);
    if (st.isSymbolicLink())
      throw new CliError("OUTPUT_IS_SYMLINK", `${what} ${path} is a symbolic link; slotboot never replaces links — write to the real path or remove the link`);
    if (kind) throw new CliError("NOT_A_REGULAR_FILE", `${what} ${path} is ${kind}; slotboot only writes regular files`);
  }
  const target = st ? st : null;
  for (const input of o.inputs ?? []) {
    if (!input) continue;
    const i = statOrNull(input);
    if (i && target && i.dev === target.dev && i.ino === target.ino)
      throw new CliError("SAME_FILE", `${what} ${path} is the same file as the input ${input}; write to another file`);
    if (!target && input === path) throw new CliError("SAME_FILE", `${what} ${path} is also an input; write to another file`);
  }
  if (st) {
    if (isReadOnly(path, st)) throw new CliError("READ_ONLY", `${what} ${path} is read-only; make it writable (chmod u+w) to replace it, or write to another file`);
    if (!o.force) throw new CliError("FILE_EXISTS", `${what} ${path} already exists; pick another name or pass ${o.forceFlag ?? "--force"} to replace it`);
  }
  return { path, existing: st };
}

/** Refuse two outputs that are the same path. */
export function distinctOutputs(...paths: Array<string | undefined>): void {
  const seen = new Map<string, string>();
  for (const p of paths) {
    if (!p) continue;
    const key = join(dirname(p), basename(p));
    if (seen.has(key)) throw new CliError("SAME_FILE", `${p} is named as two outputs; give each output its own file`);
    seen.set(key, p);
  }
}

// -- temporary files ------------------------------------------------------------

const TEMP_RE = /\.tmp-(\d+)$/;

/** Remove `PATH.tmp-PID` files whose PID is dead (left by a killed run). Errors are ignored: this is tidying. */
export function removeStaleTemps(path: string): string[] {
  const dir = dirname(path);
  const prefix = `${basename(path)}.tmp-`;
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const m = TEMP_RE.exec(name);
    if (!m || name.length !== prefix.length + m[1].length) continue;
    if (isAlive({ pid: Number(m[1]) })) continue;
    try {
      unlinkSync(join(dir, name));
      removed.push(name);
    } catch {
      /* gone already, or not ours to remove */
    }
  }
  return removed;
}

function fsyncDirectory(dir: string): void {
  // Makes the rename itself durable. Not every platform can open a directory: best effort.
  try {
    const fd = openSync(dir, "r");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    /* best effort */
  }
}

export interface WriteOptions {
  what?: string;
  /** Replace an existing file (rename over it); otherwise an existing file is FILE_EXISTS. */
  replace: boolean;
  /** Permission bits of a new file (the umask still applies), default 0666. */
  mode?: number;
  /** Keep these permission bits and owner (the file being replaced). */
  keep?: Stats | null;
  /** Set exactly these permission bits, new file or not (private keys: 0600). */
  exactMode?: number;
}

/** Write `bytes` to `path` atomically (temp file, fsync, rename or link, fsync of the directory). */
export function writeFileAtomic(path: string, bytes: Uint8Array | string, o: WriteOptions): void {
  const what = o.what ?? "output";
  removeStaleTemps(path);
  const tmp = `${path}.tmp-${process.pid}`;
  let fd: number;
  try {
    fd = openTemp(tmp, o.mode ?? 0o666);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") throw new CliError("FILE_NOT_FOUND", `cannot write ${what} ${path}: the directory ${dirname(path)} does not exist`);
    if (code === "EACCES" || code === "EPERM") throw new CliError("PERMISSION_DENIED", `cannot write ${what} ${path}: no permission to create files in ${dirname(path)}`);
    throw fsError(e, path, `write ${what}`);
  }
  try {
    try {
      const data = typeof bytes === "string" ? Buffer.from(bytes) : bytes;
      for (let at = 0; at < data.length; ) at += writeSync(fd, data, at, data.length - at);
      const exact = o.exactMode ?? (o.keep ? o.keep.mode & 0o7777 : undefined);
      if (exact !== undefined) fchmodSync(fd, exact);
      if (o.keep) {
        if (process.getuid?.() === 0) {
          try {
            fchownSync(fd, o.keep.uid, o.keep.gid);
          } catch {
            /* keep going with root as owner */
          }
        }
      }
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (o.replace) renameSync(tmp, path);
    else placeNew(tmp, path, what);
    fsyncDirectory(dirname(path));
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw fsError(e, path, `write ${what}`);
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      /* renamed into place */
    }
  }
}

function openTemp(tmp: string, mode: number): number {
  try {
    return openSync(tmp, "wx", mode);
  } catch (e) {
    // A temp file with our own PID is from a dead process that had this PID before.
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    unlinkSync(tmp);
    return openSync(tmp, "wx", mode);
  }
}

/** Move the finished temp file to a name that must not exist yet: link() fails instead of replacing. */
function placeNew(tmp: string, path: string, what: string): void {
  try {
    linkSync(tmp, path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EEXIST") throw new CliError("FILE_EXISTS", `${what} ${path} appeared while slotboot was writing it; nothing was replaced — pick another name or pass --force`);
    // File systems without hard links (FAT, some network mounts): check, then rename.
    if (code === "EPERM" || code === "ENOTSUP" || code === "EOPNOTSUPP" || code === "ENOSYS" || code === "EMLINK") {
      if (lstatOrNull(path, what)) throw new CliError("FILE_EXISTS", `${what} ${path} appeared while slotboot was writing it; nothing was replaced`);
      renameSync(tmp, path);
      return;
    }
    throw e;
  }
  unlinkSync(tmp);
}

/** Check, then write, one output: the whole policy in one call. */
export function writeOutput(path: string, bytes: Uint8Array | string, o: OutputCheck & { exactMode?: number } = {}): void {
  const c = checkOutput(path, o);
  writeFileAtomic(path, bytes, { what: o.what, replace: c.existing !== null, mode: o.exactMode, exactMode: o.exactMode, keep: c.existing });
}
