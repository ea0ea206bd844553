// The device side of "behind a gateway": the agreed agent transport
// (ota/ddi/transport.ts) over the secure local link. The host owns the byte
// stream (UART, BLE, TCP) and hands it over through a LinkConnector; this
// module opens a session when a request needs one, maps requests to channels,
// and ends every outstanding request with a typed error when the session ends,
// so the agent retries (artifacts resume with Range). Never blocks; the host
// calls tick() with its clock. Portable: no host APIs, crypto injected.
import type { Transport, TransportError, TransportHandle, TransportRequest, TransportSink } from "../ddi/transport.js";
import type { LinkCrypto } from "./link-crypto.js";
import { SecureSession } from "./secure-session.js";
import { FLAG_END, FLAG_LAST, JsonAssembler, RECORD_CANCEL, RECORD_CHUNK, RECORD_END, RECORD_REQUEST, RECORD_STATUS, jsonFragments } from "./ddi-records.js";
import type { LinkError } from "./link-errors.js";

/** A byte stream to the gateway, opened by the host. */
export interface LinkStream {
  write(bytes: Uint8Array): void;
  close(): void;
}

export interface LinkStreamEvents {
  onBytes(bytes: Uint8Array): void;
  onEnd(): void;
}

export interface LinkConnector {
  /** Open a stream to the gateway, or return null when none can be opened now. */
  connect(events: LinkStreamEvents): LinkStream | null;
}

export interface LinkTransportOptions {
  crypto: LinkCrypto;
  /** The device's X25519 static secret. */
  staticSecret: Uint8Array;
  /** The provisioned gateway (or fleet) static public key. */
  gatewayPublicKey: Uint8Array;
  connector: LinkConnector;
  now: () => number;
  /** End a request with TIMEOUT after this long without progress. */
  requestTimeoutMs?: number;
  /** Requests in flight at once (channels); more are refused with BUSY. */
  maxOutstanding?: number;
}

export interface LinkTransportStats {
  requests: number;
  sessions: number;
  /** Bytes on the stream, frames and handshakes included. */
  bytesSent: number;
  bytesReceived: number;
  /** Response body bytes delivered to the agent. */
  bodyBytes: number;
  /** Sessions that ended with a refusal, by code. */
  refusals: { [code: string]: number };
}

interface Outstanding {
  channel: number;
  request: TransportRequest;
  sink: TransportSink;
  lastProgress: number;
  sent: boolean;
  statusSeen: boolean;
  status: JsonAssembler;
  end: JsonAssembler;
  endStarted: boolean;
}

export class LinkTransport implements Transport {
  readonly stats: LinkTransportStats = { requests: 0, sessions: 0, bytesSent: 0, bytesReceived: 0, bodyBytes: 0, refusals: {} };
  private session: SecureSession | null = null;
  private stream: LinkStream | null = null;
  private readonly outstanding: Outstanding[] = [];
  /** Channels cancelled by us whose END has not arrived yet: not reused until then. */
  private readonly draining: number[] = [];
  private readonly pendingRecords: { type: number; channel: number; flags: number; payload: Uint8Array }[] = [];
  private nextChannel = 0;
  private readonly options: LinkTransportOptions;
  private readonly requestTimeoutMs: number;
  private readonly maxOutstanding: number;
  private readonly staticPublicKey: Uint8Array;

  constructor(options: LinkTransportOptions) {
    this.options = options;
    this.staticPublicKey = options.crypto.x25519PublicKey(options.staticSecret);
    this.requestTimeoutMs = options.requestTimeoutMs || 30000;
    this.maxOutstanding = options.maxOutstanding || 4;
  }

  request(request: TransportRequest, sink: TransportSink): TransportHandle {
    this.stats.requests++;
    const channel = this.freeChannel();
    if (channel < 0 || this.outstanding.length >= this.maxOutstanding) {
      sink.onEnd({ code: "BUSY", message: "too many requests in flight on the local link; retry when one ends" });
      return { cancel: () => undefined };
    }
    const entry: Outstanding = {
      channel, request, sink, lastProgress: this.options.now(), sent: false, statusSeen: false,
      status: new JsonAssembler(), end: new JsonAssembler(), endStarted: false,
    };
    this.outstanding.push(entry);
    if (!this.ensureSession()) return { cancel: () => undefined };
    if (this.session && this.session.isOpen()) this.sendRequest(entry);
    return { cancel: () => this.cancel(entry) };
  }

  /** Host clock: handshake and request timeouts. */
  tick(): void {
    const now = this.options.now();
    if (this.session) this.session.tick(now);
    const expired = this.outstanding.filter((entry) => now - entry.lastProgress > this.requestTimeoutMs);
    for (let index = 0; index < expired.length; index++) {
      this.cancelOnLink(expired[index]);
      this.finish(expired[index], { code: "TIMEOUT", message: "no answer on the local link for " + this.requestTimeoutMs + " ms" });
    }
  }

  /** Close the session (the host shuts down or sleeps). */
  close(): void {
    if (this.session && !this.session.isEnded()) this.session.close("device closing");
    this.flush();
    this.dropStream();
  }

  private freeChannel(): number {
    for (let attempt = 0; attempt < 256; attempt++) {
      const channel = (this.nextChannel + attempt) & 0xff;
      if (this.outstanding.some((entry) => entry.channel === channel) || this.draining.indexOf(channel) >= 0) continue;
      this.nextChannel = (channel + 1) & 0xff;
      return channel;
    }
    return -1;
  }

  /** False when no stream could be opened (the request has been ended). */
  private ensureSession(): boolean {
    if (this.session && !this.session.isEnded()) return true;
    const session = new SecureSession(
      {
        crypto: this.options.crypto,
        staticSecret: this.options.staticSecret,
        staticPublicKey: this.staticPublicKey,
        gatewayPublicKey: this.options.gatewayPublicKey,
        sink: {
          onOpen: () => this.onOpen(session),
          onRecord: (type, channel, flags, payload) => this.onRecord(type, channel, flags, payload),
          onClose: (error) => this.onSessionClose(session, error),
          onOutput: () => this.flush(),
          onWritable: () => this.pump(),
        },
      },
      this.options.now(),
    );
    this.session = session;
    this.draining.length = 0;
    this.pendingRecords.length = 0;
    const stream = this.options.connector.connect({
      onBytes: (bytes) => {
        if (this.session !== session) return;
        this.stats.bytesReceived += bytes.length;
        session.receive(bytes);
      },
      onEnd: () => {
        if (this.session === session) session.end();
      },
    });
    if (!stream) {
      this.session = null;
      this.failAll({ code: "UNREACHABLE", message: "no link to the gateway (the host could not open the stream)" });
      return false;
    }
    this.stream = stream;
    this.stats.sessions++;
    session.start(this.options.now());
    return true;
  }

  private onOpen(session: SecureSession): void {
    if (this.session !== session) return;
    for (let index = 0; index < this.outstanding.length; index++) if (!this.outstanding[index].sent) this.sendRequest(this.outstanding[index]);
  }

  private sendRequest(entry: Outstanding): void {
    entry.sent = true;
    const wire: { method: string; path: string; body?: string; range?: { start: number; end?: number } } = { method: entry.request.method, path: entry.request.path };
    if (entry.request.body !== undefined) wire.body = entry.request.body;
    if (entry.request.range) wire.range = entry.request.range;
    const fragments = jsonFragments(wire);
    for (let index = 0; index < fragments.length; index++) {
      this.pendingRecords.push({ type: RECORD_REQUEST, channel: entry.channel, flags: index === fragments.length - 1 ? FLAG_LAST : 0, payload: fragments[index] });
    }
    this.pump();
  }

  private pump(): void {
    const session = this.session;
    while (session && session.isOpen() && this.pendingRecords.length > 0) {
      const next = this.pendingRecords[0];
      if (!session.send(next.type, next.channel, next.flags, next.payload)) return;
      this.pendingRecords.shift();
    }
  }

  private flush(): void {
    const session = this.session;
    const stream = this.stream;
    if (!session || !stream) return;
    for (let frame = session.takeFrame(); frame; frame = session.takeFrame()) {
      this.stats.bytesSent += frame.length;
      stream.write(frame);
    }
  }

  private onRecord(type: number, channel: number, flags: number, payload: Uint8Array): void {
    let entry: Outstanding | null = null;
    for (let index = 0; index < this.outstanding.length; index++) if (this.outstanding[index].channel === channel) entry = this.outstanding[index];
    if (!entry) {
      // Answers to a request we cancelled: discard until its END frees the channel.
      const drainingAt = this.draining.indexOf(channel);
      const ended = (type === RECORD_END && flags & FLAG_LAST) || ((type === RECORD_CHUNK || type === RECORD_STATUS) && flags & FLAG_END);
      if (ended && drainingAt >= 0) this.draining.splice(drainingAt, 1);
      return;
    }
    entry.lastProgress = this.options.now();
    try {
      if (type === RECORD_STATUS && !entry.statusSeen) {
        const status = entry.status.add(payload, (flags & FLAG_LAST) !== 0) as { status: number; headers: { [name: string]: string } } | undefined;
        if (status === undefined) return;
        if (typeof status.status !== "number" || typeof status.headers !== "object" || status.headers === null) throw new SyntaxError("status record");
        entry.statusSeen = true;
        entry.sink.onStatus(status.status, status.headers);
        if (flags & FLAG_END) this.finish(entry, null);
        return;
      }
      if (type === RECORD_CHUNK && entry.statusSeen) {
        this.stats.bodyBytes += payload.length;
        entry.sink.onChunk(payload);
        if (flags & FLAG_END) this.finish(entry, null);
        return;
      }
      if (type === RECORD_END && entry.statusSeen) {
        // An empty END is a complete answer; otherwise END carries JSON {code, message}.
        const end = payload.length === 0 && flags & FLAG_LAST && !entry.endStarted ? null : (entry.end.add(payload, (flags & FLAG_LAST) !== 0) as { code: string; message: string } | null | undefined);
        entry.endStarted = true;
        if (end === undefined) return;
        this.finish(entry, end && typeof end.code === "string" ? { code: end.code, message: String(end.message) } : null);
        return;
      }
      throw new SyntaxError("record type " + type + " out of order");
    } catch (error) {
      // The gateway broke the record protocol: end this request and the session.
      this.finish(entry, { code: "LINK_PROTOCOL", message: "the gateway sent a malformed answer (" + (error as Error).message + ")" });
      if (this.session) this.session.close("protocol error");
      this.flush();
    }
  }

  private onSessionClose(session: SecureSession, error: LinkError | null): void {
    if (this.session !== session) return;
    if (error) this.stats.refusals[error.code] = (this.stats.refusals[error.code] || 0) + 1;
    // A session that never opened means the gateway is not reachable (or refuses us): the agent backs off.
    const handshake = session.peerId === null;
    const code = handshake ? "UNREACHABLE" : "LINK_DROPPED";
    const message = error ? error.code + ": " + error.message : "the gateway closed the link";
    this.flush();
    this.session = null;
    this.dropStream();
    this.failAll({ code, message });
  }

  private dropStream(): void {
    const stream = this.stream;
    this.stream = null;
    if (stream) stream.close();
  }

  private failAll(error: TransportError): void {
    const entries = this.outstanding.slice();
    for (let index = 0; index < entries.length; index++) this.finish(entries[index], error);
  }

  private cancelOnLink(entry: Outstanding): void {
    const session = this.session;
    if (!entry.sent || !session || !session.isOpen()) return;
    this.draining.push(entry.channel);
    this.pendingRecords.push({ type: RECORD_CANCEL, channel: entry.channel, flags: FLAG_LAST, payload: new Uint8Array(0) });
    this.pump();
  }

  private cancel(entry: Outstanding): void {
    if (this.outstanding.indexOf(entry) < 0) return;
    this.cancelOnLink(entry);
    this.finish(entry, { code: "CANCELLED", message: "cancelled by the agent" });
  }

  private finish(entry: Outstanding, error: TransportError | null): void {
    const at = this.outstanding.indexOf(entry);
    if (at < 0) return;
    this.outstanding.splice(at, 1);
    entry.sink.onEnd(error);
  }
}
