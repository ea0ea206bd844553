// Names for the numbers the boot core uses (assembly/boot.ts, bootctl.ts).

export type SlotName = "A" | "B";
export type ResetReason = "power" | "watchdog" | "software" | "brownout";
export type SlotStateName = "empty" | "invalid" | "pending" | "trial" | "confirmed" | "rejected";

export const SLOT_NAMES: readonly SlotName[] = ["A", "B"];
export const RESET_CODES: Record<ResetReason, number> = { power: 0, watchdog: 1, software: 2, brownout: 3 };

export const STORED_STATES: readonly SlotStateName[] = ["empty", "pending", "trial", "confirmed", "rejected"];

export const BOOT_REASONS: Record<number, string> = {
  1: "confirmed",
  2: "trial-start",
  3: "trial-continue",
  4: "trial-retry",
  5: "rollback-attempts",
  6: "rollback-power",
  7: "pending-invalid",
  8: "trial-invalid",
  10: "primary-invalid-fallback",
  11: "factory-adopt",
  12: "no-bootable-image",
  13: "flash-fault",
  14: "rollback-rejected",
};

export const EVENTS: Record<number, string> = {
  0: "none",
  1: "factory",
  2: "install-begin",
  3: "installed",
  4: "trial-boot",
  5: "confirmed",
  6: "rejected",
  7: "rolled-back",
  8: "fallback",
};

export function slotName(slot: number): SlotName | null {
  return slot === 0 ? "A" : slot === 1 ? "B" : null;
}

export function slotIndex(name: string): number {
  const i = SLOT_NAMES.indexOf(name.toUpperCase() as SlotName);
  if (i < 0) throw new TypeError(`slot must be A or B, not ${JSON.stringify(name)}`);
  return i;
}
