// The one interface between the device agent and the network, agreed with the
// gateway (/work/notes/transport-contract.md): the agent asks for a DDI
// resource; the host answers through a sink. A direct device implements it
// over HTTPS (https-transport.ts); a device behind a gateway over the local link.

export interface TransportRequest {
  method: "GET" | "POST" | "PUT";
  /** DDI path including tenant and controller id, or an artifact download path. */
  path: string;
  /** JSON text for POST / PUT. */
  body?: string;
  /** HTTP Range for artifact downloads (end inclusive, absent = to the end). */
  range?: { start: number; end?: number };
}

export interface TransportError {
  /** Stable code, e.g. "LINK_DROPPED", "UNREACHABLE", "TIMEOUT", "CANCELLED". */
  code: string;
  message: string;
}

export interface TransportSink {
  onStatus(httpStatus: number, headers: Record<string, string>): void;
  onChunk(bytes: Uint8Array): void;
  /** Once; null when the whole body arrived, an error for a dropped link. */
  onEnd(error: TransportError | null): void;
}

export interface TransportHandle {
  cancel(): void;
}

export interface Transport {
  request(request: TransportRequest, sink: TransportSink): TransportHandle;
}

/** Counters a transport keeps: what an update costs on the wire. */
export interface WireStats {
  requests: number;
  /** Request line, headers and body bytes sent (approximate for headers: as serialized by us). */
  bytesSent: number;
  /** Response body bytes received. */
  bytesReceived: number;
}

export const newWireStats = (): WireStats => ({ requests: 0, bytesSent: 0, bytesReceived: 0 });
