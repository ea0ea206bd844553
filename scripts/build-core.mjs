// Builds the core twice from the same AssemblyScript source:
//   build/core.wasm      asc, stub runtime, one 64 KiB page
//   build/core-js/*.js   tsc with AssemblyScript's portable types (no WebAssembly)
// The only file that differs between the two is the host shim (host.ts vs
// host.portable.ts), because the host boundary is what differs.
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, statSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bin = (n) => join(root, "node_modules", ".bin", n);
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: "inherit" });

mkdirSync(join(root, "build"), { recursive: true });
run(bin("asc"), ["assembly/index.ts", "--target", "release"]);

const src = join(root, "build", "portable-src");
const out = join(root, "build", "core-js");
rmSync(src, { recursive: true, force: true });
rmSync(out, { recursive: true, force: true });
mkdirSync(src, { recursive: true });
for (const f of readdirSync(join(root, "assembly"))) {
  const p = join(root, "assembly", f);
  if (!f.endsWith(".ts") || statSync(p).isDirectory() || f === "host.ts" || f === "host.portable.ts") continue;
  cpSync(p, join(src, f));
}
cpSync(join(root, "assembly", "host.portable.ts"), join(src, "host.ts"));
writeFileSync(join(src, "tsconfig.json"), JSON.stringify({
  compilerOptions: {
    target: "ES2017", module: "ES2020", moduleResolution: "bundler", strict: false,
    noImplicitAny: false, outDir: out, declaration: false, types: [], lib: ["ES2017"],
    skipLibCheck: true, noEmitOnError: true,
  },
  files: [join(root, "node_modules/assemblyscript/std/portable/index.d.ts"),
    ...readdirSync(src).filter((f) => f.endsWith(".ts")).map((f) => join(src, f))],
}, null, 2));
run(bin("tsc"), ["-p", join(src, "tsconfig.json")]);
// tsc keeps extension-less specifiers; Node's ESM loader needs ".js".
for (const f of readdirSync(out)) {
  const p = join(out, f);
  writeFileSync(p, readFileSync(p, "utf8").replace(/(from\s+["']\.\/[A-Za-z0-9_\-]+)(["'])/g, "$1.js$2"));
}
const size = statSync(join(root, "build", "core.wasm")).size;
console.log(`core.wasm ${size} bytes; core-js ${readdirSync(out).length} modules`);
