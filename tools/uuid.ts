// UUIDs as the package manifest and the MCUboot vendor/class TLVs carry them:
// 16 bytes in the order the text shows them (RFC 4122 "network order").

export class UuidError extends Error {
  readonly code = "BAD_UUID";
  constructor(message: string) {
    super(message);
    this.name = "UuidError";
  }
}

export const NIL_UUID = new Uint8Array(16);

/** "01234567-89ab-cdef-0123-456789abcdef", also without dashes, in braces or as "urn:uuid:…". */
export function parseUuid(text: string): Uint8Array {
  let t = String(text).trim().toLowerCase();
  if (t.startsWith("urn:uuid:")) t = t.slice(9);
  if (t.startsWith("{") && t.endsWith("}")) t = t.slice(1, -1);
  const canonical = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(t);
  const bare = /^[0-9a-f]{32}$/.test(t);
  if (!canonical && !bare)
    throw new UuidError(`${JSON.stringify(text)} is not a UUID; write it as 8-4-4-4-12 hex digits, e.g. 3f2504e0-4f89-11d3-9a0c-0305e82c3301`);
  return Uint8Array.from(Buffer.from(t.replace(/-/g, ""), "hex"));
}

export function formatUuid(bytes: Uint8Array): string {
  if (bytes.length !== 16) throw new UuidError(`a UUID has 16 bytes, not ${bytes.length}`);
  const h = Buffer.from(bytes).toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
