// Output discipline: with --json, human text goes to stderr and one JSON
// object is the last thing on stdout; without it, human text goes to stdout.
//
// A reader that goes away early (`slotboot inspect x.pkg | head -1`) closes
// the pipe: writes then fail with EPIPE. That is not the command's failure —
// its work (a device file saved, a package written) is already done or still
// has to finish — so the rest of the output is dropped quietly.

const closed = { stdout: false, stderr: false };
let guarded = false;

/** Make EPIPE on stdout/stderr end output quietly instead of crashing (idempotent). */
export function guardStdio(): void {
  if (guarded) return;
  guarded = true;
  for (const name of ["stdout", "stderr"] as const) {
    // Node reports a broken pipe as an 'error' event; without a listener it would throw.
    process[name].on("error", (e: NodeJS.ErrnoException) => {
      closed[name] = true;
      if (e.code !== "EPIPE" && name === "stdout" && !closed.stderr) {
        try {
          process.stderr.write(`slotboot: cannot write to standard output: ${e.message}\n`);
        } catch {
          closed.stderr = true;
        }
      }
    });
  }
}

function write(name: "stdout" | "stderr", text: string): void {
  if (closed[name]) return;
  try {
    process[name].write(text);
  } catch (e) {
    // Synchronous EPIPE (files and pipes are written synchronously on Linux).
    closed[name] = true;
    if ((e as NodeJS.ErrnoException).code !== "EPIPE") throw e;
  }
}

export const writeStdout = (text: string): void => write("stdout", text);
export const writeStderr = (text: string): void => write("stderr", text);

export class Out {
  private pending: unknown = undefined;
  constructor(readonly jsonMode: boolean) {}

  human(line: string): void {
    (this.jsonMode ? writeStderr : writeStdout)(line + "\n");
  }

  /** Remember the JSON result; flush() prints it (also on failures). */
  json(value: unknown): void {
    this.pending = value;
  }

  hasPending(): boolean {
    return this.pending !== undefined;
  }

  flush(): void {
    if (this.jsonMode && this.pending !== undefined) writeStdout(JSON.stringify(this.pending) + "\n");
    this.pending = undefined;
  }
}

/** A progress bar on stderr when it is a terminal and --json is off; otherwise nothing. */
export function progressBar(out: Out, label: string): ((done: number, total: number) => void) | undefined {
  if (out.jsonMode || !process.stderr.isTTY) return undefined;
  let last = -1;
  return (done, total) => {
    const pct = total ? Math.floor((100 * done) / total) : 100;
    if (pct === last) return;
    last = pct;
    const width = 30;
    const fill = Math.round((width * pct) / 100);
    writeStderr(`\r${label} [${"#".repeat(fill)}${" ".repeat(width - fill)}] ${String(pct).padStart(3)}%${done >= total ? "\n" : ""}`);
  };
}
