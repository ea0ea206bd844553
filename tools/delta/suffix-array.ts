// Suffix array construction by induced sorting (SA-IS, Nong, Zhang & Chan
// 2009): linear time, so the differ stays fast on multi-megabyte images where
// prefix doubling would take seconds.

const TYPE_L = 0;
const TYPE_S = 1;

/** Suffix array of `data`: start offsets of all suffixes in lexicographic order. */
export function suffixArray(data: Uint8Array): Int32Array {
  const n = data.length;
  // Shift bytes up by one so 0 can be the unique smallest sentinel.
  const s = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) s[i] = data[i] + 1;
  s[n] = 0;
  const sa = new Int32Array(n + 1);
  induceSort(s, sa, n + 1, 257);
  return sa.subarray(1); // sa[0] is the sentinel suffix
}

function buckets(s: Int32Array, n: number, k: number, ends: boolean): Int32Array {
  const bkt = new Int32Array(k);
  for (let i = 0; i < n; i++) bkt[s[i]]++;
  let sum = 0;
  for (let c = 0; c < k; c++) {
    sum += bkt[c];
    bkt[c] = ends ? sum : sum - bkt[c];
  }
  return bkt;
}

function induceLS(s: Int32Array, sa: Int32Array, t: Uint8Array, n: number, k: number): void {
  let bkt = buckets(s, n, k, false);
  for (let i = 0; i < n; i++) {
    const j = sa[i] - 1;
    if (j >= 0 && t[j] === TYPE_L) sa[bkt[s[j]]++] = j;
  }
  bkt = buckets(s, n, k, true);
  for (let i = n - 1; i >= 0; i--) {
    const j = sa[i] - 1;
    if (j >= 0 && t[j] === TYPE_S) sa[--bkt[s[j]]] = j;
  }
}

/** `s[n-1]` must be the unique smallest symbol; alphabet is [0, k). */
function induceSort(s: Int32Array, sa: Int32Array, n: number, k: number): void {
  const t = new Uint8Array(n);
  t[n - 1] = TYPE_S;
  for (let i = n - 2; i >= 0; i--) {
    t[i] = s[i] < s[i + 1] || (s[i] === s[i + 1] && t[i + 1] === TYPE_S) ? TYPE_S : TYPE_L;
  }
  const isLms = (i: number): boolean => i > 0 && t[i] === TYPE_S && t[i - 1] === TYPE_L;

  // Stage 1: sort LMS substrings by one induced pass.
  let bkt = buckets(s, n, k, true);
  sa.fill(-1, 0, n);
  for (let i = 1; i < n; i++) if (isLms(i)) sa[--bkt[s[i]]] = i;
  induceLS(s, sa, t, n, k);

  let n1 = 0;
  for (let i = 0; i < n; i++) if (isLms(sa[i])) sa[n1++] = sa[i];

  // Name LMS substrings; equal substrings get equal names.
  sa.fill(-1, n1, n);
  let name = 0;
  let prev = -1;
  for (let i = 0; i < n1; i++) {
    const pos = sa[i];
    let differs = false;
    for (let d = 0; ; d++) {
      if (prev === -1 || s[pos + d] !== s[prev + d] || t[pos + d] !== t[prev + d]) {
        differs = true;
        break;
      }
      if (d > 0 && (isLms(pos + d) || isLms(prev + d))) break;
    }
    if (differs) {
      name++;
      prev = pos;
    }
    sa[n1 + (pos >> 1)] = name - 1;
  }
  for (let i = n - 1, j = n - 1; i >= n1; i--) if (sa[i] >= 0) sa[j--] = sa[i];

  // Stage 2: sort the reduced problem (recursively when names repeat).
  const s1 = sa.subarray(n - n1, n);
  const sa1 = sa.subarray(0, n1);
  if (name < n1) induceSort(s1, sa1, n1, name);
  else for (let i = 0; i < n1; i++) sa1[s1[i]] = i;

  // Stage 3: induce the full order from the sorted LMS suffixes.
  for (let i = 1, j = 0; i < n; i++) if (isLms(i)) s1[j++] = i;
  for (let i = 0; i < n1; i++) sa1[i] = s1[sa1[i]];
  sa.fill(-1, n1, n);
  bkt = buckets(s, n, k, true);
  for (let i = n1 - 1; i >= 0; i--) {
    const j = sa[i];
    sa[i] = -1;
    sa[--bkt[s[j]]] = j;
  }
  induceLS(s, sa, t, n, k);
}
