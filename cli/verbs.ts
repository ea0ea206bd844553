// Every verb: its operands, the flags it takes (anything else is a usage
// error), and the words of `slotboot VERB --help`. The usage summary is built
// from this table, so help and parsing cannot drift apart.

export interface FlagSpec {
  name: string;
  /** The value's placeholder; absent for a switch. */
  arg?: string;
  /** Shown without [brackets] in the usage line. */
  required?: boolean;
  help: string;
}

export interface VerbSpec {
  name: string;
  operands: Array<{ name: string; help: string }>;
  flags: FlagSpec[];
  summary: string;
}

const json: FlagSpec = { name: "json", help: "print one JSON object as the last line of stdout (human text goes to stderr)" };
const force: FlagSpec = { name: "force", help: "replace an existing output file (never a link, a device or a read-only file)" };
const cut: FlagSpec = { name: "cut-after-ops", arg: "N", help: "cut power during flash operation N+1 (exit 3, the torn state is kept)" };
const lockTimeout: FlagSpec = {
  name: "lock-timeout",
  arg: "SECONDS",
  help: "wait this long for a device another slotboot command is using (default 30; then exit 75, DEVICE_BUSY)",
};
const device = { name: "DEVICE", help: "the device file (made by `slotboot sim create`)" };
const vendor = (what: string): FlagSpec => ({ name: "vendor", arg: "UUID", help: `vendor ID ${what}` });
const klass = (what: string): FlagSpec => ({ name: "class", arg: "UUID", help: `device class ID ${what}` });

export const VERBS: VerbSpec[] = [
  {
    name: "keygen",
    operands: [],
    flags: [
      { name: "out", arg: "PREFIX", required: true, help: "write PREFIX.key (private, mode 0600) and PREFIX.pub (public)" },
      { name: "type", arg: "TYPE", help: "ed25519 (default) or ecdsa-p256: a signing key; x25519: a device's decryption key for encrypted updates" },
      force,
      json,
    ],
    summary: "Make an Ed25519 or ECDSA P-256 signing key pair, or an X25519 device decryption key pair (PKCS#8 and SubjectPublicKeyInfo PEM, as openssl and imgtool use).",
  },
  {
    name: "image create",
    operands: [],
    flags: [
      { name: "in", arg: "FIRMWARE.bin", required: true, help: "the raw firmware binary" },
      { name: "version", arg: "1.2.3", required: true, help: "image version: major.minor.revision[+build]" },
      { name: "out", arg: "FIRMWARE.img", required: true, help: "where to write the image (refused if it exists, unless --force)" },
      { name: "header-size", arg: "N", help: "image header size (default 0x200)" },
      { name: "key", arg: "PREFIX.key", help: "sign the image with this private key" },
      { name: "security-counter", arg: "N", help: "add a SEC_CNT TLV (anti-rollback counter)" },
      vendor("TLV"),
      klass("TLV"),
      { name: "hw-rev-min", arg: "N", help: "add a HW_REVISION TLV: lowest hardware revision (default 0)" },
      { name: "hw-rev-max", arg: "N", help: "add a HW_REVISION TLV: highest hardware revision (default 65535)" },
      { name: "min-bootloader", arg: "x.y.z", help: "add a MIN_BOOTLOADER TLV: oldest bootloader that may take it" },
      { name: "encrypt", arg: "DEVICE.pub", help: "encrypt the body for this X25519 key, as imgtool --encrypt (ENC_X25519 TLV)" },
      { name: "aes", arg: "128|256", help: "with --encrypt: the AES key size (default 128)" },
      force,
      json,
    ],
    summary: "Wrap a raw binary in an MCUboot image (SHA-256 TLV; Ed25519 or ECDSA P-256 signature with --key).",
  },
  {
    name: "pack",
    operands: [],
    flags: [
      { name: "key", arg: "PREFIX.key", required: true, help: "the private key that signs the image and the manifest" },
      { name: "in", arg: "FIRMWARE.bin|FIRMWARE.img", required: true, help: "raw firmware, or a signed MCUboot image packed as is" },
      { name: "out", arg: "UPDATE.pkg", required: true, help: "where to write the package (refused if it exists, unless --force)" },
      { name: "version", arg: "1.2.3", help: "image version (required for raw firmware)" },
      { name: "security-counter", arg: "N", help: "anti-rollback counter (default 0)" },
      vendor("the device checks"),
      klass("the device checks"),
      { name: "compress", arg: "rc|heatshrink", help: "encoding 1: compressed image" },
      { name: "base", arg: "OLD.img", help: "encoding 2: a delta from this image" },
      { name: "block-size", arg: "N", help: "chain block size, a power of two 256…65536 (default 4096)" },
      { name: "hw-rev-min", arg: "N", help: "lowest hardware revision, in the manifest and the image's HW_REVISION TLV (default 0)" },
      { name: "hw-rev-max", arg: "N", help: "highest hardware revision, in the manifest and the image's HW_REVISION TLV (default 65535)" },
      { name: "min-bootloader", arg: "x.y.z", help: "oldest bootloader that may take it, in the manifest and the image's MIN_BOOTLOADER TLV" },
      { name: "header-size", arg: "N", help: "image header size (default 0x200)" },
      { name: "image-out", arg: "FILE.img", help: "also write the signed image (the base of a later delta)" },
      { name: "encrypt", arg: "DEVICE.pub", help: "encrypt the payload end to end for this X25519 key (a device's or a device class's)" },
      { name: "aes", arg: "128|256", help: "with --encrypt: the AES key size (default 128)" },
      force,
      json,
    ],
    summary: "Build a signed image and a signed update package (raw, compressed or delta).",
  },
  {
    name: "inspect",
    operands: [{ name: "FILE", help: "the package or image to show" }],
    flags: [json],
    summary: "Show every field of a package or an image, without judging trust.",
  },
  {
    name: "verify",
    operands: [{ name: "FILE", help: "the package or image to verify" }],
    flags: [
      { name: "pub", arg: "PREFIX.pub", required: true, help: "the public key the device trusts" },
      { name: "base", arg: "OLD.img", help: "the base image, to check a delta package fully" },
      { name: "hw-rev", arg: "N", help: "the device's hardware revision (without it the hardware range is not checked)" },
      { name: "bootloader", arg: "x.y.z", help: "the device's bootloader version (without it the minimum is not checked)" },
      json,
    ],
    summary: "Make every check a device with that key makes; exit 0 only when all pass.",
  },
  {
    name: "sim create",
    operands: [{ name: "DEVICE", help: "the device file to create (refused if it exists, unless --force)" }],
    flags: [
      { name: "image", arg: "FILE.img|UPDATE.pkg", required: true, help: "the factory image for slot A (an image or a full package)" },
      { name: "pub", arg: "PREFIX.pub", help: "the device trusts only images and packages signed by this key" },
      vendor("the device checks"),
      klass("the device checks"),
      { name: "hw-rev", arg: "N", help: "the device's hardware revision (default 0)" },
      { name: "slot-size", arg: "BYTES", help: "slot size (default 1 MiB)" },
      { name: "sector-size", arg: "BYTES", help: "erase sector size, a power of two (default 4096)" },
      { name: "write-size", arg: "BYTES", help: "program unit: 1, 4, 8 or 16 (default 4)" },
      { name: "max-attempts", arg: "N", help: "watchdog/panic resets a trial may take (default 3)" },
      { name: "max-power-attempts", arg: "N", help: "power resets a trial may take (default 10)" },
      { name: "core", arg: "wasm|js", help: "boot core build (default wasm)" },
      { name: "enc-key", arg: "KEY.pem", help: "the device's X25519 private key: it then takes encrypted images and packages" },
      force,
      lockTimeout,
      json,
    ],
    summary: "Create a simulated device file: slot A holds the factory image, confirmed.",
  },
  {
    name: "sim install",
    operands: [device, { name: "FILE", help: "the image (.img) or update package (.pkg) to install" }],
    flags: [{ name: "chunk", arg: "BYTES", help: "bytes per write (default 4096)" }, cut, lockTimeout, json],
    summary: "Stream an image or a package into the inactive slot; an interrupted package install resumes.",
  },
  {
    name: "sim boot",
    operands: [device],
    flags: [
      { name: "app", arg: "ok|noconfirm|hang|crash", help: "how the booted image behaves (default ok)" },
      { name: "reset", arg: "power|watchdog|software|brownout", help: "reset reason (default: how the last run ended)" },
      cut,
      lockTimeout,
      json,
    ],
    summary: "One power-up: the bootloader decides, the chosen image runs. Exit 4 when nothing boots.",
  },
  {
    name: "sim confirm",
    operands: [device],
    flags: [cut, lockTimeout, json],
    summary: "The running application confirms its trial image.",
  },
  {
    name: "sim reject",
    operands: [device],
    flags: [cut, lockTimeout, json],
    summary: "The running application rejects its trial image: the next boot rolls back.",
  },
  {
    name: "sim status",
    operands: [device],
    flags: [lockTimeout, json],
    summary: "Show the slots, the trial, the anti-rollback floor and the layout.",
  },
  {
    name: "sim corrupt",
    operands: [device],
    flags: [
      { name: "slot", arg: "A|B", required: true, help: "the slot" },
      { name: "offset", arg: "N", required: true, help: "byte offset from the start of the slot" },
      { name: "bit", arg: "B", help: "bit 0…7 (default 0)" },
      lockTimeout,
      json,
    ],
    summary: "Flip one bit of a slot (bit rot), through the tool so the device file stays valid.",
  },
  {
    name: "serve",
    operands: [],
    flags: [
      { name: "config", arg: "FLEET.json", help: "devices, packages and rollouts to load: { devices: [{ controllerId, token?, group? }], packages: [{ file, version }], rollouts: [{ package, group }] }" },
      { name: "dir", arg: "DIR", help: "where to write ca.pem and packages/<sha256> (default: a new temporary folder)" },
      { name: "port", arg: "N", help: "TCP port on 127.0.0.1 (default: any free port)" },
      { name: "poll", arg: "SECONDS", help: "config.polling.sleep the devices get (default 300)" },
      { name: "gateway-token", arg: "TOKEN", help: "accept Authorization: GatewayToken TOKEN for any device of the tenant" },
      json,
    ],
    summary: "Run a local hawkBit-compatible (DDI) update server over HTTPS on loopback, with a throwaway CA.",
  },
  {
    name: "gateway",
    operands: [],
    flags: [
      { name: "upstream", arg: "URL", required: true, help: "the update server's base URL (slotboot serve's, or hawkBit's)" },
      { name: "gateway-token", arg: "TOKEN", required: true, help: "the tenant's GatewayToken, sent upstream for every device" },
      { name: "link-key", arg: "FILE", required: true, help: "the gateway's link secret key (64 hex digits, from `slotboot link-keygen`)" },
      { name: "devices", arg: "FILE", required: true, help: 'provisioned devices: { "devices": [ { "controllerId", "linkPublicKey" } ] }' },
      { name: "ca", arg: "FILE", help: "PEM CA certificate to trust upstream (slotboot serve's ca.pem; default: the system's)" },
      { name: "tenant", arg: "NAME", help: "DDI tenant (default DEFAULT)" },
      { name: "port", arg: "N", help: "TCP port of the local link on 127.0.0.1 (default: any free port)" },
      { name: "cache", arg: "DIR", help: "keep cached packages here, named by SHA-256 (default: memory only)" },
      { name: "poll", arg: "SECONDS", help: "check the update server for every device this often (default 60; 0 = only when devices ask)" },
      json,
    ],
    summary: "Relay DDI for edge devices without internet over the secure local link, caching packages checked against their hashes.",
  },
  {
    name: "link-keygen",
    operands: [],
    flags: [{ name: "out", arg: "PREFIX", required: true, help: "write PREFIX.link.key (secret, mode 0600) and PREFIX.link.pub (public), hex" }, force, json],
    summary: "Make an X25519 key pair for the gateway's local link (one for the gateway, one per device).",
  },
];

/** Every flag any verb takes: the parser's option table. */
export function allFlags(): Map<string, FlagSpec> {
  const m = new Map<string, FlagSpec>();
  for (const v of VERBS) for (const f of v.flags) m.set(f.name, f);
  return m;
}

export function usageLine(v: VerbSpec): string {
  const parts = [`slotboot ${v.name}`, ...v.operands.map((o) => o.name)];
  for (const f of v.flags) {
    const text = f.arg ? `--${f.name} ${f.arg}` : `--${f.name}`;
    parts.push(f.required ? text : `[${text}]`);
  }
  return parts.join(" ");
}

export function summaryUsage(): string {
  return [
    "usage:",
    ...VERBS.map((v) => `  ${usageLine(v)}`),
    "",
    "slotboot VERB --help shows a verb's flags; slotboot --version the version. Exit status: see docs/cli.md.",
  ].join("\n");
}

export function verbHelp(v: VerbSpec): string {
  const rows: Array<[string, string]> = [
    ...v.operands.map((o): [string, string] => [o.name, o.help]),
    ...v.flags.map((f): [string, string] => [f.arg ? `--${f.name} ${f.arg}` : `--${f.name}`, f.help]),
    ["-h, --help", "show this help"],
  ];
  const width = Math.min(34, Math.max(...rows.map(([k]) => k.length)));
  const lines = [`usage: ${usageLine(v)}`, "", v.summary, ""];
  for (const [k, text] of rows) lines.push(k.length > width ? `  ${k}\n  ${" ".repeat(width)}  ${text}` : `  ${k.padEnd(width)}  ${text}`);
  lines.push("", "Exit status: 0 done, 1 refused (slotboot: error CODE: …), 2 usage, 3 power cut, 4 nothing boots (sim boot),", "70 internal error, 75 device busy. Details: docs/cli.md.");
  return lines.join("\n");
}

/** The verbs under a noun ("sim" → sim create, sim install, …). */
export function verbsOf(noun: string): VerbSpec[] {
  return VERBS.filter((v) => v.name.startsWith(`${noun} `));
}
