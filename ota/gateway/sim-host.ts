// The gateway service on a simulated site, for the fleet runner
// (ota/fleet/runner.ts) in tests, the bench and demos: a GatewayHost runs the
// gateway service in the process — upstream to
// `slotboot serve` over HTTPS with the GatewayToken, its local link to edge
// devices over in-memory byte pipes that can be cut at random byte offsets or
// carry a neighbour's injected frames. The gateway service can be restarted
// (the gateway-class device rebooting into its new image), and can be made
// malicious (tamper, replay, withhold) through the link server's answer hook.
import https from "node:https";
import { x25519 } from "@noble/curves/ed25519.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { HttpsTransport } from "../ddi/https-transport.js";
import type { Transport, TransportRequest, TransportSink } from "../ddi/transport.js";
import { Gateway, type GatewayResponse } from "./gateway.js";
import { PackageCache } from "./package-cache.js";
import { LinkConnection } from "./link-server.js";
import { LinkTransport, type LinkConnector } from "../link/link-transport.js";
import { FRAME_BYTES } from "../link/frame.js";
import { nobleLinkCrypto } from "../link/noble-link-crypto.js";
import type { UpdateServer } from "../server/server.js";
import { Rng } from "../../bootloader-sim/rng.js";

/** A deterministic X25519 key pair for a simulated gateway or device (never for real ones). */
export function simulatedLinkKey(label: string): { secretKey: Uint8Array; publicKey: Uint8Array } {
  const secretKey = sha256(new TextEncoder().encode("slotboot simulated link key " + label));
  return { secretKey, publicKey: x25519.getPublicKey(secretKey) };
}

export interface LinkFaults {
  /** Probability that a connection is cut, at a random byte offset below `cutWithinBytes`. */
  cutProbability?: number;
  cutWithinBytes?: number;
  /** Probability that a neighbour injects a frame into a connection (a replay, a flipped copy or noise). */
  injectProbability?: number;
}

export interface HostOptions {
  server: UpdateServer;
  gatewayToken: string;
  now: () => number;
  seed?: number;
  /** Simulated windows when the cloud is unreachable from the gateway: [from, to). */
  upstreamDown?: Array<[number, number]>;
  /** The malicious gateway's hook. */
  alterResponse?: (controllerId: string, request: TransportRequest, response: GatewayResponse) => GatewayResponse;
  cacheDirectory?: string;
}

/** Stats of what happened on the local links. */
export interface LinkLedger {
  connections: number;
  cuts: number;
  injections: number;
  /** Gateway-side session refusals by code. */
  refusals: Record<string, number>;
  /** Bytes on the local links (both directions, frames included). */
  bytes: number;
  /** Links that were open when the gateway service restarted. */
  droppedByRestart: number;
}

export class GatewayHost {
  readonly key = simulatedLinkKey("fleet gateway");
  readonly devices = new Map<string, string>();
  readonly ledger: LinkLedger = { connections: 0, cuts: 0, injections: 0, refusals: {}, bytes: 0, droppedByRestart: 0 };
  gateway!: Gateway;
  /** Each edge device's transport, by controller id. */
  readonly transports = new Map<string, LinkTransport>();
  /** False while the gateway-class device reboots: edge devices cannot connect. */
  available = true;
  restarts = 0;
  private readonly rng: Rng;
  private readonly live = new Set<() => void>();
  private readonly httpsAgent: https.Agent;
  readonly upstream: Transport;

  constructor(readonly options: HostOptions) {
    this.rng = new Rng(options.seed ?? 3);
    this.httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 16, ca: options.server.ca.caPem });
    const https_ = new HttpsTransport({ baseUrl: options.server.url, ca: options.server.ca.caPem, agent: this.httpsAgent, credential: { scheme: "GatewayToken", token: options.gatewayToken } });
    // The cloud as the gateway sees it: down during the configured windows.
    this.upstream = {
      request: (request: TransportRequest, sink: TransportSink) => {
        const now = options.now();
        if ((options.upstreamDown ?? []).some(([from, to]) => now >= from && now < to)) {
          setImmediate(() => sink.onEnd({ code: "UNREACHABLE", message: "the update server does not answer" }));
          return { cancel: () => undefined };
        }
        return https_.request(request, sink);
      },
    };
    this.start();
  }

  private start(): void {
    this.gateway = new Gateway({ upstream: this.upstream, tenant: this.options.server.settings.tenant, cache: new PackageCache({ directory: this.options.cacheDirectory }), now: this.options.now });
  }

  /** The gateway-class device rebooted: every link drops, the service comes back with the cache it kept on disk. */
  restart(): void {
    this.restarts++;
    this.ledger.droppedByRestart += this.live.size;
    for (const cut of [...this.live]) cut();
    this.start();
  }

  close(): void {
    this.httpsAgent.destroy();
  }

  /** A provisioned edge device's transport: LinkTransport over an in-memory pipe to this gateway. */
  edgeTransport(controllerId: string, faults: LinkFaults = {}): LinkTransport {
    const key = simulatedLinkKey("fleet edge " + controllerId);
    this.devices.set(Buffer.from(key.publicKey).toString("hex"), controllerId);
    const connector: LinkConnector = {
      connect: (events) => {
        if (!this.available) return null;
        this.ledger.connections++;
        const rng = this.rng;
        const cutAt = rng.next() / 2 ** 32 < (faults.cutProbability ?? 0) ? Math.floor((rng.next() / 2 ** 32) * (faults.cutWithinBytes ?? 20_000)) : -1;
        const injectAt = rng.next() / 2 ** 32 < (faults.injectProbability ?? 0) ? FRAME_BYTES * (3 + (rng.next() % 40)) : -1;
        const injectKind = rng.next() % 3;
        let carried = 0;
        let open = true;
        const seen: Uint8Array[] = [];
        const cut = () => {
          if (!open) return;
          open = false;
          this.live.delete(cut);
          setImmediate(() => {
            connection.end();
            events.onEnd();
          });
        };
        this.live.add(cut);
        const carry = (bytes: Uint8Array, deliver: (bytes: Uint8Array) => void, toGateway: boolean) => {
          if (!open) return;
          let piece = bytes.slice();
          if (cutAt >= 0 && carried + piece.length > cutAt) piece = piece.subarray(0, cutAt - carried);
          carried += piece.length;
          this.ledger.bytes += piece.length;
          if (toGateway && piece.length === FRAME_BYTES) seen.push(piece);
          if (piece.length) setImmediate(() => open && deliver(piece));
          if (injectAt >= 0 && toGateway && carried >= injectAt && seen.length > 1) {
            // The neighbour's frame goes in right behind the device's.
            const replayed = seen[seen.length - 2];
            const frame = injectKind === 0 ? replayed : injectKind === 1 ? flipped(seen[seen.length - 1], rng) : noise(rng);
            setImmediate(() => {
              // Counted only when it reaches a live session (a cut may have ended it first).
              if (!open || connection.session.isEnded()) return;
              this.ledger.injections++;
              connection.receive(frame);
            });
            faults = { ...faults, injectProbability: 0 };
            seen.length = 0;
          }
          if (cutAt >= 0 && carried >= cutAt) {
            this.ledger.cuts++;
            cut();
          }
        };
        const connection = new LinkConnection(
          { crypto: nobleLinkCrypto(), staticSecret: this.key.secretKey, staticPublicKey: this.key.publicKey, devices: this.devices, gateway: this.gateway, now: this.options.now, alterResponse: this.options.alterResponse },
          {
            write: (bytes) => carry(bytes, (piece) => events.onBytes(piece), false),
            close: (error) => {
              if (error) this.ledger.refusals[error.code] = (this.ledger.refusals[error.code] ?? 0) + 1;
              cut();
            },
          },
        );
        return {
          write: (bytes) => carry(bytes, (piece) => connection.receive(piece), true),
          close: () => cut(),
        };
      },
    };
    const transport = new LinkTransport({ crypto: nobleLinkCrypto(), staticSecret: key.secretKey, gatewayPublicKey: this.key.publicKey, connector, now: this.options.now });
    this.transports.set(controllerId, transport);
    return transport;
  }
}

function flipped(frame: Uint8Array, rng: Rng): Uint8Array {
  const copy = frame.slice();
  const bit = rng.next() % (FRAME_BYTES * 8);
  copy[bit >> 3] ^= 1 << (bit & 7);
  return copy;
}

function noise(rng: Rng): Uint8Array {
  const frame = new Uint8Array(FRAME_BYTES);
  for (let index = 0; index < FRAME_BYTES; index++) frame[index] = rng.next() & 0xff;
  frame[0] = 0xa3; // looks like a DATA frame
  return frame;
}
