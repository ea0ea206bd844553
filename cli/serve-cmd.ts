// `slotboot serve`: a local DDI (hawkBit-compatible) update server over HTTPS
// on loopback, with a throwaway CA made at start, for rigs, tests and the
// demo. A JSON file registers devices, uploads packages and assigns rollouts;
// the admin API (printed at start) does the same while it runs.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { intOpt, UsageError, type Opts } from "./args.js";
import type { Out } from "./out.js";
import { UpdateServer } from "../ota/server/server.js";

interface FleetFile {
  tenant?: string;
  pollSeconds?: number;
  devices?: Array<{ controllerId: string; token?: string; group?: string }>;
  packages?: Array<{ file: string; version: string; filename?: string }>;
  rollouts?: Array<{ package: string; group?: string; name?: string }>;
}

function readFleetFile(path: string): FleetFile {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as FleetFile;
  } catch (e) {
    throw new UsageError(`--config ${path}: ${(e as Error).message}; it must be JSON: { devices: [{ controllerId, token?, group? }], packages: [{ file, version }], rollouts: [{ package, group }] }`);
  }
}

export async function serve(opts: Opts, out: Out): Promise<void> {
  const config = typeof opts.config === "string" ? readFleetFile(opts.config) : {};
  const directory = typeof opts.dir === "string" ? resolve(opts.dir) : mkdtempSync(join(tmpdir(), "slotboot-serve-"));
  const server = new UpdateServer({
    tenant: config.tenant,
    pollSeconds: intOpt(opts, "poll", config.pollSeconds ?? 300, 1, 86_400),
    gatewayToken: typeof opts["gateway-token"] === "string" ? opts["gateway-token"] : undefined,
    directory,
  });
  const base = typeof opts.config === "string" ? dirname(resolve(opts.config)) : process.cwd();
  const byFile = new Map<string, string>();
  for (const device of config.devices ?? []) server.fleet.registerDevice(device.controllerId, device);
  for (const entry of config.packages ?? []) {
    const stored = server.fleet.addPackage(new Uint8Array(readFileSync(resolve(base, entry.file))), entry);
    server.storePackageFile(stored.sha256);
    byFile.set(entry.file, stored.sha256);
  }
  for (const rollout of config.rollouts ?? []) server.fleet.createRollout(byFile.get(rollout.package) ?? rollout.package, rollout.group ?? "default", rollout.name);
  const url = await server.listen(intOpt(opts, "port", 0, 0, 65_535), "127.0.0.1");
  out.human(`slotboot serve: DDI API at ${url}/${server.settings.tenant}/controller/v1/<controllerId>`);
  out.human(`  trust this CA: ${server.caPath}`);
  out.human(`  admin API: ${url}/admin/{state,devices,packages?version=,rollouts,actions/ID/cancel} with Authorization: Bearer ${server.adminToken}`);
  out.human(`  ${server.fleet.devices.size} device(s), ${server.fleet.packages.size} package(s), ${server.fleet.actions.size} action(s); Ctrl-C stops`);
  out.json({ url, tenant: server.settings.tenant, caPath: server.caPath, adminToken: server.adminToken, directory });
  out.flush();
  await new Promise<void>((done) => {
    const stop = () => void server.close().then(done);
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
}
