// Placeholder: filled in by the ed25519 work.
export const ed25519ApiVersion: i32 = 0;
