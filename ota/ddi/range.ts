// HTTP Range for artifact downloads: "bytes=START-" or "bytes=START-END" (one range).

export type ByteRange = { start: number; end: number } | "unsatisfiable" | null;

/** The inclusive byte range a Range header asks for in a file of `size` bytes; null = the whole file. */
export function parseRange(header: string | undefined, size: number): ByteRange {
  if (!header) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === "" && match[2] === "")) return null; // not one simple range: RFC 9110 lets us send it all
  if (match[1] === "") {
    const suffix = Number(match[2]);
    if (suffix === 0) return "unsatisfiable";
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === "" ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (start >= size || end < start) return "unsatisfiable";
  return { start, end };
}

export const rangeHeader = (start: number, end?: number) => `bytes=${start}-${end === undefined ? "" : end}`;
