// Core-level specs for the boot-control log and the decision on an empty
// device, run in WASM against as-pect.config.js's RAM-backed NOR flash
// (4 KiB sectors, 1 MiB).
import { crc32 } from "../common/crc32";
import { configureLayout, NO_SLOT } from "../common/layout";
import { flashProgram, flashRead } from "../common/flash";
import { RecordLog } from "../common/recordlog";
import {
  ctlConfigure, ctlLoad, ctlCommit, ctlCommitAlone, ctlRefresh, ctlSeq, ctlPrimary, ctlFloor, ctlSlotState, ctlSetPrimary,
  ctlSetSlotState, ctlSetFloor, ctlEraseCount, ST_CONFIRMED, ST_PENDING, EV_FACTORY,
} from "../boot/bootctl";
import { decideBoot, bootReason, R_NO_BOOTABLE_IMAGE, RESET_POWER_ON } from "../boot/boot";
import { mul32, clz32 } from "../common/int32";

/** Clear one bit of a record (the flash model ANDs on program): its CRC no longer matches. */
function destroy(addr: u32): void {
  const b = new Uint8Array(4);
  b[0] = 0xfe;
  b[1] = 0xff;
  b[2] = 0xff;
  b[3] = 0xff;
  flashProgram(addr, b, 0, 1);
}

function validRecords(base: u32): i32 {
  const b = new Uint8Array(32);
  let n: i32 = 0;
  for (let at: u32 = 0; at < 8192; at += 32) {
    flashRead(base + at, b, 0, 32);
    let magic: u32 = u32(b[0]) | (u32(b[1]) << 8) | (u32(b[2]) << 16) | (u32(b[3]) << 24);
    let stored: u32 = u32(b[28]) | (u32(b[29]) << 8) | (u32(b[30]) << 16) | (u32(b[31]) << 24);
    if (magic == 0x31544253 && crc32(b, 0, 28) == stored) n++;
  }
  return n;
}

function setup(base: u32): void {
  // Boot control at `base` (2 sectors), slots well away from it.
  expect(configureLayout(base, 2, 0, 0, 0x80000, 0xc0000, 0x10000, 4096, 4, 3, 10)).toBe(0);
  ctlConfigure();
}

describe("crc32", () => {
  it("matches the IEEE check value", () => {
    const b = new Uint8Array(9);
    for (let i = 0; i < 9; i++) b[i] = u8(0x31 + i); // "123456789"
    expect(crc32(b, 0, 9)).toBe(0xcbf43926);
  });
});

describe("int32 helpers", () => {
  it("multiply wraps and clz counts", () => {
    expect(mul32(0xffffffff, 0xffffffff)).toBe(1);
    expect(mul32(0x12345678, 0x9abcdef1)).toBe(0x366176f8 as u32);
    expect(clz32(1)).toBe(31);
    expect(clz32(0)).toBe(32);
  });
});

describe("boot-control log", () => {
  it("starts empty, then returns the newest record", () => {
    setup(0x10000);
    expect(ctlLoad()).toBe(0);
    expect(ctlSeq).toBe(0);
    expect(ctlPrimary).toBe(NO_SLOT);
    ctlSetPrimary(1);
    ctlSetSlotState(1, ST_CONFIRMED);
    expect(ctlCommit(EV_FACTORY)).toBe(0);
    ctlSetSlotState(0, ST_PENDING);
    expect(ctlCommit(EV_FACTORY)).toBe(0);
    expect(ctlLoad()).toBe(0);
    expect(ctlSeq).toBe(2);
    expect(ctlPrimary).toBe(1);
    expect(ctlSlotState(0)).toBe(ST_PENDING);
  });

  it("wraps to the other sector without losing the newest record", () => {
    setup(0x20000);
    ctlLoad();
    // Two copies per state: 64 states fill a 4 KiB sector; 300 go around the ring twice.
    for (let i: u32 = 0; i < 300; i++) {
      ctlSetSlotState(0, u8(i % 5));
      expect(ctlCommit(EV_FACTORY)).toBe(0);
    }
    expect(ctlEraseCount()).toBe(4);
    expect(ctlLoad()).toBe(0);
    expect(ctlSeq).toBe(300);
    expect(ctlSlotState(0)).toBe(u8(299 % 5));
  });

  it("keeps a state whose first copy is destroyed, and a boot-time refresh writes it again", () => {
    setup(0x40000);
    ctlLoad();
    ctlSetPrimary(0);
    ctlSetSlotState(0, ST_CONFIRMED);
    ctlSetFloor(5);
    expect(ctlCommit(EV_FACTORY)).toBe(0);
    ctlSetSlotState(1, ST_PENDING);
    ctlSetFloor(6);
    expect(ctlCommit(EV_FACTORY)).toBe(0);
    // Records 2 and 3 are the copies of state 2: clear a bit of the first.
    destroy(0x40000 + 2 * 32 + 9);
    expect(ctlLoad()).toBe(0);
    expect(ctlSeq).toBe(2);
    expect(ctlSlotState(1)).toBe(ST_PENDING);
    expect(ctlFloor).toBe(6);
    expect(ctlRefresh()).toBe(0);
    expect(ctlLoad()).toBe(0);
    expect(ctlSeq).toBe(3);
    expect(ctlSlotState(1)).toBe(ST_PENDING);
    // Both copies of state 3 intact: nothing more to write.
    expect(ctlRefresh()).toBe(0);
    expect(ctlLoad()).toBe(0);
    expect(ctlSeq).toBe(3);
  });

  it("takes the floor as the largest over every valid record", () => {
    setup(0x50000);
    ctlLoad();
    ctlSetFloor(9);
    expect(ctlCommit(EV_FACTORY)).toBe(0);
    // A state written with a lower floor (as no correct writer does).
    ctlSetFloor(2);
    expect(ctlCommit(EV_FACTORY)).toBe(0);
    expect(ctlLoad()).toBe(0);
    expect(ctlFloor).toBe(9);
  });

  it("commit alone leaves only the new state", () => {
    setup(0x60000);
    ctlLoad();
    ctlSetSlotState(0, ST_PENDING);
    for (let i: i32 = 0; i < 70; i++) expect(ctlCommit(EV_FACTORY)).toBe(0);
    ctlSetPrimary(0);
    ctlSetSlotState(0, ST_CONFIRMED);
    expect(ctlCommitAlone(EV_FACTORY)).toBe(0);
    expect(ctlLoad()).toBe(0);
    expect(ctlSeq).toBe(71);
    expect(ctlSlotState(0)).toBe(ST_CONFIRMED);
    // Only two valid records remain in the whole log.
    expect(validRecords(0x60000)).toBe(2);
  });
});

describe("record log", () => {
  it("refuses to append before a load (the append point is unknown)", () => {
    const log = new RecordLog();
    log.configure(0x70000, 2, 4096, 32, 0x11223344, 2, -1);
    const rec = new Uint8Array(32);
    expect(log.append(rec)).toBeLessThan(0);
    expect(log.load()).toBe(0);
    expect(log.append(rec)).toBe(0);
    expect(log.newestCopies).toBe(2);
  });

  it("never splits the copies of one state across sectors", () => {
    const log = new RecordLog();
    log.configure(0x80000, 2, 4096, 32, 0x11223344, 2, -1);
    expect(log.load()).toBe(0);
    const rec = new Uint8Array(32);
    // Fill all but the last slot of sector 0 with single-copy records.
    const single = new RecordLog();
    single.configure(0x80000, 2, 4096, 32, 0x11223344, 1, -1);
    expect(single.load()).toBe(0);
    for (let i: i32 = 0; i < 127; i++) expect(single.append(rec)).toBe(0);
    expect(log.load()).toBe(0);
    expect(log.newestSeq).toBe(127);
    expect(log.append(rec)).toBe(0);
    expect(log.newestSeq).toBe(128);
    // Both copies went to sector 1; the last slot of sector 0 stays blank.
    const b = new Uint8Array(32);
    flashRead(0x80000 + 127 * 32, b, 0, 32);
    expect(b[0]).toBe(0xff);
    flashRead(0x81000 + 32, b, 0, 32);
    expect(b[0]).toBe(0x44);
  });
});

describe("boot decision", () => {
  it("with no record and no image stays in recovery", () => {
    setup(0x30000);
    expect(decideBoot(RESET_POWER_ON)).toBe(NO_SLOT);
    expect(bootReason).toBe(R_NO_BOOTABLE_IMAGE);
  });
});
