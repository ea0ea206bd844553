// Placeholder: filled in by the hash work.
export const hashApiVersion: i32 = 0;
