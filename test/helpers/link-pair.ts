// Fixtures for the secure local link: deterministic crypto randomness, static
// keys for a gateway and devices, and a pair of sessions whose frames are
// recorded so tests can replay, reorder, flip or inject them.
import { x25519 } from "@noble/curves/ed25519.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { nobleLinkCrypto } from "../../ota/link/noble-link-crypto.js";
import { SecureSession, type SessionOptions } from "../../ota/link/secure-session.js";
import type { LinkError } from "../../ota/link/link-errors.js";

/** Deterministic "random" bytes: SHA-256 of a label and a counter. */
export function seededRandom(label: string): (length: number) => Uint8Array {
  let counter = 0;
  return (length) => {
    const out = new Uint8Array(length);
    for (let offset = 0; offset < length; offset += 32) {
      const block = sha256(new TextEncoder().encode(label + ":" + counter++));
      out.set(block.subarray(0, Math.min(32, length - offset)), offset);
    }
    return out;
  };
}

export function staticKey(label: string): { secretKey: Uint8Array; publicKey: Uint8Array } {
  const secretKey = sha256(new TextEncoder().encode("static key " + label));
  return { secretKey, publicKey: x25519.getPublicKey(secretKey) };
}

export const GATEWAY_KEY = staticKey("gateway");
export const DEVICE_KEY = staticKey("device-1");

export interface Recorder {
  opened: string[];
  records: { type: number; channel: number; flags: number; payload: Uint8Array }[];
  closes: (LinkError | null)[];
}

export function recorder(): Recorder & SessionOptions["sink"] {
  const r: Recorder & SessionOptions["sink"] = {
    opened: [],
    records: [],
    closes: [],
    onOpen: (peerId) => r.opened.push(peerId),
    onRecord: (type, channel, flags, payload) => r.records.push({ type, channel, flags, payload }),
    onClose: (error) => r.closes.push(error),
  };
  return r;
}

export interface PairOptions {
  deviceKey?: { secretKey: Uint8Array; publicKey: Uint8Array };
  deviceKnowsGatewayKey?: Uint8Array;
  gatewaySecret?: Uint8Array;
  provisioned?: Uint8Array[];
  seed?: string;
  extra?: Partial<SessionOptions>;
}

export function sessionPair(options: PairOptions = {}) {
  const seed = options.seed ?? "pair";
  const deviceKey = options.deviceKey ?? DEVICE_KEY;
  const provisioned = options.provisioned ?? [DEVICE_KEY.publicKey];
  const deviceSink = recorder();
  const gatewaySink = recorder();
  const device = new SecureSession(
    { crypto: nobleLinkCrypto(seededRandom(seed + "/device")), staticSecret: deviceKey.secretKey, gatewayPublicKey: options.deviceKnowsGatewayKey ?? GATEWAY_KEY.publicKey, sink: deviceSink, ...options.extra },
    0,
  );
  const gateway = new SecureSession(
    {
      crypto: nobleLinkCrypto(seededRandom(seed + "/gateway")),
      staticSecret: options.gatewaySecret ?? GATEWAY_KEY.secretKey,
      authorizeDevice: (key) => {
        const index = provisioned.findIndex((known) => Buffer.from(known).equals(Buffer.from(key)));
        return index < 0 ? null : "device-" + (index + 1);
      },
      sink: gatewaySink,
      ...options.extra,
    },
    0,
  );
  return { device, gateway, deviceSink, gatewaySink };
}

/** Every frame the session has queued. */
export function drain(session: SecureSession): Uint8Array[] {
  const frames: Uint8Array[] = [];
  for (let frame = session.takeFrame(); frame; frame = session.takeFrame()) frames.push(frame);
  return frames;
}

/** Handshake both sides directly; returns the two handshake frames. */
export function handshake(pair: ReturnType<typeof sessionPair>): { hello: Uint8Array; welcome: Uint8Array } {
  pair.device.start(0);
  const [hello] = drain(pair.device);
  pair.gateway.receive(hello);
  const [welcome] = drain(pair.gateway);
  if (welcome) pair.device.receive(welcome);
  return { hello, welcome };
}
