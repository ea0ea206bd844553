// Every status the core can return, as a stable string code and a message that
// says what to do. The codes and messages live in one table
// (bindings/status-table.ts), checked against assembly/ by test/status-table.test.ts.
import { statusEntry } from "./status-table.js";

export interface StatusInfo {
  readonly code: string;
  readonly message: string;
}

export function statusInfo(status: number): StatusInfo {
  const e = statusEntry(status);
  return e ? { code: e.code, message: e.message } : { code: "UNKNOWN_" + status, message: `the core returned unknown status ${status}` };
}

/** A typed error carrying the core's stable code. */
export class SlotbootError extends Error {
  readonly code: string;
  readonly status: number;
  constructor(status: number, detail?: string) {
    const info = statusInfo(status);
    super(detail ? `${info.message} (${detail})` : info.message);
    this.name = "SlotbootError";
    this.code = info.code;
    this.status = status;
  }
}

/** Throw a SlotbootError for a negative status; return non-negative ones. */
export function check(status: number, detail?: string): number {
  if (status < 0) throw new SlotbootError(status, detail);
  return status;
}

export { statusMatches, statusesNamed, canonicalCode } from "./status-table.js";
