// Loads one instance of the core, from either build, wired to a Flash.
// Both builds export the same functions; this module hides the one real
// difference between them: where the exchange buffer lives.
import { readFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Flash, HostHash } from "./flash.js";

/** "es5" is the JS build transpiled for ES5 engines (Espruino); tests run it explicitly. */
export type CoreKind = "wasm" | "js" | "es5";
export const CORE_KINDS: readonly CoreKind[] = ["wasm", "js"];

/** Raw exports shared by both builds (numbers in, numbers out). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type CoreExports = Record<string, any>;

export interface Core {
  readonly kind: CoreKind;
  readonly exports: CoreExports;
  /** The exchange buffer; a fresh view each call (WASM memory may be replaced). */
  io(): Uint8Array;
  /** Bytes of linear memory the instance uses (WASM) or null (JS). */
  memoryBytes(): number | null;
}

/** Host return codes, mirrored in assembly/flash.ts. */
export const HOST_OK = 0;
export const HOST_FAULT = -1;

function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    // The package's own root: where its build/ sits beside package.json (an
    // installed package ships build/ but not assembly/).
    if (existsSync(join(dir, "package.json")) && existsSync(join(dir, "build", "core.wasm"))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error("slotboot: cannot find the package root from " + import.meta.url);
    dir = up;
  }
}

let wasmModule: WebAssembly.Module | null = null;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let jsFactory: ((host: any) => CoreExports) | null = null;

function buildFile(name: string): string {
  const p = join(packageRoot(), "build", name);
  if (!existsSync(p)) throw new Error(`slotboot: ${p} is missing; run \`npm run build\` first`);
  return p;
}

/** A flash that refuses everything: for cores used only for hashing or signatures. */
const NO_FLASH: Flash = {
  geometry: { size: 0, sectorSize: 4096, writeSize: 1 },
  read() { throw new Error("no flash attached"); },
  program() { throw new Error("no flash attached"); },
  erase() { throw new Error("no flash attached"); },
};

function guarded(fn: () => void): number {
  try {
    fn();
    return HOST_OK;
  } catch (e) {
    // Power cuts and other simulator aborts must unwind the whole core call.
    if (e && typeof e === "object" && (e as { abortsCore?: boolean }).abortsCore) throw e;
    return HOST_FAULT;
  }
}

/** The host's streaming SHA-256 (Flash.sha256Stream) as the core's three host calls, one stream at a time. */
function hostHashStream(flash: Flash) {
  let current: HostHash | null = null;
  return {
    begin(len: number): number {
      current = null;
      if (!flash.sha256Stream) return HOST_FAULT;
      return guarded(() => {
        current = (flash.sha256Stream as NonNullable<Flash["sha256Stream"]>)(len);
        if (!current) throw new Error("not offered");
      });
    },
    update(piece: Uint8Array): number {
      const hash = current;
      return hash ? guarded(() => hash.update(piece)) : HOST_FAULT;
    },
    finish(put: (digest: Uint8Array) => void): number {
      const hash = current;
      current = null;
      return hash ? guarded(() => put(hash.digest())) : HOST_FAULT;
    },
  };
}

/** The WASM build, instantiated synchronously (WebAssembly.Module/Instance are sync in Node). */
export function loadWasmCoreSync(flash: Flash = NO_FLASH): Core {
  if (!wasmModule) wasmModule = new WebAssembly.Module(readFileSync(buildFile("core.wasm")));
  let memory: WebAssembly.Memory | null = null;
  const stream = hostHashStream(flash);
  const mem = () => new Uint8Array((memory as WebAssembly.Memory).buffer);
  const imports = {
    env: {
      abort(): never {
        throw new Error("slotboot core aborted (a bug: the core must return status codes)");
      },
    },
    slotboot: {
      flash_read: (addr: number, ptr: number, len: number) =>
        guarded(() => flash.read(addr >>> 0, mem().subarray(ptr, ptr + len))),
      flash_program: (addr: number, ptr: number, len: number) =>
        guarded(() => flash.program(addr >>> 0, mem().slice(ptr, ptr + len))),
      flash_erase: (addr: number) => guarded(() => flash.erase(addr >>> 0)),
      flash_sha256: (addr: number, len: number, ptr: number) =>
        flash.sha256 ? guarded(() => mem().set((flash.sha256 as NonNullable<Flash["sha256"]>)(addr >>> 0, len >>> 0), ptr)) : -1,
      sha256_begin: (len: number) => stream.begin(len >>> 0),
      sha256_update: (ptr: number, len: number) => stream.update(mem().subarray(ptr, ptr + len)),
      sha256_finish: (ptr: number) => stream.finish((digest) => mem().set(digest, ptr)),
    },
  };
  const instance = new WebAssembly.Instance(wasmModule, imports);
  const exports = instance.exports as CoreExports;
  memory = exports.memory as WebAssembly.Memory;
  const ioAddr = exports.ioBufferAddress() >>> 0;
  const ioSize = exports.ioBufferSize() as number;
  return {
    kind: "wasm",
    exports,
    io: () => new Uint8Array((memory as WebAssembly.Memory).buffer, ioAddr, ioSize),
    memoryBytes: () => (memory as WebAssembly.Memory).buffer.byteLength,
  };
}

/** The host's CRC-32 for the JS cores, or -1 (the core computes its own) when it throws or is out of range. */
function hostCrc32(flash: Flash, data: Uint8Array): number {
  try {
    const c = (flash.crc32 as NonNullable<Flash["crc32"]>)(data);
    return Number.isInteger(c) && c >= 0 && c <= 0xffffffff ? c : -1;
  } catch {
    return -1;
  }
}

/** Evaluates build/es5/NAME.cjs as a fresh CommonJS module and returns its exports. */
export function loadEs5Module(name: "core" | "boot" | "update"): Record<string, unknown> {
  const text = readFileSync(buildFile(join("es5", name + ".cjs")), "utf8");
  const module = { exports: {} as Record<string, unknown> };
  new Function("exports", "module", text)(module.exports, module);
  return module.exports;
}

export async function loadCore(kind: CoreKind, flash: Flash = NO_FLASH): Promise<Core> {
  if (kind === "wasm") return loadWasmCoreSync(flash);
  if (kind === "js" && !jsFactory) {
    const mod = await import(pathToFileURL(buildFile("core.js")).href);
    jsFactory = mod.createCore;
  }
  const stream = hostHashStream(flash);
  const host = {
    read: (addr: number, buf: Uint8Array, off: number, len: number) =>
      guarded(() => flash.read(addr >>> 0, buf.subarray(off, off + len))),
    program: (addr: number, buf: Uint8Array, off: number, len: number) =>
      guarded(() => flash.program(addr >>> 0, buf.slice(off, off + len))),
    erase: (addr: number) => guarded(() => flash.erase(addr >>> 0)),
    sha256: (addr: number, len: number, out: Uint8Array, off: number) =>
      flash.sha256 ? guarded(() => out.set((flash.sha256 as NonNullable<Flash["sha256"]>)(addr >>> 0, len >>> 0), off)) : -1,
    sha256Begin: (len: number) => stream.begin(len >>> 0),
    sha256Update: (buf: Uint8Array, off: number, len: number) => stream.update(buf.subarray(off, off + len)),
    sha256Finish: (out: Uint8Array, off: number) => stream.finish((digest) => out.set(digest, off)),
    crc32: flash.crc32 ? (buf: Uint8Array, off: number, len: number) => hostCrc32(flash, buf.subarray(off, off + len)) : null,
    sha512: flash.sha512 ? (buf: Uint8Array, off: number, len: number, out: Uint8Array, outOff: number) => guarded(() => {
      const digest = (flash.sha512 as NonNullable<Flash["sha512"]>)(buf.subarray(off, off + len));
      if (!(digest instanceof Uint8Array) || digest.length !== 64) throw new Error("sha512: not a 64-byte digest");
      out.set(digest, outOff);
    }) : null,
  };
  // The ES5 build holds one core per module load (as on a device), so each
  // instance here evaluates the module afresh.
  const factory = kind === "es5" ? (loadEs5Module("core").createCore as (h: unknown) => CoreExports) : (jsFactory as (h: unknown) => CoreExports);
  const exports = factory(host);
  const io = exports.ioBuffer() as Uint8Array;
  return { kind, exports, io: () => io, memoryBytes: () => null };
}
