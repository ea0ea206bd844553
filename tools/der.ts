// Reading DER (ITU-T X.690) in key files: one element, and the elements
// inside a constructed one. Definite lengths up to 2^24 only; anything
// malformed is reported through `fail`, so each key module raises its own
// typed error (KeyError, P256KeyError).

export interface Der {
  tag: number;
  /** First byte of the contents. */
  start: number;
  /** One past the last byte of the contents. */
  end: number;
  /** Where the element's tag byte is. */
  at: number;
}

export type DerFailure = (message: string) => Error;

/** The element at `at`, which must end by `limit`. */
export function derAt(buf: Uint8Array, at: number, limit: number, fail: DerFailure): Der {
  if (at + 2 > limit) throw fail("DER structure is truncated");
  const tag = buf[at];
  let length = buf[at + 1];
  let position = at + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count < 1 || count > 3 || position + count > limit) throw fail("DER length is malformed");
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + buf[position + i];
    position += count;
  }
  if (position + length > limit) throw fail("DER element runs past its container");
  return { tag, start: position, end: position + length, at };
}

/** The elements inside `parent`, in order. */
export function derChildren(buf: Uint8Array, parent: Der, fail: DerFailure): Der[] {
  const out: Der[] = [];
  for (let position = parent.start; position < parent.end; ) {
    const element = derAt(buf, position, parent.end, fail);
    out.push(element);
    position = element.end;
  }
  return out;
}
