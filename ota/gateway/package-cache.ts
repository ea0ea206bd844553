// The gateway's package cache: content-addressed by SHA-256, every package
// checked against the deployment's hash and size before it is stored, bounded
// in bytes (least recently used out first), optionally kept in a directory so
// it survives a gateway restart (re-checked when loaded).
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";

export class CacheRefusal extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = "CacheRefusal";
    this.code = code;
  }
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

export interface PackageCacheOptions {
  /** Largest total size kept (bytes). */
  maxBytes?: number;
  /** Keep packages as files named by their SHA-256 here. */
  directory?: string;
}

export class PackageCache {
  private readonly entries = new Map<string, Uint8Array>();
  private total = 0;
  private readonly maxBytes: number;
  private readonly directory: string | undefined;

  constructor(options: PackageCacheOptions = {}) {
    this.maxBytes = options.maxBytes ?? 256 << 20;
    this.directory = options.directory;
    if (this.directory) this.load(this.directory);
  }

  get bytes(): number {
    return this.total;
  }

  has(sha256Hex: string): boolean {
    return this.entries.has(sha256Hex);
  }

  /** The package, or undefined; marks it recently used. */
  get(sha256Hex: string): Uint8Array | undefined {
    const bytes = this.entries.get(sha256Hex);
    if (bytes) {
      this.entries.delete(sha256Hex);
      this.entries.set(sha256Hex, bytes);
    }
    return bytes;
  }

  /** Store a package after checking it against the deployment's SHA-256 and size; throws CacheRefusal otherwise. */
  put(bytes: Uint8Array, expectedSha256: string, expectedSize: number): void {
    const expected = expectedSha256.toLowerCase();
    if (!SHA256_HEX.test(expected)) throw new CacheRefusal("GATEWAY_BAD_HASH", `the deployment names no usable SHA-256 (${expectedSha256})`);
    if (bytes.length !== expectedSize) throw new CacheRefusal("GATEWAY_SIZE_MISMATCH", `upstream sent ${bytes.length} bytes, the deployment says ${expectedSize}`);
    const actual = bytesToHex(sha256(bytes));
    if (actual !== expected) throw new CacheRefusal("GATEWAY_HASH_MISMATCH", `upstream sent a package with SHA-256 ${actual}, the deployment says ${expected}`);
    if (bytes.length > this.maxBytes) throw new CacheRefusal("GATEWAY_CACHE_FULL", `a ${bytes.length}-byte package exceeds the cache's ${this.maxBytes} bytes`);
    if (this.entries.has(expected)) return;
    while (this.total + bytes.length > this.maxBytes) this.evictOldest();
    this.entries.set(expected, bytes);
    this.total += bytes.length;
    if (this.directory) {
      const temporary = join(this.directory, expected + ".tmp");
      writeFileSync(temporary, bytes);
      renameSync(temporary, join(this.directory, expected));
    }
  }

  private evictOldest(): void {
    const oldest = this.entries.keys().next().value as string;
    const bytes = this.entries.get(oldest)!;
    this.entries.delete(oldest);
    this.total -= bytes.length;
    if (this.directory) rmSync(join(this.directory, oldest), { force: true });
  }

  private load(directory: string): void {
    if (!existsSync(directory)) mkdirSync(directory, { recursive: true });
    for (const name of readdirSync(directory)) {
      const path = join(directory, name);
      if (!SHA256_HEX.test(name)) {
        if (name.endsWith(".tmp")) rmSync(path, { force: true }); // an interrupted store
        continue;
      }
      const bytes = new Uint8Array(readFileSync(path));
      // A file whose content no longer matches its name (rot, tampering) is dropped, not served.
      if (bytesToHex(sha256(bytes)) !== name || this.total + bytes.length > this.maxBytes) {
        rmSync(path, { force: true });
        continue;
      }
      this.entries.set(name, bytes);
      this.total += bytes.length;
    }
  }
}
