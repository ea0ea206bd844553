// The agent's transport straight into an UpdateServer's handlers, without
// sockets or TLS: the same DDI answers, delivered asynchronously in chunks of
// `chunkBytes` as a socket would. For property tests that run thousands of
// updates, and for hosts that embed the server.
import { authorizationHeader, type Credential } from "../ddi/authorization.js";
import { rangeHeader } from "../ddi/range.js";
import type { Transport, TransportHandle, TransportRequest, TransportSink } from "../ddi/transport.js";
import { handleDdi } from "./ddi-handler.js";
import type { UpdateServer } from "./server.js";

export class InProcessTransport implements Transport {
  constructor(
    private readonly server: UpdateServer,
    private readonly credential: Credential,
    private readonly chunkBytes = 4096,
  ) {}

  request(request: TransportRequest, sink: TransportSink): TransportHandle {
    let cancelled = false;
    const headers: Record<string, string> = { authorization: authorizationHeader(this.credential) };
    if (request.range) headers.range = rangeHeader(request.range.start, request.range.end);
    const body = new TextEncoder().encode(request.body ?? "");
    setImmediate(() => {
      if (cancelled) return;
      const origin = this.server.url || "https://in-process.invalid";
      const response = handleDdi(this.server.fleet, this.server.settings, { method: request.method, path: request.path, headers, body }, origin);
      this.server.stats.requests++;
      this.server.stats.bytesOut += response.body.length;
      sink.onStatus(response.status, response.headers);
      let at = 0;
      const next = () => {
        if (cancelled) return;
        if (at >= response.body.length) {
          sink.onEnd(null);
          return;
        }
        const end = Math.min(response.body.length, at + this.chunkBytes);
        sink.onChunk(response.body.subarray(at, end));
        at = end;
        setImmediate(next);
      };
      next();
    });
    return {
      cancel: () => {
        if (cancelled) return;
        cancelled = true;
        sink.onEnd({ code: "CANCELLED", message: "cancelled" });
      },
    };
  }
}
