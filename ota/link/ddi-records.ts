// The DDI resource model over the secure link: the contract's
// request {method, path, body, range} → status + chunks + end, as records of
// the session (types 1..5). One request per channel (0..255); a JSON record
// longer than one frame is split into fragments, the last one flagged.
// Portable: no host APIs.
import { RECORD_PAYLOAD_BYTES } from "./frame.js";
import { utf8Decode, utf8Encode } from "./utf8.js";

/** Device → gateway: JSON {method, path, body?, range?}. */
export const RECORD_REQUEST = 1;
/** Gateway → device: JSON {status, headers}. */
export const RECORD_STATUS = 2;
/** Gateway → device: body bytes, in order. */
export const RECORD_CHUNK = 3;
/** Gateway → device: end of the response; payload empty, or JSON {code, message}. */
export const RECORD_END = 4;
/** Device → gateway: stop answering this channel. */
export const RECORD_CANCEL = 5;

/** Flag: the last fragment of a REQUEST, STATUS or END record. */
export const FLAG_LAST = 1;
/** Flag on the last STATUS fragment (no body) or on the last CHUNK: the response is complete, no END follows. */
export const FLAG_END = 2;

/** Largest reassembled JSON record (a request with its feedback body, a status with headers). */
export const MAX_JSON_RECORD_BYTES = 16384;

export interface JsonFragments {
  type: number;
  fragments: Uint8Array[];
}

export function jsonFragments(value: unknown): Uint8Array[] {
  const bytes = utf8Encode(JSON.stringify(value));
  if (bytes.length > MAX_JSON_RECORD_BYTES) throw new RangeError("link JSON record of " + bytes.length + " bytes exceeds " + MAX_JSON_RECORD_BYTES);
  const fragments: Uint8Array[] = [];
  for (let offset = 0; offset < bytes.length || offset === 0; offset += RECORD_PAYLOAD_BYTES) {
    fragments.push(bytes.subarray(offset, Math.min(bytes.length, offset + RECORD_PAYLOAD_BYTES)));
    if (bytes.length === 0) break;
  }
  return fragments;
}

/** Collects the fragments of one JSON record, bounded. */
export class JsonAssembler {
  private parts: Uint8Array[] = [];
  private length = 0;

  /** The parsed value after the last fragment; undefined before it; throws RangeError / SyntaxError on bad input. */
  add(payload: Uint8Array, last: boolean): unknown {
    this.length += payload.length;
    if (this.length > MAX_JSON_RECORD_BYTES) throw new RangeError("link JSON record over " + MAX_JSON_RECORD_BYTES + " bytes");
    this.parts.push(payload.slice());
    if (!last) return undefined;
    const joined = new Uint8Array(this.length);
    let offset = 0;
    for (let index = 0; index < this.parts.length; index++) {
      joined.set(this.parts[index], offset);
      offset += this.parts[index].length;
    }
    this.parts = [];
    this.length = 0;
    return JSON.parse(utf8Decode(joined));
  }
}
