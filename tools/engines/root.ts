// The repository's root, from wherever this module runs (source under tsx or
// vitest, or compiled into dist/): the first folder up with package.json and
// the examples the engine runs use.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export function repositoryRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "package.json")) && existsSync(join(dir, "examples"))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error("slotboot: cannot find the repository root from " + import.meta.url);
    dir = up;
  }
}
