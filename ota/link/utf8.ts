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

/** Decodes UTF-8; malformed sequences become U+FFFD. */
export function utf8Decode(bytes: Uint8Array): string {
  let text = "";
  let index = 0;
  while (index < bytes.length) {
    const first = bytes[index];
    let code = 0xfffd;
    let length = 1;
    if (first < 0x80) code = first;
    else if (first >= 0xc2 && first < 0xe0) length = 2;
    else if (first >= 0xe0 && first < 0xf0) length = 3;
    else if (first >= 0xf0 && first < 0xf5) length = 4;
    if (length > 1) {
      if (index + length > bytes.length) {
        length = 1;
      } else {
        code = first & (0xff >> (length + 1));
        for (let next = 1; next < length; next++) {
          const byte = bytes[index + next];
          if ((byte & 0xc0) !== 0x80) {
            code = 0xfffd;
            length = next;
            break;
          }
          code = (code << 6) | (byte & 63);
        }
      }
    }
    if (code >= 0x10000 && code <= 0x10ffff) {
      code -= 0x10000;
      text += String.fromCharCode(0xd800 + (code >> 10), 0xdc00 + (code & 0x3ff));
    } else {
      text += String.fromCharCode(code);
    }
    index += length;
  }
  return text;
}
