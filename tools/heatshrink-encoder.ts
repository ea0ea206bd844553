// Host-side heatshrink encoder (LZSS, bit-oriented; see docs/heatshrink.md).
//
// Every back-reference costs the same number of bits (1 + windowBits +
// lookaheadBits) whatever its distance and length, and every literal costs 9.
// That makes optimal parsing cheap: if L(i) is the longest match available at
// position i, then
//     cost(i) = min(9 + cost(i + 1), refBits + cost(i + L(i)))
// is exact, because cost(j) never increases with j (a suffix is never dearer
// to encode than a longer suffix: drop the first literal or shorten the first
// reference by one). So the work is finding L(i) at every position; hash
// chains over 3-byte prefixes do that, with last-seen tables for the 2- and
// 1-byte matches that pay off with small windows.
//
// The encoder never refers to bytes before the start of the input (the C
// library does, into its zero-filled initial window), so its output also
// decodes under the core decoder's strict reference check.

export interface HeatshrinkParams {
  /** log2 of the window (maximum back-reference distance), 4..15. */
  windowBits: number;
  /** log2 of the maximum back-reference length, 3..windowBits-1. */
  lookaheadBits: number;
}

export const HS_MIN_WINDOW_BITS = 4;
export const HS_MAX_WINDOW_BITS = 15;
export const HS_MIN_LOOKAHEAD_BITS = 3;

/** Candidates examined per position before settling for the best so far. */
const CHAIN_LIMIT = 48;
/** A match this long ends the search (only matters for lookahead > 8 bits). */
const NICE_LENGTH = 256;
const HASH_BITS = 16;
const LITERAL_BITS = 9;

export function validateHeatshrinkParams(opts: HeatshrinkParams): void {
  const { windowBits: w, lookaheadBits: l } = opts;
  if (!Number.isInteger(w) || w < HS_MIN_WINDOW_BITS || w > HS_MAX_WINDOW_BITS) {
    throw new RangeError(`heatshrink: windowBits must be an integer in ${HS_MIN_WINDOW_BITS}..${HS_MAX_WINDOW_BITS}, got ${w}`);
  }
  if (!Number.isInteger(l) || l < HS_MIN_LOOKAHEAD_BITS || l > w - 1) {
    throw new RangeError(`heatshrink: lookaheadBits must be an integer in ${HS_MIN_LOOKAHEAD_BITS}..${w - 1}, got ${l}`);
  }
}

export function heatshrinkEncode(data: Uint8Array, opts: HeatshrinkParams): Uint8Array {
  validateHeatshrinkParams(opts);
  const { windowBits, lookaheadBits } = opts;
  const n = data.length;
  const { len, dist } = findLongestMatches(data, 1 << windowBits, 1 << lookaheadBits);
  const refBits = 1 + windowBits + lookaheadBits;
  const take = chooseTokens(len, refBits, n);
  return writeTokens(data, len, dist, take, windowBits, lookaheadBits);
}

/**
 * For every position, the longest earlier match (capped at maxLen, distance
 * at most window) and its smallest distance; len 0 where there is none.
 */
function findLongestMatches(data: Uint8Array, window: number, maxLen: number): { len: Uint16Array; dist: Uint16Array } {
  const n = data.length;
  const len = new Uint16Array(n);
  // Distances go up to 2^15 and are stored minus one, so they fit 16 bits.
  const dist = new Uint16Array(n);
  const head = new Int32Array(1 << HASH_BITS).fill(-1);
  const prev = new Int32Array(n);
  const lastPair = new Int32Array(1 << 16).fill(-1);
  const lastByte = new Int32Array(256).fill(-1);
  const hashMask = (1 << HASH_BITS) - 1;

  for (let i = 0; i < n; i++) {
    const limit = Math.min(maxLen, n - i);
    const lowest = i - window;
    let best = 0;
    let bestPos = -1;
    // One step into the previous position's match, the same distance still
    // matches for one byte less: extend it instead of searching from scratch.
    // This keeps long runs linear when the lookahead is large.
    if (i > 0 && len[i - 1] > 1) {
      const cand = i - dist[i - 1] - 1;
      let k = len[i - 1] - 1;
      while (k < limit && data[cand + k] === data[i + k]) k++;
      best = k;
      bestPos = cand;
    }
    if (i + 2 < n) {
      const h = (Math.imul((data[i] << 16) | (data[i + 1] << 8) | data[i + 2], 0x9e3779b1) >>> (32 - HASH_BITS)) & hashMask;
      let cand = head[h];
      let tries = best >= NICE_LENGTH || best === limit ? 0 : CHAIN_LIMIT;
      while (cand >= 0 && cand >= lowest && tries-- > 0) {
        // Cheap reject: a candidate must at least match at the current best length.
        if (data[cand + best] === data[i + best] && data[cand] === data[i]) {
          let k = 0;
          while (k < limit && data[cand + k] === data[i + k]) k++;
          if (k > best) {
            best = k;
            bestPos = cand;
            if (k === limit || k >= NICE_LENGTH) break;
          }
        }
        cand = prev[cand];
      }
      prev[i] = head[h];
      head[h] = i;
    }
    if (best < 2 && limit >= 2) {
      const p = lastPair[(data[i] << 8) | data[i + 1]];
      if (p >= 0 && p >= lowest) {
        best = 2;
        bestPos = p;
      }
    }
    if (best < 1) {
      const p = lastByte[data[i]];
      if (p >= 0 && p >= lowest) {
        best = 1;
        bestPos = p;
      }
    }
    if (i + 1 < n) lastPair[(data[i] << 8) | data[i + 1]] = i;
    lastByte[data[i]] = i;
    if (best > 0) {
      len[i] = best;
      dist[i] = i - bestPos - 1;
    }
  }
  return { len, dist };
}

/** Backward dynamic programme over bit costs; take[i] = 1 where a reference starts. */
function chooseTokens(len: Uint16Array, refBits: number, n: number): Uint8Array {
  const cost = new Int32Array(n + 1);
  const take = new Uint8Array(n);
  for (let i = n - 1; i >= 0; i--) {
    const lit = LITERAL_BITS + cost[i + 1];
    const m = len[i];
    if (m > 0 && refBits + cost[i + m] <= lit) {
      cost[i] = refBits + cost[i + m];
      take[i] = 1;
    } else {
      cost[i] = lit;
    }
  }
  return take;
}

function writeTokens(
  data: Uint8Array, len: Uint16Array, dist: Uint16Array, take: Uint8Array,
  windowBits: number, lookaheadBits: number,
): Uint8Array {
  const n = data.length;
  const w = new HsBitWriter(Math.ceil((n * LITERAL_BITS) / 8) + 1);
  let i = 0;
  while (i < n) {
    if (take[i]) {
      w.put(0, 1);
      w.put(dist[i], windowBits);
      w.put(len[i] - 1, lookaheadBits);
      i += len[i];
    } else {
      w.put(0x100 | data[i], 9);
      i++;
    }
  }
  return w.finish();
}

/** MSB-first bit packer; the final partial byte is padded with zero bits. */
class HsBitWriter {
  private readonly out: Uint8Array;
  private pos = 0;
  private acc = 0;
  private count = 0;

  constructor(capacity: number) {
    this.out = new Uint8Array(capacity);
  }

  put(value: number, bits: number): void {
    this.acc = (this.acc << bits) | value;
    this.count += bits;
    while (this.count >= 8) {
      this.count -= 8;
      this.out[this.pos++] = this.acc >>> this.count;
      this.acc &= (1 << this.count) - 1;
    }
  }

  finish(): Uint8Array {
    if (this.count > 0) {
      this.out[this.pos++] = this.acc << (8 - this.count);
      this.acc = 0;
      this.count = 0;
    }
    return this.out.slice(0, this.pos);
  }
}
