#!/usr/bin/env node
// Entry point: the compiled CLI lives in dist/ (built by `npm ci` via prepare).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const entry = join(root, "dist", "cli", "main.js");
if (!existsSync(entry)) {
  process.stderr.write("slotboot: not built yet; run `npm run build` (or `npm ci`) in " + root + "\n");
  process.exit(70);
}
const { main } = await import(entry);
process.exitCode = await main(process.argv.slice(2));
