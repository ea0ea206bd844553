// File access for the CLI with errors that name the file and the fix, and
// atomic replacement of device files (a crash mid-save keeps the old file).
import { readFileSync, writeFileSync, renameSync, existsSync, statSync } from "node:fs";
import { CliError } from "./args.js";
import { SimDevice, DeviceFileError } from "../bootloader-sim/device.js";

export function readInput(path: string, what: string): Uint8Array {
  if (!existsSync(path)) throw new CliError("FILE_NOT_FOUND", `${what} ${path} does not exist; check the path`);
  if (statSync(path).isDirectory()) throw new CliError("FILE_NOT_FOUND", `${what} ${path} is a directory; pass a file`);
  return new Uint8Array(readFileSync(path));
}

export function writeOutput(path: string, bytes: Uint8Array | string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, path);
}

export function loadDevice(path: string): SimDevice {
  const bytes = readInput(path, "device file");
  try {
    return SimDevice.deserialize(bytes);
  } catch (e) {
    if (e instanceof DeviceFileError) throw new CliError(e.code, `${path}: ${e.message}`);
    throw e;
  }
}

export function saveDevice(path: string, dev: SimDevice): void {
  writeOutput(path, dev.serialize());
}
