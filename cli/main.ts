// The slotboot command line. Verbs, flags and JSON keys are a contract that
// test rigs script against: add, never rename. docs/cli.md lists them.
import { parseArgs } from "node:util";
import { CliError, UsageError, type Opts } from "./args.js";
import { Out } from "./out.js";
import { imageCreate } from "./image-cmd.js";
import { keygen } from "./keys-cmd.js";
import { pack } from "./pack-cmd.js";
import { inspectCmd } from "./inspect-cmd.js";
import { verifyCmd } from "./verify-cmd.js";
import { simBoot, simConfirm, simCorrupt, simCreate, simInstall, simReject, simStatus } from "./sim.js";
import { SlotbootError } from "../bindings/errors.js";

const USAGE = `usage:
  slotboot keygen --out PREFIX [--force]
  slotboot image create --in FIRMWARE.bin --version 1.2.3 --out FIRMWARE.img [--header-size N] [--key PREFIX.key] [--security-counter N] [--vendor UUID] [--class UUID]
  slotboot pack --key PREFIX.key --in FIRMWARE.bin|FIRMWARE.img --out UPDATE.pkg [--version 1.2.3] [--security-counter N] [--vendor UUID] [--class UUID]
                [--compress rc|heatshrink] [--base OLD.img] [--block-size N] [--hw-rev-min N] [--hw-rev-max N] [--min-bootloader x.y.z] [--header-size N] [--image-out FILE.img] [--json]
  slotboot inspect FILE [--json]
  slotboot verify FILE --pub PREFIX.pub [--base OLD.img] [--json]
  slotboot sim create DEVICE --image FILE.img|UPDATE.pkg [--pub PREFIX.pub] [--vendor UUID] [--class UUID] [--hw-rev N] [--slot-size BYTES] [--sector-size BYTES] [--write-size BYTES] [--max-attempts N] [--max-power-attempts N] [--core wasm|js]
  slotboot sim install DEVICE FILE [--chunk BYTES] [--cut-after-ops N] [--json]
  slotboot sim boot DEVICE [--app ok|noconfirm|hang|crash] [--reset power|watchdog|software|brownout] [--cut-after-ops N] [--json]
  slotboot sim confirm DEVICE [--cut-after-ops N] [--json]
  slotboot sim reject DEVICE [--cut-after-ops N] [--json]
  slotboot sim status DEVICE [--json]
  slotboot sim corrupt DEVICE --slot A|B --offset N [--bit B] [--json]`;

const STRING_OPTS = [
  "in", "out", "version", "header-size", "image", "slot-size", "sector-size", "write-size", "max-attempts",
  "max-power-attempts", "core", "chunk", "cut-after-ops", "app", "reset", "slot", "offset", "bit",
  "key", "pub", "security-counter", "vendor", "class", "base", "compress",
  "block-size", "hw-rev-min", "hw-rev-max", "min-bootloader", "image-out", "hw-rev",
];

function parse(argv: string[]): { positionals: string[]; opts: Opts } {
  const options: Record<string, { type: "string" | "boolean"; short?: string }> = {};
  for (const o of STRING_OPTS) options[o] = { type: "string" };
  options.json = { type: "boolean" };
  options.force = { type: "boolean" };
  options.help = { type: "boolean", short: "h" };
  try {
    const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    return { positionals, opts: values as Opts };
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

function arg(p: string[], i: number, what: string): string {
  if (!p[i]) throw new UsageError(`missing ${what}`);
  return p[i];
}

function noOperands(p: string[], n: number): void {
  if (p.length > n) throw new UsageError(`unexpected operand ${JSON.stringify(p[n])} after \`${p.slice(0, n).join(" ")}\``);
}

export async function main(argv: string[]): Promise<number> {
  let out = new Out(argv.includes("--json"));
  try {
    const { positionals: p, opts } = parse(argv);
    out = new Out(opts.json === true);
    if (opts.help || p.length === 0) {
      process.stdout.write(USAGE + "\n");
      return p.length === 0 && !opts.help ? 2 : 0;
    }
    // One-word verbs take their operands right after the verb; the rest are "noun verb".
    const single = ["keygen", "pack", "inspect", "verify"].includes(p[0]);
    const verb = single ? p[0] : `${p[0]} ${p[1] ?? ""}`.trim();
    switch (verb) {
      case "keygen":
        noOperands(p, 1);
        await keygen(opts, out);
        break;
      case "pack":
        noOperands(p, 1);
        await pack(opts, out);
        break;
      case "inspect":
        noOperands(p, 2);
        await inspectCmd(arg(p, 1, "FILE (the package or image to inspect)"), out);
        break;
      case "verify":
        noOperands(p, 2);
        await verifyCmd(arg(p, 1, "FILE (the package or image to verify)"), opts, out);
        break;
      case "image create":
        await imageCreate(opts, out);
        break;
      case "sim create":
        await simCreate(arg(p, 2, "DEVICE (the device file to create)"), opts, out);
        break;
      case "sim install":
        await simInstall(arg(p, 2, "DEVICE"), arg(p, 3, "FILE (the image or package to install)"), opts, out);
        break;
      case "sim boot":
        await simBoot(arg(p, 2, "DEVICE"), opts, out);
        break;
      case "sim confirm":
        await simConfirm(arg(p, 2, "DEVICE"), opts, out);
        break;
      case "sim reject":
        await simReject(arg(p, 2, "DEVICE"), opts, out);
        break;
      case "sim status":
        await simStatus(arg(p, 2, "DEVICE"), opts, out);
        break;
      case "sim corrupt":
        await simCorrupt(arg(p, 2, "DEVICE"), opts, out);
        break;
      default:
        throw new UsageError(`unknown command: ${p.join(" ")}`);
    }
    out.flush();
    return 0;
  } catch (e) {
    const [code, message, status] = describeFailure(e);
    // With --json, a failure still ends stdout with one JSON object.
    if (out.jsonMode && !out.hasPending()) {
      out.json({ result: "rejected", ok: false, error: code, message, ...(argv.includes("install") ? { resumeOffset: 0 } : {}) });
    }
    out.flush();
    if (code === "USAGE") process.stderr.write(`slotboot: ${message}\n${USAGE}\n`);
    else if (status === 70) process.stderr.write(`slotboot: internal error: ${message}\n`);
    else process.stderr.write(`slotboot: error ${code}: ${message}\n`);
    return status;
  }
}

/** A failure as [stable code, message, exit status]. */
function describeFailure(e: unknown): [string, string, number] {
  if (e instanceof UsageError) return ["USAGE", e.message, 2];
  if (e instanceof CliError) return [e.code, e.message, e.exitCode];
  if (e instanceof SlotbootError) return [e.code, e.message, 1];
  if (e instanceof TypeError || e instanceof RangeError) return ["BAD_ARGUMENT", e.message, 2];
  return ["INTERNAL", String((e as Error)?.stack ?? e), 70];
}
