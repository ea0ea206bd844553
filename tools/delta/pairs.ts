// The shared real-firmware pairs used by delta tests and the bench. They live
// outside the repository (../shared/bench/firmware-pairs from the repo root)
// and are never copied in; callers skip with a message when they are absent.

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export interface FirmwarePair {
  name: string;
  old: Uint8Array;
  new: Uint8Array;
}

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "package.json")) && existsSync(join(dir, "assembly"))) return dir;
    const up = dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
}

/** Folder of the pairs: $SLOTBOOT_FIRMWARE_PAIRS or ../shared/bench/firmware-pairs from the repo root. */
export function firmwarePairsDir(): string {
  return process.env.SLOTBOOT_FIRMWARE_PAIRS ?? resolve(repoRoot(), "..", "shared", "bench", "firmware-pairs");
}

/** All pairs, smallest new image first; empty when the folder is absent. */
export function loadFirmwarePairs(): FirmwarePair[] {
  const dir = firmwarePairsDir();
  if (!existsSync(dir)) return [];
  const pairs: FirmwarePair[] = [];
  for (const name of readdirSync(dir).sort()) {
    const o = join(dir, name, "old");
    const n = join(dir, name, "new");
    if (!existsSync(o) || !existsSync(n)) continue;
    pairs.push({ name, old: new Uint8Array(readFileSync(o)), new: new Uint8Array(readFileSync(n)) });
  }
  return pairs.sort((a, b) => a.new.length - b.new.length);
}
