// Match search: splits the new image into operations "copy `copy` bytes from
// old[oldPos..] adding byte-wise differences, then insert `insert` literal
// bytes". The scan follows bsdiff's approximate-match heuristic (Percival
// 2003): a new exact match is taken only when it beats the current alignment
// by more than a few bytes, then both alignments are stretched over runs where
// at least half the bytes agree, which keeps relocated code in diff form.

import { suffixArray } from "./suffix-array.js";

export interface DeltaOp {
  /** Old-image offset the copy starts at (ignored when copy is 0). */
  oldPos: number;
  /** Bytes produced as old[oldPos + i] + diff[i]. */
  copy: number;
  /** Literal bytes following the copy. */
  insert: number;
}

export interface MatchOptions {
  /** A new exact match replaces the current alignment when longer by more than this (bsdiff: 8). */
  minGain?: number;
  /**
   * Alignments are stretched while matched * extendWeight - mismatched peaks
   * (bsdiff: 1, "more than half the bytes agree"). With the rc codec a changed
   * byte in a copy costs little more than a literal, so copies may stretch further.
   */
  extendWeight?: number;
  /** Among equally long matches take the one nearest the current alignment (default true). */
  nearest?: boolean;
}

export class OldIndex {
  readonly sa: Int32Array;
  /** lcp[i]: common prefix length of the suffixes at sa[i - 1] and sa[i] (Kasai et al. 2001). */
  readonly lcp: Int32Array;
  constructor(readonly old: Uint8Array) {
    this.sa = suffixArray(old);
    const n = old.length;
    const rank = new Int32Array(n);
    for (let i = 0; i < n; i++) rank[this.sa[i]] = i;
    this.lcp = new Int32Array(n);
    let h = 0;
    for (let i = 0; i < n; i++) {
      const r = rank[i];
      if (r === 0) {
        h = 0;
        continue;
      }
      const j = this.sa[r - 1];
      while (i + h < n && j + h < n && old[i + h] === old[j + h]) h++;
      this.lcp[r] = h;
      if (h > 0) h--;
    }
  }

  /** Indexes into sa of the two suffixes of old that bracket nw[at..] in sorted order (sa non-empty). */
  private bracket(nw: Uint8Array, at: number): [number, number] {
    let lo = 0;
    let hi = this.sa.length - 1;
    while (hi - lo >= 2) {
      const mid = lo + ((hi - lo) >> 1);
      if (compareSuffix(this.old, this.sa[mid], nw, at) < 0) lo = mid;
      else hi = mid;
    }
    return [lo, hi];
  }

  /**
   * Longest match of nw[at..] in old, choosing among equally long ones the
   * one nearest to `near` (the current alignment): nearer matches seek less
   * and usually continue the same relocation. Looks at most `span` suffixes
   * either side.
   */
  longestNear(nw: Uint8Array, at: number, near: number, span = 64): [number, number] {
    const old = this.old;
    const sa = this.sa;
    const lcp = this.lcp;
    if (sa.length === 0) return [0, 0];
    const [lo, hi] = this.bracket(nw, at);
    const a = matchLength(old, sa[lo], nw, at);
    const b = matchLength(old, sa[hi], nw, at);
    const k = a >= b ? lo : hi;
    const len = Math.max(a, b);
    if (len === 0) return [sa[k], 0];
    let best = sa[k];
    let dist = Math.abs(best - near);
    for (let j = k, n = 0; j > 0 && lcp[j] >= len && n < span; j--, n++) {
      const d = Math.abs(sa[j - 1] - near);
      if (d < dist) {
        dist = d;
        best = sa[j - 1];
      }
    }
    for (let j = k + 1, n = 0; j < sa.length && lcp[j] >= len && n < span; j++, n++) {
      const d = Math.abs(sa[j] - near);
      if (d < dist) {
        dist = d;
        best = sa[j];
      }
    }
    return [best, len];
  }

  /** Longest match of nw[at..] in old: [oldPos, length]. */
  longest(nw: Uint8Array, at: number): [number, number] {
    const old = this.old;
    const sa = this.sa;
    if (sa.length === 0) return [0, 0];
    const [lo, hi] = this.bracket(nw, at);
    const a = matchLength(old, sa[lo], nw, at);
    const b = matchLength(old, sa[hi], nw, at);
    return a >= b ? [sa[lo], a] : [sa[hi], b];
  }
}

export function matchLength(old: Uint8Array, op: number, nw: Uint8Array, np: number): number {
  const max = Math.min(old.length - op, nw.length - np);
  let i = 0;
  while (i < max && old[op + i] === nw[np + i]) i++;
  return i;
}

/** Sign of old[op..] compared with nw[np..] over their common length. */
function compareSuffix(old: Uint8Array, op: number, nw: Uint8Array, np: number): number {
  const max = Math.min(old.length - op, nw.length - np);
  for (let i = 0; i < max; i++) {
    const d = old[op + i] - nw[np + i];
    if (d !== 0) return d;
  }
  return old.length - op - (nw.length - np) < 0 ? -1 : 1;
}

export function findOps(index: OldIndex, nw: Uint8Array, opts: MatchOptions = {}): DeltaOp[] {
  const old = index.old;
  const oldSize = old.length;
  const newSize = nw.length;
  const minGain = opts.minGain ?? 4;
  const w = opts.extendWeight ?? 2;
  const near = opts.nearest ?? true;
  const ops: DeltaOp[] = [];
  const same = (o: number, n: number): boolean => o >= 0 && o < oldSize && old[o] === nw[n];

  let scan = 0;
  let len = 0;
  let pos = 0;
  let lastScan = 0;
  let lastPos = 0;
  let lastOffset = 0;
  while (scan < newSize) {
    let oldScore = 0;
    scan += len;
    let scsc = scan;
    for (; scan < newSize; scan++) {
      [pos, len] = near ? index.longestNear(nw, scan, scan + lastOffset) : index.longest(nw, scan);
      for (; scsc < scan + len; scsc++) if (same(scsc + lastOffset, scsc)) oldScore++;
      if ((len === oldScore && len !== 0) || len > oldScore + minGain) break;
      if (same(scan + lastOffset, scan)) oldScore--;
    }
    if (len === oldScore && scan !== newSize) continue;

    // Stretch the previous alignment forward while it agrees on > half the bytes.
    let lenf = 0;
    {
      let s = 0;
      let best = 0;
      for (let i = 0; lastScan + i < scan && lastPos + i < oldSize; ) {
        if (old[lastPos + i] === nw[lastScan + i]) s++;
        i++;
        if (s * (w + 1) - i > best * (w + 1) - lenf) {
          best = s;
          lenf = i;
        }
      }
    }
    // And the new match backward.
    let lenb = 0;
    if (scan < newSize) {
      let s = 0;
      let best = 0;
      for (let i = 1; scan >= lastScan + i && pos >= i; i++) {
        if (old[pos - i] === nw[scan - i]) s++;
        if (s * (w + 1) - i > best * (w + 1) - lenb) {
          best = s;
          lenb = i;
        }
      }
    }
    if (lastScan + lenf > scan - lenb) {
      const overlap = lastScan + lenf - (scan - lenb);
      let s = 0;
      let best = 0;
      let lens = 0;
      for (let i = 0; i < overlap; i++) {
        if (nw[lastScan + lenf - overlap + i] === old[lastPos + lenf - overlap + i]) s++;
        if (nw[scan - lenb + i] === old[pos - lenb + i]) s--;
        if (s > best) {
          best = s;
          lens = i + 1;
        }
      }
      lenf += lens - overlap;
      lenb -= lens;
    }
    ops.push({ oldPos: lastPos, copy: lenf, insert: scan - lenb - (lastScan + lenf) });
    lastScan = scan - lenb;
    lastPos = pos - lenb;
    lastOffset = pos - scan;
  }
  return ops;
}
