// One end of the secure local link: a Noise IK handshake, then fixed-size
// encrypted DATA frames with explicit counters. Poll/sink API that never
// blocks: the host pushes received bytes with receive(), takes frames to write
// with takeFrame(), drives time with tick(now); the session reports through a
// sink. Every state refuses what it does not expect (the default is failure),
// and every refusal is fatal: the session ends with a typed LinkError and the
// peers reconnect with fresh keys. Portable: no host APIs; crypto is injected.
import type { LinkCrypto } from "./link-crypto.js";
import { IkInitiator, IkResponder, asciiBytes, type SessionKeys } from "./noise-ik.js";
import type { CipherKey } from "./noise-symmetric.js";
import {
  FRAME_BYTES, FRAME_HEADER_BYTES, HANDSHAKE_PAYLOAD_BYTES, HELLO_BYTES, KIND_DATA, KIND_HELLO, KIND_WELCOME,
  LINK_PROTOCOL_VERSION, RECORD_BYTES, RECORD_CLOSE, RECORD_HEADER_BYTES, RECORD_PAYLOAD_BYTES, WELCOME_BYTES,
  handshakeFrame, handshakePayload, paddingIsZero, readCounter, writeHeader,
} from "./frame.js";
import {
  LinkError, LINK_AUTH_FAILED, LINK_BAD_FRAME, LINK_CLOSED, LINK_HANDSHAKE_FAILED, LINK_MESSAGE_TOO_LARGE,
  LINK_NOT_OPEN, LINK_OUT_OF_ORDER, LINK_REPLAY, LINK_SESSION_EXHAUSTED, LINK_TIMEOUT,
  LINK_TRUNCATED, LINK_UNEXPECTED_FRAME, LINK_UNKNOWN_PEER, LINK_VERSION,
} from "./link-errors.js";

/** Session states (docs/transport-gateway.md has the table). */
export const STATE_IDLE = "idle"; // device before start()
export const STATE_AWAIT_HELLO = "await-hello"; // gateway
export const STATE_AWAIT_WELCOME = "await-welcome"; // device after HELLO
export const STATE_OPEN = "open";
export const STATE_CLOSED = "closed";
export const STATE_FAILED = "failed";

export interface LinkSink {
  /** The handshake completed; `peerId` is the gateway-side device id (device side: "gateway"). */
  onOpen(peerId: string, handshakeHash: Uint8Array): void;
  /** One authenticated record, in order. */
  onRecord(type: number, channel: number, flags: number, payload: Uint8Array): void;
  /** Once: null after a graceful close by either side, else the refusal. */
  onClose(error: LinkError | null): void;
  /** Frames are waiting in takeFrame() (optional; hosts may also poll). */
  onOutput?(): void;
  /** The send queue has room again after being full (optional). */
  onWritable?(): void;
}

export interface SessionOptions {
  crypto: LinkCrypto;
  /** This side's X25519 static secret key. */
  staticSecret: Uint8Array;
  /** Its public key, if the host has it (saves one scalar multiplication per handshake). */
  staticPublicKey?: Uint8Array;
  sink: LinkSink;
  /** Device side: the provisioned gateway (or fleet) static public key. */
  gatewayPublicKey?: Uint8Array;
  /** Gateway side: the device id for a provisioned device static public key, or null to refuse. */
  authorizeDevice?: (devicePublicKey: Uint8Array) => string | null;
  /** Milliseconds the handshake may take (host clock via tick()). */
  handshakeTimeoutMs?: number;
  /** Rekey each direction's key after this many frames (Noise REKEY). */
  rekeyEveryFrames?: number;
  /** Frames per direction before the session must be replaced (at most 2^32 - 1: the counter is a u32). */
  maxFramesPerSession?: number;
  /** Frames the send queue holds before send() returns false. */
  maxQueuedFrames?: number;
}

const PROLOGUE = asciiBytes("slotboot local link v1, 256-byte frames");

export class SecureSession {
  state: string;
  /** The refusal that ended the session, if any. */
  error: LinkError | null = null;
  /** Gateway side: the authenticated device id; device side: "gateway". */
  peerId: string | null = null;
  /** Bytes received and sent on the stream (handshake included). */
  bytesIn = 0;
  bytesOut = 0;

  private readonly options: SessionOptions;
  private readonly isDevice: boolean;
  private readonly crypto: LinkCrypto;
  private readonly inputFrame = new Uint8Array(FRAME_BYTES);
  private inputFill = 0;
  private readonly queue: Uint8Array[] = [];
  private queueWasFull = false;
  private initiator: IkInitiator | null = null;
  private responder: IkResponder | null = null;
  private sendKey: CipherKey | null = null;
  private receiveKey: CipherKey | null = null;
  private sendCounter = 0;
  private receiveCounter = 0;
  private startedAt = 0;
  private readonly handshakeTimeoutMs: number;
  private readonly rekeyEveryFrames: number;
  private readonly maxFrames: number;
  private readonly maxQueuedFrames: number;

  constructor(options: SessionOptions, now: number) {
    this.options = options;
    this.crypto = options.crypto;
    this.isDevice = !!options.gatewayPublicKey;
    if (this.isDevice === !!options.authorizeDevice) throw new Error("a session is either a device (gatewayPublicKey) or a gateway (authorizeDevice)");
    this.handshakeTimeoutMs = options.handshakeTimeoutMs || 10000;
    this.rekeyEveryFrames = options.rekeyEveryFrames || 4096;
    this.maxFrames = Math.min(options.maxFramesPerSession || 0xffffffff, 0xffffffff);
    this.maxQueuedFrames = options.maxQueuedFrames || 32;
    this.startedAt = now;
    this.state = this.isDevice ? STATE_IDLE : STATE_AWAIT_HELLO;
    if (!this.isDevice) this.responder = new IkResponder(this.crypto, PROLOGUE, options.staticSecret, options.staticPublicKey);
  }

  /** Device: send HELLO. */
  start(now: number): void {
    if (this.state !== STATE_IDLE) return this.fail(LINK_UNEXPECTED_FRAME, "start() outside the idle state");
    this.startedAt = now;
    this.initiator = new IkInitiator(this.crypto, PROLOGUE, this.options.staticSecret, this.options.gatewayPublicKey as Uint8Array, this.options.staticPublicKey);
    const hello = this.initiator.writeHello(handshakePayload());
    if (!hello) return this.fail(LINK_HANDSHAKE_FAILED, "the provisioned gateway key is not a usable X25519 key");
    this.state = STATE_AWAIT_WELCOME;
    this.enqueue(handshakeFrame(KIND_HELLO, hello));
  }

  isOpen(): boolean {
    return this.state === STATE_OPEN;
  }

  isEnded(): boolean {
    return this.state === STATE_CLOSED || this.state === STATE_FAILED;
  }

  /** Room for another record in the send queue; when there is none, onWritable() fires once there is. */
  canSend(): boolean {
    if (this.state !== STATE_OPEN) return false;
    if (this.queue.length < this.maxQueuedFrames) return true;
    this.queueWasFull = true;
    return false;
  }

  /** Bytes from the stream, in any chunking. Never throws: refusals end the session through the sink. */
  receive(bytes: Uint8Array): void {
    let offset = 0;
    while (offset < bytes.length) {
      if (this.isEnded()) return;
      const take = Math.min(FRAME_BYTES - this.inputFill, bytes.length - offset);
      this.inputFrame.set(bytes.subarray(offset, offset + take), this.inputFill);
      this.inputFill += take;
      offset += take;
      this.bytesIn += take;
      if (this.inputFill === FRAME_BYTES) {
        this.inputFill = 0;
        this.onFrame(this.inputFrame);
      }
    }
  }

  /** The stream ended (EOF or dropped). Only a session already closed ends cleanly. */
  end(): void {
    if (this.isEnded()) return;
    this.fail(LINK_TRUNCATED, this.inputFill ? "inside a frame, after " + this.inputFill + " of " + FRAME_BYTES + " bytes" : "in state " + this.state);
  }

  /** Host clock: fails a handshake that takes too long. */
  tick(now: number): void {
    if ((this.state === STATE_AWAIT_HELLO || this.state === STATE_AWAIT_WELCOME) && now - this.startedAt > this.handshakeTimeoutMs) {
      this.fail(LINK_TIMEOUT, "no handshake after " + (now - this.startedAt) + " ms");
    }
  }

  /** Queue one record. False when the queue is full (retry after onWritable); throws LinkError when not open or too large. */
  send(type: number, channel: number, flags: number, payload: Uint8Array): boolean {
    if (this.state !== STATE_OPEN) throw new LinkError(this.isEnded() ? LINK_CLOSED : LINK_NOT_OPEN);
    if (payload.length > RECORD_PAYLOAD_BYTES) throw new LinkError(LINK_MESSAGE_TOO_LARGE, payload.length + " > " + RECORD_PAYLOAD_BYTES + " bytes");
    if (type < 1 || type > 255) throw new RangeError("record types 1..255 belong to the layer above the link");
    if (this.queue.length >= this.maxQueuedFrames) {
      this.queueWasFull = true;
      return false;
    }
    this.sealRecord(type, channel, flags, payload);
    return true;
  }

  /** Graceful close: a CLOSE record, then the session is closed (queued frames still drain). */
  close(reason?: string): void {
    if (this.state !== STATE_OPEN) {
      if (!this.isEnded()) this.finish(STATE_CLOSED, null);
      return;
    }
    const reasonBytes = asciiBytes((reason || "").slice(0, RECORD_PAYLOAD_BYTES));
    this.sealRecord(RECORD_CLOSE, 0, 0, reasonBytes);
    this.finish(STATE_CLOSED, null);
  }

  /** The next frame to write to the stream, or null. */
  takeFrame(): Uint8Array | null {
    const frame = this.queue.shift() || null;
    if (frame) this.bytesOut += frame.length;
    if (frame && this.queueWasFull && this.state === STATE_OPEN && this.queue.length < this.maxQueuedFrames) {
      this.queueWasFull = false;
      if (this.options.sink.onWritable) this.options.sink.onWritable();
    }
    return frame;
  }

  private sealRecord(type: number, channel: number, flags: number, payload: Uint8Array): void {
    if (this.sendCounter >= this.maxFrames) {
      this.fail(LINK_SESSION_EXHAUSTED, this.maxFrames + " frames sent");
      throw new LinkError(LINK_SESSION_EXHAUSTED);
    }
    const record = new Uint8Array(RECORD_BYTES);
    record[0] = type;
    record[1] = channel & 0xff;
    record[2] = flags & 0xff;
    record[3] = payload.length;
    record.set(payload, RECORD_HEADER_BYTES);
    const frame = new Uint8Array(FRAME_BYTES);
    writeHeader(frame, KIND_DATA, this.sendCounter);
    const key = this.sendKey as CipherKey;
    frame.set(key.seal(this.sendCounter, frame.subarray(0, FRAME_HEADER_BYTES), record, this.crypto), FRAME_HEADER_BYTES);
    this.sendCounter++;
    if (this.sendCounter % this.rekeyEveryFrames === 0) key.rekey(this.crypto);
    this.enqueue(frame);
  }

  private enqueue(frame: Uint8Array): void {
    this.queue.push(frame);
    if (this.options.sink.onOutput) this.options.sink.onOutput();
  }

  private onFrame(frame: Uint8Array): void {
    const kind = frame[0];
    if (kind !== KIND_HELLO && kind !== KIND_WELCOME && kind !== KIND_DATA) return this.fail(LINK_BAD_FRAME, "kind 0x" + kind.toString(16));
    // The table: each state accepts exactly one kind of frame; anything else fails the session.
    if (this.state === STATE_AWAIT_HELLO && kind === KIND_HELLO) return this.onHello(frame);
    if (this.state === STATE_AWAIT_WELCOME && kind === KIND_WELCOME) return this.onWelcome(frame);
    if (this.state === STATE_OPEN && kind === KIND_DATA) return this.onData(frame);
    return this.fail(LINK_UNEXPECTED_FRAME, "kind 0x" + kind.toString(16) + " in state " + this.state);
  }

  private handshakeFrameWellFormed(frame: Uint8Array, messageLength: number): boolean {
    return readCounter(frame) === 0 && paddingIsZero(frame, FRAME_HEADER_BYTES + messageLength);
  }

  private onHello(frame: Uint8Array): void {
    if (!this.handshakeFrameWellFormed(frame, HELLO_BYTES)) return this.fail(LINK_BAD_FRAME, "HELLO header or padding");
    const responder = this.responder as IkResponder;
    const hello = responder.readHello(frame.slice(FRAME_HEADER_BYTES, FRAME_HEADER_BYTES + HELLO_BYTES), HANDSHAKE_PAYLOAD_BYTES);
    if (!hello) return this.fail(LINK_HANDSHAKE_FAILED, "HELLO did not decrypt under this gateway's static key");
    if (hello.payload[0] !== LINK_PROTOCOL_VERSION) return this.fail(LINK_VERSION, "device speaks version " + hello.payload[0]);
    const authorize = this.options.authorizeDevice as (key: Uint8Array) => string | null;
    const peerId = authorize(hello.initiatorStatic);
    if (peerId === null) return this.fail(LINK_UNKNOWN_PEER, "device key " + hexPrefix(hello.initiatorStatic));
    const welcome = responder.writeWelcome(handshakePayload());
    if (!welcome) return this.fail(LINK_HANDSHAKE_FAILED, "the device's ephemeral or static key is a low-order point");
    this.enqueue(handshakeFrame(KIND_WELCOME, welcome.message));
    this.openWith(welcome.keys, peerId);
  }

  private onWelcome(frame: Uint8Array): void {
    if (!this.handshakeFrameWellFormed(frame, WELCOME_BYTES)) return this.fail(LINK_BAD_FRAME, "WELCOME header or padding");
    const welcome = (this.initiator as IkInitiator).readWelcome(frame.slice(FRAME_HEADER_BYTES, FRAME_HEADER_BYTES + WELCOME_BYTES));
    if (!welcome) return this.fail(LINK_HANDSHAKE_FAILED, "WELCOME did not authenticate: the peer does not hold the provisioned gateway key");
    if (welcome.payload[0] !== LINK_PROTOCOL_VERSION) return this.fail(LINK_VERSION, "gateway speaks version " + welcome.payload[0]);
    this.openWith(welcome.keys, "gateway");
  }

  private openWith(keys: SessionKeys, peerId: string): void {
    this.sendKey = this.isDevice ? keys.initiatorToResponder : keys.responderToInitiator;
    this.receiveKey = this.isDevice ? keys.responderToInitiator : keys.initiatorToResponder;
    this.initiator = null;
    this.responder = null;
    this.peerId = peerId;
    this.state = STATE_OPEN;
    this.options.sink.onOpen(peerId, keys.handshakeHash);
  }

  private onData(frame: Uint8Array): void {
    const counter = readCounter(frame);
    if (counter < this.receiveCounter) return this.fail(LINK_REPLAY, "counter " + counter + ", expected " + this.receiveCounter);
    if (counter > this.receiveCounter) return this.fail(LINK_OUT_OF_ORDER, "counter " + counter + ", expected " + this.receiveCounter);
    if (counter >= this.maxFrames) return this.fail(LINK_SESSION_EXHAUSTED, this.maxFrames + " frames received");
    const key = this.receiveKey as CipherKey;
    const record = key.open(counter, frame.subarray(0, FRAME_HEADER_BYTES), frame.subarray(FRAME_HEADER_BYTES), this.crypto);
    if (!record) return this.fail(LINK_AUTH_FAILED, "DATA frame " + counter);
    this.receiveCounter++;
    if (this.receiveCounter % this.rekeyEveryFrames === 0) key.rekey(this.crypto);
    const length = record[3];
    if (length > RECORD_PAYLOAD_BYTES) return this.fail(LINK_BAD_FRAME, "record length " + length);
    const payload = record.slice(RECORD_HEADER_BYTES, RECORD_HEADER_BYTES + length);
    if (record[0] === RECORD_CLOSE) {
      this.finish(STATE_CLOSED, null);
      return;
    }
    this.options.sink.onRecord(record[0], record[1], record[2], payload);
  }

  private fail(code: string, detail?: string): void {
    if (this.isEnded()) return;
    this.finish(STATE_FAILED, new LinkError(code, detail));
  }

  private finish(state: string, error: LinkError | null): void {
    this.state = state;
    this.error = error;
    if (error) this.queue.length = 0; // nothing more leaves a failed session
    if (this.sendKey) this.sendKey.wipe();
    if (this.receiveKey) this.receiveKey.wipe();
    this.options.sink.onClose(error);
  }
}

function hexPrefix(bytes: Uint8Array): string {
  let text = "";
  for (let index = 0; index < 8 && index < bytes.length; index++) text += (bytes[index] < 16 ? "0" : "") + bytes[index].toString(16);
  return text + "…";
}
