// A host-side reading of the boot-control log, independent of the core: the
// rule of docs/design.md "The log" (the state is the highest sequence number
// with a valid copy; the floor is the largest over every valid record),
// written again from the format table. Tests use it to know the state before
// an operation that a power cut then interrupts, to flip bits in chosen
// records, and to write logs in the old single-copy format.
import type { SimDevice } from "../bootloader-sim/device.js";

export const RECORD_SIZE = 32;
export const RECORD_MAGIC = 0x31544253;

export interface ControlRecord {
  /** Flash address of the record. */
  addr: number;
  sector: number;
  seq: number;
  primary: "A" | "B" | null;
  stateA: number;
  stateB: number;
  fails: number;
  powers: number;
  event: number;
  floor: number;
}

export interface ControlState {
  /** 0 when the log holds no valid record. */
  seq: number;
  /** Valid records carrying seq. */
  copies: ControlRecord[];
  primary: "A" | "B" | null;
  floor: number;
  records: ControlRecord[];
  /** In watchControl()'s list: the operation that led to this state. */
  after?: "program" | "erase";
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(b: Uint8Array, from = 0, to = b.length): number {
  let c = 0xffffffff;
  for (let i = from; i < to; i++) c = CRC_TABLE[(c ^ b[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function u32(b: Uint8Array, at: number): number {
  return (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;
}

function put32(b: Uint8Array, at: number, v: number): void {
  b[at] = v & 0xff;
  b[at + 1] = (v >>> 8) & 0xff;
  b[at + 2] = (v >>> 16) & 0xff;
  b[at + 3] = (v >>> 24) & 0xff;
}

/** Every valid record of the control region, in address order. */
export function controlRecords(dev: SimDevice): ControlRecord[] {
  const l = dev.config.layout;
  const bytes = dev.flash.contents;
  const out: ControlRecord[] = [];
  for (let addr = l.ctlAddr; addr < l.ctlAddr + l.ctlSectors * l.sectorSize; addr += RECORD_SIZE) {
    if (u32(bytes, addr) !== RECORD_MAGIC) continue;
    if (crc32(bytes, addr, addr + 28) !== u32(bytes, addr + 28)) continue;
    const p = bytes[addr + 8];
    out.push({
      addr,
      sector: Math.floor((addr - l.ctlAddr) / l.sectorSize),
      seq: u32(bytes, addr + 4),
      primary: p === 0 ? "A" : p === 1 ? "B" : null,
      stateA: bytes[addr + 9],
      stateB: bytes[addr + 10],
      fails: bytes[addr + 11],
      powers: bytes[addr + 12],
      event: bytes[addr + 13],
      floor: u32(bytes, addr + 16),
    });
  }
  return out;
}

export function controlState(dev: SimDevice): ControlState {
  const records = controlRecords(dev);
  const seq = records.reduce((m, r) => Math.max(m, r.seq), 0);
  const copies = records.filter((r) => r.seq === seq);
  const floor = records.reduce((m, r) => Math.max(m, r.floor), 0);
  return { seq, copies, primary: copies.length ? copies[0].primary : null, floor, records };
}

/**
 * Record one run's control states: element 0 now, element k after the k-th
 * program or erase (the numbering of a fault plan's `op`).
 */
export function watchControl(dev: SimDevice): ControlState[] {
  const states = [controlState(dev)];
  const f = dev.flash;
  const program = f.program.bind(f);
  const erase = f.erase.bind(f);
  f.program = (addr: number, data: Uint8Array) => {
    program(addr, data);
    states.push({ ...controlState(dev), after: "program" });
  };
  f.erase = (addr: number) => {
    erase(addr);
    states.push({ ...controlState(dev), after: "erase" });
  };
  return states;
}

/** One record in the old single-copy format (every field as the format table says). */
export interface OldRecord {
  seq: number;
  primary: 0 | 1 | 0xff;
  stateA: number;
  stateB: number;
  fails?: number;
  powers?: number;
  event: number;
  floor: number;
}

export function encodeRecord(r: OldRecord): Uint8Array {
  const b = new Uint8Array(RECORD_SIZE).fill(0xff);
  put32(b, 0, RECORD_MAGIC);
  put32(b, 4, r.seq);
  b[8] = r.primary;
  b[9] = r.stateA;
  b[10] = r.stateB;
  b[11] = r.fails ?? 0;
  b[12] = r.powers ?? 0;
  b[13] = r.event;
  put32(b, 16, r.floor);
  put32(b, 28, crc32(b, 0, 28));
  return b;
}
