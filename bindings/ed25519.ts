// Host side of the core's Ed25519 verification: copies the key and signature
// into the exchange buffer, streams the message through it, and reads the
// verdict. Both core builds share this path. The acceptance rule (strict
// RFC 8032 encodings, small-order keys refused, cofactored equation) is the
// core's; see docs/crypto-ed25519.md.
import type { Core } from "./core.js";
import { statusesOf } from "./status-table.js";

export const ED25519_PUBLIC_KEY_BYTES = 32;
export const ED25519_SIGNATURE_BYTES = 64;

const edStatus = (core: string): number => statusesOf("ed25519").find((e) => e.core === core)!.status;

/** ed25519VerifyBegin() results of assembly/crypto/ed25519.ts, from the status table (scope "ed25519"). */
export const ED25519_BEGIN_STATUS = {
  OK: 0,
  BAD_KEY: edStatus("ED_BAD_KEY"),
  SMALL_ORDER_KEY: edStatus("ED_SMALL_ORDER_KEY"),
  BAD_R: edStatus("ED_BAD_R"),
  BAD_S: edStatus("ED_BAD_S"),
} as const;

function requireBytes(name: string, v: unknown): Uint8Array {
  if (!(v instanceof Uint8Array)) throw new TypeError(`ed25519VerifyWith: ${name} must be a Uint8Array`);
  return v;
}

/**
 * Whether `signature` is a valid Ed25519 signature of `message` under
 * `publicKey`, computed by `core`. Wrong lengths and malformed keys or
 * signatures give false; only arguments that are not Uint8Arrays throw.
 */
export function ed25519VerifyWith(
  core: Core,
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  requireBytes("publicKey", publicKey);
  requireBytes("message", message);
  requireBytes("signature", signature);
  if (publicKey.length !== ED25519_PUBLIC_KEY_BYTES || signature.length !== ED25519_SIGNATURE_BYTES) return false;
  const e = core.exports;
  let io = core.io();
  io.set(publicKey, 0);
  io.set(signature, ED25519_PUBLIC_KEY_BYTES);
  if ((e.ed25519VerifyBegin() as number) < 0) return false;
  const step = io.length;
  for (let off = 0; off < message.length; off += step) {
    const part = message.subarray(off, Math.min(message.length, off + step));
    io = core.io();
    io.set(part, 0);
    e.ed25519VerifyUpdate(part.length);
  }
  return (e.ed25519VerifyFinish() as number) === 1;
}
