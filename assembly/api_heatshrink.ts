// Placeholder: filled in by the heatshrink work.
export const heatshrinkApiVersion: i32 = 0;
