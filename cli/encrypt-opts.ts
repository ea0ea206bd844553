// --encrypt DEVICE.pub (and --aes) for `image create` and `pack`: the X25519
// public key of the device, or of a device class, an update is encrypted for.
import { CliError, intOpt, type Opts } from "./args.js";
import { KeyError } from "../tools/keys.js";
import { readX25519PublicKey } from "../tools/x25519-keys.js";
import type { AesBits } from "../tools/encrypt.js";

export function encryptOpts(opts: Opts): { recipientPublic: Uint8Array; aes: AesBits } | undefined {
  if (opts.encrypt === undefined) {
    if (opts.aes !== undefined) throw new CliError("USAGE", "--aes goes with --encrypt DEVICE.pub", 2);
    return undefined;
  }
  if (typeof opts.encrypt !== "string") throw new CliError("USAGE", "--encrypt needs the device's X25519 public key file (PREFIX.pub from `keygen --type x25519`)", 2);
  const aes = intOpt(opts, "aes", 128, 128, 256);
  if (aes !== 128 && aes !== 256) throw new CliError("USAGE", "--aes must be 128 or 256", 2);
  try {
    return { recipientPublic: readX25519PublicKey(opts.encrypt), aes };
  } catch (e) {
    if (e instanceof KeyError) throw new CliError(e.code, e.message);
    throw e;
  }
}

/** An X25519 private key file as a CLI error on failure. */
export function readDecryptionKey(path: string, read: (p: string) => Uint8Array): Uint8Array {
  try {
    return read(path);
  } catch (e) {
    if (e instanceof KeyError) throw new CliError(e.code, e.message);
    throw e;
  }
}
