// The gateway's side of the cloud: one DDI request through the agreed
// transport (HTTPS with the GatewayToken in production), collected into memory
// with a size bound.
import type { Transport, TransportRequest } from "../ddi/transport.js";

export interface UpstreamResponse {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
}

export interface UpstreamFailure {
  error: { code: string; message: string };
}

export function fetchUpstream(transport: Transport, request: TransportRequest, maxBytes: number): Promise<UpstreamResponse | UpstreamFailure> {
  return new Promise((resolve) => {
    let status = 0;
    let headers: Record<string, string> = {};
    const parts: Uint8Array[] = [];
    let length = 0;
    let done = false;
    let handle: { cancel(): void } | null = null;
    handle = transport.request(request, {
      onStatus: (code, responseHeaders) => {
        status = code;
        headers = responseHeaders;
      },
      onChunk: (bytes) => {
        if (done) return;
        length += bytes.length;
        if (length > maxBytes) {
          done = true;
          if (handle) handle.cancel();
          resolve({ error: { code: "TOO_LARGE", message: `upstream answer over ${maxBytes} bytes` } });
          return;
        }
        parts.push(bytes.slice());
      },
      onEnd: (error) => {
        if (done) return;
        done = true;
        if (error) return resolve({ error });
        const body = new Uint8Array(length);
        let offset = 0;
        for (const part of parts) {
          body.set(part, offset);
          offset += part.length;
        }
        resolve({ status, headers, body });
      },
    });
  });
}

export const isFailure = (answer: UpstreamResponse | UpstreamFailure): answer is UpstreamFailure => "error" in answer;
