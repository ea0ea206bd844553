// Core-level specs for the boot-control log and the decision on an empty
// device, run in WASM against as-pect.config.js's RAM-backed NOR flash
// (4 KiB sectors, 1 MiB).
import { crc32 } from "../common/crc32";
import { configureLayout, NO_SLOT } from "../common/layout";
import { ctlConfigure, ctlLoad, ctlCommit, ctlSeq, ctlPrimary, ctlSlotState, ctlSetPrimary, ctlSetSlotState, ctlEraseCount, ST_CONFIRMED, ST_PENDING, EV_FACTORY } from "../boot/bootctl";
import { decideBoot, bootReason, R_NO_BOOTABLE_IMAGE, RESET_POWER_ON } from "../boot/boot";
import { mul32, clz32 } from "../common/int32";

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
    // 128 records fill a 4 KiB sector; 300 go around the ring twice.
    for (let i: u32 = 0; i < 300; i++) {
      ctlSetSlotState(0, u8(i % 5));
      expect(ctlCommit(EV_FACTORY)).toBe(0);
    }
    expect(ctlEraseCount()).toBe(2);
    expect(ctlLoad()).toBe(0);
    expect(ctlSeq).toBe(300);
    expect(ctlSlotState(0)).toBe(u8(299 % 5));
  });
});

describe("boot decision", () => {
  it("with no record and no image stays in recovery", () => {
    setup(0x30000);
    expect(decideBoot(RESET_POWER_ON)).toBe(NO_SLOT);
    expect(bootReason).toBe(R_NO_BOOTABLE_IMAGE);
  });
});
