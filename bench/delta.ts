// delta: patch size of our differ (range-coder and heatshrink codecs) against
// bsdiff, xdelta3 -9 and zstd -19 --long --patch-from, all measured in this
// run on the shared real-firmware pairs; differ time against the bsdiff
// binary; apply speed of the core applier in both builds; applier RAM.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadCore, type CoreKind } from "../bindings/core.js";
import { applyDeltaWith, DELTA_CODEC_IDS, MemoryFlash } from "../bindings/delta.js";
import { diff, type DeltaCodecName } from "../tools/delta/index.js";
import { firmwarePairsDir, loadFirmwarePairs } from "../tools/delta/pairs.js";

const PEERS = ["bsdiff", "xdelta3", "zstd"] as const;
type Peer = (typeof PEERS)[number];

function have(tool: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${tool}`], { stdio: "ignore" }).status === 0;
}

/** Installs the peer tools from Debian when missing (the bench machine runs as root). */
function ensurePeers(): string[] {
  const missing = PEERS.filter((t) => !have(t));
  if (missing.length === 0) return [];
  const notes = [`installing ${missing.join(", ")} with apt-get`];
  const r = spawnSync("sh", ["-c", "apt-get update -qq && apt-get install -y -qq bsdiff xdelta3 zstd"], { stdio: "ignore" });
  if (r.status !== 0) notes.push("apt-get failed: peers that are still missing are reported as n/a");
  return notes;
}

function timed<T>(fn: () => T): [T, number] {
  const t = performance.now();
  const v = fn();
  return [v, performance.now() - t];
}

/** Patch size and wall time of one peer tool, or null when it is unavailable. */
function runPeer(peer: Peer, dir: string, old: Uint8Array, nw: Uint8Array): { size: number; ms: number } | null {
  if (!have(peer)) return null;
  const o = join(dir, "old");
  const n = join(dir, "new");
  const p = join(dir, "patch");
  writeFileSync(o, old);
  writeFileSync(n, nw);
  rmSync(p, { force: true });
  const args: Record<Peer, [string, string[]]> = {
    bsdiff: ["bsdiff", [o, n, p]],
    xdelta3: ["xdelta3", ["-9", "-e", "-f", "-s", o, n, p]],
    zstd: ["zstd", ["-19", "--long=27", "-q", "-f", `--patch-from=${o}`, n, "-o", p]],
  };
  const [cmd, a] = args[peer];
  const [, ms] = timed(() => execFileSync(cmd, a, { stdio: "ignore" }));
  return { size: readFileSync(p).length, ms };
}

const pct = (a: number, b: number) => `${((100 * a) / b).toFixed(2)}%`;
const cell = (size: number | undefined, of: number) => (size === undefined ? "n/a" : `${size} (${pct(size, of)})`);

export async function run(): Promise<string> {
  const pairs = loadFirmwarePairs();
  if (pairs.length === 0) return `## delta\n\nSkipped: no firmware pairs at ${firmwarePairsDir()}.\n`;
  const notes = ensurePeers();
  const tmp = mkdtempSync(join(tmpdir(), "slotboot-delta-"));
  const codecs: DeltaCodecName[] = ["rc", "heatshrink"];
  const rows: string[] = [];
  const timeRows: string[] = [];
  const totals: Record<string, number> = {};
  const add = (k: string, v: number | undefined) => {
    if (v === undefined) totals[k] = NaN;
    else totals[k] = (totals[k] ?? 0) + v;
  };
  let totalNew = 0;
  let ourMs = 0;
  let bsdiffMs = 0;
  const apply: Record<string, { bytes: number; ms: number }> = {};
  let ram = 0;
  let ownRam = 0;
  try {
    // Warm the JIT (differ and both core builds) so the first pair's times are not compile times.
    {
      const w = pairs[0];
      for (const codec of codecs) {
        const patch = diff(w.old, w.new, { codec });
        for (const kind of ["wasm", "js"] as CoreKind[]) {
          const core = await loadCore(kind, new MemoryFlash(w.old));
          applyDeltaWith(core, patch, { oldSize: w.old.length, newSize: w.new.length, codec: DELTA_CODEC_IDS[codec] });
        }
      }
    }
    for (const p of pairs) {
      totalNew += p.new.length;
      const sizes: Record<string, number | undefined> = {};
      let diffMs = 0;
      for (const codec of codecs) {
        const [patch, ms] = timed(() => diff(p.old, p.new, { codec }));
        if (codec === "rc") diffMs = ms;
        sizes[codec] = patch.length;
        for (const kind of ["wasm", "js"] as CoreKind[]) {
          const core = await loadCore(kind, new MemoryFlash(p.old));
          if (kind === "wasm") {
            ram = core.exports.deltaRamBytes();
            ownRam = core.exports.deltaOwnRamBytes();
          }
          const opts = { oldSize: p.old.length, newSize: p.new.length, codec: DELTA_CODEC_IDS[codec] };
          const [r, ams] = timed(() => applyDeltaWith(core, patch, opts));
          if (r.status !== 0 || Buffer.compare(Buffer.from(r.output), Buffer.from(p.new)) !== 0) {
            throw new Error(`delta bench: ${kind} core failed on ${p.name}/${codec} (status ${r.status})`);
          }
          const k = `${kind}/${codec}`;
          apply[k] = { bytes: (apply[k]?.bytes ?? 0) + p.new.length, ms: (apply[k]?.ms ?? 0) + ams };
        }
      }
      const peers: Partial<Record<Peer, { size: number; ms: number } | null>> = {};
      for (const peer of PEERS) peers[peer] = runPeer(peer, tmp, p.old, p.new);
      sizes.bsdiff = peers.bsdiff?.size;
      sizes.xdelta3 = peers.xdelta3?.size;
      sizes.zstd = peers.zstd?.size;
      for (const k of ["rc", "heatshrink", "bsdiff", "xdelta3", "zstd"]) add(k, sizes[k]);
      ourMs += diffMs;
      if (peers.bsdiff) bsdiffMs += peers.bsdiff.ms;
      const of = p.new.length;
      rows.push(`| ${p.name} | ${p.old.length} | ${of} | ${cell(sizes.rc, of)} | ${cell(sizes.heatshrink, of)} | ${cell(sizes.bsdiff, of)} | ${cell(sizes.xdelta3, of)} | ${cell(sizes.zstd, of)} |`);
      timeRows.push(`| ${p.name} | ${diffMs.toFixed(0)} | ${peers.bsdiff ? peers.bsdiff.ms.toFixed(0) : "n/a"} |`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const t = (k: string) => (Number.isNaN(totals[k]) ? "n/a" : `**${totals[k]} (${pct(totals[k], totalNew)})**`);
  const mbs = (k: string) => (apply[k] ? (apply[k].bytes / 1e3 / apply[k].ms).toFixed(2) : "n/a");
  const out = [
    "## delta",
    "",
    `Pairs from \`${firmwarePairsDir()}\` (${pairs.map((p) => p.name).join(", ")}). Patch bytes and % of the new image; lower is better. Every patch is applied by both core builds and checked byte for byte.`,
    ...(notes.length ? ["", ...notes.map((n) => `Note: ${n}.`)] : []),
    "",
    "| pair | old | new | slotboot rc | slotboot heatshrink | bsdiff | xdelta3 -9 | zstd -19 --long --patch-from |",
    "|---|---:|---:|---:|---:|---:|---:|---:|",
    ...rows,
    `| **total** | | ${totalNew} | ${t("rc")} | ${t("heatshrink")} | ${t("bsdiff")} | ${t("xdelta3")} | ${t("zstd")} |`,
    "",
    "Differ time (ms, wall clock; ours is TypeScript on Node, bsdiff the Debian binary):",
    "",
    "| pair | slotboot diff (rc) | bsdiff |",
    "|---|---:|---:|",
    ...timeRows,
    `| **total** | **${ourMs.toFixed(0)}** | **${bsdiffMs ? bsdiffMs.toFixed(0) : "n/a"}** |`,
    "",
    "Core applier throughput (MB/s of new image, in-memory flash, 1 KiB exchange buffer):",
    "",
    "| build | rc codec | heatshrink codec |",
    "|---|---:|---:|",
    `| WASM | ${mbs("wasm/rc")} | ${mbs("wasm/heatshrink")} |`,
    `| JS | ${mbs("js/rc")} | ${mbs("js/heatshrink")} |`,
    "",
    `Applier RAM: ${ram} bytes in all (limit 16384): the applier instance ${ownRam} bytes (measured in the WASM build's linear memory, object headers included: buffers, models, pattern cache, address predictor), its constant tables, and the heatshrink decoder it borrows for the heatshrink codec (4 KiB window). Breakdown in docs/delta.md.`,
    "",
  ];
  return out.join("\n");
}
