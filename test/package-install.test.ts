// The package as a user gets it: `npm pack`, install the tarball into an empty
// folder, then use it only through what was installed: the CLI (`npx slotboot`),
// the entry points of "exports" at run time, and their types (`tsc --noEmit` on
// a consumer file importing "slotboot", "slotboot/sim" and "slotboot/tools").
//
// The install runs offline from npm's cache (`npm ci` put the dependencies
// there): the temp project gets a lockfile pinning the runtime dependencies to
// the repository's own lock, so npm needs no registry metadata. If that fails
// (a cold cache), it installs online. Without npm the tests are skipped, visibly.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join, sep } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const TSC = join(ROOT, "node_modules", "typescript", "bin", "tsc");
const NPM = process.platform === "win32" ? "npm.cmd" : "npm";
const NPX = process.platform === "win32" ? "npx.cmd" : "npx";

interface PackageJson {
  name: string;
  version: string;
  license?: string;
  bin?: Record<string, string>;
  engines?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  exports: Record<string, string | Record<string, string>>;
}
interface LockEntry {
  version?: string;
  dependencies?: Record<string, string>;
  dev?: boolean;
  devOptional?: boolean;
  [k: string]: unknown;
}
interface PackResult {
  filename: string;
  files: { path: string }[];
}

const PKG = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as PackageJson;

// npm run from `npm test` passes its own settings down as npm_config_*; the
// nested npm must not inherit e.g. a prefix pointing at this repository.
const KEEP = new Set(["npm_config_cache", "npm_config_userconfig", "npm_config_globalconfig", "npm_config_registry"]);
const ENV: NodeJS.ProcessEnv = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) || KEEP.has(k.toLowerCase())),
);
// `npm test` puts node_modules/.bin first on PATH, and a dev dependency
// (as-pect -> glob-promise -> npm-install-peers) ships npm 6 there: the
// nested npm must be the machine's own.
ENV.PATH = (process.env.PATH ?? "").split(delimiter).filter((dir) => !dir.split(sep).join("/").endsWith("node_modules/.bin")).join(delimiter);
ENV.NO_UPDATE_NOTIFIER = "1";
ENV.npm_config_update_notifier = "false";

function run(cmd: string, args: string[], cwd: string, timeout = 60_000): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { cwd, env: ENV, encoding: "utf8", timeout, stdio: ["ignore", "pipe", "pipe"] });
}
const show = (r: SpawnSyncReturns<string>) => `exit ${r.status}${r.error ? ` (${r.error.message})` : ""}\n${r.stdout}\n${r.stderr}`;

const npmVersion = run(NPM, ["--version"], ROOT, 15_000);
const HAVE_NPM = npmVersion.status === 0;
if (!HAVE_NPM) console.warn(`package-install: npm is unavailable, the install tests are skipped (${show(npmVersion).trim()})`);

/** The runtime closure of the package's dependencies, as the repository's lockfile pins them. */
function lockedRuntimeDeps(): Record<string, LockEntry> {
  const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, LockEntry> };
  const out: Record<string, LockEntry> = {};
  const find = (from: string, name: string): string | null => {
    for (let at = from; ; ) {
      const key = (at ? at + "/" : "") + "node_modules/" + name;
      if (lock.packages[key]) return key;
      if (!at) return null;
      const i = at.lastIndexOf("/node_modules/");
      at = i < 0 ? "" : at.slice(0, i);
    }
  };
  const walk = (from: string, deps: Record<string, string> | undefined) => {
    for (const name of Object.keys(deps ?? {})) {
      const key = find(from, name);
      if (!key) throw new Error(`package-lock.json has no entry for ${name} (needed from ${from || "the root"})`);
      if (out[key]) continue;
      const { dev: _dev, devOptional: _devOptional, ...entry } = lock.packages[key];
      out[key] = entry;
      walk(key, entry.dependencies);
    }
  };
  walk("", PKG.dependencies);
  return out;
}

let work = "";
let app = "";
let packed: PackResult;
let installNote = "";
const started = Date.now();

beforeAll(() => {
  if (!HAVE_NPM) return;
  work = mkdtempSync(join(tmpdir(), "slotboot-pack-"));
  const packDir = join(work, "pack");
  app = join(work, "app");
  mkdirSync(packDir);
  mkdirSync(app);
  // The build ran before the tests (scripts/test-all.mjs): pack it as it is, no
  // `prepare` (which would rebuild under the feet of the other test files).
  const p = run(NPM, ["pack", "--ignore-scripts", "--json", "--pack-destination", packDir], ROOT);
  expect(p.status, show(p)).toBe(0);
  packed = (JSON.parse(p.stdout) as PackResult[])[0];
  const tgz = `file:../pack/${packed.filename}`;
  const deps = { slotboot: tgz };
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "slotboot-consumer", version: "1.0.0", private: true, type: "module", dependencies: deps }, null, 2));
  writeFileSync(join(app, "package-lock.json"), JSON.stringify({
    name: "slotboot-consumer", version: "1.0.0", lockfileVersion: 3, requires: true,
    packages: {
      "": { name: "slotboot-consumer", version: "1.0.0", dependencies: deps },
      "node_modules/slotboot": {
        version: PKG.version, resolved: tgz, license: PKG.license, dependencies: PKG.dependencies, bin: PKG.bin, engines: PKG.engines,
      },
      ...lockedRuntimeDeps(),
    },
  }, null, 2));
  const flags = ["--no-audit", "--no-fund", "--ignore-scripts=false"];
  let i = run(NPM, ["install", "--offline", ...flags], app);
  installNote = "offline";
  if (i.status !== 0) {
    installNote = `online (offline failed: ${(i.stderr.match(/npm error (?:code )?\S.*/) ?? ["?"])[0]})`;
    i = run(NPM, ["install", ...flags], app, 120_000);
  }
  expect(i.status, show(i)).toBe(0);
  console.log(`package-install: packed ${packed.filename} (${packed.files.length} files), installed ${installNote} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}, 150_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
  if (HAVE_NPM) console.log(`package-install: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

describe.skipIf(!HAVE_NPM)("the packed tarball", () => {
  it("ships what the docs promise and nothing of the workshop", () => {
    const files = new Set(packed.files.map((f) => f.path));
    for (const f of [
      "LICENSE", "README.md", "package.json", "bin/slotboot.js",
      "dist/bindings/index.js", "dist/bindings/index.d.ts", "dist/bootloader-sim/index.d.ts", "dist/tools/index.d.ts", "dist/cli/main.js",
      "build/core.wasm", "build/core.js", "build/boot.js", "build/update.js",
      "build/es5/core.cjs", "build/es5/boot.cjs", "build/es5/update.cjs",
      "docs/porting.md", "docs/cli.md", "docs/simulator.md",
    ]) expect(files.has(f), f).toBe(true);
    expect([...files].some((f) => f.startsWith("examples/espruino/")), "examples/espruino").toBe(true);
    expect([...files].some((f) => f.startsWith("examples/moddable/")), "examples/moddable").toBe(true);
    // Every built role module and every exports target that exists here is in the tarball.
    for (const f of ["codecs.js"]) if (existsSync(join(ROOT, "build", f))) expect(files.has(`build/${f}`), `build/${f}`).toBe(true);
    for (const [key, target] of Object.entries(PKG.exports)) {
      for (const t of typeof target === "string" ? [target] : Object.values(target)) {
        if (t.includes("*") || !existsSync(join(ROOT, t))) continue;
        expect(files.has(t.replace(/^\.\//, "")), `exports["${key}"] -> ${t}`).toBe(true);
      }
    }
    const bad = [...files].filter((f) =>
      /^(assembly|test|scripts|bench|tools|bindings|cli|bootloader-sim)\//.test(f) || f.startsWith("dist/bench/") ||
      /\.(readable|rejected)\.cjs$/.test(f) || f.startsWith("build/portable-") || f.endsWith(".ts") && !f.endsWith(".d.ts"));
    expect(bad).toEqual([]);
    expect(PKG.license).toBe("MIT");
    // Everything the shipped code imports at run time is a dependency, not a devDependency.
    for (const dep of ["@noble/curves", "@noble/hashes", "heatshrink-ts"]) {
      expect(PKG.dependencies?.[dep], dep).toBeTruthy();
      expect(PKG.devDependencies?.[dep], dep).toBeUndefined();
    }
  });
});

describe.skipIf(!HAVE_NPM)("installed from the tarball", () => {
  // `npx` resolves the bin npm linked; the story then runs that same link directly (npx costs ~1 s a call).
  const npx = (args: string[]) => run(NPX, ["--no", "--", "slotboot", ...args], app);
  const cli = (args: string[]) => run(join(app, "node_modules", ".bin", process.platform === "win32" ? "slotboot.cmd" : "slotboot"), args, app);
  const lastJson = (r: SpawnSyncReturns<string>): unknown => JSON.parse(r.stdout.trim().split("\n").pop() ?? "");

  it("npx slotboot --version", () => {
    const r = npx(["--version"]);
    expect(r.status, show(r)).toBe(0);
    expect(r.stdout.trim()).toBe(`slotboot ${PKG.version}`);
  });

  it("the CLI story: image create, sim create, install, boot on trial, boot confirmed", () => {
    const body = (n: number, seed: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * seed + (i >> 7)) & 0xff));
    writeFileSync(join(app, "fw1.bin"), body(3000, 7));
    writeFileSync(join(app, "fw2.bin"), body(5000, 13));
    for (const [bin, v, out] of [["fw1.bin", "1.0.0", "v1.img"], ["fw2.bin", "2.0.0", "v2.img"]]) {
      const r = cli(["image", "create", "--in", bin, "--version", v, "--out", out]);
      expect(r.status, show(r)).toBe(0);
    }
    let r = cli(["sim", "create", "dev.sim", "--image", "v1.img"]);
    expect(r.status, show(r)).toBe(0);
    r = cli(["sim", "install", "dev.sim", "v2.img", "--json"]);
    expect(r.status, show(r)).toBe(0);
    expect(lastJson(r)).toMatchObject({ result: "installed", error: null, slot: "B", version: "2.0.0" });
    r = cli(["sim", "boot", "dev.sim", "--app", "ok", "--json"]);
    expect(r.status, show(r)).toBe(0);
    expect(lastJson(r)).toMatchObject({ booted: "B", version: "2.0.0", reason: "trial-start", app: "ok", confirmed: true });
    r = cli(["sim", "boot", "dev.sim", "--app", "ok", "--json"]);
    expect(r.status, show(r)).toBe(0);
    expect(lastJson(r)).toMatchObject({ booted: "B", version: "2.0.0", reason: "confirmed" });
  });

  it("every entry point of \"exports\" loads at run time", () => {
    writeFileSync(join(app, "smoke.mjs"), `
import { createRequire } from "node:module";
import { sha256 } from "slotboot";
import { SimDevice, SimFlash } from "slotboot/sim";
import { createImage, parseVersion, generateKeyPair } from "slotboot/tools";
const require = createRequire(import.meta.url);
const out = { sha256: Buffer.from(sha256(new TextEncoder().encode("abc"))).toString("hex") };
out.core = typeof (await import("slotboot/core.js")).createCore;
out.boot = typeof (await import("slotboot/boot.js")).createBootCore;
out.update = typeof (await import("slotboot/update.js")).createUpdateCore;
out.es5 = [typeof require("slotboot/es5/core.cjs").createCore, typeof require("slotboot/es5/boot.cjs").createBootCore, typeof require("slotboot/es5/update.cjs").createUpdateCore];
out.wasmFile = require.resolve("slotboot/core.wasm").endsWith("core.wasm");
out.version = require("slotboot/package.json").version;
out.flash = new SimFlash({ sectorSize: 4096, sectorCount: 4, writeSize: 4 }).geometry.size;
const keys = generateKeyPair();
for (const core of ["wasm", "js"]) {
  const dev = SimDevice.create({ core });
  await dev.provision(createImage(new Uint8Array(64), { version: parseVersion("1.0.0"), key: { secretKey: keys.secretKey } }));
  const r = await dev.powerUp("power");
  out["boot " + core] = r.booted + " " + r.version;
}
console.log(JSON.stringify(out));
`);
    const r = run(process.execPath, ["smoke.mjs"], app);
    expect(r.status, show(r)).toBe(0);
    expect(JSON.parse(r.stdout.trim())).toEqual({
      sha256: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
      core: "function", boot: "function", update: "function", es5: ["function", "function", "function"],
      wasmFile: true, version: PKG.version, flash: 16384, "boot wasm": "A 1.0.0", "boot js": "A 1.0.0",
    });
  });

  it("the library, the simulator and the host tools are typed (tsc --noEmit in the consumer project)", () => {
    writeFileSync(join(app, "consumer.ts"), `
import { sha256, ed25519Verify, SlotbootError, CORE_KINDS, type Core, type CoreKind, type BootResult } from "slotboot";
import { SimFlash, SimDevice, PowerCut, type AppBehaviour, type SimFlashOptions } from "slotboot/sim";
import { createImage, parseImage, parseVersion, formatVersion, generateKeyPair, packPackage, parsePackage, type Version, type KeyPair, type PackResult } from "slotboot/tools";

const digest: Uint8Array = sha256(new Uint8Array([0x61, 0x62, 0x63]));
const kinds: readonly CoreKind[] = CORE_KINDS;
const options: SimFlashOptions = { sectorSize: 4096, sectorCount: 8, writeSize: 8 };
const flash = new SimFlash(options);
const device: SimDevice = SimDevice.create({ core: "wasm", sectorSize: 4096, slotSize: 65536, writeSize: 4 });
const app: AppBehaviour = "ok";
const version: Version = parseVersion("1.2.3");
const keys: KeyPair = generateKeyPair();
const image: Uint8Array = createImage(new Uint8Array(100), { version, securityCounter: 1, key: { secretKey: keys.secretKey } });
const text: string = formatVersion(parseImage(image).version);
const pkg: PackResult = packPackage({ image, secretKey: keys.secretKey });
const ok: boolean = ed25519Verify(keys.publicKey, digest, new Uint8Array(64));
async function boot(): Promise<BootResult> { return device.powerUp("power"); }
function isFailure(e: unknown): boolean { return e instanceof PowerCut || e instanceof SlotbootError; }
// The types are real, not \`any\`: the compiler must report each of these.
// @ts-expect-error sha256 returns bytes
const wrongDigest: string = sha256(new Uint8Array(1));
// @ts-expect-error not an app behaviour
const wrongApp: AppBehaviour = "sometimes";
// @ts-expect-error a version is an object
const wrongVersion: Version = "1.0.0";
// @ts-expect-error SimFlash needs its geometry
new SimFlash({ sectorSize: 4096 });
export { digest, kinds, flash, app, text, pkg, ok, boot, isFailure, wrongDigest, wrongApp, wrongVersion, parsePackage };
export type { Core };
`);
    // No @types/node and no skipLibCheck: the shipped .d.ts must stand on their own.
    writeFileSync(join(app, "tsconfig.json"), JSON.stringify({
      compilerOptions: {
        target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, noEmit: true,
        skipLibCheck: false, types: [], lib: ["ES2022"],
      },
      files: ["consumer.ts"],
    }, null, 2));
    const r = run(process.execPath, [TSC, "-p", "tsconfig.json", "--noEmit"], app);
    expect(r.status, show(r)).toBe(0);
  });
});
