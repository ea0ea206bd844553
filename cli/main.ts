// The slotboot command line. Verbs, flags and JSON keys are a contract that
// test rigs script against: add, never rename. docs/cli.md lists them.
import { parseArgs } from "node:util";
import { CliError, UsageError, type Opts } from "./args.js";
import { Out } from "./out.js";
import { imageCreate } from "./image-cmd.js";
import { simBoot, simConfirm, simCorrupt, simCreate, simInstall, simReject, simStatus } from "./sim.js";
import { SlotbootError } from "../bindings/errors.js";

const USAGE = `usage:
  slotboot image create --in FIRMWARE.bin --version 1.2.3 --out FIRMWARE.img [--header-size N]
  slotboot sim create DEVICE --image FILE.img [--slot-size BYTES] [--sector-size BYTES] [--write-size BYTES] [--max-attempts N] [--max-power-attempts N] [--core wasm|js]
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
];

function parse(argv: string[]): { positionals: string[]; opts: Opts } {
  const options: Record<string, { type: "string" | "boolean"; short?: string }> = {};
  for (const o of STRING_OPTS) options[o] = { type: "string" };
  options.json = { type: "boolean" };
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

export async function main(argv: string[]): Promise<number> {
  let out = new Out(argv.includes("--json"));
  try {
    const { positionals: p, opts } = parse(argv);
    out = new Out(opts.json === true);
    if (opts.help || p.length === 0) {
      process.stdout.write(USAGE + "\n");
      return p.length === 0 && !opts.help ? 2 : 0;
    }
    const verb = `${p[0]} ${p[1] ?? ""}`.trim();
    switch (verb) {
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
    out.flush();
    if (e instanceof UsageError) {
      process.stderr.write(`slotboot: ${e.message}\n${USAGE}\n`);
      return 2;
    }
    if (e instanceof CliError) {
      process.stderr.write(`slotboot: error ${e.code}: ${e.message}\n`);
      return e.exitCode;
    }
    if (e instanceof SlotbootError) {
      process.stderr.write(`slotboot: error ${e.code}: ${e.message}\n`);
      return 1;
    }
    if (e instanceof TypeError || e instanceof RangeError) {
      process.stderr.write(`slotboot: error BAD_ARGUMENT: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`slotboot: internal error: ${(e as Error)?.stack ?? e}\n`);
    return 70;
  }
}
