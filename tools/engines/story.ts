// The device and the packages of test/engines/story.js (one device's life,
// run inside each engine by the engine tests and `npm run bench -- engines`), built on the host
// with the project's own tools, plus a Node run of the same story against
// the WASM core for comparison.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createHash } from "node:crypto";
import { createImage, parseVersion } from "../../tools/image.js";
import { packPackage } from "../../tools/package.js";
import { publicKeyOf } from "../../tools/keys.js";
import { loadWasmCoreSync } from "../../bindings/core.js";
import type { Flash } from "../../bindings/flash.js";
import { repositoryRoot } from "./root.js";

const root = repositoryRoot();
export const read = (path: string) => readFileSync(join(root, path), "utf8");

export const LAYOUT = {
  control: 0, controlSectors: 2, resume: 8192, resumeSectors: 2,
  slotA: 16384, slotB: 16384 + 65536, slotSize: 65536, sectorSize: 4096, writeSize: 4,
  maxAttempts: 3, maxPowerAttempts: 10, hostHashing: false, verifyOnce: true, keyed: true,
};

/** The vendor key of the engine stories (a fixed test key). */
export const KEY = Uint8Array.from({ length: 32 }, (_, i) => (i * 29 + 7) & 0xff);

/** An application bundle: JS the loader evaluates, padded with a comment to `size` bytes. */
function appBody(version: string, size: number): Uint8Array {
  let text = `({ version: "${version}", healthy: ${version !== "3.0.0"} })\n//`;
  let x = version.length * 977;
  while (text.length < size) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    text += String.fromCharCode(97 + (x % 26));
    if (text.length % 61 === 0) text += " ";
  }
  return new Uint8Array(Buffer.from(text, "latin1"));
}

/** `deltaCodec`: heatshrink applies fastest in an interpreter; rc makes the smallest patches. */
export function storyFiles(bodySize = 8000, deltaCodec: "heatshrink" | "rc" = "heatshrink", blockSize = 1024) {
  const image = (v: string, seed: string) => createImage(appBody(seed, bodySize), {
    version: parseVersion(v), headerSize: 64, securityCounter: 1, key: { secretKey: KEY },
  });
  const v1 = image("1.0.0", "1.0.0");
  const v2 = image("2.0.0", "2.0.0");
  // v3 shares most of v2: a small delta.
  const v3body = appBody("2.0.0", bodySize);
  v3body.set(Buffer.from(`({ version: "3.0.0", healthy: false })\n//`, "latin1"), 0);
  const v3 = createImage(v3body, { version: parseVersion("3.0.0"), headerSize: 64, securityCounter: 1, key: { secretKey: KEY } });
  const packageV2 = packPackage({ image: v2, secretKey: KEY, blockSize }).bytes;
  const packageV3 = packPackage({ image: v3, secretKey: KEY, base: v2, blockSize, codec: deltaCodec }).bytes;
  const input = { layout: LAYOUT, publicKey: Buffer.from(publicKeyOf(KEY)).toString("hex") };
  return { v1, v2, packageV2, packageV3, input };
}

/** The modules the story loads, by the names it requires them under. */
export function storyModules(): Record<string, string> {
  return {
    "slotboot-boot": read("build/es5/boot.cjs"),
    "slotboot-update": read("build/es5/update.cjs"),
    "slotboot-codecs": read("build/es5/codecs.cjs"),
    "slotboot-loader": read("examples/espruino/loader.js"),
    "slotboot-update-task": read("examples/espruino/update-task.js"),
    "slotboot-ram-flash": read("test/engines/ram-flash.js"),
    "slotboot-gathering-sha256": read("examples/espruino/gathering-sha256.js"),
    "slotboot-native-arithmetic": read("examples/espruino/native-arithmetic.js"),
    "slotboot-native-aes": read("examples/espruino/native-aes.js"),
    "slotboot-story": read("test/engines/story.js"),
  };
}

export interface StoryStep { step: string; role: string; result: unknown; seconds: number; memory: number; flash: string }

/** A CommonJS module system over `modules`, as an engine's require() sees Storage. */
function requireFrom(modules: Record<string, string>, override: Record<string, unknown> = {}) {
  const cache: Record<string, unknown> = { ...override };
  const req = (name: string): unknown => {
    if (name in cache) return cache[name];
    if (!(name in modules)) throw new Error(`no module ${name}`);
    const module = { exports: {} as Record<string, unknown> };
    cache[name] = module.exports;
    new Function("exports", "module", "require", modules[name])(module.exports, module, req);
    return module.exports;
  };
  return req;
}

/** The story under Node with the WASM core in place of the ES5 roles: the reference. */
export function runStoryWithWasm(deltaCodec: "heatshrink" | "rc" = "heatshrink", blockSize = 1024): StoryStep[] {
  const { v1, packageV2, packageV3, input } = storyFiles(undefined, deltaCodec, blockSize);
  const files: Record<string, Uint8Array> = { "image-v1": v1, "package-v2": packageV2, "package-v3-delta": packageV3 };
  const wasmRole = (host: { read: Function; program: Function; erase: Function }) => {
    const flash: Flash = {
      geometry: { size: 1 << 20, sectorSize: LAYOUT.sectorSize, writeSize: LAYOUT.writeSize },
      read(addr, dest) { if (host.read(addr, dest, 0, dest.length) !== 0) throw new Error("read"); },
      program(addr, data) { if (host.program(addr, data, 0, data.length) !== 0) throw new Error("program"); },
      erase(addr) { if (host.erase(addr) !== 0) throw new Error("erase"); },
    };
    const core = loadWasmCoreSync(flash);
    return { ...core.exports, ioBuffer: () => core.io() };
  };
  const role = { createBootCore: wasmRole, createUpdateCore: wasmRole };
  const req = requireFrom(storyModules(), { "slotboot-boot": role, "slotboot-update": role });
  // The loader's eval() runs in its own scope here; Node has it as a global too.
  const steps: StoryStep[] = [];
  const engine = {
    memory: () => 0,
    now: () => performance.now() / 1000,
    sha256: (b: Uint8Array) => new Uint8Array(createHash("sha256").update(b).digest()).buffer,
    read: (name: string) => Buffer.from(files[name]).toString("latin1"),
    out: (o: StoryStep) => steps.push(JSON.parse(JSON.stringify(o))),
  };
  (req("slotboot-story") as { run: (e: unknown, i: unknown) => void }).run(engine, input);
  return steps;
}
