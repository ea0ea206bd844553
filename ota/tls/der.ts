// A minimal ASN.1 DER writer: just the types an X.509 certificate needs.
// Written here so the throwaway CA needs neither the openssl binary nor a new
// npm package.

export function concat(parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function lengthBytes(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length);
  const digits: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) digits.unshift(rest & 0xff);
  return Uint8Array.from([0x80 | digits.length, ...digits]);
}

/** One tag-length-value element. */
export function element(tag: number, content: Uint8Array): Uint8Array {
  return concat([Uint8Array.of(tag), lengthBytes(content.length), content]);
}

export const sequence = (...items: Uint8Array[]) => element(0x30, concat(items));
export const set = (...items: Uint8Array[]) => element(0x31, concat(items));
export const octetString = (bytes: Uint8Array) => element(0x04, bytes);
export const utf8String = (text: string) => element(0x0c, new TextEncoder().encode(text));
export const boolean = (value: boolean) => element(0x01, Uint8Array.of(value ? 0xff : 0));
/** A BIT STRING whose last `unusedBits` bits are padding. */
export const bitString = (bytes: Uint8Array, unusedBits = 0) => element(0x03, concat([Uint8Array.of(unusedBits), bytes]));
/** Context-specific constructed tag [n] (EXPLICIT). */
export const explicit = (n: number, content: Uint8Array) => element(0xa0 | n, content);
/** Context-specific primitive tag [n] (IMPLICIT over a primitive type). */
export const implicit = (n: number, content: Uint8Array) => element(0x80 | n, content);

/** A non-negative INTEGER from big-endian magnitude bytes. */
export function integer(magnitude: Uint8Array): Uint8Array {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  const trimmed = magnitude.subarray(start);
  return element(0x02, trimmed[0] & 0x80 ? concat([Uint8Array.of(0), trimmed]) : trimmed);
}

export function objectId(dotted: string): Uint8Array {
  const arcs = dotted.split(".").map(Number);
  const out: number[] = [arcs[0] * 40 + arcs[1]];
  for (const arc of arcs.slice(2)) {
    const groups: number[] = [];
    for (let rest = arc; ; rest = Math.floor(rest / 128)) {
      groups.unshift(rest & 0x7f);
      if (rest < 128) break;
    }
    for (let i = 0; i < groups.length - 1; i++) groups[i] |= 0x80;
    out.push(...groups);
  }
  return element(0x06, Uint8Array.from(out));
}

/** UTCTime (years 1950-2049) or GeneralizedTime, as X.509 requires. */
export function time(date: Date): Uint8Array {
  const iso = date.toISOString().replace(/[-:T]/g, "").slice(0, 14); // YYYYMMDDHHMMSS
  const year = date.getUTCFullYear();
  return year < 2050 ? element(0x17, new TextEncoder().encode(iso.slice(2) + "Z")) : element(0x18, new TextEncoder().encode(iso + "Z"));
}
