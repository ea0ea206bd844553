// A NOR flash part for tests and demos: erase to 0xFF, program clears bits,
// optional ECC-style refusal to reprogram, exact operation and wear counters,
// and deterministic power cuts (before / during / after the N-th operation)
// with torn programs, torn erases and unstable bits. docs/simulator.md has the
// model, the fault-plan semantics and the image file format.
import { FlashError, type Flash, type FlashGeometry } from "../bindings/flash.js";
import { normalizePlan, PowerCut, type CutTiming, type FaultPlan, type OpKind } from "./faults.js";
import { Rng } from "./rng.js";

export { PowerCut } from "./faults.js";
export type { CutTiming, FaultPlan, OpKind } from "./faults.js";

export interface SimFlashOptions {
  readonly sectorSize: number;
  readonly sectorCount: number;
  /** Program unit: 1, 4, 8 or 16 bytes. */
  readonly writeSize: number;
  /** Refuse to program a write unit that is not fully erased (ECC parts). Default true. */
  readonly strictEcc?: boolean;
  /** Keep the last N mutating operations in opLog(); 0 (default) disables the log. */
  readonly opLogLimit?: number;
  /** Seed of the PRNG that makes unstable bits read randomly. */
  readonly noiseSeed?: number;
}

export interface SimFlashGeometry extends FlashGeometry {
  readonly sectorCount: number;
}

/** Operation counters. A cut "before" an op does not count it; torn ops count. */
export interface FlashCounters {
  reads: number;
  programs: number;
  erases: number;
  bytesRead: number;
  bytesProgrammed: number;
}

export interface OpRecord {
  /** Sequence number of this mutating op since the flash was created (1-based). */
  readonly seq: number;
  readonly kind: "program" | "erase";
  readonly addr: number;
  readonly len: number;
  /** Set when this op was the one cut. */
  readonly cut?: CutTiming;
}

/** An opaque copy of a SimFlash state; restore() puts it back. */
export interface FlashSnapshot {
  readonly size: number;
  readonly data: Uint8Array;
  readonly wear: Uint32Array;
  readonly unstable: Uint8Array | null;
  readonly unstableSectors: Uint8Array;
  readonly counters: Readonly<FlashCounters>;
  readonly noiseState: number;
}

export const WRITE_SIZES: readonly number[] = [1, 4, 8, 16];
/** Largest flash the simulator (and its image format) accepts. */
export const MAX_FLASH_BYTES = 1 << 30;
export const MAX_OP_LOG = 1 << 20;

const FATE_NONE = 0;
const FATE_BEFORE = 1;
const FATE_DURING = 2;
const FATE_AFTER = 3;
const TIMINGS: readonly CutTiming[] = ["before", "before", "during", "after"];
const LOG_PROGRAM = 0;
const LOG_ERASE = 1;
const LOG_FIELDS = 4; // kind, addr, len, fate

function checkGeometry(sectorSize: number, sectorCount: number, writeSize: number): string | null {
  if (!WRITE_SIZES.includes(writeSize)) return `writeSize must be 1, 4, 8 or 16, got ${writeSize}`;
  if (!Number.isInteger(sectorSize) || sectorSize <= 0 || sectorSize % writeSize !== 0) {
    return `sectorSize must be a positive multiple of writeSize, got ${sectorSize}`;
  }
  if (!Number.isInteger(sectorCount) || sectorCount <= 0) return `sectorCount must be >= 1, got ${sectorCount}`;
  if (sectorSize * sectorCount > MAX_FLASH_BYTES) return `flash larger than ${MAX_FLASH_BYTES} bytes`;
  return null;
}

export class SimFlash implements Flash {
  readonly geometry: SimFlashGeometry;
  readonly strictEcc: boolean;
  readonly opLogLimit: number;
  /** Erase count per sector (wear). */
  readonly wear: Uint32Array;
  readonly counters: FlashCounters = { reads: 0, programs: 0, erases: 0, bytesRead: 0, bytesProgrammed: 0 };

  private readonly data: Uint8Array;
  private readonly sectorSize: number;
  private readonly writeSize: number;
  private readonly size: number;

  // Unstable bits: a full-size mask allocated on first use, a per-sector
  // "may have unstable bits" flag, and how many sectors carry the flag (0 keeps
  // read() a plain copy). Invariant: an unstable bit is stored as 1.
  private unstable: Uint8Array | null = null;
  private readonly unstableSectors: Uint8Array;
  private unstableSectorCount = 0;
  private readonly noise: Rng;

  private plan: Required<FaultPlan> | null = null;
  private faultRng = new Rng(0);
  private armedOps = 0;
  private cut: PowerCut | null = null;

  private readonly log: Int32Array | null;
  private logSeq = 0;

  constructor(opts: SimFlashOptions) {
    const problem = checkGeometry(opts.sectorSize, opts.sectorCount, opts.writeSize);
    if (problem) throw new RangeError("SimFlash: " + problem);
    const limit = opts.opLogLimit ?? 0;
    if (!Number.isInteger(limit) || limit < 0 || limit > MAX_OP_LOG) {
      throw new RangeError(`SimFlash: opLogLimit must be an integer in 0..${MAX_OP_LOG}`);
    }
    this.sectorSize = opts.sectorSize;
    this.writeSize = opts.writeSize;
    this.size = opts.sectorSize * opts.sectorCount;
    this.geometry = Object.freeze({
      size: this.size,
      sectorSize: opts.sectorSize,
      writeSize: opts.writeSize,
      sectorCount: opts.sectorCount,
    });
    this.strictEcc = opts.strictEcc ?? true;
    this.opLogLimit = limit;
    this.data = new Uint8Array(this.size).fill(0xff);
    this.wear = new Uint32Array(opts.sectorCount);
    this.unstableSectors = new Uint8Array(opts.sectorCount);
    this.noise = new Rng(opts.noiseSeed ?? 0x2545f491);
    this.log = limit > 0 ? new Int32Array(limit * LOG_FIELDS) : null;
  }

  // ---- Flash ABI -----------------------------------------------------------

  read(addr: number, out: Uint8Array): void {
    if (this.cut) throw this.deadCut("read");
    const len = out.length;
    this.checkRange(addr, len, "read");
    let fate = FATE_NONE;
    if (this.plan !== null && this.plan.countReads) fate = this.fate();
    if (fate === FATE_BEFORE || fate === FATE_DURING) this.fire("read", fate);
    out.set(this.data.subarray(addr, addr + len));
    if (this.unstableSectorCount !== 0) this.overlayUnstable(addr, out);
    this.counters.reads++;
    this.counters.bytesRead += len;
    if (fate === FATE_AFTER) this.fire("read", fate);
  }

  program(addr: number, src: Uint8Array): void {
    if (this.cut) throw this.deadCut("program");
    const len = src.length;
    this.checkRange(addr, len, "program");
    if (addr % this.writeSize !== 0 || len % this.writeSize !== 0) {
      throw new FlashError(
        "MISALIGNED",
        `program at 0x${addr.toString(16)} len ${len}: not a multiple of the ${this.writeSize}-byte write unit`,
      );
    }
    const d = this.data;
    if (this.strictEcc) {
      for (let i = addr, end = addr + len; i < end; i++) {
        if (d[i] !== 0xff) {
          const unit = i - (i % this.writeSize);
          throw new FlashError("NOT_ERASED", `program at 0x${addr.toString(16)}: write unit 0x${unit.toString(16)} is not erased`);
        }
      }
    }
    const fate = this.plan === null ? FATE_NONE : this.fate();
    this.record(LOG_PROGRAM, addr, len, fate);
    if (fate === FATE_BEFORE) this.fire("program", fate);
    if (fate === FATE_DURING) {
      this.programTorn(addr, src);
    } else {
      for (let i = 0; i < len; i++) d[addr + i] &= src[i];
    }
    if (this.unstableSectorCount !== 0) this.settleUnstable(addr, len);
    this.counters.programs++;
    this.counters.bytesProgrammed += len;
    if (fate !== FATE_NONE) this.fire("program", fate);
  }

  erase(addr: number): void {
    if (this.cut) throw this.deadCut("erase");
    this.checkRange(addr, 1, "erase");
    if (addr % this.sectorSize !== 0) {
      throw new FlashError("MISALIGNED", `erase at 0x${addr.toString(16)}: not a sector boundary`);
    }
    const fate = this.plan === null ? FATE_NONE : this.fate();
    this.record(LOG_ERASE, addr, this.sectorSize, fate);
    if (fate === FATE_BEFORE) this.fire("erase", fate);
    const sector = addr / this.sectorSize;
    this.clearUnstable(sector);
    if (fate === FATE_DURING) this.eraseTorn(addr, sector);
    else this.data.fill(0xff, addr, addr + this.sectorSize);
    this.wear[sector]++;
    this.counters.erases++;
    if (fate !== FATE_NONE) this.fire("erase", fate);
  }

  // ---- fault plans ---------------------------------------------------------

  /** Arms a power cut; operations are counted from 1 starting now. Replaces any earlier plan. */
  setFaultPlan(plan: FaultPlan): void {
    this.plan = normalizePlan(plan);
    this.faultRng = new Rng(this.plan.seed);
    this.armedOps = 0;
  }

  /** Lets `n` mutating operations complete, then tears the next one (the CLI's --cut-after meaning). */
  cutAfterOps(n: number, seed = 0, unstableBits = 0): void {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`cutAfterOps: n must be an integer >= 0, got ${n}`);
    this.setFaultPlan({ op: n + 1, timing: "during", seed, unstableBits });
  }

  clearFaultPlan(): void {
    this.plan = null;
    this.armedOps = 0;
  }

  /** Power comes back: the part answers again and the fault plan is cleared. Contents, unstable bits and counters stay. */
  powerOn(): void {
    this.cut = null;
    this.clearFaultPlan();
  }

  get powered(): boolean {
    return this.cut === null;
  }

  /** The cut that powered the part off, or null while powered. */
  get lastCut(): PowerCut | null {
    return this.cut;
  }

  /** Operations counted against the armed plan so far (0 without a plan). */
  get opsSinceArmed(): number {
    return this.armedOps;
  }

  get faultPlan(): Readonly<Required<FaultPlan>> | null {
    return this.plan;
  }

  // ---- faults at rest ------------------------------------------------------

  /** Inverts one stored bit (bit 0 = LSB). Not an operation: counters and plan are untouched. */
  flipBit(addr: number, bit: number): void {
    this.checkRange(addr, 1, "flipBit");
    if (!Number.isInteger(bit) || bit < 0 || bit > 7) throw new FlashError("OUT_OF_RANGE", `flipBit: bit ${bit} is not 0..7`);
    this.data[addr] ^= 1 << bit;
  }

  /**
   * Flips `count` distinct bits chosen by a PRNG seeded with `seed`, inside
   * [range.addr, range.addr + range.len) (default: the whole flash).
   * Returns the flipped positions in the order drawn.
   */
  randomBitFlips(count: number, seed: number, range?: { addr: number; len: number }): { addr: number; bit: number }[] {
    const base = range?.addr ?? 0;
    const len = range?.len ?? this.size;
    this.checkRange(base, len, "randomBitFlips");
    const bits = len * 8;
    if (!Number.isInteger(count) || count < 0 || count > bits) {
      throw new RangeError(`randomBitFlips: count ${count} is not 0..${bits}`);
    }
    const rng = new Rng(seed);
    const taken = new Set<number>();
    const flips: { addr: number; bit: number }[] = [];
    while (flips.length < count) {
      const b = rng.below(bits);
      if (taken.has(b)) continue;
      taken.add(b);
      const addr = base + Math.floor(b / 8);
      const bit = b % 8;
      this.data[addr] ^= 1 << bit;
      flips.push({ addr, bit });
    }
    return flips;
  }

  /** Number of unstable bits (0 unless a torn erase left some). */
  unstableBitCount(): number {
    if (this.unstable === null || this.unstableSectorCount === 0) return 0;
    let n = 0;
    for (let s = 0; s < this.unstableSectors.length; s++) {
      if (!this.unstableSectors[s]) continue;
      for (let i = s * this.sectorSize, end = i + this.sectorSize; i < end; i++) {
        let m = this.unstable[i];
        while (m) {
          m &= m - 1;
          n++;
        }
      }
    }
    return n;
  }

  /** Copy of the unstable-bit mask of [addr, addr+len) (zeros where stable). */
  unstableMask(addr: number, len: number): Uint8Array {
    this.checkRange(addr, len, "unstableMask");
    return this.unstable === null ? new Uint8Array(len) : this.unstable.slice(addr, addr + len);
  }

  // ---- inspection and setup backdoors --------------------------------------

  /** Stored bytes, no noise, no counting, allowed while powered off. A view: do not write to it. */
  get contents(): Uint8Array {
    return this.data;
  }

  /** Writes bytes directly (test setup, factory images): no NOR rules, no counting, no fault. */
  poke(addr: number, bytes: Uint8Array): void {
    this.checkRange(addr, bytes.length, "poke");
    this.data.set(bytes, addr);
    if (this.unstable !== null) this.unstable.fill(0, addr, addr + bytes.length);
  }

  maxWear(): number {
    let m = 0;
    for (let i = 0; i < this.wear.length; i++) if (this.wear[i] > m) m = this.wear[i];
    return m;
  }

  meanWear(): number {
    let sum = 0;
    for (let i = 0; i < this.wear.length; i++) sum += this.wear[i];
    return sum / this.wear.length;
  }

  /** Zeroes the operation counters (not the wear, which is physical). */
  resetCounters(): void {
    const c = this.counters;
    c.reads = c.programs = c.erases = c.bytesRead = c.bytesProgrammed = 0;
  }

  /** The last opLogLimit mutating operations, oldest first. */
  opLog(): OpRecord[] {
    const log = this.log;
    if (log === null) return [];
    const n = Math.min(this.logSeq, this.opLogLimit);
    const out: OpRecord[] = [];
    for (let seq = this.logSeq - n + 1; seq <= this.logSeq; seq++) {
      const at = ((seq - 1) % this.opLogLimit) * LOG_FIELDS;
      const fate = log[at + 3];
      out.push({
        seq,
        kind: log[at] === LOG_ERASE ? "erase" : "program",
        addr: log[at + 1] >>> 0,
        len: log[at + 2] >>> 0,
        ...(fate === FATE_NONE ? {} : { cut: TIMINGS[fate] }),
      });
    }
    return out;
  }

  // ---- snapshots -----------------------------------------------------------

  snapshot(): FlashSnapshot {
    return {
      size: this.size,
      data: this.data.slice(),
      wear: this.wear.slice(),
      unstable: this.unstableSectorCount !== 0 && this.unstable !== null ? this.unstable.slice() : null,
      unstableSectors: this.unstableSectors.slice(),
      counters: { ...this.counters },
      noiseState: this.noise.state,
    };
  }

  /** Puts a snapshot of this flash (or one of the same geometry) back; powers on and clears the plan. */
  restore(snap: FlashSnapshot): void {
    if (snap.size !== this.size || snap.wear.length !== this.wear.length) {
      throw new RangeError("SimFlash.restore: snapshot geometry differs");
    }
    this.data.set(snap.data);
    this.wear.set(snap.wear);
    if (snap.unstable !== null) {
      if (this.unstable === null) this.unstable = new Uint8Array(this.size);
      this.unstable.set(snap.unstable);
      this.unstableSectors.set(snap.unstableSectors);
      this.unstableSectorCount = 0;
      for (let s = 0; s < this.unstableSectors.length; s++) this.unstableSectorCount += this.unstableSectors[s];
    } else if (this.unstableSectorCount !== 0) {
      (this.unstable as Uint8Array).fill(0);
      this.unstableSectors.fill(0);
      this.unstableSectorCount = 0;
    }
    Object.assign(this.counters, snap.counters);
    this.noise.state = snap.noiseState;
    this.powerOn();
  }

  /** An independent flash with the same options and state (powered, no plan, empty op log). */
  clone(): SimFlash {
    const c = new SimFlash(this.options());
    c.restore(this.snapshot());
    return c;
  }

  // ---- image file ----------------------------------------------------------

  serialize(): Uint8Array {
    return encodeImage(this);
  }

  static deserialize(bytes: Uint8Array): SimFlash {
    return decodeImage(bytes);
  }

  /** @internal The constructor options that rebuild this flash. */
  options(): SimFlashOptions {
    return {
      sectorSize: this.sectorSize,
      sectorCount: this.geometry.sectorCount,
      writeSize: this.writeSize,
      strictEcc: this.strictEcc,
      opLogLimit: this.opLogLimit,
      noiseSeed: this.noise.state,
    };
  }

  /** @internal (image codec) Sectors carrying unstable bits, ascending. */
  unstableSectorList(): number[] {
    const out: number[] = [];
    if (this.unstable === null || this.unstableSectorCount === 0) return out;
    for (let s = 0; s < this.unstableSectors.length; s++) {
      if (!this.unstableSectors[s]) continue;
      const from = s * this.sectorSize;
      for (let i = from, end = from + this.sectorSize; i < end; i++) {
        if (this.unstable[i]) {
          out.push(s);
          break;
        }
      }
    }
    return out;
  }

  /** @internal (image codec) Installs an unstable mask for one sector. */
  setUnstableSector(sector: number, mask: Uint8Array): void {
    if (this.unstable === null) this.unstable = new Uint8Array(this.size);
    const from = sector * this.sectorSize;
    this.unstable.set(mask, from);
    if (!this.unstableSectors[sector]) {
      this.unstableSectors[sector] = 1;
      this.unstableSectorCount++;
    }
  }

  // ---- internals -----------------------------------------------------------

  private checkRange(addr: number, len: number, what: string): void {
    if (!(Number.isInteger(addr) && addr >= 0 && addr + len <= this.size)) {
      throw new FlashError("OUT_OF_RANGE", `${what} at 0x${addr.toString(16)} len ${len}: outside the ${this.size}-byte flash`);
    }
  }

  private fate(): number {
    const plan = this.plan as Required<FaultPlan>;
    const n = ++this.armedOps;
    if (n !== plan.op) return FATE_NONE;
    return plan.timing === "before" ? FATE_BEFORE : plan.timing === "during" ? FATE_DURING : FATE_AFTER;
  }

  private fire(kind: OpKind, fate: number): never {
    const plan = this.plan as Required<FaultPlan>;
    this.cut = new PowerCut(plan.op, kind, TIMINGS[fate], kind, false);
    this.plan = null;
    throw this.cut;
  }

  private deadCut(attempted: OpKind): PowerCut {
    const c = this.cut as PowerCut;
    return new PowerCut(c.op, c.kind, c.timing, attempted, true);
  }

  // Each bit the program would clear is cleared or not by one PRNG bit.
  private programTorn(addr: number, src: Uint8Array): void {
    const d = this.data;
    const rng = this.faultRng;
    let bits = 0;
    for (let i = 0; i < src.length; i++) {
      if ((i & 3) === 0) bits = rng.next();
      const old = d[addr + i];
      d[addr + i] = old & ~(old & ~src[i] & bits);
      bits >>>= 8;
    }
  }

  // Each bit ends as its old value or erased (1) by one PRNG bit; then the
  // plan's unstable bits are drawn (stored as 1, read as noise).
  private eraseTorn(addr: number, sector: number): void {
    const d = this.data;
    const rng = this.faultRng;
    let bits = 0;
    for (let i = 0; i < this.sectorSize; i++) {
      if ((i & 3) === 0) bits = rng.next();
      d[addr + i] |= bits;
      bits >>>= 8;
    }
    const count = (this.plan as Required<FaultPlan>).unstableBits;
    if (count === 0) return;
    if (this.unstable === null) this.unstable = new Uint8Array(this.size);
    for (let k = 0; k < count; k++) {
      const b = rng.below(this.sectorSize * 8);
      const at = addr + (b >>> 3);
      const m = 1 << (b & 7);
      this.unstable[at] |= m;
      d[at] |= m;
    }
    this.unstableSectors[sector] = 1;
    this.unstableSectorCount++;
  }

  private clearUnstable(sector: number): void {
    if (!this.unstableSectors[sector]) return;
    const from = sector * this.sectorSize;
    (this.unstable as Uint8Array).fill(0, from, from + this.sectorSize);
    this.unstableSectors[sector] = 0;
    this.unstableSectorCount--;
  }

  // A programmed 0 is a charged cell: it no longer reads as noise.
  private settleUnstable(addr: number, len: number): void {
    const u = this.unstable as Uint8Array;
    const d = this.data;
    for (let i = addr, end = addr + len; i < end; i++) if (u[i]) u[i] &= d[i];
  }

  private overlayUnstable(addr: number, out: Uint8Array): void {
    const u = this.unstable as Uint8Array;
    const ss = this.sectorSize;
    const end = addr + out.length;
    for (let s = Math.floor(addr / ss), last = Math.floor((end - 1) / ss); s <= last && addr < end; s++) {
      if (!this.unstableSectors[s]) continue;
      const from = Math.max(addr, s * ss);
      const to = Math.min(end, (s + 1) * ss);
      for (let i = from; i < to; i++) {
        const m = u[i];
        if (m) out[i - addr] = (out[i - addr] & ~m) | (this.noise.next() & m);
      }
    }
  }

  private record(kind: number, addr: number, len: number, fate: number): void {
    const seq = ++this.logSeq;
    const log = this.log;
    if (log === null) return;
    const at = ((seq - 1) % this.opLogLimit) * LOG_FIELDS;
    log[at] = kind;
    log[at + 1] = addr;
    log[at + 2] = len;
    log[at + 3] = fate;
  }
}

// ---- image file codec (format: docs/simulator.md "Image file") -------------

const IMAGE_MAGIC = 0x53464253; // "SBFS" read as little-endian u32
const IMAGE_VERSION = 1;
const HEADER_BYTES = 80;
const FLAG_STRICT_ECC = 1;

let crcTable: Uint32Array | null = null;

function crc32(bytes: Uint8Array, len: number): number {
  if (crcTable === null) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  const t = crcTable;
  let c = 0xffffffff;
  for (let i = 0; i < len; i++) c = t[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function encodeImage(f: SimFlash): Uint8Array {
  const g = f.geometry;
  const unstable = f.unstableSectorList();
  const total = HEADER_BYTES + g.size + 4 * g.sectorCount + unstable.length * (4 + g.sectorSize) + 4;
  const out = new Uint8Array(total);
  const v = new DataView(out.buffer);
  const opts = f.options();
  const c = f.counters;
  v.setUint32(0, IMAGE_MAGIC, true);
  v.setUint16(4, IMAGE_VERSION, true);
  v.setUint16(6, HEADER_BYTES, true);
  v.setUint32(8, f.strictEcc ? FLAG_STRICT_ECC : 0, true);
  v.setUint32(12, g.sectorSize, true);
  v.setUint32(16, g.sectorCount, true);
  v.setUint32(20, g.writeSize, true);
  v.setUint32(24, f.opLogLimit, true);
  v.setUint32(28, opts.noiseSeed as number, true);
  v.setUint32(32, unstable.length, true);
  v.setUint32(36, 0, true);
  const counters = [c.reads, c.programs, c.erases, c.bytesRead, c.bytesProgrammed];
  for (let i = 0; i < counters.length; i++) v.setBigUint64(40 + 8 * i, BigInt(counters[i]), true);
  let at = HEADER_BYTES;
  out.set(f.contents, at);
  at += g.size;
  for (let s = 0; s < g.sectorCount; s++, at += 4) v.setUint32(at, f.wear[s], true);
  for (const s of unstable) {
    v.setUint32(at, s, true);
    out.set(f.unstableMask(s * g.sectorSize, g.sectorSize), at + 4);
    at += 4 + g.sectorSize;
  }
  v.setUint32(at, crc32(out, at), true);
  return out;
}

function badImage(why: string): FlashError {
  return new FlashError("BAD_IMAGE_FILE", "flash image: " + why);
}

function decodeImage(bytes: Uint8Array): SimFlash {
  if (!(bytes instanceof Uint8Array)) throw badImage("not bytes");
  if (bytes.length < HEADER_BYTES + 4) throw badImage(`too short (${bytes.length} bytes)`);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (v.getUint32(0, true) !== IMAGE_MAGIC) throw badImage("bad magic (not a slotboot flash image)");
  const version = v.getUint16(4, true);
  if (version !== IMAGE_VERSION) throw badImage(`unsupported version ${version}`);
  if (v.getUint16(6, true) !== HEADER_BYTES) throw badImage("bad header length");
  const flags = v.getUint32(8, true);
  if ((flags & ~FLAG_STRICT_ECC) !== 0 || v.getUint32(36, true) !== 0) throw badImage("unknown flags");
  const sectorSize = v.getUint32(12, true);
  const sectorCount = v.getUint32(16, true);
  const writeSize = v.getUint32(20, true);
  const problem = checkGeometry(sectorSize, sectorCount, writeSize);
  if (problem) throw badImage(problem);
  if (v.getUint32(24, true) > MAX_OP_LOG) throw badImage("op log limit out of range");
  const unstableCount = v.getUint32(32, true);
  if (unstableCount > sectorCount) throw badImage("more unstable sectors than sectors");
  const size = sectorSize * sectorCount;
  const expected = HEADER_BYTES + size + 4 * sectorCount + unstableCount * (4 + sectorSize) + 4;
  if (bytes.length !== expected) throw badImage(`length ${bytes.length}, expected ${expected}`);
  if (crc32(bytes, expected - 4) !== v.getUint32(expected - 4, true)) throw badImage("CRC mismatch (corrupt file)");
  const counters: number[] = [];
  for (let i = 0; i < 5; i++) {
    const n = v.getBigUint64(40 + 8 * i, true);
    if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw badImage("counter out of range");
    counters.push(Number(n));
  }
  const f = new SimFlash({
    sectorSize,
    sectorCount,
    writeSize,
    strictEcc: (flags & FLAG_STRICT_ECC) !== 0,
    opLogLimit: v.getUint32(24, true),
    noiseSeed: v.getUint32(28, true),
  });
  let at = HEADER_BYTES;
  f.poke(0, bytes.subarray(at, at + size));
  at += size;
  for (let s = 0; s < sectorCount; s++, at += 4) f.wear[s] = v.getUint32(at, true);
  let prev = -1;
  for (let k = 0; k < unstableCount; k++) {
    const s = v.getUint32(at, true);
    if (s >= sectorCount || s <= prev) throw badImage("unstable sector list not ascending or out of range");
    prev = s;
    f.setUnstableSector(s, bytes.subarray(at + 4, at + 4 + sectorSize));
    at += 4 + sectorSize;
  }
  const c = f.counters;
  [c.reads, c.programs, c.erases, c.bytesRead, c.bytesProgrammed] = counters;
  return f;
}
