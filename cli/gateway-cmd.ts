// `slotboot gateway`: relay DDI for edge devices without internet — poll the
// update server with the GatewayToken on their behalf, cache packages checked
// against the deployment's hashes, and serve the devices over the secure local
// link (TCP on loopback here; docs/transport-gateway.md).
// `slotboot link-keygen`: an X25519 key pair for the local link (gateway or device).
import { resolve } from "node:path";
import { x25519 } from "@noble/curves/ed25519.js";
import { CliError, intOpt, need, type Opts } from "./args.js";
import type { Out } from "./out.js";
import { checkOutput, writeOutput } from "./safe-write.js";
import { readInput } from "./io.js";
import { runGateway } from "../ota/gateway/run-gateway.js";
import { DeviceKeysError, parseDeviceKeys } from "../ota/gateway/device-keys.js";
import { makeLinkKeyPair } from "../ota/link/noble-link-crypto.js";

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

/** A small text input (key, device list, CA), with the CLI's usual file errors. */
function readText(path: string, what: string): string {
  const limit = { max: 1 << 20, error: () => new CliError("INPUT_TOO_LARGE", `${what} ${path} is larger than 1 MiB; is it the right file?`) };
  return new TextDecoder().decode(readInput(path, what, limit));
}

/** A link secret file: 64 hex digits (made by `slotboot link-keygen`). */
export function readLinkSecret(path: string): Uint8Array {
  const text = readText(path, "link key").trim().toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(text)) throw new CliError("BAD_LINK_KEY", `link key ${path} must hold 64 hex digits (an X25519 secret from \`slotboot link-keygen\`)`);
  return Uint8Array.from(Buffer.from(text, "hex"));
}

export async function linkKeygen(opts: Opts, out: Out): Promise<void> {
  const prefix = need(opts, "out", "the path prefix of the link key pair (writes PREFIX.link.key and PREFIX.link.pub)");
  const keyPath = `${prefix}.link.key`;
  const pubPath = `${prefix}.link.pub`;
  const force = opts.force === true;
  checkOutput(keyPath, { what: "link secret key", force });
  checkOutput(pubPath, { what: "link public key", force });
  const pair = makeLinkKeyPair();
  writeOutput(keyPath, hex(pair.secretKey) + "\n", { what: "link secret key", force, exactMode: 0o600 });
  writeOutput(pubPath, hex(pair.publicKey) + "\n", { what: "link public key", force });
  out.human(`wrote ${keyPath} (secret, keep it on this gateway or device) and ${pubPath} (public: provision it on the other side)`);
  out.json({ private: keyPath, public: pubPath, publicKey: hex(pair.publicKey) });
}

export async function gatewayCmd(opts: Opts, out: Out): Promise<void> {
  const upstreamUrl = need(opts, "upstream", "the update server's base URL, e.g. https://127.0.0.1:8443");
  const token = need(opts, "gateway-token", "the tenant's GatewayToken");
  const linkSecret = readLinkSecret(need(opts, "link-key", "the gateway's link secret key (from `slotboot link-keygen`)"));
  const devicesPath = need(opts, "devices", 'the provisioned devices: { "devices": [ { "controllerId", "linkPublicKey" } ] }');
  let devices: Map<string, string>;
  try {
    devices = parseDeviceKeys(readText(devicesPath, "device list"));
  } catch (error) {
    if (error instanceof DeviceKeysError) throw new CliError(error.code, `${devicesPath}: ${error.message}`);
    throw error;
  }
  const running = await runGateway({
    upstreamUrl,
    ca: typeof opts.ca === "string" ? readText(opts.ca, "CA certificate") : undefined,
    gatewayToken: token,
    tenant: typeof opts.tenant === "string" ? opts.tenant : undefined,
    linkSecret,
    devices,
    linkPort: intOpt(opts, "port", 0, 0, 65_535),
    cacheDirectory: typeof opts.cache === "string" ? resolve(opts.cache) : undefined,
    pollSeconds: intOpt(opts, "poll", 60, 0, 86_400),
  });
  const publicKey = hex(x25519.getPublicKey(linkSecret));
  out.human(`slotboot gateway: local link on tcp://127.0.0.1:${running.link.port} for ${devices.size} device(s), upstream ${upstreamUrl}`);
  out.human(`  gateway link public key (provision it in the devices): ${publicKey}`);
  out.human("  Ctrl-C stops");
  out.json({ linkPort: running.link.port, linkPublicKey: publicKey, devices: devices.size, upstream: upstreamUrl });
  out.flush();
  await new Promise<void>((done) => {
    const stop = () => void running.close().then(done);
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
}
