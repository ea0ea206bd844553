// Builds the core from one AssemblyScript source:
//   build/core.wasm        asc, stub runtime, one 64 KiB page (the whole core)
//   build/core.js          plain JS (ES2017 module): factory createCore(host)
//   build/boot.js          the boot role only: createBootCore(host)
//   build/update.js        the update role: createUpdateCore(host)
//   build/codecs.js        the delta and heatshrink appliers: createCodecs(host)
//   build/p256.js          ECDSA P-256 verification: createP256(host)
//   build/crypt.js         the decryption unit's AES-CTR stream: createCrypt(host)
//   build/unwrap.js        its key unwrap (X25519, HKDF, HMAC): createUnwrap(host)
//                          (the role modules hold one core per module load)
//   build/es5/*.cjs        the same three for ES5 engines (Espruino): CommonJS,
//                          every function declared before the code that runs
//                          it (Espruino does not hoist), `exports.<factory>` last.
// The JS builds are tsc output of assembly/ with AssemblyScript's portable
// types, bundled into one factory per role, so every instance has its own
// state and no globals are touched. Only the host shim differs from the WASM
// build (common/host.ts vs common/host.portable.ts): the host boundary is
// what differs.
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, statSync } from "node:fs";
import { join, dirname, relative, posix } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { minify } from "terser";
import { inlineConversions, inlineConstants, inlineHostOrCore, inlineHostCalls, hoistHostArithmetic, keepCallsOutOfLine, declareFunctionsFirst, declareVarsFirst, fieldElementsAsInt32Arrays, poolFieldElements, poolModuleBytes, packIntegerTables, inlineSmallFunctions } from "./core-transforms.mjs";
import { findUseBeforeDeclaration } from "./declaration-order.mjs";
import { preloadReady } from "./preload-init.mjs";

// Called from one place (terser would write them into their caller) but run
// per chunk or per page: kept out of line (keepCallsOutOfLine), chosen by
// Espruino's flash reads in the 200 KB install (docs/design.md, "Boot check
// modes", the install figures). copyPastEnd runs never (a core bug), but
// written into copyBytes it is text Espruino reads at every copy. Each must
// still exist (checked below): a renamed function would silently lose the
// annotation.
const OUT_OF_LINE = ["rxWrite", "writeRaw", "crc32Loop", "copyPastEnd"];
// Small functions written into their callers, a body that calls another one
// a pass later (inlineSmallFunctions).
const INLINE_PASSES = [1, 2, 3, 4].map(() => inlineSmallFunctions(OUT_OF_LINE));
const outOfLineSeen = new Set();

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const assembly = join(root, "assembly");
const bin = (n) => join(root, "node_modules", ".bin", n);
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: "inherit" });

/** Each JS module the build emits: its entry in assembly/ and its factory's name. */
const ROLES = [
  { file: "core", entry: "index", factory: "createCore" },
  { file: "boot", entry: "boot/index", factory: "createBootCore", substitute: { "common/buffers": "common/buffers-boot" } },
  // The JS update module leaves the codecs out: a socket stands in for the
  // applier and the host plugs in the codecs module when a package needs it.
  // P-256 likewise: a socket stands in for the verifier and the host plugs in
  // the p256 module when the device trusts a P-256 key. Decryption likewise:
  // the crypt module is plugged in only for an encrypted update.
  { file: "update", entry: "update/index", factory: "createUpdateCore", substitute: { "codecs/delta_applier": "update/codec-socket", "crypto/ecdsa-p256": "update/p256-socket", "crypt/decryptor": "update/decrypt-socket" }, extraExports: ["useCodecs", "useP256", "useDecryption"] },
  { file: "codecs", entry: "codecs/index", factory: "createCodecs" },
  { file: "p256", entry: "crypto/p256-index", factory: "createP256" },
  // The crypt module holds the AES-CTR stream only: the key unwrap is the
  // unwrap module, which it loads (useUnwrap) only to open a key.
  { file: "crypt", entry: "crypt/index", factory: "createCrypt", substitute: { "crypto/ecies-x25519": "crypt/unwrap-socket", "crypt/recipient": "crypt/unwrap-socket" }, extraExports: ["useUnwrap"] },
  { file: "unwrap", entry: "crypt/unwrap-index", factory: "createUnwrap" },
];
/** Portable-only sources: JS stand-ins that asc never sees. */
const PORTABLE_ONLY = { "common/host": "common/host.portable", "update/codec-socket": "update/codec-socket.portable", "update/p256-socket": "update/p256-socket.portable", "update/decrypt-socket": "update/decrypt-socket.portable", "common/buffers-boot": "common/buffers-boot.portable", "crypt/unwrap-socket": "crypt/unwrap-socket.portable" };

mkdirSync(join(root, "build", "es5"), { recursive: true });
run(bin("asc"), ["assembly/index.ts", "--target", "release"]);

const src = join(root, "build", "portable-src");
const out = join(root, "build", "portable-out");
for (const d of [src, out]) rmSync(d, { recursive: true, force: true });
mkdirSync(src, { recursive: true });

// Only the files reachable from the entries take part, exactly as asc sees them.
const importPattern = /from\s+["'](\.{1,2}\/[\w\-./]+)["']/g;
const reachable = new Set();
const walk = (name, substitute, seen) => {
  name = substitute[name] || name;
  if (seen.has(name)) return;
  seen.add(name);
  reachable.add(name);
  const text = readFileSync(join(assembly, (PORTABLE_ONLY[name] || name) + ".ts"), "utf8");
  for (const m of text.matchAll(importPattern)) walk(posix.normalize(posix.join(posix.dirname(name), m[1])), substitute, seen);
};
for (const role of ROLES) walk(role.entry, role.substitute || {}, new Set());
for (const name of reachable) {
  const from = PORTABLE_ONLY[name] || name;
  mkdirSync(dirname(join(src, name)), { recursive: true });
  cpSync(join(assembly, from + ".ts"), join(src, name + ".ts"));
}
const sources = [...reachable].map((n) => join(src, n + ".ts"));
writeFileSync(join(src, "tsconfig.json"), JSON.stringify({
  compilerOptions: {
    target: "ES2017", module: "ES2020", moduleResolution: "bundler", strict: false,
    noImplicitAny: false, outDir: out, rootDir: src, declaration: false, types: [], lib: ["ES2017"],
    skipLibCheck: true, noEmitOnError: true, removeComments: true,
  },
  files: [join(root, "node_modules/assemblyscript/std/portable/index.d.ts"), ...sources],
}, null, 2));
run(bin("tsc"), ["-p", join(src, "tsconfig.json")]);

const sizes = [`core.wasm ${statSync(join(root, "build", "core.wasm")).size}`];
for (const role of ROLES) {
  const body = bundle(out, role.entry, role.substitute || {}, role.extraExports || []);
  const es5Body = await es5Module(body, role.factory);
  const es5Text = header(role) + es5Body;
  // The whole core stays a factory (hosts such as the Node bindings make many
  // instances). The role modules are what boards load: the same code as the
  // ES5 build, as an ES module, made safe for Moddable's preload (functions,
  // classes and read-only tables in flash; buffers and other state made at the
  // first factory call, in RAM: scripts/preload-init.mjs).
  const preload = role.file === "core" ? null : preloadReady(es5Body, role.factory);
  if (preload) sizes.push(`${role.file}.js in flash: ${preload.tablesInFlash.length} tables, made at first call: ${preload.madeAtFirstCall.length} variables`);
  const modern = role.file === "core"
    // The small-function inliner too, though Node pays nothing for a function:
    // the whole core is what the test suite runs as its "js" core, so every
    // test checks the inlined code the role modules share.
    ? transformJs(`export function ${role.factory}(__host) {\n${body}}\n`, ts.ScriptTarget.ES2017, [inlineConversions, inlineConstants, fieldElementsAsInt32Arrays, packIntegerTables, ...INLINE_PASSES])
    : preload.text
      .replace(new RegExp(`exports\\.${role.factory}\\s*=\\s*${role.factory};?`), "")
      .replace(new RegExp(`(^|[;}\\n])function ${role.factory}\\(`), `$1\nexport function ${role.factory}(`)
      .replace(new RegExp(`(^|[;}\\n])exports\\.${role.factory}\\s*=\\s*function\\s*\\(`), `$1\nexport function ${role.factory}(`);
  if (role.file !== "core" && !modern.includes(`export function ${role.factory}(`)) throw new Error(`core build: no export of ${role.factory}`);
  writeFileSync(join(root, "build", role.file + ".js"), header(role) + modern);
  const problems = findUseBeforeDeclaration(es5Text);
  if (problems.length) writeFileSync(join(root, "build", "es5", role.file + ".rejected.cjs"), es5Text);
  if (problems.length) throw new Error(`build/es5/${role.file}.cjs uses names before their declaration:\n${problems.join("\n")}`);
  writeFileSync(join(root, "build", "es5", role.file + ".cjs"), es5Text);
  sizes.push(`${role.file}.js ${modern.length}`, `es5/${role.file}.cjs ${es5Text.length}`);
}
const outOfLineMissing = OUT_OF_LINE.filter((name) => !outOfLineSeen.has(name));
if (outOfLineMissing.length) throw new Error(`core build: OUT_OF_LINE names no function of the core: ${outOfLineMissing.join(", ")}`);
console.log(sizes.join("; ") + " bytes");

/**
 * The ES5 build is a CommonJS module whose code sits at module level rather
 * than inside a factory: on Espruino a function declared inside a factory
 * costs about three variables more than one declared at module level (about
 * 10 against 7), and a device runs one core anyway. So the module holds one
 * core: the factory attaches the host and returns the same API object each
 * time. Functions come first in every scope (Espruino does not hoist) and
 * `exports.<factory>` comes last.
 */
async function es5Module(body, factory) {
  const wrapped = transformJs(`function ${factory}(__host) {\n${body}}\n`, ts.ScriptTarget.ES5, [inlineConversions, inlineConstants, inlineHostOrCore, inlineHostCalls, hoistHostArithmetic, keepCallsOutOfLine(OUT_OF_LINE), poolFieldElements, poolModuleBytes, fieldElementsAsInt32Arrays, packIntegerTables, ...INLINE_PASSES]);
  for (const name of OUT_OF_LINE) if (new RegExp(`\\bfunction ${name}\\(`).test(wrapped)) outOfLineSeen.add(name);
  const source = ts.createSourceFile("wrapped.js", wrapped, ts.ScriptTarget.ES5, true);
  const fn = source.statements.find(ts.isFunctionDeclaration);
  const statements = fn.body.statements;
  const api = statements[statements.length - 1];
  if (!ts.isReturnStatement(api)) throw new Error("core build: the factory must end with its API object");
  const inner = statements.slice(0, -1).map((s) => wrapped.slice(s.getFullStart(), s.getEnd())).join("");
  const module = `var __host = null;
var __api = null;
${inner}
function ${factory}(host) {
    __host = host;
    if (__api === null) __api = ${api.expression.getText(source)};
    return __api;
}
`;
  // SLOTBOOT_ES5_READABLE=1 also keeps the unminified module, for memory breakdowns.
  if (process.env.SLOTBOOT_ES5_READABLE) writeFileSync(join(root, "build", "es5", factory + ".readable.cjs"), transformJs(module + `exports.${factory} = ${factory};\n`, ts.ScriptTarget.ES5, [declareVarsFirst, declareFunctionsFirst]));
  // Shorter names are fewer variables on Espruino (a name longer than a
  // block holds takes another block), and inlined one-line functions cost no
  // function object at all. Terser does both; its output is ES5.
  const nameCache = {};
  const small = (await minify(module + `exports.${factory} = ${factory};\n`, {
    ecma: 5, module: false, toplevel: true, nameCache,
    compress: { toplevel: true, passes: 2, hoist_funs: true, keep_fargs: false, inline: 3, join_vars: false, sequences: false },
    // `of` is a keyword to Espruino's parser ("Got of expected EOF"): never a name.
    mangle: { toplevel: true, reserved: [factory, "of"] },
    format: { beautify: true, indent_level: 0, comments: false },
  })).code;
  // SLOTBOOT_ES5_NAMES=1 keeps the module-level names (minified -> source), for profiles.
  if (process.env.SLOTBOOT_ES5_NAMES) writeFileSync(join(root, "build", "es5", factory + ".names.json"), JSON.stringify(Object.fromEntries(Object.entries(nameCache.vars?.props ?? {}).map(([k, v]) => [v, k.replace(/^\$/, "")]))));
  // Espruino's parser takes `function` in a for-loop's head for a declaration.
  if (/for \([^;]*function\b/.test(small)) throw new Error("core build: a function expression in a for-loop head (Espruino cannot parse it)");
  if (/^\s*[A-Za-z_$][\w$]*\s*:\s*(for|while|do)\b/m.test(small)) throw new Error("core build: the minified ES5 build has a labelled loop (Espruino has none)");
  const ordered = transformJs(small, ts.ScriptTarget.ES5, [declareVarsFirst, declareFunctionsFirst]);
  // Printed compactly: Espruino lexes the whole text at every load (about
  // 1 ms per KB on this machine), so indentation is boot time.
  const compact = (await minify(ordered, { ecma: 5, module: false, compress: false, mangle: false, format: { beautify: false, comments: false, max_line_len: 1000 } })).code;
  return compact + "\n";
}

function header(role) {
  return `// Generated by scripts/build-core.mjs from assembly/${role.entry}.ts. Do not edit.
// slotboot core, ${role.file === "core" ? "both roles: one factory, one instance per call" : role.file + " role: one core per module load"}.
`;
}

/** Parse JS (with parent links), apply transformers, print it back at the given target. */
function transformJs(text, target, transformers) {
  // One pass per transformer, each on freshly parsed text: transformers read
  // parent links, which nodes made by an earlier transformer do not have.
  let printed = text;
  for (const transformer of transformers) {
    const parsed = ts.createSourceFile("core.js", printed, ts.ScriptTarget.ES2017, true);
    const result = ts.transform(parsed, [transformer]);
    printed = ts.createPrinter({ removeComments: false }).printFile(result.transformed[0]);
    result.dispose();
  }
  return ts.transpileModule(printed, { compilerOptions: { target, module: ts.ModuleKind.ESNext } }).outputText;
}

// ---------------------------------------------------------------------------
// A deliberately tiny bundler for tsc's output of the core. The core follows
// rules that make this safe: only relative named imports, no import aliases,
// and top-level names unique across files (checked here).
function bundle(dir, entry, substitute, extraExports) {
  const mods = new Map();
  const load = (name) => {
    if (mods.has(name)) return;
    const text = readFileSync(join(dir, name + ".js"), "utf8");
    const deps = [...text.matchAll(importPattern)].map((m) => posix.normalize(posix.join(posix.dirname(name), m[1].replace(/\.js$/, "")))).map((d) => substitute[d] || d);
    mods.set(name, { text, deps });
    deps.forEach(load);
  };
  load(entry);
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
  visit(entry, []);
  const exportedBy = new Map(); // module -> exported names
  const topLevel = new Map();
  let body = "";
  const resolve = (from, spec) => {
    const name = posix.normalize(posix.join(posix.dirname(from), spec.replace(/\.js$/, "")));
    return substitute[name] || name;
  };
  for (const n of order) {
    let t = mods.get(n).text;
    const names = [];
    t = t.replace(/^export\s*\*\s*from\s*["']([^"']+)["'];?\s*$/gm, (_, d) => { names.push(...exportedBy.get(resolve(n, d))); return ""; });
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
    exportedBy.set(n, [...new Set(names)]);
    body += `// --- ${n}\n${t.trim()}\n`;
  }
  const api = [...exportedBy.get(entry), ...extraExports];
  return `var ASC_TARGET = 0;
${body}
return { ${api.join(", ")} };
`;
}
