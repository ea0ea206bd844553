// The Noise IK handshake (Noise_IK_25519_ChaChaPoly_SHA256):
//   <- s                      (the device is provisioned with the gateway's static key)
//   -> e, es, s, ss           (HELLO: the device's static key travels encrypted)
//   <- e, ee, se              (WELCOME)
// The device is the initiator, the gateway the responder. Portable: no host APIs.
import type { LinkCrypto } from "./link-crypto.js";
import { CipherKey, SymmetricState, TAG_BYTES } from "./noise-symmetric.js";

export const PROTOCOL_NAME = "Noise_IK_25519_ChaChaPoly_SHA256";
export const PUBLIC_KEY_BYTES = 32;

export function asciiBytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let index = 0; index < text.length; index++) out[index] = text.charCodeAt(index) & 0x7f;
  return out;
}

/** Length of HELLO for a handshake payload of `payloadLength` bytes. */
export function helloLength(payloadLength: number): number {
  return PUBLIC_KEY_BYTES + PUBLIC_KEY_BYTES + TAG_BYTES + payloadLength + TAG_BYTES;
}

/** Length of WELCOME for a handshake payload of `payloadLength` bytes. */
export function welcomeLength(payloadLength: number): number {
  return PUBLIC_KEY_BYTES + payloadLength + TAG_BYTES;
}

export interface SessionKeys {
  /** Keys for frames the device sends (initiator → responder) and receives. */
  readonly initiatorToResponder: CipherKey;
  readonly responderToInitiator: CipherKey;
  /** Noise's handshake hash: a transcript digest both sides share (channel binding). */
  readonly handshakeHash: Uint8Array;
}

function start(crypto: LinkCrypto, prologue: Uint8Array, responderStatic: Uint8Array): SymmetricState {
  const state = new SymmetricState(crypto, asciiBytes(PROTOCOL_NAME));
  state.mixHash(prologue);
  state.mixHash(responderStatic);
  return state;
}

export class IkInitiator {
  private readonly crypto: LinkCrypto;
  private readonly state: SymmetricState;
  private readonly staticSecret: Uint8Array;
  private readonly staticPublic: Uint8Array;
  private readonly responderStatic: Uint8Array;
  private ephemeralSecret: Uint8Array | null = null;

  /** `staticPublic` may be given to save a scalar multiplication per handshake. */
  constructor(crypto: LinkCrypto, prologue: Uint8Array, staticSecret: Uint8Array, responderStatic: Uint8Array, staticPublic?: Uint8Array) {
    this.crypto = crypto;
    this.staticSecret = staticSecret;
    this.staticPublic = staticPublic || crypto.x25519PublicKey(staticSecret);
    this.responderStatic = responderStatic;
    this.state = start(crypto, prologue, responderStatic);
  }

  /** HELLO, or null if the provisioned gateway key is a low-order point. */
  writeHello(payload: Uint8Array): Uint8Array | null {
    const crypto = this.crypto;
    const ephemeralSecret = crypto.randomBytes(32);
    this.ephemeralSecret = ephemeralSecret;
    const ephemeralPublic = crypto.x25519PublicKey(ephemeralSecret);
    this.state.mixHash(ephemeralPublic);
    const es = crypto.x25519(ephemeralSecret, this.responderStatic);
    if (!es) return null;
    this.state.mixKey(es);
    const encryptedStatic = this.state.encryptAndHash(this.staticPublic);
    const ss = crypto.x25519(this.staticSecret, this.responderStatic);
    if (!ss) return null;
    this.state.mixKey(ss);
    const encryptedPayload = this.state.encryptAndHash(payload);
    const message = new Uint8Array(ephemeralPublic.length + encryptedStatic.length + encryptedPayload.length);
    message.set(ephemeralPublic, 0);
    message.set(encryptedStatic, ephemeralPublic.length);
    message.set(encryptedPayload, ephemeralPublic.length + encryptedStatic.length);
    return message;
  }

  /** The responder's payload and the session keys, or null when WELCOME does not authenticate. */
  readWelcome(message: Uint8Array): { payload: Uint8Array; keys: SessionKeys } | null {
    const crypto = this.crypto;
    if (!this.ephemeralSecret || message.length < PUBLIC_KEY_BYTES + TAG_BYTES) return null;
    const responderEphemeral = message.subarray(0, PUBLIC_KEY_BYTES);
    this.state.mixHash(responderEphemeral);
    const ee = crypto.x25519(this.ephemeralSecret, responderEphemeral);
    if (!ee) return null;
    this.state.mixKey(ee);
    const se = crypto.x25519(this.staticSecret, responderEphemeral);
    if (!se) return null;
    this.state.mixKey(se);
    const payload = this.state.decryptAndHash(message.subarray(PUBLIC_KEY_BYTES));
    if (!payload) return null;
    this.ephemeralSecret.fill(0);
    const handshakeHash = this.state.handshakeHash.slice();
    const keys = this.state.split();
    return { payload, keys: { initiatorToResponder: keys[0], responderToInitiator: keys[1], handshakeHash } };
  }
}

export class IkResponder {
  private readonly crypto: LinkCrypto;
  private readonly state: SymmetricState;
  private readonly staticSecret: Uint8Array;
  private initiatorEphemeral: Uint8Array | null = null;
  private initiatorStatic: Uint8Array | null = null;

  /** `staticPublic` may be given to save a scalar multiplication per handshake. */
  constructor(crypto: LinkCrypto, prologue: Uint8Array, staticSecret: Uint8Array, staticPublic?: Uint8Array) {
    this.crypto = crypto;
    this.staticSecret = staticSecret;
    this.state = start(crypto, prologue, staticPublic || crypto.x25519PublicKey(staticSecret));
  }

  /** The device's static public key and payload, or null when HELLO does not authenticate. */
  readHello(message: Uint8Array, payloadLength: number): { initiatorStatic: Uint8Array; payload: Uint8Array } | null {
    const crypto = this.crypto;
    if (message.length !== helloLength(payloadLength)) return null;
    const initiatorEphemeral = message.slice(0, PUBLIC_KEY_BYTES);
    this.state.mixHash(initiatorEphemeral);
    const es = crypto.x25519(this.staticSecret, initiatorEphemeral);
    if (!es) return null;
    this.state.mixKey(es);
    const staticEnd = PUBLIC_KEY_BYTES + PUBLIC_KEY_BYTES + TAG_BYTES;
    const initiatorStatic = this.state.decryptAndHash(message.subarray(PUBLIC_KEY_BYTES, staticEnd));
    if (!initiatorStatic) return null;
    const ss = crypto.x25519(this.staticSecret, initiatorStatic);
    if (!ss) return null;
    this.state.mixKey(ss);
    const payload = this.state.decryptAndHash(message.subarray(staticEnd));
    if (!payload) return null;
    this.initiatorEphemeral = initiatorEphemeral;
    this.initiatorStatic = initiatorStatic.slice();
    return { initiatorStatic: this.initiatorStatic, payload };
  }

  writeWelcome(payload: Uint8Array): { message: Uint8Array; keys: SessionKeys } | null {
    const crypto = this.crypto;
    if (!this.initiatorEphemeral || !this.initiatorStatic) return null;
    const ephemeralSecret = crypto.randomBytes(32);
    const ephemeralPublic = crypto.x25519PublicKey(ephemeralSecret);
    this.state.mixHash(ephemeralPublic);
    const ee = crypto.x25519(ephemeralSecret, this.initiatorEphemeral);
    if (!ee) return null;
    this.state.mixKey(ee);
    const se = crypto.x25519(ephemeralSecret, this.initiatorStatic);
    if (!se) return null;
    this.state.mixKey(se);
    const encryptedPayload = this.state.encryptAndHash(payload);
    ephemeralSecret.fill(0);
    const message = new Uint8Array(ephemeralPublic.length + encryptedPayload.length);
    message.set(ephemeralPublic, 0);
    message.set(encryptedPayload, ephemeralPublic.length);
    const handshakeHash = this.state.handshakeHash.slice();
    const keys = this.state.split();
    return { message, keys: { initiatorToResponder: keys[0], responderToInitiator: keys[1], handshakeHash } };
  }
}
