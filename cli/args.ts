// Small argument helpers shared by the CLI verbs: typed option readers that
// turn bad input into a UsageError with a message that says what to pass.

export class UsageError extends Error {
  readonly code = "USAGE";
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** A CLI failure with a stable code; exit status 1 unless said otherwise. */
export class CliError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = "CliError";
  }
}

export type Opts = Record<string, string | boolean | undefined>;

export function need(opts: Opts, name: string, what: string): string {
  const v = opts[name];
  if (typeof v !== "string" || v === "") throw new UsageError(`--${name} is required: ${what}`);
  return v;
}

export function intOpt(opts: Opts, name: string, dflt: number | undefined, min = 0, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const v = opts[name];
  if (v === undefined) return dflt;
  if (typeof v !== "string") throw new UsageError(`--${name} needs a value`);
  const n = /^0x[0-9a-f]+$/i.test(v) ? parseInt(v, 16) : /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be an integer from ${min} to ${max}, not ${JSON.stringify(v)}`);
  return n;
}

export function oneOf<T extends string>(opts: Opts, name: string, allowed: readonly T[], dflt?: T): T | undefined {
  const v = opts[name];
  if (v === undefined) return dflt;
  if (typeof v !== "string" || !allowed.includes(v as T)) throw new UsageError(`--${name} must be one of ${allowed.join(", ")}, not ${JSON.stringify(v)}`);
  return v as T;
}
