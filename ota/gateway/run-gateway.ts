// `slotboot gateway` as a library: the upstream DDI transport with the
// GatewayToken, the package cache, the Gateway, its local link over TCP, and
// a poller that checks the cloud for each provisioned device on its behalf
// (so a package is cached before a sleeping device wakes up).
import https from "node:https";
import { HttpsTransport } from "../ddi/https-transport.js";
import type { Transport } from "../ddi/transport.js";
import { nobleLinkCrypto } from "../link/noble-link-crypto.js";
import { Gateway } from "./gateway.js";
import { PackageCache } from "./package-cache.js";
import { listenTcpLink, type TcpLinkServer } from "./tcp-link-server.js";

export interface RunGatewayOptions {
  /** DDI base URL of the update server, e.g. https://127.0.0.1:8443 */
  upstreamUrl: string;
  /** PEM of the CA to trust upstream (slotboot serve's ca.pem); absent = the system's. */
  ca?: string;
  gatewayToken: string;
  tenant?: string;
  /** The gateway's X25519 link secret. */
  linkSecret: Uint8Array;
  /** Provisioned devices: link public key (hex) → controller id. */
  devices: Map<string, string>;
  linkPort?: number;
  cacheDirectory?: string;
  /** Seconds between upstream checks on the devices' behalf (0 = never). */
  pollSeconds?: number;
  /** Another upstream (tests). */
  upstream?: Transport;
}

export interface RunningGateway {
  gateway: Gateway;
  link: TcpLinkServer;
  /** Check the cloud for every provisioned device now. */
  pollNow(): Promise<Record<string, string>>;
  close(): Promise<void>;
}

export async function runGateway(options: RunGatewayOptions): Promise<RunningGateway> {
  const agent = new https.Agent({ keepAlive: true, maxSockets: 8, ca: options.ca });
  const upstream = options.upstream ?? new HttpsTransport({ baseUrl: options.upstreamUrl, ca: options.ca, agent, credential: { scheme: "GatewayToken", token: options.gatewayToken } });
  const gateway = new Gateway({
    upstream,
    tenant: options.tenant ?? "DEFAULT",
    cache: new PackageCache({ directory: options.cacheDirectory }),
    now: () => Date.now(),
  });
  const crypto = nobleLinkCrypto();
  const link = await listenTcpLink({ crypto, staticSecret: options.linkSecret, staticPublicKey: crypto.x25519PublicKey(options.linkSecret), devices: options.devices, gateway, now: () => Date.now() }, options.linkPort ?? 0);
  const pollNow = async () => {
    const results: Record<string, string> = {};
    for (const controllerId of new Set(options.devices.values())) results[controllerId] = await gateway.prefetch(controllerId);
    return results;
  };
  let polling: NodeJS.Timeout | null = null;
  if (options.pollSeconds) {
    polling = setInterval(() => void pollNow(), options.pollSeconds * 1000);
    polling.unref();
  }
  return {
    gateway,
    link,
    pollNow,
    close: async () => {
      if (polling) clearInterval(polling);
      await link.close();
      agent.destroy();
    },
  };
}
