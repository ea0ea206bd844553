// The Node host's transport: DDI over HTTPS, trusting the CA it is given (the
// throwaway CA of `slotboot serve`, or the system's for a real hawkBit), with
// the device's TargetToken (or a gateway's GatewayToken) on every request.
import https from "node:https";
import { authorizationHeader, type Credential } from "./authorization.js";
import { rangeHeader } from "./range.js";
import { newWireStats, type Transport, type TransportHandle, type TransportRequest, type TransportSink, type WireStats } from "./transport.js";

export interface HttpsTransportOptions {
  /** "https://127.0.0.1:8443" */
  baseUrl: string;
  /** PEM of the CA to trust; absent = the system's CAs. */
  ca?: string;
  credential: Credential;
  /** Shared keep-alive agent (one per device on a real device; shared by a fleet in one process). */
  agent?: https.Agent;
  /** Give up on a request with no progress for this long (ms). */
  timeoutMs?: number;
}

export class HttpsTransport implements Transport {
  readonly stats: WireStats = newWireStats();
  private readonly base: URL;
  private readonly agent: https.Agent;

  constructor(private readonly options: HttpsTransportOptions) {
    this.base = new URL(options.baseUrl);
    this.agent = options.agent ?? new https.Agent({ keepAlive: true, maxSockets: 4, ca: options.ca });
  }

  request(request: TransportRequest, sink: TransportSink): TransportHandle {
    const headers: Record<string, string> = {
      authorization: authorizationHeader(this.options.credential),
      accept: request.range ? "application/octet-stream" : "application/hal+json",
    };
    if (request.range) headers.range = rangeHeader(request.range.start, request.range.end);
    const body = request.body === undefined ? undefined : Buffer.from(request.body, "utf8");
    if (body) {
      headers["content-type"] = "application/json;charset=UTF-8";
      headers["content-length"] = String(body.length);
    }
    this.stats.requests++;
    this.stats.bytesSent += request.method.length + request.path.length + 12 + Object.entries(headers).reduce((n, [k, v]) => n + k.length + v.length + 4, 0) + (body?.length ?? 0);
    let ended = false;
    const end = (error: { code: string; message: string } | null) => {
      if (ended) return;
      ended = true;
      sink.onEnd(error);
    };
    const outgoing = https.request(
      {
        protocol: "https:",
        hostname: this.base.hostname,
        port: this.base.port,
        path: request.path,
        method: request.method,
        headers,
        agent: this.agent,
        ca: this.options.ca,
        timeout: this.options.timeoutMs ?? 30_000,
      },
      (incoming) => {
        const flat: Record<string, string> = {};
        for (const [k, v] of Object.entries(incoming.headers)) if (v !== undefined) flat[k] = Array.isArray(v) ? v.join(", ") : v;
        sink.onStatus(incoming.statusCode ?? 0, flat);
        incoming.on("data", (chunk: Buffer) => {
          if (ended) return;
          this.stats.bytesReceived += chunk.length;
          sink.onChunk(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length));
        });
        incoming.on("end", () => end(incoming.complete ? null : { code: "LINK_DROPPED", message: "the response ended early" }));
        incoming.on("aborted", () => end({ code: "LINK_DROPPED", message: "the connection dropped mid-response" }));
        incoming.on("error", (e) => end({ code: "LINK_DROPPED", message: e.message }));
      },
    );
    outgoing.on("timeout", () => outgoing.destroy(Object.assign(new Error("no progress before the timeout"), { code: "TIMEOUT" })));
    outgoing.on("error", (e: NodeJS.ErrnoException) => {
      const code = e.code === "TIMEOUT" ? "TIMEOUT" : e.code === "ECONNREFUSED" || e.code === "ENOTFOUND" || e.code === "EHOSTUNREACH" ? "UNREACHABLE" : "LINK_DROPPED";
      end({ code, message: e.message });
    });
    outgoing.end(body);
    return {
      cancel: () => {
        if (ended) return;
        outgoing.destroy();
        end({ code: "CANCELLED", message: "cancelled by the agent" });
      },
    };
  }
}
