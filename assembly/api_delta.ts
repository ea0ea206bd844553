// Placeholder: filled in by the delta work.
export const deltaApiVersion: i32 = 0;
