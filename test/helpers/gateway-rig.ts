// A gateway rig on simulated time: the local DDI server's handler as the
// cloud (in memory, can go down), a Gateway with its cache, and edge devices
// whose LinkTransport reaches the gateway over simulated byte pipes that can be
// cut at a byte offset or have a neighbour's bytes injected.
import { Fleet } from "../../ota/server/fleet.js";
import { handleDdi, type DdiSettings } from "../../ota/server/ddi-handler.js";
import type { Transport, TransportRequest, TransportSink } from "../../ota/ddi/transport.js";
import { rangeHeader } from "../../ota/ddi/range.js";
import { Gateway, type GatewayResponse } from "../../ota/gateway/gateway.js";
import { PackageCache } from "../../ota/gateway/package-cache.js";
import { LinkConnection } from "../../ota/gateway/link-server.js";
import { LinkTransport, type LinkConnector } from "../../ota/link/link-transport.js";
import { nobleLinkCrypto } from "../../ota/link/noble-link-crypto.js";
import { SimClock } from "./sim-clock.js";
import { seededRandom, staticKey } from "./link-pair.js";

export const TENANT = "DEFAULT";
export const GATEWAY_TOKEN = "gateway-token";
const ORIGIN = "https://cloud.example:8443";

/** The cloud: slotboot serve's DDI handler over a Fleet, answered after a latency, chunked. */
export class MemoryCloud implements Transport {
  readonly fleet = new Fleet();
  readonly settings: DdiSettings;
  up = true;
  requests = 0;
  constructor(private readonly clock: SimClock, private readonly credential = `GatewayToken ${GATEWAY_TOKEN}`, private readonly latencyMs = 20) {
    this.settings = { tenant: TENANT, pollSeconds: 60, gatewayToken: GATEWAY_TOKEN, now: () => clock.now };
  }
  request(request: TransportRequest, sink: TransportSink) {
    this.requests++;
    let cancelled = false;
    this.clock.at(this.latencyMs, () => {
      if (cancelled) return;
      if (!this.up) return sink.onEnd({ code: "UNREACHABLE", message: "connection refused" });
      const headers: Record<string, string | undefined> = { authorization: this.credential };
      if (request.range) headers.range = rangeHeader(request.range.start, request.range.end);
      const path = request.path.startsWith("http") ? new URL(request.path).pathname + new URL(request.path).search : request.path;
      const response = handleDdi(this.fleet, this.settings, { method: request.method, path, headers, body: new TextEncoder().encode(request.body ?? "") }, ORIGIN);
      sink.onStatus(response.status, response.headers);
      for (let offset = 0; offset < response.body.length; offset += 4096) sink.onChunk(response.body.subarray(offset, offset + 4096));
      sink.onEnd(null);
    });
    return { cancel: () => void (cancelled = true) };
  }
}

export interface PipeFaults {
  /** Cut the next stream after this many bytes (both directions counted). */
  cutAtByte?: number;
}

export interface EdgeLink {
  transport: LinkTransport;
  controllerId: string;
  /** Faults for the next connection; consumed when it opens. */
  faults: PipeFaults[];
  /** Every byte the device sent and received, per connection (for neighbour replay). */
  wire: { toGateway: Uint8Array[]; toDevice: Uint8Array[] }[];
  /** Inject bytes into the current gateway-bound stream, as a neighbour would. */
  inject(bytes: Uint8Array): void;
  connections: LinkConnection[];
}

export interface RigOptions {
  alterResponse?: ConstructorParameters<typeof LinkConnection>[0]["alterResponse"];
  linkLatencyMs?: number;
}

export class GatewayRig {
  readonly clock = new SimClock();
  readonly cloud: MemoryCloud;
  readonly gateway: Gateway;
  readonly gatewayKey = staticKey("rig gateway");
  readonly devices = new Map<string, string>();
  readonly edges: EdgeLink[] = [];

  constructor(private readonly options: RigOptions = {}) {
    this.cloud = new MemoryCloud(this.clock);
    this.gateway = new Gateway({ upstream: this.cloud, tenant: TENANT, cache: new PackageCache(), now: () => this.clock.now });
  }

  /** An edge device with its own link key, provisioned at the gateway and known to the cloud. */
  addEdge(controllerId: string, options: { provisioned?: boolean; group?: string } = {}): EdgeLink {
    const key = staticKey("edge " + controllerId);
    if (options.provisioned !== false) this.devices.set(Buffer.from(key.publicKey).toString("hex"), controllerId);
    this.cloud.fleet.registerDevice(controllerId, { group: options.group ?? "edge" });
    const latency = this.options.linkLatencyMs ?? 2;
    const clock = this.clock;
    const edge: EdgeLink = {
      controllerId,
      faults: [],
      wire: [],
      connections: [],
      inject: () => undefined,
      transport: undefined as unknown as LinkTransport,
    };
    const connector: LinkConnector = {
      connect: (events) => {
        const faults = edge.faults.shift() ?? {};
        const record = { toGateway: [] as Uint8Array[], toDevice: [] as Uint8Array[] };
        edge.wire.push(record);
        let carried = 0;
        let open = true;
        const cut = () => {
          if (!open) return;
          open = false;
          clock.at(latency, () => connection.end());
          clock.at(latency, () => events.onEnd());
        };
        /** Deliver bytes, cutting the stream at the fault's byte offset. */
        const carry = (bytes: Uint8Array, deliver: (bytes: Uint8Array) => void, log: Uint8Array[]) => {
          if (!open) return;
          let piece = bytes.slice();
          if (faults.cutAtByte !== undefined && carried + piece.length > faults.cutAtByte) piece = piece.subarray(0, faults.cutAtByte - carried);
          carried += piece.length;
          log.push(piece);
          if (piece.length) clock.at(latency, () => deliver(piece));
          if (faults.cutAtByte !== undefined && carried >= faults.cutAtByte) cut();
        };
        const connection = new LinkConnection(
          {
            crypto: nobleLinkCrypto(seededRandom("rig gateway " + controllerId + " " + edge.wire.length)),
            staticSecret: this.gatewayKey.secretKey,
            devices: this.devices,
            gateway: this.gateway,
            now: () => clock.now,
            alterResponse: this.options.alterResponse,
          },
          {
            write: (bytes) => carry(bytes, (piece) => events.onBytes(piece), record.toDevice),
            close: () => cut(),
          },
        );
        edge.connections.push(connection);
        edge.inject = (bytes) => clock.at(latency, () => connection.receive(bytes));
        return {
          write: (bytes) => carry(bytes, (piece) => connection.receive(piece), record.toGateway),
          close: () => cut(),
        };
      },
    };
    edge.transport = new LinkTransport({
      crypto: nobleLinkCrypto(seededRandom("edge " + controllerId)),
      staticSecret: key.secretKey,
      gatewayPublicKey: this.gatewayKey.publicKey,
      connector,
      now: () => clock.now,
      requestTimeoutMs: 30_000,
    });
    this.edges.push(edge);
    return edge;
  }

  /** One request through an edge's transport, run on simulated time. */
  async fetch(edge: EdgeLink, request: TransportRequest, limitMs = 60_000) {
    let status = 0;
    let headers: Record<string, string> = {};
    const chunks: Uint8Array[] = [];
    let ended: { error: { code: string; message: string } | null } | null = null;
    edge.transport.request(request, {
      onStatus: (code, responseHeaders) => {
        status = code;
        headers = responseHeaders;
      },
      onChunk: (bytes) => chunks.push(bytes.slice()),
      onEnd: (error) => (ended = { error }),
    });
    await this.clock.runWhile(() => {
      edge.transport.tick();
      return ended !== null;
    }, limitMs);
    return { status, headers, body: Buffer.concat(chunks), error: ended ? (ended as { error: unknown }).error : { code: "NO_END", message: "still running" } };
  }
}

export type { GatewayResponse };
