// heatshrink: compression ratio of the host encoder against the C library (as
// built for Espruino) and zstd -19, and decode speed of the core's decoder in
// both builds against heatshrink-ts, on the real firmware images.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { HeatshrinkDecoder as TsDecoderType } from "heatshrink-ts";
import { loadCore, type CoreKind } from "../bindings/core.js";
import { heatshrinkDecodeWith } from "../bindings/heatshrink.js";
import { heatshrinkEncode } from "../tools/heatshrink-encoder.js";

const require = createRequire(import.meta.url);
const { HeatshrinkDecoder: TsDecoder } = require("heatshrink-ts") as { HeatshrinkDecoder: typeof TsDecoderType };
const espruinoHs = require("espruino/libs/heatshrink.js") as { compress(d: Uint8Array): Uint8Array };
/** Espruino's heatshrink_config.h settings, which its build is fixed to. */
const ESPRUINO = { windowBits: 8, lookaheadBits: 6 };
const SETTINGS = [
  { windowBits: 8, lookaheadBits: 4 },
  ESPRUINO,
  { windowBits: 10, lookaheadBits: 4 },
  { windowBits: 12, lookaheadBits: 4 },
  { windowBits: 12, lookaheadBits: 6 },
];

function findFirmwareDir(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const p = join(dir, "shared", "bench", "firmware-pairs");
    if (existsSync(p)) return p;
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

function hasZstd(): boolean {
  try {
    execFileSync("zstd", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

function zstdSize(data: Uint8Array): number {
  return execFileSync("zstd", ["-19", "-q", "-c"], { input: data, maxBuffer: 64 << 20 }).length;
}

const pct = (a: number, b: number): string => (b === 0 ? "-" : ((100 * a) / b).toFixed(1) + "%");

/** Best-of-n MB/s of fn over `bytes` output bytes (first run is warm-up). */
function speed(bytes: number, runs: number, fn: () => void): number {
  fn();
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    best = Math.min(best, performance.now() - t);
  }
  return bytes / 1e6 / (best / 1e3);
}

function tsDecode(enc: Uint8Array, w: number, l: number): Uint8Array {
  const d = new TsDecoder(w, l, 1024);
  d.process(enc);
  return d.getOutput();
}

export async function run(): Promise<string> {
  const dir = findFirmwareDir();
  if (!dir) return "## heatshrink\n\nSkipped: shared/bench/firmware-pairs is absent.\n";
  const images = readdirSync(dir)
    .filter((d) => existsSync(join(dir, d, "new")))
    .sort()
    .map((d) => ({ name: d, data: new Uint8Array(readFileSync(join(dir, d, "new"))) }));
  const zstd = hasZstd();
  const lines: string[] = [];
  lines.push("## heatshrink");
  lines.push("");
  lines.push(`Images: \`new\` of each pair in ${images.map((i) => i.name).join(", ")}. ` +
    "Compressed size as % of the image (lower is better). `ours wW lL` is tools/heatshrink-encoder.ts; " +
    "`C w8 l6` is the C library as built in the espruino npm package (fixed to Espruino's window 8, lookahead 6)" +
    (zstd ? "; `zstd -19` for scale (not decodable in a few KB of RAM)." : "; zstd not installed."));
  lines.push("");
  const head = ["image", "bytes", ...SETTINGS.map((s) => `ours w${s.windowBits} l${s.lookaheadBits}`), "C w8 l6", ...(zstd ? ["zstd -19"] : [])];
  lines.push(`| ${head.join(" | ")} |`);
  lines.push(`|${head.map((_, i) => (i === 0 ? "---" : "---:")).join("|")}|`);
  const totals = new Array<number>(SETTINGS.length + 2).fill(0);
  let totalIn = 0;
  let oursMs = 0;
  let cMs = 0;
  for (const { name, data } of images) {
    const cells: number[] = [];
    for (const s of SETTINGS) {
      const t = performance.now();
      cells.push(heatshrinkEncode(data, s).length);
      if (s === ESPRUINO) oursMs += performance.now() - t;
    }
    const t = performance.now();
    cells.push(espruinoHs.compress(data).length);
    cMs += performance.now() - t;
    if (zstd) cells.push(zstdSize(data));
    cells.forEach((c, i) => (totals[i] += c));
    totalIn += data.length;
    lines.push(`| ${name} | ${data.length} | ${cells.map((c) => `${c} (${pct(c, data.length)})`).join(" | ")} |`);
  }
  lines.push(`| **total** | ${totalIn} | ${totals.slice(0, head.length - 2).map((c) => `${c} (${pct(c, totalIn)})`).join(" | ")} |`);
  lines.push("");
  lines.push(`Encode speed at w8 l6 over all images: ours ${(totalIn / 1e6 / (oursMs / 1e3)).toFixed(1)} MB/s, ` +
    `C (Emscripten wasm2js build) ${(totalIn / 1e6 / (cMs / 1e3)).toFixed(1)} MB/s.`);
  lines.push("");

  // Decode speed on the largest image, at two settings the core supports.
  const big = images.reduce((a, b) => (b.data.length > a.data.length ? b : a));
  lines.push(`Decode speed (MB/s of output, best of 5) on ${big.name} (${big.data.length} bytes). ` +
    "Core builds stream through the 1 KiB exchange buffer via bindings/heatshrink.ts; heatshrink-ts gets the whole input at once.");
  lines.push("");
  lines.push("| setting | core WASM | core JS | heatshrink-ts |");
  lines.push("|---|---:|---:|---:|");
  const cores = Object.fromEntries(await Promise.all((["wasm", "js"] as CoreKind[]).map(async (k) => [k, await loadCore(k)])));
  for (const s of [ESPRUINO, { windowBits: 12, lookaheadBits: 4 }]) {
    const enc = heatshrinkEncode(big.data, s);
    const row = [`w${s.windowBits} l${s.lookaheadBits}`];
    for (const k of ["wasm", "js"] as CoreKind[]) {
      const out = heatshrinkDecodeWith(cores[k], enc, s.windowBits, s.lookaheadBits, { strict: true });
      if (Buffer.compare(out, big.data) !== 0) throw new Error(`heatshrink bench: core ${k} decoded wrongly`);
      row.push(speed(big.data.length, 5, () => heatshrinkDecodeWith(cores[k], enc, s.windowBits, s.lookaheadBits)).toFixed(1));
    }
    if (Buffer.compare(tsDecode(enc, s.windowBits, s.lookaheadBits), big.data) !== 0) throw new Error("heatshrink bench: heatshrink-ts decoded wrongly");
    row.push(speed(big.data.length, 5, () => tsDecode(enc, s.windowBits, s.lookaheadBits)).toFixed(1));
    lines.push(`| ${row.join(" | ")} |`);
  }
  lines.push("");
  return lines.join("\n");
}
