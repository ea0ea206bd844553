// UTF-8 for the link's JSON records, without TextEncoder (Espruino has none).
// Portable: no host APIs.

export function utf8Encode(text: string): Uint8Array {
  const out: number[] = [];
  for (let index = 0; index < text.length; index++) {
    let code = text.charCodeAt(index);
    if (code >= 0xd800 && code < 0xdc00 && index + 1 < text.length) {
      const low = text.charCodeAt(index + 1);
      if (low >= 0xdc00 && low < 0xe000) {
        code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
        index++;
      }
    }
    if (code < 0x80) out.push(code);
    else if (code < 0x800) out.push(0xc0 | (code >> 6), 0x80 | (code & 63));
    else if (code < 0x10000) out.push(0xe0 | (code >> 12), 0x80 | ((code >> 6) & 63), 0x80 | (code & 63));
    else out.push(0xf0 | (code >> 18), 0x80 | ((code >> 12) & 63), 0x80 | ((code >> 6) & 63), 0x80 | (code & 63));
  }
  return new Uint8Array(out);
}

function appendCodePoint(text: string, code: number): string {
  if (code < 0x10000) return text + String.fromCharCode(code);
  const above = code - 0x10000;
  return text + String.fromCharCode(0xd800 + (above >> 10), 0xdc00 + (above & 0x3ff));
}

/** Decodes UTF-8 as the WHATWG decoder does: each maximal malformed subpart becomes one U+FFFD. */
export function utf8Decode(bytes: Uint8Array): string {
  let text = "";
  let code = 0;
  let needed = 0;
  let seen = 0;
  let lower = 0x80;
  let upper = 0xbf;
  for (let index = 0; index < bytes.length; index++) {
    const byte = bytes[index];
    if (needed === 0) {
      if (byte < 0x80) text += String.fromCharCode(byte);
      else if (byte >= 0xc2 && byte <= 0xdf) {
        needed = 1;
        code = byte & 0x1f;
      } else if (byte >= 0xe0 && byte <= 0xef) {
        if (byte === 0xe0) lower = 0xa0;
        if (byte === 0xed) upper = 0x9f;
        needed = 2;
        code = byte & 0xf;
      } else if (byte >= 0xf0 && byte <= 0xf4) {
        if (byte === 0xf0) lower = 0x90;
        if (byte === 0xf4) upper = 0x8f;
        needed = 3;
        code = byte & 0x7;
      } else text += "\ufffd";
      continue;
    }
    if (byte < lower || byte > upper) {
      // The sequence broke off: one replacement for it, and this byte starts afresh.
      text += "\ufffd";
      code = needed = seen = 0;
      lower = 0x80;
      upper = 0xbf;
      index--;
      continue;
    }
    lower = 0x80;
    upper = 0xbf;
    code = (code << 6) | (byte & 0x3f);
    seen++;
    if (seen === needed) {
      text = appendCodePoint(text, code);
      code = needed = seen = 0;
    }
  }
  return needed ? text + "\ufffd" : text;
}
