// Runs both test runners (as-pect for the core in WASM, vitest for everything
// else against both core builds) and ends with one line that sums them:
//   N passed, N failed, N skipped
// Before the runners, `tsc --noEmit -p tsconfig.test.json` type-checks the tests
// with the sources; every type error counts as one failure.
// Skipped counts vitest's skipped and todo tests and as-pect's todos.
// `--long` sets SLOTBOOT_LONG=1 so property tests and sweeps run their full size.
import { spawnSync } from "node:child_process";
import { readFileSync, mkdirSync, rmSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const long = process.argv.includes("--long");
const env = { ...process.env, ...(long ? { SLOTBOOT_LONG: "1" } : {}) };
const bin = (n) => join(root, "node_modules", ".bin", n);
const run = (cmd, args) => spawnSync(cmd, args, { cwd: root, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

const build = spawnSync("npm", ["run", "build", "--silent"], { cwd: root, env, stdio: "inherit" });
if (build.status !== 0) {
  console.log("0 passed, 1 failed, 0 skipped");
  process.exit(1);
}

let passed = 0;
let failed = 0;
let skipped = 0;

// Type-check the tests (vitest only strips types). Incremental: the build info
// lives in build/, so an unchanged tree checks in a few seconds.
const tsc = run(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.test.json", "--pretty", "false"]);
const typeErrors = (tsc.stdout + tsc.stderr).split("\n").filter((l) => /error TS\d+:/.test(l));
if (typeErrors.length) process.stdout.write(`typecheck (tsconfig.test.json): ${typeErrors.length} error(s)\n${tsc.stdout}${tsc.stderr}\n`);
else if (tsc.status !== 0) process.stdout.write(`typecheck (tsconfig.test.json) failed:\n${tsc.stdout}${tsc.stderr}${tsc.error ? tsc.error.message : ""}\n`);
else process.stdout.write("typecheck (tsconfig.test.json): no errors\n");
const typeFailures = typeErrors.length || (tsc.status !== 0 ? 1 : 0);
failed += typeFailures;

// as-pect: its summary prints "[Tests]: P / T" (with colour codes).
const asp = run(bin("asp"), ["--summary", "--no-logo"]);
const aspOut = (asp.stdout + asp.stderr).replace(/\u001b\[[0-9;]*m/g, "");
process.stdout.write(aspOut.split("\n").filter((l) => !l.startsWith("var EB")).join("\n"));
const m = aspOut.match(/\[Tests\]:\s*(\d+)\s*\/\s*(\d+)/);
if (m) {
  passed += Number(m[1]);
  failed += Number(m[2]) - Number(m[1]);
}
if (asp.status !== 0 || !m) failed += m ? 0 : 1;
// Per file: "Pass: P / T Todo: N"; todos are not in T.
const aspTodo = [...aspOut.matchAll(/Pass:\s*\d+\s*\/\s*\d+\s+Todo:\s*(\d+)/g)].reduce((n, t) => n + Number(t[1]), 0);
skipped += aspTodo;
const aspCounted = m ? `${m[1]}/${m[2]}${aspTodo ? `, ${aspTodo} todo` : ""}` : "no summary";

// vitest: the JSON reporter gives exact counts.
mkdirSync(join(root, "build"), { recursive: true });
const jsonPath = join(root, "build", "vitest-result.json");
rmSync(jsonPath, { force: true });
const vt = spawnSync(bin("vitest"), ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${jsonPath}`], { cwd: root, env, stdio: "inherit" });
try {
  const r = JSON.parse(readFileSync(jsonPath, "utf8"));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  if (vt.status !== 0 && r.numFailedTests === 0) failed += 1; // a suite failed to load
} catch {
  failed += 1;
}
console.log(`\ntypecheck ${typeFailures ? `${typeErrors.length || "tsc"} error(s)` : "ok"}; as-pect ${aspCounted}; vitest exit ${vt.status}`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed === 0 && typeFailures === 0 && asp.status === 0 && vt.status === 0 ? 0 : 1);
