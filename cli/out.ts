// Output discipline: with --json, human text goes to stderr and one JSON
// object is the last thing on stdout; without it, human text goes to stdout.

export class Out {
  private pending: unknown = undefined;
  constructor(readonly jsonMode: boolean) {}

  human(line: string): void {
    (this.jsonMode ? process.stderr : process.stdout).write(line + "\n");
  }

  /** Remember the JSON result; flush() prints it (also on failures). */
  json(value: unknown): void {
    this.pending = value;
  }

  hasPending(): boolean {
    return this.pending !== undefined;
  }

  flush(): void {
    if (this.jsonMode && this.pending !== undefined) process.stdout.write(JSON.stringify(this.pending) + "\n");
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
    process.stderr.write(`\r${label} [${"#".repeat(fill)}${" ".repeat(width - fill)}] ${String(pct).padStart(3)}%${done >= total ? "\n" : ""}`);
  };
}
