// The flash ABI a host implements. The core sees nothing else of the device:
// everything it reads, programs or erases goes through these three calls.

export interface FlashGeometry {
  /** Total bytes addressed by the core, starting at 0. */
  readonly size: number;
  /** Erase unit in bytes; addresses passed to erase() are multiples of it. */
  readonly sectorSize: number;
  /** Program unit in bytes (1, 4, 8 or 16); program() addresses and lengths are multiples of it. */
  readonly writeSize: number;
}

export interface Flash {
  readonly geometry: FlashGeometry;
  /** Copy `out.length` bytes starting at `addr` into `out`. */
  read(addr: number, out: Uint8Array): void;
  /** Program `data` at `addr`; NOR semantics: bits can only go from 1 to 0. */
  program(addr: number, data: Uint8Array): void;
  /** Erase the sector that starts at `addr` (every byte becomes 0xFF). */
  erase(addr: number): void;
  /**
   * Optional: SHA-256 of `len` bytes at `addr`, computed by the host (a
   * hardware SHA engine, or node:crypto). The core uses it for image digests
   * when told to (Bootloader option `hashByHost`); its own SHA-256 is the fallback.
   */
  sha256?(addr: number, len: number): Uint8Array;
  /**
   * Optional: a streaming SHA-256 over `len` bytes the core hands over in
   * pieces (a package's chain blocks), used with the same option; null =
   * not offered for this length, and the core hashes the block itself.
   */
  sha256Stream?(len: number): HostHash | null;
  /**
   * Optional: the IEEE CRC-32 of `data` (as node:zlib's crc32), for the JS
   * cores (the WASM core computes its own). The core checks the first answer
   * against its own CRC-32 and stops asking a host that differs.
   */
  crc32?(data: Uint8Array): number;
  /**
   * Optional: the SHA-512 of `data` (64 bytes), for the JS cores' Ed25519
   * challenge hash (the WASM core computes its own). A throw, or a result
   * that is not 64 bytes, leaves that hash to the core.
   */
  sha512?(data: Uint8Array): Uint8Array;
}

/** One streaming SHA-256 by the host: pieces in order, then the 32-byte digest. */
export interface HostHash {
  update(data: Uint8Array): void;
  digest(): Uint8Array;
}

/** A host-side flash fault (out of range, misaligned, refused by the part). */
export class FlashError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = "FlashError";
  }
}
