// Writes docs/status-codes.md from the status table (bindings/status-table.ts).
// Run after compiling the bindings: npx tsc -p . && node scripts/status-codes-doc.mjs
// (--check: exit 1 if the file is out of date instead of writing it).
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const { renderStatusCodesDoc } = await import(new URL("../dist/bindings/status-table.js", import.meta.url).href);
const path = root + "docs/status-codes.md";
const text = renderStatusCodesDoc();
if (process.argv.includes("--check")) {
  let old = "";
  try { old = readFileSync(path, "utf8"); } catch {}
  if (old !== text) {
    console.error("docs/status-codes.md is out of date: run npx tsc -p . && node scripts/status-codes-doc.mjs");
    process.exit(1);
  }
} else {
  writeFileSync(path, text);
  console.log("wrote docs/status-codes.md");
}
