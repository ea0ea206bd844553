// An append-only log of fixed-size records in a ring of sectors, the one
// mechanism behind the boot-control log and the resume log. A record carries
// a magic, a sequence number and a CRC-32 over everything before the CRC; it is
// never rewritten. A log may write each sequence number as several copies
// (the boot-control log writes two, so that one flipped bit cannot lose the
// state); the newest sequence number with at least one valid copy wins, and a
// sector holding the only copies of it is never erased. See docs/design.md
// "The log".
import { crc32, crcHost } from "./crc32";
import { getU32, putU32 } from "./bytes";
import { flashRead, flashProgram, flashErase } from "./flash";
import { OK, E_FLASH, E_CTL_WRITE } from "./status";

/** Largest record a log may use; the scan buffer holds several. */
export const LOG_MAX_RECORD: i32 = 128;
const LOG_SCAN_BYTES: i32 = 256;
/** CRC-32 of LOG_SCAN_BYTES erased (0xFF) bytes (test/host-crc32.test.ts recomputes it). */
const LOG_ERASED_SCAN_CRC: u32 = 0xfea8a821;
/**
 * The scan buffer of every log (the boot-control log and the resume log): a
 * log uses it only inside one of its calls, never across calls or while
 * another log runs, so one buffer serves both (about ten Espruino variables).
 */
const logScan: Uint8Array = new Uint8Array(LOG_SCAN_BYTES);
/** Most sectors a log may span (layout.ts allows 64). */
const LOG_MAX_SECTORS: i32 = 64;
/** Failed program attempts one append tolerates before it gives up. */
const LOG_APPEND_TRIES: i32 = 8;

export class RecordLog {
  base: u32 = 0;
  sectors: u32 = 0;
  sectorBytes: u32 = 0;
  recordSize: i32 = 32;
  magic: u32 = 0;
  /** Records written per sequence number, all in one sector. */
  copies: i32 = 1;
  /** Offset of a u32 field that only ever grows (the anti-rollback floor), or -1. */
  growingAt: i32 = -1;
  /** Sector erases done by this log since configure(). */
  erases: u32 = 0;
  /** The newest valid record after load() (valid only if found). */
  found: bool = false;
  newestSeq: u32 = 0;
  /** Valid records carrying newestSeq, as load() counted them or append() wrote them. */
  newestCopies: i32 = 0;
  /** The largest value of the growing field over every valid record. */
  growingMax: u32 = 0;
  readonly newest: Uint8Array = new Uint8Array(LOG_MAX_RECORD);
  /** Set by a load() that completed: only then is the append point known. */
  private loaded: bool = false;
  private nextSector: u32 = 0;
  private nextOffset: u32 = 0;
  /** The sector appends continue in: it holds the newest state's last copy. */
  private newestSector: u32 = 0;
  /** Offsets in newestSector of the first and last copies of the newest state that load() saw. */
  private newestFirst: u32 = 0;
  private newestLast: u32 = 0;
  private readonly holdsRecord: Uint8Array = new Uint8Array(LOG_MAX_SECTORS);
  private readonly holdsNewest: Uint8Array = new Uint8Array(LOG_MAX_SECTORS);

  configure(base: u32, sectors: u32, sectorBytes: u32, recordSize: i32, magic: u32, copies: i32, growingAt: i32): void {
    this.base = base;
    this.sectors = sectors;
    this.sectorBytes = sectorBytes;
    this.recordSize = recordSize;
    this.magic = magic;
    this.copies = copies;
    this.growingAt = growingAt;
    this.erases = 0;
    this.found = false;
    this.loaded = false;
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

  private forgetNewestSectors(): void {
    for (let s: u32 = 0; s < this.sectors; s++) this.holdsNewest[s] = 0;
  }

  private noteGrowing(b: Uint8Array, off: i32): void {
    if (this.growingAt < 0) return;
    const g: u32 = getU32(b, off + this.growingAt);
    if (g > this.growingMax) this.growingMax = g;
  }

  /**
   * Scan every record slot: the state is the highest sequence number with a
   * valid copy; count its copies and note which sectors hold records.
   */
  load(): i32 {
    this.loaded = false;
    this.found = false;
    this.newestSeq = 0;
    this.newestCopies = 0;
    this.newestSector = 0;
    this.growingMax = 0;
    this.newestFirst = 0;
    this.newestLast = 0;
    const chunk: u32 = u32(LOG_SCAN_BYTES);
    const n: i32 = this.recordSize;
    for (let s: u32 = 0; s < this.sectors; s++) this.holdsRecord[s] = 0;
    this.forgetNewestSectors();
    // Locals rather than fields in the loop, and loop bodies kept short: an
    // interpreter (Espruino) looks a field up by name each time and re-reads a
    // loop's body text (from flash, where the code stays) at every turn, and
    // this scan runs at every power-up.
    const scan: Uint8Array = logScan;
    const magicByte: u8 = u8(this.magic & 0xff);
    const sectorBytes: u32 = this.sectorBytes;
    for (let s: u32 = 0; s < this.sectors; s++) {
      const sectorStart: u32 = this.sectorAddr(s);
      for (let pos: u32 = 0; pos < sectorBytes; pos = u32(pos + chunk)) {
        if (flashRead(u32(sectorStart + pos), scan, 0, LOG_SCAN_BYTES) != OK) return E_FLASH;
        // Candidates are the slots whose first byte is the magic's: a native
        // search finds them, so a blank chunk costs one call, not one turn of
        // an interpreted loop per slot. After a hit, the search goes on from
        // the next slot (indexOf past the end is -1).
        for (let r: i32 = scan.indexOf(magicByte, 0); r >= 0; r = scan.indexOf(magicByte, r - (r % n) + n)) {
          if (r % n == 0) this.consider(s, u32(pos + u32(r)));
        }
      }
    }
    const fs: i32 = this.findAppendPoint(this.newestSector, this.found ? u32(this.newestLast + u32(n)) : 0);
    if (fs != OK) return fs;
    this.loaded = true;
    return OK;
  }

  /**
   * One slot of load()'s scan: the record read from sector `s` at offset
   * `at`, now in scan[at % LOG_SCAN_BYTES] (chunks start at multiples of
   * LOG_SCAN_BYTES). Two parameters: on Espruino each costs a variable.
   */
  private consider(s: u32, at: u32): void {
    const n: i32 = this.recordSize;
    const r: i32 = i32(at % u32(LOG_SCAN_BYTES));
    if (!this.valid(logScan, r)) return;
    this.holdsRecord[s] = 1;
    this.noteGrowing(logScan, r);
    const seq: u32 = getU32(logScan, r + 4);
    if (!this.found || seq > this.newestSeq) {
      this.forgetNewestSectors();
      this.found = true;
      this.newestSeq = seq;
      this.newestCopies = 1;
      this.holdsNewest[s] = 1;
      this.newestSector = s;
      this.newestFirst = at;
      this.newestLast = at;
      for (let i: i32 = 0; i < n; i++) this.newest[i] = logScan[r + i];
    } else if (seq == this.newestSeq) {
      this.newestCopies++;
      this.holdsNewest[s] = 1;
      if (s == this.newestSector) {
        this.newestLast = at;
      } else if (at < this.newestFirst) {
        // Copies in two sectors come from a writer that moved on after a
        // copy at the end of a sector failed its read-back: the one
        // nearer the start of its sector was written later.
        this.newestSector = s;
        this.newestFirst = at;
        this.newestLast = at;
      }
    }
  }

  /** First fully erased record slot in sector `s` at or after `from`; else the sector is full. */
  private findAppendPoint(s: u32, from: u32): i32 {
    this.nextSector = s;
    this.nextOffset = this.sectorBytes;
    const chunk: u32 = u32(LOG_SCAN_BYTES);
    const n: u32 = u32(this.recordSize);
    for (let pos: u32 = u32(from - (from % chunk)); pos < this.sectorBytes; pos = u32(pos + chunk)) {
      if (flashRead(u32(this.sectorAddr(s) + pos), logScan, 0, LOG_SCAN_BYTES) != OK) return E_FLASH;
      for (let r: u32 = 0; r < chunk; r = u32(r + n)) {
        if (u32(pos + r) < from) continue;
        if (this.erased(logScan, i32(r), i32(n))) {
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
        if (flashRead(u32(this.sectorAddr(s) + pos), logScan, 0, LOG_SCAN_BYTES) != OK) return E_FLASH;
        // Where the host's CRC-32 is in use (native: Espruino's E.CRC32),
        // one CRC against that of erased bytes instead of a loop the
        // interpreter runs byte by byte (16 times per 4 KiB sector, some
        // 40 ms on Espruino). A chunk that is not erased passes only by a
        // 2^-32 coincidence, and a record written over it later fails its
        // read-back (append).
        const erased: bool = crcHost > 0 ? crc32(logScan, 0, LOG_SCAN_BYTES) == LOG_ERASED_SCAN_CRC : this.erased(logScan, 0, LOG_SCAN_BYTES);
        if (!erased) blank = false;
      }
      if (blank) {
        this.holdsRecord[s] = 0;
        this.holdsNewest[s] = 0;
        return OK;
      }
    }
    return E_CTL_WRITE;
  }

  /** True when sector `s` holds a copy of the newest state and no other sector does. */
  private holdsLastCopies(s: u32): bool {
    if (!this.found || this.holdsNewest[s] == 0) return false;
    for (let t: u32 = 0; t < this.sectors; t++) if (t != s && this.holdsNewest[t] != 0) return false;
    return true;
  }

  /** Continue in the sector after the newest state's one, which holds only older records: erase it first. */
  private moveToNextSector(): i32 {
    const s: u32 = u32((this.newestSector + 1) % this.sectors);
    // The rule the whole log rests on; a bug that broke it would lose the state on a cut.
    if (this.holdsLastCopies(s)) return E_CTL_WRITE;
    const es: i32 = this.eraseBlank(s);
    if (es != OK) return es;
    this.nextSector = s;
    this.nextOffset = 0;
    return OK;
  }

  private stamp(rec: Uint8Array, seq: u32): void {
    const n: i32 = this.recordSize;
    putU32(rec, 0, this.magic);
    putU32(rec, 4, seq);
    putU32(rec, n - 4, crc32(rec, 0, n - 4));
  }

  /**
   * Append `rec` (recordSize bytes; magic, sequence and CRC are filled in
   * here) as `copies` records with the next sequence number, all in one
   * sector. When the sector cannot hold them, the next sector of the ring —
   * which holds only older records — is erased first. Every copy is read
   * back; one that does not read back intact is abandoned and written again
   * further on. Copies that would straddle two sectors start again, with the
   * following sequence number, in the next sector. Needs a completed load():
   * without it the append point is unknown.
   */
  append(rec: Uint8Array): i32 {
    if (!this.loaded) return E_CTL_WRITE;
    const s: i32 = this.appendCopies(rec);
    // After a failure the log's bookkeeping may no longer match the flash.
    if (s != OK) this.loaded = false;
    return s;
  }

  private appendCopies(rec: Uint8Array): i32 {
    const n: i32 = this.recordSize;
    let seq: u32 = u32(this.newestSeq + 1);
    this.stamp(rec, seq);
    let done: i32 = 0;
    let failures: i32 = 0;
    while (done < this.copies) {
      const need: u32 = u32((done == 0 ? this.copies : 1) * n);
      if (u32(this.nextOffset + need) > this.sectorBytes) {
        if (done > 0) {
          seq = u32(seq + 1);
          this.stamp(rec, seq);
          done = 0;
        }
        const ms: i32 = this.moveToNextSector();
        if (ms != OK) return ms;
      }
      const at: u32 = u32(this.sectorAddr(this.nextSector) + this.nextOffset);
      this.nextOffset = u32(this.nextOffset + u32(n));
      let intact: bool = flashProgram(at, rec, 0, n) == OK;
      if (intact) {
        if (flashRead(at, logScan, 0, n) != OK) return E_FLASH;
        // Intact: it reads back as what load() will take for this record, a
        // valid record (magic, CRC-32) of this sequence number with this
        // CRC, so the same bytes but for a CRC-32 collision (2^-32). Two
        // CRCs (native in the JS builds where the host offers one) instead
        // of an interpreted comparison loop.
        intact = this.valid(logScan, 0) && getU32(logScan, 4) == seq && getU32(logScan, n - 4) == getU32(rec, n - 4);
      }
      if (!intact) {
        failures++;
        if (failures >= LOG_APPEND_TRIES) return E_CTL_WRITE;
        continue;
      }
      if (done == 0) {
        // The first intact copy is the commit point of the new state.
        this.forgetNewestSectors();
        this.found = true;
        this.newestSeq = seq;
        this.newestCopies = 0;
        this.newest.set(rec);
        this.noteGrowing(rec, 0);
      }
      this.newestCopies++;
      this.newestSector = this.nextSector;
      this.holdsRecord[this.nextSector] = 1;
      this.holdsNewest[this.nextSector] = 1;
      done++;
    }
    return OK;
  }

  /**
   * Append `rec` as the only state the log keeps: its copies go to a freshly
   * erased sector, then every other sector that holds a record is erased.
   * Used when older records must not stay underneath (factory adoption).
   */
  appendAlone(rec: Uint8Array): i32 {
    if (!this.loaded) return E_CTL_WRITE;
    // With a state present, make append() start a fresh sector.
    if (this.found) this.nextOffset = this.sectorBytes;
    const s: i32 = this.append(rec);
    if (s != OK) return s;
    for (let t: u32 = 0; t < this.sectors; t++) {
      if (t == this.newestSector || this.holdsRecord[t] == 0) continue;
      const es: i32 = this.eraseBlank(t);
      if (es != OK) {
        this.loaded = false;
        return es;
      }
    }
    return OK;
  }
}
