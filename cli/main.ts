// The slotboot command line. Verbs, flags and JSON keys are a contract that
// test rigs script against: add, never rename. docs/cli.md lists them, and
// cli/verbs.ts says which flags and operands each verb takes.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { CliError, UsageError, type Opts } from "./args.js";
import { Out, guardStdio, writeStderr, writeStdout } from "./out.js";
import { describeFsError, isFsError } from "./io.js";
import { allFlags, summaryUsage, usageLine, verbHelp, verbsOf, VERBS, type VerbSpec } from "./verbs.js";
import { imageCreate } from "./image-cmd.js";
import { keygen } from "./keys-cmd.js";
import { pack } from "./pack-cmd.js";
import { inspectCmd } from "./inspect-cmd.js";
import { verifyCmd } from "./verify-cmd.js";
import { serve } from "./serve-cmd.js";
import { gatewayCmd, linkKeygen } from "./gateway-cmd.js";
import { simBoot, simConfirm, simCorrupt, simCreate, simInstall, simReject, simStatus } from "./sim.js";
import { SlotbootError } from "../bindings/errors.js";
import { KeyError } from "../tools/keys.js";

type Run = (operands: string[], opts: Opts, out: Out) => Promise<void>;

const RUN: Record<string, Run> = {
  keygen: (_p, o, out) => keygen(o, out),
  "image create": (_p, o, out) => imageCreate(o, out),
  pack: (_p, o, out) => pack(o, out),
  inspect: (p, _o, out) => inspectCmd(p[0], out),
  verify: (p, o, out) => verifyCmd(p[0], o, out),
  "sim create": (p, o, out) => simCreate(p[0], o, out),
  "sim install": (p, o, out) => simInstall(p[0], p[1], o, out),
  "sim boot": (p, o, out) => simBoot(p[0], o, out),
  "sim confirm": (p, o, out) => simConfirm(p[0], o, out),
  "sim reject": (p, o, out) => simReject(p[0], o, out),
  "sim status": (p, o, out) => simStatus(p[0], o, out),
  "sim corrupt": (p, o, out) => simCorrupt(p[0], o, out),
  serve: (_p, o, out) => serve(o, out),
  gateway: (_p, o, out) => gatewayCmd(o, out),
  "link-keygen": (_p, o, out) => linkKeygen(o, out),
};

/** The usage text printed after a usage error: the verb's own line when the verb is known. */
class VerbUsageError extends UsageError {
  constructor(
    message: string,
    readonly verb: VerbSpec,
  ) {
    super(message);
  }
}

function parse(argv: string[]): { positionals: string[]; opts: Opts } {
  const options: Record<string, { type: "string" | "boolean"; short?: string }> = {};
  for (const f of allFlags().values()) options[f.name] = { type: f.arg ? "string" : "boolean" };
  options.help = { type: "boolean", short: "h" };
  try {
    const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    return { positionals, opts: values as Opts };
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

export function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version?: string };
    return pkg.version ?? "unknown";
  } catch {
    return "unknown";
  }
}

/** Which verb the positionals name; the rest are its operands. */
function findVerb(p: string[]): { verb: VerbSpec; operands: string[] } {
  const two = VERBS.find((v) => v.name === `${p[0]} ${p[1]}`);
  if (two) return { verb: two, operands: p.slice(2) };
  const one = VERBS.find((v) => v.name === p[0]);
  if (one) return { verb: one, operands: p.slice(1) };
  const under = verbsOf(p[0]);
  if (under.length && p.length === 1) throw new UsageError(`\`slotboot ${p[0]}\` needs a verb: ${under.map((v) => v.name.split(" ")[1]).join(", ")}`);
  throw new UsageError(`unknown command: ${p.join(" ")}`);
}

function checkVerbArgs(verb: VerbSpec, operands: string[], opts: Opts): void {
  for (const key of Object.keys(opts)) {
    if (key === "help" || opts[key] === undefined) continue;
    if (!verb.flags.some((f) => f.name === key))
      throw new VerbUsageError(`\`slotboot ${verb.name}\` does not take --${key}; \`slotboot ${verb.name} --help\` lists its flags`, verb);
  }
  const want = verb.operands;
  if (operands.length < want.length) {
    const missing = want[operands.length];
    throw new VerbUsageError(`missing operand ${missing.name}: ${missing.help}`, verb);
  }
  if (operands.length > want.length) {
    const extra = operands[want.length];
    const takes = want.length === 0 ? "takes no operands" : `takes ${want.map((o) => o.name).join(" ")} only`;
    throw new VerbUsageError(`unexpected operand ${JSON.stringify(extra)}: \`slotboot ${verb.name}\` ${takes}`, verb);
  }
  for (const [i, o] of operands.entries()) if (o === "") throw new VerbUsageError(`${want[i].name} is empty`, verb);
}

export async function main(argv: string[]): Promise<number> {
  guardStdio();
  let out = new Out(argv.includes("--json"));
  let current: VerbSpec | undefined; // once known, usage errors show this verb's usage line
  try {
    // `--version` alone (or with --json) is the program's version; after a verb it is an image version.
    if ((argv[0] === "--version" || argv[0] === "-V") && argv.slice(1).every((a) => a === "--json")) {
      const version = packageVersion();
      if (argv.includes("--json")) writeStdout(JSON.stringify({ name: "slotboot", version }) + "\n");
      else writeStdout(`slotboot ${version}\n`);
      return 0;
    }
    const { positionals: p, opts } = parse(argv);
    out = new Out(opts.json === true);
    if (p.length === 0) {
      writeStdout(summaryUsage() + "\n");
      return opts.help ? 0 : 2;
    }
    if (opts.help && p.length === 1 && verbsOf(p[0]).length) {
      writeStdout(verbsOf(p[0]).map((v) => usageLine(v)).join("\n") + `\n\n\`slotboot ${p[0]} VERB --help\` shows a verb's flags.\n`);
      return 0;
    }
    const { verb, operands } = findVerb(p);
    current = verb;
    if (opts.help) {
      writeStdout(verbHelp(verb) + "\n");
      return 0;
    }
    checkVerbArgs(verb, operands, opts);
    await RUN[verb.name](operands, opts, out);
    out.flush();
    return 0;
  } catch (e) {
    const [code, message, status] = describeFailure(e);
    // With --json, a failure still ends stdout with one JSON object.
    if (out.jsonMode && !out.hasPending()) {
      out.json({ result: "rejected", ok: false, error: code, message, ...(argv.includes("install") ? { resumeOffset: 0 } : {}) });
    }
    out.flush();
    if (code === "USAGE") {
      const verb = e instanceof VerbUsageError ? e.verb : current;
      const usage = verb ? `usage: ${usageLine(verb)}\n(\`slotboot ${verb.name} --help\` for details)` : summaryUsage();
      writeStderr(`slotboot: ${message}\n${usage}\n`);
    } else if (status === 70) {
      writeStderr(`slotboot: internal error: ${message}\n`);
    } else writeStderr(`slotboot: error ${code}: ${message}\n`);
    return status;
  }
}

/** A failure as [stable code, one-line message, exit status]. */
function describeFailure(e: unknown): [string, string, number] {
  if (e instanceof UsageError) return ["USAGE", e.message, 2];
  if (e instanceof CliError) return [e.code, e.message, e.exitCode];
  if (e instanceof SlotbootError) return [e.code, e.message, 1];
  if (e instanceof KeyError) return [e.code, e.message, 1];
  if (isFsError(e)) {
    const c = describeFsError(e);
    return [c.code, c.message, c.exitCode];
  }
  // A bug. The user gets one line; the stack is there for whoever debugs it.
  const first = String((e as Error)?.message ?? e).split("\n")[0];
  const stack = process.env.SLOTBOOT_DEBUG ? `\n${(e as Error)?.stack ?? ""}` : " (a bug: please report it; SLOTBOOT_DEBUG=1 shows where)";
  return ["INTERNAL", `${first}${stack}`, 70];
}
