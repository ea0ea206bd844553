// An append-only log of fixed-size records in a ring of sectors, the one
// mechanism behind the boot-control log and the resume log. A record carries
// a magic, a sequence number and a CRC-32 over everything before the CRC; it is
// never rewritten, the newest valid record wins, and the sector holding the
// newest valid record is never erased. See docs/design.md "The log".
import { crc32 } from "./crc32";
import { getU32, putU32 } from "./bytes";
import { flashRead, flashProgram, flashErase } from "./flash";
import { OK, E_FLASH, E_CTL_WRITE } from "./status";

/** Largest record a log may use; the scan buffer holds several. */
export const LOG_MAX_RECORD: i32 = 128;
const LOG_SCAN_BYTES: i32 = 256;

export class RecordLog {
  base: u32 = 0;
  sectors: u32 = 0;
  sectorBytes: u32 = 0;
  recordSize: i32 = 32;
  magic: u32 = 0;
  /** Sector erases done by this log since configure(). */
  erases: u32 = 0;
  /** The newest valid record after load() (valid only if found). */
  found: bool = false;
  newestSeq: u32 = 0;
  readonly newest: Uint8Array = new Uint8Array(LOG_MAX_RECORD);
  private nextSector: u32 = 0;
  private nextOffset: u32 = 0;
  private newestSector: u32 = 0;
  private readonly scan: Uint8Array = new Uint8Array(LOG_SCAN_BYTES);

  configure(base: u32, sectors: u32, sectorBytes: u32, recordSize: i32, magic: u32): void {
    this.base = base;
    this.sectors = sectors;
    this.sectorBytes = sectorBytes;
    this.recordSize = recordSize;
    this.magic = magic;
    this.erases = 0;
    this.found = false;
  }

  private sectorAddr(s: u32): u32 {
    return u32(this.base + u32(s * this.sectorBytes));
  }

  private valid(b: Uint8Array, off: i32): bool {
    const n: i32 = this.recordSize;
    if (getU32(b, off) != this.magic) return false;
    return crc32(b, off, n - 4) == getU32(b, off + n - 4);
  }

  private erased(b: Uint8Array, off: i32, len: i32): bool {
    for (let i: i32 = 0; i < len; i++) if (unchecked(b[off + i]) != 0xff) return false;
    return true;
  }

  /** Scan every record slot; keep the valid record with the highest sequence number. */
  load(): i32 {
    this.found = false;
    this.newestSeq = 0;
    let bestSector: u32 = 0;
    let bestOffset: u32 = 0;
    const chunk: u32 = u32(LOG_SCAN_BYTES);
    const n: i32 = this.recordSize;
    for (let s: u32 = 0; s < this.sectors; s++) {
      for (let pos: u32 = 0; pos < this.sectorBytes; pos = u32(pos + chunk)) {
        if (flashRead(u32(this.sectorAddr(s) + pos), this.scan, 0, LOG_SCAN_BYTES) != OK) return E_FLASH;
        for (let r: i32 = 0; r < LOG_SCAN_BYTES; r += n) {
          if (!this.valid(this.scan, r)) continue;
          const seq: u32 = getU32(this.scan, r + 4);
          if (!this.found || seq > this.newestSeq) {
            this.found = true;
            this.newestSeq = seq;
            bestSector = s;
            bestOffset = u32(pos + u32(r));
            for (let i: i32 = 0; i < n; i++) this.newest[i] = this.scan[r + i];
          }
        }
      }
    }
    this.newestSector = bestSector;
    return this.findAppendPoint(bestSector, this.found ? u32(bestOffset + u32(n)) : 0);
  }

  /** First fully erased record slot in sector `s` at or after `from`; else the sector is full. */
  private findAppendPoint(s: u32, from: u32): i32 {
    this.nextSector = s;
    this.nextOffset = this.sectorBytes;
    const chunk: u32 = u32(LOG_SCAN_BYTES);
    const n: u32 = u32(this.recordSize);
    for (let pos: u32 = u32(from - (from % chunk)); pos < this.sectorBytes; pos = u32(pos + chunk)) {
      if (flashRead(u32(this.sectorAddr(s) + pos), this.scan, 0, LOG_SCAN_BYTES) != OK) return E_FLASH;
      for (let r: u32 = 0; r < chunk; r = u32(r + n)) {
        if (u32(pos + r) < from) continue;
        if (this.erased(this.scan, i32(r), i32(n))) {
          this.nextOffset = u32(pos + r);
          return OK;
        }
      }
    }
    return OK;
  }

  /** Erase sector `s` and check it reads back blank; a few tries. */
  private eraseBlank(s: u32): i32 {
    for (let attempt: i32 = 0; attempt < 3; attempt++) {
      if (flashErase(this.sectorAddr(s)) != OK) continue;
      this.erases++;
      let blank: bool = true;
      for (let pos: u32 = 0; pos < this.sectorBytes && blank; pos = u32(pos + u32(LOG_SCAN_BYTES))) {
        if (flashRead(u32(this.sectorAddr(s) + pos), this.scan, 0, LOG_SCAN_BYTES) != OK) return E_FLASH;
        if (!this.erased(this.scan, 0, LOG_SCAN_BYTES)) blank = false;
      }
      if (blank) return OK;
    }
    return E_CTL_WRITE;
  }

  /**
   * Append `rec` (recordSize bytes; magic, sequence and CRC are filled in
   * here) with the next sequence number. When the newest sector is full, the
   * next sector of the ring — which holds only older records — is erased
   * first. Every record is read back; one that does not read back intact is
   * abandoned and written again further on.
   */
  append(rec: Uint8Array): i32 {
    const n: i32 = this.recordSize;
    const seq: u32 = u32(this.newestSeq + 1);
    putU32(rec, 0, this.magic);
    putU32(rec, 4, seq);
    putU32(rec, n - 4, crc32(rec, 0, n - 4));
    for (let tries: i32 = 0; tries < 8; tries++) {
      if (this.nextOffset >= this.sectorBytes) {
        const s: u32 = u32((this.newestSector + 1) % this.sectors);
        const es: i32 = this.eraseBlank(s);
        if (es != OK) return es;
        this.nextSector = s;
        this.nextOffset = 0;
      }
      const at: u32 = u32(this.sectorAddr(this.nextSector) + this.nextOffset);
      this.nextOffset = u32(this.nextOffset + u32(n));
      if (flashProgram(at, rec, 0, n) != OK) continue;
      if (flashRead(at, this.scan, 0, n) != OK) return E_FLASH;
      let same: bool = true;
      for (let i: i32 = 0; i < n; i++) if (this.scan[i] != rec[i]) same = false;
      if (same) {
        this.newestSector = this.nextSector;
        this.newestSeq = seq;
        this.found = true;
        for (let i: i32 = 0; i < n; i++) this.newest[i] = rec[i];
        return OK;
      }
    }
    return E_CTL_WRITE;
  }
}
