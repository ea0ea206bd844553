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

  flush(): void {
    if (this.jsonMode && this.pending !== undefined) process.stdout.write(JSON.stringify(this.pending) + "\n");
    this.pending = undefined;
  }
}
