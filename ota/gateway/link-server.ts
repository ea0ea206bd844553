// The gateway's end of the local link, one instance per connected stream:
// a responder SecureSession that admits only provisioned device keys, then
// REQUEST records in, STATUS / CHUNK / END records out, answered by the
// Gateway under the controller id the device's key is provisioned for.
// Bounded: a few requests in flight per device, JSON records capped, response
// bodies streamed as the session's send queue drains (never all queued).
import type { LinkCrypto } from "../link/link-crypto.js";
import { SecureSession } from "../link/secure-session.js";
import { FLAG_END, FLAG_LAST, JsonAssembler, RECORD_CANCEL, RECORD_CHUNK, RECORD_END, RECORD_REQUEST, RECORD_STATUS, jsonFragments } from "../link/ddi-records.js";
import { RECORD_PAYLOAD_BYTES } from "../link/frame.js";
import type { LinkError } from "../link/link-errors.js";
import type { TransportRequest } from "../ddi/transport.js";
import type { Gateway, GatewayResponse } from "./gateway.js";
import { problem } from "./gateway.js";

/** Device static public keys (hex) → controller ids. */
export type DeviceKeys = ReadonlyMap<string, string>;

export interface LinkServerOptions {
  crypto: LinkCrypto;
  /** The gateway's X25519 static secret, and its public key (saves a scalar multiplication per handshake). */
  staticSecret: Uint8Array;
  staticPublicKey?: Uint8Array;
  devices: DeviceKeys;
  gateway: Gateway;
  now: () => number;
  /** Requests in flight per device. */
  maxOutstanding?: number;
  /** Test hook for a malicious gateway: change an answer before it goes out. */
  alterResponse?: (controllerId: string, request: TransportRequest, response: GatewayResponse) => GatewayResponse | Promise<GatewayResponse>;
}

export interface ConnectionIo {
  /** Write one frame; false when the stream is full: nothing more is written until resume(). */
  write(bytes: Uint8Array): boolean | void;
  /** The session ended (null: closed cleanly; else the refusal): end the stream. */
  close(reason: LinkError | null): void;
}

interface Answering {
  channel: number;
  request: TransportRequest | null;
  assembler: JsonAssembler;
  cancelled: boolean;
  /** Records left to send: STATUS fragments, then body chunks, then END. */
  records: { type: number; flags: number; payload: Uint8Array }[] | null;
  body: Uint8Array | null;
  bodyOffset: number;
}

const toHex = (bytes: Uint8Array) => Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");

export class LinkConnection {
  readonly session: SecureSession;
  controllerId: string | null = null;
  /** Set once the session ends: null after a clean close, else the refusal. */
  closedWith: LinkError | null | undefined = undefined;
  private readonly answering = new Map<number, Answering>();
  private readonly order: number[] = [];
  private readonly maxOutstanding: number;
  private paused = false;
  private flushing = false;

  constructor(private readonly options: LinkServerOptions, private readonly io: ConnectionIo) {
    this.maxOutstanding = options.maxOutstanding ?? 4;
    this.session = new SecureSession(
      {
        crypto: options.crypto,
        staticSecret: options.staticSecret,
        staticPublicKey: options.staticPublicKey,
        authorizeDevice: (key) => options.devices.get(toHex(key)) ?? null,
        sink: {
          onOpen: (peerId) => {
            this.controllerId = peerId;
          },
          onRecord: (type, channel, flags, payload) => this.onRecord(type, channel, flags, payload),
          onClose: (error) => this.onClose(error),
          onOutput: () => this.flush(),
          onWritable: () => this.pump(),
        },
      },
      options.now(),
    );
  }

  receive(bytes: Uint8Array): void {
    this.session.receive(bytes);
  }

  /** The stream ended. */
  end(): void {
    this.session.end();
  }

  tick(): void {
    this.session.tick(this.options.now());
  }

  /** The stream drained after write() returned false: continue. */
  resume(): void {
    this.paused = false;
    this.flush();
  }

  /** Frames go out while the stream takes them; a full stream leaves them in the session's bounded queue,
   * and a full queue stops the answers (send() returns false) until the stream drains. */
  private flush(): void {
    if (this.flushing) return; // taking a frame can make room, and the pump then queues more: the loop below takes them
    this.flushing = true;
    try {
      while (!this.paused) {
        const frame = this.session.takeFrame();
        if (!frame) break;
        if (this.io.write(frame) === false) this.paused = true;
      }
    } finally {
      this.flushing = false;
    }
  }

  private onClose(error: LinkError | null): void {
    this.closedWith = error;
    this.paused = false; // the closing frame goes out whatever the stream's state
    this.flush();
    this.answering.clear();
    this.order.length = 0;
    this.io.close(error);
  }

  private onRecord(type: number, channel: number, flags: number, payload: Uint8Array): void {
    if (type === RECORD_CANCEL) {
      const entry = this.answering.get(channel);
      if (entry) {
        entry.cancelled = true;
        // Whatever was queued for it is dropped; END frees the channel on the device.
        entry.records = [{ type: RECORD_END, flags: FLAG_LAST, payload: new Uint8Array(0) }];
        entry.body = null;
        if (this.order.indexOf(channel) < 0) this.order.push(channel);
        this.pump();
      }
      return;
    }
    if (type !== RECORD_REQUEST) return this.session.close("unexpected record type " + type);
    let entry = this.answering.get(channel);
    if (!entry) {
      if (this.answering.size >= this.maxOutstanding) return this.session.close("too many requests in flight");
      entry = { channel, request: null, assembler: new JsonAssembler(), cancelled: false, records: null, body: null, bodyOffset: 0 };
      this.answering.set(channel, entry);
    }
    if (entry.request) return this.session.close("a second request on a busy channel");
    let parsed: unknown;
    try {
      parsed = entry.assembler.add(payload, (flags & FLAG_LAST) !== 0);
    } catch {
      return this.session.close("malformed request record");
    }
    if (parsed === undefined) return;
    const request = validRequest(parsed);
    const answer = entry;
    if (!request) return this.respond(answer, problem(400, "slotboot.gateway.badRequest", "a link request needs {method: GET|POST|PUT, path, body?: string, range?: {start, end?}}"));
    answer.request = request;
    void this.answer(answer, request);
  }

  private async answer(entry: Answering, request: TransportRequest): Promise<void> {
    const controllerId = this.controllerId as string;
    let response: GatewayResponse;
    try {
      response = await this.options.gateway.handle(controllerId, request);
      if (this.options.alterResponse) response = await this.options.alterResponse(controllerId, request, response);
    } catch (error) {
      response = problem(500, "slotboot.gateway.internal", (error as Error).message);
    }
    this.respond(entry, response);
  }

  private respond(entry: Answering, response: GatewayResponse): void {
    if (this.session.isEnded() || this.answering.get(entry.channel) !== entry || entry.cancelled) return;
    // An answer without a body ends with its status; one with a body ends with its last chunk (FLAG_END).
    const complete = response.body.length === 0 ? FLAG_END : 0;
    entry.records = jsonFragments({ status: response.status, headers: response.headers }).map((payload, index, all) => ({
      type: RECORD_STATUS,
      flags: index === all.length - 1 ? FLAG_LAST | complete : 0,
      payload,
    }));
    entry.body = response.body;
    entry.bodyOffset = 0;
    this.order.push(entry.channel);
    this.pump();
  }

  /** Send what the session's queue takes, round-robin over the answers in progress. */
  private pump(): void {
    while (this.session.canSend() && this.order.length > 0) {
      const channel = this.order[0];
      const entry = this.answering.get(channel);
      if (!entry || !entry.records) {
        this.order.shift();
        continue;
      }
      let record = entry.records.shift();
      if (!record && entry.body && entry.bodyOffset < entry.body.length) {
        const end = Math.min(entry.body.length, entry.bodyOffset + RECORD_PAYLOAD_BYTES);
        record = { type: RECORD_CHUNK, flags: end === entry.body.length ? FLAG_END : 0, payload: entry.body.subarray(entry.bodyOffset, end) };
        entry.bodyOffset = end;
      }
      if (!record) {
        record = { type: RECORD_END, flags: FLAG_LAST, payload: new Uint8Array(0) };
        entry.body = null;
        entry.records = [];
      }
      this.session.send(record.type, channel, record.flags, record.payload);
      if (record.type === RECORD_END || record.flags & FLAG_END) {
        this.answering.delete(channel);
        this.order.shift();
      } else {
        // Round robin: the next answer gets the next frame.
        this.order.push(this.order.shift() as number);
      }
    }
  }
}

function validRequest(value: unknown): TransportRequest | null {
  if (typeof value !== "object" || value === null) return null;
  const candidate = value as { method?: unknown; path?: unknown; body?: unknown; range?: unknown };
  if (candidate.method !== "GET" && candidate.method !== "POST" && candidate.method !== "PUT") return null;
  if (typeof candidate.path !== "string" || candidate.path.length === 0 || candidate.path.length > 1024 || candidate.path[0] !== "/") return null;
  if (candidate.body !== undefined && typeof candidate.body !== "string") return null;
  const request: TransportRequest = { method: candidate.method, path: candidate.path };
  if (candidate.body !== undefined) request.body = candidate.body as string;
  if (candidate.range !== undefined) {
    const range = candidate.range as { start?: unknown; end?: unknown };
    if (typeof range !== "object" || range === null || !Number.isSafeInteger(range.start) || (range.start as number) < 0) return null;
    if (range.end !== undefined && (!Number.isSafeInteger(range.end) || (range.end as number) < (range.start as number))) return null;
    request.range = range.end === undefined ? { start: range.start as number } : { start: range.start as number, end: range.end as number };
  }
  return request;
}
