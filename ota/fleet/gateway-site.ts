// A gateway in the fleet runner's process: the gateway service (ota/gateway/)
// upstream to `slotboot serve` over HTTPS with the GatewayToken, and its edge
// devices reaching it over the secure local link (ota/link/) carried by
// in-memory byte pipes. Each edge device gets a LinkTransport as its agent
// transport: one agent, two transports. Link faults come from the runner's
// simulated link around that transport, as for direct devices.
import https from "node:https";
import { HttpsTransport } from "../ddi/https-transport.js";
import { Gateway } from "../gateway/gateway.js";
import { PackageCache } from "../gateway/package-cache.js";
import { LinkConnection } from "../gateway/link-server.js";
import { LinkTransport, type LinkConnector } from "../link/link-transport.js";
import { makeLinkKeyPair, nobleLinkCrypto } from "../link/noble-link-crypto.js";
import type { UpdateServer } from "../server/server.js";

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

export class GatewaySite {
  readonly gateway: Gateway;
  readonly key = makeLinkKeyPair();
  /** Edge devices' link public keys (hex) -> controller ids: who may speak for whom. */
  readonly devices = new Map<string, string>();
  /** Bytes on the local links, both directions, frames and handshakes included. */
  linkBytes = 0;
  private readonly httpsAgent: https.Agent;

  constructor(readonly options: { server: UpdateServer; gatewayToken: string; now: () => number }) {
    this.httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 8, ca: options.server.ca.caPem });
    const upstream = new HttpsTransport({
      baseUrl: options.server.url, ca: options.server.ca.caPem, agent: this.httpsAgent, credential: { scheme: "GatewayToken", token: options.gatewayToken },
    });
    this.gateway = new Gateway({ upstream, tenant: options.server.settings.tenant, cache: new PackageCache(), now: options.now });
  }

  /** Provision an edge device: a link key pair it keeps, and its transport to this gateway. */
  edgeTransport(controllerId: string): LinkTransport {
    const key = makeLinkKeyPair();
    this.devices.set(hex(key.publicKey), controllerId);
    const connector: LinkConnector = {
      connect: (events) => {
        let open = true;
        const close = () => {
          if (!open) return;
          open = false;
          setImmediate(() => {
            connection.end();
            events.onEnd();
          });
        };
        const connection = new LinkConnection(
          { crypto: nobleLinkCrypto(), staticSecret: this.key.secretKey, devices: this.devices, gateway: this.gateway, now: this.options.now },
          {
            write: (bytes) => {
              if (!open) return;
              const copy = bytes.slice();
              this.linkBytes += copy.length;
              setImmediate(() => open && events.onBytes(copy));
            },
            close: () => close(),
          },
        );
        return {
          write: (bytes) => {
            if (!open) return;
            const copy = bytes.slice();
            this.linkBytes += copy.length;
            setImmediate(() => open && connection.receive(copy));
          },
          close,
        };
      },
    };
    return new LinkTransport({ crypto: nobleLinkCrypto(), staticSecret: key.secretKey, gatewayPublicKey: this.key.publicKey, connector, now: this.options.now });
  }

  close(): void {
    this.httpsAgent.destroy();
  }
}
