// Builds the core twice from the same AssemblyScript source:
//   build/core.wasm   asc, stub runtime, one 64 KiB page
//   build/core.js     tsc with AssemblyScript's portable types, then bundled
//                     into one factory `createCore(host)` so every instance has
//                     its own state and no globals are touched.
// The only file that differs between the two is the host shim (host.ts vs
// host.portable.ts), because the host boundary is what differs.
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, statSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bin = (n) => join(root, "node_modules", ".bin", n);
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: "inherit" });

mkdirSync(join(root, "build"), { recursive: true });
run(bin("asc"), ["assembly/index.ts", "--target", "release"]);

const src = join(root, "build", "portable-src");
const out = join(root, "build", "portable-out");
for (const d of [src, out]) rmSync(d, { recursive: true, force: true });
mkdirSync(src, { recursive: true });
// Only the files reachable from index.ts take part, exactly as asc sees them.
const reachable = new Set();
const walk = (name) => {
  if (reachable.has(name)) return;
  reachable.add(name);
  const text = readFileSync(join(root, "assembly", name + ".ts"), "utf8");
  for (const m of text.matchAll(/from\s+["']\.\/([\w\-]+)["']/g)) walk(m[1]);
};
walk("index");
for (const name of reachable) {
  if (name === "host") continue;
  cpSync(join(root, "assembly", name + ".ts"), join(src, name + ".ts"));
}
cpSync(join(root, "assembly", "host.portable.ts"), join(src, "host.ts"));
writeFileSync(join(src, "tsconfig.json"), JSON.stringify({
  compilerOptions: {
    target: "ES2017", module: "ES2020", moduleResolution: "bundler", strict: false,
    noImplicitAny: false, outDir: out, declaration: false, types: [], lib: ["ES2017"],
    skipLibCheck: true, noEmitOnError: true, removeComments: true,
  },
  files: [join(root, "node_modules/assemblyscript/std/portable/index.d.ts"),
    ...readdirSync(src).filter((f) => f.endsWith(".ts")).map((f) => join(src, f))],
}, null, 2));
run(bin("tsc"), ["-p", join(src, "tsconfig.json")]);
writeFileSync(join(root, "build", "core.js"), bundle(out));
// Espruino's interpreter needs ES5: transpile the bundle (classes, let/const,
// arrows) into build/es5/core.js, a CommonJS module.
run(bin("tsc"), [join(root, "build", "core.js"), "--allowJs", "--target", "ES5", "--module", "commonjs", "--lib", "es5,es2015.core", "--outDir", join(root, "build", "es5"), "--skipLibCheck"]);
// .cjs: the package is "type": "module", and this file is CommonJS.
renameSync(join(root, "build", "es5", "core.js"), join(root, "build", "es5", "core.cjs"));

const size = statSync(join(root, "build", "core.wasm")).size;
console.log(`core.wasm ${size} bytes; core.js ${statSync(join(root, "build", "core.js")).size} bytes`);

// ---------------------------------------------------------------------------
// A deliberately tiny bundler for tsc's output of the core. The core follows
// rules that make this safe: only relative named imports, no import aliases,
// and top-level names unique across files (checked here).
function bundle(dir) {
  const mods = new Map();
  for (const f of readdirSync(dir).filter((f) => f.endsWith(".js"))) {
    const name = f.slice(0, -3);
    const text = readFileSync(join(dir, f), "utf8");
    const deps = [...text.matchAll(/from\s+["']\.\/([\w\-]+)(?:\.js)?["']/g)].map((m) => m[1]);
    mods.set(name, { text, deps });
  }
  const order = [];
  const seen = new Set();
  const visit = (n, stack) => {
    if (seen.has(n)) return;
    if (stack.includes(n)) throw new Error(`core import cycle: ${[...stack, n].join(" -> ")}`);
    const m = mods.get(n);
    if (!m) throw new Error(`core module not found: ${n}`);
    for (const d of m.deps) visit(d, [...stack, n]);
    seen.add(n);
    order.push(n);
  };
  visit("index", []);
  const exportedBy = new Map(); // module -> exported names
  const topLevel = new Map();
  let body = "";
  for (const n of order) {
    let t = mods.get(n).text;
    const names = [];
    t = t.replace(/^export\s*\*\s*from\s*["']\.\/([\w\-]+)(?:\.js)?["'];?\s*$/gm, (_, d) => { names.push(...exportedBy.get(d)); return ""; });
    t = t.replace(/^export\s*\{([^}]*)\}\s*from\s*["'][^"']+["'];?\s*$/gm, (_, list) => { names.push(...list.split(",").map((s) => s.trim()).filter(Boolean)); return ""; });
    t = t.replace(/^import\s*\{[^}]*\}\s*from\s*["'][^"']+["'];?\s*$/gm, "");
    t = t.replace(/^import\s+[^;]*;\s*$/gm, "");
    t = t.replace(/^export\s+(function|let|const|var|class)\s+([\w$]+)/gm, (_, kw, id) => { names.push(id); return `${kw} ${id}`; });
    if (/^\s*export\b/m.test(t)) throw new Error(`unsupported export form in core module ${n}`);
    for (const m of t.matchAll(/^(?:function|let|const|var|class)\s+([\w$]+)/gm)) {
      const prev = topLevel.get(m[1]);
      if (prev && prev !== n) throw new Error(`top-level name '${m[1]}' is declared in both ${prev} and ${n}; core names must be unique`);
      topLevel.set(m[1], n);
    }
    exportedBy.set(n, names);
    body += `// --- ${n}\n${t.trim()}\n`;
  }
  const api = exportedBy.get("index");
  return `// Generated by scripts/build-core.mjs from assembly/*.ts. Do not edit.
// The portable build of the slotboot core: one factory, one instance per call.
export function createCore(__host) {
var i8 = function (v) { return (v << 24) >> 24; };
var i16 = function (v) { return (v << 16) >> 16; };
var i32 = function (v) { return v | 0; };
var u8 = function (v) { return v & 0xff; };
var u16 = function (v) { return v & 0xffff; };
var u32 = function (v) { return v >>> 0; };
var bool = function (v) { return !!v; };
var f64 = function (v) { return +v; };
var unchecked = function (v) { return v; };
var ASC_TARGET = 0;
${body}
return { ${api.join(", ")} };
}
`;
}
